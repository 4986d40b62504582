#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ot {

// Appends compact JSON to a string; commas and colons are placed automatically.
// Strings are escaped per RFC 8259 (UTF-8 passes through; control characters become \u00XX).
class JsonWriter {
 public:
  JsonWriter() = default;
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Double(double value);  // shortest round-trip form
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Inserts already-serialised JSON (an object, array or scalar) as one value.
  JsonWriter& Raw(std::string_view json);
  // Appends raw epoch-seconds text (see FormatEpochSeconds) as a number.
  JsonWriter& Number(std::string_view number_text) { return Raw(number_text); }

  const std::string& str() const { return *out_; }
  std::string Take() { return std::move(*out_); }

 private:
  void Separate();

  std::string own_;
  std::string* out_ = &own_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Appends `s` JSON-escaped, with the surrounding quotes.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace ot
