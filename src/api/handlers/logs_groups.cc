// CloudWatch Logs log groups and log streams: CreateLogGroup, DeleteLogGroup, DescribeLogGroups,
// PutRetentionPolicy, DeleteRetentionPolicy, TagLogGroup, UntagLogGroup, ListTagsLogGroup,
// CreateLogStream, DeleteLogStream, DescribeLogStreams (botocore logs/2014-03-28).

#include "api/handlers/logs_util.h"
#include "api/handlers/operation.h"
#include "common/json_writer.h"

namespace ot::api::handlers {
namespace {

Outcome Empty(const Services& services, const CallContext& ctx, std::string_view group) {
  Outcome out;
  out.body = "{}";
  out.resources = logs::GroupResource(services, ctx, group);
  return out;
}

}  // namespace

Result<Outcome> CreateLogGroup(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(auto tags, in.OptStringMap("tags"));
  OT_ASSIGN_OR_RETURN(auto kms, in.OptString("kmsKeyId"));
  if (kms) {
    return Status(Error::kInvalidParameter,
                  "Encryption of log groups with KMS keys is not supported by this server.");
  }
  OT_RETURN_IF_ERROR(store->CreateLogGroup(ctx.caller.region, name, tags).status());
  return Empty(services, ctx, name);
}

Result<Outcome> DeleteLogGroup(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("logGroupName"));
  OT_RETURN_IF_ERROR(store->DeleteLogGroup(ctx.caller.region, name));
  return Empty(services, ctx, name);
}

Result<Outcome> DescribeLogGroups(const Services& services, const CallContext& ctx,
                                  JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  monitor::GroupQuery q;
  OT_ASSIGN_OR_RETURN(auto prefix, in.OptString("logGroupNamePrefix"));
  OT_ASSIGN_OR_RETURN(auto pattern, in.OptString("logGroupNamePattern"));
  OT_ASSIGN_OR_RETURN(auto token, in.OptString("nextToken"));
  OT_ASSIGN_OR_RETURN(q.limit, in.Limit("limit", 1, 50, 50));
  q.prefix = prefix.value_or("");
  q.pattern = pattern.value_or("");
  q.next_token = token.value_or("");
  if (prefix) OT_RETURN_IF_ERROR(monitor::ValidateLogGroupName(*prefix, "logGroupNamePrefix"));
  OT_ASSIGN_OR_RETURN(auto page, store->DescribeLogGroups(ctx.caller.region, q));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("logGroups").BeginArray();
  for (const monitor::LogGroup& g : page.items) {
    w.BeginObject();
    w.Key("logGroupName").String(g.name);
    w.Key("creationTime").Int(g.creation_time_ms);
    if (g.retention_in_days) w.Key("retentionInDays").Int(*g.retention_in_days);
    w.Key("metricFilterCount").Uint(g.metric_filter_count);
    w.Key("arn").String(g.arn);
    w.Key("storedBytes").Uint(g.stored_bytes);
    w.EndObject();
  }
  w.EndArray();
  if (!page.next_token.empty()) w.Key("nextToken").String(page.next_token);
  w.EndObject();
  return out;
}

Result<Outcome> PutRetentionPolicy(const Services& services, const CallContext& ctx,
                                   JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(auto days, in.OptLong("retentionInDays"));
  if (!days) return logs::Missing("retentionInDays");
  const int clamped = static_cast<int>(std::clamp<int64_t>(*days, -1, 100000));
  OT_RETURN_IF_ERROR(store->PutRetentionPolicy(ctx.caller.region, name, clamped));
  return Empty(services, ctx, name);
}

Result<Outcome> DeleteRetentionPolicy(const Services& services, const CallContext& ctx,
                                      JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("logGroupName"));
  OT_RETURN_IF_ERROR(store->DeleteRetentionPolicy(ctx.caller.region, name));
  return Empty(services, ctx, name);
}

Result<Outcome> TagLogGroup(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(auto tags, in.OptStringMap("tags"));
  if (tags.empty()) return logs::Missing("tags");
  OT_RETURN_IF_ERROR(store->TagLogGroup(ctx.caller.region, name, tags));
  return Empty(services, ctx, name);
}

