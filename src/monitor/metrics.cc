#include "monitor/metrics.h"

#include <algorithm>
#include <cmath>

namespace ot::monitor {
namespace {

// Floor division: timestamps before 1970 still land in the interval that contains them.
int64_t FloorTo(int64_t ms, int64_t unit) {
  int64_t q = ms / unit * unit;
  if (ms < 0 && ms % unit != 0) q -= unit;
  return q;
}

template <class Stats>
void Merge(Stats& into, double sum, double count, double minimum, double maximum, bool first) {
  if (first) {
    into.minimum = minimum;
    into.maximum = maximum;
  }
  into.sum += sum;
  into.minimum = std::min(into.minimum, minimum);
  into.maximum = std::max(into.maximum, maximum);
  if constexpr (requires { into.sample_count; }) {
    into.sample_count += count;
  } else {
    into.count += count;
  }
}

}  // namespace

std::optional<double> Percentile(const PeriodStats& stats, double p) {
  double total = 0;
  for (const auto& [v, n] : stats.values) total += n;
  if (total <= 0) return std::nullopt;
  // Nearest rank: the smallest value with at least ceil(p/100 * total) samples at or below it.
  double rank = std::max(1.0, std::ceil(p / 100.0 * total));
  double seen = 0;
  for (const auto& [v, n] : stats.values) {
    seen += n;
    if (seen >= rank) return v;
  }
  return stats.values.rbegin()->first;
}

void MetricStore::Fold(Series& series, int64_t cutoff) {
  auto end = series.buckets.lower_bound(cutoff);
  for (auto it = series.buckets.lower_bound(series.folded_before); it != end;) {
    const int64_t minute = FloorTo(it->first, 60000);
    if (minute == it->first) {
      ++it;
      continue;
    }
    auto [into, inserted] = series.buckets.try_emplace(minute);
    Second& m = into->second;
    const Second& s = it->second;
    if (inserted) m.unit = s.unit;
    Merge(m, s.sum, s.count, s.minimum, s.maximum, inserted);
    for (const auto& [v, n] : s.values) m.values[v] += n;
    it = series.buckets.erase(it);
  }
  series.folded_before = cutoff;
}

void MetricStore::Put(const Datapoint& point) {
  {
    std::lock_guard lock(mu_);
    newest_ms_ = std::max(newest_ms_, point.timestamp_ms);
    const int64_t cutoff = FloorTo(newest_ms_ - kHighResolutionWindowMs, 60000);
    Series& series = series_[point.metric];
    if (series.folded_before < cutoff) Fold(series, cutoff);
    // Old datapoints go straight into their minute.
    const int64_t key = point.timestamp_ms < cutoff ? FloorTo(point.timestamp_ms, 60000)
                                                    : FloorTo(point.timestamp_ms, 1000);
    auto [it, inserted] = series.buckets.try_emplace(key);
    Second& s = it->second;
    if (inserted) s.unit = point.unit;
    if (point.stats) {
      const StatisticSet& st = *point.stats;
      Merge(s, st.sum, st.sample_count, st.minimum, st.maximum, inserted);
    } else {
      Merge(s, point.value * point.count, point.count, point.value, point.value, inserted);
      s.values[point.value] += point.count;
    }
  }
  std::lock_guard lock(listener_mu_);
  if (listener_) listener_(point.metric);
}

std::vector<MinuteStats> MetricStore::Query(const MetricId& metric, int64_t start_ms,
                                            int64_t end_ms) const {
  std::vector<MinuteStats> out;
  for (PeriodStats& p : Aggregate(metric, FloorTo(start_ms, 60000), end_ms, 60000)) {
    if (p.start_ms < start_ms) continue;
    out.push_back({p.start_ms, p.sum, p.sample_count, p.minimum, p.maximum, std::move(p.unit)});
  }
  return out;
}

std::vector<PeriodStats> MetricStore::Aggregate(const MetricId& metric, int64_t start_ms,
                                                int64_t end_ms, int64_t period_ms) const {
  std::vector<PeriodStats> out;
  if (period_ms <= 0) return out;
  std::lock_guard lock(mu_);
  auto found = series_.find(metric);
  if (found == series_.end()) return out;
  const std::map<int64_t, Second>& buckets = found->second.buckets;
  for (auto it = buckets.lower_bound(start_ms); it != buckets.end() && it->first < end_ms; ++it) {
    const int64_t start = FloorTo(it->first, period_ms);
    const bool first = out.empty() || out.back().start_ms != start;
    if (first) {
      out.emplace_back();
      out.back().start_ms = start;
      out.back().unit = it->second.unit;
    }
    const Second& s = it->second;
    Merge(out.back(), s.sum, s.count, s.minimum, s.maximum, first);
    for (const auto& [v, n] : s.values) out.back().values[v] += n;
  }
  // A period that starts before `start_ms` was only partly read: drop it.
  if (!out.empty() && out.front().start_ms < start_ms) out.erase(out.begin());
  return out;
}

std::vector<MetricId> MetricStore::List(std::string_view region,
                                        std::optional<std::string_view> metric_namespace) const {
  std::vector<MetricId> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, series] : series_) {
    if (id.region != region) continue;
    if (metric_namespace && id.metric_namespace != *metric_namespace) continue;
    out.push_back(id);
  }
  return out;
}

void MetricStore::Clear() {
  std::lock_guard lock(mu_);
  series_.clear();
  newest_ms_ = INT64_MIN;
}

void MetricStore::SetListener(std::function<void(const MetricId&)> listener) {
  std::lock_guard lock(listener_mu_);
  listener_ = std::move(listener);
}

}  // namespace ot::monitor
