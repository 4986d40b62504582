#include <simdjson.h>

#include "common/time.h"
#include "events/internal/fields.h"
#include "events/internal/json_util.h"
#include "events/record.h"

namespace ot::events {
namespace {

using internal::Field;
namespace od = internal::od;

// The identity facts the username rule needs, shared by the two derivations below.
struct IdentityFacts {
  std::string_view type;
  std::optional<std::string_view> user_name, arn, principal_id, invoked_by;
};

// api.md §6, plus AWSService callers. The console's event history shows the calling service
// (e.g. "autoscaling.amazonaws.com") as the user name of calls AWS services make, so we take
// invokedBy for AWSService identities and for the typeless {accountId, invokedBy} identities of
// AwsServiceEvent records.
std::string Username(const IdentityFacts& id) {
  if (id.user_name) return std::string(*id.user_name);
  if (id.type == "AssumedRole") {
    if (id.arn) return std::string(id.arn->substr(id.arn->rfind('/') + 1));
    if (id.principal_id)
      return std::string(id.principal_id->substr(id.principal_id->find(':') + 1));
    return {};
  }
  if (id.type == "Root") return "root";
  if ((id.type == "AWSService" || id.type.empty()) && id.invoked_by) {
    return std::string(*id.invoked_by);
  }
  return {};
}

Category CategoryOf(std::string_view event_category, std::string_view event_type,
                    std::optional<bool> management_event) {
  if (event_category == "Data") return Category::kData;
  if (event_category == "NetworkActivity") return Category::kNetworkActivity;
  if (event_category == "Insight" || event_type == "AwsCloudTrailInsight") {
    return Category::kInsight;
  }
  if (management_event == false) return Category::kData;
  return Category::kManagement;
}

// Reads insightDetails.eventName and .eventSource; leaves them alone when absent.
simdjson::error_code ReadInsightNames(od::value value, std::string* name, std::string* source) {
  od::object object;
  if (auto err = value.get_object().get(object)) return err;
  for (auto member : object) {
    std::string_view key, s;
    if (auto err = member.unescaped_key().get(key)) return err;
    std::string* target = key == "eventName" ? name : key == "eventSource" ? source : nullptr;
    if (target == nullptr) continue;
    if (member.value().get_string().get(s) == simdjson::SUCCESS) target->assign(s);
  }
  return simdjson::SUCCESS;
}

}  // namespace

LookupAttributes DeriveLookupAttributes(const Record& r) {
  LookupAttributes a;
  a.event_id = r.event_id;
  a.event_time = r.event_time;
  a.event_name = r.event_name.value_or("");
  a.event_source = r.event_source.value_or("");
  a.read_only = r.read_only;
  a.aws_region = r.aws_region;
  a.category = CategoryOf(r.event_category.value_or(""), r.event_type, r.management_event);
  if (a.category == Category::kInsight && !r.insight_details.empty()) {
    internal::ParserLease lease(internal::ParserSlot::kRecord);
    od::document doc;
    od::value value;
    std::string name, source;
    if (!lease.parser().iterate(lease.Pad(r.insight_details)).get(doc) &&
        !doc.get_value().get(value) && !ReadInsightNames(value, &name, &source)) {
      if (!name.empty()) a.event_name = std::move(name);
      if (!source.empty()) a.event_source = std::move(source);
    }
  }
  if (r.user_identity) {
    const UserIdentity& id = *r.user_identity;
    IdentityFacts facts{id.type, id.user_name, id.arn, id.principal_id, id.invoked_by};
    a.username = Username(facts);
    a.access_key_id = id.access_key_id.value_or("");
  }
  if (r.resources) {
    for (const Resource& res : *r.resources) {
      if (res.has_arn) a.resources.push_back(LookupResource{res.type, res.arn});
    }
  }
  return a;
}

namespace {

Status Corrupt(std::string_view what) {
  return Status(Error::kCorruption, "stored record: " + std::string(what));
}

// Walks userIdentity for the username and access key; views point into the parser's buffer.
simdjson::error_code ReadIdentityFacts(od::value value, IdentityFacts* facts,
                                       std::string_view* access_key_id) {
  od::object object;
  if (auto err = value.get_object().get(object)) return err;
  for (auto member : object) {
    std::string_view key;
    if (auto err = member.unescaped_key().get(key)) return err;
    std::optional<std::string_view>* target = nullptr;
    if (key == "type") {
      if (auto err = member.value().get_string().get(facts->type)) return err;
      continue;
    }
    if (key == "accessKeyId") {
      if (auto err = member.value().get_string().get(*access_key_id)) return err;
      continue;
    }
    if (key == "userName") target = &facts->user_name;
    if (key == "arn") target = &facts->arn;
    if (key == "principalId") target = &facts->principal_id;
    if (key == "invokedBy") target = &facts->invoked_by;
    if (target == nullptr) continue;
    if (auto err = member.value().get_string().get(target->emplace())) return err;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code ReadLookupResources(od::value value, std::vector<LookupResource>* out) {
  od::array array;
  if (auto err = value.get_array().get(array)) return err;
  for (auto element : array) {
    od::object object;
    if (auto err = element.get_object().get(object)) return err;
    std::string_view type, arn;
    bool has_arn = false;
    for (auto member : object) {
      std::string_view key;
      if (auto err = member.unescaped_key().get(key)) return err;
      if (key == "type") {
        if (auto err = member.value().get_string().get(type)) return err;
      } else if (key == "ARN") {
        if (auto err = member.value().get_string().get(arn)) return err;
        has_arn = true;
      }
    }
    if (has_arn) out->push_back(LookupResource{std::string(type), std::string(arn)});
  }
  return simdjson::SUCCESS;
}

}  // namespace

Result<LookupAttributes> ExtractLookupAttributes(std::string_view serialized) {
  internal::ParserLease lease(internal::ParserSlot::kRecord);
  od::document doc;
  od::object object;
  if (lease.parser().iterate(lease.Pad(serialized)).get(doc) || doc.get_object().get(object)) {
    return Corrupt("not a JSON object");
  }
  LookupAttributes a;
  IdentityFacts facts;
  bool has_identity = false, has_id = false, has_time = false;
  std::string_view access_key_id, event_category, event_type, text;
  std::optional<bool> management_event;
  std::string insight_name, insight_source;
  for (auto member : object) {
    std::string_view key;
    od::value value;
    if (member.unescaped_key().get(key) || member.value().get(value)) return Corrupt("malformed");
    simdjson::error_code err = simdjson::SUCCESS;
    switch (internal::LookupField(key)) {
      case Field::kEventId:
        err = value.get_string().get(text);
        a.event_id.assign(text);
        has_id = true;
        break;
      case Field::kEventTime: {
        err = value.get_string().get(text);
        Result<SysMillis> t = ParseIso8601(text);
        if (err || !t.ok()) return Corrupt("bad eventTime");
        a.event_time = *t;
        has_time = true;
        break;
      }
      case Field::kEventName:
        err = value.get_string().get(text);
        a.event_name.assign(text);
        break;
      case Field::kEventSource:
        err = value.get_string().get(text);
        a.event_source.assign(text);
        break;
      case Field::kAwsRegion:
        err = value.get_string().get(text);
        a.aws_region.assign(text);
        break;
      case Field::kReadOnly:
        err = value.get_bool().get(a.read_only.emplace());
        break;
      case Field::kManagementEvent:
        err = value.get_bool().get(management_event.emplace());
        break;
      case Field::kEventType:
        err = value.get_string().get(event_type);
        break;
      case Field::kEventCategory:
        err = value.get_string().get(event_category);
        break;
      case Field::kUserIdentity:
        err = ReadIdentityFacts(value, &facts, &access_key_id);
        has_identity = true;
        break;
      case Field::kResources:
        err = ReadLookupResources(value, &a.resources);
        break;
      case Field::kInsightDetails:
        err = ReadInsightNames(value, &insight_name, &insight_source);
        break;
      case Field::kUnknown:  // every other member is skipped unread
      case Field::kSourceIpAddress:
      case Field::kUserAgent:
      case Field::kErrorCode:
      case Field::kErrorMessage:
      case Field::kRequestParameters:
      case Field::kResponseElements:
      case Field::kAdditionalEventData:
      case Field::kRequestId:
      case Field::kApiVersion:
      case Field::kRecipientAccountId:
      case Field::kSharedEventId:
      case Field::kVpcEndpointId:
      case Field::kVpcEndpointAccountId:
      case Field::kServiceEventDetails:
      case Field::kAddendum:
      case Field::kSessionCredentialFromConsole:
      case Field::kEdgeDeviceDetails:
      case Field::kTlsDetails:
      case Field::kEventContext:
      case Field::kEventVersion:
        break;
    }
    if (err) return Corrupt(std::string(key) + ": " + simdjson::error_message(err));
  }
  if (!has_id || !has_time) return Corrupt("eventID or eventTime missing");
  a.category = CategoryOf(event_category, event_type, management_event);
  if (a.category == Category::kInsight) {
    if (!insight_name.empty()) a.event_name = std::move(insight_name);
    if (!insight_source.empty()) a.event_source = std::move(insight_source);
  }
  if (has_identity) {
    a.username = Username(facts);
    a.access_key_id.assign(access_key_id);
  }
  return a;
}

}  // namespace ot::events
