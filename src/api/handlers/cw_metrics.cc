// CloudWatch metrics: PutMetricData, ListMetrics, GetMetricStatistics, GetMetricData.

#include <algorithm>
#include <cmath>
#include <regex>

#include "api/handlers/cw_util.h"
#include "common/time.h"
#include "monitor/alarms.h"

namespace ot::api::handlers::cw {
namespace {

constexpr std::chrono::hours kMaxAge{14 * 24};  // PutMetricData accepts two weeks back
constexpr std::chrono::hours kMaxAhead{2};      // and two hours ahead

int64_t Ms(SysMillis t) { return t.time_since_epoch().count(); }

Result<std::string> ReqNamespace(const CwInput& in, std::string_view name) {
  OT_ASSIGN_OR_RETURN(std::string ns, in.ReqStr(name));
  if (ns.size() > 255) return Invalid("The parameter " + std::string(name) + " is too long.");
  return ns;
}

Status FiniteValue(double v, std::string_view member) {
  if (!std::isfinite(v) || std::fabs(v) > 1e108 || (v != 0 && std::fabs(v) < 1e-130)) {
    return Invalid("The value " + std::to_string(v) + " for parameter " + std::string(member) +
                   " is invalid.");
  }
  return Status::Ok();
}

Result<std::string> UnitMember(const CwInput& in, std::string_view member) {
  OT_ASSIGN_OR_RETURN(auto unit, in.Str("Unit"));
  if (!unit) return std::string();
  if (!monitor::IsValidUnit(*unit)) {
    return Invalid("The value " + *unit + " for parameter " + std::string(member) + " is invalid.");
  }
  return *unit;
}

// Periods GetMetricStatistics/GetMetricData accept: 1, 5, 10, 20, 30 or a multiple of 60.
Status CheckPeriod(int64_t p, std::string_view member) {
  if (p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || (p >= 60 && p % 60 == 0)) {
    return Status::Ok();
  }
  return Invalid("The parameter " + std::string(member) +
                 " must be 1, 5, 10, 20, 30 or a multiple of 60.");
}

Result<std::pair<SysMillis, SysMillis>> TimeRange(const CwInput& in) {
  OT_ASSIGN_OR_RETURN(auto start, in.Time("StartTime"));
  if (!start) return Missing("StartTime");
  OT_ASSIGN_OR_RETURN(auto end, in.Time("EndTime"));
  if (!end) return Missing("EndTime");
  if (*start >= *end) {
    return Invalid("The parameter StartTime must be less than the parameter EndTime.");
  }
  return std::pair{*start, *end};
}

CwNode DimensionsNode(const std::vector<std::pair<std::string, std::string>>& dims) {
  CwNode list = CwNode::List();
  for (const auto& [k, v] : dims) {
    CwNode d;
    d.Add("Name", CwNode::Str(k)).Add("Value", CwNode::Str(v));
    list.items.push_back(std::move(d));
  }
  return list;
}

Result<monitor::MetricStore*> Metrics(const Services& services) {
  OT_RETURN_IF_ERROR(Alarms(services).status());
  return services.metric_store;
}

}  // namespace

Result<CwResult> PutMetricData(const Services& services, const CallContext& ctx,
                               const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::MetricStore * store, Metrics(services));
  OT_ASSIGN_OR_RETURN(std::string ns, ReqNamespace(in, "Namespace"));
  if (ns.rfind("AWS/", 0) == 0) {
    return Invalid("The value AWS/ for parameter Namespace is invalid.");
  }
  OT_ASSIGN_OR_RETURN(auto data, in.List("MetricData"));
  if (!data || data->empty()) return Missing("MetricData");
  if (data->size() > 1000) {
    return Invalid("The collection MetricData must not have more than 1000 members.");
  }
  std::vector<monitor::Datapoint> points;
  for (size_t i = 0; i < data->size(); ++i) {
    const std::string at = "MetricData.member." + std::to_string(i + 1);
    CwInput d((*data)[i]);
    monitor::Datapoint base;
    base.metric.region = ctx.caller.region;
    base.metric.metric_namespace = ns;
    OT_ASSIGN_OR_RETURN(base.metric.metric_name, d.ReqStr("MetricName"));
    if (base.metric.metric_name.size() > 255) {
      return Invalid("The parameter " + at + ".MetricName is too long.");
    }
    OT_ASSIGN_OR_RETURN(base.metric.dimensions, d.Dimensions("Dimensions"));
    OT_ASSIGN_OR_RETURN(base.unit, UnitMember(d, at + ".Unit"));
    if (base.unit.empty()) base.unit = "None";
    OT_ASSIGN_OR_RETURN(auto ts, d.Time("Timestamp"));
    SysMillis t = ts.value_or(ctx.now);
    if (t < ctx.now - kMaxAge || t > ctx.now + kMaxAhead) {
      return Invalid("The parameter " + at +
                     ".Timestamp must specify a time no more than two weeks in the past and no "
                     "more than two hours in the future.");
    }
    base.timestamp_ms = Ms(t);
    OT_ASSIGN_OR_RETURN(auto value, d.Double("Value"));
    OT_ASSIGN_OR_RETURN(auto values, d.List("Values"));
    auto stats_raw = d.Raw("StatisticValues");
    const int given = (value ? 1 : 0) + (values ? 1 : 0) + (stats_raw ? 1 : 0);
    if (given > 1) {
      return Status(Error::kInvalidParameterCombination,
                    "The parameters " + at + ".Value, " + at + ".Values and " + at +
                        ".StatisticValues are mutually exclusive.");
    }
    if (given == 0) {
      return Status(Error::kMissingParameter, "One of the parameters " + at + ".Value, " + at +
                                                  ".Values or " + at +
                                                  ".StatisticValues is required.");
    }
    if (value) {
      OT_RETURN_IF_ERROR(FiniteValue(*value, at + ".Value"));
      base.value = *value;
      points.push_back(base);
    } else if (values) {
      OT_ASSIGN_OR_RETURN(auto counts, d.List("Counts"));
      if (values->size() > 150) {
        return Invalid("The collection " + at + ".Values must not have more than 150 members.");
      }
      if (counts && counts->size() != values->size()) {
        return Invalid("The parameters " + at + ".Values and " + at +
                       ".Counts must be of the same size.");
      }
      for (size_t j = 0; j < values->size(); ++j) {
        auto number = [&](JsonValue v, std::string_view member) -> Result<double> {
          if (v.type() == JsonValue::Type::kNumber) return v.AsDouble();
          if (v.is_string()) {
            std::string text(v.AsString());
            char* end = nullptr;
            double dv = std::strtod(text.c_str(), &end);
            if (!text.empty() && end == text.c_str() + text.size()) return dv;
          }
          return Invalid("The parameter " + std::string(member) + " must be a number.");
        };
        monitor::Datapoint p = base;
        OT_ASSIGN_OR_RETURN(p.value, number((*values)[j], at + ".Values"));
        OT_RETURN_IF_ERROR(FiniteValue(p.value, at + ".Values"));
        if (counts) {
          OT_ASSIGN_OR_RETURN(p.count, number((*counts)[j], at + ".Counts"));
          if (!(p.count > 0)) continue;
        }
        points.push_back(std::move(p));
      }
    } else {
      CwInput s(*stats_raw);
      monitor::StatisticSet set;
      const std::pair<std::string_view, double*> members[] = {{"SampleCount", &set.sample_count},
                                                              {"Sum", &set.sum},
                                                              {"Minimum", &set.minimum},
                                                              {"Maximum", &set.maximum}};
      for (const auto& [name, field] : members) {
        OT_ASSIGN_OR_RETURN(auto v, s.Double(name));
        if (!v) return Missing(at + ".StatisticValues." + std::string(name));
        OT_RETURN_IF_ERROR(FiniteValue(*v, at + ".StatisticValues." + std::string(name)));
        *field = *v;
      }
      if (set.sample_count <= 0 || set.minimum > set.maximum) {
        return Invalid("The parameter " + at +
                       ".StatisticValues must have SampleCount > 0 and Minimum <= Maximum.");
      }
      base.stats = set;
      points.push_back(base);
    }
  }
  // Durable first: an acknowledged datapoint survives a restart.
  if (services.metric_data_log != nullptr) {
    OT_RETURN_IF_ERROR(services.metric_data_log->Append(points));
  }
  for (const monitor::Datapoint& p : points) store->Put(p);
  return CwResult{};
}

