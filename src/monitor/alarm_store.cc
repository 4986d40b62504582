#include "monitor/alarm_store.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "api/protocol/json_value.h"
#include "common/json_writer.h"

namespace ot::monitor {
namespace {

constexpr std::string_view kAlarmKind = "cw-alarm";
constexpr std::string_view kHistoryKind = "cw-alarm-history";
constexpr std::chrono::hours kHistoryRetention{14 * 24};

int64_t Ms(SysMillis t) { return t.time_since_epoch().count(); }
SysMillis FromMs(int64_t ms) { return SysMillis(std::chrono::milliseconds(ms)); }

void WriteList(JsonWriter& w, const std::vector<std::string>& list) {
  w.BeginArray();
  for (const std::string& s : list) w.String(s);
  w.EndArray();
}

std::string Str(const api::JsonValue& o, std::string_view name) {
  auto v = o.Get(name);
  return v && v->is_string() ? std::string(v->AsString()) : std::string();
}
double Num(const api::JsonValue& o, std::string_view name) {
  auto v = o.Get(name);
  return v && v->type() == api::JsonValue::Type::kNumber ? v->AsDouble() : 0;
}
int64_t Int(const api::JsonValue& o, std::string_view name) {
  return static_cast<int64_t>(Num(o, name));
}
std::vector<std::string> StrList(const api::JsonValue& o, std::string_view name) {
  std::vector<std::string> out;
  auto v = o.Get(name);
  if (!v || !v->is_array()) return out;
  for (const api::JsonValue& item : v->Items()) {
    if (item.is_string()) out.emplace_back(item.AsString());
  }
  return out;
}
std::vector<std::pair<std::string, std::string>> Pairs(const api::JsonValue& o,
                                                       std::string_view name) {
  std::vector<std::pair<std::string, std::string>> out;
  auto v = o.Get(name);
  if (!v || !v->is_array()) return out;
  for (const api::JsonValue& pair : v->Items()) {
    auto kv = pair.Items();
    if (kv.size() == 2 && kv[0].is_string() && kv[1].is_string()) {
      out.emplace_back(std::string(kv[0].AsString()), std::string(kv[1].AsString()));
    }
  }
  return out;
}

void WriteDefinition(JsonWriter& w, const MetricAlarm& a) {
  w.Key("AlarmName").String(a.name).Key("AlarmArn").String(a.arn);
  w.Key("AlarmDescription").String(a.description);
  w.Key("ActionsEnabled").Bool(a.actions_enabled);
  w.Key("OKActions");
  WriteList(w, a.ok_actions);
  w.Key("AlarmActions");
  WriteList(w, a.alarm_actions);
  w.Key("InsufficientDataActions");
  WriteList(w, a.insufficient_data_actions);
  w.Key("Namespace").String(a.metric.metric_namespace);
  w.Key("MetricName").String(a.metric.metric_name);
  w.Key("Dimensions").BeginArray();
  for (const auto& [k, v] : a.metric.dimensions) {
    w.BeginObject().Key("Name").String(k).Key("Value").String(v).EndObject();
  }
  w.EndArray();
  if (!a.statistic.empty()) w.Key("Statistic").String(a.statistic);
  if (!a.extended_statistic.empty()) w.Key("ExtendedStatistic").String(a.extended_statistic);
  if (!a.unit.empty()) w.Key("Unit").String(a.unit);
  w.Key("Period").Int(a.period_seconds);
  w.Key("EvaluationPeriods").Int(a.evaluation_periods);
  w.Key("DatapointsToAlarm").Int(a.datapoints_to_alarm);
  w.Key("Threshold").Double(a.threshold);
  w.Key("ComparisonOperator").String(ComparisonName(a.comparison));
  w.Key("TreatMissingData").String(TreatMissingName(a.treat_missing));
}

std::string HistoryId(std::string_view region, std::string_view name, SysMillis t, uint64_t seq) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "/%015lld/%08llu", static_cast<long long>(Ms(t)),
                static_cast<unsigned long long>(seq));
  return std::string(region) + "/" + std::string(name) + buf;
}

}  // namespace

std::string AlarmConfigurationJson(const MetricAlarm& alarm) {
  JsonWriter w;
  w.BeginObject();
  WriteDefinition(w, alarm);
  w.EndObject();
  return w.Take();
}

std::string AlarmStore::Key(std::string_view region, std::string_view name) {
  return std::string(region) + "/" + std::string(name);
}

std::string AlarmStore::AlarmArn(std::string_view region, std::string_view name) const {
  return "arn:aws:cloudwatch:" + std::string(region) + ":" + options_.account_id +
         ":alarm:" + std::string(name);
}

