#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "monitor/filter_pattern.h"
#include "monitor/internal/regex.h"
#include "monitor/internal/substring.h"

namespace ot::monitor::internal {

class EventState;

// A value with `*` wildcards (any run, including empty), anchored at both ends. `\*` in the
// pattern is a literal star and was unescaped into `parts` already.
struct Glob {
  std::vector<std::string> parts;  // split at the wildcards; one part = no wildcard
  bool Match(std::string_view s) const;
};

// One step of a JSON selector: `.name` or `[index]`.
struct Step {
  std::string name;
  uint32_t index = 0;
  bool is_index = false;
};

struct Selector {
  std::string path;  // canonical text, "$.a.b[0]"
  std::vector<Step> steps;
  uint64_t hash = 0;  // of `path`
  uint32_t id = 0;    // InternSelector(path): the slot EventState caches resolutions in
};

// A small dense id per distinct selector path, the same for every pattern in the process (so
// filters that share a selector share its resolution in an event). Thread-safe; ids are never
// reused.
uint32_t InternSelector(std::string_view path);

enum class Op : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kIsTrue, kIsFalse, kNotExists };

enum class ValueKind : uint8_t {
  kNone,    // IS NULL / IS TRUE / IS FALSE / NOT EXISTS
  kText,    // quoted or bare non-numeric: `glob`
  kNumber,  // bare [+-]digits[.digits][e[+-]digits]: `number`, and `number_text` for strings
  kRegex,   // %re%: `regex`
  kTrue,    // bare true / false / null: the JSON literal (or its text in a string)
  kFalse,
  kNull,
};

// `selector op value`. In space-delimited patterns `selector` is unused (the field is implied).
struct Condition {
  uint32_t selector = 0;  // index into CompiledPattern::json_selectors
  Op op = Op::kEq;
  ValueKind value_kind = ValueKind::kNone;
  Glob glob;
  double number = 0;
  std::string number_text;
  uint32_t regex = 0;  // index into CompiledPattern::regexes
};

// A node of a JSON pattern's boolean expression (flattened: an And/Or holds all its operands).
struct Node {
  // kInSet: `selector = "a" || selector = "b" || …` with plain texts (no wildcards), folded at
  // compile time into one lookup: the CIS patterns are mostly such lists of event names.
  enum class Kind : uint8_t { kCondition, kAnd, kOr, kInSet };
  Kind kind = Kind::kCondition;
  uint32_t condition = 0;          // kCondition: index into CompiledPattern::conditions
  std::vector<uint32_t> children;  // kAnd / kOr: indexes into CompiledPattern::nodes
  uint32_t selector = 0;           // kInSet: index into CompiledPattern::json_selectors
  std::vector<std::string> set;    // kInSet: sorted texts
  uint64_t length_mask = 0;        // kInSet: bit min(len, 63) for each text in `set`
};

struct Term {
  enum class Mode : uint8_t { kRequired, kAny, kExcluded };
  std::string text;  // substring to look for; empty = matches everything (`" "`)
  Mode mode = Mode::kRequired;
  uint32_t id = 0;  // InternSelector("term:" + text): EventState remembers whether it occurs
  SubstringAnchors anchors;  // RareAnchors(text), for the search
};

// One column of a space-delimited pattern.
struct Column {
  bool ellipsis = false;  // `...`: any number of message fields
  std::string name;       // without `$`
  // The column's constraint as OR of ANDs over `conditions` indexes; empty = any value.
  std::vector<std::vector<uint32_t>> any_of;
};

struct CompiledPattern {
  std::string text;
  PatternKind kind = PatternKind::kEmpty;
  std::vector<std::string> selector_names;  // FilterPattern::selectors()
  std::vector<Regex> regexes;               // kRegex: regexes[0] is the pattern

  // kJson
  std::vector<Selector> json_selectors;
  std::vector<Condition> conditions;  // also the column conditions of kSpaceDelimited
  std::vector<Node> nodes;
  uint32_t root = 0;

  // kTerms
  std::vector<Term> terms;

  // kSpaceDelimited
  std::vector<Column> columns;
};

// What a JSON selector (or a space-delimited field) resolved to in one event.
struct FieldValue {
  enum class Type : uint8_t { kMissing, kNull, kBool, kNumber, kString, kObject, kArray };
  Type type = Type::kMissing;
  bool boolean = false;
  double number = 0;
  // kString: the contents (a view into the parsed event); kNumber: its text; kBool: "true" or
  // "false"; kObject / kArray: empty (ExtractValues renders them on demand).
  std::string_view text;
};

// "Invalid filter pattern at position <offset+1>: <what>", as Error::kInvalidParameter.
Status PatternError(size_t offset, std::string_view what);

// Parsers for each kind; `begin`/`end` delimit the trimmed pattern inside `out->text`.
Status ParseJsonPattern(size_t begin, size_t end, CompiledPattern* out);
Status ParseSpaceDelimitedPattern(size_t begin, size_t end, CompiledPattern* out);
Status ParseTermsPattern(size_t begin, size_t end, CompiledPattern* out);

// A whole JSON selector such as "$.a.b[0]" (metric values and dimensions); error positions are
// within `text`.
Status ParseSelector(std::string_view text, Selector* out);

// The message field each column of a space-delimited pattern takes (-1 for `...`), when the
// event matches the pattern's shape and column conditions; false otherwise.
bool BindColumns(const CompiledPattern& pattern, EventState& event, std::vector<int>* binding);

// Shared by the JSON and space-delimited parsers: the value after a comparison operator at
// `*pos` (quoted, %regex% or bare up to a stop), into `cond`. `in_columns` selects the
// space-delimited stops (`,` `]`) over the JSON ones (`)` `}`).
Status ParseValue(std::string_view text, size_t* pos, size_t end, bool in_columns,
                  std::string_view op_text, CompiledPattern* out, Condition* cond);

// Whether `cond` holds for `value` (spec §3 table).
bool Evaluate(const CompiledPattern& pattern, const Condition& cond, const FieldValue& value);

// Parses `[+-]?digits[.digits][(e|E)[+-]digits]` exactly; false otherwise.
bool ParseNumber(std::string_view text, double* out);

}  // namespace ot::monitor::internal

namespace ot::monitor {
// The compiled form of a FilterPattern (a friend accessor for the matchers).
const internal::CompiledPattern& Compiled(const FilterPattern& pattern);
}  // namespace ot::monitor