Result<CwResult> ListMetrics(const Services& services, const CallContext& ctx, const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::MetricStore * store, Metrics(services));
  OT_ASSIGN_OR_RETURN(auto ns, in.Str("Namespace"));
  OT_ASSIGN_OR_RETURN(auto name, in.Str("MetricName"));
  OT_ASSIGN_OR_RETURN(auto filters, in.Dimensions("Dimensions", /*value_optional=*/true));
  OT_ASSIGN_OR_RETURN(auto token, in.Str("NextToken"));
  size_t offset = 0;
  if (token && !token->empty()) {
    OT_ASSIGN_OR_RETURN(std::string pos, DecodeToken("metrics", *token));
    offset = std::strtoull(pos.c_str(), nullptr, 10);
  }
  std::vector<monitor::MetricId> all =
      ns ? store->List(ctx.caller.region, *ns) : store->List(ctx.caller.region);
  std::vector<monitor::MetricId> matched;
  for (monitor::MetricId& id : all) {
    if (name && id.metric_name != *name) continue;
    bool ok = true;
    // No structured binding here: clang 14 (the fuzz build) cannot capture one in the lambda.
    for (const auto& filter : filters) {
      auto it = std::find_if(id.dimensions.begin(), id.dimensions.end(),
                             [&](const auto& d) { return d.first == filter.first; });
      if (it == id.dimensions.end() || (!filter.second.empty() && it->second != filter.second)) {
        ok = false;
      }
    }
    if (ok) matched.push_back(std::move(id));
  }
  constexpr size_t kPage = 500;
  CwResult r;
  CwNode metrics = CwNode::List();
  for (size_t i = offset; i < matched.size() && i < offset + kPage; ++i) {
    CwNode m;
    m.Add("Namespace", CwNode::Str(matched[i].metric_namespace));
    m.Add("MetricName", CwNode::Str(matched[i].metric_name));
    m.Add("Dimensions", DimensionsNode(matched[i].dimensions));
    metrics.items.push_back(std::move(m));
  }
  r.output.Add("Metrics", std::move(metrics));
  if (offset + kPage < matched.size()) {
    r.output.Add("NextToken", CwNode::Str(EncodeToken("metrics", std::to_string(offset + kPage))));
  }
  return r;
}

