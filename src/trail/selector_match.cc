// Matching an event against a trail's compiled selectors (api.md §4). Runs for every event ×
// every logging trail, so nothing here allocates.

#include <string_view>

#include "trail/selectors.h"

namespace ot::trail {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string_view BoolText(const std::optional<bool>& b) {
  if (!b) return {};
  return *b ? "true" : "false";
}

// "arn:aws:lambda" or "arn:aws-cn:dynamodb": a value that selects every resource of its type.
bool IsServiceWide(std::string_view value) {
  size_t colons = 0;
  for (char c : value) colons += c == ':' ? 1 : 0;
  return colons == 2;
}

// Whether a data resource value selects `arn` (S3: ARN prefix; Lambda and DynamoDB: exact, or
// the service-wide value).
bool ValueSelects(std::string_view type, std::string_view value, std::string_view arn) {
  if (type == "AWS::S3::Object") return StartsWith(arn, value);
  if (IsServiceWide(value))
    return StartsWith(arn, value) && arn.size() > value.size() && arn[value.size()] == ':';
  return arn == value;
}

}  // namespace

EventView ViewOf(const events::RecordFields& f) {
  EventView v;
  v.event_category = f.event_category;
  v.event_source = f.event_source;
  v.event_name = f.event_name;
  v.event_type = f.event_type;
  v.error_code = f.error_code;
  v.user_identity_arn = f.user_identity_arn;
  v.vpc_endpoint_id = f.vpc_endpoint_id;
  v.read_only = f.read_only;
  v.session_credential_from_console = f.session_credential_from_console;
  v.resources = f.resources;
  return v;
}

TrailSelectors::TrailSelectors(const SelectorConfig& config) {
  if (!config.configured) {
    basic_.push_back(Basic{ReadWriteType::kAll, true, {}, {}});
    return;
  }
  advanced_ = config.advanced;
  for (const EventSelector& s : config.basic) {
    basic_.push_back(Basic{s.read_write_type, s.include_management_events,
                           s.exclude_management_event_sources, s.data_resources});
  }
  struct Name {
    std::string_view name;
    Field field;
  };
  constexpr Name kNames[] = {
      {"eventCategory", Field::kEventCategory},
      {"eventSource", Field::kEventSource},
      {"eventName", Field::kEventName},
      {"eventType", Field::kEventType},
      {"readOnly", Field::kReadOnly},
      {"resources.type", Field::kResourcesType},
      {"resources.ARN", Field::kResourcesArn},
      {"sessionCredentialFromConsole", Field::kSessionCredentialFromConsole},
      {"userIdentity.arn", Field::kUserIdentityArn},
      {"errorCode", Field::kErrorCode},
      {"vpcEndpointId", Field::kVpcEndpointId},
  };
  for (const AdvancedEventSelector& s : config.advanced_selectors) {
    Advanced a;
    for (const FieldSelector& f : s.field_selectors) {
      Condition c{
          Field::kEventCategory,
          {f.equals, f.starts_with, f.ends_with, f.not_equals, f.not_starts_with, f.not_ends_with}};
      for (const Name& n : kNames) {
        if (n.name == f.field) c.field = n.field;
      }
      c.has_positive = !f.equals.empty() || !f.starts_with.empty() || !f.ends_with.empty();
      bool resource = c.field == Field::kResourcesType || c.field == Field::kResourcesArn;
      (resource ? a.resource_conditions : a.event_conditions).push_back(std::move(c));
    }
    advanced_selectors_.push_back(std::move(a));
  }
}

bool TrailSelectors::Condition::Passes(std::string_view value) const {
  for (const std::string& v : ops[3]) {
    if (value == v) return false;
  }
  for (const std::string& v : ops[4]) {
    if (StartsWith(value, v)) return false;
  }
  for (const std::string& v : ops[5]) {
    if (EndsWith(value, v)) return false;
  }
  if (!has_positive) return true;
  for (const std::string& v : ops[0]) {
    if (value == v) return true;
  }
  for (const std::string& v : ops[1]) {
    if (StartsWith(value, v)) return true;
  }
  for (const std::string& v : ops[2]) {
    if (EndsWith(value, v)) return true;
  }
  return false;
}

bool TrailSelectors::MaySelectDataEvents() const {
  if (!advanced_) {
    for (const Basic& b : basic_) {
      if (!b.data.empty()) return true;
    }
    return false;
  }
  for (const Advanced& a : advanced_selectors_) {
    bool passes = true;
    for (const Condition& c : a.event_conditions) {
      if (c.field == Field::kEventCategory && !c.Passes("Data")) passes = false;
    }
    if (passes) return true;
  }
  return false;
}

std::string_view TrailSelectors::FieldValue(Field field, const EventView& e) {
  switch (field) {
    case Field::kEventCategory:
      return e.event_category;
    case Field::kEventSource:
      return e.event_source;
    case Field::kEventName:
      return e.event_name;
    case Field::kEventType:
      return e.event_type;
    case Field::kReadOnly:
      return BoolText(e.read_only);
    case Field::kSessionCredentialFromConsole:
      return BoolText(e.session_credential_from_console);
    case Field::kUserIdentityArn:
      return e.user_identity_arn;
    case Field::kErrorCode:
      return e.error_code;
    case Field::kVpcEndpointId:
      return e.vpc_endpoint_id;
    case Field::kResourcesType:
    case Field::kResourcesArn:
      return {};  // per resource, in AdvancedSelects
  }
  return {};
}

bool TrailSelectors::AdvancedSelects(const Advanced& s, const EventView& e) const {
  for (const Condition& c : s.event_conditions) {
    if (!c.Passes(FieldValue(c.field, e))) return false;
  }
  if (s.resource_conditions.empty()) return true;
  // One resource of the event must pass every resources.* condition.
  for (const events::ResourceRef& r : e.resources) {
    bool all = true;
    for (const Condition& c : s.resource_conditions) {
      if (!c.Passes(c.field == Field::kResourcesType ? r.type : r.arn)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  // An event without resources: absent values fail positive conditions, pass negative ones.
  for (const Condition& c : s.resource_conditions) {
    if (!c.Passes({})) return false;
  }
  return e.resources.empty();
}

bool TrailSelectors::BasicSelects(const Basic& s, const EventView& e) const {
  if (e.read_only) {
    if (*e.read_only && s.rw == ReadWriteType::kWriteOnly) return false;
    if (!*e.read_only && s.rw == ReadWriteType::kReadOnly) return false;
  }
  if (e.event_category == "Management") {
    if (!s.management) return false;
    for (const std::string& src : s.excluded_sources) {
      if (e.event_source == src) return false;
    }
    return true;
  }
  if (e.event_category != "Data") return false;
  for (const DataResource& d : s.data) {
    for (const events::ResourceRef& r : e.resources) {
      if (r.type != d.type) continue;
      for (const std::string& v : d.values) {
        if (ValueSelects(d.type, v, r.arn)) return true;
      }
    }
  }
  return false;
}

bool TrailSelectors::Selects(const EventView& event) const {
  if (event.event_category == "Insight") return false;
  if (advanced_) {
    for (const Advanced& s : advanced_selectors_) {
      if (AdvancedSelects(s, event)) return true;
    }
    return false;
  }
  for (const Basic& s : basic_) {
    if (BasicSelects(s, event)) return true;
  }
  return false;
}

}  // namespace ot::trail
