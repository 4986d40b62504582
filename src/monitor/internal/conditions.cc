// Values and conditions shared by JSON and space-delimited patterns (spec §2–§4).

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "monitor/internal/compiled_pattern.h"

namespace ot::monitor::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AtStop(std::string_view text, size_t pos, size_t end, bool in_columns) {
  if (pos >= end) return true;
  const char c = text[pos];
  if (in_columns ? (c == ',' || c == ']') : (c == ')' || c == '}')) return true;
  return pos + 1 < end &&
         ((c == '&' && text[pos + 1] == '&') || (c == '|' && text[pos + 1] == '|'));
}

// Splits `raw` at unescaped `*` into glob parts. In quoted values `\"` and `\\` are escapes too;
// any other backslash stays literal.
Glob MakeGlob(std::string_view raw, bool quoted) {
  Glob g;
  g.parts.emplace_back();
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size() &&
        (raw[i + 1] == '*' || (quoted && (raw[i + 1] == '"' || raw[i + 1] == '\\')))) {
      g.parts.back().push_back(raw[++i]);
    } else if (c == '*') {
      g.parts.emplace_back();
    } else {
      g.parts.back().push_back(c);
    }
  }
  return g;
}

bool IsNumericOp(Op op) { return op == Op::kLt || op == Op::kLe || op == Op::kGt || op == Op::kGe; }

}  // namespace

Status PatternError(size_t offset, std::string_view what) {
  return Status(Error::kInvalidParameter, "Invalid filter pattern at position " +
                                              std::to_string(offset + 1) + ": " +
                                              std::string(what));
}

bool ParseNumber(std::string_view text, double* out) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const size_t int_start = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  if (i == int_start) return false;
  if (i < text.size() && text[i] == '.') {
    const size_t frac = ++i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == frac) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const size_t exp = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    if (i == exp) return false;
  }
  if (i != text.size()) return false;
  // from_chars takes no leading '+'.
  const size_t skip = text[0] == '+' ? 1 : 0;
  double v = 0;
  const auto r = std::from_chars(text.data() + skip, text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    // Out of double range: an overflow compares as infinity, an underflow as zero.
    const bool neg = text[0] == '-';
    const size_t e = text.find_first_of("eE");
    const bool tiny = e != std::string_view::npos && text.substr(e + 1).find('-') == 0;
    v = tiny ? 0.0 : (neg ? -HUGE_VAL : HUGE_VAL);
  } else if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    return false;
  }
  *out = v;
  return true;
}