Result<CwResult> GetMetricStatistics(const Services& services, const CallContext& ctx,
                                     const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::MetricStore * store, Metrics(services));
  monitor::MetricId id;
  id.region = ctx.caller.region;
  OT_ASSIGN_OR_RETURN(id.metric_namespace, ReqNamespace(in, "Namespace"));
  OT_ASSIGN_OR_RETURN(id.metric_name, in.ReqStr("MetricName"));
  OT_ASSIGN_OR_RETURN(id.dimensions, in.Dimensions("Dimensions"));
  OT_ASSIGN_OR_RETURN(auto range, TimeRange(in));
  OT_ASSIGN_OR_RETURN(auto period, in.Int("Period"));
  if (!period) return Missing("Period");
  OT_RETURN_IF_ERROR(CheckPeriod(*period, "Period"));
  OT_ASSIGN_OR_RETURN(auto stats, in.StrList("Statistics"));
  OT_ASSIGN_OR_RETURN(auto extended, in.StrList("ExtendedStatistics"));
  if (stats.empty() && extended.empty()) {
    return Status(Error::kMissingParameter,
                  "The parameter Statistics or ExtendedStatistics is required.");
  }
  if (stats.size() > 5 || extended.size() > 10) {
    return Invalid(
        "The collection Statistics must not have more than 5 members and "
        "ExtendedStatistics more than 10.");
  }
  for (const std::string& s : stats) {
    if (!monitor::IsValidStatistic(s)) {
      return Invalid("The value " + s + " for parameter Statistics is invalid.");
    }
  }
  for (const std::string& s : extended) {
    if (!monitor::ParseExtendedStatistic(s)) {
      return Invalid("The value " + s + " for parameter ExtendedStatistics is invalid.");
    }
  }
  OT_ASSIGN_OR_RETURN(std::string unit, UnitMember(in, "Unit"));
  const int64_t period_ms = *period * 1000;
  const int64_t wanted = (Ms(range.second) - Ms(range.first) + period_ms - 1) / period_ms;
  if (wanted > 1440) {
    return Status(Error::kInvalidParameterCombination,
                  "You have requested up to " + std::to_string(wanted) +
                      " datapoints, which exceeds the limit of 1,440. You may reduce the "
                      "datapoints requested by increasing Period, or decreasing the time range.");
  }
  CwResult r;
  r.output.Add("Label", CwNode::Str(id.metric_name));
  CwNode points = CwNode::List();
  for (const monitor::PeriodStats& p :
       store->Aggregate(id, Ms(range.first), Ms(range.second), period_ms)) {
    if (!unit.empty() && p.unit != unit) continue;
    CwNode d;
    d.Add("Timestamp", CwNode::Time(SysMillis(std::chrono::milliseconds(p.start_ms))));
    for (const std::string& s : stats) {
      d.Add(s, CwNode::Num(*monitor::StatisticValue(p, s)));
    }
    d.Add("Unit", CwNode::Str(p.unit));
    if (!extended.empty()) {
      CwNode map;
      map.kind = CwNode::Kind::kMap;
      for (const std::string& s : extended) {
        if (auto v = monitor::StatisticValue(p, s)) map.Add(s, CwNode::Num(*v));
      }
      d.Add("ExtendedStatistics", std::move(map));
    }
    points.items.push_back(std::move(d));
  }
  r.output.Add("Datapoints", std::move(points));
  return r;
}

