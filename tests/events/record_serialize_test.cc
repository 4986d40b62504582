#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "events/record.h"
#include "events/test_records.h"
#include "support/matchers.h"

namespace ot::events {
namespace {

using ot::testing::IsOk;

Record ParseOrDie(std::string_view json) {
  Result<Record> r = ParseRecord(json);
  EXPECT_THAT(r, IsOk());
  return r.ok() ? *r : Record{};
}

TEST(SerializeRecord, ReproducesCompactCloudTrailRecordsByteForByte) {
  for (std::string_view json :
       {testing::kManagementEvent, testing::kDataEvent, testing::kInsightEvent}) {
    SCOPED_TRACE(json);

    Record r = ParseOrDie(json);

    EXPECT_EQ(SerializeRecord(r), json);
    EXPECT_EQ(ParseOrDie(SerializeRecord(r)), r);
  }
}

TEST(SerializeRecord, WritesMembersInCloudTrailOrderThenUnknownOnes) {
  constexpr std::string_view kShuffled =
      R"({"custom":1,"eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.2"},)"
      R"("sessionCredentialFromConsole":"true","eventID":"e1","awsRegion":"us-east-1",)"
      R"("eventName":"ListUsers","eventSource":"iam.amazonaws.com","eventTime":"2024-05-01T12:34:57Z",)"
      R"("userIdentity":{"userName":"bob","type":"IAMUser"},"eventVersion":"1.09","readOnly":true,)"
      R"("addendum":{"reason":"DELIVERY_DELAY"},"eventContext":{"tags":{}},"edgeDeviceDetails":{}})";

  Record r = ParseOrDie(kShuffled);

  EXPECT_EQ(SerializeRecord(r),
            R"({"eventVersion":"1.09","userIdentity":{"type":"IAMUser","userName":"bob"},)"
            R"("eventTime":"2024-05-01T12:34:57Z","eventSource":"iam.amazonaws.com",)"
            R"("eventName":"ListUsers","awsRegion":"us-east-1","eventID":"e1","readOnly":true,)"
            R"("eventCategory":"Management","addendum":{"reason":"DELIVERY_DELAY"},)"
            R"("edgeDeviceDetails":{},"tlsDetails":{"tlsVersion":"TLSv1.2"},)"
            R"("sessionCredentialFromConsole":"true","eventContext":{"tags":{}},"custom":1})");
}

TEST(SerializeRecord, RoundTripsEveryUserIdentityVariant) {
  // records.md §5, plus the identity shapes newer CloudTrail versions write.
  const std::string_view identities[] = {
      R"({"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root",)"
      R"("accountId":"111122223333","accessKeyId":"AKIAROOT","userName":"my-alias"})",
      R"({"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/dana",)"
      R"("accountId":"111122223333","accessKeyId":"","userName":"dana"})",
      R"({"type":"AssumedRole","principalId":"AROAEXAMPLE:s1",)"
      R"("arn":"arn:aws:sts::111122223333:assumed-role/R/s1","accountId":"111122223333",)"
      R"("accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role"},)"
      R"("webIdFederationData":{},"attributes":{"creationDate":"2024-05-01T11:58:02Z",)"
      R"("mfaAuthenticated":"true"},"sourceIdentity":"x","ec2RoleDelivery":"2.0"},)"
      R"("invokedBy":"autoscaling.amazonaws.com"})",
      R"({"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/R",)"
      R"("accountId":"111122223333","userName":"R"})",
      R"({"type":"FederatedUser","principalId":"111122223333:carol",)"
      R"("arn":"arn:aws:sts::111122223333:federated-user/carol","accountId":"111122223333",)"
      R"("accessKeyId":"ASIAFED","sessionContext":{"sessionIssuer":{"type":"IAMUser"}}})",
      R"({"type":"Directory","principalId":"d-1","accountId":"111122223333","userName":"dir"})",
      R"({"type":"AWSAccount","principalId":"AIDAOTHER","accountId":"444455556666"})",
      R"({"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"})",
      R"({"type":"SAMLUser","principalId":"SAMLID:u","userName":"u",)"
      R"("identityProvider":"arn:aws:iam::111122223333:saml-provider/idp"})",
      R"({"type":"WebIdentityUser","principalId":"accounts.google.com:1","userName":"1",)"
      R"("identityProvider":"accounts.google.com"})",
      R"({"type":"Unknown","accountId":"111122223333","accessKeyId":"AKIABAD"})",
      R"({"type":"IdentityCenterUser","accountId":"111122223333",)"
      R"("onBehalfOf":{"userId":"u-1","identityStoreArn":"arn:aws:identitystore::1:identitystore/d-1"},)"
      R"("credentialId":"cred-1"})",
  };
  for (std::string_view identity : identities) {
    SCOPED_TRACE(identity);
    const std::string json =
        R"({"eventVersion":"1.11","userIdentity":)" + std::string(identity) +
        R"(,"eventTime":"2024-05-01T12:00:05Z","eventSource":"s3.amazonaws.com",)"
        R"("eventName":"GetObject","awsRegion":"eu-central-1","eventID":"e"})";

    Record r = ParseOrDie(json);

    EXPECT_EQ(SerializeRecord(r), json);
    EXPECT_EQ(ParseOrDie(SerializeRecord(r)), r);
  }
}

TEST(SerializeRecord, RoundTripsARecordBuiltInCode) {
  Record r;
  r.event_version = "1.11";
  UserIdentity& id = r.user_identity.emplace();
  id.type = "IAMUser";
  id.user_name = "dana \"the admin\"\n";
  r.event_time = SysMillis(std::chrono::seconds(1714566897));
  r.event_source = "cloudtrail.amazonaws.com";
  r.event_name = "CreateTrail";
  r.aws_region = "eu-central-1";
  r.request_parameters = R"({"name":"t"})";
  r.response_elements = "null";
  r.event_id = "0f2b6a9e-7c84-4d1f-bb0e-6a8d2f4c9b30";
  r.read_only = false;
  Resource& trail = r.resources.emplace().emplace_back();
  trail.arn = "arn:aws:cloudtrail:eu-central-1:111122223333:trail/t";
  trail.has_arn = true;
  trail.type = "AWS::CloudTrail::Trail";
  trail.has_type = true;
  r.event_type = "AwsApiCall";
  r.management_event = true;
  r.event_category = "Management";

  std::string json = SerializeRecord(r);

  EXPECT_EQ(ParseOrDie(json), r);
}

TEST(SerializeRecord, AppendsAfterExistingText) {
  std::string out = "prefix\n";

  AppendSerializedRecord(ParseOrDie(testing::kManagementEvent), &out);

  EXPECT_EQ(out, "prefix\n" + std::string(testing::kManagementEvent));
}

TEST(SerializeRecord, ReproducesGeneratedRecordsByteForByte) {
  const std::vector<std::string> records = testing::GeneratedRecords();
  ASSERT_GE(records.size(), 200u);
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);

    Result<Record> r = ParseRecord(records[i]);

    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(SerializeRecord(*r), records[i]);
    EXPECT_EQ(ParseOrDie(SerializeRecord(*r)), *r);
  }
}

}  // namespace
}  // namespace ot::events
