#include "monitor/metric_transform.h"

#include <algorithm>
#include <array>

#include "monitor/alarms.h"
#include "monitor/internal/compiled_pattern.h"
#include "monitor/internal/event_state.h"

namespace ot::monitor {
namespace {

using internal::FieldValue;

// Where a metric value or a dimension value comes from.
struct Source {
  enum class Kind : uint8_t { kLiteral, kJson, kColumn };
  Kind kind = Kind::kLiteral;
  double literal = 0;
  internal::Selector selector;  // kJson
  size_t column = 0;            // kColumn: index into CompiledPattern::columns
};

Status Invalid(std::string message) {
  return Status(Error::kInvalidParameter, "Invalid metric transformation: " + std::move(message));
}

Status CheckName(std::string_view member, std::string_view name) {
  if (name.empty() || name.size() > 255) {
    return Invalid(std::string(member) + " must be 1 to 255 characters");
  }
  if (name.find_first_of(":*$") != std::string_view::npos) {
    return Invalid(std::string(member) + " must not contain ':', '*' or '$'");
  }
  return Status::Ok();
}

// A "$.selector" or "$field" reference for `pattern`; `member` names it in errors.
Result<Source> ParseReference(std::string_view member, std::string_view text,
                              const internal::CompiledPattern& pattern) {
  Source s;
  if (text.substr(0, 2) == "$.") {
    if (pattern.kind != PatternKind::kJson) {
      return Invalid(std::string(member) + " '" + std::string(text) +
                     "' selects a JSON field, but the filter pattern is not a JSON pattern");
    }
    Status st = internal::ParseSelector(text, &s.selector);
    if (!st.ok())
      return Invalid(std::string(member) + " '" + std::string(text) + "': " + st.message());
    s.kind = Source::Kind::kJson;
    return s;
  }
  if (text.size() > 1 && text[0] == '$') {
    const std::string_view name = text.substr(1);
    if (pattern.kind == PatternKind::kSpaceDelimited) {
      for (size_t i = 0; i < pattern.columns.size(); ++i) {
        if (!pattern.columns[i].ellipsis && pattern.columns[i].name == name) {
          s.kind = Source::Kind::kColumn;
          s.column = i;
          return s;
        }
      }
    }
    return Invalid(std::string(member) + " '" + std::string(text) +
                   "' is not a named field of the filter pattern");
  }
  return Invalid(std::string(member) + " '" + std::string(text) +
                 "' must be a field selector such as $.field or $field");
}

}  // namespace

struct CompiledTransformation::Impl {
  MetricTransformation transformation;
  FilterPattern pattern;
  Source value;
  std::vector<Source> dimensions;  // parallel to transformation.dimensions
};

Result<CompiledTransformation> CompiledTransformation::Compile(
    const MetricTransformation& transformation, const FilterPattern& pattern) {
  const internal::CompiledPattern& p = Compiled(pattern);
  OT_RETURN_IF_ERROR(CheckName("metricName", transformation.metric_name));
  OT_RETURN_IF_ERROR(CheckName("metricNamespace", transformation.metric_namespace));
  if (!transformation.unit.empty() && !IsValidUnit(transformation.unit)) {
    return Invalid("unit '" + transformation.unit + "' is not a CloudWatch unit");
  }
  if (transformation.dimensions.size() > kMaxMetricDimensions) {
    return Invalid("at most 3 dimensions are allowed");
  }
  if (transformation.default_value && !transformation.dimensions.empty()) {
    return Invalid("defaultValue cannot be used together with dimensions");
  }
  const std::string& mv = transformation.metric_value;
  if (mv.empty() || mv.size() > 100) return Invalid("metricValue must be 1 to 100 characters");
  Source value;
  if (!internal::ParseNumber(mv, &value.literal)) {
    OT_ASSIGN_OR_RETURN(value, ParseReference("metricValue", mv, p));
  }
  std::vector<Source> dimensions;
  for (size_t i = 0; i < transformation.dimensions.size(); ++i) {
    const auto& [name, selector] = transformation.dimensions[i];
    OT_RETURN_IF_ERROR(CheckName("dimension name", name));
    for (size_t j = 0; j < i; ++j) {
      if (transformation.dimensions[j].first == name) {
        return Invalid("duplicate dimension name '" + name + "'");
      }
    }
    OT_ASSIGN_OR_RETURN(Source s, ParseReference("dimension '" + name + "'", selector, p));
    dimensions.push_back(std::move(s));
  }
  return CompiledTransformation(std::make_shared<const Impl>(
      Impl{transformation, pattern, std::move(value), std::move(dimensions)}));
}

const MetricTransformation& CompiledTransformation::transformation() const {
  return impl_->transformation;
}
const FilterPattern& CompiledTransformation::pattern() const { return impl_->pattern; }

std::optional<MetricDatapoint> CompiledTransformation::Evaluate(const EventFields& event,
                                                                bool matched) const {
  const Impl& t = *impl_;
  if (!matched) {
    if (!t.transformation.default_value) return std::nullopt;
    return MetricDatapoint{*t.transformation.default_value, {}};
  }
  internal::EventState& state = State(event);
  const internal::CompiledPattern& p = Compiled(t.pattern);
  std::vector<int> binding;
  const bool need_columns = p.kind == PatternKind::kSpaceDelimited;
  if (need_columns && !internal::BindColumns(p, state, &binding)) return std::nullopt;
  // The field a source selects, or kMissing; the text view lives as long as the event.
  auto field = [&](const Source& s) -> FieldValue {
    if (s.kind == Source::Kind::kJson) return state.Resolve(s.selector);
    FieldValue v;
    const int at = binding[s.column];
    v.text = state.Columns()[static_cast<size_t>(at)];
    v.type = FieldValue::Type::kString;
    return v;
  };

  MetricDatapoint point;
  if (t.value.kind == Source::Kind::kLiteral) {
    point.value = t.value.literal;
  } else {
    const FieldValue v = field(t.value);
    if (v.type == FieldValue::Type::kNumber) {
      point.value = v.number;
    } else if (v.type != FieldValue::Type::kString ||
               !internal::ParseNumber(v.text, &point.value)) {
      return std::nullopt;
    }
  }
  for (size_t i = 0; i < t.dimensions.size(); ++i) {
    const FieldValue v = field(t.dimensions[i]);
    const bool scalar = v.type == FieldValue::Type::kString ||
                        v.type == FieldValue::Type::kNumber || v.type == FieldValue::Type::kBool;
    if (!scalar || v.text.empty()) return std::nullopt;
    point.dimensions.emplace_back(t.transformation.dimensions[i].first, std::string(v.text));
  }
  return point;
}

std::optional<MetricDatapoint> CompiledTransformation::Apply(const EventFields& event) const {
  return Evaluate(event, Matches(impl_->pattern, event));
}

}  // namespace ot::monitor