Result<CwResult> GetMetricData(const Services& services, const CallContext& ctx,
                               const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::MetricStore * store, Metrics(services));
  OT_ASSIGN_OR_RETURN(auto queries, in.List("MetricDataQueries"));
  if (!queries || queries->empty()) return Missing("MetricDataQueries");
  if (queries->size() > 500) {
    return Invalid("The collection MetricDataQueries must not have more than 500 members.");
  }
  OT_ASSIGN_OR_RETURN(auto range, TimeRange(in));
  OT_ASSIGN_OR_RETURN(auto scan_by, in.Str("ScanBy"));
  const bool ascending = scan_by && *scan_by == "TimestampAscending";
  if (scan_by && !ascending && *scan_by != "TimestampDescending") {
    return Invalid("The value " + *scan_by + " for parameter ScanBy is invalid.");
  }
  OT_ASSIGN_OR_RETURN(auto token, in.Str("NextToken"));
  if (token && !token->empty()) OT_RETURN_IF_ERROR(DecodeToken("data", *token).status());
  static const std::regex kId("[a-z][a-zA-Z0-9_]*");
  CwResult r;
  CwNode results = CwNode::List();
  for (size_t i = 0; i < queries->size(); ++i) {
    const std::string at = "MetricDataQueries.member." + std::to_string(i + 1);
    CwInput q((*queries)[i]);
    OT_ASSIGN_OR_RETURN(std::string id, q.ReqStr("Id"));
    if (!std::regex_match(id, kId) || id.size() > 255) {
      return Invalid("The value " + id + " for parameter " + at +
                     ".Id is invalid: it must start with a lowercase letter and contain only "
                     "letters, digits and underscores.");
    }
    OT_ASSIGN_OR_RETURN(auto expression, q.Str("Expression"));
    if (expression) {
      return Invalid("The parameter " + at +
                     ".Expression is not supported: this server evaluates MetricStat queries "
                     "only, not metric math.");
    }
    auto stat_raw = q.Raw("MetricStat");
    if (!stat_raw) return Missing(at + ".MetricStat");
    CwInput ms(*stat_raw);
    auto metric_raw = ms.Raw("Metric");
    if (!metric_raw) return Missing(at + ".MetricStat.Metric");
    CwInput m(*metric_raw);
    monitor::MetricId metric;
    metric.region = ctx.caller.region;
    OT_ASSIGN_OR_RETURN(metric.metric_namespace, ReqNamespace(m, "Namespace"));
    OT_ASSIGN_OR_RETURN(metric.metric_name, m.ReqStr("MetricName"));
    OT_ASSIGN_OR_RETURN(metric.dimensions, m.Dimensions("Dimensions"));
    OT_ASSIGN_OR_RETURN(auto period, ms.Int("Period"));
    if (!period) return Missing(at + ".MetricStat.Period");
    OT_RETURN_IF_ERROR(CheckPeriod(*period, at + ".MetricStat.Period"));
    OT_ASSIGN_OR_RETURN(std::string stat, ms.ReqStr("Stat"));
    if (!monitor::IsValidStatistic(stat) && !monitor::ParseExtendedStatistic(stat)) {
      return Invalid("The value " + stat + " for parameter " + at + ".MetricStat.Stat is invalid.");
    }
    OT_ASSIGN_OR_RETURN(std::string unit, UnitMember(ms, at + ".MetricStat.Unit"));
    OT_ASSIGN_OR_RETURN(auto label, q.Str("Label"));
    OT_ASSIGN_OR_RETURN(auto return_data, q.Bool("ReturnData"));
    if (return_data && !*return_data) continue;
    std::vector<monitor::PeriodStats> periods =
        store->Aggregate(metric, Ms(range.first), Ms(range.second), *period * 1000);
    if (!ascending) std::reverse(periods.begin(), periods.end());
    CwNode timestamps = CwNode::List(), values = CwNode::List();
    for (const monitor::PeriodStats& p : periods) {
      if (!unit.empty() && p.unit != unit) continue;
      auto v = monitor::StatisticValue(p, stat);
      if (!v) continue;
      timestamps.items.push_back(CwNode::Time(SysMillis(std::chrono::milliseconds(p.start_ms))));
      values.items.push_back(CwNode::Num(*v));
    }
    CwNode result;
    result.Add("Id", CwNode::Str(id));
    result.Add("Label", CwNode::Str(label.value_or(metric.metric_name)));
    result.Add("Timestamps", std::move(timestamps));
    result.Add("Values", std::move(values));
    result.Add("StatusCode", CwNode::Str("Complete"));
    results.items.push_back(std::move(result));
  }
  r.output.Add("MetricDataResults", std::move(results));
  r.output.Add("Messages", CwNode::List());
  return r;
}

}  // namespace ot::api::handlers::cw
