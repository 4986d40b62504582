#include "monitor/alarms.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/json_writer.h"
#include "common/time.h"
#include "monitor/sns_topics.h"

namespace ot::monitor {
namespace {

constexpr std::string_view kStates[] = {"OK", "ALARM", "INSUFFICIENT_DATA"};
constexpr std::string_view kComparisons[] = {"GreaterThanOrEqualToThreshold",
                                             "GreaterThanThreshold", "LessThanThreshold",
                                             "LessThanOrEqualToThreshold"};
constexpr std::string_view kTreatMissing[] = {"missing", "notBreaching", "breaching", "ignore"};
constexpr std::string_view kStatistics[] = {"SampleCount", "Average", "Sum", "Minimum", "Maximum"};
constexpr std::string_view kUnits[] = {"Seconds",
                                       "Microseconds",
                                       "Milliseconds",
                                       "Bytes",
                                       "Kilobytes",
                                       "Megabytes",
                                       "Gigabytes",
                                       "Terabytes",
                                       "Bits",
                                       "Kilobits",
                                       "Megabits",
                                       "Gigabits",
                                       "Terabits",
                                       "Percent",
                                       "Count",
                                       "Bytes/Second",
                                       "Kilobytes/Second",
                                       "Megabytes/Second",
                                       "Gigabytes/Second",
                                       "Terabytes/Second",
                                       "Bits/Second",
                                       "Kilobits/Second",
                                       "Megabits/Second",
                                       "Gigabits/Second",
                                       "Terabits/Second",
                                       "Count/Second",
                                       "None"};

template <class E, size_t N>
std::optional<E> ParseIn(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

Status Invalid(std::string message) {
  return Status(Error::kInvalidParameterValue, std::move(message));
}

// Numbers as CloudWatch's texts show them (Java's Double.toString for ordinary values): 1.0, 2.5.
std::string JavaDouble(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, end);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

// "2024-05-01T12:05:00.000+0000", the form of StateReasonData's dates.
std::string ReasonDataDate(int64_t ms) {
  std::string s = FormatIso8601Millis(SysMillis(std::chrono::milliseconds(ms)));
  s.pop_back();
  return s + "+0000";
}

// "01/05/24 12:05:00" (dd/MM/yy HH:mm:ss), the form of StateReason's dates.
std::string ReasonDate(int64_t ms) {
  std::string iso = FormatIso8601(SysMillis(std::chrono::milliseconds(ms)));  // YYYY-MM-DDTHH:…
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(2, 2) + " " +
         iso.substr(11, 8);
}

bool Breaches(double value, Comparison op, double threshold) {
  switch (op) {
    case Comparison::kGreaterOrEqual:
      return value >= threshold;
    case Comparison::kGreater:
      return value > threshold;
    case Comparison::kLess:
      return value < threshold;
    case Comparison::kLessOrEqual:
      return value <= threshold;
  }
  return false;
}

std::string_view ComparisonWords(Comparison op) {
  switch (op) {
    case Comparison::kGreaterOrEqual:
      return "greater than or equal to";
    case Comparison::kGreater:
      return "greater than";
    case Comparison::kLess:
      return "less than";
    case Comparison::kLessOrEqual:
      return "less than or equal to";
  }
  return "";
}

}  // namespace

std::string_view AlarmStateName(AlarmState s) { return kStates[static_cast<int>(s)]; }
std::optional<AlarmState> ParseAlarmState(std::string_view name) {
  return ParseIn<AlarmState>(kStates, name);
}
std::string_view ComparisonName(Comparison c) { return kComparisons[static_cast<int>(c)]; }
std::optional<Comparison> ParseComparison(std::string_view name) {
  return ParseIn<Comparison>(kComparisons, name);
}
std::string_view TreatMissingName(TreatMissing t) { return kTreatMissing[static_cast<int>(t)]; }
std::optional<TreatMissing> ParseTreatMissing(std::string_view name) {
  return ParseIn<TreatMissing>(kTreatMissing, name);
}
bool IsValidStatistic(std::string_view name) {
  return std::find(std::begin(kStatistics), std::end(kStatistics), name) != std::end(kStatistics);
}
bool IsValidUnit(std::string_view unit) {
  return std::find(std::begin(kUnits), std::end(kUnits), unit) != std::end(kUnits);
}

std::optional<double> ParseExtendedStatistic(std::string_view name) {
  if (name.size() < 2 || name[0] != 'p') return std::nullopt;
  std::string_view num = name.substr(1);
  size_t dot = num.find('.');
  if (dot != std::string_view::npos &&
      (dot == 0 || num.size() - dot - 1 < 1 || num.size() - dot - 1 > 2)) {
    return std::nullopt;
  }
  for (char c : num) {
    if (!(c >= '0' && c <= '9') && c != '.') return std::nullopt;
  }
  double p = 0;
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), p);
  if (ec != std::errc() || end != num.data() + num.size() || p < 0 || p > 100) {
    return std::nullopt;
  }
  return p;
}

