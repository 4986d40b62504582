// CloudWatch metric alarms: PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric,
// DeleteAlarms, SetAlarmState, DescribeAlarmHistory, Enable/DisableAlarmActions.

#include <algorithm>

#include "api/handlers/cw_util.h"
#include "monitor/alarm_engine.h"

namespace ot::api::handlers::cw {
namespace {

Result<std::optional<std::string>> Enum(const CwInput& in, std::string_view member,
                                        std::initializer_list<std::string_view> allowed) {
  OT_ASSIGN_OR_RETURN(auto v, in.Str(member));
  if (!v) return v;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    return Invalid("The value " + *v + " for parameter " + std::string(member) + " is invalid.");
  }
  return v;
}

Result<size_t> MaxRecords(const CwInput& in, size_t fallback) {
  OT_ASSIGN_OR_RETURN(auto n, in.Int("MaxRecords"));
  if (!n) return fallback;
  if (*n < 1 || *n > 100) {
    return Invalid("The parameter MaxRecords must be between 1 and 100.");
  }
  return static_cast<size_t>(*n);
}

Result<std::vector<std::string>> AlarmNames(const CwInput& in, bool required) {
  OT_ASSIGN_OR_RETURN(auto names, in.StrList("AlarmNames"));
  if (required && !in.Raw("AlarmNames")) return Missing("AlarmNames");
  if (names.size() > 100) {
    return Invalid("The collection AlarmNames must not have more than 100 members.");
  }
  for (const std::string& n : names) {
    if (n.empty() || n.size() > 255) {
      return Invalid("The value " + n + " for parameter AlarmNames is invalid.");
    }
  }
  return names;
}

events::Resource AlarmResource(const Services& services, std::string arn) {
  events::Resource r;
  r.arn = std::move(arn);
  r.account_id = services.account_id;
  r.type = "AWS::CloudWatch::Alarm";
  r.has_arn = r.has_account_id = r.has_type = true;
  return r;
}

void Wake(const Services& services) {
  if (services.wake_alarms) services.wake_alarms();
}

CwResult AlarmsPage(const std::vector<monitor::MetricAlarm>& alarms, size_t offset, size_t limit,
                    bool paged) {
  CwResult r;
  CwNode list = CwNode::List();
  for (size_t i = offset; i < alarms.size() && i < offset + limit; ++i) {
    list.items.push_back(AlarmNode(alarms[i]));
  }
  r.output.Add("MetricAlarms", std::move(list));
  if (paged) {
    r.output.Add("CompositeAlarms", CwNode::List());
    if (offset + limit < alarms.size()) {
      r.output.Add("NextToken",
                   CwNode::Str(EncodeToken("alarms", alarms[offset + limit - 1].name)));
    }
  }
  return r;
}

}  // namespace

