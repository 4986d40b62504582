#include "monitor/metrics.h"

#include <algorithm>

namespace ot::monitor {

void MetricStore::Put(const Datapoint& point) {
  // Floor division: timestamps before 1970 still land in the minute that contains them.
  int64_t minute = point.timestamp_ms / 60000 * 60000;
  if (point.timestamp_ms < 0 && point.timestamp_ms % 60000 != 0) minute -= 60000;
  std::lock_guard lock(mu_);
  auto [it, inserted] = series_[point.metric].try_emplace(minute);
  MinuteStats& s = it->second;
  if (inserted) {
    s.minute_ms = minute;
    s.minimum = point.value;
    s.maximum = point.value;
    s.unit = point.unit;
  }
  s.sum += point.value;
  s.sample_count += 1;
  s.minimum = std::min(s.minimum, point.value);
  s.maximum = std::max(s.maximum, point.value);
}

std::vector<MinuteStats> MetricStore::Query(const MetricId& metric, int64_t start_ms,
                                            int64_t end_ms) const {
  std::vector<MinuteStats> out;
  std::lock_guard lock(mu_);
  auto series = series_.find(metric);
  if (series == series_.end()) return out;
  for (auto it = series->second.lower_bound(start_ms);
       it != series->second.end() && it->first < end_ms; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<MetricId> MetricStore::List(std::string_view region,
                                        std::optional<std::string_view> metric_namespace) const {
  std::vector<MetricId> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, minutes] : series_) {
    if (id.region != region) continue;
    if (metric_namespace && id.metric_namespace != *metric_namespace) continue;
    out.push_back(id);
  }
  return out;
}

void MetricStore::Clear() {
  std::lock_guard lock(mu_);
  series_.clear();
}

}  // namespace ot::monitor
