#include "monitor/alarms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/matchers.h"

namespace ot::monitor {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

constexpr int64_t kT0 = 1714564800000;  // 2024-05-01T12:00:00Z, a multiple of every period

MetricAlarm Alarm(int64_t n = 1, int64_t m = 1, TreatMissing treat = TreatMissing::kMissing) {
  MetricAlarm a;
  a.region = "us-east-1";
  a.name = "a1";
  a.metric = {"us-east-1", "NS", "M", {}};
  a.statistic = "Sum";
  a.period_seconds = 60;
  a.evaluation_periods = n;
  a.datapoints_to_alarm = m;
  a.threshold = 1;
  a.comparison = Comparison::kGreaterOrEqual;
  a.treat_missing = treat;
  return a;
}

PeriodStats P(int64_t start_ms, double value) {
  PeriodStats p;
  p.start_ms = start_ms;
  p.sum = value;
  p.sample_count = 1;
  p.minimum = p.maximum = value;
  p.values[value] = 1;
  return p;
}

SysMillis At(int64_t ms) { return SysMillis(std::chrono::milliseconds(ms)); }

TEST(ValidateMetricAlarm, AcceptsAWellFormedAlarm) {
  EXPECT_THAT(ValidateMetricAlarm(Alarm()), IsOk());
}

TEST(ValidateMetricAlarm, RejectsEachBadMemberWithItsError) {
  struct Case {
    std::string_view what;
    void (*mutate)(MetricAlarm&);
    Error code;
  };
  const Case cases[] = {
      {"no name", [](MetricAlarm& a) { a.name.clear(); }, Error::kMissingParameter},
      {"long name", [](MetricAlarm& a) { a.name.assign(256, 'x'); }, Error::kInvalidParameterValue},
      {"no metric", [](MetricAlarm& a) { a.metric.metric_name.clear(); }, Error::kMissingParameter},
      {"no namespace", [](MetricAlarm& a) { a.metric.metric_namespace.clear(); },
       Error::kMissingParameter},
      {"no statistic", [](MetricAlarm& a) { a.statistic.clear(); }, Error::kMissingParameter},
      {"both statistics", [](MetricAlarm& a) { a.extended_statistic = "p90"; },
       Error::kInvalidParameterCombination},
      {"bad statistic", [](MetricAlarm& a) { a.statistic = "Median"; },
       Error::kInvalidParameterValue},
      {"bad percentile",
       [](MetricAlarm& a) {
         a.statistic.clear();
         a.extended_statistic = "p101";
       },
       Error::kInvalidParameterValue},
      {"period 15", [](MetricAlarm& a) { a.period_seconds = 15; }, Error::kInvalidParameterValue},
      {"period 90", [](MetricAlarm& a) { a.period_seconds = 90; }, Error::kInvalidParameterValue},
      {"period 0", [](MetricAlarm& a) { a.period_seconds = 0; }, Error::kInvalidParameterValue},
      {"N 0", [](MetricAlarm& a) { a.evaluation_periods = 0; }, Error::kInvalidParameterValue},
      {"M > N", [](MetricAlarm& a) { a.datapoints_to_alarm = 2; }, Error::kInvalidParameterValue},
      {"M 0", [](MetricAlarm& a) { a.datapoints_to_alarm = 0; }, Error::kInvalidParameterValue},
      {"bad unit", [](MetricAlarm& a) { a.unit = "Parsecs"; }, Error::kInvalidParameterValue},
      {"6 actions",
       [](MetricAlarm& a) { a.alarm_actions.assign(6, "arn:aws:sns:us-east-1:111122223333:t"); },
       Error::kInvalidParameterValue},
      {"not SNS", [](MetricAlarm& a) { a.ok_actions = {"arn:aws:lambda:us-east-1:1:function:f"}; },
       Error::kInvalidParameterValue},
      {"duplicate dimension",
       [](MetricAlarm& a) {
         a.metric.dimensions = {{"A", "1"}, {"A", "2"}};
       },
       Error::kInvalidParameterValue},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    MetricAlarm a = Alarm();
    c.mutate(a);
    EXPECT_THAT(ValidateMetricAlarm(a), HasError(c.code));
  }
}

TEST(ValidateMetricAlarm, AcceptsEveryAllowedPeriod) {
  for (int64_t p : {10, 20, 30, 60, 120, 300, 3600, 86400}) {
    MetricAlarm a = Alarm();
    a.period_seconds = p;
    EXPECT_THAT(ValidateMetricAlarm(a), IsOk()) << p;
  }
}

TEST(ValidateMetricAlarm, NamesTheMemberInTheMessage) {
  MetricAlarm a = Alarm();
  a.period_seconds = 45;
  EXPECT_THAT(ValidateMetricAlarm(a).message(), ::testing::HasSubstr("Period"));
  a = Alarm();
  a.alarm_actions = {"nope"};
  EXPECT_THAT(ValidateMetricAlarm(a).message(), ::testing::HasSubstr("AlarmActions"));
}

TEST(ParseExtendedStatistic, AcceptsPercentilesOnly) {
  EXPECT_EQ(ParseExtendedStatistic("p90"), 90);
  EXPECT_EQ(ParseExtendedStatistic("p99.9"), 99.9);
  EXPECT_EQ(ParseExtendedStatistic("p0"), 0);
  EXPECT_EQ(ParseExtendedStatistic("p100"), 100);
  EXPECT_FALSE(ParseExtendedStatistic("p100.5"));
  EXPECT_FALSE(ParseExtendedStatistic("90"));
  EXPECT_FALSE(ParseExtendedStatistic("p9.999"));
  EXPECT_FALSE(ParseExtendedStatistic("tm90"));
}

TEST(StatisticValue, ComputesEachStatistic) {
  PeriodStats s;
  s.sum = 12;
  s.sample_count = 4;
  s.minimum = 1;
  s.maximum = 6;
  s.values = {{1, 1}, {2, 1}, {3, 1}, {6, 1}};
  EXPECT_EQ(StatisticValue(s, "Sum"), 12);
  EXPECT_EQ(StatisticValue(s, "SampleCount"), 4);
  EXPECT_EQ(StatisticValue(s, "Average"), 3);
  EXPECT_EQ(StatisticValue(s, "Minimum"), 1);
  EXPECT_EQ(StatisticValue(s, "Maximum"), 6);
  EXPECT_EQ(StatisticValue(s, "p50"), 2);
  EXPECT_EQ(StatisticValue(s, "p100"), 6);
  EXPECT_EQ(StatisticValue(s, "p0"), 1);
  EXPECT_FALSE(StatisticValue(PeriodStats{}, "Sum"));
}

TEST(EvaluateAlarm, EachOperatorDecidesBreachingAtTheThreshold) {
  struct Case {
    Comparison op;
    double value;
    AlarmState want;
  };
  const Case cases[] = {
      {Comparison::kGreaterOrEqual, 1, AlarmState::kAlarm},
      {Comparison::kGreaterOrEqual, 0.5, AlarmState::kOk},
      {Comparison::kGreater, 1, AlarmState::kOk},
      {Comparison::kGreater, 1.5, AlarmState::kAlarm},
      {Comparison::kLess, 1, AlarmState::kOk},
      {Comparison::kLess, 0.5, AlarmState::kAlarm},
      {Comparison::kLessOrEqual, 1, AlarmState::kAlarm},
      {Comparison::kLessOrEqual, 1.5, AlarmState::kOk},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(ComparisonName(c.op)) + " " + std::to_string(c.value));
    MetricAlarm a = Alarm();
    a.comparison = c.op;
    EXPECT_EQ(EvaluateAlarm(a, {P(kT0 - 60000, c.value)}, At(kT0 + 5)).state, c.want);
  }
}

