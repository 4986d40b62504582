// Tests src/api/handlers/lookup_events.cc against a real EventStore (api.md §6).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "api/handlers/operation.h"
#include "api/protocol/json_value.h"
#include "handler_test_util.h"
#include "support/matchers.h"

namespace ot::api::handlers {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using testing::HandlerEnv;
using testing::RecordSpec;

class LookupEventsTest : public ::testing::Test {
 protected:
  Result<Outcome> Lookup(std::string_view body) {
    auto doc = JsonDocument::Parse(body);
    EXPECT_THAT(doc, IsOk());
    return LookupEvents(*env_.services, env_.Context(), (*doc)->root());
  }

  // The reply body of a successful call, parsed; kept alive by the fixture.
  JsonValue LookupOk(std::string_view body) {
    auto out = Lookup(body);
    EXPECT_THAT(out, IsOk());
    auto doc = JsonDocument::Parse(out.ok() ? out->body : "{}");
    EXPECT_THAT(doc, IsOk());
    docs_.push_back(std::move(doc).value());
    return docs_.back()->root();
  }

  HandlerEnv env_;
  std::vector<std::unique_ptr<JsonDocument>> docs_;
};

TEST_F(LookupEventsTest, RejectsInvalidRequests) {
  struct Case {
    std::string_view name;
    std::string body;
    Error code;
  };
  const std::string long_value(2001, 'x');
  const Case cases[] = {
      {"two attributes",
       R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"a"},)"
       R"({"AttributeKey":"Username","AttributeValue":"b"}]})",
       Error::kInvalidLookupAttributes},
      {"unknown key", R"({"LookupAttributes":[{"AttributeKey":"Bogus","AttributeValue":"a"}]})",
       Error::kInvalidLookupAttributes},
      {"key in wrong case",
       R"({"LookupAttributes":[{"AttributeKey":"eventName","AttributeValue":"a"}]})",
       Error::kInvalidLookupAttributes},
      {"empty value", R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":""}]})",
       Error::kInvalidLookupAttributes},
      {"value over 2000 chars",
       R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":")" + long_value +
           R"("}]})",
       Error::kInvalidLookupAttributes},
      {"missing AttributeValue", R"({"LookupAttributes":[{"AttributeKey":"EventName"}]})",
       Error::kInvalidLookupAttributes},
      {"missing AttributeKey", R"({"LookupAttributes":[{"AttributeValue":"a"}]})",
       Error::kInvalidLookupAttributes},
      {"attribute not a structure", R"({"LookupAttributes":["EventName"]})", Error::kSerialization},
      {"MaxResults 0", R"({"MaxResults":0})", Error::kInvalidMaxResults},
      {"MaxResults 51", R"({"MaxResults":51})", Error::kInvalidMaxResults},
      {"MaxResults negative", R"({"MaxResults":-1})", Error::kInvalidMaxResults},
      {"MaxResults string", R"({"MaxResults":"ten"})", Error::kSerialization},
      {"start after end", R"({"StartTime":1714560000,"EndTime":1714550000})",
       Error::kInvalidTimeRange},
      {"start after now without end", R"({"StartTime":1814566896})", Error::kInvalidTimeRange},
      {"category management", R"({"EventCategory":"management"})", Error::kInvalidEventCategory},
      {"category Insight (case)", R"({"EventCategory":"Insight"})", Error::kInvalidEventCategory},
      {"insight with Username",
       R"({"EventCategory":"insight","LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"a"}]})",
       Error::kInvalidLookupAttributes},
      {"empty NextToken", R"({"NextToken":""})", Error::kInvalidNextToken},
      {"forged NextToken", R"({"NextToken":"eyJmb3JnZWQiOnRydWV9"})", Error::kInvalidNextToken},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(Lookup(c.body), HasError(c.code));
  }
}

TEST_F(LookupEventsTest, AcceptsBoundaryValues) {
  const std::string max_value(2000, 'x');
  const std::string bodies[] = {
      R"({"MaxResults":1})",
      R"({"MaxResults":50})",
      R"({"StartTime":1714566000,"EndTime":1714566000})",
      R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":")" + max_value +
          R"("}]})",
      R"({"EventCategory":"insight","LookupAttributes":[{"AttributeKey":"EventSource","AttributeValue":"a"}]})",
      R"({"LookupAttributes":[]})",
      "{}",
  };
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body.substr(0, 120));
    EXPECT_THAT(Lookup(body), IsOk());
  }
}

