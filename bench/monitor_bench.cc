// Filter-pattern matching on CloudTrail records: the per-event cost of evaluating the 14 classic
// CIS monitoring patterns (CIS 4.1–4.14, spec/filter-patterns.md §7), as a log group with those
// metric filters pays it for every delivered record.
//
// Events: tests/fixtures/events/generated.jsonl (tools/gen_cloudtrail.py output, ~1.7 KB per
// record), or the JSON-lines file named by $OT_BENCH_EVENTS, e.g. from
//   /usr/bin/python3 tools/gen_cloudtrail.py --events 20000 --seed 3 --format jsonl --out ev.jsonl

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "monitor/cis_patterns.h"
#include "monitor/filter_pattern.h"

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