bool IsValidAlarmActionArn(std::string_view arn) { return ParseSnsTopicArn(arn).has_value(); }

const std::vector<std::string>& ActionsFor(const MetricAlarm& alarm, AlarmState state) {
  switch (state) {
    case AlarmState::kOk:
      return alarm.ok_actions;
    case AlarmState::kAlarm:
      return alarm.alarm_actions;
    case AlarmState::kInsufficientData:
      return alarm.insufficient_data_actions;
  }
  return alarm.alarm_actions;
}

Status ValidateMetricAlarm(const MetricAlarm& a) {
  if (a.name.empty()) {
    return Status(Error::kMissingParameter, "The parameter AlarmName is required.");
  }
  if (a.name.size() > 255) {
    return Invalid("The parameter AlarmName must be shorter than 256 characters.");
  }
  if (a.description.size() > 1024) {
    return Invalid("The parameter AlarmDescription must be shorter than 1025 characters.");
  }
  if (a.metric.metric_name.empty()) {
    return Status(Error::kMissingParameter, "The parameter MetricName is required.");
  }
  if (a.metric.metric_namespace.empty()) {
    return Status(Error::kMissingParameter, "The parameter Namespace is required.");
  }
  if (a.metric.metric_name.size() > 255 || a.metric.metric_namespace.size() > 255) {
    return Invalid("The parameters MetricName and Namespace must be shorter than 256 characters.");
  }
  if (a.metric.dimensions.size() > 30) {
    return Invalid("The collection Dimensions must not have more than 30 members.");
  }
  for (size_t i = 0; i < a.metric.dimensions.size(); ++i) {
    const auto& [k, v] = a.metric.dimensions[i];
    if (k.empty() || k.size() > 255 || v.empty() || v.size() > 1024) {
      return Invalid("The dimension " + k +
                     " must have a Name of 1-255 and a Value of 1-1024 "
                     "characters.");
    }
    if (i > 0 && a.metric.dimensions[i - 1].first == k) {
      return Invalid("The collection Dimensions must not contain duplicate names (" + k + ").");
    }
  }
  if (a.statistic.empty() && a.extended_statistic.empty()) {
    return Status(Error::kMissingParameter,
                  "The parameter Statistic or ExtendedStatistic is required.");
  }
  if (!a.statistic.empty() && !a.extended_statistic.empty()) {
    return Status(Error::kInvalidParameterCombination,
                  "The parameters Statistic and ExtendedStatistic are mutually exclusive.");
  }
  if (!a.statistic.empty() && !IsValidStatistic(a.statistic)) {
    return Invalid(
        "The parameter Statistic must be one of SampleCount, Average, Sum, Minimum, "
        "Maximum; '" +
        a.statistic + "' is not.");
  }
  if (!a.extended_statistic.empty() && !ParseExtendedStatistic(a.extended_statistic)) {
    return Invalid("The parameter ExtendedStatistic must be a percentile p0.0-p100; '" +
                   a.extended_statistic + "' is not.");
  }
  if (!a.unit.empty() && !IsValidUnit(a.unit)) {
    return Invalid("The parameter Unit must be a standard unit; '" + a.unit + "' is not.");
  }
  const int64_t p = a.period_seconds;
  if (!(p == 10 || p == 20 || p == 30 || (p >= 60 && p % 60 == 0))) {
    return Invalid("The parameter Period must be 10, 20, 30 or a multiple of 60.");
  }
  if (a.evaluation_periods < 1) {
    return Invalid("The parameter EvaluationPeriods must be greater than or equal to 1.");
  }
  if (p * a.evaluation_periods > 7 * 86400) {
    return Invalid(
        "The product of Period and EvaluationPeriods must not exceed 604800 seconds "
        "(7 days).");
  }
  if (a.datapoints_to_alarm < 1 || a.datapoints_to_alarm > a.evaluation_periods) {
    return Invalid("The parameter DatapointsToAlarm must be between 1 and EvaluationPeriods (" +
                   std::to_string(a.evaluation_periods) + ").");
  }
  if (!std::isfinite(a.threshold)) {
    return Invalid("The parameter Threshold must be a finite number.");
  }
  const std::pair<std::string_view, const std::vector<std::string>*> lists[] = {
      {"OKActions", &a.ok_actions},
      {"AlarmActions", &a.alarm_actions},
      {"InsufficientDataActions", &a.insufficient_data_actions}};
  for (const auto& [member, list] : lists) {
    if (list->size() > 5) {
      return Invalid("The collection " + std::string(member) +
                     " must not have more than 5 members.");
    }
    for (const std::string& arn : *list) {
      if (!IsValidAlarmActionArn(arn)) {
        return Invalid("Invalid arn syntax in " + std::string(member) + ": " + arn +
                       " (only SNS topic ARNs arn:aws:sns:<region>:<account>:<topic> are "
                       "supported).");
      }
    }
  }
  return Status::Ok();
}

