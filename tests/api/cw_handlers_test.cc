// The CloudWatch handlers over a real AlarmStore and MetricStore, through both wire forms: Query
// parameters → XML result members, JSON 1.0 input → JSON body; and every rejection's error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/handler_test_util.h"
#include "api/handlers/cw_util.h"
#include "api/protocol/reply.h"
#include "common/encoding.h"
#include "monitor/alarm_engine.h"
#include "store/metadata.h"

namespace ot::api::handlers {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::HasSubstr;

class CwHandlersTest : public ::testing::Test {
 protected:
  CwHandlersTest() {
    auto db = store::MetadataDb::Open(env_.dir.path() + "/metadata.db");
    EXPECT_THAT(db.status(), IsOk());
    db_ = std::move(*db);
    auto alarms = monitor::AlarmStore::Open(*db_, env_.env, {std::string(testing::kAccountId), 2});
    EXPECT_THAT(alarms.status(), IsOk());
    alarms_ = std::move(*alarms);
    engine_ = std::make_unique<monitor::AlarmEngine>(
        *alarms_, metrics_,
        [this](const std::string& topic, const std::string&, const std::string&,
               SysMillis) -> Result<std::string> {
          published_.push_back(topic);
          return std::string("m");
        });
    env_.services->alarms = alarms_.get();
    env_.services->alarm_engine = engine_.get();
    env_.services->metric_store = &metrics_;
    env_.caller.service = "monitoring";
  }

  Result<Outcome> Query(Result<Outcome> (*handler)(const Services&, const CallContext&,
                                                   const QueryParams&),
                        std::string_view form) {
    return handler(*env_.services, env_.Context(), QueryParams::Parse(form));
  }
  Result<Outcome> Json(Result<Outcome> (*handler)(const Services&, const CallContext&, JsonValue),
                       std::string_view body) {
    auto doc = JsonDocument::Parse(body);
    EXPECT_THAT(doc.status(), IsOk());
    return handler(*env_.services, env_.Context(), (*doc)->root());
  }

  static constexpr std::string_view kAlarm =
      "AlarmName=a1&MetricName=Errors&Namespace=App&Statistic=Sum&Period=60&EvaluationPeriods=1&"
      "Threshold=1.0&ComparisonOperator=GreaterThanOrEqualToThreshold&"
      "AlarmActions.member.1=arn%3Aaws%3Asns%3Aus-east-1%3A111122223333%3Aalerts";

