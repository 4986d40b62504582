// Trail delivery benchmarks: one delivery pass over a journal for 1, 5 and 20 trails (records
// read once, scanned once, matched per trail, one gzip per selected record per trail), and the
// per-event cost of selector evaluation with 20 trails x 5 advanced selectors.
//
// Events: tests/fixtures/events/generated.jsonl (tools/gen_cloudtrail.py output, ~1.7 KB per
// record), re-identified to make `kEvents` distinct events; or the JSON-lines file named by
// $OT_BENCH_EVENTS. Run from a disk-backed /tmp.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/env.h"
#include "events/record.h"
#include "events/record_fields.h"
#include "store/event_store.h"
#include "store/metadata.h"
#include "trail/delivery.h"
#include "trail/registry.h"
#include "trail/selectors.h"

namespace ot::trail {
namespace {

constexpr size_t kEvents = 50000;

struct BenchDir {
  BenchDir() {
    char tmpl[] = "/tmp/ot_trail_bench_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

std::vector<std::string> SourceRecords() {
  const char* override_path = std::getenv("OT_BENCH_EVENTS");
  const std::string path = override_path != nullptr ? std::string(override_path)
                                                    : std::string(OT_SOURCE_DIR) +
                                                          "/tests/fixtures/events/generated.jsonl";
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
}

// `kEvents` stored records: the source records over and over, each with its own eventID.
const std::vector<store::NewEvent>& Events() {
  static const std::vector<store::NewEvent> events = [] {
    std::vector<std::string> source = SourceRecords();
    std::vector<store::NewEvent> out;
    out.reserve(kEvents);
    for (size_t i = 0; i < kEvents; ++i) {
      auto record = events::ParseRecord(source[i % source.size()]);
      OT_CHECK(record.ok());
      char id[40];
      std::snprintf(id, sizeof(id), "00000000-0000-4000-8000-%012zu", i);
      record->event_id = id;
      store::NewEvent e;
      e.attrs = events::DeriveLookupAttributes(*record);
      events::AppendSerializedRecord(*record, &e.json);
      out.push_back(std::move(e));
    }
    return out;
  }();
  return events;
}

// A journal holding Events(), shared by every delivery run.
struct Journal {
  Journal() {
    store::StoreOptions options;
    options.dir = dir.path + "/events";
    options.token_key = std::string(32, 'k');
    auto s = store::EventStore::Open(options, env);
    OT_CHECK(s.ok());
    store = std::move(*s);
    std::vector<store::NewEvent> batch;
    for (const store::NewEvent& e : Events()) {
      batch.push_back(e);
      if (batch.size() == 5000) {
        OT_CHECK(store->Append(std::move(batch)).ok());
        batch.clear();
      }
    }
    if (!batch.empty()) OT_CHECK(store->Append(std::move(batch)).ok());
  }
  BenchDir dir;
  Env env{RealClock(), RealFileSystem(), RealRandom()};
  std::unique_ptr<store::EventStore> store;
};

Journal& SharedJournal() {
  static Journal journal;
  return journal;
}

// One delivery pass of every event for N multi-region trails with the default selectors (all
// management events) into buckets that keep only the byte count.
void BM_DeliveryPass(benchmark::State& state) {
  const int trails = static_cast<int>(state.range(0));
  Journal& journal = SharedJournal();
  size_t selected = 0, bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    BenchDir meta;
    auto db = store::MetadataDb::Open(meta.path + "/metadata.db");
    OT_CHECK(db.ok());
    RegistryOptions ro;
    ro.account_id = "111122223333";
    ro.max_trails_per_region = 20;  // AWS allows 5 per region; the benchmark goes further
    auto registry = TrailRegistry::Open(**db, ro);
    OT_CHECK(registry.ok());
    size_t out_bytes = 0;
    Delivery delivery(
        *journal.store, **db, **registry,
        [&](std::string_view, std::string_view, std::string_view body,
            const Delivery::ObjectMetadata&, const Delivery::ObjectEncryption&) {
          out_bytes += body.size();
          return Status::Ok();
        },
        journal.env, DeliveryOptions{});
    for (int i = 0; i < trails; ++i) {
      TrailSpec spec;
      spec.name = "bench-trail-" + std::to_string(i);
      spec.s3_bucket_name = "bench-bucket-" + std::to_string(i);
      spec.is_multi_region_trail = true;
      auto t = (*registry)->Create(spec, "us-east-1");
      OT_CHECK(t.ok());
      OT_CHECK((*registry)->StartLogging(t->arn, "us-east-1", journal.env.clock.Now()).ok());
      OT_CHECK(delivery.LoggingStarted(t->arn, 1).ok());
    }
    state.ResumeTiming();
    auto files = delivery.RunOnce(/*force=*/true);
    OT_CHECK(files.ok());
    state.PauseTiming();
    selected += delivery.stats().events;
    bytes += out_bytes;
    state.ResumeTiming();
  }
  state.counters["delivered_events/s"] =
      benchmark::Counter(static_cast<double>(selected), benchmark::Counter::kIsRate);
  state.counters["gzip_out_MB/s"] =
      benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
  state.counters["journal_events/s"] = benchmark::Counter(
      static_cast<double>(kEvents * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DeliveryPass)->Arg(1)->Arg(5)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();

// 20 trails, each with 5 advanced selectors of several conditions (Equals, StartsWith,
// NotEquals, EndsWith, NotStartsWith, readOnly, resources.type/ARN), like real setups: one
// management selector and four data-event selectors per trail.
std::vector<TrailSelectors> TwentyTrails() {
  std::vector<TrailSelectors> out;
  for (int t = 0; t < 20; ++t) {
    std::string json = "[";
    for (int s = 0; s < 5; ++s) {
      if (s > 0) json += ",";
      json += R"({"Name":"s)" + std::to_string(s) + R"(","FieldSelectors":[)";
      if (s == 0) {
        json +=
            R"({"Field":"eventCategory","Equals":["Management"]},)"
            R"({"Field":"readOnly","Equals":["false"]},)"
            R"({"Field":"eventSource","NotEquals":["kms.amazonaws.com","rdsdata.amazonaws.com"]}]})";
      } else if (s == 1) {
        json += R"({"Field":"eventCategory","Equals":["Data"]},)"
                R"({"Field":"resources.type","Equals":["AWS::S3::Object"]},)"
                R"({"Field":"resources.ARN","StartsWith":["arn:aws:s3:::bucket-)" +
                std::to_string(t) + R"(/"]}]})";
      } else if (s == 2) {
        json += R"({"Field":"eventCategory","Equals":["Data"]},)"
                R"({"Field":"resources.type","Equals":["AWS::S3::Object"]},)"
                R"({"Field":"eventName","StartsWith":["Delete","Put"]},)"
                R"({"Field":"readOnly","Equals":["false"]}]})";
      } else if (s == 3) {
        json += R"({"Field":"eventCategory","Equals":["Data"]},)"
                R"({"Field":"resources.type","Equals":["AWS::DynamoDB::Table"]},)"
                R"({"Field":"eventName","EndsWith":["Item"]},)"
                R"({"Field":"resources.ARN","NotStartsWith":["arn:aws:dynamodb:us-east-1:)" +
                std::to_string(100000000000 + t) + R"("]}]})";
      } else {
        json += R"({"Field":"eventCategory","Equals":["Data"]},)"
                R"({"Field":"resources.type","Equals":["AWS::Lambda::Function"]},)"
                R"({"Field":"eventName","Equals":["Invoke"]}]})";
      }
    }
    json += "]";
    auto config = ParseEventSelectors("", json);
    if (!config.ok()) std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    OT_CHECK(config.ok());
    out.emplace_back(*config);
  }
  return out;
}

