#include "events/internal/json_util.h"

#include <cstring>
#include <utility>

#include "common/json_writer.h"

namespace ot::events::internal {

struct ParserLease::Cache {
  od::parser parser;
  std::unique_ptr<char[]> buffer;
  size_t capacity = 0;
  bool busy = false;
};

namespace {

// Buffers above this are released after use rather than cached for the thread's lifetime.
constexpr size_t kMaxCachedBuffer = 16 << 20;

ParserLease::Cache* ThreadCache(ParserSlot slot) {
  thread_local ParserLease::Cache record_cache;
  thread_local ParserLease::Cache file_cache;
  switch (slot) {
    case ParserSlot::kRecord:
      return &record_cache;
    case ParserSlot::kFile:
      return &file_cache;
  }
  return &record_cache;
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

ParserLease::ParserLease(ParserSlot slot) : cache_(ThreadCache(slot)) {
  if (cache_->busy) {
    own_ = std::make_unique<Cache>();
    cache_ = own_.get();
  }
  cache_->busy = true;
}

ParserLease::~ParserLease() {
  cache_->busy = false;
  if (cache_->capacity > kMaxCachedBuffer) {
    cache_->buffer.reset();
    cache_->capacity = 0;
  }
  // The parser's own buffers grow to several times the largest input (a 50 MB log file):
  // drop them too rather than keep them for the thread's lifetime.
  if (cache_->parser.capacity() > kMaxCachedBuffer) cache_->parser = od::parser();
}

od::parser& ParserLease::parser() { return cache_->parser; }

simdjson::padded_string_view ParserLease::Pad(std::string_view text) {
  const size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
  if (cache_->capacity < needed) {
    cache_->buffer = std::make_unique<char[]>(needed);
    cache_->capacity = needed;
  }
  if (!text.empty()) std::memcpy(cache_->buffer.get(), text.data(), text.size());
  std::memset(cache_->buffer.get() + text.size(), ' ', simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(cache_->buffer.get(), text.size(), cache_->capacity);
}

bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < s.size() && IsDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

std::string_view TrimmedToken(od::value& value) {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && IsJsonSpace(token.back())) token.remove_suffix(1);
  return token;
}

simdjson::error_code FieldKey(od::field& field, std::string_view* key, bool* canonical) {
  // The raw key starts after its opening quote; simdjson's first pass has checked that a
  // closing quote follows, so the scan stops inside the padded buffer.
  const char* start = reinterpret_cast<const char*>(field.key().raw());
  const char* end = start;
  while (*end != '"' && *end != '\\') ++end;
  if (*end == '"') {
    *key = std::string_view(start, static_cast<size_t>(end - start));
    *canonical = true;
    return simdjson::SUCCESS;
  }
  *canonical = false;
  return field.unescaped_key().get(*key);
}

std::string_view TypeName(od::value& value) {
  od::json_type type;
  if (value.type().get(type)) return "malformed JSON";
  switch (type) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "malformed JSON";
}

simdjson::error_code AppendCompactJson(od::value value, std::string* out, int max_depth) {
  od::json_type type;
  if (auto err = value.type().get(type)) return err;
  switch (type) {
    case od::json_type::object: {
      if (max_depth <= 0) return simdjson::DEPTH_ERROR;
      od::object object;
      if (auto err = value.get_object().get(object)) return err;
      out->push_back('{');
      bool first = true;
      for (auto member : object) {
        od::field field;
        std::string_view key;
        bool canonical;
        if (auto err = std::move(member).get(field)) return err;
        if (auto err = FieldKey(field, &key, &canonical)) return err;
        if (!first) out->push_back(',');
        first = false;
        if (canonical) {
          out->push_back('"');
          out->append(key);
          out->append("\":");
        } else {
          AppendJsonString(out, key);
          out->push_back(':');
        }
        od::value child = field.value();
        if (auto err = AppendCompactJson(child, out, max_depth - 1)) return err;
      }
      out->push_back('}');
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      if (max_depth <= 0) return simdjson::DEPTH_ERROR;
      od::array array;
      if (auto err = value.get_array().get(array)) return err;
      out->push_back('[');
      bool first = true;
      for (auto element : array) {
        od::value child;
        if (auto err = element.get(child)) return err;
        if (!first) out->push_back(',');
        first = false;
        if (auto err = AppendCompactJson(child, out, max_depth - 1)) return err;
      }
      out->push_back(']');
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      // Without a backslash the token is already canonical: simdjson's first pass has checked
      // the UTF-8 and rejected unescaped control characters. Copying it skips the unescape and
      // re-escape round, which dominate the cost of nested objects.
      const std::string_view token = TrimmedToken(value);
      if (token.size() >= 2 && token.back() == '"' &&
          std::memchr(token.data(), '\\', token.size()) == nullptr) {
        out->append(token);
        return simdjson::SUCCESS;
      }
      std::string_view s;
      if (auto err = value.get_string().get(s)) return err;
      AppendJsonString(out, s);
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      const std::string_view token = TrimmedToken(value);
      if (!IsJsonNumber(token)) return simdjson::NUMBER_ERROR;
      out->append(token);
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean:
    case od::json_type::null: {
      const std::string_view token = TrimmedToken(value);
      if (token != "true" && token != "false" && token != "null") return simdjson::T_ATOM_ERROR;
      out->append(token);
      return simdjson::SUCCESS;
    }
  }
  return simdjson::TAPE_ERROR;
}

bool AtEnd(od::document& doc) {
  const char* location = nullptr;
  return doc.current_location().get(location) != simdjson::SUCCESS;
}

}  // namespace ot::events::internal
