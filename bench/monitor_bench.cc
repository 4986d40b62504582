// Filter-pattern matching on CloudTrail records: the per-event cost of evaluating the 14 classic
// CIS monitoring patterns (CIS 4.1–4.14, spec/filter-patterns.md §7), as a log group with those
// metric filters pays it for every delivered record.
//
// Events: tests/fixtures/events/generated.jsonl (tools/gen_cloudtrail.py output, ~1.7 KB per
// record), or the JSON-lines file named by $OT_BENCH_EVENTS, e.g. from
//   /usr/bin/python3 tools/gen_cloudtrail.py --events 20000 --seed 3 --format jsonl --out ev.jsonl

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "monitor/cis_patterns.h"
#include "monitor/filter_pattern.h"
#include "monitor/filter_set.h"

namespace ot::monitor {
namespace {

const std::vector<std::string>& Events() {
  static const std::vector<std::string> events = [] {
    const char* override_path = std::getenv("OT_BENCH_EVENTS");
    const std::string path =
        override_path != nullptr
            ? std::string(override_path)
            : std::string(OT_SOURCE_DIR) + "/tests/fixtures/events/generated.jsonl";
    Result<std::string> text = RealFileSystem().ReadFile(path);
    OT_CHECK(text.ok());
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text->size()) {
      size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      if (end > start) lines.emplace_back(text->substr(start, end - start));
      start = end + 1;
    }
    OT_CHECK(!lines.empty());
    return lines;
  }();
  return events;
}

std::vector<FilterPattern> CisPatterns() {
  std::vector<FilterPattern> out;
  for (const CisControl& c : CisControls().first(14)) {
    Result<FilterPattern> p = CompileFilterPattern(c.pattern);
    OT_CHECK(p.ok());
    out.push_back(*p);
  }
  return out;
}

// The intended use: one EventFields per event (reused), all 14 patterns against it.
void BM_MonitorCisPatternsPerEvent(benchmark::State& state) {
  const std::vector<std::string>& events = Events();
  const std::vector<FilterPattern> patterns = CisPatterns();
  EventFields fields("");
  size_t i = 0;
  int64_t matches = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    bytes += static_cast<int64_t>(events[i].size());
    fields.Reset(events[i]);
    for (const FilterPattern& p : patterns) matches += Matches(p, fields) ? 1 : 0;
    i = i + 1 == events.size() ? 0 : i + 1;
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
  state.counters["matches/event"] =
      benchmark::Counter(static_cast<double>(matches) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_MonitorCisPatternsPerEvent);

// The floor: just parsing each event (what every JSON pattern set pays once).
void BM_MonitorParseOnly(benchmark::State& state) {
  const std::vector<std::string>& events = Events();
  EventFields fields("");
  size_t i = 0;
  for (auto _ : state) {
    fields.Reset(events[i]);
    benchmark::DoNotOptimize(fields.is_json());
    i = i + 1 == events.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MonitorParseOnly);

// 50 user filters of the kinds people write next to the CIS set: exact names, wildcards,
// numeric comparisons, IS NULL / NOT EXISTS, nested fields and array indexes, terms.
std::vector<std::string> UserPatterns() {
  std::vector<std::string> out;
  const char* names[] = {"GetObject", "PutObject", "DeleteBucket", "RunInstances", "AssumeRole"};
  for (int i = 0; i < 50; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 10) {
      case 0:
        out.push_back("{ $.eventName = \"" + std::string(names[i / 10]) + "\" }");
        break;
      case 1:
        out.push_back("{ $.eventSource = \"svc" + n + ".amazonaws.com\" && $.errorCode = * }");
        break;
      case 2:
        out.push_back("{ $.userIdentity.userName = \"user-" + n + "\" }");
        break;
      case 3:
        out.push_back("{ $.sourceIPAddress = 10.0." + n + ".* || $.userAgent = *Terraform* }");
        break;
      case 4:
        out.push_back("{ $.requestParameters.maxResults > " + n + " }");
        break;
      case 5:
        out.push_back("{ $.errorMessage IS NULL && $.eventType = \"AwsConsoleSignIn\" }");
        break;
      case 6:
        out.push_back("{ $.resources[0].ARN = \"arn:aws:s3:::bucket-" + n + "*\" }");
        break;
      case 7:
        out.push_back("{ ($.awsRegion = \"eu-west-" + n +
                      "\") && ($.readOnly IS FALSE) && ($.userIdentity.invokedBy NOT EXISTS) }");
        break;
      case 8:
        out.push_back(
            "{ $.userIdentity.sessionContext.attributes.mfaAuthenticated = \"false\" "
            "&& $.eventName = Delete* }");
        break;
      default:
        out.push_back("\"AccessDenied\" ?\"user-" + n + "\"");
        break;
    }
  }
  return out;
}

// The workload: every event through the 14 classic CIS filters plus 50 user filters, as
// one log group holding them all evaluates it (one parse, shared selectors).
void BM_MonitorCisPlus50UserFilters(benchmark::State& state) {
  const std::vector<std::string>& events = Events();
  std::vector<FilterPattern> patterns = CisPatterns();
  for (const std::string& text : UserPatterns()) {
    Result<FilterPattern> p = CompileFilterPattern(text);
    OT_CHECK(p.ok());
    patterns.push_back(*p);
  }
  EventFields fields("");
  size_t i = 0;
  int64_t matches = 0;
  for (auto _ : state) {
    fields.Reset(events[i]);
    for (const FilterPattern& p : patterns) matches += Matches(p, fields) ? 1 : 0;
    i = i + 1 == events.size() ? 0 : i + 1;
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations());
  state.counters["matches/event"] =
      benchmark::Counter(static_cast<double>(matches) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_MonitorCisPlus50UserFilters);

// The same workload through a FilterSet, as a log group runs its metric filters: one walk of the
// parsed record resolves every selector, equality gates pick the patterns worth evaluating, and
// shared conditions are evaluated once.
void BM_MonitorCisPlus50UserFiltersSet(benchmark::State& state) {
  // As the Logs store keeps messages: with spare capacity after each, parsed in place.
  std::vector<std::string> events;
  for (const std::string& e : Events()) {
    std::string& m = events.emplace_back();
    m.reserve(e.size() + EventFields::kEventPadding);
    m.assign(e);
  }
  std::vector<FilterPattern> patterns = CisPatterns();
  for (const std::string& text : UserPatterns()) {
    Result<FilterPattern> p = CompileFilterPattern(text);
    OT_CHECK(p.ok());
    patterns.push_back(*p);
  }
  const FilterSet set(patterns);
  EventFields fields("");
  std::vector<uint8_t> matched;
  size_t i = 0;
  int64_t matches = 0;
  for (auto _ : state) {
    fields.Reset(events[i], events[i].capacity());
    set.Match(fields, &matched);
    matches += std::accumulate(matched.begin(), matched.end(), 0u);
    i = i + 1 == events.size() ? 0 : i + 1;
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations());
  state.counters["matches/event"] =
      benchmark::Counter(static_cast<double>(matches) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_MonitorCisPlus50UserFiltersSet);

// What sharing the parse saves: a fresh EventFields (so a fresh parse) per pattern.
void BM_MonitorCisPatternsReparsingPerPattern(benchmark::State& state) {
  const std::vector<std::string>& events = Events();
  const std::vector<FilterPattern> patterns = CisPatterns();
  size_t i = 0;
  int64_t matches = 0;
  for (auto _ : state) {
    for (const FilterPattern& p : patterns) matches += Matches(p, EventFields(events[i])) ? 1 : 0;
    i = i + 1 == events.size() ? 0 : i + 1;
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MonitorCisPatternsReparsingPerPattern);

// Compiling the whole CIS set (PutMetricFilter's cost, paid once per filter).
void BM_MonitorCompileCisPatterns(benchmark::State& state) {
  for (auto _ : state) {
    for (const CisControl& c : CisControls()) {
      Result<FilterPattern> p = CompileFilterPattern(c.pattern);
      benchmark::DoNotOptimize(p.ok());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(CisControls().size()));
}
BENCHMARK(BM_MonitorCompileCisPatterns);

}  // namespace
}  // namespace ot::monitor

BENCHMARK_MAIN();
