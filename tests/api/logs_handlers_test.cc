// The CloudWatch Logs handlers over a real log store: reply shapes, error codes and messages,
// routing (target → operation, signing name) and the resource each call is authorized on.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/handlers/operation.h"
#include "api/protocol/json_value.h"
#include "handler_test_util.h"
#include "monitor/log_store.h"
#include "store/metadata.h"

namespace ot::api::handlers {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using testing::HandlerEnv;

using Handler = Result<Outcome> (*)(const Services&, const CallContext&, JsonValue);

class LogsHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::MetadataDb::Open(env_.dir.path() + "/metadata.db");
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    monitor::LogStoreOptions options;
    options.dir = env_.dir.path() + "/logs";
    options.account_id = std::string(testing::kAccountId);
    auto logs = monitor::LogStore::Open(*db_, env_.env, options);
    ASSERT_THAT(logs, IsOk());
    logs_ = std::move(*logs);
    env_.services->logs = logs_.get();
  }

  JsonValue Parse(std::string_view body) {
    auto doc = JsonDocument::Parse(body);
    EXPECT_THAT(doc, IsOk());
    docs_.push_back(std::move(*doc));
    return docs_.back()->root();
  }

  Result<Outcome> Call(Handler handler, std::string_view body) {
    return handler(*env_.services, env_.Context(), Parse(body));
  }

  int64_t Now() { return env_.clock.Now().time_since_epoch().count(); }

  HandlerEnv env_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<monitor::LogStore> logs_;
  std::vector<std::unique_ptr<JsonDocument>> docs_;
};

TEST_F(LogsHandlersTest, TargetsRouteToLogsOperationsSignedAsLogs) {
  const JsonOperation* op = FindJsonOperation("Logs_20140328.PutMetricFilter");

  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->action, "logs:PutMetricFilter");
  EXPECT_EQ(op->event_source, "logs.amazonaws.com");
  EXPECT_FALSE(op->read_only);
  EXPECT_TRUE(FindJsonOperation("Logs_20140328.DescribeLogGroups")->read_only);
  EXPECT_EQ(FindJsonOperation("Logs_20140328.StartQuery"), nullptr);
  EXPECT_EQ(JsonSigningName("Logs_20140328.GetLogEvents"), "logs");
  EXPECT_EQ(JsonSigningName("CloudTrail_20131101.GetTrail"), "cloudtrail");
}

TEST_F(LogsHandlersTest, ResourcesAreLogGroupAndLogStreamArns) {
  const CallContext ctx = env_.Context();
  const std::string base = "arn:aws:logs:us-east-1:111122223333:log-group:";
  struct Case {
    std::string_view action, input, resource;
  };
  const Case cases[] = {
      {"logs:CreateLogGroup", R"({"logGroupName":"app"})", "app:*"},
      {"logs:PutMetricFilter", R"({"logGroupName":"app","filterName":"f"})", "app:*"},
      {"logs:PutLogEvents", R"({"logGroupName":"app","logStreamName":"s1"})", "app:log-stream:s1"},
      {"logs:GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1"})", "app:log-stream:s1"},
      {"logs:DescribeLogStreams", R"({"logGroupName":"app","logStreamNamePrefix":"s"})", "app:*"},
      {"logs:DescribeLogGroups", R"({})", "*"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.action);
    EXPECT_EQ(JsonResource(*env_.services, ctx, c.action, Parse(c.input)),
              base + std::string(c.resource));
  }
  EXPECT_EQ(JsonResource(*env_.services, ctx, "logs:TestMetricFilter", Parse("{}")), "*");
}

TEST_F(LogsHandlersTest, CreateAndDescribeLogGroupShapes) {
  ASSERT_THAT(Call(&CreateLogGroup, R"({"logGroupName":"app","tags":{"team":"sec"}})"), IsOk());
  ASSERT_THAT(Call(&PutRetentionPolicy, R"({"logGroupName":"app","retentionInDays":30})"), IsOk());

  auto out = Call(&DescribeLogGroups, R"({"logGroupNamePrefix":"a"})");

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->body, R"({"logGroups":[{"logGroupName":"app","creationTime":1714566896000,)"
                       R"("retentionInDays":30,"metricFilterCount":0,)"
                       R"("arn":"arn:aws:logs:us-east-1:111122223333:log-group:app:*",)"
                       R"("storedBytes":0}]})");
  auto tags = Call(&ListTagsLogGroup, R"({"logGroupName":"app"})");
  ASSERT_THAT(tags, IsOk());
  EXPECT_EQ(tags->body, R"({"tags":{"team":"sec"}})");
}