TEST_F(LookupEventsTest, ReturnsEventsInLookupShape) {
  env_.Append({{.event_id = "0f2b6a9e-7c84-4d1f-bb0e-6a8d2f4c9b30",
                .event_time = "2024-05-01T12:00:00Z",
                .event_name = "CreateTrail",
                .read_only = false}});

  JsonValue root = LookupOk("{}");

  auto events = root.Get("Events");
  ASSERT_TRUE(events && events->is_array());
  ASSERT_EQ(events->Items().size(), 1u);
  JsonValue e = events->Items()[0];
  EXPECT_EQ(e.Get("EventId")->AsString(), "0f2b6a9e-7c84-4d1f-bb0e-6a8d2f4c9b30");
  EXPECT_EQ(e.Get("EventName")->AsString(), "CreateTrail");
  EXPECT_EQ(e.Get("ReadOnly")->AsString(), "false");
  EXPECT_EQ(e.Get("AccessKeyId")->AsString(), "AKIDEXAMPLEKEY000001");
  ASSERT_EQ(e.Get("EventTime")->type(), JsonValue::Type::kNumber);
  EXPECT_EQ(e.Get("EventTime")->AsInt(), std::optional<int64_t>(1714564800));
  EXPECT_EQ(e.Get("EventSource")->AsString(), "cloudtrail.amazonaws.com");
  EXPECT_EQ(e.Get("Username")->AsString(), "alice");
  ASSERT_EQ(e.Get("Resources")->Items().size(), 1u);
  JsonValue resource = e.Get("Resources")->Items()[0];
  EXPECT_EQ(resource.Get("ResourceType")->AsString(), "AWS::CloudTrail::Trail");
  EXPECT_EQ(resource.Get("ResourceName")->AsString(),
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit");
  EXPECT_FALSE(root.Get("NextToken").has_value());
}

TEST_F(LookupEventsTest, CloudTrailEventIsTheFullRecordAsAString) {
  RecordSpec spec{.event_id = "0f2b6a9e-7c84-4d1f-bb0e-6a8d2f4c9b30",
                  .event_time = "2024-05-01T12:00:00Z"};
  env_.Append({spec});

  JsonValue e = LookupOk("{}").Get("Events")->Items()[0];

  ASSERT_TRUE(e.Get("CloudTrailEvent")->is_string());
  EXPECT_EQ(e.Get("CloudTrailEvent")->AsString(),
            testing::NewEventFrom(testing::RecordJson(spec)).json);
}

TEST_F(LookupEventsTest, ReadOnlyIsTheStringTrueOrFalse) {
  env_.Append({{.event_id = "00000000-0000-4000-8000-000000000001",
                .event_time = "2024-05-01T12:00:00Z",
                .read_only = true},
               {.event_id = "00000000-0000-4000-8000-000000000002",
                .event_time = "2024-05-01T12:10:00Z",
                .read_only = false}});

  auto items = LookupOk("{}").Get("Events")->Items();

  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].Get("ReadOnly")->AsString(), "false");  // newest first
  EXPECT_EQ(items[1].Get("ReadOnly")->AsString(), "true");
}

TEST_F(LookupEventsTest, NextTokenOnlyWhileMoreEventsRemain) {
  env_.Append(
      {{.event_id = "00000000-0000-4000-8000-000000000001", .event_time = "2024-05-01T12:00:00Z"},
       {.event_id = "00000000-0000-4000-8000-000000000002", .event_time = "2024-05-01T12:10:00Z"},
       {.event_id = "00000000-0000-4000-8000-000000000003", .event_time = "2024-05-01T12:20:00Z"}});

  JsonValue first = LookupOk(R"({"MaxResults":2})");
  ASSERT_TRUE(first.Get("NextToken") && first.Get("NextToken")->is_string());
  std::string token(first.Get("NextToken")->AsString());
  JsonValue second = LookupOk(R"({"MaxResults":2,"NextToken":")" + token + R"("})");

  EXPECT_EQ(first.Get("Events")->Items().size(), 2u);
  ASSERT_EQ(second.Get("Events")->Items().size(), 1u);
  EXPECT_EQ(second.Get("Events")->Items()[0].Get("EventId")->AsString(),
            "00000000-0000-4000-8000-000000000001");
  EXPECT_FALSE(second.Get("NextToken").has_value());
}

TEST_F(LookupEventsTest, NextTokenFromOtherParametersIsRejected) {
  env_.Append(
      {{.event_id = "00000000-0000-4000-8000-000000000001", .event_time = "2024-05-01T12:00:00Z"},
       {.event_id = "00000000-0000-4000-8000-000000000002", .event_time = "2024-05-01T12:10:00Z"}});
  std::string token(LookupOk(R"({"MaxResults":1})").Get("NextToken")->AsString());

  auto r = Lookup(
      R"({"MaxResults":1,"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"alice"}],)"
      R"("NextToken":")" +
      token + R"("})");

  EXPECT_THAT(r, HasError(Error::kInvalidNextToken));
}

TEST_F(LookupEventsTest, FiltersByAttributeAndTimeRange) {
  env_.Append({{.event_id = "00000000-0000-4000-8000-000000000001",
                .event_time = "2024-05-01T12:00:00Z",
                .event_name = "CreateTrail"},
               {.event_id = "00000000-0000-4000-8000-000000000002",
                .event_time = "2024-05-01T12:10:00Z",
                .event_name = "DeleteTrail"},
               {.event_id = "00000000-0000-4000-8000-000000000003",
                .event_time = "2024-05-01T12:20:00Z",
                .event_name = "CreateTrail"}});

  auto by_name = LookupOk(
      R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateTrail"}]})");
  auto by_time = LookupOk(R"({"StartTime":"2024-05-01T12:10:00Z","EndTime":1714565400})");

  EXPECT_EQ(by_name.Get("Events")->Items().size(), 2u);
  ASSERT_EQ(by_time.Get("Events")->Items().size(), 1u);
  EXPECT_EQ(by_time.Get("Events")->Items()[0].Get("EventId")->AsString(),
            "00000000-0000-4000-8000-000000000002");
}

TEST_F(LookupEventsTest, SeesOnlyTheCallersRegion) {
  env_.Append({{.event_id = "00000000-0000-4000-8000-000000000001",
                .event_time = "2024-05-01T12:00:00Z",
                .region = "eu-west-1"}});

  EXPECT_TRUE(LookupOk("{}").Get("Events")->Items().empty());
}

TEST_F(LookupEventsTest, EmptyHistoryGivesAnEmptyEventsList) {
  auto out = Lookup("{}");

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->body, R"({"Events":[]})");
}

}  // namespace
}  // namespace ot::api::handlers
