// CloudWatch Logs metric filters: PutMetricFilter, DescribeMetricFilters, DeleteMetricFilter,
// TestMetricFilter (spec/filter-patterns.md §5).

#include "api/handlers/logs_util.h"
#include "api/handlers/operation.h"
#include "common/json_writer.h"
#include "monitor/filter_pattern.h"

namespace ot::api::handlers {
namespace {

Result<monitor::MetricTransformation> ReadTransformation(JsonValue v) {
  if (!v.is_object()) {
    return Status(Error::kSerialization, "Expected an object for 'metricTransformations[0]'.");
  }
  logs::Input in(v);
  monitor::MetricTransformation t;
  OT_ASSIGN_OR_RETURN(t.metric_name, in.ReqString("metricName"));
  OT_ASSIGN_OR_RETURN(t.metric_namespace, in.ReqString("metricNamespace"));
  OT_ASSIGN_OR_RETURN(t.metric_value, in.ReqString("metricValue"));
  std::optional<JsonValue> def = v.Get("defaultValue");
  if (def && !def->is_null()) {
    if (def->type() != JsonValue::Type::kNumber) {
      return Status(Error::kSerialization, "Expected a number for 'defaultValue'.");
    }
    t.default_value = def->AsDouble();
  }
  OT_ASSIGN_OR_RETURN(auto dims, in.OptStringMap("dimensions"));
  for (auto& [k, val] : dims) t.dimensions.emplace_back(k, val);
  OT_ASSIGN_OR_RETURN(auto unit, in.OptString("unit"));
  t.unit = unit.value_or("");
  return t;
}

void WriteTransformation(const monitor::MetricTransformation& t, JsonWriter& w) {
  w.BeginObject();
  w.Key("metricName").String(t.metric_name);
  w.Key("metricNamespace").String(t.metric_namespace);
  w.Key("metricValue").String(t.metric_value);
  if (t.default_value) w.Key("defaultValue").Double(*t.default_value);
  if (!t.dimensions.empty()) {
    w.Key("dimensions").BeginObject();
    for (const auto& [k, v] : t.dimensions) w.Key(k).String(v);
    w.EndObject();
  }
  if (!t.unit.empty()) w.Key("unit").String(t.unit);
  w.EndObject();
}

}  // namespace

Result<Outcome> PutMetricFilter(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  monitor::MetricFilter f;
  OT_ASSIGN_OR_RETURN(f.log_group, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(f.name, in.ReqString("filterName"));
  OT_ASSIGN_OR_RETURN(f.pattern, in.ReqString("filterPattern"));
  OT_ASSIGN_OR_RETURN(auto list, in.OptList("metricTransformations"));
  if (!list) return logs::Missing("metricTransformations");
  if (list->size() != 1) {
    return Status(
        Error::kInvalidParameter,
        "1 validation error detected: Value at 'metricTransformations' failed to "
        "satisfy constraint: Member must have length " +
            std::string(list->empty() ? "greater than or equal to 1" : "less than or equal to 1"));
  }
  OT_ASSIGN_OR_RETURN(f.transformation, ReadTransformation((*list)[0]));
  OT_RETURN_IF_ERROR(store->PutMetricFilter(ctx.caller.region, f));
  Outcome out;
  out.body = "{}";
  out.resources = logs::GroupResource(services, ctx, f.log_group);
  return out;
}

Result<Outcome> DescribeMetricFilters(const Services& services, const CallContext& ctx,
                                      JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  monitor::MetricFilterQuery q;
  OT_ASSIGN_OR_RETURN(q.group, in.OptString("logGroupName"));
  OT_ASSIGN_OR_RETURN(auto prefix, in.OptString("filterNamePrefix"));
  OT_ASSIGN_OR_RETURN(q.metric_name, in.OptString("metricName"));
  OT_ASSIGN_OR_RETURN(q.metric_namespace, in.OptString("metricNamespace"));
  OT_ASSIGN_OR_RETURN(auto token, in.OptString("nextToken"));
  OT_ASSIGN_OR_RETURN(q.limit, in.Limit("limit", 1, 50, 50));
  q.name_prefix = prefix.value_or("");
  q.next_token = token.value_or("");
  OT_ASSIGN_OR_RETURN(auto page, store->DescribeMetricFilters(ctx.caller.region, q));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("metricFilters").BeginArray();
  for (const monitor::MetricFilter& f : page.items) {
    w.BeginObject();
    w.Key("filterName").String(f.name);
    w.Key("filterPattern").String(f.pattern);
    w.Key("metricTransformations").BeginArray();
    WriteTransformation(f.transformation, w);
    w.EndArray();
    w.Key("creationTime").Int(f.creation_time_ms);
    w.Key("logGroupName").String(f.log_group);
    w.EndObject();
  }
  w.EndArray();
  if (!page.next_token.empty()) w.Key("nextToken").String(page.next_token);
  w.EndObject();
  if (q.group) out.resources = logs::GroupResource(services, ctx, *q.group);
  return out;
}

Result<Outcome> DeleteMetricFilter(const Services& services, const CallContext& ctx,
                                   JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string group, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("filterName"));
  OT_RETURN_IF_ERROR(store->DeleteMetricFilter(ctx.caller.region, group, name));
  Outcome out;
  out.body = "{}";
  out.resources = logs::GroupResource(services, ctx, group);
  return out;
}

// Needs no log group: matches the messages of the request against the pattern.
Result<Outcome> TestMetricFilter(const Services&, const CallContext&, JsonValue input) {
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string text, in.ReqString("filterPattern"));
  OT_ASSIGN_OR_RETURN(auto list, in.OptList("logEventMessages"));
  if (!list) return logs::Missing("logEventMessages");
  if (list->empty() || list->size() > 50) {
    return Status(
        Error::kInvalidParameter,
        "1 validation error detected: Value at 'logEventMessages' failed to satisfy "
        "constraint: Member must have length " +
            std::string(list->empty() ? "greater than or equal to 1" : "less than or equal to 50"));
  }
  OT_ASSIGN_OR_RETURN(std::vector<std::string> messages, in.OptStringList("logEventMessages"));
  OT_ASSIGN_OR_RETURN(monitor::FilterPattern pattern, monitor::CompileFilterPattern(text));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("matches").BeginArray();
  monitor::EventFields fields("");
  for (size_t i = 0; i < messages.size(); ++i) {
    fields.Reset(messages[i]);
    if (!monitor::Matches(pattern, fields)) continue;
    w.BeginObject().Key("eventNumber").Uint(i + 1).Key("eventMessage").String(messages[i]);
    w.Key("extractedValues").BeginObject();
    for (const monitor::ExtractedValue& v : monitor::ExtractValues(pattern, fields)) {
      w.Key(v.selector).String(v.value);
    }
    w.EndObject().EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

}  // namespace ot::api::handlers