  testing::HandlerEnv env_;
  std::unique_ptr<store::MetadataDb> db_;
  monitor::MetricStore metrics_;
  std::unique_ptr<monitor::AlarmStore> alarms_;
  std::unique_ptr<monitor::AlarmEngine> engine_;
  std::vector<std::string> published_;
};

TEST(QueryParamsToJson, NestsListsMapsAndStructures) {
  auto params = QueryParams::Parse(
      "Action=PutMetricData&Version=2010-08-01&Namespace=NS&MetricData.member.2.MetricName=B&"
      "MetricData.member.1.MetricName=A&MetricData.member.1.Dimensions.member.1.Name=H&"
      "MetricData.member.1.Dimensions.member.1.Value=h1&MetricData.member.1.Value=1.5&"
      "Attrs.entry.1.key=k&Attrs.entry.1.value=v&AlarmNames=");

  EXPECT_EQ(
      cw::QueryParamsToJson(params),
      R"({"AlarmNames":"","Attrs":{"k":"v"},"MetricData":[{"Dimensions":[{"Name":"H",)"
      R"("Value":"h1"}],"MetricName":"A","Value":"1.5"},{"MetricName":"B"}],"Namespace":"NS"})");
}

TEST(QueryParamsToJson, IgnoresNamesNestedDeeperThanAnyMember) {
  std::string deep = "Namespace=NS";
  deep += "&A";
  for (int i = 0; i < 100000; ++i) deep += ".b";
  deep += "=1";

  EXPECT_EQ(cw::QueryParamsToJson(QueryParams::Parse(deep)), R"({"Namespace":"NS"})");
}

TEST(CwNode, WritesQueryXmlAndJson) {
  cw::CwNode n;
  n.Add("Name", cw::CwNode::Str("a&b"));
  n.Add("Threshold", cw::CwNode::Num(1));
  n.Add("Period", cw::CwNode::Int(60));
  n.Add("On", cw::CwNode::Bool(true));
  n.Add("At", cw::CwNode::Time(SysMillis(std::chrono::milliseconds(1714564800123))));
  n.Add("Empty", cw::CwNode::List());
  n.Add("Arns", cw::CwNode::StrList({"x", "y"}));

  EXPECT_EQ(cw::ToQueryXml(n),
            "<Name>a&amp;b</Name><Threshold>1.0</Threshold><Period>60</Period><On>true</On>"
            "<At>2024-05-01T12:00:00.123Z</At><Empty/><Arns><member>x</member><member>y</member>"
            "</Arns>\n");
  EXPECT_EQ(cw::ToJson(n),
            R"({"Name":"a&b","Threshold":1,"Period":60,"On":true,"At":1714564800.123,)"
            R"("Empty":[],"Arns":["x","y"]})");
}

TEST(CloudWatchJsonErrorReply, CarriesTheQueryCodeHeaderAndTheShapeName) {
  struct Case {
    Error code;
    int status;
    std::string_view header, type;
  };
  const Case cases[] = {
      {Error::kAlarmNotFound, 404, "ResourceNotFound;Sender", "ResourceNotFound"},
      {Error::kCwLimitExceeded, 400, "LimitExceeded;Sender", "LimitExceededFault"},
      {Error::kMissingParameter, 400, "MissingParameter;Sender",
       "MissingRequiredParameterException"},
      {Error::kInvalidParameterValue, 400, "InvalidParameterValue;Sender",
       "InvalidParameterValueException"},
      {Error::kInvalidParameterCombination, 400, "InvalidParameterCombination;Sender",
       "InvalidParameterCombinationException"},
      {Error::kInternal, 500, "InternalFailure;Receiver", "InternalServiceFault"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    Reply r = CloudWatchJsonErrorReply(Status(c.code, "why"), "rid");
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.content_type, "application/x-amz-json-1.0");
    EXPECT_THAT(r.headers, ::testing::Contains(std::pair<std::string, std::string>(
                               "x-amzn-query-error", std::string(c.header))));
    EXPECT_THAT(r.body, HasSubstr("\"__type\":\"com.amazonaws.cloudwatch#" + std::string(c.type)));
  }
}

TEST_F(CwHandlersTest, PutMetricAlarmOverQueryThenDescribeAlarmsOverJson) {
  ASSERT_THAT(Query(&cw::ViaQuery<&cw::PutMetricAlarm>, kAlarm), IsOk());

  auto out = Json(&cw::ViaJson<&cw::DescribeAlarms>, R"({"AlarmNames":["a1"]})");

  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->body, HasSubstr(R"("AlarmName":"a1","AlarmArn":"arn:aws:cloudwatch:us-east-1:)"
                                   R"(111122223333:alarm:a1")"));
  EXPECT_THAT(out->body, HasSubstr(R"("StateValue":"INSUFFICIENT_DATA")"));
  EXPECT_THAT(out->body, HasSubstr(R"("CompositeAlarms":[])"));
  auto xml = Query(&cw::ViaQuery<&cw::DescribeAlarms>, "AlarmNamePrefix=a");
  ASSERT_THAT(xml, IsOk());
  EXPECT_THAT(xml->body, HasSubstr("<AlarmActions><member>arn:aws:sns:us-east-1:111122223333:"
                                   "alerts</member></AlarmActions>"));
  EXPECT_THAT(xml->body, HasSubstr("<Threshold>1.0</Threshold>"));
}