Result<CwResult> PutMetricAlarm(const Services& services, const CallContext& ctx,
                                const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::AlarmStore * alarms, Alarms(services));
  monitor::MetricAlarm a;
  a.region = ctx.caller.region;
  OT_ASSIGN_OR_RETURN(a.name, in.ReqStr("AlarmName"));
  OT_ASSIGN_OR_RETURN(auto description, in.Str("AlarmDescription"));
  a.description = description.value_or("");
  OT_ASSIGN_OR_RETURN(auto enabled, in.Bool("ActionsEnabled"));
  a.actions_enabled = enabled.value_or(true);
  OT_ASSIGN_OR_RETURN(a.ok_actions, in.StrList("OKActions"));
  OT_ASSIGN_OR_RETURN(a.alarm_actions, in.StrList("AlarmActions"));
  OT_ASSIGN_OR_RETURN(a.insufficient_data_actions, in.StrList("InsufficientDataActions"));
  if (in.Raw("Metrics")) {
    return Invalid(
        "The parameter Metrics (metric math alarms) is not supported by this server; "
        "give MetricName, Namespace and Statistic.");
  }
  if (in.Raw("ThresholdMetricId")) {
    return Invalid(
        "The parameter ThresholdMetricId (anomaly detection) is not supported by this "
        "server.");
  }
  OT_ASSIGN_OR_RETURN(auto metric_name, in.Str("MetricName"));
  OT_ASSIGN_OR_RETURN(auto ns, in.Str("Namespace"));
  a.metric.region = a.region;
  a.metric.metric_name = metric_name.value_or("");
  a.metric.metric_namespace = ns.value_or("");
  OT_ASSIGN_OR_RETURN(a.metric.dimensions, in.Dimensions("Dimensions"));
  OT_ASSIGN_OR_RETURN(auto statistic, in.Str("Statistic"));
  a.statistic = statistic.value_or("");
  OT_ASSIGN_OR_RETURN(auto extended, in.Str("ExtendedStatistic"));
  a.extended_statistic = extended.value_or("");
  OT_ASSIGN_OR_RETURN(auto unit, in.Str("Unit"));
  a.unit = unit.value_or("");
  OT_ASSIGN_OR_RETURN(auto period, in.Int("Period"));
  if (!period) return Missing("Period");
  a.period_seconds = *period;
  OT_ASSIGN_OR_RETURN(auto n, in.Int("EvaluationPeriods"));
  if (!n) return Missing("EvaluationPeriods");
  a.evaluation_periods = *n;
  OT_ASSIGN_OR_RETURN(auto m, in.Int("DatapointsToAlarm"));
  a.datapoints_to_alarm = m.value_or(*n);
  OT_ASSIGN_OR_RETURN(auto threshold, in.Double("Threshold"));
  if (!threshold) return Missing("Threshold");
  a.threshold = *threshold;
  OT_ASSIGN_OR_RETURN(std::string op, in.ReqStr("ComparisonOperator"));
  auto comparison = monitor::ParseComparison(op);
  if (!comparison) {
    if (op == "LessThanLowerOrGreaterThanUpperThreshold" || op == "LessThanLowerThreshold" ||
        op == "GreaterThanUpperThreshold") {
      return Invalid("The value " + op +
                     " for parameter ComparisonOperator needs ThresholdMetricId (anomaly "
                     "detection), which this server does not support.");
    }
    return Invalid("The value " + op + " for parameter ComparisonOperator is invalid.");
  }
  a.comparison = *comparison;
  OT_ASSIGN_OR_RETURN(auto treat, in.Str("TreatMissingData"));
  if (treat) {
    auto parsed = monitor::ParseTreatMissing(*treat);
    if (!parsed) {
      return Invalid("The value " + *treat +
                     " for parameter TreatMissingData is invalid: it must be one of breaching, "
                     "notBreaching, ignore, missing.");
    }
    a.treat_missing = *parsed;
  }
  OT_ASSIGN_OR_RETURN(auto tags, in.List("Tags"));
  if (tags) {
    for (const JsonValue& t : *tags) {
      CwInput tag(t);
      OT_ASSIGN_OR_RETURN(std::string key, tag.ReqStr("Key"));
      OT_ASSIGN_OR_RETURN(auto value, tag.Str("Value"));
      a.tags.emplace_back(std::move(key), value.value_or(""));
    }
  }
  OT_RETURN_IF_ERROR(monitor::ValidateMetricAlarm(a));
  OT_ASSIGN_OR_RETURN(monitor::MetricAlarm stored, alarms->Put(std::move(a), ctx.now));
  Wake(services);
  CwResult r;
  r.resources.push_back(AlarmResource(services, stored.arn));
  return r;
}

