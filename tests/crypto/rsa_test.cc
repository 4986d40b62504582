#include "crypto/rsa.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/encoding.h"
#include "support/matchers.h"

namespace ot::crypto {
namespace {

using ::ot::testing::IsOk;

// The AWS CLI's list-public-keys example pair (digest.md §5).
constexpr std::string_view kAwsExampleValue =
    "MIIBCgKCAQEAlSS3cl92HDycr/"
    "MTj0moOhas8habjrraXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEc"
    "EPHYoIYMbgfSw7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP/"
    "8HwrCtR3FX5OA"
    "NtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipEHWmUl8/"
    "P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj"
    "7UqdhvOXoBISp9t/EXYuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB";

TEST(Md5, MatchesRfc1321Vectors) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexEncode(Md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(PublicKeyFingerprint, MatchesTheAwsPublishedPair) {
  auto der = Base64Decode(kAwsExampleValue);
  ASSERT_TRUE(der.has_value());

  EXPECT_EQ(PublicKeyFingerprint(*der), "7f3f401420072e50a65a141430817ab3");
}

TEST(GenerateRsaKeyPair, WritesPkcs1PublicKeysOf2048Bits) {
  auto pair = GenerateRsaKeyPair();

  ASSERT_THAT(pair, IsOk());
  // SEQUENCE (0x30 0x82 0x01 0x0a) { INTEGER (0x02 0x82 0x01 0x01) 0x00 <256 bytes>, 65537 }.
  EXPECT_EQ(pair->public_pkcs1_der.size(), 270u);
  EXPECT_EQ(Base64Encode(pair->public_pkcs1_der).substr(0, 12), "MIIBCgKCAQEA");
  EXPECT_EQ(HexEncode(pair->public_pkcs1_der.substr(265)), "0203010001");
  auto pub = RsaPublicKeyOf(pair->private_pkcs8_der);
  ASSERT_THAT(pub, IsOk());
  EXPECT_EQ(*pub, pair->public_pkcs1_der);
}

TEST(RsaSignSha256, SignaturesVerifyOnlyForTheSignedMessageAndKey) {
  auto a = GenerateRsaKeyPair();
  auto b = GenerateRsaKeyPair();
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());

  auto sig = RsaSignSha256(a->private_pkcs8_der, "2024-05-01T12:00:05Z\nb/k\nabc\nnull");

  ASSERT_THAT(sig, IsOk());
  EXPECT_EQ(sig->size(), 256u);
  EXPECT_TRUE(RsaVerifySha256(a->public_pkcs1_der, "2024-05-01T12:00:05Z\nb/k\nabc\nnull", *sig));
  EXPECT_FALSE(RsaVerifySha256(a->public_pkcs1_der, "2024-05-01T12:00:05Z\nb/k\nabd\nnull", *sig));
  EXPECT_FALSE(RsaVerifySha256(b->public_pkcs1_der, "2024-05-01T12:00:05Z\nb/k\nabc\nnull", *sig));
  EXPECT_FALSE(RsaVerifySha256("not a key", "x", *sig));
}

TEST(RsaSignSha256, IsDeterministic) {
  auto a = GenerateRsaKeyPair();
  ASSERT_THAT(a, IsOk());

  // PKCS#1 v1.5 has no salt: the same key and message give the same signature.
  EXPECT_EQ(*RsaSignSha256(a->private_pkcs8_der, "m"), *RsaSignSha256(a->private_pkcs8_der, "m"));
}

TEST(RsaSignSha256, RejectsAKeyThatIsNotRsa) {
  EXPECT_FALSE(RsaSignSha256("garbage", "m").ok());
  EXPECT_FALSE(RsaPublicKeyOf("garbage").ok());
}

TEST(RsaPublicKeyPem, WrapsTheDerIn64CharacterLines) {
  auto der = Base64Decode(kAwsExampleValue);
  ASSERT_TRUE(der.has_value());

  std::string pem = RsaPublicKeyPem(*der);

  EXPECT_EQ(pem.substr(0, 31), "-----BEGIN RSA PUBLIC KEY-----\n");
  EXPECT_EQ(pem.substr(31, 65), std::string(kAwsExampleValue.substr(0, 64)) + "\n");
  EXPECT_EQ(pem.substr(pem.size() - 29), "-----END RSA PUBLIC KEY-----\n");
}

}  // namespace
}  // namespace ot::crypto
