#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ot::api {

// A read-only view of one value inside a parsed JSON document. Cheap to copy; valid while the
// JsonDocument that produced it lives. Hides the JSON library from handlers.
class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type() const;
  bool is_object() const { return type() == Type::kObject; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_string() const { return type() == Type::kString; }
  bool is_null() const { return type() == Type::kNull; }

  std::optional<JsonValue> Get(std::string_view member) const;          // objects only
  std::vector<JsonValue> Items() const;                                 // arrays only
  std::vector<std::pair<std::string_view, JsonValue>> Members() const;  // objects only
  // Calls `visit(ctx, key, value)` for each member of an object in document order until it
  // returns false; nothing for other types. Allocates nothing: for hot loops (metric filters
  // resolve all their selectors in one walk of each event).
  using MemberVisitor = bool (*)(void* ctx, std::string_view key, const JsonValue& value);
  void VisitMembers(MemberVisitor visit, void* ctx) const;
  std::optional<JsonValue> At(size_t index) const;  // arrays only; empty when out of range
  // Many member lookups in one pass over an object: for the first member whose key is
  // names.name(i), calls found(ctx, i, value) (later duplicates are ignored, as Get ignores
  // them). Stops early once every name was found.
  using FoundVisitor = void (*)(void* ctx, size_t index, const JsonValue& value);
  void FindMembers(const class MemberNames& names, FoundVisitor found, void* ctx) const;

  std::string_view AsString() const;     // strings only
  bool AsBool() const;                   // booleans only
  double AsDouble() const;               // numbers only
  std::optional<int64_t> AsInt() const;  // integral numbers only
  std::string Minified() const;          // compact JSON text of this value

 private:
  friend class JsonDocument;
  friend std::string LowerCamelJson(JsonValue value);
  alignas(8) unsigned char storage_[16];
};

std::string_view JsonTypeName(JsonValue::Type type);  // "string", "number", …

// Member names to look up together (JsonValue::FindMembers), indexed so that a key costs one
// table probe and, usually, at most one comparison of two words. At most 255 names.
class MemberNames {
 public:
  MemberNames() = default;
  explicit MemberNames(std::vector<std::string> names);

  size_t size() const { return names_.size(); }
  const std::string& name(size_t i) const { return names_[i]; }
  // The index of `key` among the names, or -1.
  int Find(std::string_view key) const {
    const size_t n = key.size();
    // Most keys of an event are not wanted, and their size alone tells.
    if (n == 0 || (length_mask_ & (uint64_t{1} << (n < 63 ? n : 63))) == 0) return -1;
    uint64_t head = 0;
    uint64_t tail = 0;
    Words(key, &head, &tail);
    for (uint8_t i = slots_[Slot(n, head)]; i != 0;) {
      const Entry& e = entries_[i - 1];
      if (e.size == n && e.head == head && e.tail == tail &&
          (n <= 16 || std::memcmp(names_[i - 1].data() + 8, key.data() + 8, n - 16) == 0)) {
        return i - 1;
      }
      i = e.next;
    }
    return -1;
  }

 private:
  // The first and last eight bytes of `s` (fewer, zero-filled, when shorter): with the size they
  // identify names of up to 16 bytes.
  static void Words(std::string_view s, uint64_t* head, uint64_t* tail) {
    const size_t n = s.size();
    if (n >= 8) {
      std::memcpy(head, s.data(), 8);
      std::memcpy(tail, s.data() + n - 8, 8);
      return;
    }
    uint64_t h = 0;
    for (size_t i = 0; i < n; ++i) h |= uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    *head = h;
    *tail = 0;
  }
  static size_t Slot(size_t n, uint64_t head) {
    return static_cast<size_t>(((head ^ n) * 0x9e3779b97f4a7c15) >> 56);
  }
  struct Entry {
    uint64_t head = 0;
    uint64_t tail = 0;
    uint32_t size = 0;
    uint8_t next = 0;  // 1 + the next name's index in this slot, 0 for none
  };
  std::vector<std::string> names_;
  std::vector<Entry> entries_;  // per name
  uint64_t length_mask_ = 0;    // bit min(size, 63) of each name's size
  uint8_t slots_[256] = {};     // per slot: 1 + the first name's index, 0 for none
};

// Bytes the parser may read past the end of a text (JsonDocument::Reparse's `readable`).
inline constexpr size_t kJsonPadding = 64;

// A parsed JSON document; owns the memory its JsonValues point into.
class JsonDocument {
 public:
  // Parses `text`; an empty body parses as {}. Fails with kSerialization on malformed JSON.
  static Result<std::unique_ptr<JsonDocument>> Parse(std::string_view text);
  // An empty document ({}) whose parser Reparse reuses: for streams of documents (metric
  // filters parse every log event), one parser's buffers serve them all.
  static std::unique_ptr<JsonDocument> New();
  // Parses `text` into this document, reusing the parser's memory. Values obtained before become
  // invalid. Errors as Parse; after an error the document holds {}. `readable`: how many bytes
  // from text.data() may be read; at least text.size() + kJsonPadding spares the parser a copy of
  // the text into a padded buffer of its own.
  Status Reparse(std::string_view text, size_t readable = 0);
  ~JsonDocument();
  JsonValue root() const;

 private:
  JsonDocument();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Typed access to the members of one input structure. Errors name the member by its path:
// wrong JSON type → kSerialization, missing required member → kValidation.
class Members {
 public:
  Members(JsonValue object, std::string path) : object_(object), path_(std::move(path)) {}

  Result<std::optional<std::string>> OptString(std::string_view name) const;
  Result<std::string> ReqString(std::string_view name) const;
  Result<std::optional<int64_t>> OptInt(std::string_view name) const;
  Result<std::optional<bool>> OptBool(std::string_view name) const;
  // Epoch seconds (integer or fraction) or an ISO-8601 string.
  Result<std::optional<int64_t>> OptTimestampMillis(std::string_view name) const;
  Result<std::optional<std::vector<JsonValue>>> OptList(std::string_view name) const;
  std::string PathOf(std::string_view name) const;

 private:
  Result<std::optional<JsonValue>> Typed(std::string_view name, JsonValue::Type want) const;

  JsonValue object_;
  std::string path_;
};

// The JSON of `value` with the first letter of every object key lower-cased: how CloudTrail
// writes the requestParameters of JSON-protocol calls ({"Name":…} → {"name":…}).
std::string LowerCamelJson(JsonValue value);

}  // namespace ot::api
