// Tests src/server/dispatcher.cc's recording of every call (records.md §4) and IngestEvents over
// HTTP, through the whole in-process server.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/gzip.h"
#include "server_test_util.h"

namespace ot::server {
namespace {

using ::testing::HasSubstr;
using testing::kIngestTarget;
using testing::kLookupTarget;

class RecordingTest : public testing::ServerTest {
 protected:
  // The record (parsed CloudTrailEvent) of the only event named `name` in `region`.
  api::JsonValue OnlyRecord(std::string_view name, std::string region = "us-east-1") {
    auto events =
        LookupEvents(R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":")" +
                         std::string(name) + R"("}]})",
                     std::move(region));
    EXPECT_EQ(events.size(), 1u) << name;
    if (events.empty()) return Parse("{}");
    return Parse(Member(events[0], "CloudTrailEvent"));
  }
};

std::string ExternalRecord(std::string_view id, std::string_view name) {
  return R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAEXTERNAL0001",)"
         R"("arn":"arn:aws:iam::111122223333:user/dana","accountId":"111122223333",)"
         R"("accessKeyId":"AKIDEXTERNAL00000001","userName":"dana"},"eventTime":"2024-05-01T12:00:00Z",)"
         R"("eventSource":"ec2.amazonaws.com","eventName":")" +
         std::string(name) +
         R"(","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.17",)"
         R"("requestParameters":null,"responseElements":null,"eventID":")" +
         std::string(id) +
         R"(","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,)"
         R"("recipientAccountId":"111122223333","eventCategory":"Management"})";
}

std::string TwoRecords() {
  return R"({"Records":[)" +
         ExternalRecord("00000000-0000-4000-8000-000000000001", "DescribeInstances") + "," +
         ExternalRecord("00000000-0000-4000-8000-000000000002", "DescribeVolumes") + "]}";
}

TEST_F(RecordingTest, CallsOwnRecordIsVisibleRightAfterTheReply) {
  cli::HttpResponse call = Query("Action=GetCallerIdentity&Version=2011-06-15", credentials_);
  ASSERT_EQ(call.status, 200);

  api::JsonValue record = OnlyRecord("GetCallerIdentity");

  EXPECT_EQ(Member(record, "eventSource"), "sts.amazonaws.com");
  EXPECT_EQ(Member(record, "requestID"), call.Header("x-amzn-RequestId"));
  EXPECT_EQ(Member(record, "eventType"), "AwsApiCall");
  EXPECT_EQ(Member(record, "recipientAccountId"), "123456789012");
  EXPECT_EQ(Member(record, "sourceIPAddress"), "127.0.0.1");
  EXPECT_EQ(Member(record, "userAgent"), "<absent>");  // Query() sends no User-Agent
  EXPECT_EQ(record.Get("readOnly")->AsBool(), true);
  EXPECT_TRUE(record.Get("responseElements")->is_null());
}

TEST_F(RecordingTest, RecordNamesTheAuthenticatedCaller) {
  Json(kLookupTarget, "{}");

  api::JsonValue record = OnlyRecord("LookupEvents");

  api::JsonValue id = *record.Get("userIdentity");
  EXPECT_EQ(Member(id, "type"), "IAMUser");
  EXPECT_EQ(Member(id, "arn"), "arn:aws:iam::123456789012:user/admin");
  EXPECT_EQ(Member(id, "accountId"), "123456789012");
  EXPECT_EQ(Member(id, "accessKeyId"), credentials_.access_key_id);
  EXPECT_EQ(Member(id, "userName"), "admin");
  EXPECT_EQ(Member(record, "userAgent"), "opentrail-cli/0.1");
}

TEST_F(RecordingTest, RequestParametersAreLowerCamelInput) {
  Json(kLookupTarget, R"({"MaxResults":5})");

  api::JsonValue record = OnlyRecord("LookupEvents");

  EXPECT_EQ(record.Get("requestParameters")->Minified(), R"({"maxResults":5})");
}

TEST_F(RecordingTest, FailedCallRecordCarriesErrorCode) {
  Json(kLookupTarget, R"({"MaxResults":51})");

  api::JsonValue record = OnlyRecord("LookupEvents");

  EXPECT_EQ(Member(record, "errorCode"), "InvalidMaxResultsException");
  EXPECT_THAT(Member(record, "errorMessage"), HasSubstr("MaxResults"));
  EXPECT_TRUE(record.Get("responseElements")->is_null());
}

