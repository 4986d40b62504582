#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Metric datapoints that metric filters emit (spec/filter-patterns.md §5) and that PutMetricData
// sends (§6), and the aggregates GetMetricStatistics, GetMetricData and the alarm evaluator read.
// The aggregates are in memory: metric-filter datapoints are rebuilt when the log store opens, by
// running every log group's stored events through its metric filters again
// (docs/formats/logs.md); PutMetricData datapoints are replayed from their own log
// (monitor/metric_data_log.h).
namespace ot::monitor {

// The identity of one metric: region, namespace, name and dimensions (sorted by name).
struct MetricId {
  std::string region;
  std::string metric_namespace;
  std::string metric_name;
  std::vector<std::pair<std::string, std::string>> dimensions;  // sorted by name

  friend auto operator<=>(const MetricId&, const MetricId&) = default;
  friend bool operator==(const MetricId&, const MetricId&) = default;
};

// A pre-aggregated set of samples (PutMetricData's StatisticValues).
struct StatisticSet {
  double sample_count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
};

// One datapoint: `count` samples of `value` (a metric filter emits count 1; PutMetricData's
// Values/Counts any), or, when `stats` is set, a statistic set (then `value`/`count` are unused).
struct Datapoint {
  MetricId metric;
  int64_t timestamp_ms = 0;  // the log event's timestamp, or the datum's Timestamp
  double value = 0;
  std::string unit;  // a CloudWatch unit; "None" when none was named
  double count = 1;
  std::optional<StatisticSet> stats;
};

// Statistics of the datapoints of one metric within one minute.
struct MinuteStats {
  int64_t minute_ms = 0;  // start of the minute, epoch milliseconds
  double sum = 0;
  double sample_count = 0;
  double minimum = 0;
  double maximum = 0;
  std::string unit;

  friend bool operator==(const MinuteStats&, const MinuteStats&) = default;
};

// Statistics of one metric within one period [start_ms, start_ms + period), with the raw values
// (value → how many samples had it) for percentiles. Values given only as statistic sets are in
// the sums but not in `values`.
struct PeriodStats {
  int64_t start_ms = 0;
  double sum = 0;
  double sample_count = 0;
  double minimum = 0;
  double maximum = 0;
  std::string unit;
  std::map<double, double> values;
};

// The p-th percentile (0 ≤ p ≤ 100) of `stats.values` (nearest rank); nullopt without values.
std::optional<double> Percentile(const PeriodStats& stats, double p);

// Where metric filters send their datapoints. Implementations must be thread-safe.
class MetricSink {
 public:
  virtual ~MetricSink() = default;
  virtual void Put(const Datapoint& point) = 0;
};

// In-memory per-second aggregates (Sum, SampleCount, Minimum, Maximum, value histogram) per
// metric, read back per minute or per any period of whole seconds. Like CloudWatch, which keeps
// sub-minute data for three hours only, a metric's seconds older than kHighResolutionWindow
// (measured back from the newest datapoint the store has seen) are folded into their minute, so
// a metric costs at most one entry per minute beyond that window. Thread-safe.
class MetricStore : public MetricSink {
 public:
  static constexpr int64_t kHighResolutionWindowMs = 3 * 3600 * 1000;

  void Put(const Datapoint& point) override;

  // The minutes of `metric` whose start lies in [start_ms, end_ms), oldest first.
  std::vector<MinuteStats> Query(const MetricId& metric, int64_t start_ms, int64_t end_ms) const;
  // The periods of `period_ms` (a multiple of 1000, periods aligned to the epoch) that have
  // samples and start in [start_ms, end_ms), oldest first.
  std::vector<PeriodStats> Aggregate(const MetricId& metric, int64_t start_ms, int64_t end_ms,
                                     int64_t period_ms) const;
  // Every metric of `region` seen so far (optionally only of one namespace), sorted.
  std::vector<MetricId> List(std::string_view region,
                             std::optional<std::string_view> metric_namespace = {}) const;
  // Drops every aggregate (before a rebuild).
  void Clear();
  // Called (outside the aggregates' lock) after each Put with the metric that received data. The
  // alarm scheduler uses it to evaluate soon after new data. Once SetListener returns, the
  // previous listener is not running and will not run again.
  void SetListener(std::function<void(const MetricId&)> listener);

 private:
  struct Second {
    double sum = 0, count = 0, minimum = 0, maximum = 0;
    std::string unit;
    std::map<double, double> values;
  };
  struct Series {
    std::map<int64_t, Second> buckets;  // by second, or by minute once folded
    int64_t folded_before = INT64_MIN;  // buckets before this are whole minutes
  };
  // Folds `series`' seconds before `cutoff` (a minute boundary) into their minutes. mu_ held.
  static void Fold(Series& series, int64_t cutoff);

  mutable std::mutex mu_;
  std::map<MetricId, Series> series_;
  int64_t newest_ms_ = INT64_MIN;
  // Held while the listener runs, so SetListener(nullptr) returns only once no call is in flight
  // (the listener's target may be destroyed right after).
  std::mutex listener_mu_;
  std::function<void(const MetricId&)> listener_;
};

}  // namespace ot::monitor