Result<CwResult> DescribeAlarms(const Services& services, const CallContext& ctx,
                                const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::AlarmStore * alarms, Alarms(services));
  OT_ASSIGN_OR_RETURN(std::vector<std::string> names, AlarmNames(in, false));
  OT_ASSIGN_OR_RETURN(auto prefix, in.Str("AlarmNamePrefix"));
  if (prefix && in.Raw("AlarmNames") && !names.empty()) {
    return Status(Error::kInvalidParameterCombination,
                  "The parameters AlarmNames and AlarmNamePrefix are mutually exclusive.");
  }
  OT_ASSIGN_OR_RETURN(auto state, Enum(in, "StateValue", {"OK", "ALARM", "INSUFFICIENT_DATA"}));
  OT_ASSIGN_OR_RETURN(auto action_prefix, in.Str("ActionPrefix"));
  OT_ASSIGN_OR_RETURN(auto types, in.StrList("AlarmTypes"));
  for (const std::string& t : types) {
    if (t != "MetricAlarm" && t != "CompositeAlarm") {
      return Invalid("The value " + t + " for parameter AlarmTypes is invalid.");
    }
  }
  const bool metric_alarms =
      types.empty() || std::find(types.begin(), types.end(), "MetricAlarm") != types.end();
  OT_ASSIGN_OR_RETURN(size_t limit, MaxRecords(in, 50));
  OT_ASSIGN_OR_RETURN(auto token, in.Str("NextToken"));
  std::string after;
  if (token && !token->empty()) {
    OT_ASSIGN_OR_RETURN(after, DecodeToken("alarms", *token));
  }

  std::vector<monitor::MetricAlarm> matched;
  if (metric_alarms) {
    for (monitor::MetricAlarm& a : alarms->List(ctx.caller.region)) {
      if (!names.empty() && std::find(names.begin(), names.end(), a.name) == names.end()) continue;
      if (prefix && a.name.rfind(*prefix, 0) != 0) continue;
      if (state && monitor::AlarmStateName(a.state) != *state) continue;
      if (action_prefix) {
        bool any = false;
        for (const auto* list : {&a.ok_actions, &a.alarm_actions, &a.insufficient_data_actions}) {
          for (const std::string& arn : *list) any = any || arn.rfind(*action_prefix, 0) == 0;
        }
        if (!any) continue;
      }
      if (!after.empty() && a.name <= after) continue;
      matched.push_back(std::move(a));
    }
  }
  return AlarmsPage(matched, 0, limit, true);
}

Result<CwResult> DescribeAlarmsForMetric(const Services& services, const CallContext& ctx,
                                         const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::AlarmStore * alarms, Alarms(services));
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqStr("MetricName"));
  OT_ASSIGN_OR_RETURN(std::string ns, in.ReqStr("Namespace"));
  OT_ASSIGN_OR_RETURN(auto statistic, in.Str("Statistic"));
  OT_ASSIGN_OR_RETURN(auto extended, in.Str("ExtendedStatistic"));
  OT_ASSIGN_OR_RETURN(auto dims, in.Dimensions("Dimensions"));
  OT_ASSIGN_OR_RETURN(auto period, in.Int("Period"));
  OT_ASSIGN_OR_RETURN(auto unit, in.Str("Unit"));
  std::vector<monitor::MetricAlarm> matched;
  for (monitor::MetricAlarm& a : alarms->List(ctx.caller.region)) {
    if (a.metric.metric_name != name || a.metric.metric_namespace != ns) continue;
    if (in.Raw("Dimensions") && a.metric.dimensions != dims) continue;
    if (statistic && a.statistic != *statistic) continue;
    if (extended && a.extended_statistic != *extended) continue;
    if (period && a.period_seconds != *period) continue;
    if (unit && a.unit != *unit) continue;
    matched.push_back(std::move(a));
  }
  return AlarmsPage(matched, 0, matched.size(), false);
}

Result<CwResult> DeleteAlarms(const Services& services, const CallContext& ctx, const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::AlarmStore * alarms, Alarms(services));
  OT_ASSIGN_OR_RETURN(std::vector<std::string> names, AlarmNames(in, true));
  OT_RETURN_IF_ERROR(alarms->Delete(ctx.caller.region, names));
  CwResult r;
  for (const std::string& n : names) {
    r.resources.push_back(AlarmResource(services, alarms->AlarmArn(ctx.caller.region, n)));
  }
  return r;
}

Result<CwResult> SetAlarmState(const Services& services, const CallContext& ctx,
                               const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::AlarmStore * alarms, Alarms(services));
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqStr("AlarmName"));
  OT_ASSIGN_OR_RETURN(std::string value, in.ReqStr("StateValue"));
  auto state = monitor::ParseAlarmState(value);
  if (!state) return Invalid("The value " + value + " for parameter StateValue is invalid.");
  OT_ASSIGN_OR_RETURN(std::string reason, in.ReqStr("StateReason"));
  if (reason.size() > 1023) {
    return Invalid("The parameter StateReason must be shorter than 1024 characters.");
  }
  OT_ASSIGN_OR_RETURN(auto data, in.Str("StateReasonData"));
  if (data && !data->empty()) {
    auto parsed = JsonDocument::Parse(*data);
    if (!parsed.ok() || !(*parsed)->root().is_object()) {
      return Status(Error::kInvalidParameterValue,
                    "The parameter StateReasonData must be a JSON object.");
    }
  }
  if (services.alarm_engine == nullptr) {
    return Status(Error::kInternal, "this server runs without an alarm engine");
  }
  OT_RETURN_IF_ERROR(services.alarm_engine->SetState(
      ctx.caller.region, name, *state, std::move(reason), data.value_or(""), ctx.now));
  CwResult r;
  r.resources.push_back(AlarmResource(services, alarms->AlarmArn(ctx.caller.region, name)));
  return r;
}

