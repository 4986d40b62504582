#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ot::monitor::internal {

// The regex subset of filter patterns (spec §3): literals, `.`, `[...]` classes with ranges and
// `^` negation, `\d \D \s \S \w \W`, quantifiers `* + ? {n} {n,} {n,m}`, alternation `|`, and the
// anchors `^` (start of an alternative) and `$` (its end). No groups, no multibyte characters.
//
// Matching is a Thompson-style simulation over the expanded atom sequence, so its cost is
// O(text length × pattern states) whatever the pattern: no backtracking blow-up on hostile input.
struct Regex {
  // Compiles `re` (the text between the `%`s). On failure returns false and sets `*error` to a
  // message and `*error_offset` to the offending byte within `re`.
  static bool Compile(std::string_view re, Regex* out, std::string* error, size_t* error_offset);

  // True when the regex matches somewhere in `text` (use ^ and $ to anchor).
  bool Search(std::string_view text) const;

  // The compiled form, filled by Compile.
  enum class Repeat : uint8_t { kOne, kOptional, kStar };
  struct State {
    uint32_t atom;  // index into atoms_
    Repeat repeat;
  };
  struct Alternative {
    uint32_t first;  // index of its first position; its accept position is first + length
    uint32_t length;
    bool anchored_start = false;
    bool anchored_end = false;
  };

  std::vector<std::bitset<256>> atoms;
  std::vector<State> states;  // per position; an accept position's entry is default (unused)
  std::vector<bool> accept;   // per position: the end of an alternative
  std::vector<Alternative> alternatives;
};

}  // namespace ot::monitor::internal
