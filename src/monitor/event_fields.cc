#include <string.h>

#include <charconv>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "monitor/filter_pattern.h"
#include "monitor/internal/event_state.h"
#include "monitor/internal/substring.h"

namespace ot::monitor {

namespace internal {

static_assert(EventFields::kEventPadding >= api::kJsonPadding);

void EventState::Reset(std::string_view message, size_t readable) {
  message_ = message;
  readable_ = readable;
  parse_ = Parse::kNotYet;
  entries_.clear();
  numbers_used_ = 0;
  if (++generation_ == 0) {
    std::fill(slots_.begin(), slots_.end(), 0);
    generation_ = 1;
  }
  split_ = false;
  columns_.clear();
}

bool EventState::IsJson() {
  if (parse_ == Parse::kNotYet) {
    parse_ = Parse::kNotJson;
    // Only an object can be a JSON event; the first non-blank byte tells before simdjson runs
    // (JsonDocument would also read a blank message as {}).
    const size_t first = message_.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && message_[first] == '{') {
      // One parser per EventFields, reused for every event: building a simdjson parser per
      // event cost about 40% of matching the CIS set.
      if (!doc_) doc_ = api::JsonDocument::New();
      if (doc_->Reparse(message_, readable_).ok() && doc_->root().is_object())
        parse_ = Parse::kJson;
    }
  }
  return parse_ == Parse::kJson;
}

FieldValue EventState::Lookup(const Selector& selector, api::JsonValue* json) {
  FieldValue out;
  if (!IsJson()) return out;
  api::JsonValue v = doc_->root();
  for (const Step& step : selector.steps) {
    if (step.is_index) {
      if (!v.is_array()) return out;
      std::vector<api::JsonValue> items = v.Items();
      if (step.index >= items.size()) return out;
      v = items[step.index];
    } else {
      std::optional<api::JsonValue> member = v.Get(step.name);
      if (!member) return out;
      v = *member;
    }
  }
  *json = v;
  return Describe(v);
}

FieldValue EventState::Describe(const api::JsonValue& v) {
  FieldValue out;
  switch (v.type()) {
    case api::JsonValue::Type::kNull:
      out.type = FieldValue::Type::kNull;
      break;
    case api::JsonValue::Type::kBool:
      out.type = FieldValue::Type::kBool;
      out.boolean = v.AsBool();
      out.text = out.boolean ? "true" : "false";
      break;
    case api::JsonValue::Type::kNumber: {
      out.type = FieldValue::Type::kNumber;
      out.number = v.AsDouble();
      // The event's own digits are gone after parsing; integers print as integers, other
      // numbers in the shortest form that reads back the same.
      char buf[32];
      std::to_chars_result r{};
      if (std::optional<int64_t> i = v.AsInt()) {
        r = std::to_chars(buf, buf + sizeof buf, *i);
      } else {
        r = std::to_chars(buf, buf + sizeof buf, out.number);
      }
      if (numbers_used_ == number_texts_.size()) number_texts_.emplace_back();
      std::string& slot = number_texts_[numbers_used_++];
      slot.assign(buf, r.ptr);
      out.text = slot;
      break;
    }
    case api::JsonValue::Type::kString:
      out.type = FieldValue::Type::kString;
      out.text = v.AsString();
      break;
    case api::JsonValue::Type::kArray:
      out.type = FieldValue::Type::kArray;
      break;
    case api::JsonValue::Type::kObject:
      out.type = FieldValue::Type::kObject;
      break;
  }
  return out;
}

const FieldValue& EventState::Resolve(const Selector& selector) {
  return ResolveEntry(selector).value;
}

uint32_t EventState::ResolveHandle(const Selector& selector) {
  const Entry& e = ResolveEntry(selector);
  return static_cast<uint32_t>(&e - entries_.data());
}

EventState::Entry& EventState::ResolveEntry(const Selector& selector) {
  if (selector.id >= slots_.size()) slots_.resize(selector.id + 1, 0);
  uint64_t& slot = slots_[selector.id];
  if ((slot >> 32) == generation_) return entries_[static_cast<uint32_t>(slot)];
  Entry entry{FieldValue{}, api::JsonValue{}};
  entry.value = Lookup(selector, &entry.json);
  entries_.push_back(entry);
  slot = (uint64_t{generation_} << 32) | (entries_.size() - 1);
  return entries_.back();
}

bool EventState::ContainsTerm(uint32_t id, std::string_view term, SubstringAnchors anchors) {
  if (term.empty()) return true;
  if (id >= slots_.size()) slots_.resize(id + 1, 0);
  uint64_t& slot = slots_[id];
  if ((slot >> 32) == generation_) return (slot & 1) != 0;
  const bool found = ContainsSubstring(message_, term, anchors);
  slot = (uint64_t{generation_} << 32) | (found ? 1 : 0);
  return found;
}

uint32_t InternSelector(std::string_view path) {
  static std::mutex mu;
  static std::unordered_map<std::string, uint32_t>* ids =
      new std::unordered_map<std::string, uint32_t>();
  std::lock_guard lock(mu);
  auto [it, inserted] = ids->try_emplace(std::string(path), static_cast<uint32_t>(ids->size()));
  return it->second;
}

std::optional<std::string> EventState::Render(const Selector& selector) {
  const Entry& e = ResolveEntry(selector);
  const FieldValue& v = e.value;
  switch (v.type) {
    case FieldValue::Type::kMissing:
      return std::nullopt;
    case FieldValue::Type::kNull:
      return std::string("null");
    case FieldValue::Type::kBool:
    case FieldValue::Type::kNumber:
    case FieldValue::Type::kString:
      return std::string(v.text);
    case FieldValue::Type::kObject:
    case FieldValue::Type::kArray:
      return e.json.Minified();
  }
  return std::nullopt;
}

const std::vector<std::string_view>& EventState::Columns() {
  if (split_) return columns_;
  split_ = true;
  const std::string_view m = message_;
  size_t i = 0;
  while (true) {
    while (i < m.size() && (m[i] == ' ' || m[i] == '\t')) ++i;
    if (i >= m.size()) break;
    const char open = m[i];
    if (open == '"' || open == '[') {
      const char close = open == '"' ? '"' : ']';
      const size_t end = m.find(close, i + 1);
      const size_t stop = end == std::string_view::npos ? m.size() : end;
      columns_.push_back(m.substr(i + 1, stop - i - 1));
      i = end == std::string_view::npos ? m.size() : end + 1;
      continue;
    }
    size_t end = i;
    while (end < m.size() && m[end] != ' ' && m[end] != '\t') ++end;
    columns_.push_back(m.substr(i, end - i));
    i = end;
  }
  return columns_;
}

}  // namespace internal

internal::EventState& State(const EventFields& event) { return *event.state_; }

EventFields::EventFields(std::string_view message)
    : state_(std::make_unique<internal::EventState>()) {
  state_->Reset(message, 0);
}
EventFields::EventFields(EventFields&&) noexcept = default;
EventFields& EventFields::operator=(EventFields&&) noexcept = default;
EventFields::~EventFields() = default;

void EventFields::Reset(std::string_view message, size_t readable) {
  state_->Reset(message, readable);
}
std::string_view EventFields::message() const { return state_->message(); }
bool EventFields::is_json() const { return state_->IsJson(); }

}  // namespace ot::monitor
