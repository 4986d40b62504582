#include "monitor/alarm_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/protocol/json_value.h"
#include "monitor/alarm_store.h"
#include "monitor/metric_data_log.h"
#include "store/metadata.h"
#include "support/matchers.h"
#include "support/temp_dir.h"
#include "support/test_env.h"

namespace ot::monitor {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::HasSubstr;

constexpr int64_t kT0 = 1714564800000;  // 2024-05-01T12:00:00Z
constexpr std::string_view kTopic = "arn:aws:sns:us-east-1:111122223333:alerts";

SysMillis At(int64_t ms) { return SysMillis(std::chrono::milliseconds(ms)); }

AlarmHistoryQuery Query(std::string name, std::string type = "") {
  AlarmHistoryQuery q;
  q.region = "us-east-1";
  q.alarm_name = std::move(name);
  q.type = std::move(type);
  return q;
}

struct Published {
  std::string topic, subject, message;
};

class AlarmEngineTest : public ::testing::Test {
 protected:
  AlarmEngineTest() : clock_(At(kT0)) {
    auto db = store::MetadataDb::Open(dir_.path() + "/metadata.db");
    EXPECT_THAT(db.status(), IsOk());
    db_ = std::move(*db);
    Reopen();
  }
  void Reopen() {
    engine_.reset();
    alarms_.reset();
    auto opened = AlarmStore::Open(*db_, env_, {"111122223333", 3});
    ASSERT_THAT(opened.status(), IsOk());
    alarms_ = std::move(*opened);
    engine_ = std::make_unique<AlarmEngine>(
        *alarms_, metrics_,
        [this](const std::string& topic, const std::string& subject, const std::string& message,
               SysMillis) -> Result<std::string> {
          if (fail_publish_) return Status(Error::kNotFound, "Topic does not exist");
          published_.push_back({topic, subject, message});
          return std::string("msg-") + std::to_string(published_.size());
        });
  }
  MetricAlarm Alarm(std::string name = "errors") {
    MetricAlarm a;
    a.region = "us-east-1";
    a.name = std::move(name);
    a.metric = {"us-east-1", "App", "Errors", {}};
    a.statistic = "Sum";
    a.period_seconds = 10;
    a.evaluation_periods = 1;
    a.datapoints_to_alarm = 1;
    a.threshold = 1;
    a.alarm_actions = {std::string(kTopic)};
    a.ok_actions = {std::string(kTopic)};
    return a;
  }
  void Put(const MetricAlarm& a) { ASSERT_THAT(alarms_->Put(a, clock_.Now()).status(), IsOk()); }
  void Emit(int64_t ms, double value = 1) {
    Datapoint p;
    p.metric = {"us-east-1", "App", "Errors", {}};
    p.timestamp_ms = ms;
    p.value = value;
    p.unit = "None";
    metrics_.Put(p);
  }
  AlarmState StateOf(std::string_view name = "errors") {
    return alarms_->Get("us-east-1", name)->state;
  }