TEST(EvaluateAlarm, UsesTheAlarmsStatistic) {
  PeriodStats s;
  s.start_ms = kT0 - 60000;
  s.sum = 10;
  s.sample_count = 4;
  s.minimum = 1;
  s.maximum = 4;
  s.values = {{1, 1}, {2, 1}, {3, 1}, {4, 1}};
  struct Case {
    std::string_view stat;
    double threshold;  // value >= threshold breaches
    AlarmState want;
  };
  const Case cases[] = {
      {"Sum", 10, AlarmState::kAlarm},        {"Sum", 11, AlarmState::kOk},
      {"SampleCount", 4, AlarmState::kAlarm}, {"SampleCount", 5, AlarmState::kOk},
      {"Average", 2.5, AlarmState::kAlarm},   {"Average", 2.6, AlarmState::kOk},
      {"Minimum", 1, AlarmState::kAlarm},     {"Minimum", 1.1, AlarmState::kOk},
      {"Maximum", 4, AlarmState::kAlarm},     {"Maximum", 4.1, AlarmState::kOk},
      {"p75", 3, AlarmState::kAlarm},         {"p75", 3.5, AlarmState::kOk},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.stat) + " " + std::to_string(c.threshold));
    MetricAlarm a = Alarm();
    a.statistic = c.stat[0] == 'p' ? "" : std::string(c.stat);
    a.extended_statistic = c.stat[0] == 'p' ? std::string(c.stat) : "";
    a.threshold = c.threshold;
    EXPECT_EQ(EvaluateAlarm(a, {s}, At(kT0)).state, c.want);
  }
}