Result<Outcome> UntagLogGroup(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(auto keys, in.OptStringList("tags"));
  if (keys.empty()) return logs::Missing("tags");
  OT_RETURN_IF_ERROR(store->UntagLogGroup(ctx.caller.region, name, keys));
  return Empty(services, ctx, name);
}

Result<Outcome> ListTagsLogGroup(const Services& services, const CallContext& ctx,
                                 JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("logGroupName"));
  OT_RETURN_IF_ERROR(monitor::ValidateLogGroupName(name));
  OT_ASSIGN_OR_RETURN(monitor::LogGroup g, store->GetLogGroup(ctx.caller.region, name));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("tags").BeginObject();
  for (const auto& [k, v] : g.tags) w.Key(k).String(v);
  w.EndObject().EndObject();
  out.resources = logs::GroupResource(services, ctx, name);
  return out;
}

Result<Outcome> CreateLogStream(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string group, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(std::string stream, in.ReqString("logStreamName"));
  OT_RETURN_IF_ERROR(store->CreateLogStream(ctx.caller.region, group, stream));
  return Empty(services, ctx, group);
}

Result<Outcome> DeleteLogStream(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string group, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(std::string stream, in.ReqString("logStreamName"));
  OT_RETURN_IF_ERROR(store->DeleteLogStream(ctx.caller.region, group, stream));
  return Empty(services, ctx, group);
}

Result<Outcome> DescribeLogStreams(const Services& services, const CallContext& ctx,
                                   JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  monitor::StreamQuery q;
  OT_ASSIGN_OR_RETURN(auto group, in.OptString("logGroupName"));
  OT_ASSIGN_OR_RETURN(auto identifier, in.OptString("logGroupIdentifier"));
  if (group && identifier) {
    return Status(Error::kInvalidParameter,
                  "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (identifier) {
    auto parsed = monitor::ParseLogGroupArn(*identifier);
    group = parsed ? parsed->second : *identifier;
  }
  if (!group) return logs::Missing("logGroupName");
  q.group = *group;
  OT_ASSIGN_OR_RETURN(auto prefix, in.OptString("logStreamNamePrefix"));
  OT_ASSIGN_OR_RETURN(auto order, in.OptString("orderBy"));
  OT_ASSIGN_OR_RETURN(auto descending, in.OptBool("descending"));
  OT_ASSIGN_OR_RETURN(auto token, in.OptString("nextToken"));
  OT_ASSIGN_OR_RETURN(q.limit, in.Limit("limit", 1, 50, 50));
  if (order && *order != "LogStreamName" && *order != "LastEventTime") {
    return Status(Error::kInvalidParameter,
                  "1 validation error detected: Value '" + *order +
                      "' at 'orderBy' failed to satisfy constraint: Member must satisfy enum "
                      "value set: [LogStreamName, LastEventTime]");
  }
  q.prefix = prefix.value_or("");
  q.order_by_last_event_time = order && *order == "LastEventTime";
  q.descending = descending.value_or(false);
  q.next_token = token.value_or("");
  OT_ASSIGN_OR_RETURN(auto page, store->DescribeLogStreams(ctx.caller.region, q));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("logStreams").BeginArray();
  for (const monitor::LogStream& s : page.items) {
    w.BeginObject();
    w.Key("logStreamName").String(s.name);
    w.Key("creationTime").Int(s.creation_time_ms);
    if (s.first_event_timestamp) w.Key("firstEventTimestamp").Int(*s.first_event_timestamp);
    if (s.last_event_timestamp) w.Key("lastEventTimestamp").Int(*s.last_event_timestamp);
    if (s.last_ingestion_time) w.Key("lastIngestionTime").Int(*s.last_ingestion_time);
    w.Key("arn").String(s.arn);
    w.Key("storedBytes").Uint(s.stored_bytes);
    w.EndObject();
  }
  w.EndArray();
  if (!page.next_token.empty()) w.Key("nextToken").String(page.next_token);
  w.EndObject();
  out.resources = logs::GroupResource(services, ctx, q.group);
  return out;
}

}  // namespace ot::api::handlers