  ::ot::testing::TempDir dir_;
  ::ot::testing::FakeClock clock_;
  ::ot::testing::SeededRandom random_{7};
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<store::MetadataDb> db_;
  MetricStore metrics_;
  std::unique_ptr<AlarmStore> alarms_;
  std::unique_ptr<AlarmEngine> engine_;
  std::vector<Published> published_;
  bool fail_publish_ = false;
};

TEST_F(AlarmEngineTest, NewAlarmStartsInsufficientDataAndAnUpdateKeepsItsState) {
  Put(Alarm());
  EXPECT_EQ(StateOf(), AlarmState::kInsufficientData);
  EXPECT_EQ(alarms_->Get("us-east-1", "errors")->state_reason, "Unchecked: Initial alarm creation");
  Emit(kT0 + 1000);
  clock_.Set(At(kT0 + 10000));
  EXPECT_EQ(engine_->EvaluateAll(clock_.Now()), 1u);
  MetricAlarm changed = Alarm();
  changed.threshold = 5;
  Put(changed);
  EXPECT_EQ(StateOf(), AlarmState::kAlarm);
  EXPECT_EQ(alarms_->Get("us-east-1", "errors")->threshold, 5);
}

TEST_F(AlarmEngineTest, PublishesTheAlarmMessageWhenThePeriodCloses) {
  Put(Alarm());
  Emit(kT0 + 3000, 2);
  clock_.Set(At(kT0 + 9999));
  EXPECT_EQ(engine_->EvaluateAll(clock_.Now()), 0u);  // the datapoint's period is still open
  EXPECT_TRUE(published_.empty());

  clock_.Set(At(kT0 + 10000));
  EXPECT_EQ(engine_->EvaluateAll(clock_.Now()), 1u);

  ASSERT_EQ(published_.size(), 1u);
  EXPECT_EQ(published_[0].topic, kTopic);
  EXPECT_EQ(published_[0].subject, "ALARM: \"errors\" in US East (N. Virginia)");
  auto doc = api::JsonDocument::Parse(published_[0].message);
  ASSERT_THAT(doc.status(), IsOk());
  api::JsonValue m = (*doc)->root();
  EXPECT_EQ(m.Get("AlarmName")->AsString(), "errors");
  EXPECT_EQ(m.Get("NewStateValue")->AsString(), "ALARM");
  EXPECT_EQ(m.Get("AWSAccountId")->AsString(), "111122223333");
  EXPECT_EQ(m.Get("AlarmArn")->AsString(),
            "arn:aws:cloudwatch:us-east-1:111122223333:alarm:errors");
  EXPECT_EQ(m.Get("Trigger")->Get("Statistic")->AsString(), "SUM");
  EXPECT_EQ(m.Get("Trigger")->Get("Period")->AsInt(), 10);
  EXPECT_THAT(std::string(m.Get("NewStateReason")->AsString()),
              HasSubstr("[2.0 (01/05/24 12:00:00)]"));
}

TEST_F(AlarmEngineTest, NoChangeNoMessage) {
  Put(Alarm());
  Emit(kT0 + 3000);
  clock_.Set(At(kT0 + 10000));
  engine_->EvaluateAll(clock_.Now());
  published_.clear();
  EXPECT_EQ(engine_->EvaluateAll(clock_.Now()), 0u);
  EXPECT_TRUE(published_.empty());
}

TEST_F(AlarmEngineTest, DisabledActionsChangeStateButPublishNothing) {
  MetricAlarm a = Alarm();
  a.actions_enabled = false;
  Put(a);
  Emit(kT0 + 3000);
  clock_.Set(At(kT0 + 10000));
  EXPECT_EQ(engine_->EvaluateAll(clock_.Now()), 1u);
  EXPECT_EQ(StateOf(), AlarmState::kAlarm);
  EXPECT_TRUE(published_.empty());
}

TEST_F(AlarmEngineTest, SetStateRunsTheActionsAndRecordsHistory) {
  Put(Alarm());
  ASSERT_THAT(
      engine_->SetState("us-east-1", "errors", AlarmState::kAlarm, "testing", "", clock_.Now()),
      IsOk());
  EXPECT_EQ(StateOf(), AlarmState::kAlarm);
  ASSERT_EQ(published_.size(), 1u);
  auto history = alarms_->History(Query("errors"));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].type, "Action");
  EXPECT_EQ(history[0].summary, "Successfully executed action " + std::string(kTopic));
  EXPECT_EQ(history[1].type, "StateUpdate");
  EXPECT_EQ(history[1].summary, "Alarm updated from INSUFFICIENT_DATA to ALARM");
  EXPECT_THAT(history[1].data,
              HasSubstr(R"("newState":{"stateValue":"ALARM","stateReason":"testing"})"));
  EXPECT_EQ(history[2].type, "ConfigurationUpdate");
  EXPECT_EQ(history[2].summary, "Alarm \"errors\" created");
  EXPECT_THAT(engine_->SetState("us-east-1", "nope", AlarmState::kOk, "x", "", clock_.Now()),
              HasError(Error::kAlarmNotFound));
}

TEST_F(AlarmEngineTest, AFailedPublishIsRecordedAsAFailedAction) {
  Put(Alarm());
  fail_publish_ = true;
  ASSERT_THAT(engine_->SetState("us-east-1", "errors", AlarmState::kAlarm, "t", "", clock_.Now()),
              IsOk());
  auto actions = alarms_->History(Query("errors", "Action"));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_THAT(actions[0].summary, HasSubstr("Failed to execute action"));
}

TEST_F(AlarmEngineTest, StateAndHistorySurviveAReopen) {
  Put(Alarm());
  ASSERT_THAT(engine_->SetState("us-east-1", "errors", AlarmState::kOk, "manual", "", clock_.Now()),
              IsOk());
  Reopen();
  auto a = alarms_->Get("us-east-1", "errors");
  ASSERT_THAT(a.status(), IsOk());
  EXPECT_EQ(a->state, AlarmState::kOk);
  EXPECT_EQ(a->state_reason, "manual");
  EXPECT_EQ(a->period_seconds, 10);
  EXPECT_EQ(a->alarm_actions, std::vector<std::string>{std::string(kTopic)});
  EXPECT_EQ(alarms_->History(Query("errors")).size(), 3u);
}

TEST_F(AlarmEngineTest, DeleteRefusesUnknownNamesAndDeletesNothingThen) {
  Put(Alarm("a"));
  EXPECT_THAT(alarms_->Delete("us-east-1", {"a", "b"}), HasError(Error::kAlarmNotFound));
  EXPECT_THAT(alarms_->Get("us-east-1", "a").status(), IsOk());
  EXPECT_THAT(alarms_->Delete("us-east-1", {"a"}), IsOk());
  EXPECT_THAT(alarms_->Get("us-east-1", "a").status(), HasError(Error::kAlarmNotFound));
}

