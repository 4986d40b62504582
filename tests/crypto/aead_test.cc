#include "crypto/aead.h"

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::crypto {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

std::string Bytes(int first, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(first + static_cast<int>(i));
  return s;
}

// Computed independently with Python's cryptography AESGCM over AAD = 0x01 || "ctx".
TEST(Aead, MatchesIndependentAesGcmVector) {
  std::string sealed = AeadSealWithNonce(Bytes(0, 32), Bytes(0, 12), "secret", "ctx");

  EXPECT_EQ(HexEncode(sealed),
            "01000102030405060708090a0b3467b569a09188fd0eca3ab844eb644e562d49312bb0");
}

TEST(Aead, RoundTripsWithFreshNonces) {
  ot::testing::SeededRandom random(7);
  const std::string key = Bytes(3, 32);

  std::string a = AeadSeal(key, random, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE01", "k1");
  std::string b = AeadSeal(key, random, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE01", "k1");

  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 40 + kAeadOverheadBytes);
  EXPECT_EQ(a.find("wJalrXUtnFEMI"), std::string::npos);
  auto opened = AeadOpen(key, a, "k1");
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE01");
  EXPECT_THAT(AeadOpen(key, b, "k1"), IsOk());
}

TEST(Aead, EmptyPlaintextRoundTrips) {
  ot::testing::SeededRandom random(1);
  auto opened = AeadOpen(Bytes(0, 32), AeadSeal(Bytes(0, 32), random, ""));
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, "");
}

TEST(Aead, DetectsEveryTamperedByte) {
  ot::testing::SeededRandom random(2);
  const std::string key = Bytes(9, 32);
  const std::string sealed = AeadSeal(key, random, "a secret", "ctx");

  for (size_t i = 0; i < sealed.size(); ++i) {
    SCOPED_TRACE(i);
    std::string bad = sealed;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    EXPECT_THAT(AeadOpen(key, bad, "ctx"), HasError(Error::kCorruption));
  }
}

TEST(Aead, RefusesWrongKeyWrongContextAndTruncation) {
  ot::testing::SeededRandom random(3);
  const std::string key = Bytes(9, 32);
  const std::string sealed = AeadSeal(key, random, "a secret", "user/alice");

  EXPECT_THAT(AeadOpen(Bytes(10, 32), sealed, "user/alice"), HasError(Error::kCorruption));
  EXPECT_THAT(AeadOpen(key, sealed, "user/bob"), HasError(Error::kCorruption));
  EXPECT_THAT(AeadOpen(key, sealed.substr(0, kAeadOverheadBytes - 1), "user/alice"),
              HasError(Error::kCorruption));
  EXPECT_THAT(AeadOpen(key, sealed.substr(0, sealed.size() - 1), "user/alice"),
              HasError(Error::kCorruption));
}

}  // namespace
}  // namespace ot::crypto