TEST_F(RecordingTest, UnknownOperationIsRecordedUnderItsName) {
  Json("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.NoSuchThing", "{}");

  api::JsonValue record = OnlyRecord("NoSuchThing");

  EXPECT_EQ(Member(record, "errorCode"), "UnknownOperationException");
}

TEST_F(RecordingTest, BadSignatureIsRecordedAsUnknownIdentity) {
  const cli::Credentials good = credentials_;
  credentials_.secret_access_key = std::string(40, 'A');
  Json(kLookupTarget, "{}");
  credentials_ = good;

  api::JsonValue record = OnlyRecord("LookupEvents");

  api::JsonValue id = *record.Get("userIdentity");
  EXPECT_EQ(Member(id, "type"), "Unknown");
  EXPECT_EQ(Member(id, "accessKeyId"), good.access_key_id);
  EXPECT_EQ(Member(record, "errorCode"), "InvalidSignatureException");
}

TEST_F(RecordingTest, QueryFailureRecordsTheQueryCode) {
  cli::Credentials bad = credentials_;
  bad.secret_access_key = std::string(40, 'A');
  Query("Action=GetCallerIdentity&Version=2011-06-15", bad);

  api::JsonValue record = OnlyRecord("GetCallerIdentity");

  EXPECT_EQ(Member(record, "errorCode"), "SignatureDoesNotMatch");
}

TEST_F(RecordingTest, RegionComesFromTheCredentialScope) {
  Json(kLookupTarget, "{}", "eu-west-1");

  api::JsonValue record = OnlyRecord("LookupEvents", "eu-west-1");
  auto home = LookupEvents(
      R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"LookupEvents"}]})");

  EXPECT_EQ(Member(record, "awsRegion"), "eu-west-1");
  // A lookup's own record is appended after it answers, so us-east-1 has no LookupEvents yet.
  EXPECT_TRUE(home.empty());
}

TEST_F(RecordingTest, IngestEventsStoresTheRecords) {
  cli::HttpResponse r = Json(kIngestTarget, TwoRecords());

  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"Received":2,"Ingested":2,"Duplicates":0})");
  EXPECT_EQ(OnlyRecord("DescribeVolumes").Get("userIdentity")->Get("userName")->AsString(), "dana");
}

TEST_F(RecordingTest, IngestEventsAcceptsGzipContentEncoding) {
  cli::HttpResponse r = Json(kIngestTarget, GzipCompress(TwoRecords()), "us-east-1", "gzip");

  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"Received":2,"Ingested":2,"Duplicates":0})");
  EXPECT_EQ(Member(OnlyRecord("DescribeInstances"), "eventID"),
            "00000000-0000-4000-8000-000000000001");
}

TEST_F(RecordingTest, ReingestingCountsDuplicates) {
  Json(kIngestTarget, TwoRecords());

  cli::HttpResponse r = Json(kIngestTarget, TwoRecords());

  EXPECT_EQ(r.body, R"({"Received":2,"Ingested":0,"Duplicates":2})");
}

TEST_F(RecordingTest, CorruptGzipIsRejected) {
  cli::HttpResponse r = Json(kIngestTarget, "\x1f\x8bnot really gzip", "us-east-1", "gzip");

  EXPECT_EQ(r.status, 400);
}

TEST_F(RecordingTest, InvalidRecordRejectsTheWholeBatch) {
  std::string body = R"({"Records":[)" +
                     ExternalRecord("00000000-0000-4000-8000-000000000001", "DescribeInstances") +
                     R"(,{"eventVersion":"1.11"}]})";

  cli::HttpResponse r = Json(kIngestTarget, body);

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "InvalidEventException");
  EXPECT_THAT(Member(Parse(r.body), "message"), HasSubstr("Records[1]"));
  EXPECT_TRUE(LookupEvents(R"({"LookupAttributes":[{"AttributeKey":"EventName",)"
                           R"("AttributeValue":"DescribeInstances"}]})")
                  .empty());
}

}  // namespace
}  // namespace ot::server
