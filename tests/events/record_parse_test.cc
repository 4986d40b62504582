#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/ids.h"
#include "crypto/hash.h"
#include "events/record.h"
#include "events/test_records.h"
#include "support/matchers.h"

namespace ot::events {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::StartsWith;

constexpr std::string_view kMinimal =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accountId":"111122223333"},)"
    R"("eventTime":"2024-05-01T12:34:57Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers",)"
    R"("awsRegion":"us-east-1","eventID":"e1"})";

// kMinimal with the first `from` replaced by `to`.
std::string With(std::string_view from, std::string_view to) {
  std::string s(kMinimal);
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

Record ParseOrDie(std::string_view json) {
  Result<Record> r = ParseRecord(json);
  EXPECT_THAT(r, IsOk());
  return r.ok() ? *r : Record{};
}

TEST(ParseRecord, RejectsInvalidRecordsNamingTheField) {
  struct Case {
    std::string json;
    std::string_view message_start;
  };
  const Case cases[] = {
      {"[]", "record: expected a JSON object"},
      {"{\"eventVersion\":", "record"},
      {std::string(kMinimal) + " {}", "record: unexpected content"},
      {With(R"("eventVersion":"1.08",)", ""), "eventVersion: required"},
      {With(R"("1.08")", R"("1")"), "eventVersion: expected \"<major>.<minor>\", got \"1\""},
      {With(R"("1.08")", R"("1.x")"), "eventVersion: expected"},
      {With(R"("1.08")", "1.08"), "eventVersion: expected a string, got a number"},
      {With(R"("2024-05-01T12:34:57Z")", R"("yesterday")"),
       R"(eventTime: expected an ISO-8601 timestamp, got "yesterday")"},
      {With(R"("eventTime":"2024-05-01T12:34:57Z",)", ""), "eventTime: required"},
      {With(R"(,"awsRegion":"us-east-1")", ""), "awsRegion: required"},
      {With(R"("us-east-1")", "[]"), "awsRegion: expected a string, got an array"},
      {With(R"("eventSource":"iam.amazonaws.com",)", ""), "eventSource: required"},
      {With(R"("eventName":"ListUsers",)", ""), "eventName: required"},
      {With(R"("userIdentity":{"type":"IAMUser","accountId":"111122223333"},)", ""),
       "userIdentity: required"},
      {With(R"({"type":"IAMUser","accountId":"111122223333"})", "\"x\""),
       "userIdentity: expected an object, got a string"},
      {With(R"("type":"IAMUser",)", ""), "userIdentity.type: required"},
      {With(R"("type":"IAMUser")", R"("type":"")"), "userIdentity.type: must not be empty"},
      {With(R"("accountId":"111122223333")", R"("accountId":111122223333)"),
       "userIdentity.accountId: expected a string, got a number"},
      {With(R"("type":"IAMUser")", R"("type":"IAMUser","sessionContext":"x")"),
       "userIdentity.sessionContext: expected an object"},
      {With(R"("type":"IAMUser")", R"("type":"IAMUser","type":"Root")"),
       "userIdentity.type: duplicate member"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","readOnly":"true")"),
       "readOnly: expected a boolean, got a string"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","managementEvent":1)"),
       "managementEvent: expected a boolean"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","resources":{})"),
       "resources: expected an array, got an object"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","resources":[{"ARN":"a"},1])"),
       "resources[1]: expected an object, got a number"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","resources":[{"ARN":5}])"),
       "resources[0].ARN: expected a string"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","requestParameters":{"a":01})"),
       "requestParameters: malformed JSON"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","responseElements":{"a":tru})"),
       "responseElements: malformed JSON"},
      {With(R"("eventID":"e1")", "\"eventID\":\"e1\",\"requestParameters\":{\"a\":\"x\x01\"}"),
       "record: malformed JSON"},
      {With(R"("eventID":"e1")", "\"eventID\":\"e1\",\"requestParameters\":{\"a\":\"\xC3\"}"),
       "record: malformed JSON"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","requestParameters":{"a":"\x"})"),
       "requestParameters: malformed JSON"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","tlsDetails":[])"),
       "tlsDetails: expected an object"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","sessionCredentialFromConsole":1)"),
       "sessionCredentialFromConsole: expected a string or a boolean"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","eventType":"")"),
       "eventType: must not be empty"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","errorCode":null)"),
       "errorCode: expected a string, got null"},
      {With(R"("eventID":"e1")", R"("eventID":7)"), "eventID: expected a string"},
      {With(R"("eventID":"e1")", R"("eventID":"")"), "eventID: must not be empty"},
      {With(R"("eventID":"e1")", "\"eventID\":\"" + std::string(129, 'a') + "\""),
       "eventID: longer than 128 bytes"},
      {With(R"("eventName":"ListUsers")", R"("eventName":"ListUsers","eventName":"X")"),
       "eventName: duplicate member"},
      {With(R"("eventID":"e1")", R"("eventID":"e1","eventCategory":"Insight")"),
       "insightDetails: required"},
      {With(R"("eventID":"e1")",
            R"("eventID":"e1","eventType":"AwsCloudTrailInsight","insightDetails":"x")"),
       "insightDetails: expected an object"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);

    Result<Record> r = ParseRecord(c.json);

    ASSERT_THAT(r, HasError(Error::kInvalidRecord));
    EXPECT_THAT(r.status().message(), StartsWith(std::string(c.message_start)));
  }
}

