#include "trail/validation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/matchers.h"

namespace ot::trail {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

TEST(TrailNameTest, ValidNames) {
  for (std::string name :
       std::vector<std::string>{"abc", "My.Trail_1-x", "a1b", "trail-2024.logs", "1.2.3.4.5",
                                "1.2.3", "999.1.1.1a", std::string(128, 'a')}) {
    EXPECT_THAT(ValidateTrailName(name), IsOk()) << name;
  }
}

TEST(TrailNameTest, InvalidNames) {
  for (std::string name :
       std::vector<std::string>{"ab", "", "my--trail", "my-_trail", "my._x", "-trail", "trail-",
                                "_trail", "trail.", "bad name", "trail/x", "tráil", "192.168.1.1",
                                "1.2.3.4", "999.999.999.999", std::string(129, 'a')}) {
    EXPECT_THAT(ValidateTrailName(name), HasError(Error::kInvalidTrailName)) << name;
  }
}

TEST(BucketNameTest, Table) {
  for (std::string b :
       std::vector<std::string>{"abc", "my-bucket.logs", "a1", "1bucket", std::string(63, 'b')}) {
    if (b.size() < 3) continue;
    EXPECT_THAT(ValidateBucketName(b), IsOk()) << b;
  }
  for (std::string b :
       std::vector<std::string>{"ab", "Bucket", "my_bucket", "-bucket", "bucket-", "my..bucket",
                                "my.-bucket", "my-.bucket", "10.0.0.1", std::string(64, 'b')}) {
    EXPECT_THAT(ValidateBucketName(b), HasError(Error::kInvalidS3BucketName)) << b;
  }
}

TEST(FieldRulesTest, PrefixSnsKmsCloudWatch) {
  EXPECT_THAT(ValidateS3Prefix(std::string(200, 'p')), IsOk());
  EXPECT_THAT(ValidateS3Prefix(std::string(201, 'p')), HasError(Error::kInvalidS3Prefix));

  EXPECT_THAT(ValidateSnsTopic("my-topic_1"), IsOk());
  EXPECT_THAT(ValidateSnsTopic("arn:aws:sns:us-east-1:111122223333:topic"), IsOk());
  for (std::string t : std::vector<std::string>{
           "", "bad topic", "arn:aws:sqs:us-east-1:111122223333:q", std::string(257, 't')}) {
    EXPECT_THAT(ValidateSnsTopic(t), HasError(Error::kInvalidSnsTopicName)) << t;
  }

  for (std::string k :
       {"alias/logs", "12345678-1234-1234-1234-123456789012",
        "arn:aws:kms:us-east-1:111122223333:key/12345678-1234-1234-1234-123456789012",
        "arn:aws:kms:us-east-1:111122223333:alias/logs"}) {
    EXPECT_THAT(ValidateKmsKeyId(k), IsOk()) << k;
  }
  for (std::string k : std::vector<std::string>{"logs", "alias/", "1234",
                                                "arn:aws:kms:us-east-1:111122223333:key/x",
                                                "arn:aws:s3:::bucket"}) {
    EXPECT_THAT(ValidateKmsKeyId(k), HasError(Error::kInvalidKmsKeyId)) << k;
  }

  EXPECT_THAT(ValidateLogGroupArn("arn:aws:logs:us-east-1:111122223333:log-group:g:*"), IsOk());
  EXPECT_THAT(ValidateLogGroupArn("arn:aws:logs:us-east-1:111122223333:log-group:g"),
              HasError(Error::kInvalidCloudWatchLogsLogGroupArn));
  EXPECT_THAT(ValidateCloudWatchRoleArn("arn:aws:iam::111122223333:role/r"), IsOk());
  EXPECT_THAT(ValidateCloudWatchRoleArn("arn:aws:iam::111122223333:user/u"),
              HasError(Error::kInvalidCloudWatchLogsRoleArn));
}

TEST(TrailArnTest, ParseAndMake) {
  auto arn = ParseTrailArn("arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit");
  ASSERT_THAT(arn, IsOk());
  EXPECT_EQ(arn->region, "eu-west-1");
  EXPECT_EQ(arn->account_id, "111122223333");
  EXPECT_EQ(arn->name, "audit");
  EXPECT_EQ(MakeTrailArn("eu-west-1", "111122223333", "audit"),
            "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit");
  EXPECT_THAT(ParseTrailArn("arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/audit"), IsOk());
  for (std::string bad : std::vector<std::string>{
           "arn:aws:cloudtrail:eu-west-1:1111:trail/audit",
           "arn:aws:s3:eu-west-1:111122223333:trail/audit",
           "arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/x",
           "arn:aws:cloudtrail::111122223333:trail/audit",
           "arn:aws:cloudtrail:eu-west-1:111122223333:trail/a--b",
           "arn:other:cloudtrail:eu-west-1:111122223333:trail/audit", "arn:"}) {
    EXPECT_THAT(ParseTrailArn(bad), HasError(Error::kCloudTrailARNInvalid)) << bad;
  }
}

TEST(ArnFormsTest, KmsAndSns) {
  EXPECT_EQ(KmsKeyArn("alias/x", "us-east-1", "111122223333"),
            "arn:aws:kms:us-east-1:111122223333:alias/x");
  EXPECT_EQ(KmsKeyArn("12345678-1234-1234-1234-123456789012", "us-east-1", "111122223333"),
            "arn:aws:kms:us-east-1:111122223333:key/12345678-1234-1234-1234-123456789012");
  EXPECT_EQ(SnsTopicArn("t", "us-east-1", "111122223333"), "arn:aws:sns:us-east-1:111122223333:t");
}

}  // namespace
}  // namespace ot::trail
