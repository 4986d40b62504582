#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "monitor/filter_pattern.h"

// Metric transformations of CloudWatch Logs metric filters (spec/filter-patterns.md §5): what a
// matching log event turns into as a metric datapoint.
namespace ot::monitor {

// A MetricTransformation as PutMetricFilter receives it (names already in our style).
struct MetricTransformation {
  std::string metric_name;       // 1–255 characters, none of ':' '*' '$'
  std::string metric_namespace;  // same rules
  // "1" or any number (a literal), "$.a.b" (a JSON selector, JSON patterns) or "$field" (a named
  // field of a space-delimited pattern).
  std::string metric_value;
  // Emitted for events that do not match; not allowed together with `dimensions`.
  std::optional<double> default_value;
  // name → "$.selector" / "$field", at most 3, in request order.
  std::vector<std::pair<std::string, std::string>> dimensions;
  std::string unit;  // a standard CloudWatch unit; empty means "None"

  friend bool operator==(const MetricTransformation&, const MetricTransformation&) = default;
};

// The most dimensions one transformation may have.
inline constexpr size_t kMaxMetricDimensions = 3;

// One datapoint an event yields (timestamp = the event's; namespace, name, unit from the
// transformation).
struct MetricDatapoint {
  double value = 0;
  std::vector<std::pair<std::string, std::string>> dimensions;  // name → value, request order

  friend bool operator==(const MetricDatapoint&, const MetricDatapoint&) = default;
};

// A transformation checked against its filter pattern, ready to evaluate events. Immutable,
// cheap to copy, safe to share between threads.
class CompiledTransformation {
 public:
  // Validates `transformation` for `pattern`. Fails with Error::kInvalidParameter naming the
  // member: bad names or unit, a metric value that is neither a number nor a selector the
  // pattern kind supports ("$field" must be a named field of a space-delimited pattern, "$.a"
  // needs a JSON pattern), dimensions that are not selectors, more than kMaxMetricDimensions,
  // or default_value together with dimensions.
  static Result<CompiledTransformation> Compile(const MetricTransformation& transformation,
                                                const FilterPattern& pattern);

  const MetricTransformation& transformation() const;
  const FilterPattern& pattern() const;

  // The datapoint for one event, given whether it Matches the pattern:
  //   matched: the metric value (a literal, or the selected field when it is a JSON number or
  //     a string holding one; anything else → no datapoint) and every dimension's value (the
  //     selected field's text; a missing, null, empty, object or array field → no datapoint);
  //   not matched: {default_value, no dimensions} when default_value is set, else none.
  std::optional<MetricDatapoint> Evaluate(const EventFields& event, bool matched) const;

  // Matches(pattern(), event) and then Evaluate.
  std::optional<MetricDatapoint> Apply(const EventFields& event) const;

  struct Impl;

 private:
  explicit CompiledTransformation(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace ot::monitor