TEST(EvaluateAlarm, LooksOnlyAtCompletePeriods) {
  MetricAlarm a = Alarm();
  // A datapoint in the period still open at `now` does not count yet.
  EXPECT_EQ(EvaluateAlarm(a, {P(kT0, 5)}, At(kT0 + 59999)).state, AlarmState::kInsufficientData);
  EXPECT_EQ(EvaluateAlarm(a, {P(kT0, 5)}, At(kT0 + 60000)).state, AlarmState::kAlarm);
  // Nor one older than the N periods.
  EXPECT_EQ(EvaluateAlarm(a, {P(kT0, 5)}, At(kT0 + 120000)).state, AlarmState::kInsufficientData);
}

TEST(EvaluateAlarm, AlarmsOnMOutOfN) {
  MetricAlarm a = Alarm(/*n=*/3, /*m=*/2);
  const SysMillis now = At(kT0);
  const int64_t p1 = kT0 - 180000, p2 = kT0 - 120000, p3 = kT0 - 60000;
  EXPECT_EQ(EvaluateAlarm(a, {P(p1, 5), P(p2, 0), P(p3, 5)}, now).state, AlarmState::kAlarm);
  EXPECT_EQ(EvaluateAlarm(a, {P(p1, 5), P(p2, 0), P(p3, 0)}, now).state, AlarmState::kOk);
  EXPECT_EQ(EvaluateAlarm(a, {P(p1, 5), P(p2, 5), P(p3, 5)}, now).state, AlarmState::kAlarm);
  EXPECT_EQ(EvaluateAlarm(a, {P(p1, 0), P(p2, 0), P(p3, 0)}, now).state, AlarmState::kOk);
}

TEST(EvaluateAlarm, TreatMissingDataDecidesWhenEverythingIsMissing) {
  struct Case {
    TreatMissing treat;
    AlarmState current, want;
  };
  const Case cases[] = {
      {TreatMissing::kMissing, AlarmState::kAlarm, AlarmState::kInsufficientData},
      {TreatMissing::kNotBreaching, AlarmState::kAlarm, AlarmState::kOk},
      {TreatMissing::kBreaching, AlarmState::kOk, AlarmState::kAlarm},
      {TreatMissing::kIgnore, AlarmState::kAlarm, AlarmState::kAlarm},
      {TreatMissing::kIgnore, AlarmState::kOk, AlarmState::kOk},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(TreatMissingName(c.treat));
    MetricAlarm a = Alarm(2, 1, c.treat);
    a.state = c.current;
    EXPECT_EQ(EvaluateAlarm(a, {}, At(kT0)).state, c.want);
  }
}

TEST(EvaluateAlarm, TreatMissingDataDecidesPartlyMissingWindows) {
  // N=3, M=2, one breaching datapoint and two missing.
  const std::vector<PeriodStats> one = {P(kT0 - 60000, 5)};
  struct Case {
    TreatMissing treat;
    AlarmState want;
  };
  const Case cases[] = {
      {TreatMissing::kMissing, AlarmState::kOk},       // 1 of 1 present < M
      {TreatMissing::kIgnore, AlarmState::kOk},        // the same
      {TreatMissing::kNotBreaching, AlarmState::kOk},  // 1 of 3
      {TreatMissing::kBreaching, AlarmState::kAlarm},  // 3 of 3
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(TreatMissingName(c.treat));
    EXPECT_EQ(EvaluateAlarm(Alarm(3, 2, c.treat), one, At(kT0)).state, c.want);
  }
}

TEST(EvaluateAlarm, ExplainsTheStateLikeCloudWatch) {
  MetricAlarm a = Alarm();
  AlarmEvaluation e = EvaluateAlarm(a, {P(kT0 - 60000, 1)}, At(kT0 + 12));

  EXPECT_EQ(e.reason,
            "Threshold Crossed: 1 datapoint [1.0 (01/05/24 11:59:00)] was greater than or equal "
            "to the threshold (1.0).");
  EXPECT_EQ(e.reason_data,
            R"({"version":"1.0","queryDate":"2024-05-01T12:00:00.012+0000",)"
            R"("startDate":"2024-05-01T11:59:00.000+0000","statistic":"Sum","period":60,)"
            R"("recentDatapoints":[1],"threshold":1,"evaluatedDatapoints":[{"timestamp":)"
            R"("2024-05-01T11:59:00.000+0000","sampleCount":1,"value":1}]})");
  EXPECT_EQ(EvaluateAlarm(a, {}, At(kT0)).reason, "Insufficient Data: 1 datapoint was unknown.");
}

}  // namespace
}  // namespace ot::monitor
