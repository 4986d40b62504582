#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/encoding.h"

namespace ot::crypto {
namespace {

TEST(Sha256, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256("abc").size(), 32u);
}

// RFC 4231 test cases 1 and 2.
TEST(HmacSha256, MatchesRfc4231) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// Each thread reuses its contexts: every call must start from the call's own key, also an empty
// one and one longer than the block (hashed first), on any thread. Expected values from
// Python's hmac module.
TEST(HmacSha256, RekeysEveryCallOnEveryThread) {
  auto check = [] {
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(HexEncode(HmacSha256("key", "The quick brown fox jumps over the lazy dog")),
                "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
      EXPECT_EQ(HexEncode(HmacSha256("", "")),
                "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
      EXPECT_EQ(HexEncode(HmacSha256(std::string(100, 'k'), "abc")),
                "b58b2b694fdba0dd76da3ebe99174f728d327560f36ece224e90867972479922");
      EXPECT_EQ(Sha256Hex("abc"),
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
  };
  check();
  std::thread other(check);
  other.join();
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

// RFC 1321 vectors, and the S3 ETag of "hello world\n" (protocols.md §5.2), fed in pieces.
TEST(Md5, MatchesRfc1321AndIsIncremental) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  Md5Hasher h;
  h.Update("hello ");
  h.Update("world\n");
  EXPECT_EQ(HexEncode(h.Finish()), "6f5902ac237024bdd0c176cb93063dc4");
}

}  // namespace
}  // namespace ot::crypto
