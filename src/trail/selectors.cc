#include "trail/selectors.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "api/protocol/json_value.h"

namespace ot::trail {
namespace {

using api::JsonValue;
using Kind = api::JsonValue::Type;

constexpr size_t kMaxSelectors = 5;
constexpr size_t kMaxDataResourceValues = 250;
constexpr size_t kMaxAdvancedValues = 500;
constexpr size_t kMaxValueChars = 2048;
constexpr size_t kMaxSelectorName = 1000;
// A valid selector list nests five containers deep; deeper text than this is refused outright
// (the limit trail's own JSON parser had before it used api::JsonDocument).
constexpr int kMaxDepth = 64;

Status Invalid(std::string message) {
  return Status(Error::kInvalidEventSelectors, std::move(message));
}

// "a string", "an array", … : the wording of these messages, which clients see, predates
// api::JsonTypeName ("string", "list", …) and stays.
std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "a boolean";
    case Kind::kNumber:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kArray:
      return "an array";
    case Kind::kObject:
      return "an object";
  }
  return "a value";
}

Status TypeError(const std::string& path, std::string_view want, JsonValue got) {
  return Status(Error::kSerialization, "Expected " + std::string(want) + " for member '" + path +
                                           "' but found " + std::string(KindName(got.type())));
}

// kSerialization when a value sits more than kMaxDepth containers deep. JsonDocument's own
// limit (simdjson's, 1024) is far looser; walks with an explicit stack, never recursion.
Status CheckDepth(JsonValue root) {
  std::vector<std::pair<JsonValue, int>> pending = {{root, 0}};
  while (!pending.empty()) {
    auto [v, depth] = pending.back();
    pending.pop_back();
    std::vector<JsonValue> children = v.Items();
    for (const auto& member : v.Members()) children.push_back(member.second);
    if (children.empty()) continue;
    if (depth + 1 > kMaxDepth) {
      return Status(Error::kSerialization,
                    "Malformed JSON: nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    for (JsonValue child : children) pending.emplace_back(child, depth + 1);
  }
  return Status::Ok();
}

// The member `name` of `obj`, or nullopt when it is absent or null.
std::optional<JsonValue> Present(JsonValue obj, std::string_view name) {
  std::optional<JsonValue> v = obj.Get(name);
  if (!v || v->is_null()) return std::nullopt;
  return v;
}

// The items of the list at `path`.
Result<std::vector<JsonValue>> ListItems(JsonValue list, const std::string& path) {
  if (list.type() != Kind::kArray) return TypeError(path, "a list", list);
  return list.Items();
}

Result<std::optional<std::string>> OptString(JsonValue obj, std::string_view name,
                                             const std::string& path) {
  std::optional<JsonValue> v = Present(obj, name);
  if (!v) return std::optional<std::string>();
  if (v->type() != Kind::kString) return TypeError(path + "." + std::string(name), "a string", *v);
  return std::optional<std::string>(v->AsString());
}

Result<std::vector<std::string>> StringList(JsonValue obj, std::string_view name,
                                            const std::string& path) {
  std::vector<std::string> out;
  std::optional<JsonValue> v = Present(obj, name);
  if (!v) return out;
  std::string p = path + "." + std::string(name);
  OT_ASSIGN_OR_RETURN(std::vector<JsonValue> items, ListItems(*v, p));
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].type() != Kind::kString) {
      return TypeError(p + "[" + std::to_string(i) + "]", "a string", items[i]);
    }
    out.emplace_back(items[i].AsString());
  }
  return out;
}

// Item `i` of the list at `path`, which must be a structure.
Result<JsonValue> StructureAt(const std::vector<JsonValue>& items, size_t i,
                              const std::string& path) {
  if (items[i].type() != Kind::kObject) {
    return TypeError(path + "[" + std::to_string(i) + "]", "a structure", items[i]);
  }
  return items[i];
}