Result<std::unique_ptr<AlarmStore>> AlarmStore::Open(store::MetadataDb& db, Env& env,
                                                     AlarmStoreOptions options) {
  std::unique_ptr<AlarmStore> s(new AlarmStore(db, std::move(options)));
  OT_ASSIGN_OR_RETURN(auto alarms, db.ListDocuments(kAlarmKind));
  for (const auto& [id, text] : alarms) {
    OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(text));
    api::JsonValue o = doc->root();
    MetricAlarm a;
    a.region = Str(o, "Region");
    a.name = Str(o, "AlarmName");
    a.arn = Str(o, "AlarmArn");
    a.description = Str(o, "AlarmDescription");
    auto enabled = o.Get("ActionsEnabled");
    a.actions_enabled =
        enabled && enabled->type() == api::JsonValue::Type::kBool && enabled->AsBool();
    a.ok_actions = StrList(o, "OKActions");
    a.alarm_actions = StrList(o, "AlarmActions");
    a.insufficient_data_actions = StrList(o, "InsufficientDataActions");
    a.metric.region = a.region;
    a.metric.metric_namespace = Str(o, "Namespace");
    a.metric.metric_name = Str(o, "MetricName");
    if (auto dims = o.Get("Dimensions"); dims && dims->is_array()) {
      for (const api::JsonValue& d : dims->Items()) {
        a.metric.dimensions.emplace_back(Str(d, "Name"), Str(d, "Value"));
      }
    }
    a.statistic = Str(o, "Statistic");
    a.extended_statistic = Str(o, "ExtendedStatistic");
    a.unit = Str(o, "Unit");
    a.period_seconds = Int(o, "Period");
    a.evaluation_periods = Int(o, "EvaluationPeriods");
    a.datapoints_to_alarm = Int(o, "DatapointsToAlarm");
    a.threshold = Num(o, "Threshold");
    a.comparison = ParseComparison(Str(o, "ComparisonOperator")).value_or(a.comparison);
    a.treat_missing = ParseTreatMissing(Str(o, "TreatMissingData")).value_or(a.treat_missing);
    a.tags = Pairs(o, "Tags");
    a.configuration_updated = FromMs(Int(o, "AlarmConfigurationUpdatedTimestamp"));
    a.state = ParseAlarmState(Str(o, "StateValue")).value_or(AlarmState::kInsufficientData);
    a.state_reason = Str(o, "StateReason");
    a.state_reason_data = Str(o, "StateReasonData");
    a.state_updated = FromMs(Int(o, "StateUpdatedTimestamp"));
    a.state_transitioned = FromMs(Int(o, "StateTransitionedTimestamp"));
    s->alarms_.emplace(id, std::move(a));
  }
  OT_ASSIGN_OR_RETURN(auto history, db.ListDocuments(kHistoryKind));
  const SysMillis cutoff = env.clock.Now() - kHistoryRetention;
  for (const auto& [id, text] : history) {
    OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(text));
    api::JsonValue o = doc->root();
    AlarmHistoryItem item{Str(o, "region"),  Str(o, "alarmName"),
                          Str(o, "type"),    FromMs(Int(o, "timestamp")),
                          Str(o, "summary"), Str(o, "data")};
    if (item.timestamp < cutoff) {
      OT_RETURN_IF_ERROR(db.DeleteDocument(kHistoryKind, id));
      continue;
    }
    s->history_.emplace(id, std::move(item));
  }
  // Ids end in a sequence number; continue after the largest.
  for (const auto& [id, item] : s->history_) {
    s->sequence_ =
        std::max<uint64_t>(s->sequence_, std::strtoull(id.c_str() + id.size() - 8, nullptr, 10));
  }
  return s;
}

Status AlarmStore::Save(const MetricAlarm& a) {
  JsonWriter w;
  w.BeginObject();
  w.Key("Region").String(a.region);
  WriteDefinition(w, a);
  w.Key("Tags").BeginArray();
  for (const auto& [k, v] : a.tags) w.BeginArray().String(k).String(v).EndArray();
  w.EndArray();
  w.Key("AlarmConfigurationUpdatedTimestamp").Int(Ms(a.configuration_updated));
  w.Key("StateValue").String(AlarmStateName(a.state));
  w.Key("StateReason").String(a.state_reason);
  w.Key("StateReasonData").String(a.state_reason_data);
  w.Key("StateUpdatedTimestamp").Int(Ms(a.state_updated));
  w.Key("StateTransitionedTimestamp").Int(Ms(a.state_transitioned));
  w.EndObject();
  return db_.PutDocument(kAlarmKind, Key(a.region, a.name), w.str());
}