namespace {

// a[0, n) == b[0, n), inline for the short texts patterns hold (a memcmp call per prefix test
// was a visible share of matching a large filter set).
bool SameBytes(const char* a, const char* b, size_t n) {
  if (n > 16) return std::memcmp(a, b, n) == 0;
  if (n >= 8) {
    uint64_t x, y, z, w;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    std::memcpy(&z, a + n - 8, 8);
    std::memcpy(&w, b + n - 8, 8);
    return x == y && z == w;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

bool Glob::Match(std::string_view s) const {
  if (parts.size() == 1)
    return s.size() == parts[0].size() && SameBytes(s.data(), parts[0].data(), s.size());
  const std::string& first = parts.front();
  const std::string& last = parts.back();
  if (s.size() < first.size() + last.size()) return false;
  if (!SameBytes(s.data(), first.data(), first.size()) ||
      !SameBytes(s.data() + s.size() - last.size(), last.data(), last.size())) {
    return false;
  }
  // Leftmost placement of each middle part leaves the most room for the rest.
  size_t pos = first.size();
  const size_t limit = s.size() - last.size();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    const size_t found = s.substr(0, limit).find(parts[i], pos);
    if (found == std::string_view::npos) return false;
    pos = found + parts[i].size();
  }
  return true;
}

Status ParseValue(std::string_view text, size_t* pos, size_t end, bool in_columns,
                  std::string_view op_text, CompiledPattern* out, Condition* cond) {
  size_t p = *pos;
  while (p < end && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n' || text[p] == '\r')) ++p;
  const size_t start = p;
  // A value never starts with an operator character: `==`, `=>` and `<>` are typos, not values.
  if (AtStop(text, p, end, in_columns) || text[p] == '=' || text[p] == '<' || text[p] == '>') {
    return PatternError(p, "expected a value after '" + std::string(op_text) + "'");
  }
  const bool numeric_op = IsNumericOp(cond->op);
  if (text[p] == '"') {
    ++p;
    while (p < end && text[p] != '"') p += (text[p] == '\\' && p + 1 < end) ? 2 : 1;
    if (p >= end) return PatternError(start, "missing closing '\"' of the value");
    const std::string_view raw = text.substr(start + 1, p - start - 1);
    *pos = p + 1;
    if (numeric_op) {
      if (!ParseNumber(raw, &cond->number)) {
        return PatternError(start, "expected a number after '" + std::string(op_text) + "'");
      }
      cond->value_kind = ValueKind::kNumber;
      cond->number_text = std::string(raw);
      return Status::Ok();
    }
    cond->value_kind = ValueKind::kText;
    cond->glob = MakeGlob(raw, /*quoted=*/true);
    return Status::Ok();
  }
  if (text[p] == '%') {
    ++p;
    while (p < end && text[p] != '%') p += (text[p] == '\\' && p + 1 < end) ? 2 : 1;
    if (p >= end) return PatternError(start, "missing closing '%' of the regular expression");
    if (numeric_op) {
      return PatternError(start, "expected a number after '" + std::string(op_text) + "'");
    }
    if (out->regexes.size() >= kMaxRegexPerPattern) {
      return PatternError(start, "at most 2 regular expressions are allowed in a pattern");
    }
    Regex re;
    std::string error;
    size_t error_offset = 0;
    if (!Regex::Compile(text.substr(start + 1, p - start - 1), &re, &error, &error_offset)) {
      return PatternError(start + 1 + error_offset, error);
    }
    cond->value_kind = ValueKind::kRegex;
    cond->regex = static_cast<uint32_t>(out->regexes.size());
    out->regexes.push_back(std::move(re));
    *pos = p + 1;
    return Status::Ok();
  }
  // Bare: up to the next stop at this nesting level (a `(` inside the value nests), trimmed.
  int depth = 0;
  while (p < end) {
    const char c = text[p];
    if (c == '(' && !in_columns) {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (AtStop(text, p, end, in_columns)) {
      break;
    }
    ++p;
  }
  size_t stop = p;
  while (stop > start && (text[stop - 1] == ' ' || text[stop - 1] == '\t' ||
                          text[stop - 1] == '\n' || text[stop - 1] == '\r')) {
    --stop;
  }
  const std::string_view raw = text.substr(start, stop - start);
  *pos = p;
  if (ParseNumber(raw, &cond->number)) {
    cond->value_kind = ValueKind::kNumber;
    cond->number_text = std::string(raw);
    return Status::Ok();
  }
  if (numeric_op) {
    return PatternError(start, "expected a number after '" + std::string(op_text) + "'");
  }
  if (raw == "true" || raw == "false" || raw == "null") {
    cond->value_kind = raw == "true"    ? ValueKind::kTrue
                       : raw == "false" ? ValueKind::kFalse
                                        : ValueKind::kNull;
    cond->glob.parts = {std::string(raw)};
    return Status::Ok();
  }
  cond->value_kind = ValueKind::kText;
  cond->glob = MakeGlob(raw, /*quoted=*/false);
  return Status::Ok();
}

bool Evaluate(const CompiledPattern& pattern, const Condition& cond, const FieldValue& value) {
  using Type = FieldValue::Type;
  switch (cond.op) {
    case Op::kNotExists:
      return value.type == Type::kMissing;
    case Op::kIsNull:
      return value.type == Type::kNull;
    case Op::kIsTrue:
      return value.type == Type::kBool && value.boolean;
    case Op::kIsFalse:
      return value.type == Type::kBool && !value.boolean;
    case Op::kLt:
      return value.type == Type::kNumber && value.number < cond.number;
    case Op::kLe:
      return value.type == Type::kNumber && value.number <= cond.number;
    case Op::kGt:
      return value.type == Type::kNumber && value.number > cond.number;
    case Op::kGe:
      return value.type == Type::kNumber && value.number >= cond.number;
    case Op::kEq:
    case Op::kNe:
      break;
  }
  // = and !=: an unresolved selector, an object or an array never satisfies either (spec §3:
  // absence is tested with NOT EXISTS).
  const bool scalar_text =
      value.type == Type::kString || value.type == Type::kNumber || value.type == Type::kBool;
  bool eligible = false;
  bool equal = false;
  switch (cond.value_kind) {
    case ValueKind::kText:
      eligible = scalar_text;
      equal = eligible && cond.glob.Match(value.text);
      break;
    case ValueKind::kNumber:
      if (value.type == Type::kNumber) {
        eligible = true;
        equal = value.number == cond.number;
      } else if (value.type == Type::kString) {
        eligible = true;
        equal = value.text == cond.number_text;
      }
      break;
    case ValueKind::kRegex:
      eligible = value.type == Type::kString;
      equal = eligible && pattern.regexes[cond.regex].Search(value.text);
      break;
    case ValueKind::kTrue:
    case ValueKind::kFalse:
    case ValueKind::kNull:
      eligible = scalar_text || (cond.value_kind == ValueKind::kNull && value.type == Type::kNull);
      equal = value.type == Type::kNull ? cond.value_kind == ValueKind::kNull
                                        : eligible && value.text == cond.glob.parts[0];
      break;
    case ValueKind::kNone:
      break;
  }
  if (!eligible) return false;
  return cond.op == Op::kEq ? equal : !equal;
}

}  // namespace ot::monitor::internal
