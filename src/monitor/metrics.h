#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Metric datapoints that metric filters emit (spec/filter-patterns.md §5), and the per-minute
// aggregates a later CloudWatch metrics/alarms part reads. The aggregates are not persisted:
// they are rebuilt when the log store opens, by running every log group's stored events through
// its metric filters again (docs/formats/logs.md).
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

// One datapoint as a metric filter emits it.
struct Datapoint {
  MetricId metric;
  int64_t timestamp_ms = 0;  // the log event's timestamp
  double value = 0;
  std::string unit;  // a CloudWatch unit; "None" when the filter named none
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

// Where metric filters send their datapoints. Implementations must be thread-safe.
class MetricSink {
 public:
  virtual ~MetricSink() = default;
  virtual void Put(const Datapoint& point) = 0;
};

// In-memory per-minute aggregates (Sum, SampleCount, Minimum, Maximum) per metric.
// Thread-safe.
class MetricStore : public MetricSink {
 public:
  void Put(const Datapoint& point) override;

  // The minutes of `metric` whose start lies in [start_ms, end_ms), oldest first.
  std::vector<MinuteStats> Query(const MetricId& metric, int64_t start_ms, int64_t end_ms) const;
  // Every metric of `region` seen so far (optionally only of one namespace), sorted.
  std::vector<MetricId> List(std::string_view region,
                             std::optional<std::string_view> metric_namespace = {}) const;
  // Drops every aggregate (before a rebuild).
  void Clear();

 private:
  mutable std::mutex mu_;
  std::map<MetricId, std::map<int64_t, MinuteStats>> series_;
};

}  // namespace ot::monitor
