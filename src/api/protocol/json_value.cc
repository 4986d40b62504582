#include "api/protocol/json_value.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/json_writer.h"
#include "common/time.h"

namespace ot::api {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

static_assert(sizeof(element) <= 16 && alignof(element) <= 8);

const element& E(const unsigned char* storage) {
  return *std::launder(reinterpret_cast<const element*>(storage));
}

void WriteValue(const element& e, bool lower_keys, std::string* out) {
  switch (e.type()) {
    case element_type::OBJECT: {
      out->push_back('{');
      bool first = true;
      for (auto field : simdjson::dom::object(e)) {
        if (!first) out->push_back(',');
        first = false;
        std::string key(field.key);
        if (lower_keys && !key.empty() && key[0] >= 'A' && key[0] <= 'Z') key[0] += 'a' - 'A';
        AppendJsonString(out, key);
        out->push_back(':');
        WriteValue(field.value, lower_keys, out);
      }
      out->push_back('}');
      return;
    }
    case element_type::ARRAY: {
      out->push_back('[');
      bool first = true;
      for (element item : simdjson::dom::array(e)) {
        if (!first) out->push_back(',');
        first = false;
        WriteValue(item, lower_keys, out);
      }
      out->push_back(']');
      return;
    }
    case element_type::STRING:
      AppendJsonString(out, std::string_view(e));
      return;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
    case element_type::BOOL:
    case element_type::NULL_VALUE:
      out->append(simdjson::minify(e));
      return;
  }
}

}  // namespace

struct JsonDocument::Impl {
  simdjson::dom::parser parser;
  element root;
};

JsonDocument::JsonDocument() : impl_(std::make_unique<Impl>()) {}
JsonDocument::~JsonDocument() = default;

Result<std::unique_ptr<JsonDocument>> JsonDocument::Parse(std::string_view text) {
  std::unique_ptr<JsonDocument> doc(new JsonDocument());
  OT_RETURN_IF_ERROR(doc->Reparse(text));
  return doc;
}

std::unique_ptr<JsonDocument> JsonDocument::New() {
  std::unique_ptr<JsonDocument> doc(new JsonDocument());
  OT_CHECK(doc->Reparse("{}").ok());
  return doc;
}

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

Status JsonDocument::Reparse(std::string_view text, size_t readable) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    text = "{}";
    readable = 0;
  }
  const bool padded = readable >= text.size() + kJsonPadding;
  auto r = impl_->parser.parse(text.data(), text.size(), /*realloc_if_needed=*/!padded);
  if (r.error() != simdjson::SUCCESS) {
    const simdjson::error_code error = r.error();
    impl_->root = impl_->parser.parse("{}", 2, true).value_unsafe();
    return Status(Error::kSerialization, std::string("Malformed JSON in the request body: ") +
                                             simdjson::error_message(error));
  }
  impl_->root = r.value_unsafe();
  return Status::Ok();
}

JsonValue JsonDocument::root() const {
  JsonValue v;
  new (v.storage_) element(impl_->root);
  return v;
}

JsonValue::Type JsonValue::type() const {
  switch (E(storage_).type()) {
    case element_type::OBJECT:
      return Type::kObject;
    case element_type::ARRAY:
      return Type::kArray;
    case element_type::STRING:
      return Type::kString;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return Type::kNumber;
    case element_type::BOOL:
      return Type::kBool;
    case element_type::NULL_VALUE:
      return Type::kNull;
  }
  return Type::kNull;
}

std::optional<JsonValue> JsonValue::Get(std::string_view member) const {
  if (!is_object()) return std::nullopt;
  // Exact (case-sensitive) member lookup; duplicate keys: the first wins.
  for (auto field : simdjson::dom::object(E(storage_))) {
    if (field.key == member) {
      JsonValue v;
      new (v.storage_) element(field.value);
      return v;
    }
  }
  return std::nullopt;
}

std::vector<JsonValue> JsonValue::Items() const {
  std::vector<JsonValue> out;
  if (!is_array()) return out;
  for (element item : simdjson::dom::array(E(storage_))) {
    JsonValue v;
    new (v.storage_) element(item);
    out.push_back(v);
  }
  return out;
}

void JsonValue::VisitMembers(MemberVisitor visit, void* ctx) const {
  if (!is_object()) return;
  for (auto field : simdjson::dom::object(E(storage_))) {
    JsonValue v;
    new (v.storage_) element(field.value);
    if (!visit(ctx, field.key, v)) return;
  }
}

MemberNames::MemberNames(std::vector<std::string> names) : names_(std::move(names)) {
  OT_CHECK(names_.size() <= 255);
  entries_.resize(names_.size());
  // Chains keep the names' order, so a lookup finds the first of equal names.
  for (size_t i = names_.size(); i-- > 0;) {
    const std::string& name = names_[i];
    length_mask_ |= uint64_t{1} << std::min<size_t>(name.size(), 63);
    if (name.empty()) continue;
    Entry& e = entries_[i];
    Words(name, &e.head, &e.tail);
    e.size = static_cast<uint32_t>(name.size());
    const size_t slot = Slot(name.size(), e.head);
    e.next = slots_[slot];
    slots_[slot] = static_cast<uint8_t>(i + 1);
  }
}