TEST(ParseRecord, RejectsRecordsLargerThan256KiB) {
  const std::string base = With(R"("eventID":"e1")", R"("eventID":"e1","userAgent":"")");
  const size_t fill = kMaxRecordBytes - base.size();
  std::string at_limit = base;
  at_limit.insert(at_limit.size() - 2, std::string(fill, 'a'));
  std::string over_limit = base;
  over_limit.insert(over_limit.size() - 2, std::string(fill + 1, 'a'));

  EXPECT_THAT(ParseRecord(at_limit), IsOk());
  Result<Record> r = ParseRecord(over_limit);
  ASSERT_THAT(r, HasError(Error::kInvalidRecord));
  EXPECT_THAT(r.status().message(), StartsWith("record: 262145 bytes"));
}

TEST(ParseRecord, ReadsEveryDocumentedField) {
  Record r = ParseOrDie(testing::kDataEvent);

  EXPECT_EQ(r.event_version, "1.11");
  ASSERT_TRUE(r.user_identity.has_value());
  EXPECT_EQ(r.user_identity->type, "AssumedRole");
  EXPECT_EQ(r.user_identity->access_key_id, "ASIAEXAMPLETEMPKEY01");
  EXPECT_THAT(r.user_identity->session_context, StartsWith(R"({"sessionIssuer":{"type":"Role")"));
  EXPECT_EQ(r.event_time.time_since_epoch().count(), 1714564805000);
  EXPECT_EQ(r.event_time_text, "");
  EXPECT_EQ(r.event_source, "s3.amazonaws.com");
  EXPECT_EQ(r.response_elements, "null");
  EXPECT_EQ(r.additional_event_data, R"({"bytesTransferredIn":0,"bytesTransferredOut":2048})");
  EXPECT_EQ(r.read_only, true);
  ASSERT_TRUE(r.resources.has_value());
  ASSERT_EQ(r.resources->size(), 2u);
  EXPECT_FALSE((*r.resources)[0].has_account_id);
  EXPECT_EQ((*r.resources)[1].account_id, "111122223333");
  EXPECT_EQ(r.management_event, false);
  EXPECT_EQ(r.event_category, "Data");
  EXPECT_TRUE(r.extra.empty());
}

