#include <array>

#include "api/handlers/operation.h"
#include "common/json_writer.h"
#include "common/time.h"

namespace ot::api::handlers {
namespace {

struct KeyName {
  std::string_view name;
  store::LookupKey key;
};

constexpr std::array<KeyName, 8> kKeys = {{
    {"EventId", store::LookupKey::kEventId},
    {"EventName", store::LookupKey::kEventName},
    {"ReadOnly", store::LookupKey::kReadOnly},
    {"Username", store::LookupKey::kUsername},
    {"ResourceType", store::LookupKey::kResourceType},
    {"ResourceName", store::LookupKey::kResourceName},
    {"EventSource", store::LookupKey::kEventSource},
    {"AccessKeyId", store::LookupKey::kAccessKeyId},
}};

constexpr size_t kMaxAttributeValue = 2000;

Status InvalidAttributes(std::string message) {
  return Status(Error::kInvalidLookupAttributes, std::move(message));
}

// Reads LookupAttributes into the query: at most one, a known key, a value of 1..2000 chars.
Status ReadAttributes(const Members& in, store::LookupQuery* query) {
  OT_ASSIGN_OR_RETURN(auto list, in.OptList("LookupAttributes"));
  if (!list || list->empty()) return Status::Ok();
  if (list->size() > 1) {
    return InvalidAttributes("You can specify only one lookup attribute; " +
                             std::to_string(list->size()) + " were given in LookupAttributes.");
  }
  if (!(*list)[0].is_object()) {
    return Status(Error::kSerialization,
                  "Expected structure for member 'LookupAttributes[0]' but found " +
                      std::string(JsonTypeName((*list)[0].type())));
  }
  Members attr((*list)[0], "LookupAttributes[0]");
  OT_ASSIGN_OR_RETURN(auto key, attr.OptString("AttributeKey"));
  OT_ASSIGN_OR_RETURN(auto value, attr.OptString("AttributeValue"));
  if (!key) return InvalidAttributes("LookupAttributes[0].AttributeKey is required.");
  if (!value) return InvalidAttributes("LookupAttributes[0].AttributeValue is required.");
  for (const KeyName& k : kKeys) {
    if (k.name == *key) query->key = k.key;
  }
  if (!query->key) {
    return InvalidAttributes(
        "LookupAttributes[0].AttributeKey '" + *key +
        "' is not one of EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, "
        "EventSource, AccessKeyId.");
  }
  if (value->empty() || value->size() > kMaxAttributeValue) {
    return InvalidAttributes("LookupAttributes[0].AttributeValue must be 1 to 2000 characters.");
  }
  query->value = std::move(*value);
  return Status::Ok();
}

void WriteEvent(const store::StoredEvent& e, JsonWriter& w) {
  const events::LookupAttributes& a = e.attrs;
  w.BeginObject();
  w.Key("EventId").String(a.event_id);
  if (!a.event_name.empty()) w.Key("EventName").String(a.event_name);
  if (a.read_only) w.Key("ReadOnly").String(*a.read_only ? "true" : "false");
  if (!a.access_key_id.empty()) w.Key("AccessKeyId").String(a.access_key_id);
  w.Key("EventTime").Number(FormatEpochSeconds(a.event_time));
  if (!a.event_source.empty()) w.Key("EventSource").String(a.event_source);
  if (!a.username.empty()) w.Key("Username").String(a.username);
  w.Key("Resources").BeginArray();
  for (const events::LookupResource& r : a.resources) {
    w.BeginObject();
    if (!r.type.empty()) w.Key("ResourceType").String(r.type);
    if (!r.name.empty()) w.Key("ResourceName").String(r.name);
    w.EndObject();
  }
  w.EndArray();
  w.Key("CloudTrailEvent").String(e.json);
  w.EndObject();
}

}  // namespace

// LookupEvents (api.md §6): the region's management-event history, newest first.
Result<Outcome> LookupEvents(const Services& services, const CallContext& ctx, JsonValue input) {
  Members in(input, "");
  store::LookupQuery query;
  query.region = ctx.caller.region;

  OT_ASSIGN_OR_RETURN(auto category, in.OptString("EventCategory"));
  if (category) {
    if (*category != "insight") {
      return Status(Error::kInvalidEventCategory,
                    "EventCategory '" + *category + "' is not valid; the only value is insight.");
    }
    query.insights = true;
  }
  OT_RETURN_IF_ERROR(ReadAttributes(in, &query));
  if (query.insights && query.key && *query.key != store::LookupKey::kEventId &&
      *query.key != store::LookupKey::kEventName && *query.key != store::LookupKey::kEventSource) {
    return InvalidAttributes(
        "Insights events can be looked up only by EventId, EventName or EventSource.");
  }

  OT_ASSIGN_OR_RETURN(auto max_results, in.OptInt("MaxResults"));
  if (max_results && (*max_results < 1 || *max_results > 50)) {
    return Status(Error::kInvalidMaxResults,
                  "MaxResults " + std::to_string(*max_results) + " is not valid; use 1 to 50.");
  }
  query.max_results = max_results ? static_cast<int>(*max_results) : 50;

  OT_ASSIGN_OR_RETURN(auto start, in.OptTimestampMillis("StartTime"));
  OT_ASSIGN_OR_RETURN(auto end, in.OptTimestampMillis("EndTime"));
  if (start) query.start_time = SysMillis(std::chrono::milliseconds(*start));
  if (end) query.end_time = SysMillis(std::chrono::milliseconds(*end));
  SysMillis effective_end = query.end_time.value_or(ctx.now);
  if (query.start_time && *query.start_time > effective_end) {
    return Status(Error::kInvalidTimeRange, "StartTime " + FormatIso8601(*query.start_time) +
                                                " is after EndTime " +
                                                FormatIso8601(effective_end) + ".");
  }

  OT_ASSIGN_OR_RETURN(auto token, in.OptString("NextToken"));
  if (token) {
    if (token->empty()) {
      return Status(Error::kInvalidNextToken, "NextToken must not be empty.");
    }
    query.next_token = std::move(*token);
  }

  OT_ASSIGN_OR_RETURN(store::EventPage page, services.store.Lookup(query));

  Outcome out;
  size_t record_bytes = 0;
  for (const store::StoredEvent& e : page.events) record_bytes += e.json.size();
  // Escaping adds about one byte in eight to each embedded record; size the reply once.
  out.body.reserve(record_bytes + record_bytes / 6 + 400 * page.events.size() + 256);
  JsonWriter w(&out.body);
  w.BeginObject().Key("Events").BeginArray();
  for (const store::StoredEvent& e : page.events) WriteEvent(e, w);
  w.EndArray();
  if (!page.next_token.empty()) w.Key("NextToken").String(page.next_token);
  w.EndObject();
  return out;
}

}  // namespace ot::api::handlers
