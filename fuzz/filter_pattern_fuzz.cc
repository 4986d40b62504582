// libFuzzer target for the filter-pattern language: CompileFilterPattern on arbitrary text and,
// when it compiles, Matches / ExtractValues / metric transformations against fixed events (a
// CloudTrail record, an Apache log line, scalars) and against a fuzzed message. Input layout:
// `pattern` or `pattern \0 message`.
//
// Invariants checked: rejections are kInvalidParameter with a positioned or length message; the
// pattern text is kept verbatim; matching is deterministic (a second match through the same
// cached EventFields and one through a fresh EventFields agree); the empty pattern matches all;
// every selector a pattern reports is usable as a metric value; a FilterSet holding the pattern
// (next to fixed patterns that share its selectors, gates and conditions) answers as Matches.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "monitor/filter_pattern.h"
#include "monitor/filter_set.h"
#include "monitor/metric_transform.h"

namespace {

constexpr std::string_view kEvents[] = {
    R"({"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333",)"
    R"("arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},)"
    R"("eventTime":"2026-11-01T10:00:00Z","eventSource":"signin.amazonaws.com",)"
    R"("eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5",)"
    R"("errorMessage":"Failed authentication","responseElements":{"ConsoleLogin":"Failure"},)"
    R"("additionalEventData":{"MFAUsed":"No","n":[1,2.5,-3e2,{"x":null}]},"readOnly":false,)"
    R"("eventType":"AwsConsoleSignIn","size":1534,"ok":true,"nothing":null})",
    R"(127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534)",
    R"({"a":{"b":[{"c":"x"},{"c":"y*z"}]},"n":-0.0,"big":1e308,"s":"\u00e9\"\\"})",
    "",
    "[1,2,3]",
    "{",
};

// Companions of the fuzzed pattern in a FilterSet: equality, wildcard and presence gates and
// shared conditions on the selectors the fixed events use.
constexpr std::string_view kCompanions[] = {
    R"({ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" })",
    R"({ ($.eventName = A) || ($.eventName = B) || ($.eventName = ConsoleLogin) })",
    R"({ $.userIdentity.type = Ro* && $.size > 10 })",
    R"({ $.a.b[1].c = "y*z" || $.n = 0 })",
    R"({ $.errorMessage = * })",
    R"("GET" -"POST")",
};

void CheckSet(const ot::monitor::FilterPattern& pattern, std::string_view message) {
  std::vector<ot::monitor::FilterPattern> patterns{pattern};
  for (std::string_view text : kCompanions) {
    auto p = ot::monitor::CompileFilterPattern(text);
    OT_CHECK(p.ok());
    patterns.push_back(*p);
  }
  patterns.push_back(pattern);  // the same pattern twice: both answers must agree
  const ot::monitor::FilterSet set(patterns);
  ot::monitor::EventFields event(message);
  std::vector<uint8_t> matched;
  set.Match(event, &matched);
  OT_CHECK(matched.size() == patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    OT_CHECK((matched[i] != 0) ==
             ot::monitor::Matches(patterns[i], ot::monitor::EventFields(message)));
  }
}

void Check(const ot::monitor::FilterPattern& pattern, std::string_view message,
           const std::vector<ot::monitor::CompiledTransformation>& transforms) {
  CheckSet(pattern, message);
  ot::monitor::EventFields event(message);
  const bool first = ot::monitor::Matches(pattern, event);
  OT_CHECK(ot::monitor::Matches(pattern, event) == first);
  OT_CHECK(ot::monitor::Matches(pattern, ot::monitor::EventFields(message)) == first);
  if (pattern.kind() == ot::monitor::PatternKind::kEmpty) OT_CHECK(first);
  if (first) {
    const auto values = ot::monitor::ExtractValues(pattern, event);
    OT_CHECK(values.size() <= pattern.selectors().size());
  }
  for (const auto& t : transforms) {
    (void)t.Evaluate(event, first);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string_view text = input.substr(0, split);
  const std::string_view message =
      split == std::string_view::npos ? std::string_view() : input.substr(split + 1);

  ot::Result<ot::monitor::FilterPattern> pattern = ot::monitor::CompileFilterPattern(text);
  if (!pattern.ok()) {
    OT_CHECK(pattern.status().code() == ot::Error::kInvalidParameter);
    OT_CHECK(pattern.status().message().rfind("Invalid filter pattern", 0) == 0);
    return 0;
  }
  OT_CHECK(pattern->text() == text);
  OT_CHECK(pattern->regex_count() <= ot::monitor::kMaxRegexPerPattern);

  std::vector<ot::monitor::CompiledTransformation> transforms;
  for (const std::string& selector : pattern->selectors()) {
    ot::monitor::MetricTransformation t;
    t.metric_name = "M";
    t.metric_namespace = "N";
    t.metric_value = selector;
    t.dimensions = {{"D", selector}};
    auto compiled = ot::monitor::CompiledTransformation::Compile(t, *pattern);
    // A JSON selector is at most 1024 characters, so only the 100-character limit on
    // metricValue may refuse one.
    OT_CHECK(compiled.ok() || selector.size() > 100);
    if (compiled.ok()) transforms.push_back(*compiled);
  }

  for (std::string_view event : kEvents) Check(*pattern, event, transforms);
  if (split != std::string_view::npos) Check(*pattern, message, transforms);
  return 0;
}