Result<EventSelector> ParseBasic(JsonValue obj, const std::string& path) {
  EventSelector s;
  OT_ASSIGN_OR_RETURN(auto rw, OptString(obj, "ReadWriteType", path));
  if (rw) {
    if (*rw == "ReadOnly") {
      s.read_write_type = ReadWriteType::kReadOnly;
    } else if (*rw == "WriteOnly") {
      s.read_write_type = ReadWriteType::kWriteOnly;
    } else if (*rw == "All") {
      s.read_write_type = ReadWriteType::kAll;
    } else {
      return Invalid(path + ".ReadWriteType '" + *rw + "' is not one of ReadOnly, WriteOnly, All.");
    }
  }
  if (std::optional<JsonValue> m = Present(obj, "IncludeManagementEvents")) {
    if (m->type() != Kind::kBool) {
      return TypeError(path + ".IncludeManagementEvents", "a boolean", *m);
    }
    s.include_management_events = m->AsBool();
  }
  OT_ASSIGN_OR_RETURN(s.exclude_management_event_sources,
                      StringList(obj, "ExcludeManagementEventSources", path));
  if (std::optional<JsonValue> list = Present(obj, "DataResources")) {
    OT_ASSIGN_OR_RETURN(std::vector<JsonValue> items, ListItems(*list, path + ".DataResources"));
    for (size_t i = 0; i < items.size(); ++i) {
      std::string p = path + ".DataResources[" + std::to_string(i) + "]";
      OT_ASSIGN_OR_RETURN(JsonValue dr, StructureAt(items, i, path + ".DataResources"));
      DataResource r;
      OT_ASSIGN_OR_RETURN(auto type, OptString(dr, "Type", p));
      r.type = type.value_or("");
      OT_ASSIGN_OR_RETURN(r.values, StringList(dr, "Values", p));
      s.data_resources.push_back(std::move(r));
    }
  }
  return s;
}

