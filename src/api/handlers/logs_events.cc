// CloudWatch Logs log events: PutLogEvents, GetLogEvents, FilterLogEvents
// (botocore logs/2014-03-28).

#include "api/handlers/logs_util.h"
#include "api/handlers/operation.h"
#include "common/json_writer.h"

namespace ot::api::handlers {
namespace {

Status BadEvent(size_t index, std::string_view member) {
  return Status(Error::kInvalidParameter,
                "1 validation error detected: Value null at 'logEvents." +
                    std::to_string(index + 1) + ".member." + std::string(member) +
                    "' failed to satisfy constraint: Member must not be null");
}

}  // namespace

Result<Outcome> PutLogEvents(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  OT_ASSIGN_OR_RETURN(std::string group, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(std::string stream, in.ReqString("logStreamName"));
  OT_ASSIGN_OR_RETURN(auto list, in.OptList("logEvents"));
  if (!list) return logs::Missing("logEvents");
  std::vector<monitor::InputLogEvent> events;
  events.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    Members e((*list)[i], "logEvents[" + std::to_string(i) + "]");
    OT_ASSIGN_OR_RETURN(auto ts, e.OptInt("timestamp"));
    OT_ASSIGN_OR_RETURN(auto message, e.OptString("message"));
    if (!ts) return BadEvent(i, "timestamp");
    if (!message) return BadEvent(i, "message");
    events.push_back({*ts, std::move(*message)});
  }
  OT_ASSIGN_OR_RETURN(monitor::RejectedEvents rejected,
                      store->PutLogEvents(ctx.caller.region, group, stream, events));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject();
  // Sequence tokens are no longer required (2023); the member is still answered.
  w.Key("nextSequenceToken").String(std::to_string(ctx.now.time_since_epoch().count()));
  if (rejected.any()) {
    w.Key("rejectedLogEventsInfo").BeginObject();
    if (rejected.too_new_start_index) {
      w.Key("tooNewLogEventStartIndex").Uint(*rejected.too_new_start_index);
    }
    if (rejected.too_old_end_index) {
      w.Key("tooOldLogEventEndIndex").Uint(*rejected.too_old_end_index);
    }
    if (rejected.expired_end_index) {
      w.Key("expiredLogEventEndIndex").Uint(*rejected.expired_end_index);
    }
    w.EndObject();
  }
  w.EndObject();
  // The record keeps the call's shape, not the (possibly megabyte) messages.
  out.request_parameters = "{\"logGroupName\":" +
                           [&] {
                             std::string s;
                             AppendJsonString(&s, group);
                             return s;
                           }() +
                           ",\"logStreamName\":" +
                           [&] {
                             std::string s;
                             AppendJsonString(&s, stream);
                             return s;
                           }() +
                           "}";
  out.resources = logs::GroupResource(services, ctx, group);
  return out;
}

Result<Outcome> GetLogEvents(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  monitor::GetEventsQuery q;
  OT_ASSIGN_OR_RETURN(q.group, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(q.stream, in.ReqString("logStreamName"));
  OT_ASSIGN_OR_RETURN(q.start_ms, in.OptLong("startTime"));
  OT_ASSIGN_OR_RETURN(q.end_ms, in.OptLong("endTime"));
  OT_ASSIGN_OR_RETURN(auto token, in.OptString("nextToken"));
  OT_ASSIGN_OR_RETURN(auto head, in.OptBool("startFromHead"));
  OT_ASSIGN_OR_RETURN(q.limit, in.Limit("limit", 1, 10000, 10000));
  q.token = token.value_or("");
  q.start_from_head = head.value_or(false);
  OT_ASSIGN_OR_RETURN(monitor::GetEventsPage page, store->GetLogEvents(ctx.caller.region, q));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("events").BeginArray();
  for (const monitor::LogEvent& e : page.events) {
    w.BeginObject().Key("timestamp").Int(e.timestamp_ms).Key("message").String(e.message);
    w.Key("ingestionTime").Int(e.ingestion_time_ms).EndObject();
  }
  w.EndArray();
  w.Key("nextForwardToken").String(page.next_forward_token);
  w.Key("nextBackwardToken").String(page.next_backward_token);
  w.EndObject();
  out.resources = logs::GroupResource(services, ctx, q.group);
  return out;
}

Result<Outcome> FilterLogEvents(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(monitor::LogStore * store, logs::Store(services));
  logs::Input in(input);
  monitor::FilterQuery q;
  OT_ASSIGN_OR_RETURN(q.group, in.ReqString("logGroupName"));
  OT_ASSIGN_OR_RETURN(q.stream_names, in.OptStringList("logStreamNames"));
  OT_ASSIGN_OR_RETURN(auto prefix, in.OptString("logStreamNamePrefix"));
  OT_ASSIGN_OR_RETURN(q.start_ms, in.OptLong("startTime"));
  OT_ASSIGN_OR_RETURN(q.end_ms, in.OptLong("endTime"));
  OT_ASSIGN_OR_RETURN(auto pattern, in.OptString("filterPattern"));
  OT_ASSIGN_OR_RETURN(auto token, in.OptString("nextToken"));
  OT_ASSIGN_OR_RETURN(q.limit, in.Limit("limit", 1, 10000, 10000));
  if (q.stream_names.size() > 100) {
    return Status(Error::kInvalidParameter,
                  "1 validation error detected: Value at 'logStreamNames' failed to satisfy "
                  "constraint: Member must have length less than or equal to 100");
  }
  q.stream_prefix = prefix.value_or("");
  q.pattern = pattern.value_or("");
  q.next_token = token.value_or("");
  OT_ASSIGN_OR_RETURN(monitor::FilterPage page, store->FilterLogEvents(ctx.caller.region, q));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("events").BeginArray();
  for (const monitor::LogEvent& e : page.events) {
    w.BeginObject().Key("logStreamName").String(e.stream);
    w.Key("timestamp").Int(e.timestamp_ms).Key("message").String(e.message);
    w.Key("ingestionTime").Int(e.ingestion_time_ms).Key("eventId").String(e.event_id);
    w.EndObject();
  }
  w.EndArray();
  w.Key("searchedLogStreams").BeginArray();
  for (const std::string& s : page.searched_streams) {
    w.BeginObject().Key("logStreamName").String(s).Key("searchedCompletely").Bool(true).EndObject();
  }
  w.EndArray();
  if (!page.next_token.empty()) w.Key("nextToken").String(page.next_token);
  w.EndObject();
  out.resources = logs::GroupResource(services, ctx, q.group);
  return out;
}

}  // namespace ot::api::handlers
