#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_writer.h"
#include "common/status.h"
#include "events/record_fields.h"

namespace ot::trail {

// ---- Configuration, as PutEventSelectors takes it and GetEventSelectors returns it (api.md §4).

enum class ReadWriteType { kReadOnly, kWriteOnly, kAll };

struct DataResource {
  std::string type;  // AWS::S3::Object, AWS::Lambda::Function, AWS::DynamoDB::Table
  std::vector<std::string> values;
  friend bool operator==(const DataResource&, const DataResource&) = default;
};

struct EventSelector {
  ReadWriteType read_write_type = ReadWriteType::kAll;
  bool include_management_events = true;
  std::vector<DataResource> data_resources;
  std::vector<std::string> exclude_management_event_sources;
  friend bool operator==(const EventSelector&, const EventSelector&) = default;
};

struct FieldSelector {
  std::string field;  // eventCategory, eventSource, eventName, resources.ARN, ...
  std::vector<std::string> equals, starts_with, ends_with, not_equals, not_starts_with,
      not_ends_with;
  friend bool operator==(const FieldSelector&, const FieldSelector&) = default;
};

struct AdvancedEventSelector {
  std::optional<std::string> name;
  std::vector<FieldSelector> field_selectors;
  friend bool operator==(const AdvancedEventSelector&, const AdvancedEventSelector&) = default;
};

// A trail's selectors: either basic or advanced. `configured` is false until the first
// PutEventSelectors; an unconfigured trail logs all management events.
struct SelectorConfig {
  bool configured = false;
  bool advanced = false;
  std::vector<EventSelector> basic;
  std::vector<AdvancedEventSelector> advanced_selectors;
  friend bool operator==(const SelectorConfig&, const SelectorConfig&) = default;
};

// Parses and validates PutEventSelectors input: `event_selectors_json` and
// `advanced_selectors_json` are the compact JSON arrays of the two members, empty when absent.
// Exactly one must be present (else kInvalidEventSelectors). Wrong JSON types → kSerialization;
// rule violations → kInvalidEventSelectors with a message naming the selector and field, e.g.
// "AdvancedEventSelectors[1].FieldSelectors[0]: readOnly supports only Equals".
Result<SelectorConfig> ParseEventSelectors(std::string_view event_selectors_json,
                                           std::string_view advanced_selectors_json);

// Checks the rules of api.md §4 on an already-built configuration (ParseEventSelectors calls it).
Status ValidateSelectors(const SelectorConfig& config);

// Writes "EventSelectors":[…] or "AdvancedEventSelectors":[…] (keys inside an open object),
// with the default selector for an unconfigured trail.
void WriteSelectors(const SelectorConfig& config, JsonWriter& w);

// ---- Matching.

// The fields of an event that selectors look at. Views into a record that must outlive it.
struct EventView {
  std::string_view event_category = "Management";  // Management, Data, NetworkActivity, Insight
  std::string_view event_source, event_name, event_type, error_code, user_identity_arn,
      vpc_endpoint_id;
  std::optional<bool> read_only;
  std::optional<bool> session_credential_from_console;
  std::span<const events::ResourceRef> resources;
};

// A view of scanned record fields (no copies). `fields` must outlive the view.
EventView ViewOf(const events::RecordFields& fields);

// A SelectorConfig compiled for matching: owns its strings; Selects never allocates.
// Immutable after construction, so any number of threads may call Selects.
class TrailSelectors {
 public:
  explicit TrailSelectors(const SelectorConfig& config);
  TrailSelectors() : TrailSelectors(SelectorConfig{}) {}

  // Whether a trail with these selectors logs `event` (api.md §4: selectors OR'ed; inside an
  // advanced selector field conditions AND'ed; inside a condition any positive and no negative).
  bool Selects(const EventView& event) const;

  // Whether some data event (eventCategory Data) could be selected: a basic selector with data
  // resources, or an advanced selector whose eventCategory conditions pass "Data". A superset of
  // Selects over data events, so false means no data event is ever logged by this trail.
  bool MaySelectDataEvents() const;

 private:
  enum class Field : uint8_t {
    kEventCategory,
    kEventSource,
    kEventName,
    kEventType,
    kReadOnly,
    kResourcesType,
    kResourcesArn,
    kSessionCredentialFromConsole,
    kUserIdentityArn,
    kErrorCode,
    kVpcEndpointId,
  };
  struct Condition {
    Field field;
    std::array<std::vector<std::string>, 6> ops;  // Equals … NotEndsWith, in FieldSelector order
    bool has_positive = false;
    bool Passes(std::string_view value) const;
  };
  struct Advanced {
    std::vector<Condition> event_conditions;     // on single-valued fields
    std::vector<Condition> resource_conditions;  // on resources.type / resources.ARN
  };
  struct Basic {
    ReadWriteType rw;
    bool management;
    std::vector<std::string> excluded_sources;
    std::vector<DataResource> data;
  };
  static std::string_view FieldValue(Field field, const EventView& e);
  bool AdvancedSelects(const Advanced& s, const EventView& e) const;
  bool BasicSelects(const Basic& s, const EventView& e) const;

  bool advanced_ = false;
  std::vector<Basic> basic_;
  std::vector<Advanced> advanced_selectors_;
};

}  // namespace ot::trail