TEST_F(AlarmEngineTest, RefusesANewAlarmBeyondTheLimit) {
  Put(Alarm("a"));
  Put(Alarm("b"));
  Put(Alarm("c"));
  EXPECT_THAT(alarms_->Put(Alarm("d"), clock_.Now()).status(), HasError(Error::kCwLimitExceeded));
  EXPECT_THAT(alarms_->Put(Alarm("c"), clock_.Now()).status(), IsOk());  // a replacement is fine
}

TEST_F(AlarmEngineTest, NextBoundaryIsTheEarliestPeriodEnd) {
  Put(Alarm());
  EXPECT_EQ(engine_->NextBoundary(At(kT0 + 3000), std::chrono::seconds(60)), At(kT0 + 10000));
  EXPECT_EQ(engine_->NextBoundary(At(kT0 + 3000), std::chrono::seconds(2)), At(kT0 + 5000));
}

TEST(MetricDataLog, ReplaysDatapointsAndCutsATornTail) {
  ::ot::testing::TempDir dir;
  ::ot::testing::FakeClock clock(At(kT0));
  ::ot::testing::SeededRandom random(1);
  Env env{clock, RealFileSystem(), random};
  const std::string path = dir.path() + "/metric-data.log";
  Datapoint a;
  a.metric = {"us-east-1", "NS", "M", {{"Host", "h1"}}};
  a.timestamp_ms = kT0 - 5000;
  a.value = 2;
  a.count = 3;
  a.unit = "Count";
  Datapoint b = a;
  b.stats = StatisticSet{4, 10, 1, 5};
  {
    MetricStore sink;
    auto log = MetricDataLog::Open(path, env, sink, std::chrono::hours(24));
    ASSERT_THAT(log.status(), IsOk());
    ASSERT_THAT((*log)->Append({a, b}), IsOk());
  }
  {
    auto f = env.fs.OpenAppend(path);
    ASSERT_THAT((*f)->Append("{\"r\":\"us-ea"), IsOk());
  }

  MetricStore replayed;
  auto log = MetricDataLog::Open(path, env, replayed, std::chrono::hours(24));

  ASSERT_THAT(log.status(), IsOk());
  auto stats = replayed.Aggregate(a.metric, kT0 - 60000, kT0, 60000);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].sample_count, 7);
  EXPECT_EQ(stats[0].sum, 16);
  EXPECT_EQ(stats[0].minimum, 1);
  EXPECT_EQ(stats[0].maximum, 5);
  EXPECT_EQ(stats[0].values.at(2), 3);
  EXPECT_EQ(*env.fs.ReadFile(path), EncodeDatapoint(a) + "\n" + EncodeDatapoint(b) + "\n");
}

TEST(MetricStore, AggregatesSecondsIntoAnyPeriod) {
  MetricStore store;
  MetricId id{"us-east-1", "NS", "M", {}};
  for (int64_t s : {0, 5, 9, 10, 25}) {
    Datapoint p;
    p.metric = id;
    p.timestamp_ms = kT0 + s * 1000 + 500;
    p.value = static_cast<double>(s);
    store.Put(p);
  }

  auto tens = store.Aggregate(id, kT0, kT0 + 60000, 10000);

  ASSERT_EQ(tens.size(), 3u);
  EXPECT_EQ(tens[0].start_ms, kT0);
  EXPECT_EQ(tens[0].sample_count, 3);
  EXPECT_EQ(tens[0].sum, 14);
  EXPECT_EQ(tens[1].start_ms, kT0 + 10000);
  EXPECT_EQ(tens[2].start_ms, kT0 + 20000);
  EXPECT_EQ(store.Query(id, kT0, kT0 + 60000).size(), 1u);
}

TEST(MetricStore, FoldsSecondsOlderThanThreeHoursIntoMinutes) {
  MetricStore store;
  MetricId id{"us-east-1", "NS", "M", {}};
  auto put = [&](int64_t ms, double v) {
    Datapoint p;
    p.metric = id;
    p.timestamp_ms = ms;
    p.value = v;
    store.Put(p);
  };
  put(kT0 + 5000, 1);
  put(kT0 + 15000, 2);
  ASSERT_EQ(store.Aggregate(id, kT0, kT0 + 60000, 10000).size(), 2u);

  put(kT0 + MetricStore::kHighResolutionWindowMs + 120000, 7);  // three hours later
  put(kT0 + 25000, 4);                                          // a late, old datapoint

  auto tens = store.Aggregate(id, kT0, kT0 + 60000, 10000);
  ASSERT_EQ(tens.size(), 1u);  // one minute bucket now
  EXPECT_EQ(tens[0].start_ms, kT0);
  EXPECT_EQ(tens[0].sample_count, 3);
  EXPECT_EQ(tens[0].sum, 7);
  EXPECT_EQ(tens[0].maximum, 4);
  EXPECT_EQ(Percentile(tens[0], 50), 2);
  auto minutes = store.Query(id, kT0, kT0 + 60000);
  ASSERT_EQ(minutes.size(), 1u);
  EXPECT_EQ(minutes[0].sum, 7);
}

}  // namespace
}  // namespace ot::monitor
