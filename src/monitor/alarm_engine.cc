#include "monitor/alarm_engine.h"

#include <algorithm>
#include <cctype>

#include "common/json_writer.h"
#include "common/log.h"
#include "common/time.h"

namespace ot::monitor {
namespace {

constexpr std::pair<std::string_view, std::string_view> kRegionNames[] = {
    {"us-east-1", "US East (N. Virginia)"},
    {"us-east-2", "US East (Ohio)"},
    {"us-west-1", "US West (N. California)"},
    {"us-west-2", "US West (Oregon)"},
    {"ca-central-1", "Canada (Central)"},
    {"eu-west-1", "EU (Ireland)"},
    {"eu-west-2", "EU (London)"},
    {"eu-west-3", "EU (Paris)"},
    {"eu-central-1", "EU (Frankfurt)"},
    {"eu-north-1", "EU (Stockholm)"},
    {"eu-south-1", "EU (Milan)"},
    {"ap-northeast-1", "Asia Pacific (Tokyo)"},
    {"ap-northeast-2", "Asia Pacific (Seoul)"},
    {"ap-southeast-1", "Asia Pacific (Singapore)"},
    {"ap-southeast-2", "Asia Pacific (Sydney)"},
    {"ap-south-1", "Asia Pacific (Mumbai)"},
    {"sa-east-1", "South America (Sao Paulo)"},
};

std::string ChangeTime(SysMillis t) {
  std::string s = FormatIso8601Millis(t);
  s.pop_back();
  return s + "+0000";
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

int64_t Ms(SysMillis t) { return t.time_since_epoch().count(); }

}  // namespace

std::string RegionDisplayName(std::string_view region) {
  for (const auto& [code, name] : kRegionNames) {
    if (code == region) return std::string(name);
  }
  return std::string(region);
}

std::string AlarmSubject(const MetricAlarm& alarm) {
  std::string s = std::string(AlarmStateName(alarm.state)) + ": \"" + alarm.name + "\" in " +
                  RegionDisplayName(alarm.region);
  if (s.size() > 100) s.resize(100);
  return s;
}

std::string AlarmMessage(const AlarmTransition& t, std::string_view account_id) {
  const MetricAlarm& a = t.alarm;
  JsonWriter w;
  w.BeginObject();
  w.Key("AlarmName").String(a.name);
  w.Key("AlarmDescription");
  if (a.description.empty()) {
    w.Null();
  } else {
    w.String(a.description);
  }
  w.Key("AWSAccountId").String(account_id);
  w.Key("AlarmConfigurationUpdatedTimestamp").String(ChangeTime(a.configuration_updated));
  w.Key("NewStateValue").String(AlarmStateName(a.state));
  w.Key("NewStateReason").String(a.state_reason);
  w.Key("StateChangeTime").String(ChangeTime(a.state_updated));
  w.Key("Region").String(RegionDisplayName(a.region));
  w.Key("AlarmArn").String(a.arn);
  w.Key("OldStateValue").String(AlarmStateName(t.old_state));
  for (auto [key, list] :
       {std::pair{"OKActions", &a.ok_actions}, std::pair{"AlarmActions", &a.alarm_actions},
        std::pair{"InsufficientDataActions", &a.insufficient_data_actions}}) {
    w.Key(key).BeginArray();
    for (const std::string& arn : *list) w.String(arn);
    w.EndArray();
  }
  w.Key("Trigger").BeginObject();
  w.Key("MetricName").String(a.metric.metric_name);
  w.Key("Namespace").String(a.metric.metric_namespace);
  if (a.statistic.empty()) {
    w.Key("StatisticType").String("ExtendedStatistic");
    w.Key("ExtendedStatistic").String(a.extended_statistic);
  } else {
    w.Key("StatisticType").String("Statistic");
    w.Key("Statistic").String(Upper(a.statistic));
  }
  w.Key("Unit");
  if (a.unit.empty()) {
    w.Null();
  } else {
    w.String(a.unit);
  }
  w.Key("Dimensions").BeginArray();
  for (const auto& [k, v] : a.metric.dimensions) {
    w.BeginObject().Key("value").String(v).Key("name").String(k).EndObject();
  }
  w.EndArray();
  w.Key("Period").Int(a.period_seconds);
  w.Key("EvaluationPeriods").Int(a.evaluation_periods);
  w.Key("DatapointsToAlarm").Int(a.datapoints_to_alarm);
  w.Key("ComparisonOperator").String(ComparisonName(a.comparison));
  w.Key("Threshold").Double(a.threshold);
  w.Key("TreatMissingData").String(TreatMissingName(a.treat_missing));
  w.Key("EvaluateLowSampleCountPercentile").String("");
  w.EndObject();
  w.EndObject();
  return w.Take();
}

void AlarmEngine::RunActions(const AlarmTransition& t, SysMillis now) {
  const MetricAlarm& a = t.alarm;
  if (!a.actions_enabled) return;
  const std::string subject = AlarmSubject(a);
  const std::string message = AlarmMessage(t, alarms_.account_id());
  for (const std::string& arn : ActionsFor(a, a.state)) {
    auto id = publisher_ ? publisher_(arn, subject, message, now)
                         : Result<std::string>(Status(Error::kInternal, "no publisher"));
    JsonWriter data;
    data.BeginObject();
    data.Key("actionState").String(id.ok() ? "Succeeded" : "Failed");
    data.Key("stateUpdateTimestamp").Int(Ms(a.state_updated));
    data.Key("notificationResource").String(arn);
    if (id.ok()) {
      data.Key("publishedMessage").BeginObject().Key("messageId").String(*id).EndObject();
    } else {
      data.Key("error").String(id.status().message());
    }
    data.EndObject();
    std::string summary = id.ok() ? "Successfully executed action " + arn
                                  : "Failed to execute action " + arn + ". Received error: \"" +
                                        id.status().message() + "\"";
    if (!id.ok()) {
      Log(LogLevel::kWarn, "alarm " + a.name + ": " + summary);
    }
    Status s = alarms_.RecordAction(a.region, a.name, std::move(summary), data.Take(), now);
    if (!s.ok()) Log(LogLevel::kError, "alarm history: " + s.ToString());
  }
}

Status AlarmEngine::Evaluate(const MetricAlarm& alarm, SysMillis now, size_t* changes) {
  const auto [start, end] = EvaluationWindow(alarm, now);
  std::vector<PeriodStats> periods =
      metrics_.Aggregate(alarm.metric, start, end, alarm.period_seconds * 1000);
  // A unit on the alarm selects only datapoints of that unit.
  if (!alarm.unit.empty()) {
    std::erase_if(periods, [&](const PeriodStats& p) { return p.unit != alarm.unit; });
  }
  AlarmEvaluation e = EvaluateAlarm(alarm, periods, now);
  OT_ASSIGN_OR_RETURN(auto t, alarms_.Transition(alarm.region, alarm.name, e, now, false,
                                                 alarm.configuration_updated));
  if (!t) return Status::Ok();
  ++*changes;
  RunActions(*t, now);
  return Status::Ok();
}

size_t AlarmEngine::EvaluateAll(SysMillis now) {
  size_t changes = 0;
  for (const MetricAlarm& alarm : alarms_.List("")) {
    Status s = Evaluate(alarm, now, &changes);
    if (!s.ok() && s.code() != Error::kAlarmNotFound) {
      Log(LogLevel::kError, "alarm " + alarm.name + " evaluation failed: " + s.ToString());
    }
  }
  return changes;
}

Status AlarmEngine::EvaluateOne(std::string_view region, std::string_view name, SysMillis now) {
  OT_ASSIGN_OR_RETURN(MetricAlarm alarm, alarms_.Get(region, name));
  size_t changes = 0;
  return Evaluate(alarm, now, &changes);
}

Status AlarmEngine::SetState(std::string_view region, std::string_view name, AlarmState state,
                             std::string reason, std::string reason_data, SysMillis now) {
  AlarmEvaluation e{state, std::move(reason), std::move(reason_data)};
  OT_ASSIGN_OR_RETURN(auto t, alarms_.Transition(region, name, e, now, true));
  if (t && t->old_state != state) RunActions(*t, now);
  return Status::Ok();
}

SysMillis AlarmEngine::NextBoundary(SysMillis now, std::chrono::milliseconds cap) const {
  SysMillis next = now + cap;
  const int64_t now_ms = Ms(now);
  for (const MetricAlarm& a : alarms_.List("")) {
    const int64_t period = a.period_seconds * 1000;
    if (period <= 0) continue;
    const int64_t boundary = (now_ms / period + 1) * period;
    next = std::min(next, SysMillis(std::chrono::milliseconds(boundary)));
  }
  return next;
}

bool AlarmEngine::Watches(const MetricId& metric) const {
  for (const MetricAlarm& a : alarms_.List(metric.region)) {
    if (a.metric == metric) return true;
  }
  return false;
}

void AlarmScheduler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void AlarmScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlarmScheduler::Wake() {
  // Cheap when already woken: ingest calls this for every datapoint of a watched metric.
  if (woken_.exchange(true)) return;
  std::lock_guard lock(mu_);
  cv_.notify_all();
}

void AlarmScheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    woken_ = false;
    lock.unlock();
    SysMillis now = clock_.Now();
    engine_.EvaluateAll(now);
    // Wake a little after the boundary, so datapoints stamped just before it are in.
    SysMillis next = engine_.NextBoundary(now, max_interval_) + std::chrono::milliseconds(20);
    auto wait = std::max(std::chrono::milliseconds(1), next - clock_.Now());
    lock.lock();
    cv_.wait_for(lock, wait, [this] { return stop_ || woken_.load(); });
    // Woken by data: let a burst of datapoints land before evaluating.
    if (woken_) cv_.wait_for(lock, std::chrono::milliseconds(50), [this] { return stop_; });
  }
}

}  // namespace ot::monitor
