#include "common/encoding.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "common/gzip.h"
#include "common/json_writer.h"
#include "support/matchers.h"

namespace ot {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

TEST(Base64, RoundTripsAllLengths) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    auto decoded = Base64Decode(Base64Encode(data));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, data);
    auto url = Base64Decode(Base64UrlEncode(data));
    ASSERT_TRUE(url.has_value());
    EXPECT_EQ(*url, data);
    data.push_back(static_cast<char>(i * 37 + 250));
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(Base64Decode("ab$c").has_value());
}

TEST(UriEncoding, EncodesReservedAndDecodesForms) {
  EXPECT_EQ(UriEncode("a b/c~d*"), "a%20b%2Fc~d%2A");
  EXPECT_EQ(UriEncode("a b/c", /*keep_slash=*/true), "a%20b/c");
  EXPECT_EQ(UriDecode("hello+%26+bye", /*plus_as_space=*/true), "hello & bye");
  EXPECT_EQ(UriDecode("a+b%2"), "a+b%2");
}

TEST(Hex, RoundTrips) {
  EXPECT_EQ(HexEncode("\x01\xab"), "01ab");
  EXPECT_EQ(HexDecode("01AB").value(), "\x01\xab");
  EXPECT_FALSE(HexDecode("0g").has_value());
}

TEST(Gzip, RoundTripsAndJoinsMembers) {
  std::string a(100000, 'a'), b = "tail";

  auto both = GzipDecompress(GzipCompress(a) + GzipCompress(b), 1 << 20);

  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(*both, a + b);
}

TEST(Gzip, RejectsCorruptTruncatedAndOversizedInput) {
  std::string z = GzipCompress(std::string(5000, 'x'));

  EXPECT_THAT(GzipDecompress(z.substr(0, z.size() / 2), 1 << 20), HasError(Error::kValidation));
  EXPECT_THAT(GzipDecompress(z, 100), HasError(Error::kRequestTooLarge));
  z[12] ^= 0x55;
  EXPECT_FALSE(GzipDecompress(z, 1 << 20).ok());
}

TEST(Gzip, InflatesOneIntactMemberWithLibdeflate) {
  std::string body(5000, 'x');
  std::string z = GzipCompress(body);
  std::string out;
  size_t consumed = 0;

  ASSERT_TRUE(InflateGzipMember(z, 1 << 20, &out, &consumed));
  EXPECT_EQ(out, body);
  EXPECT_EQ(consumed, z.size());
  // Bytes after the member: used when their last four bytes leave room for the output.
  ASSERT_TRUE(InflateGzipMember(z + std::string("\xff\xff\x00\x00", 4), 1 << 20, &out, &consumed));
  EXPECT_EQ(out, body);
  EXPECT_EQ(consumed, z.size());
  // Everything else is left to zlib: a wrong size guess, truncation, corruption, too large.
  EXPECT_FALSE(InflateGzipMember(z + "trailing garbage", 1 << 20, &out, &consumed));
  EXPECT_FALSE(InflateGzipMember(z.substr(0, z.size() - 1), 1 << 20, &out, &consumed));
  EXPECT_FALSE(InflateGzipMember(z, 4999, &out, &consumed));
  z[z.size() - 6] ^= 0x01;  // the CRC-32
  EXPECT_FALSE(InflateGzipMember(z, 1 << 20, &out, &consumed));
}

TEST(JsonWriter, WritesCompactEscapedJson) {
  JsonWriter w;
  w.BeginObject().Key("a").String("q\"\\\n\x01").Key("b").BeginArray().Int(-1).Bool(true).Null();
  w.Double(1.5).EndArray().Key("c").Raw("{}").EndObject();

  EXPECT_EQ(w.str(), R"({"a":"q\"\\\n\u0001","b":[-1,true,null,1.5],"c":{}})");
}

}  // namespace
}  // namespace ot

namespace ot {
namespace {

// The reference escaping, one byte at a time, for checking the block-wise fast path.
std::string SlowEscape(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

TEST(AppendJsonString, MatchesByteWiseEscapingAtEveryLengthAndOffset) {
  const std::string alphabet = std::string("ab\"\\\n\x01\x1f\x7f\xc3\xa9 {}:,") + '\0';
  for (size_t len = 0; len < 70; ++len) {
    for (size_t seed = 0; seed < 7; ++seed) {
      std::string s;
      for (size_t i = 0; i < len; ++i) s += alphabet[(i * 7 + seed * 13 + i * i) % alphabet.size()];
      std::string out = "prefix";

      AppendJsonString(&out, s);

      ASSERT_EQ(out, "prefix" + SlowEscape(s)) << "len " << len << " seed " << seed;
    }
  }
}

TEST(AppendJsonString, CopiesCleanTextUnchanged) {
  std::string clean(1000, 'x');
  std::string out;

  AppendJsonString(&out, clean);

  EXPECT_EQ(out, "\"" + clean + "\"");
}

}  // namespace
}  // namespace ot

namespace ot {
namespace {

TEST(Utf8, ReplacesIllFormedSequencesOnly) {
  struct Case {
    std::string_view in, out;
  };
  const Case cases[] = {
      {"plain", "plain"},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
      {"\xdd", "\xef\xbf\xbd"},
      {"a\xc3", "a\xef\xbf\xbd"},
      {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                                  // overlong '/'
      {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},                  // a surrogate
      {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},  // past U+10FFFF
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(HexEncode(c.in));
    EXPECT_EQ(ToValidUtf8(c.in), c.out);
    EXPECT_EQ(IsValidUtf8(c.in), c.in == c.out);
  }
}

}  // namespace
}  // namespace ot

namespace ot {
namespace {

TEST(AppendUtf8, EncodesEachLengthClass) {
  std::string out;
  for (uint32_t cp : {0x41u, 0xE9u, 0x20ACu, 0x1F600u}) AppendUtf8(cp, &out);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace ot
