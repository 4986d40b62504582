// Bucket policies of local buckets: S3's validation messages, durable storage, and what the
// policy means for delivery and for client uploads.
#include "buckets/bucket_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "buckets/bucket_registry.h"
#include "buckets_test_util.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::buckets {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr std::string_view kOwner = "111122223333";

// CloudTrail's documented bucket policy for trail "org-trail", plus a deny on deletes.
constexpr std::string_view kTrailPolicy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
     "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
     "Resource": "arn:aws:s3:::pol-b/AWSLogs/111122223333/*",
     "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
       "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail"}}},
    {"Sid": "NobodyDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
     "Resource": "arn:aws:s3:::pol-b/*"}
  ]})";

TEST(BucketPolicyParse, RejectsWithS3Messages) {
  struct Case {
    std::string_view json;
    std::string_view message;
  };
  const std::string big = R"({"Statement":[{"Sid":")" + std::string(21000, 'a') + R"("}]})";
  const Case cases[] = {
      {"", "first byte must be '{'"},
      {"[1]", "first byte must be '{'"},
      {"{\"Statement\": [", "This policy contains invalid Json"},
      {R"({"Statement":[]})", "Statement is empty"},
      {R"({"Version":"2012-10-17"})", "Statement is empty"},
      {R"({"Version":"2001-01-01","Statement":{}})", "valid version string"},
      {R"({"Bogus":1,"Statement":[]})", "Unknown field Bogus"},
      {R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol-b/*"}]})",
       "Missing required field Principal"},
      {R"({"Statement":[{"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol-b/*"}]})",
       "Missing required field Effect"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::pol-b/*"}]})",
       "Missing required field Action"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]})",
       "Missing required field Resource"},
      {R"({"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol-b/*"}]})",
       "Invalid effect: Maybe"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"iam:GetUser","Resource":"arn:aws:s3:::pol-b/*"}]})",
       "Policy has invalid action"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other-b/*"}]})",
       "Policy has invalid resource"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]})",
       "Policy has invalid resource"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"bob","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol-b/*"}]})",
       "Invalid principal in policy"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol-b/*","Extra":1}]})",
       "Unknown field Extra"},
      {big, "maximum allowed document size"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json.substr(0, 200));
    auto p = ParseBucketPolicy("pol-b", c.json);
    EXPECT_THAT(p, HasError(Error::kMalformedPolicy));
    EXPECT_THAT(p.status().message(), HasSubstr(c.message));
  }
}

TEST(BucketPolicyParse, AcceptsTheTrailPolicyAndListsItsPrincipals) {
  EXPECT_THAT(ParseBucketPolicy("pol-b", kTrailPolicy), IsOk());
  EXPECT_THAT(PolicyPrincipalArns(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":
      ["arn:aws:iam::111122223333:user/b","arn:aws:iam::111122223333:user/a","*"]},
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::pol-b/*"}]})"),
              ElementsAre("arn:aws:iam::111122223333:user/a", "arn:aws:iam::111122223333:user/b"));
}

TEST(BucketPolicyParse, DeliveryDecisionFollowsSourceArnAndPrefix) {
  auto policy = ParseBucketPolicy("pol-b", kTrailPolicy);
  ASSERT_THAT(policy, IsOk());
  DeliveryFacts trail{
      std::string(kOwner), "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail", {}};
  DeliveryFacts other = trail;
  other.source_arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/other";

  EXPECT_EQ(DeliveryDecision(*policy, "pol-b", "AWSLogs/111122223333/CloudTrail/x.gz", trail),
            auth::Decision::kAllowed);
  EXPECT_EQ(DeliveryDecision(*policy, "pol-b", "AWSLogs/111122223333/CloudTrail/x.gz", other),
            auth::Decision::kImplicitDeny);
  EXPECT_EQ(DeliveryDecision(*policy, "pol-b", "pre/AWSLogs/111122223333/CloudTrail/x.gz", trail),
            auth::Decision::kImplicitDeny);
}

class BucketPolicyRegistryTest : public ::testing::Test {
 protected:
  BucketPolicyRegistryTest() { Reopen(); }

  void Reopen() {
    reg_.reset();
    RegistryOptions options;
    options.dir = dir_.path() + "/buckets";
    options.meta_dir = dir_.path() + "/meta";
    auto r = BucketRegistry::Open(options, store_, env_);
    ASSERT_THAT(r, IsOk());
    reg_ = std::move(*r);
    if (!reg_->Get("pol-b").ok()) {
      ASSERT_THAT(reg_->Create("pol-b", "us-east-1", std::string(kOwner)), IsOk());
    }
  }

  Status Deliver(std::string_view key) {
    PutObjectRequest put;
    put.bucket = "pol-b";
    put.key = key;
    put.body = "log";
    return reg_->PutObject(put);
  }

  testing::TempDir dir_;
  testing::MemRegistryStore store_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{3};
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<BucketRegistry> reg_;
};

TEST_F(BucketPolicyRegistryTest, PolicyIsStoredDurablyAndRemovedWithTheBucket) {
  EXPECT_THAT(reg_->GetPolicy("pol-b"), HasError(Error::kNoSuchBucketPolicy));
  EXPECT_THAT(reg_->PutPolicy("pol-b", "{nope"), HasError(Error::kMalformedPolicy));
  EXPECT_THAT(reg_->PutPolicy("nope-b", kTrailPolicy), HasError(Error::kNoSuchBucket));

  ASSERT_THAT(reg_->PutPolicy("pol-b", kTrailPolicy), IsOk());
  Reopen();

  auto text = reg_->GetPolicy("pol-b");
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(*text, kTrailPolicy);
  EXPECT_TRUE(reg_->CompiledPolicy("pol-b").has_value());
  ASSERT_THAT(reg_->Delete("pol-b"), IsOk());
  ASSERT_THAT(reg_->Create("pol-b", "us-east-1", std::string(kOwner)), IsOk());
  EXPECT_THAT(reg_->GetPolicy("pol-b"), HasError(Error::kNoSuchBucketPolicy));
  Reopen();
  EXPECT_FALSE(reg_->CompiledPolicy("pol-b").has_value());
}

TEST_F(BucketPolicyRegistryTest, DeletePolicyIsDurableAndIdempotent) {
  ASSERT_THAT(reg_->PutPolicy("pol-b", kTrailPolicy), IsOk());

  ASSERT_THAT(reg_->DeletePolicy("pol-b"), IsOk());
  ASSERT_THAT(reg_->DeletePolicy("pol-b"), IsOk());
  Reopen();

  EXPECT_THAT(reg_->GetPolicy("pol-b"), HasError(Error::kNoSuchBucketPolicy));
}

TEST_F(BucketPolicyRegistryTest, DeliveryStopsOnlyAtAnExplicitDenyOfCloudTrail) {
  EXPECT_THAT(Deliver("AWSLogs/111122223333/CloudTrail/a.gz"), IsOk());  // no policy
  ASSERT_THAT(reg_->PutPolicy("pol-b", kTrailPolicy), IsOk());
  EXPECT_THAT(Deliver("AWSLogs/111122223333/CloudTrail/b.gz"), IsOk());
  ASSERT_THAT(reg_->PutPolicy("pol-b", R"({"Statement":[{"Effect":"Deny",
      "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
      "Resource":"arn:aws:s3:::pol-b/*"}]})"),
              IsOk());

  Status denied = Deliver("AWSLogs/111122223333/CloudTrail/c.gz");

  EXPECT_THAT(denied, HasError(Error::kAccessDenied));
  EXPECT_THAT(denied.message(), HasSubstr("AccessDenied"));
  EXPECT_THAT(reg_->HeadObject("pol-b", "AWSLogs/111122223333/CloudTrail/c.gz"),
              HasError(Error::kNoSuchKey));
}

TEST_F(BucketPolicyRegistryTest, ClientUploadsKeepTheirFactsAndStayOutOfAWSLogs) {
  PutObjectRequest put;
  put.bucket = "pol-b";
  put.body = "hello";
  put.content_type = "text/plain";
  put.content_encoding = "gzip";
  put.client_upload = true;
  put.uploader = "arn:aws:iam::111122223333:user/uploader";
  put.metadata = {{"Owner", "ops"}};
  put.checksums = {{"crc32", "NhCmhg=="}};
  for (std::string_view key : {"AWSLogs/x", "AWSLogs", "pre/AWSLogs/x", "a/AWSLogs"}) {
    put.key = key;
    EXPECT_THAT(reg_->PutObject(put), HasError(Error::kAccessDenied)) << key;
  }

  put.key = "uploads/AWSLogsNot/x.txt";
  ASSERT_THAT(reg_->PutObject(put), IsOk());
  auto info = reg_->HeadObject("pol-b", "uploads/AWSLogsNot/x.txt");

  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->content_type, "text/plain");
  EXPECT_EQ(info->content_encoding, "gzip");
  EXPECT_EQ(info->uploader, "arn:aws:iam::111122223333:user/uploader");
  EXPECT_THAT(info->metadata, ElementsAre(Pair("owner", "ops")));
  EXPECT_THAT(info->checksums, ElementsAre(Pair("crc32", "NhCmhg==")));
}

TEST_F(BucketPolicyRegistryTest, AnObjectAndKeysUnderItCannotBothExist) {
  PutObjectRequest put;
  put.bucket = "pol-b";
  put.body = "x";
  put.client_upload = true;
  put.key = "dir/file";
  ASSERT_THAT(reg_->PutObject(put), IsOk());

  put.key = "dir";
  EXPECT_THAT(reg_->PutObject(put), HasError(Error::kInvalidArgument));
  put.key = "dir/file/below";
  EXPECT_THAT(reg_->PutObject(put), HasError(Error::kInvalidArgument));
}

}  // namespace
}  // namespace ot::buckets
