#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "events/record.h"
#include "events/test_records.h"
#include "support/matchers.h"

namespace ot::events {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

Record ParseOrDie(std::string_view json) {
  Result<Record> r = ParseRecord(json);
  EXPECT_THAT(r, IsOk());
  return r.ok() ? *r : Record{};
}

// A record with `identity` as userIdentity and `tail` appended to its members.
std::string RecordWith(std::string_view identity, std::string_view tail = "") {
  return R"({"eventVersion":"1.11","userIdentity":)" + std::string(identity) +
         R"(,"eventTime":"2024-05-01T12:00:05Z","eventSource":"s3.amazonaws.com",)"
         R"("eventName":"GetObject","awsRegion":"eu-central-1","eventID":"e")" +
         std::string(tail) + "}";
}

TEST(DeriveLookupAttributes, ReadsTheManagementEventSample) {
  LookupAttributes a = DeriveLookupAttributes(ParseOrDie(testing::kManagementEvent));

  EXPECT_EQ(a.event_id, "0f2b6a9e-7c84-4d1f-bb0e-6a8d2f4c9b30");
  EXPECT_EQ(a.event_time.time_since_epoch().count(), 1714566897000);
  EXPECT_EQ(a.event_name, "CreateTrail");
  EXPECT_EQ(a.event_source, "cloudtrail.amazonaws.com");
  EXPECT_EQ(a.read_only, false);
  EXPECT_EQ(a.username, "dana");
  EXPECT_EQ(a.access_key_id, "AKIDCTSERVERTEST0001");
  EXPECT_TRUE(a.resources.empty());
  EXPECT_EQ(a.aws_region, "eu-central-1");
  EXPECT_EQ(a.category, Category::kManagement);
}

TEST(DeriveLookupAttributes, PicksTheUsernameByIdentityType) {
  struct Case {
    std::string_view identity, username;
  };
  const Case cases[] = {
      {R"({"type":"IAMUser","userName":"dana"})", "dana"},
      {R"({"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Etl/run-42",)"
       R"("principalId":"AROA:other"})",
       "run-42"},
      {R"({"type":"AssumedRole","principalId":"AROAEXAMPLE:run-7"})", "run-7"},
      {R"({"type":"Root","arn":"arn:aws:iam::1:root"})", "root"},
      {R"({"type":"Root","userName":"my-alias"})", "my-alias"},
      {R"({"type":"AWSService","invokedBy":"autoscaling.amazonaws.com"})",
       "autoscaling.amazonaws.com"},
      {R"({"type":"FederatedUser","arn":"arn:aws:sts::1:federated-user/carol"})", ""},
      {R"({"type":"AWSAccount","principalId":"AIDAOTHER"})", ""},
      {R"({"type":"WebIdentityUser","userName":"1234"})", "1234"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.identity);

    LookupAttributes a = DeriveLookupAttributes(ParseOrDie(RecordWith(c.identity)));

    EXPECT_EQ(a.username, c.username);
  }
}

TEST(DeriveLookupAttributes, NamesTheServiceForTypelessServiceEventIdentities) {
  Record r = ParseOrDie(RecordWith(R"({"accountId":"1","invokedBy":"kms.amazonaws.com"})",
                                   R"(,"eventType":"AwsServiceEvent")"));

  EXPECT_EQ(DeriveLookupAttributes(r).username, "kms.amazonaws.com");
}

TEST(DeriveLookupAttributes, ClassifiesTheEventCategory) {
  struct Case {
    std::string_view tail;
    Category category;
  };
  const Case cases[] = {
      {"", Category::kManagement},
      {R"(,"managementEvent":true)", Category::kManagement},
      {R"(,"managementEvent":false)", Category::kData},
      {R"(,"eventCategory":"Management")", Category::kManagement},
      {R"(,"eventCategory":"Data")", Category::kData},
      {R"(,"managementEvent":true,"eventCategory":"Data")", Category::kData},
      {R"(,"eventType":"AwsVpceEvent","eventCategory":"NetworkActivity")",
       Category::kNetworkActivity},
      {R"(,"eventType":"AwsCloudTrailInsight","insightDetails":{})", Category::kInsight},
      {R"(,"insightDetails":{},"eventCategory":"Insight")", Category::kInsight},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tail);

    LookupAttributes a =
        DeriveLookupAttributes(ParseOrDie(RecordWith(R"({"type":"Root"})", c.tail)));

    EXPECT_EQ(a.category, c.category);
  }
}

TEST(DeriveLookupAttributes, ListsResourcesThatHaveAnArn) {
  Record r = ParseOrDie(RecordWith(
      R"({"type":"Root"})",
      R"(,"resources":[{"type":"AWS::S3::Object","ARNPrefix":"arn:aws:s3:::b/p"},)"
      R"({"accountId":"1","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"},{"ARN":"arn:x"}])"));

  LookupAttributes a = DeriveLookupAttributes(r);

  EXPECT_EQ(a.resources,
            (std::vector<LookupResource>{{"AWS::S3::Bucket", "arn:aws:s3:::b"}, {"", "arn:x"}}));
}

TEST(DeriveLookupAttributes, TakesInsightNamesFromInsightDetails) {
  LookupAttributes a = DeriveLookupAttributes(ParseOrDie(testing::kInsightEvent));

  EXPECT_EQ(a.event_name, "RunInstances");
  EXPECT_EQ(a.event_source, "ec2.amazonaws.com");
  EXPECT_EQ(a.username, "");
  EXPECT_FALSE(a.read_only.has_value());
  EXPECT_EQ(a.category, Category::kInsight);
}

TEST(ExtractLookupAttributes, MatchesDeriveOnSerializedRecords) {
  std::vector<std::string> records = testing::GeneratedRecords();
  for (std::string_view sample :
       {testing::kManagementEvent, testing::kDataEvent, testing::kInsightEvent}) {
    records.emplace_back(sample);
  }
  records.push_back(RecordWith(R"({"accountId":"1","invokedBy":"kms.amazonaws.com","x":[1]})",
                               R"(,"eventType":"AwsServiceEvent","custom":{"eventName":"no"})"));
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    Record r = ParseOrDie(records[i]);
    const std::string serialized = SerializeRecord(r);

    Result<LookupAttributes> a = ExtractLookupAttributes(serialized);

    ASSERT_THAT(a, IsOk());
    EXPECT_EQ(*a, DeriveLookupAttributes(r));
  }
}

TEST(ExtractLookupAttributes, ReportsCorruptionOnUnreadableInput) {
  for (std::string_view bad :
       {"", "[]", R"({"eventID":"e")", R"({"eventID":"e"})", R"({"eventID":1,"eventTime":"x"})",
        R"({"eventID":"e","eventTime":"2024-05-01T12:00:05Z","userIdentity":[]})"}) {
    SCOPED_TRACE(bad);

    EXPECT_THAT(ExtractLookupAttributes(bad), HasError(Error::kCorruption));
  }
}

}  // namespace
}  // namespace ot::events
