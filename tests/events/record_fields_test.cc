#include "events/record_fields.h"

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace ot::events {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

TEST(RecordScannerTest, ReadsTheRoutingFieldsAndSkipsTheRest) {
  RecordScanner scanner;
  auto f = scanner.Scan(
      R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","sessionContext":{"x":[1,{"arn":"no"}]},)"
      R"("arn":"arn:aws:iam::1:user/a\u00e9"},"eventSource":"s3.amazonaws.com","eventName":"PutObject",)"
      R"("awsRegion":"eu-west-1","requestParameters":{"eventName":"decoy","awsRegion":"decoy"},)"
      R"("errorCode":"AccessDenied","readOnly":false,"resources":[{"type":"AWS::S3::Object",)"
      R"("ARN":"arn:aws:s3:::b/k"},{"accountId":"1","type":"AWS::S3::Bucket"}],"eventType":"AwsApiCall",)"
      R"("recipientAccountId":"111122223333","eventCategory":"Data","vpcEndpointId":"vpce-1",)"
      R"("sessionCredentialFromConsole":"true"})");
  ASSERT_THAT(f, IsOk());
  const RecordFields& r = **f;
  EXPECT_EQ(r.user_identity_arn, "arn:aws:iam::1:user/a\xc3\xa9");
  EXPECT_EQ(r.event_source, "s3.amazonaws.com");
  EXPECT_EQ(r.event_name, "PutObject");
  EXPECT_EQ(r.aws_region, "eu-west-1");
  EXPECT_EQ(r.error_code, "AccessDenied");
  EXPECT_EQ(r.read_only, false);
  EXPECT_EQ(r.event_type, "AwsApiCall");
  EXPECT_EQ(r.recipient_account_id, "111122223333");
  EXPECT_EQ(r.event_category, "Data");
  EXPECT_EQ(r.vpc_endpoint_id, "vpce-1");
  EXPECT_EQ(r.session_credential_from_console, true);
  ASSERT_EQ(r.resources.size(), 2u);
  EXPECT_EQ(r.resources[0].type, "AWS::S3::Object");
  EXPECT_EQ(r.resources[0].arn, "arn:aws:s3:::b/k");
  EXPECT_EQ(r.resources[1].type, "AWS::S3::Bucket");
  EXPECT_EQ(r.resources[1].arn, "");
}

TEST(RecordScannerTest, AbsentFieldsAreEmptyAndDoNotLeakFromThePreviousScan) {
  RecordScanner scanner;
  ASSERT_THAT(scanner.Scan(R"({"eventName":"A","readOnly":true,"resources":[{"ARN":"x"}],)"
                           R"("eventCategory":"Data"})"),
              IsOk());
  auto f =
      scanner.Scan(R"({"eventName":"B","userIdentity":null,"resources":null,"errorCode":null})");
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ((*f)->event_name, "B");
  EXPECT_EQ((*f)->event_category, "Management") << "CloudTrail's default";
  EXPECT_FALSE((*f)->read_only.has_value());
  EXPECT_TRUE((*f)->resources.empty());
  EXPECT_EQ((*f)->error_code, "");
}

TEST(RecordScannerTest, RejectsWhatIsNotARecordObject) {
  RecordScanner scanner;
  EXPECT_THAT(scanner.Scan("[1,2]"), HasError(Error::kSerialization));
  EXPECT_THAT(scanner.Scan(R"({"eventName":5})"), HasError(Error::kSerialization));
  EXPECT_THAT(scanner.Scan(R"({"resources":{"ARN":"x"}})"), HasError(Error::kSerialization));
  EXPECT_THAT(scanner.Scan(R"({"eventName":"A")"), HasError(Error::kSerialization));
}

}  // namespace
}  // namespace ot::events