Status AlarmStore::AppendHistory(AlarmHistoryItem item) {
  std::string id = HistoryId(item.region, item.alarm_name, item.timestamp, ++sequence_);
  JsonWriter w;
  w.BeginObject();
  w.Key("region").String(item.region).Key("alarmName").String(item.alarm_name);
  w.Key("type").String(item.type).Key("timestamp").Int(Ms(item.timestamp));
  w.Key("summary").String(item.summary).Key("data").String(item.data);
  w.EndObject();
  OT_RETURN_IF_ERROR(db_.PutDocument(kHistoryKind, id, w.str()));
  const SysMillis cutoff = item.timestamp - kHistoryRetention;
  history_.emplace(std::move(id), std::move(item));
  for (auto it = history_.begin(); it != history_.end();) {
    if (it->second.timestamp >= cutoff) {
      ++it;
      continue;
    }
    OT_RETURN_IF_ERROR(db_.DeleteDocument(kHistoryKind, it->first));
    it = history_.erase(it);
  }
  return Status::Ok();
}

Result<MetricAlarm> AlarmStore::Put(MetricAlarm alarm, SysMillis now) {
  std::lock_guard lock(mu_);
  alarm.arn = AlarmArn(alarm.region, alarm.name);
  alarm.metric.region = alarm.region;
  alarm.configuration_updated = now;
  const std::string key = Key(alarm.region, alarm.name);
  auto it = alarms_.find(key);
  const bool created = it == alarms_.end();
  if (created) {
    size_t in_region = 0;
    for (const auto& [k, a] : alarms_) in_region += a.region == alarm.region;
    if (in_region >= options_.max_alarms_per_region) {
      return Status(Error::kCwLimitExceeded, "The maximum allowed number of alarms (" +
                                                 std::to_string(options_.max_alarms_per_region) +
                                                 ") in this region has been reached.");
    }
    alarm.state = AlarmState::kInsufficientData;
    alarm.state_reason = "Unchecked: Initial alarm creation";
    alarm.state_reason_data.clear();
    alarm.state_updated = now;
    alarm.state_transitioned = now;
  } else {
    alarm.state = it->second.state;
    alarm.state_reason = it->second.state_reason;
    alarm.state_reason_data = it->second.state_reason_data;
    alarm.state_updated = it->second.state_updated;
    alarm.state_transitioned = it->second.state_transitioned;
  }
  OT_RETURN_IF_ERROR(Save(alarm));
  JsonWriter data;
  data.BeginObject();
  data.Key("version").String("1.0");
  data.Key("type").String(created ? "Create" : "Update");
  data.Key(created ? "createdAlarm" : "updatedAlarm").Raw(AlarmConfigurationJson(alarm));
  if (!created) data.Key("originalAlarm").Raw(AlarmConfigurationJson(it->second));
  data.EndObject();
  OT_RETURN_IF_ERROR(AppendHistory(
      {alarm.region, alarm.name, "ConfigurationUpdate", now,
       "Alarm \"" + alarm.name + "\" " + (created ? "created" : "updated"), data.Take()}));
  alarms_[key] = alarm;
  return alarm;
}

Status AlarmStore::Delete(std::string_view region, const std::vector<std::string>& names) {
  std::lock_guard lock(mu_);
  std::string missing;
  for (const std::string& n : names) {
    if (alarms_.find(Key(region, n)) == alarms_.end()) {
      missing += missing.empty() ? n : ", " + n;
    }
  }
  if (!missing.empty()) {
    return Status(Error::kAlarmNotFound, "The following alarms were not found: [" + missing + "]");
  }
  for (const std::string& n : names) {
    std::string key = Key(region, n);
    if (alarms_.find(key) == alarms_.end()) continue;  // named twice
    OT_RETURN_IF_ERROR(db_.DeleteDocument(kAlarmKind, key));
    alarms_.erase(key);
  }
  return Status::Ok();
}

Result<MetricAlarm> AlarmStore::Get(std::string_view region, std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = alarms_.find(Key(region, name));
  if (it == alarms_.end()) {
    return Status(Error::kAlarmNotFound, "Alarm " + std::string(name) + " not found");
  }
  return it->second;
}

std::vector<MetricAlarm> AlarmStore::List(std::string_view region) const {
  std::lock_guard lock(mu_);
  std::vector<MetricAlarm> out;
  for (const auto& [key, a] : alarms_) {
    if (region.empty() || a.region == region) out.push_back(a);
  }
  std::sort(out.begin(), out.end(), [](const MetricAlarm& x, const MetricAlarm& y) {
    return std::tie(x.name, x.region) < std::tie(y.name, y.region);
  });
  return out;
}