Result<CwResult> DescribeAlarmHistory(const Services& services, const CallContext& ctx,
                                      const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::AlarmStore * alarms, Alarms(services));
  monitor::AlarmHistoryQuery q;
  q.region = ctx.caller.region;
  OT_ASSIGN_OR_RETURN(auto name, in.Str("AlarmName"));
  q.alarm_name = name.value_or("");
  OT_ASSIGN_OR_RETURN(
      auto type, Enum(in, "HistoryItemType", {"ConfigurationUpdate", "StateUpdate", "Action"}));
  q.type = type.value_or("");
  OT_ASSIGN_OR_RETURN(auto types, in.StrList("AlarmTypes"));
  for (const std::string& t : types) {
    if (t != "MetricAlarm" && t != "CompositeAlarm") {
      return Invalid("The value " + t + " for parameter AlarmTypes is invalid.");
    }
  }
  OT_ASSIGN_OR_RETURN(q.start, in.Time("StartDate"));
  OT_ASSIGN_OR_RETURN(q.end, in.Time("EndDate"));
  if (q.start && q.end && *q.start > *q.end) {
    return Invalid("The parameter StartDate must be less than the parameter EndDate.");
  }
  OT_ASSIGN_OR_RETURN(auto scan_by,
                      Enum(in, "ScanBy", {"TimestampDescending", "TimestampAscending"}));
  q.oldest_first = scan_by && *scan_by == "TimestampAscending";
  OT_ASSIGN_OR_RETURN(size_t limit, MaxRecords(in, 100));
  OT_ASSIGN_OR_RETURN(auto token, in.Str("NextToken"));
  size_t offset = 0;
  if (token && !token->empty()) {
    OT_ASSIGN_OR_RETURN(std::string pos, DecodeToken("history", *token));
    offset = std::strtoull(pos.c_str(), nullptr, 10);
  }
  std::vector<monitor::AlarmHistoryItem> items;
  if (types.empty() || std::find(types.begin(), types.end(), "MetricAlarm") != types.end()) {
    items = alarms->History(q);
  }
  CwResult r;
  CwNode list = CwNode::List();
  for (size_t i = offset; i < items.size() && i < offset + limit; ++i) {
    const monitor::AlarmHistoryItem& h = items[i];
    CwNode item;
    item.Add("AlarmName", CwNode::Str(h.alarm_name));
    item.Add("AlarmType", CwNode::Str("MetricAlarm"));
    item.Add("Timestamp", CwNode::Time(h.timestamp));
    item.Add("HistoryItemType", CwNode::Str(h.type));
    item.Add("HistorySummary", CwNode::Str(h.summary));
    item.Add("HistoryData", CwNode::Str(h.data));
    list.items.push_back(std::move(item));
  }
  r.output.Add("AlarmHistoryItems", std::move(list));
  if (offset + limit < items.size()) {
    r.output.Add("NextToken", CwNode::Str(EncodeToken("history", std::to_string(offset + limit))));
  }
  return r;
}

Result<CwResult> EnableAlarmActions(const Services& services, const CallContext& ctx,
                                    const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::AlarmStore * alarms, Alarms(services));
  OT_ASSIGN_OR_RETURN(std::vector<std::string> names, AlarmNames(in, true));
  OT_RETURN_IF_ERROR(alarms->SetActionsEnabled(ctx.caller.region, names, true, ctx.now));
  return CwResult{};
}

Result<CwResult> DisableAlarmActions(const Services& services, const CallContext& ctx,
                                     const CwInput& in) {
  OT_ASSIGN_OR_RETURN(monitor::AlarmStore * alarms, Alarms(services));
  OT_ASSIGN_OR_RETURN(std::vector<std::string> names, AlarmNames(in, true));
  OT_RETURN_IF_ERROR(alarms->SetActionsEnabled(ctx.caller.region, names, false, ctx.now));
  return CwResult{};
}

}  // namespace ot::api::handlers::cw