TEST_F(LogsHandlersTest, ErrorsUseTheLogsExceptions) {
  ASSERT_THAT(Call(&CreateLogGroup, R"({"logGroupName":"app"})"), IsOk());
  struct Case {
    Handler handler;
    std::string_view input;
    Error code;
    std::string_view message_part;
  };
  const Case cases[] = {
      {&CreateLogGroup, R"({"logGroupName":"app"})", Error::kResourceAlreadyExists,
       "already exists"},
      {&CreateLogGroup, R"({})", Error::kInvalidParameter, "Value null at 'logGroupName'"},
      {&CreateLogGroup, R"({"logGroupName":"a b"})", Error::kInvalidParameter, "'logGroupName'"},
      {&CreateLogGroup, R"({"logGroupName":7})", Error::kSerialization, "logGroupName"},
      {&DeleteLogGroup, R"({"logGroupName":"nope"})", Error::kResourceNotFound,
       "log group does not exist"},
      {&PutRetentionPolicy, R"({"logGroupName":"app","retentionInDays":2})",
       Error::kInvalidParameter, "retentionInDays"},
      {&PutRetentionPolicy, R"({"logGroupName":"app"})", Error::kInvalidParameter,
       "Value null at 'retentionInDays'"},
      {&DescribeLogGroups, R"({"limit":0})", Error::kInvalidParameter, "'limit'"},
      {&DescribeLogGroups, R"({"limit":51})", Error::kInvalidParameter, "'limit'"},
      {&DescribeLogGroups, R"({"nextToken":"zz"})", Error::kInvalidParameter, "nextToken"},
      {&CreateLogStream, R"({"logGroupName":"nope","logStreamName":"s"})", Error::kResourceNotFound,
       "log group"},
      {&DescribeLogStreams, R"({"logGroupName":"app","orderBy":"Size"})", Error::kInvalidParameter,
       "orderBy"},
      {&DescribeLogStreams,
       R"({"logGroupName":"app","orderBy":"LastEventTime","logStreamNamePrefix":"x"})",
       Error::kInvalidParameter, "LastEventTime"},
      {&PutLogEvents, R"({"logGroupName":"app","logStreamName":"s","logEvents":[{"message":"x"}]})",
       Error::kInvalidParameter, "logEvents.1.member.timestamp"},
      {&GetLogEvents, R"({"logGroupName":"app","logStreamName":"nope"})", Error::kResourceNotFound,
       "log stream does not exist"},
      {&FilterLogEvents, R"({"logGroupName":"app","filterPattern":"{ $.a = "})",
       Error::kInvalidParameter, "position"},
      {&FilterLogEvents,
       R"({"logGroupName":"app","logStreamNames":["a"],)"
       R"("logStreamNamePrefix":"a"})",
       Error::kInvalidParameter, "logStreamNames"},
      {&PutMetricFilter,
       R"({"logGroupName":"app","filterName":"f","filterPattern":"","metricTransformations":[]})",
       Error::kInvalidParameter, "metricTransformations"},
      {&PutMetricFilter,
       R"({"logGroupName":"app","filterName":"f:1","filterPattern":"",)"
       R"("metricTransformations":[{"metricName":"M","metricNamespace":"N","metricValue":"1"}]})",
       Error::kInvalidParameter, "filterName"},
      {&PutMetricFilter,
       R"({"logGroupName":"app","filterName":"f","filterPattern":"",)"
       R"("metricTransformations":[{"metricName":"M","metricNamespace":"N","metricValue":"x"}]})",
       Error::kInvalidParameter, "metric"},
      {&DeleteMetricFilter, R"({"logGroupName":"app","filterName":"none"})",
       Error::kResourceNotFound, "metric filter does not exist"},
      {&DescribeMetricFilters, R"({"filterNamePrefix":"a"})", Error::kInvalidParameter,
       "logGroupName"},
      {&TestMetricFilter, R"({"filterPattern":"x","logEventMessages":[]})",
       Error::kInvalidParameter, "logEventMessages"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    auto out = Call(c.handler, c.input);
    EXPECT_THAT(out, HasError(c.code));
    if (!out.ok()) {
      EXPECT_NE(out.status().message().find(c.message_part), std::string::npos)
          << out.status().message();
    }
  }
}

TEST_F(LogsHandlersTest, PutGetAndFilterLogEvents) {
  ASSERT_THAT(Call(&CreateLogGroup, R"({"logGroupName":"app"})"), IsOk());
  ASSERT_THAT(Call(&CreateLogStream, R"({"logGroupName":"app","logStreamName":"s"})"), IsOk());
  const std::string t = std::to_string(Now() - 1000);
  const std::string old = std::to_string(Now() - 20LL * 86400000);

  auto put = Call(&PutLogEvents, R"({"logGroupName":"app","logStreamName":"s","logEvents":[)"
                                 R"({"timestamp":)" +
                                     t + R"(,"message":"ERROR disk full"},{"timestamp":)" + t +
                                     R"(,"message":"ok"}]})");
  auto rejected = Call(&PutLogEvents, R"({"logGroupName":"app","logStreamName":"s","logEvents":[)"
                                      R"({"timestamp":)" +
                                          old + R"(,"message":"ancient"}]})");

  ASSERT_THAT(put, IsOk());
  EXPECT_EQ(put->body.find("rejectedLogEventsInfo"), std::string::npos);
  EXPECT_EQ(put->request_parameters, R"({"logGroupName":"app","logStreamName":"s"})");
  ASSERT_THAT(rejected, IsOk());
  EXPECT_NE(rejected->body.find(R"("rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0})"),
            std::string::npos);
  auto got = Call(&GetLogEvents, R"({"logGroupName":"app","logStreamName":"s",)"
                                 R"("startFromHead":true})");
  ASSERT_THAT(got, IsOk());
  EXPECT_NE(got->body.find(R"({"events":[{"timestamp":)" + t +
                           R"(,"message":"ERROR disk full","ingestionTime":)"),
            std::string::npos);
  EXPECT_NE(got->body.find(R"("nextForwardToken":"f/)"), std::string::npos);
  auto filtered = Call(&FilterLogEvents, R"({"logGroupName":"app","filterPattern":"ERROR"})");
  ASSERT_THAT(filtered, IsOk());
  auto doc = JsonDocument::Parse(filtered->body);
  ASSERT_THAT(doc, IsOk());
  std::vector<JsonValue> events = (*doc)->root().Get("events")->Items();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].Get("message")->AsString(), "ERROR disk full");
  EXPECT_EQ(events[0].Get("logStreamName")->AsString(), "s");
  EXPECT_EQ(events[0].Get("eventId")->AsString().size(), 56u);
  EXPECT_NE(filtered->body.find(R"("searchedLogStreams":[{"logStreamName":"s",)"
                                R"("searchedCompletely":true}])"),
            std::string::npos);
}