Result<AdvancedEventSelector> ParseAdvanced(JsonValue obj, const std::string& path) {
  AdvancedEventSelector s;
  OT_ASSIGN_OR_RETURN(s.name, OptString(obj, "Name", path));
  std::optional<JsonValue> list = Present(obj, "FieldSelectors");
  if (!list) return Invalid(path + ".FieldSelectors is required.");
  OT_ASSIGN_OR_RETURN(std::vector<JsonValue> items, ListItems(*list, path + ".FieldSelectors"));
  for (size_t i = 0; i < items.size(); ++i) {
    std::string p = path + ".FieldSelectors[" + std::to_string(i) + "]";
    OT_ASSIGN_OR_RETURN(JsonValue fs, StructureAt(items, i, path + ".FieldSelectors"));
    FieldSelector f;
    OT_ASSIGN_OR_RETURN(auto field, OptString(fs, "Field", p));
    if (!field) return Invalid(p + ".Field is required.");
    f.field = *field;
    OT_ASSIGN_OR_RETURN(f.equals, StringList(fs, "Equals", p));
    OT_ASSIGN_OR_RETURN(f.starts_with, StringList(fs, "StartsWith", p));
    OT_ASSIGN_OR_RETURN(f.ends_with, StringList(fs, "EndsWith", p));
    OT_ASSIGN_OR_RETURN(f.not_equals, StringList(fs, "NotEquals", p));
    OT_ASSIGN_OR_RETURN(f.not_starts_with, StringList(fs, "NotStartsWith", p));
    OT_ASSIGN_OR_RETURN(f.not_ends_with, StringList(fs, "NotEndsWith", p));
    s.field_selectors.push_back(std::move(f));
  }
  return s;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The ARN prefix of a data resource type's values ("arn:aws:s3"), without the partition.
std::string_view ServiceOf(std::string_view type) {
  if (type == "AWS::S3::Object") return "s3";
  if (type == "AWS::Lambda::Function") return "lambda";
  if (type == "AWS::DynamoDB::Table") return "dynamodb";
  return "";
}

bool ArnOfService(std::string_view value, std::string_view service) {
  for (std::string_view partition : {"arn:aws:", "arn:aws-cn:", "arn:aws-us-gov:"}) {
    if (StartsWith(value, partition) && StartsWith(value.substr(partition.size()), service)) {
      std::string_view rest = value.substr(partition.size() + service.size());
      return rest.empty() || rest[0] == ':';
    }
  }
  return false;
}

Status ValidateBasic(const std::vector<EventSelector>& selectors) {
  if (selectors.size() > kMaxSelectors) {
    return Invalid("EventSelectors has " + std::to_string(selectors.size()) +
                   " selectors; a trail can have at most 5.");
  }
  size_t values = 0;
  for (size_t i = 0; i < selectors.size(); ++i) {
    std::string path = "EventSelectors[" + std::to_string(i) + "]";
    const EventSelector& s = selectors[i];
    for (const std::string& src : s.exclude_management_event_sources) {
      if (src != "kms.amazonaws.com" && src != "rdsdata.amazonaws.com") {
        return Invalid(path + ".ExcludeManagementEventSources: '" + src +
                       "' is not valid; only kms.amazonaws.com and rdsdata.amazonaws.com can be "
                       "excluded.");
      }
    }
    for (size_t j = 0; j < s.data_resources.size(); ++j) {
      std::string p = path + ".DataResources[" + std::to_string(j) + "]";
      const DataResource& r = s.data_resources[j];
      std::string_view service = ServiceOf(r.type);
      if (service.empty()) {
        return Invalid(p + ".Type '" + r.type +
                       "' is not valid; use AWS::S3::Object, AWS::Lambda::Function or "
                       "AWS::DynamoDB::Table.");
      }
      for (const std::string& v : r.values) {
        if (v.empty() || v.size() > kMaxValueChars || !ArnOfService(v, service)) {
          return Invalid(p + ".Values: '" + v + "' is not a valid " + r.type +
                         " ARN or ARN prefix.");
        }
      }
      values += r.values.size();
    }
  }
  if (values > kMaxDataResourceValues) {
    return Invalid("EventSelectors has " + std::to_string(values) +
                   " data resource values; a trail can have at most 250.");
  }
  return Status::Ok();
}

struct FieldRule {
  std::string_view name;
  bool equals_only;
  bool management, data, network;  // categories whose selectors may use the field
};

constexpr FieldRule kFieldRules[] = {
    {"eventCategory", true, true, true, true},
    {"eventSource", false, true, true, true},
    {"readOnly", true, true, true, false},
    {"eventName", false, false, true, true},
    {"eventType", false, false, true, false},
    {"resources.type", true, false, true, false},
    {"resources.ARN", false, false, true, false},
    {"sessionCredentialFromConsole", false, false, true, false},
    {"userIdentity.arn", false, false, true, false},
    {"errorCode", false, false, false, true},
    {"vpcEndpointId", false, false, false, true},
};

Status ValidateAdvanced(const std::vector<AdvancedEventSelector>& selectors) {
  size_t values = 0;
  for (size_t i = 0; i < selectors.size(); ++i) {
    std::string path = "AdvancedEventSelectors[" + std::to_string(i) + "]";
    const AdvancedEventSelector& s = selectors[i];
    if (s.name && s.name->size() > kMaxSelectorName) {
      return Invalid(path + ".Name is longer than 1000 characters.");
    }
    if (s.field_selectors.empty()) return Invalid(path + ".FieldSelectors must not be empty.");
    std::string category;
    std::set<std::string_view> seen;
    for (const FieldSelector& f : s.field_selectors) {
      if (f.field == "eventCategory") {
        if (f.equals.size() != 1) {
          return Invalid(path + ": eventCategory must have exactly one Equals value.");
        }
        category = f.equals[0];
      }
    }
    if (category.empty()) return Invalid(path + ": the eventCategory field is required.");
    if (category != "Management" && category != "Data" && category != "NetworkActivity") {
      return Invalid(path + ": eventCategory '" + category +
                     "' is not one of Management, Data, NetworkActivity.");
    }
    for (size_t j = 0; j < s.field_selectors.size(); ++j) {
      const FieldSelector& f = s.field_selectors[j];
      std::string p = path + ".FieldSelectors[" + std::to_string(j) + "]";
      const FieldRule* rule = nullptr;
      for (const FieldRule& r : kFieldRules) {
        if (r.name == f.field) rule = &r;
      }
      if (rule == nullptr) return Invalid(p + ": field '" + f.field + "' is not supported.");
      bool allowed = category == "Management" ? rule->management
                     : category == "Data"     ? rule->data
                                              : rule->network;
      if (!allowed) {
        return Invalid(p + ": field '" + f.field + "' cannot be used with eventCategory " +
                       category + ".");
      }
      if (!seen.insert(f.field).second) {
        return Invalid(p + ": field '" + f.field + "' appears more than once.");
      }
      const std::vector<std::string>* ops[] = {&f.equals,     &f.starts_with,     &f.ends_with,
                                               &f.not_equals, &f.not_starts_with, &f.not_ends_with};
      size_t count = 0;
      for (const auto* op : ops) {
        count += op->size();
        for (const std::string& v : *op) {
          if (v.empty() || v.size() > kMaxValueChars) {
            return Invalid(p + ": " + f.field + " values must be 1 to 2048 characters.");
          }
        }
      }
      if (count == 0) return Invalid(p + ": field '" + f.field + "' has no operator values.");
      if (rule->equals_only && count != f.equals.size()) {
        return Invalid(p + ": " + f.field + " supports only Equals.");
      }
      if (f.field == "readOnly" || f.field == "sessionCredentialFromConsole") {
        for (const auto* op : ops) {
          for (const std::string& v : *op) {
            if (v != "true" && v != "false") {
              return Invalid(p + ": " + f.field + " values must be true or false, not '" + v +
                             "'.");
            }
          }
        }
      }
      values += count;
    }
    if (category == "Data" && !seen.contains("resources.type")) {
      return Invalid(path + ": data event selectors require the resources.type field.");
    }
    if (category == "NetworkActivity" && !seen.contains("eventSource")) {
      return Invalid(path + ": network activity selectors require the eventSource field.");
    }
  }
  if (values > kMaxAdvancedValues) {
    return Invalid("AdvancedEventSelectors have " + std::to_string(values) +
                   " values in all; the limit is 500.");
  }
  return Status::Ok();
}

void WriteList(std::string_view key, const std::vector<std::string>& values, JsonWriter& w,
               bool always) {
  if (values.empty() && !always) return;
  w.Key(key).BeginArray();
  for (const std::string& v : values) w.String(v);
  w.EndArray();
}

std::string_view ReadWriteName(ReadWriteType t) {
  switch (t) {
    case ReadWriteType::kReadOnly:
      return "ReadOnly";
    case ReadWriteType::kWriteOnly:
      return "WriteOnly";
    case ReadWriteType::kAll:
      return "All";
  }
  return "All";
}

}  // namespace