TEST_F(CwHandlersTest, RejectsBadAlarmsWithCloudWatchErrors) {
  struct Case {
    std::string_view form;
    Error code;
    std::string_view message_part;
  };
  const Case cases[] = {
      {"MetricName=M&Namespace=N&Statistic=Sum&Period=60&EvaluationPeriods=1&Threshold=1&"
       "ComparisonOperator=GreaterThanThreshold",
       Error::kMissingParameter, "AlarmName"},
      {"AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=60&Threshold=1&"
       "ComparisonOperator=GreaterThanThreshold",
       Error::kMissingParameter, "EvaluationPeriods"},
      {"AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=7&EvaluationPeriods=1&"
       "Threshold=1&ComparisonOperator=GreaterThanThreshold",
       Error::kInvalidParameterValue, "Period"},
      {"AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=60&EvaluationPeriods=1&"
       "Threshold=1&ComparisonOperator=Bigger",
       Error::kInvalidParameterValue, "ComparisonOperator"},
      {"AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=60&EvaluationPeriods=1&"
       "Threshold=1&ComparisonOperator=GreaterThanThreshold&TreatMissingData=maybe",
       Error::kInvalidParameterValue, "TreatMissingData"},
      {"AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&ExtendedStatistic=p90&Period=60&"
       "EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold",
       Error::kInvalidParameterCombination, "ExtendedStatistic"},
      {"AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=60&EvaluationPeriods=2&"
       "DatapointsToAlarm=3&Threshold=1&ComparisonOperator=GreaterThanThreshold",
       Error::kInvalidParameterValue, "DatapointsToAlarm"},
      {"AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=60&EvaluationPeriods=1&"
       "Threshold=1&ComparisonOperator=GreaterThanThreshold&OKActions.member.1=x",
       Error::kInvalidParameterValue, "OKActions"},
      {"AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=60&EvaluationPeriods=1&"
       "Threshold=abc&ComparisonOperator=GreaterThanThreshold",
       Error::kInvalidParameterValue, "Threshold"},
      {"AlarmName=a&Metrics.member.1.Id=m1&Period=60&EvaluationPeriods=1&Threshold=1&"
       "ComparisonOperator=GreaterThanThreshold",
       Error::kInvalidParameterValue, "Metrics"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.form);
    auto out = Query(&cw::ViaQuery<&cw::PutMetricAlarm>, c.form);
    EXPECT_THAT(out, HasError(c.code));
    EXPECT_THAT(out.status().message(), HasSubstr(c.message_part));
  }
}

TEST_F(CwHandlersTest, LimitExceededBeyondTheAlarmQuota) {
  ASSERT_THAT(Query(&cw::ViaQuery<&cw::PutMetricAlarm>, kAlarm), IsOk());
  std::string second(kAlarm);
  second.replace(second.find("a1"), 2, "a2");
  ASSERT_THAT(Query(&cw::ViaQuery<&cw::PutMetricAlarm>, second), IsOk());
  second.replace(second.find("a2"), 2, "a3");

  EXPECT_THAT(Query(&cw::ViaQuery<&cw::PutMetricAlarm>, second), HasError(Error::kCwLimitExceeded));
}

TEST_F(CwHandlersTest, UnknownAlarmsAreResourceNotFound) {
  EXPECT_THAT(
      Query(&cw::ViaQuery<&cw::SetAlarmState>, "AlarmName=nope&StateValue=ALARM&StateReason=test"),
      HasError(Error::kAlarmNotFound));
  EXPECT_THAT(Json(&cw::ViaJson<&cw::DeleteAlarms>, R"({"AlarmNames":["nope"]})"),
              HasError(Error::kAlarmNotFound));
  EXPECT_THAT(
      Query(&cw::ViaQuery<&cw::SetAlarmState>, "AlarmName=nope&StateValue=RED&StateReason=t"),
      HasError(Error::kInvalidParameterValue));
  EXPECT_THAT(Query(&cw::ViaQuery<&cw::SetAlarmState>, "AlarmName=nope&StateValue=OK"),
              HasError(Error::kMissingParameter));
}