TEST_F(LogsHandlersTest, MetricFilterRoundTripsAndTestMetricFilterExtracts) {
  ASSERT_THAT(Call(&CreateLogGroup, R"({"logGroupName":"app"})"), IsOk());
  ASSERT_THAT(Call(&PutMetricFilter,
                   R"({"logGroupName":"app","filterName":"big","filterPattern":"{ $.size > 10 }",)"
                   R"("metricTransformations":[{"metricName":"Big","metricNamespace":"App",)"
                   R"("metricValue":"$.size","dimensions":{"Who":"$.user"},"unit":"Bytes"}]})"),
              IsOk());

  auto described = Call(&DescribeMetricFilters, R"({"logGroupName":"app"})");
  auto tested = Call(&TestMetricFilter, R"({"filterPattern":"{ $.size > 10 }",)"
                                        R"("logEventMessages":["{\"size\":5}","{\"size\":50}"]})");

  ASSERT_THAT(described, IsOk());
  EXPECT_EQ(described->body,
            R"({"metricFilters":[{"filterName":"big","filterPattern":"{ $.size > 10 }",)"
            R"("metricTransformations":[{"metricName":"Big","metricNamespace":"App",)"
            R"("metricValue":"$.size","dimensions":{"Who":"$.user"},"unit":"Bytes"}],)"
            R"("creationTime":1714566896000,"logGroupName":"app"}]})");
  ASSERT_THAT(tested, IsOk());
  EXPECT_EQ(tested->body, R"({"matches":[{"eventNumber":2,"eventMessage":"{\"size\":50}",)"
                          R"("extractedValues":{"$.size":"50"}}]})");
}

}  // namespace
}  // namespace ot::api::handlers
