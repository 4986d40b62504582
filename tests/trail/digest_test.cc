#include "trail/digest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "common/encoding.h"
#include "common/gzip.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "crypto/rsa.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace ot::trail {
namespace {

using ::ot::testing::IsOk;

SysMillis T(std::string_view iso) { return *ParseIso8601(iso); }

// digest.md §3's test vector: these exact 1067 bytes.
constexpr std::string_view kVectorJson =
    R"({"awsAccountId":"111122223333","digestStartTime":"2024-05-01T11:00:05Z",)"
    R"("digestEndTime":"2024-05-01T12:00:05Z","digestS3Bucket":"audit-logs-111122223333",)"
    R"("digestS3Object":"ct/AWSLogs/111122223333/CloudTrail-Digest/eu-central-1/2024/05/01/)"
    R"(111122223333_CloudTrail-Digest_eu-central-1_audit-trail_eu-central-1_20240501T120005Z.json.gz",)"
    R"("digestPublicKeyFingerprint":"7f3f401420072e50a65a141430817ab3",)"
    R"("digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2024-05-01T11:54:10Z",)"
    R"("oldestEventTime":"2024-05-01T11:02:41Z","previousDigestS3Bucket":null,)"
    R"("previousDigestS3Object":null,"previousDigestHashValue":null,)"
    R"("previousDigestHashAlgorithm":null,"previousDigestSignature":null,)"
    R"("logFiles":[{"s3Bucket":"audit-logs-111122223333",)"
    R"("s3Object":"ct/AWSLogs/111122223333/CloudTrail/eu-central-1/2024/05/01/)"
    R"(111122223333_CloudTrail_eu-central-1_20240501T1155Z_Q3k9ZbT1xYw2VpLm.json.gz",)"
    R"("hashValue":"26a792db36a3afba23b1dd277fcc9f15a7313c4a92e4e4cc0494846af345ecff",)"
    R"("hashAlgorithm":"SHA-256","newestEventTime":"2024-05-01T11:54:10Z",)"
    R"("oldestEventTime":"2024-05-01T11:02:41Z"}]})";

DigestContent VectorContent() {
  DigestContent c;
  c.account_id = "111122223333";
  c.start_time = T("2024-05-01T11:00:05Z");
  c.end_time = T("2024-05-01T12:00:05Z");
  c.bucket = "audit-logs-111122223333";
  c.key = DigestKey(
      {"ct", "", "111122223333", "eu-central-1", "audit-trail", "eu-central-1", c.end_time});
  c.fingerprint = "7f3f401420072e50a65a141430817ab3";
  c.log_files.push_back(
      {"audit-logs-111122223333",
       "ct/AWSLogs/111122223333/CloudTrail/eu-central-1/2024/05/01/"
       "111122223333_CloudTrail_eu-central-1_20240501T1155Z_Q3k9ZbT1xYw2VpLm.json.gz",
       crypto::Sha256Hex(R"({"Records":[]})"), "2024-05-01T11:02:41Z", "2024-05-01T11:54:10Z"});
  return c;
}

TEST(DigestKey, FollowsCloudTrailsLayoutWithSecondsAndBothRegions) {
  struct Case {
    DigestFileName name;
    std::string_view key;
  };
  const Case cases[] = {
      {{"", "", "111122223333", "us-east-2", "your-trail-name", "us-east-2",
        T("2015-08-17T15:01:31Z")},
       "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/"
       "111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json."
       "gz"},
      {{"/a/b/", "o-a1b2c3d4e5", "444455556666", "eu-west-1", "org", "us-east-1",
        T("2026-12-31T23:59:59.900Z")},
       "a/b/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail-Digest/eu-west-1/2026/12/31/"
       "444455556666_CloudTrail-Digest_eu-west-1_org_us-east-1_20261231T235959Z.json.gz"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DigestKey(c.name), c.key);
  }
}

TEST(DigestJson, ReproducesTheSpecVectorByteForByte) {
  std::string json = DigestJson(VectorContent());

  EXPECT_EQ(json.size(), 1067u);
  EXPECT_EQ(json, kVectorJson);
  EXPECT_EQ(crypto::Sha256Hex(json),
            "1f7032ac0a80036de90034e07a303863af2cf14bfe41076209d689ebf7c999d2");
}

TEST(DigestStringToSign, ReproducesTheSpecVector) {
  const DigestContent c = VectorContent();

  std::string s = DigestStringToSign("2024-05-01T12:00:05Z", c.bucket, c.key,
                                     crypto::Sha256Hex(kVectorJson), std::nullopt);

  EXPECT_EQ(s, "2024-05-01T12:00:05Z\naudit-logs-111122223333/" + c.key +
                   "\n1f7032ac0a80036de90034e07a303863af2cf14bfe41076209d689ebf7c999d2\nnull");
  EXPECT_EQ(crypto::Sha256Hex(s),
            "d99e29b24d01606193000646a6f837809c2a8dd9ec867885b44b944fdfffc28d");
}