// Per event: one scan of the record's routing fields, then 20 trails' selectors.
void BM_SelectorsScanAndMatch20x5(benchmark::State& state) {
  const std::vector<store::NewEvent>& events = Events();
  const std::vector<TrailSelectors> trails = TwentyTrails();
  events::RecordScanner scanner;
  size_t i = 0, selected = 0;
  for (auto _ : state) {
    auto fields = scanner.Scan(events[i++ % 2000].json);
    const EventView view = ViewOf(**fields);
    for (const TrailSelectors& t : trails) selected += t.Selects(view) ? 1 : 0;
  }
  benchmark::DoNotOptimize(selected);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SelectorsScanAndMatch20x5);

// Per event: the 20 trails' selectors alone, on views scanned beforehand.
void BM_SelectorsMatchOnly20x5(benchmark::State& state) {
  const std::vector<store::NewEvent>& events = Events();
  const std::vector<TrailSelectors> trails = TwentyTrails();
  std::vector<std::unique_ptr<events::RecordScanner>> scanners;
  std::vector<EventView> views;
  for (size_t i = 0; i < 256; ++i) {
    scanners.push_back(std::make_unique<events::RecordScanner>());
    auto fields = scanners.back()->Scan(events[i].json);
    OT_CHECK(fields.ok());
    views.push_back(ViewOf(**fields));
  }
  size_t i = 0, selected = 0;
  for (auto _ : state) {
    const EventView& view = views[i++ % views.size()];
    for (const TrailSelectors& t : trails) selected += t.Selects(view) ? 1 : 0;
  }
  benchmark::DoNotOptimize(selected);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SelectorsMatchOnly20x5);

}  // namespace
}  // namespace ot::trail

BENCHMARK_MAIN();
