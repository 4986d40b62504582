#pragma once

// The durable registry of CloudWatch metric alarms and their history (filter-patterns.md §6).
//
// Stored as metadata documents: kind "cw-alarm", id "<region>/<name>": the alarm's definition and
// state (field names as in DescribeAlarms, timestamps epoch ms); kind "cw-alarm-history", id
// "<region>/<name>/<epoch ms, 15 digits>/<sequence, 8 digits>": {"region","alarmName","type",
// "timestamp","summary","data"}. History older than 14 days (CloudWatch's retention) is dropped
// at open and as new items arrive.
// Thread-safe: every method takes one mutex; writes reach the database before they return.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "monitor/alarms.h"
#include "store/metadata.h"

namespace ot::monitor {

struct AlarmHistoryItem {
  std::string region;
  std::string alarm_name;
  std::string type;  // "ConfigurationUpdate" | "StateUpdate" | "Action"
  SysMillis timestamp{};
  std::string summary;
  std::string data;  // HistoryData JSON
};

struct AlarmHistoryQuery {
  std::string region;
  std::string alarm_name;               // empty: every alarm
  std::string type;                     // empty: every type
  std::optional<SysMillis> start, end;  // [start, end]
  bool oldest_first = false;
};

// A state change the store made: the alarm after it, and the state it left.
struct AlarmTransition {
  MetricAlarm alarm;
  AlarmState old_state = AlarmState::kInsufficientData;
  std::string old_reason;
};

struct AlarmStoreOptions {
  std::string account_id;
  size_t max_alarms_per_region = 5000;  // PutMetricAlarm of a new alarm beyond it: LimitExceeded
};

class AlarmStore {
 public:
  static Result<std::unique_ptr<AlarmStore>> Open(store::MetadataDb& db, Env& env,
                                                  AlarmStoreOptions options);

  const std::string& account_id() const { return options_.account_id; }
  std::string AlarmArn(std::string_view region, std::string_view name) const;

  // Creates or replaces the alarm named `alarm.name` in `alarm.region` (validated by the
  // caller). A new alarm starts INSUFFICIENT_DATA; a replaced one keeps its state. Records a
  // ConfigurationUpdate. kCwLimitExceeded beyond the per-region limit. Returns the stored alarm.
  Result<MetricAlarm> Put(MetricAlarm alarm, SysMillis now);
  // Deletes every named alarm; kAlarmNotFound (naming them) when any does not exist, and then
  // none is deleted.
  Status Delete(std::string_view region, const std::vector<std::string>& names);
  // kAlarmNotFound "Alarm <name> not found".
  Result<MetricAlarm> Get(std::string_view region, std::string_view name) const;
  // The alarms of `region`, by name (every region when empty).
  std::vector<MetricAlarm> List(std::string_view region) const;
  // Sets ActionsEnabled on the named alarms that exist (unknown names are ignored, as AWS does),
  // recording a ConfigurationUpdate for each that changed.
  Status SetActionsEnabled(std::string_view region, const std::vector<std::string>& names,
                           bool enabled, SysMillis now);
  // Moves the alarm to `evaluation.state` when it differs from its state (or always when
  // `force`, as SetAlarmState does), recording a StateUpdate. nullopt when nothing changed;
  // kAlarmNotFound when the alarm is gone. `config_updated` guards against an evaluation of an
  // older definition: when given and different from the stored one, nothing changes.
  Result<std::optional<AlarmTransition>> Transition(std::string_view region, std::string_view name,
                                                    const AlarmEvaluation& evaluation,
                                                    SysMillis now, bool force,
                                                    std::optional<SysMillis> config_updated = {});
  // Appends an "Action" history item (an executed or failed alarm action).
  Status RecordAction(std::string_view region, std::string_view name, std::string summary,
                      std::string data, SysMillis now);
  // Matching history items, newest first (or oldest first).
  std::vector<AlarmHistoryItem> History(const AlarmHistoryQuery& query) const;

 private:
  AlarmStore(store::MetadataDb& db, AlarmStoreOptions options)
      : db_(db), options_(std::move(options)) {}
  Status Save(const MetricAlarm& alarm);
  Status AppendHistory(AlarmHistoryItem item);  // mu_ held
  static std::string Key(std::string_view region, std::string_view name);

  store::MetadataDb& db_;
  AlarmStoreOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, MetricAlarm, std::less<>> alarms_;  // by Key()
  std::map<std::string, AlarmHistoryItem> history_;         // by document id (time order)
  uint64_t sequence_ = 0;
};

// The JSON of an alarm as HistoryData and SNS messages describe it (DescribeAlarms' members).
std::string AlarmConfigurationJson(const MetricAlarm& alarm);

}  // namespace ot::monitor
