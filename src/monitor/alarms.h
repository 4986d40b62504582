#pragma once

// CloudWatch metric alarms (shared/spec/filter-patterns.md §6): the definition PutMetricAlarm
// stores, its validation, and the deterministic evaluator — a pure function of the alarm, the
// datapoints of its metric and the time, giving the state the alarm should be in and why.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "monitor/metrics.h"

namespace ot::monitor {

enum class AlarmState { kOk, kAlarm, kInsufficientData };
std::string_view AlarmStateName(AlarmState s);  // "OK", "ALARM", "INSUFFICIENT_DATA"
std::optional<AlarmState> ParseAlarmState(std::string_view name);

enum class Comparison { kGreaterOrEqual, kGreater, kLess, kLessOrEqual };
std::string_view ComparisonName(Comparison c);  // "GreaterThanOrEqualToThreshold", …
std::optional<Comparison> ParseComparison(std::string_view name);

enum class TreatMissing { kMissing, kNotBreaching, kBreaching, kIgnore };
std::string_view TreatMissingName(TreatMissing t);  // "missing", "notBreaching", …
std::optional<TreatMissing> ParseTreatMissing(std::string_view name);

// Statistic names: SampleCount, Average, Sum, Minimum, Maximum.
bool IsValidStatistic(std::string_view name);
// "p0".."p100" with up to two decimals ("p99.9"); the percentile, or nullopt.
std::optional<double> ParseExtendedStatistic(std::string_view name);
// CloudWatch's standard units ("Seconds", "Count", "None", …).
bool IsValidUnit(std::string_view unit);  // a CloudWatch StandardUnit (alarms, metric filters)

// One alarm as PutMetricAlarm defines it, plus its state.
struct MetricAlarm {
  std::string region;
  std::string name;
  std::string arn;  // arn:aws:cloudwatch:<region>:<account>:alarm:<name>
  std::string description;
  bool actions_enabled = true;
  std::vector<std::string> ok_actions, alarm_actions, insufficient_data_actions;
  MetricId metric;                 // region, Namespace, MetricName, Dimensions (sorted by name)
  std::string statistic;           // one of the five, or empty when extended_statistic is set
  std::string extended_statistic;  // "p90", or empty
  std::string unit;                // empty: any unit
  int64_t period_seconds = 60;
  int64_t evaluation_periods = 1;
  int64_t datapoints_to_alarm = 1;
  double threshold = 0;
  Comparison comparison = Comparison::kGreaterOrEqual;
  TreatMissing treat_missing = TreatMissing::kMissing;
  std::vector<std::pair<std::string, std::string>> tags;
  SysMillis configuration_updated{};

  AlarmState state = AlarmState::kInsufficientData;
  std::string state_reason = "Unchecked: Initial alarm creation";
  std::string state_reason_data;  // JSON, empty when none
  SysMillis state_updated{};
  SysMillis state_transitioned{};
};

// Checks the definition as PutMetricAlarm does: kMissingParameter or kInvalidParameterValue
// (kInvalidParameterCombination for Statistic with ExtendedStatistic) naming the member.
Status ValidateMetricAlarm(const MetricAlarm& alarm);
// "arn:aws:sns:<region>:<account>:<topic>": the action ARNs an alarm may name.
bool IsValidAlarmActionArn(std::string_view arn);
// The actions of `state`.
const std::vector<std::string>& ActionsFor(const MetricAlarm& alarm, AlarmState state);

// The value of `statistic` ("Sum", "Average", …, or "p90") over one period; nullopt when the
// period has no samples (or, for a percentile, no raw values).
std::optional<double> StatisticValue(const PeriodStats& stats, std::string_view statistic);

// What evaluating an alarm gave.
struct AlarmEvaluation {
  AlarmState state = AlarmState::kInsufficientData;
  std::string reason;       // human text, as CloudWatch words it
  std::string reason_data;  // StateReasonData JSON
};

// Evaluates `alarm` at `now` over `periods` (its metric aggregated by its period; any order, any
// range): the last N = EvaluationPeriods complete periods ending at the latest period boundary
// at or before `now` are looked at. Present datapoints breach iff `value <op> threshold`; missing
// ones count as TreatMissingData says (notBreaching good, breaching bad, missing and ignore
// dropped). All missing: `missing` → INSUFFICIENT_DATA, `ignore` → the current state (and so do
// notBreaching/breaching never reach this). Otherwise ≥ M breaching → ALARM, else OK.
AlarmEvaluation EvaluateAlarm(const MetricAlarm& alarm, const std::vector<PeriodStats>& periods,
                              SysMillis now);

// The window EvaluateAlarm looks at: [start_ms, end_ms).
std::pair<int64_t, int64_t> EvaluationWindow(const MetricAlarm& alarm, SysMillis now);

}  // namespace ot::monitor
