#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

// The CloudWatch Logs filter-pattern language (spec/filter-patterns.md §1–§4): compile a pattern
// once, then match it against many log events. A pure library: no clock, no files, no state
// beyond the values below.
namespace ot::monitor {

namespace internal {
struct CompiledPattern;
class EventState;
}  // namespace internal

// Longest pattern PutMetricFilter accepts, in characters (UTF-8 code points).
inline constexpr size_t kMaxFilterPatternLength = 1024;
// At most this many `%regex%` in one pattern.
inline constexpr size_t kMaxRegexPerPattern = 2;

// How the trimmed pattern text was recognised (spec §1).
enum class PatternKind {
  kEmpty,           // "" or blanks: matches every event
  kJson,            // { $.a = "x" && ... }: JSON messages only
  kSpaceDelimited,  // [ip, user, ..., status = 4*]: positional fields of a text line
  kRegex,           // %re%: regex search over the whole message
  kTerms,           // words, "phrases", ?any, -excluded: substrings of the message
};

// A compiled filter pattern. Immutable; cheap to copy (copies share the compiled form); safe to
// use from several threads at once.
class FilterPattern {
 public:
  PatternKind kind() const;
  // The pattern exactly as given to CompileFilterPattern (PutMetricFilter stores it verbatim).
  const std::string& text() const;
  // Number of `%regex%` in the pattern (the per-log-group limit counts regex-bearing filters).
  size_t regex_count() const;
  // What a match can extract, in pattern order, without duplicates: JSON selectors in canonical
  // form ("$.userIdentity.type", "$.items[0].id") or named space-delimited fields ("$status").
  // These are also the selectors a metric transformation may reference.
  const std::vector<std::string>& selectors() const;

 private:
  friend Result<FilterPattern> CompileFilterPattern(std::string_view text);
  friend const internal::CompiledPattern& Compiled(const FilterPattern& pattern);
  explicit FilterPattern(std::shared_ptr<const internal::CompiledPattern> impl);

  std::shared_ptr<const internal::CompiledPattern> impl_;
};

// Compiles `text` (spec §1–§4). Fails with Error::kInvalidParameter ("InvalidParameterException")
// and a message naming the 1-based byte position of the problem, e.g.
// `Invalid filter pattern at position 17: expected a value after '='`; longer than
// kMaxFilterPatternLength characters or more than kMaxRegexPerPattern regexes also fail.
Result<FilterPattern> CompileFilterPattern(std::string_view text);

// One log event's message, prepared for matching against any number of patterns: the message is
// parsed as JSON at most once (on the first JSON pattern that needs it) and split into
// space-delimited fields at most once; each JSON selector is resolved at most once and
// remembered, so N patterns over the same event cost one parse plus one lookup per distinct
// selector. Build one per event, match every filter of the log group against it.
//
// Holds a view of `message`, which must outlive it. Not thread-safe (matching fills caches):
// use one EventFields per thread.
class EventFields {
 public:
  explicit EventFields(std::string_view message);
  // Bytes that matching may read past the end of a message. A caller whose message is followed by
  // at least this many readable bytes (the spare capacity of its string) passes
  // message.size() + kEventPadding as `readable` to Reset, which spares the JSON parser a copy
  // of every message into a padded buffer of its own.
  static constexpr size_t kEventPadding = 64;
  EventFields(EventFields&&) noexcept;
  EventFields& operator=(EventFields&&) noexcept;
  ~EventFields();

  // Prepares for another event, reusing this object's buffers (cheaper than a new one).
  // `readable`: how many bytes from message.data() may be read (see kEventPadding); 0 when unknown.
  void Reset(std::string_view message, size_t readable = 0);

  std::string_view message() const;
  // True when the message is a JSON object (what JSON patterns require). Parses on first call.
  bool is_json() const;

 private:
  friend internal::EventState& State(const EventFields& event);
  std::unique_ptr<internal::EventState> state_;
};

// True when `event` matches `pattern` (spec §3–§4). A message that is not a JSON object never
// matches a JSON pattern; matching is case-sensitive.
bool Matches(const FilterPattern& pattern, const EventFields& event);

// A value a match extracted, as TestMetricFilter reports it: `selector` is one of
// pattern.selectors(), `value` the field's text (JSON strings unquoted, numbers and booleans as
// text, null as "null", objects and arrays as compact JSON).
struct ExtractedValue {
  std::string selector;
  std::string value;

  friend bool operator==(const ExtractedValue&, const ExtractedValue&) = default;
};

// The values of pattern.selectors() that are present in `event`, in selector order, for an event
// that Matches(pattern, event). Empty for term, regex and empty patterns.
std::vector<ExtractedValue> ExtractValues(const FilterPattern& pattern, const EventFields& event);

}  // namespace ot::monitor