void JsonValue::FindMembers(const MemberNames& names, FoundVisitor found, void* ctx) const {
  if (!is_object() || names.size() == 0) return;
  uint64_t seen[4] = {};  // one bit per name index (at most 255)
  size_t remaining = names.size();
  for (auto field : simdjson::dom::object(E(storage_))) {
    const int i = names.Find(field.key);
    if (i < 0) continue;
    uint64_t& word = seen[i / 64];
    const uint64_t bit = uint64_t{1} << (i % 64);
    if ((word & bit) != 0) continue;
    word |= bit;
    JsonValue v;
    new (v.storage_) element(field.value);
    found(ctx, static_cast<size_t>(i), v);
    if (--remaining == 0) return;
  }
}

std::optional<JsonValue> JsonValue::At(size_t index) const {
  if (!is_array()) return std::nullopt;
  element item;
  if (simdjson::dom::array(E(storage_)).at(index).get(item) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  JsonValue v;
  new (v.storage_) element(item);
  return v;
}

std::vector<std::pair<std::string_view, JsonValue>> JsonValue::Members() const {
  std::vector<std::pair<std::string_view, JsonValue>> out;
  if (!is_object()) return out;
  for (auto field : simdjson::dom::object(E(storage_))) {
    JsonValue v;
    new (v.storage_) element(field.value);
    out.emplace_back(field.key, v);
  }
  return out;
}

std::string_view JsonValue::AsString() const {
  std::string_view s;
  if (E(storage_).get_string().get(s) != simdjson::SUCCESS) return {};
  return s;
}

bool JsonValue::AsBool() const {
  bool b = false;
  if (E(storage_).get_bool().get(b) != simdjson::SUCCESS) return false;
  return b;
}

double JsonValue::AsDouble() const {
  double d = 0;
  if (E(storage_).get_double().get(d) != simdjson::SUCCESS) return 0;
  return d;
}

std::optional<int64_t> JsonValue::AsInt() const {
  int64_t i = 0;
  if (E(storage_).get_int64().get(i) == simdjson::SUCCESS) return i;
  double d = 0;
  if (E(storage_).get_double().get(d) == simdjson::SUCCESS && std::floor(d) == d &&
      std::fabs(d) < 9e18) {
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::string JsonValue::Minified() const {
  std::string out;
  WriteValue(E(storage_), false, &out);
  return out;
}

std::string LowerCamelJson(JsonValue value) {
  std::string out;
  WriteValue(E(value.storage_), true, &out);
  return out;
}

std::string_view JsonTypeName(JsonValue::Type type) {
  switch (type) {
    case JsonValue::Type::kNull:
      return "null";
    case JsonValue::Type::kBool:
      return "boolean";
    case JsonValue::Type::kNumber:
      return "number";
    case JsonValue::Type::kString:
      return "string";
    case JsonValue::Type::kArray:
      return "list";
    case JsonValue::Type::kObject:
      return "structure";
  }
  return "value";
}

std::string Members::PathOf(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

Result<std::optional<JsonValue>> Members::Typed(std::string_view name, JsonValue::Type want) const {
  std::optional<JsonValue> v = object_.Get(name);
  if (!v || v->is_null()) return std::optional<JsonValue>();
  if (v->type() != want) {
    return Status(Error::kSerialization, "Expected " + std::string(JsonTypeName(want)) +
                                             " for member '" + PathOf(name) + "' but found " +
                                             std::string(JsonTypeName(v->type())));
  }
  return v;
}

Result<std::optional<std::string>> Members::OptString(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto v, Typed(name, JsonValue::Type::kString));
  if (!v) return std::optional<std::string>();
  return std::optional<std::string>(std::string(v->AsString()));
}

Result<std::string> Members::ReqString(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto v, OptString(name));
  if (!v) {
    return Status(Error::kValidation,
                  "1 validation error detected: Value null at '" + PathOf(name) +
                      "' failed to satisfy constraint: Member must not be null");
  }
  return std::move(*v);
}

Result<std::optional<int64_t>> Members::OptInt(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto v, Typed(name, JsonValue::Type::kNumber));
  if (!v) return std::optional<int64_t>();
  std::optional<int64_t> i = v->AsInt();
  if (!i) {
    return Status(Error::kSerialization,
                  "Expected an integer for member '" + PathOf(name) + "' but found a fraction");
  }
  return i;
}

Result<std::optional<bool>> Members::OptBool(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto v, Typed(name, JsonValue::Type::kBool));
  if (!v) return std::optional<bool>();
  return std::optional<bool>(v->AsBool());
}

Result<std::optional<int64_t>> Members::OptTimestampMillis(std::string_view name) const {
  std::optional<JsonValue> v = object_.Get(name);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (v->type() == JsonValue::Type::kNumber) {
    double secs = v->AsDouble();
    if (!std::isfinite(secs) || std::fabs(secs) > 1e13) {
      return Status(Error::kSerialization,
                    "Timestamp out of range for member '" + PathOf(name) + "'");
    }
    return std::optional<int64_t>(static_cast<int64_t>(std::llround(secs * 1000.0)));
  }
  if (v->type() == JsonValue::Type::kString) {
    auto t = ParseIso8601(v->AsString());
    if (!t.ok()) {
      return Status(Error::kSerialization,
                    "Invalid timestamp for member '" + PathOf(name) + "': " + t.status().message());
    }
    return std::optional<int64_t>(t->time_since_epoch().count());
  }
  return Status(Error::kSerialization, "Expected a timestamp for member '" + PathOf(name) +
                                           "' but found " + std::string(JsonTypeName(v->type())));
}

Result<std::optional<std::vector<JsonValue>>> Members::OptList(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto v, Typed(name, JsonValue::Type::kArray));
  if (!v) return std::optional<std::vector<JsonValue>>();
  return std::optional<std::vector<JsonValue>>(v->Items());
}

}  // namespace ot::api
