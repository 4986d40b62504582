#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/protocol/json_value.h"
#include "monitor/internal/compiled_pattern.h"

namespace ot::monitor::internal {

// The state behind EventFields: the message, its JSON parse and space-delimited split (each done
// at most once, on first need), and the selectors resolved so far.
class EventState {
 public:
  void Reset(std::string_view message, size_t readable);
  std::string_view message() const { return message_; }

  // True when the message is a JSON object; parses on first call.
  bool IsJson();

  // The parsed event's root object; call only after IsJson() returned true.
  api::JsonValue Root() const { return doc_->root(); }
  // A parsed value as conditions see it; a number's text lives until the next Reset.
  FieldValue Describe(const api::JsonValue& v);

  // Per-event working memory of a FilterSet (reused across events; the set sizes it).
  struct SetScratch {
    std::vector<FieldValue> values;  // per selector of the set
    std::vector<uint8_t> memo;       // per shared condition: 0 unknown, 1 false, 2 true
    std::vector<uint8_t> hits;       // per pattern: gate tests passed so far
  };
  SetScratch& set_scratch() { return set_scratch_; }

  // The value of `selector` in the (JSON) event; kMissing for a non-JSON message. The reference
  // stays valid until the next Resolve or Reset.
  const FieldValue& Resolve(const Selector& selector);

  // The same in two steps, for callers that meet one selector many times: a handle that stays
  // valid until Reset, and the value behind it (valid until the next resolution).
  uint32_t ResolveHandle(const Selector& selector);
  const FieldValue& Value(uint32_t handle) const { return entries_[handle].value; }

  // The text ExtractValues reports for `selector`; empty optional when it does not resolve.
  std::optional<std::string> Render(const Selector& selector);

  // Whether `term` occurs in the message, searched once per event for all filters that ask.
  bool ContainsTerm(uint32_t id, std::string_view term, SubstringAnchors anchors);

  // The message split into space-delimited fields (spec §4): runs of spaces separate fields;
  // a field starting with `"` runs to the next `"`, one starting with `[` to the next `]`, and
  // both lose their delimiters.
  const std::vector<std::string_view>& Columns();

 private:
  struct Entry {
    FieldValue value;
    api::JsonValue json;  // valid when value.type is kObject or kArray
  };

  Entry& ResolveEntry(const Selector& selector);
  FieldValue Lookup(const Selector& selector, api::JsonValue* json);

  enum class Parse : uint8_t { kNotYet, kJson, kNotJson };

  std::string_view message_;
  size_t readable_ = 0;  // bytes readable from message_.data()
  Parse parse_ = Parse::kNotYet;
  std::unique_ptr<api::JsonDocument> doc_;
  std::vector<Entry> entries_;
  // Per selector id: (generation << 32) | index into entries_; a slot of an older generation
  // is unresolved. Reset moves to the next generation instead of clearing.
  std::vector<uint64_t> slots_;
  uint32_t generation_ = 1;
  std::deque<std::string> number_texts_;  // renderings of resolved numbers (stable addresses)
  size_t numbers_used_ = 0;
  bool split_ = false;
  std::vector<std::string_view> columns_;
  SetScratch set_scratch_;
};

}  // namespace ot::monitor::internal

namespace ot::monitor {
// The state of an EventFields (a friend accessor for the matchers).
internal::EventState& State(const EventFields& event);
}  // namespace ot::monitor
