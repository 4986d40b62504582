#pragma once

// A small JSON tree for the trail registry's own documents and selector lists. Internal to
// src/trail: simdjson stays in events/ and api/protocol/, and these texts are tiny.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ot::trail::internal {

struct JsonNode {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string text;  // strings (unescaped)
  std::vector<JsonNode> items;
  // (name, value) in document order; a struct rather than std::pair, which may not be
  // instantiated with the still-incomplete JsonNode (clang with libstdc++ rejects it).
  struct Member;
  std::vector<Member> members;

  // The member `name` of an object, or nullptr (also for non-objects).
  const JsonNode* Get(std::string_view name) const;
};

struct JsonNode::Member {
  std::string first;
  JsonNode second;
};

// "a string", "an array", ... for messages.
std::string_view KindName(JsonNode::Kind kind);

// Parses one JSON value (RFC 8259, nesting ≤ 64); kSerialization on malformed text.
Result<JsonNode> ParseJsonTree(std::string_view text);

}  // namespace ot::trail::internal