TEST_F(CwHandlersTest, SetAlarmStatePublishesToTheActions) {
  ASSERT_THAT(Query(&cw::ViaQuery<&cw::PutMetricAlarm>, kAlarm), IsOk());

  ASSERT_THAT(Json(&cw::ViaJson<&cw::SetAlarmState>,
                   R"({"AlarmName":"a1","StateValue":"ALARM","StateReason":"test"})"),
              IsOk());

  EXPECT_EQ(published_, std::vector<std::string>{"arn:aws:sns:us-east-1:111122223333:alerts"});
  auto history = Json(&cw::ViaJson<&cw::DescribeAlarmHistory>,
                      R"({"AlarmName":"a1","HistoryItemType":"StateUpdate"})");
  ASSERT_THAT(history, IsOk());
  EXPECT_THAT(history->body, HasSubstr("Alarm updated from INSUFFICIENT_DATA to ALARM"));
}

TEST_F(CwHandlersTest, PutMetricDataFeedsGetMetricStatistics) {
  ASSERT_THAT(Query(&cw::ViaQuery<&cw::PutMetricData>,
                    "Namespace=App&MetricData.member.1.MetricName=Latency&"
                    "MetricData.member.1.Values.member.1=1&MetricData.member.1.Values.member.2=3&"
                    "MetricData.member.1.Counts.member.1=1&MetricData.member.1.Counts.member.2=2&"
                    "MetricData.member.1.Unit=Milliseconds&MetricData.member.1.Timestamp=2024-05-"
                    "01T12%3A30%3A05Z"),
              IsOk());

  auto out =
      Json(&cw::ViaJson<&cw::GetMetricStatistics>,
           R"({"Namespace":"App","MetricName":"Latency","StartTime":1714566000,)"
           R"("EndTime":1714567200,"Period":60,"Statistics":["Sum","SampleCount","Maximum"],)"
           R"("ExtendedStatistics":["p50"]})");

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->body,
            R"({"Label":"Latency","Datapoints":[{"Timestamp":1714566600,"Sum":7,"SampleCount":3,)"
            R"("Maximum":3,"Unit":"Milliseconds","ExtendedStatistics":{"p50":3}}]})");
}

TEST_F(CwHandlersTest, RejectsBadMetricData) {
  struct Case {
    std::string_view form;
    Error code;
  };
  const Case cases[] = {
      {"MetricData.member.1.MetricName=M&MetricData.member.1.Value=1", Error::kMissingParameter},
      {"Namespace=AWS/EC2&MetricData.member.1.MetricName=M&MetricData.member.1.Value=1",
       Error::kInvalidParameterValue},
      {"Namespace=N", Error::kMissingParameter},
      {"Namespace=N&MetricData.member.1.MetricName=M&MetricData.member.1.Value=1&"
       "MetricData.member.1.StatisticValues.Sum=1",
       Error::kInvalidParameterCombination},
      {"Namespace=N&MetricData.member.1.MetricName=M&MetricData.member.1.Value=1&"
       "MetricData.member.1.Unit=Parsecs",
       Error::kInvalidParameterValue},
      {"Namespace=N&MetricData.member.1.MetricName=M&MetricData.member.1.Value=1&"
       "MetricData.member.1.Timestamp=2020-01-01T00%3A00%3A00Z",
       Error::kInvalidParameterValue},
      {"Namespace=N&MetricData.member.1.MetricName=M&MetricData.member.1.Values.member.1=1&"
       "MetricData.member.1.Counts.member.1=1&MetricData.member.1.Counts.member.2=1",
       Error::kInvalidParameterValue},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.form);
    EXPECT_THAT(Query(&cw::ViaQuery<&cw::PutMetricData>, c.form), HasError(c.code));
  }
}

TEST_F(CwHandlersTest, GetMetricDataRefusesMetricMathAndBadRanges) {
  EXPECT_THAT(Json(&cw::ViaJson<&cw::GetMetricData>,
                   R"j({"MetricDataQueries":[{"Id":"e1","Expression":"SUM(METRICS())"}],)j"
                   R"("StartTime":1714566000,"EndTime":1714566600})"),
              HasError(Error::kInvalidParameterValue));
  EXPECT_THAT(Json(&cw::ViaJson<&cw::GetMetricData>,
                   R"({"MetricDataQueries":[{"Id":"m1","MetricStat":{"Metric":{"Namespace":"N",)"
                   R"("MetricName":"M"},"Period":60,"Stat":"Sum"}}],)"
                   R"("StartTime":1714566600,"EndTime":1714566000})"),
              HasError(Error::kInvalidParameterValue));
  EXPECT_THAT(Json(&cw::ViaJson<&cw::DescribeAlarms>, R"({"NextToken":"bogus"})"),
              HasError(Error::kInvalidNextToken));
}

}  // namespace
}  // namespace ot::api::handlers

