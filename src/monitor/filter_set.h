#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "monitor/filter_pattern.h"

// Many filter patterns matched against each event at once: what a log group with dozens of metric
// filters (the CIS set plus a team's own) does for every record it receives.
namespace ot::monitor {

namespace internal {
struct SetPlan;
}  // namespace internal

// An immutable set of compiled patterns, planned so that one event costs one parse, one walk of
// the parsed record that resolves every selector of every pattern, and evaluation of only the
// patterns that can still match:
// - a JSON pattern that requires `$.x = "text"` (or one of a list of texts, such as the CIS
//   event-name lists) is filed under `$.x`'s texts; per event one hash lookup of the value of
//   `$.x` finds the patterns worth evaluating, and the others are false without a look;
// - a JSON pattern that requires a field to be present (`$.errorCode = *`, `$.n > 5`, …) is
//   evaluated only when the field is there;
// - conditions that several patterns share (same selector, operator and value) are evaluated at
//   most once per event.
// The answer is always exactly Matches(pattern, event) for each pattern (tests hold the two to
// each other); only the cost differs. Safe to use from several threads at once, each with its
// own EventFields.
class FilterSet {
 public:
  FilterSet();  // empty
  explicit FilterSet(std::span<const FilterPattern> patterns);

  size_t size() const;

  // Sets (*matched)[i] to 1 when patterns[i] matches `event`, else 0 (resized to size()).
  void Match(const EventFields& event, std::vector<uint8_t>* matched) const;

 private:
  std::shared_ptr<const internal::SetPlan> plan_;
};

}  // namespace ot::monitor