TEST(ParseRecord, AcceptsOldRecordsWithoutEventIdAndDerivesOneFromTheBytes) {
  constexpr std::string_view kOld =
      R"({"eventVersion":"1.0","userIdentity":{"type":"IAMUser","principalId":"AIDAX",)"
      R"("arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},)"
      R"("eventTime":"2014-03-06T21:22:54Z","eventSource":"ec2.amazonaws.com",)"
      R"("eventName":"StartInstances","awsRegion":"us-east-2","sourceIPAddress":"205.251.233.176",)"
      R"("userAgent":"ec2-api-tools 1.6.12.2","requestParameters":{"instancesSet":{"items":[]}},)"
      R"("responseElements":null})";

  Record r = ParseOrDie(kOld);

  EXPECT_EQ(r.event_id, UuidFromDigest(crypto::Sha256(kOld)));
  EXPECT_TRUE(IsUuid(r.event_id));
  EXPECT_EQ(ParseOrDie(kOld).event_id, r.event_id);
  EXPECT_EQ(r.event_type, "");
  EXPECT_FALSE(r.read_only.has_value());
  EXPECT_FALSE(r.recipient_account_id.has_value());
}

TEST(ParseRecord, AcceptsAServiceEventIdentityWithoutType) {
  const std::string json = With(R"({"type":"IAMUser","accountId":"111122223333"})",
                                R"({"accountId":"111122223333","invokedBy":"kms.amazonaws.com"})");
  const std::string service_event =
      json.substr(0, json.size() - 1) + R"(,"eventType":"AwsServiceEvent"})";

  Record r = ParseOrDie(service_event);

  ASSERT_TRUE(r.user_identity.has_value());
  EXPECT_EQ(r.user_identity->type, "");
  EXPECT_EQ(r.user_identity->invoked_by, "kms.amazonaws.com");
  EXPECT_EQ(SerializeRecord(r), service_event);
}

TEST(ParseRecord, KeepsNumbersInNestedObjectsExactly) {
  const std::string json = With(
      R"("eventID":"e1")",
      R"("requestParameters":{"a":1.0,"b":12345678901234567890,"c":1e-5,"d":-0.5E+10,"e":[0,-0]},)"
      R"("eventID":"e1")");

  Record r = ParseOrDie(json);

  EXPECT_EQ(r.request_parameters,
            R"({"a":1.0,"b":12345678901234567890,"c":1e-5,"d":-0.5E+10,"e":[0,-0]})");
}

TEST(ParseRecord, CompactsWhitespaceAndCanonicalisesStringEscapes) {
  const std::string json =
      With(R"("eventID":"e1")",
           "\"requestParameters\" : { \"k\\u0065y\" : [ \"caf\\u00e9\", \"a\\/b\", \"\\u0001\" ] ,"
           " \"n\" : null , \"t\" : true } ,\n \"eventID\":\"e1\"");

  Record r = ParseOrDie(json);

  EXPECT_EQ(r.request_parameters,
            "{\"key\":[\"caf\xC3\xA9\",\"a/b\",\"\\u0001\"],\"n\":null,"
            "\"t\":true}");
}

TEST(ParseRecord, KeepsUnknownMembersInArrivalOrder) {
  const std::string json =
      With(R"("eventID":"e1")", R"("zeta":{"x":[1,2]},"eventID":"e1","alpha":"a","mid":null)");

  Record r = ParseOrDie(json);

  using Extra = std::vector<std::pair<std::string, RawJson>>;
  EXPECT_EQ(r.extra, (Extra{{"zeta", R"({"x":[1,2]})"}, {"alpha", R"("a")"}, {"mid", "null"}}));
}

