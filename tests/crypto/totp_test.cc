#include "crypto/totp.h"

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace ot::crypto {
namespace {

SysMillis AtSeconds(int64_t s) { return SysMillis(std::chrono::seconds(s)); }

// RFC 2202 test case 2.
TEST(HmacSha1, MatchesRfc2202) {
  EXPECT_EQ(HexEncode(HmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

// RFC 4226 Appendix D: the secret "12345678901234567890", counters 0..9.
TEST(Hotp, MatchesRfc4226Vectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t i = 0; i < 10; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(Hotp("12345678901234567890", i), expected[i]);
  }
}

// RFC 6238 Appendix B, SHA-1 rows (8 digits).
TEST(Totp, MatchesRfc6238Sha1Vectors) {
  struct Case {
    int64_t unix_seconds;
    uint64_t step;
    std::string_view code;
  };
  const Case cases[] = {
      {59, 0x1, "94287082"},
      {1111111109, 0x23523EC, "07081804"},
      {1111111111, 0x23523ED, "14050471"},
      {1234567890, 0x273EF07, "89005924"},
      {2000000000, 0x3F940AA, "69279037"},
      {20000000000, 0x27BC86AA, "65353130"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.unix_seconds);
    EXPECT_EQ(TotpStep(AtSeconds(c.unix_seconds)), c.step);
    EXPECT_EQ(Totp("12345678901234567890", AtSeconds(c.unix_seconds), 8), c.code);
  }
}

TEST(Totp, SixDigitCodesAreTheLastSixOfTheEightDigitOnes) {
  EXPECT_EQ(Totp("12345678901234567890", AtSeconds(59)), "287082");
  EXPECT_EQ(Totp("12345678901234567890", AtSeconds(1111111109)), "081804");
}

TEST(Totp, CodeChangesOnlyAtStepBoundaries) {
  const std::string key = "seed-bytes-for-a-virtual-device";

  EXPECT_EQ(Totp(key, AtSeconds(60)), Totp(key, AtSeconds(89)));
  EXPECT_NE(Totp(key, AtSeconds(89)), Totp(key, AtSeconds(90)));
}

}  // namespace
}  // namespace ot::crypto