namespace ot::api::handlers {
namespace {

TEST_F(CwHandlersTest, DescribeAlarmsPagesWithMaxRecordsAndNextToken) {
  ASSERT_THAT(Query(&cw::ViaQuery<&cw::PutMetricAlarm>, kAlarm), IsOk());
  std::string second(kAlarm);
  second.replace(second.find("a1"), 2, "a2");
  ASSERT_THAT(Query(&cw::ViaQuery<&cw::PutMetricAlarm>, second), IsOk());

  auto first = Json(&cw::ViaJson<&cw::DescribeAlarms>, R"({"MaxRecords":1})");
  ASSERT_THAT(first, IsOk());
  auto doc = JsonDocument::Parse(first->body);
  ASSERT_THAT(doc.status(), IsOk());
  auto token = (*doc)->root().Get("NextToken");
  ASSERT_TRUE(token.has_value());
  auto rest = Query(&cw::ViaQuery<&cw::DescribeAlarms>,
                    "MaxRecords=1&NextToken=" + UriEncode(token->AsString()));

  EXPECT_THAT(first->body, HasSubstr(R"("AlarmName":"a1")"));
  ASSERT_THAT(rest, IsOk());
  EXPECT_THAT(rest->body, HasSubstr("<AlarmName>a2</AlarmName>"));
  EXPECT_THAT(rest->body, ::testing::Not(HasSubstr("<NextToken>")));
  EXPECT_THAT(Query(&cw::ViaQuery<&cw::DescribeAlarms>, "MaxRecords=101"),
              HasError(Error::kInvalidParameterValue));
  EXPECT_THAT(Query(&cw::ViaQuery<&cw::DescribeAlarms>, "AlarmNames.member.1=a1&AlarmNamePrefix=a"),
              HasError(Error::kInvalidParameterCombination));
  EXPECT_THAT(Query(&cw::ViaQuery<&cw::DescribeAlarms>, "StateValue=RED"),
              HasError(Error::kInvalidParameterValue));
}

TEST_F(CwHandlersTest, DisableAndEnableAlarmActionsAndDescribeAlarmsForMetric) {
  ASSERT_THAT(Query(&cw::ViaQuery<&cw::PutMetricAlarm>, kAlarm), IsOk());

  ASSERT_THAT(Query(&cw::ViaQuery<&cw::DisableAlarmActions>, "AlarmNames.member.1=a1"), IsOk());
  EXPECT_FALSE(alarms_->Get("us-east-1", "a1")->actions_enabled);
  ASSERT_THAT(Json(&cw::ViaJson<&cw::EnableAlarmActions>, R"({"AlarmNames":["a1"]})"), IsOk());
  EXPECT_TRUE(alarms_->Get("us-east-1", "a1")->actions_enabled);
  EXPECT_THAT(Json(&cw::ViaJson<&cw::EnableAlarmActions>, "{}"),
              HasError(Error::kMissingParameter));

  auto match = Query(&cw::ViaQuery<&cw::DescribeAlarmsForMetric>,
                     "MetricName=Errors&Namespace=App&Statistic=Sum&Period=60");
  auto other = Query(&cw::ViaQuery<&cw::DescribeAlarmsForMetric>,
                     "MetricName=Errors&Namespace=App&Period=300");
  ASSERT_THAT(match, IsOk());
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(match->body, HasSubstr("<AlarmName>a1</AlarmName>"));
  EXPECT_EQ(other->body, "<MetricAlarms/>\n");
  EXPECT_THAT(Query(&cw::ViaQuery<&cw::DescribeAlarmsForMetric>, "Namespace=App"),
              HasError(Error::kMissingParameter));
}

}  // namespace
}  // namespace ot::api::handlers
