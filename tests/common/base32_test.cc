#include <gtest/gtest.h>

#include "common/encoding.h"
#include "common/gzip.h"
#include "support/matchers.h"

namespace ot {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

// RFC 4648 §10, without the padding.
TEST(Base32, EncodesRfc4648VectorsWithoutPadding) {
  struct Case {
    std::string_view data, text;
  };
  const Case cases[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.data);
    EXPECT_EQ(Base32Encode(c.data), c.text);
    auto decoded = Base32Decode(c.text);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, c.data);
  }
}

TEST(Base32, DecodesPaddedAndLowerCaseText) {
  EXPECT_EQ(Base32Decode("MZXW6YQ="), "foob");
  EXPECT_EQ(Base32Decode("my======"), "f");
  EXPECT_EQ(Base32Decode("JBSWY3DPEHPK3PXP"), "Hello!\xde\xad\xbe\xef");
}

TEST(Base32, RejectsForeignCharactersAndImpossibleLengths) {
  EXPECT_FALSE(Base32Decode("MZXW1").has_value());  // '1' is not in the alphabet
  EXPECT_FALSE(Base32Decode("MZX8").has_value());
  EXPECT_FALSE(Base32Decode("M").has_value());
  EXPECT_FALSE(Base32Decode("MZX").has_value());
  EXPECT_FALSE(Base32Decode("MZXW6Y").has_value());
}

TEST(Base32, RoundTripsEveryLength) {
  std::string data;
  for (int i = 0; i < 45; ++i) {
    auto decoded = Base32Decode(Base32Encode(data));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, data);
    data.push_back(static_cast<char>(i * 53 + 7));
  }
}

TEST(Zlib, RoundTripsWithZlibHeader) {
  const std::string data(5000, 'q');

  std::string z = ZlibCompress(data);

  ASSERT_GE(z.size(), 6u);
  EXPECT_EQ(static_cast<uint8_t>(z[0]) & 0x0f, 8);                                      // deflate
  EXPECT_EQ(((static_cast<uint8_t>(z[0]) << 8) | static_cast<uint8_t>(z[1])) % 31, 0);  // FCHECK
  auto back = ZlibDecompress(z, 1 << 20);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, data);
}

TEST(Zlib, RejectsCorruptTruncatedAndOversizedInput) {
  const std::string z = ZlibCompress(std::string(5000, 'q'));

  EXPECT_THAT(ZlibDecompress(z.substr(0, z.size() - 3), 1 << 20), HasError(Error::kValidation));
  EXPECT_THAT(ZlibDecompress("not zlib at all", 1 << 20), HasError(Error::kValidation));
  EXPECT_THAT(ZlibDecompress(z, 100), HasError(Error::kValidation));
}

}  // namespace
}  // namespace ot