std::optional<double> StatisticValue(const PeriodStats& s, std::string_view statistic) {
  if (s.sample_count <= 0) return std::nullopt;
  if (statistic == "Sum") return s.sum;
  if (statistic == "SampleCount") return s.sample_count;
  if (statistic == "Average") return s.sum / s.sample_count;
  if (statistic == "Minimum") return s.minimum;
  if (statistic == "Maximum") return s.maximum;
  if (auto p = ParseExtendedStatistic(statistic)) return Percentile(s, *p);
  return std::nullopt;
}

std::pair<int64_t, int64_t> EvaluationWindow(const MetricAlarm& alarm, SysMillis now) {
  const int64_t period = alarm.period_seconds * 1000;
  const int64_t now_ms = now.time_since_epoch().count();
  int64_t end = now_ms / period * period;
  if (now_ms < 0 && now_ms % period != 0) end -= period;
  return {end - alarm.evaluation_periods * period, end};
}

AlarmEvaluation EvaluateAlarm(const MetricAlarm& alarm, const std::vector<PeriodStats>& periods,
                              SysMillis now) {
  const int64_t period = alarm.period_seconds * 1000;
  const auto [start, end] = EvaluationWindow(alarm, now);
  const std::string& stat = alarm.statistic.empty() ? alarm.extended_statistic : alarm.statistic;
  const int64_t n = alarm.evaluation_periods;

  // Newest first, as CloudWatch lists recentDatapoints.
  struct Point {
    int64_t start;
    std::optional<double> value;
    double samples = 0;
  };
  std::vector<Point> points;
  for (int64_t t = end - period; t >= start; t -= period) {
    Point pt{t, std::nullopt, 0};
    for (const PeriodStats& s : periods) {
      if (s.start_ms == t) {
        pt.value = StatisticValue(s, stat);
        pt.samples = s.sample_count;
      }
    }
    points.push_back(pt);
  }

  int64_t present = 0, breaching = 0, counted = 0;
  for (const Point& pt : points) {
    if (pt.value) {
      ++present;
      ++counted;
      if (Breaches(*pt.value, alarm.comparison, alarm.threshold)) ++breaching;
    } else if (alarm.treat_missing == TreatMissing::kBreaching) {
      ++counted;
      ++breaching;
    } else if (alarm.treat_missing == TreatMissing::kNotBreaching) {
      ++counted;
    }
  }

  AlarmEvaluation out;
  const std::string words(ComparisonWords(alarm.comparison));
  const std::string thr = JavaDouble(alarm.threshold);
  std::string listed;
  for (const Point& pt : points) {
    if (!pt.value) continue;
    if (!listed.empty()) listed += ", ";
    listed += JavaDouble(*pt.value) + " (" + ReasonDate(pt.start) + ")";
  }
  if (counted == 0) {
    out.state =
        alarm.treat_missing == TreatMissing::kIgnore ? alarm.state : AlarmState::kInsufficientData;
    out.reason = "Insufficient Data: " + std::to_string(n) +
                 (n == 1 ? " datapoint was unknown." : " datapoints were unknown.");
  } else if (breaching >= alarm.datapoints_to_alarm) {
    out.state = AlarmState::kAlarm;
    out.reason = "Threshold Crossed: ";
    if (present == 0) {
      out.reason += "no datapoints were received for " + std::to_string(n) +
                    (n == 1 ? " period" : " periods") + " and " + std::to_string(breaching) +
                    " missing datapoints were treated as [Breaching].";
    } else if (n == 1) {
      out.reason += "1 datapoint [" + listed + "] was " + words + " the threshold (" + thr + ").";
    } else {
      out.reason += std::to_string(breaching) + " out of the last " + std::to_string(n) +
                    " datapoints [" + listed + "] were " + words + " the threshold (" + thr +
                    ") (minimum " + std::to_string(alarm.datapoints_to_alarm) +
                    " datapoints for OK -> ALARM transition).";
    }
  } else {
    out.state = AlarmState::kOk;
    out.reason = "Threshold Crossed: ";
    if (present == 0) {
      out.reason += "no datapoints were received for " + std::to_string(n) +
                    (n == 1 ? " period" : " periods") + " and " + std::to_string(counted) +
                    " missing datapoints were treated as [NonBreaching].";
    } else if (n == 1) {
      out.reason +=
          "1 datapoint [" + listed + "] was not " + words + " the threshold (" + thr + ").";
    } else {
      out.reason += std::to_string(counted - breaching) + " out of the last " + std::to_string(n) +
                    " datapoints [" + listed + "] were not " + words + " the threshold (" + thr +
                    ") (minimum " + std::to_string(n - alarm.datapoints_to_alarm + 1) +
                    " datapoints for ALARM -> OK transition).";
    }
  }

  JsonWriter w;
  w.BeginObject();
  w.Key("version").String("1.0");
  w.Key("queryDate").String(ReasonDataDate(now.time_since_epoch().count()));
  w.Key("startDate").String(ReasonDataDate(start));
  if (alarm.unit.size()) w.Key("unit").String(alarm.unit);
  w.Key(alarm.statistic.empty() ? "extendedStatistic" : "statistic").String(stat);
  w.Key("period").Int(alarm.period_seconds);
  w.Key("recentDatapoints").BeginArray();
  for (const Point& pt : points) {
    if (pt.value) w.Double(*pt.value);
  }
  w.EndArray();
  w.Key("threshold").Double(alarm.threshold);
  w.Key("evaluatedDatapoints").BeginArray();
  for (const Point& pt : points) {
    if (!pt.value) continue;
    w.BeginObject();
    w.Key("timestamp").String(ReasonDataDate(pt.start));
    w.Key("sampleCount").Double(pt.samples);
    w.Key("value").Double(*pt.value);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out.reason_data = w.Take();
  return out;
}

}  // namespace ot::monitor
