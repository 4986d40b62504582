#pragma once

// Runs the alarms (filter-patterns.md §6): evaluates each against the MetricStore when its
// period closes (and whenever its metric receives data), records state changes in the
// AlarmStore, and publishes the alarm message to the new state's actions when ActionsEnabled.
// AlarmEngine is driven by explicit times (unit tests call it with a fake clock and never sleep);
// AlarmScheduler is the server's background thread that drives it.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/env.h"
#include "common/status.h"
#include "monitor/alarm_store.h"
#include "monitor/alarms.h"
#include "monitor/metrics.h"

namespace ot::monitor {

// Publishes `message` with `subject` to an SNS topic; the message id, or why it failed.
using AlarmPublisher =
    std::function<Result<std::string>(const std::string& topic_arn, const std::string& subject,
                                      const std::string& message, SysMillis now)>;

// AWS's display name of a region ("US East (N. Virginia)"); the code itself when unknown.
std::string RegionDisplayName(std::string_view region);
// The SNS message of a state change (spec §6 item 5) and its subject
// (`ALARM: "<name>" in <Region>`, at most 100 characters).
std::string AlarmMessage(const AlarmTransition& transition, std::string_view account_id);
std::string AlarmSubject(const MetricAlarm& alarm);

class AlarmEngine {
 public:
  AlarmEngine(AlarmStore& alarms, const MetricStore& metrics, AlarmPublisher publisher)
      : alarms_(alarms), metrics_(metrics), publisher_(std::move(publisher)) {}

  // Evaluates every alarm at `now`; applies and returns the number of state changes.
  size_t EvaluateAll(SysMillis now);
  // Evaluates one alarm at `now` (after PutMetricAlarm, so a new alarm is checked at once).
  Status EvaluateOne(std::string_view region, std::string_view name, SysMillis now);
  // SetAlarmState: moves the alarm to `state` with the caller's reason (a StateUpdate even when
  // the state is unchanged), running the new state's actions. kAlarmNotFound when unknown.
  Status SetState(std::string_view region, std::string_view name, AlarmState state,
                  std::string reason, std::string reason_data, SysMillis now);
  // The earliest period boundary of any alarm after `now` (now + `cap` at the latest).
  SysMillis NextBoundary(SysMillis now, std::chrono::milliseconds cap) const;
  // True when some alarm watches `metric`.
  bool Watches(const MetricId& metric) const;

 private:
  // Records the transition's actions: publishes to each ARN of the new state when enabled.
  void RunActions(const AlarmTransition& t, SysMillis now);
  Status Evaluate(const MetricAlarm& alarm, SysMillis now, size_t* changes);

  AlarmStore& alarms_;
  const MetricStore& metrics_;
  AlarmPublisher publisher_;
};

// The background thread: evaluates every alarm at each period boundary and at least every
// `max_interval`, and soon after Wake() (called when a watched metric receives data).
class AlarmScheduler {
 public:
  AlarmScheduler(AlarmEngine& engine, Clock& clock,
                 std::chrono::milliseconds max_interval = std::chrono::seconds(10))
      : engine_(engine), clock_(clock), max_interval_(max_interval) {}
  ~AlarmScheduler() { Stop(); }
  void Start();
  void Stop();
  void Wake();

 private:
  void Loop();

  AlarmEngine& engine_;
  Clock& clock_;
  std::chrono::milliseconds max_interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> woken_{false};
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ot::monitor