TEST(DigestJson, EmptyDigestHasNullEventTimesAndChainedOneNamesItsPredecessor) {
  DigestContent c = VectorContent();
  c.log_files.clear();
  c.previous = PreviousDigest{"old-bucket", "old/key.json.gz", std::string(64, 'a'), "abcd"};

  std::string json = DigestJson(c);

  EXPECT_THAT(json, ::testing::HasSubstr(R"("newestEventTime":null,"oldestEventTime":null,)"
                                         R"("previousDigestS3Bucket":"old-bucket",)"
                                         R"("previousDigestS3Object":"old/key.json.gz",)"));
  EXPECT_THAT(json, ::testing::HasSubstr(R"("previousDigestHashAlgorithm":"SHA-256",)"
                                         R"("previousDigestSignature":"abcd","logFiles":[]})"));
}

TEST(DigestJson, EventTimesSpanEveryFile) {
  DigestContent c = VectorContent();
  c.log_files.push_back({"b", "k2", "h", "2024-05-01T10:59:00Z", "2024-05-01T11:10:00Z"});

  std::string json = DigestJson(c);

  EXPECT_THAT(json, ::testing::HasSubstr(R"("newestEventTime":"2024-05-01T11:54:10Z",)"
                                         R"("oldestEventTime":"2024-05-01T10:59:00Z")"));
}

TEST(SignDigest, SignsTheStringToSignAndStoresTheSignatureInMetadata) {
  auto key = crypto::GenerateRsaKeyPair();
  ASSERT_THAT(key, IsOk());
  DigestContent c = VectorContent();
  c.previous = PreviousDigest{"b", "k", std::string(64, 'c'), std::string(512, 'e')};

  auto d = SignDigest(c, key->private_pkcs8_der);

  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->signature_hex.size(), 512u);
  EXPECT_EQ(d->metadata.at("signature"), d->signature_hex);
  EXPECT_EQ(d->metadata.at("signature-algorithm"), "SHA256withRSA");
  auto inflated = GzipDecompress(d->body, 1 << 20);
  ASSERT_THAT(inflated, IsOk());
  EXPECT_EQ(*inflated, d->json);
  EXPECT_EQ(d->sha256_hex, crypto::Sha256Hex(d->json));
  std::string to_sign = DigestStringToSign("2024-05-01T12:00:05Z", c.bucket, c.key, d->sha256_hex,
                                           std::string(512, 'e'));
  EXPECT_TRUE(
      crypto::RsaVerifySha256(key->public_pkcs1_der, to_sign, *HexDecode(d->signature_hex)));
}

// An independent check: the openssl command verifies our signature with our PKCS#1 public key.
TEST(SignDigest, SignatureVerifiesWithTheOpensslCommand) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "SKIPPED LOUDLY: no `openssl` command on PATH, cannot verify independently";
  }
  auto key = crypto::GenerateRsaKeyPair();
  ASSERT_THAT(key, IsOk());
  auto d = SignDigest(VectorContent(), key->private_pkcs8_der);
  ASSERT_THAT(d, IsOk());
  ot::testing::TempDir dir;
  const std::string& p = dir.path();
  FileSystem& fs = RealEnv().fs;
  std::string to_sign = DigestStringToSign("2024-05-01T12:00:05Z", VectorContent().bucket,
                                           VectorContent().key, d->sha256_hex, std::nullopt);
  ASSERT_THAT(fs.WriteFileAtomic(p + "/digest.json.gz", d->body), IsOk());
  ASSERT_THAT(fs.WriteFileAtomic(p + "/to_sign", to_sign), IsOk());
  ASSERT_THAT(fs.WriteFileAtomic(p + "/sig", *HexDecode(d->signature_hex)), IsOk());
  ASSERT_THAT(fs.WriteFileAtomic(p + "/pub.der", key->public_pkcs1_der), IsOk());

  // The inflated digest hashes (by gunzip + openssl) to the hash in the string to sign.
  std::string cmd = "gunzip -c " + p + "/digest.json.gz | openssl dgst -sha256 -r > " + p + "/h";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto h = fs.ReadFile(p + "/h");
  ASSERT_THAT(h, IsOk());
  EXPECT_EQ(h->substr(0, 64), d->sha256_hex);
  // PKCS#1 DER → SubjectPublicKeyInfo PEM, then verify.
  cmd = "openssl rsa -RSAPublicKey_in -inform DER -in " + p + "/pub.der -pubout -out " + p +
        "/pub.pem 2>/dev/null && openssl dgst -sha256 -verify " + p + "/pub.pem -signature " + p +
        "/sig " + p + "/to_sign >/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_THAT(fs.WriteFileAtomic(p + "/to_sign", to_sign + "x"), IsOk());
  EXPECT_NE(std::system((cmd + " 2>&1").c_str()), 0);
}

}  // namespace
}  // namespace ot::trail
