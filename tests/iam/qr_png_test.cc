#include "iam/internal/qr_png.h"

#include <gtest/gtest.h>

#include "common/gzip.h"
#include "support/matchers.h"

namespace ot::iam::internal {
namespace {

using ot::testing::IsOk;

uint32_t U32(std::string_view s, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
}

struct Chunk {
  std::string type, data;
};

// Splits a PNG into chunks, checking each CRC.
std::vector<Chunk> Chunks(std::string_view png) {
  std::vector<Chunk> out;
  size_t at = 8;
  while (at + 12 <= png.size()) {
    const uint32_t len = U32(png, at);
    Chunk c{std::string(png.substr(at + 4, 4)), std::string(png.substr(at + 8, len))};
    EXPECT_EQ(U32(png, at + 8 + len), Crc32(c.type + c.data)) << c.type;
    out.push_back(std::move(c));
    at += 12 + len;
  }
  EXPECT_EQ(at, png.size());
  return out;
}

constexpr std::string_view kUri =
    "otpauth://totp/alice-phone@123456789012?secret="
    "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

TEST(QrPng, MatrixHasAQrSizeWithFinderPatterns) {
  auto m = EncodeQr(kUri);

  ASSERT_THAT(m, IsOk());
  EXPECT_EQ((m->size - 17) % 4, 0);  // version v is 17 + 4v modules
  EXPECT_GE(m->size, 21);
  // The finder patterns' outer rings are dark at three corners.
  for (int i = 0; i < 7; ++i) {
    EXPECT_TRUE(m->at(i, 0));
    EXPECT_TRUE(m->at(m->size - 1 - i, 0));
    EXPECT_TRUE(m->at(0, m->size - 1 - i));
  }
  EXPECT_FALSE(m->at(1, 1));  // white ring inside
  EXPECT_TRUE(m->at(3, 3));   // dark centre
}

TEST(QrPng, LongerTextNeedsALargerSymbol) {
  auto small = EncodeQr("otpauth://totp/a@1?secret=AB");
  auto large = EncodeQr(kUri);

  ASSERT_THAT(small, IsOk());
  ASSERT_THAT(large, IsOk());
  EXPECT_LT(small->size, large->size);
}

TEST(QrPng, PngHasSignatureIhdrAndPixelsOfTheMatrix) {
  auto m = EncodeQr(kUri);
  ASSERT_THAT(m, IsOk());
  const int scale = 4, quiet = 4;

  std::string png = RenderPng(*m, scale, quiet);

  ASSERT_TRUE(png.starts_with("\x89PNG\r\n\x1a\n"));
  std::vector<Chunk> chunks = Chunks(png);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].type, "IHDR");
  EXPECT_EQ(chunks[1].type, "IDAT");
  EXPECT_EQ(chunks[2].type, "IEND");
  const uint32_t px = static_cast<uint32_t>((m->size + 2 * quiet) * scale);
  ASSERT_EQ(chunks[0].data.size(), 13u);
  EXPECT_EQ(U32(chunks[0].data, 0), px);
  EXPECT_EQ(U32(chunks[0].data, 4), px);
  EXPECT_EQ(chunks[0].data.substr(8), std::string("\x08\x00\x00\x00\x00", 5));
  auto raw = ZlibDecompress(chunks[1].data, 1 << 24);
  ASSERT_THAT(raw, IsOk());
  ASSERT_EQ(raw->size(), static_cast<size_t>(px) * (px + 1));
  // Sample every module's centre pixel back into a matrix.
  for (int y = 0; y < m->size; ++y) {
    for (int x = 0; x < m->size; ++x) {
      const size_t row = static_cast<size_t>((y + quiet) * scale + scale / 2);
      const size_t col = static_cast<size_t>((x + quiet) * scale + scale / 2);
      const uint8_t pixel = static_cast<uint8_t>((*raw)[row * (px + 1) + 1 + col]);
      ASSERT_EQ(pixel == 0, m->at(x, y)) << x << "," << y;
    }
  }
  EXPECT_EQ(static_cast<uint8_t>((*raw)[1]), 0xff);  // the quiet zone is white
  EXPECT_EQ((*raw)[0], '\0');                        // filter type None
}

}  // namespace
}  // namespace ot::iam::internal