Status AlarmStore::SetActionsEnabled(std::string_view region, const std::vector<std::string>& names,
                                     bool enabled, SysMillis now) {
  std::lock_guard lock(mu_);
  for (const std::string& n : names) {
    auto it = alarms_.find(Key(region, n));
    if (it == alarms_.end() || it->second.actions_enabled == enabled) continue;
    MetricAlarm updated = it->second;
    updated.actions_enabled = enabled;
    updated.configuration_updated = now;
    OT_RETURN_IF_ERROR(Save(updated));
    JsonWriter data;
    data.BeginObject();
    data.Key("version").String("1.0").Key("type").String("Update");
    data.Key("updatedAlarm").Raw(AlarmConfigurationJson(updated));
    data.Key("originalAlarm").Raw(AlarmConfigurationJson(it->second));
    data.EndObject();
    OT_RETURN_IF_ERROR(AppendHistory({updated.region, updated.name, "ConfigurationUpdate", now,
                                      "Alarm \"" + updated.name + "\" updated", data.Take()}));
    it->second = std::move(updated);
  }
  return Status::Ok();
}

Result<std::optional<AlarmTransition>> AlarmStore::Transition(
    std::string_view region, std::string_view name, const AlarmEvaluation& evaluation,
    SysMillis now, bool force, std::optional<SysMillis> config_updated) {
  std::lock_guard lock(mu_);
  auto it = alarms_.find(Key(region, name));
  if (it == alarms_.end()) {
    return Status(Error::kAlarmNotFound, "Alarm " + std::string(name) + " not found");
  }
  MetricAlarm& a = it->second;
  if (config_updated && *config_updated != a.configuration_updated) {
    return std::optional<AlarmTransition>();
  }
  if (!force && a.state == evaluation.state) return std::optional<AlarmTransition>();
  AlarmTransition t{a, a.state, a.state_reason};
  t.alarm.state = evaluation.state;
  t.alarm.state_reason = evaluation.reason;
  t.alarm.state_reason_data = evaluation.reason_data;
  t.alarm.state_updated = now;
  if (t.old_state != evaluation.state) t.alarm.state_transitioned = now;
  OT_RETURN_IF_ERROR(Save(t.alarm));
  JsonWriter data;
  data.BeginObject();
  data.Key("version").String("1.0");
  data.Key("oldState").BeginObject();
  data.Key("stateValue").String(AlarmStateName(t.old_state));
  data.Key("stateReason").String(t.old_reason);
  data.EndObject();
  data.Key("newState").BeginObject();
  data.Key("stateValue").String(AlarmStateName(evaluation.state));
  data.Key("stateReason").String(evaluation.reason);
  if (!evaluation.reason_data.empty()) data.Key("stateReasonData").Raw(evaluation.reason_data);
  data.EndObject();
  data.EndObject();
  OT_RETURN_IF_ERROR(
      AppendHistory({a.region, a.name, "StateUpdate", now,
                     "Alarm updated from " + std::string(AlarmStateName(t.old_state)) + " to " +
                         std::string(AlarmStateName(evaluation.state)),
                     data.Take()}));
  a = t.alarm;
  return std::optional<AlarmTransition>(std::move(t));
}

Status AlarmStore::RecordAction(std::string_view region, std::string_view name, std::string summary,
                                std::string data, SysMillis now) {
  std::lock_guard lock(mu_);
  return AppendHistory(
      {std::string(region), std::string(name), "Action", now, std::move(summary), std::move(data)});
}

std::vector<AlarmHistoryItem> AlarmStore::History(const AlarmHistoryQuery& q) const {
  std::lock_guard lock(mu_);
  std::vector<AlarmHistoryItem> out;
  for (const auto& [id, item] : history_) {
    if (item.region != q.region) continue;
    if (!q.alarm_name.empty() && item.alarm_name != q.alarm_name) continue;
    if (!q.type.empty() && item.type != q.type) continue;
    if (q.start && item.timestamp < *q.start) continue;
    if (q.end && item.timestamp > *q.end) continue;
    out.push_back(item);
  }
  // Document ids order by alarm, then time (then sequence): sort by time across alarms, ties in
  // the order they were recorded (reversed for newest first).
  if (!q.oldest_first) std::reverse(out.begin(), out.end());
  std::stable_sort(out.begin(), out.end(),
                   [&](const AlarmHistoryItem& x, const AlarmHistoryItem& y) {
                     return q.oldest_first ? x.timestamp < y.timestamp : x.timestamp > y.timestamp;
                   });
  return out;
}

}  // namespace ot::monitor