TEST(ParseRecord, KeepsUnknownIdentityAndResourceMembers) {
  const std::string json =
      With(R"("accountId":"111122223333")", R"("accountId":"111122223333","newThing":{"a":1})");
  const std::string with_resources =
      json.substr(0, json.size() - 1) +
      R"(,"resources":[{"type":"AWS::S3::Object","ARNPrefix":"arn:aws:s3:::b/logs/"}]})";

  Record r = ParseOrDie(with_resources);

  ASSERT_EQ(r.user_identity->extra.size(), 1u);
  EXPECT_EQ(r.user_identity->extra[0].first, "newThing");
  ASSERT_EQ(r.resources->size(), 1u);
  EXPECT_FALSE((*r.resources)[0].has_arn);
  ASSERT_EQ((*r.resources)[0].extra.size(), 1u);
  EXPECT_EQ((*r.resources)[0].extra[0].second, R"("arn:aws:s3:::b/logs/")");
  EXPECT_EQ(SerializeRecord(r), with_resources);
}

TEST(ParseRecord, KeepsEventTimeTextOnlyWhenTheCanonicalFormDiffers) {
  struct Case {
    std::string_view text;
    int64_t millis;
    std::string_view kept;
  };
  const Case cases[] = {
      {"2024-05-01T12:34:57Z", 1714566897000, ""},
      {"2024-05-01T12:34:57.123Z", 1714566897123, "2024-05-01T12:34:57.123Z"},
      {"2024-05-01T14:34:57+02:00", 1714566897000, "2024-05-01T14:34:57+02:00"},
      {"20240501T123457Z", 1714566897000, "20240501T123457Z"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string json = With(R"("2024-05-01T12:34:57Z")", "\"" + std::string(c.text) + "\"");

    Record r = ParseOrDie(json);

    EXPECT_EQ(r.event_time.time_since_epoch().count(), c.millis);
    EXPECT_EQ(r.event_time_text, c.kept);
    EXPECT_EQ(SerializeRecord(r), json);
  }
}

TEST(ParseRecord, ReadsInsightRecordsWithoutCallerOrApi) {
  Record r = ParseOrDie(testing::kInsightEvent);

  EXPECT_FALSE(r.user_identity.has_value());
  EXPECT_FALSE(r.event_source.has_value());
  EXPECT_FALSE(r.event_name.has_value());
  EXPECT_EQ(r.event_type, "AwsCloudTrailInsight");
  EXPECT_THAT(r.insight_details, StartsWith(R"({"state":"Start")"));
  EXPECT_EQ(r.shared_event_id, "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9");
}

TEST(ParseRecord, AcceptsSessionCredentialFromConsoleAsStringOrBool) {
  for (std::string_view value : {R"("true")", "true"}) {
    SCOPED_TRACE(value);
    const std::string json =
        With(R"("eventID":"e1")",
             R"("eventID":"e1","sessionCredentialFromConsole":)" + std::string(value));

    Record r = ParseOrDie(json);

    EXPECT_EQ(r.session_credential_from_console, value);
    EXPECT_EQ(SerializeRecord(r), json);
  }
}

}  // namespace
}  // namespace ot::events

namespace ot::events {
namespace {

// Service-defined payloads are opaque: whatever JSON AWS wrote there is kept, byte for byte.
TEST(ParseRecord, KeepsAnyJsonInServiceDefinedPayloads) {
  const std::string_view payloads[] = {
      R"("requestParameters":"raw text")", R"("responseElements":true)",
      R"("additionalEventData":null)", R"("serviceEventDetails":[1,2])", R"("tlsDetails":null)"};
  for (std::string_view payload : payloads) {
    SCOPED_TRACE(payload);
    std::string json = std::string(R"({"eventVersion":"1.08","userIdentity":{"type":"Root"},)") +
                       R"("eventTime":"2024-05-01T12:00:00Z","eventSource":"s3.amazonaws.com",)" +
                       R"("eventName":"X","awsRegion":"us-east-1","eventID":"e1",)" +
                       std::string(payload) + "}";

    auto r = ParseRecord(json);

    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_NE(SerializeRecord(*r).find(payload), std::string::npos) << SerializeRecord(*r);
  }
}

}  // namespace
}  // namespace ot::events