Status ValidateSelectors(const SelectorConfig& config) {
  return config.advanced ? ValidateAdvanced(config.advanced_selectors)
                         : ValidateBasic(config.basic);
}

Result<SelectorConfig> ParseEventSelectors(std::string_view event_selectors_json,
                                           std::string_view advanced_selectors_json) {
  if (event_selectors_json.empty() == advanced_selectors_json.empty()) {
    return Invalid(
        "Specify either EventSelectors or AdvancedEventSelectors, but not both (and not "
        "neither).");
  }
  SelectorConfig config;
  config.configured = true;
  config.advanced = !advanced_selectors_json.empty();
  std::string top = config.advanced ? "AdvancedEventSelectors" : "EventSelectors";
  std::string_view text = config.advanced ? advanced_selectors_json : event_selectors_json;
  // JsonDocument reads blank text as {} (a request-body convention); here it is malformed.
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status(Error::kSerialization, "Malformed JSON: no value");
  }
  OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(text));
  OT_RETURN_IF_ERROR(CheckDepth(doc->root()));
  OT_ASSIGN_OR_RETURN(std::vector<JsonValue> items, ListItems(doc->root(), top));
  for (size_t i = 0; i < items.size(); ++i) {
    OT_ASSIGN_OR_RETURN(JsonValue obj, StructureAt(items, i, top));
    std::string path = top + "[" + std::to_string(i) + "]";
    if (config.advanced) {
      OT_ASSIGN_OR_RETURN(auto s, ParseAdvanced(obj, path));
      config.advanced_selectors.push_back(std::move(s));
    } else {
      OT_ASSIGN_OR_RETURN(auto s, ParseBasic(obj, path));
      config.basic.push_back(std::move(s));
    }
  }
  OT_RETURN_IF_ERROR(ValidateSelectors(config));
  return config;
}

void WriteSelectors(const SelectorConfig& config, JsonWriter& w) {
  if (config.configured && config.advanced) {
    w.Key("AdvancedEventSelectors").BeginArray();
    for (const AdvancedEventSelector& s : config.advanced_selectors) {
      w.BeginObject();
      if (s.name) w.Key("Name").String(*s.name);
      w.Key("FieldSelectors").BeginArray();
      for (const FieldSelector& f : s.field_selectors) {
        w.BeginObject().Key("Field").String(f.field);
        WriteList("Equals", f.equals, w, false);
        WriteList("StartsWith", f.starts_with, w, false);
        WriteList("EndsWith", f.ends_with, w, false);
        WriteList("NotEquals", f.not_equals, w, false);
        WriteList("NotStartsWith", f.not_starts_with, w, false);
        WriteList("NotEndsWith", f.not_ends_with, w, false);
        w.EndObject();
      }
      w.EndArray().EndObject();
    }
    w.EndArray();
    return;
  }
  std::vector<EventSelector> defaults(1);
  const std::vector<EventSelector>& basic = config.configured ? config.basic : defaults;
  w.Key("EventSelectors").BeginArray();
  for (const EventSelector& s : basic) {
    w.BeginObject();
    w.Key("ReadWriteType").String(ReadWriteName(s.read_write_type));
    w.Key("IncludeManagementEvents").Bool(s.include_management_events);
    w.Key("DataResources").BeginArray();
    for (const DataResource& r : s.data_resources) {
      w.BeginObject().Key("Type").String(r.type);
      WriteList("Values", r.values, w, true);
      w.EndObject();
    }
    w.EndArray();
    WriteList("ExcludeManagementEventSources", s.exclude_management_event_sources, w, true);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace ot::trail
