// Store benchmarks: group-committed appends with real fdatasync, attribute lookups over a large
// history, and recovery (journal replay). Run from a disk-backed /tmp.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>

#include "common/env.h"
#include "store/event_store.h"

namespace ot::store {
namespace {

constexpr int64_t kNowMs = 1714566896000;

class BenchClock final : public Clock {
 public:
  SysMillis Now() override { return SysMillis(std::chrono::milliseconds(kNowMs)); }
  std::chrono::steady_clock::time_point Mono() override { return RealClock().Mono(); }
};

struct BenchDir {
  BenchDir() {
    char tmpl[] = "/tmp/ot_store_bench_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

BenchClock bench_clock;
Env& BenchEnv() {
  static Env env{bench_clock, RealFileSystem(), RealRandom()};
  return env;
}

std::unique_ptr<EventStore> OpenStoreOrDie(const std::string& dir) {
  StoreOptions options;
  options.dir = dir;
  options.token_key = std::string(32, 'k');
  auto store = EventStore::Open(options, BenchEnv());
  OT_CHECK(store.ok());
  return std::move(store).value();
}

// Realistic management events (~1.7 KB of JSON) from a fixed seed: 200 event names, 2,000 users,
// 20,000 resources, eventTimes spread over the last 90 days.
class EventMaker {
 public:
  explicit EventMaker(uint64_t seed) : rng_(seed) {}

  NewEvent Make(uint64_t n) {
    NewEvent e;
    auto& a = e.attrs;
    a.event_id = "ev-" + std::to_string(rng_()) + "-" + std::to_string(n);
    a.event_time = SysMillis(
        std::chrono::milliseconds(kNowMs - static_cast<int64_t>(rng_() % (89ull * 86400000))));
    a.event_name = "Action" + std::to_string(rng_() % 200);
    a.event_source = "svc" + std::to_string(rng_() % 40) + ".amazonaws.com";
    a.read_only = rng_() % 2 == 0;
    a.username = "user" + std::to_string(rng_() % 2000);
    a.access_key_id = "AKIA" + std::to_string(rng_() % 5000);
    a.resources = {{"AWS::S3::Bucket", "arn:aws:s3:::bucket-" + std::to_string(rng_() % 20000)}};
    a.aws_region = "us-east-1";
    e.json = R"({"eventVersion":"1.11","eventID":")" + a.event_id + R"(","eventName":")" +
             a.event_name + R"(","requestParameters":{"pad":")" + std::string(1500, 'x') + "\"}}";
    return e;
  }
  std::vector<NewEvent> Batch(size_t n) {
    std::vector<NewEvent> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(Make(counter_++));
    return out;
  }

 private:
  std::mt19937_64 rng_;
  uint64_t counter_ = 0;
};

void BM_StoreAppend(benchmark::State& state) {
  BenchDir dir;
  auto store = OpenStoreOrDie(dir.path);
  EventMaker maker(1);
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto batch = maker.Batch(size);
    state.ResumeTiming();
    auto r = store->Append(std::move(batch));
    OT_CHECK(r.ok() && r->appended == size);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["fsyncs"] = static_cast<double>(store->Stats().fsyncs);
}
BENCHMARK(BM_StoreAppend)->Arg(1)->Arg(64)->Arg(1024)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Many appenders at once (as the server's request threads are): `in_flight` batches of 64 are
// always pending, so the writer's groups grow and one fsync covers many batches.
void BM_StoreAppendPipelined(benchmark::State& state) {
  BenchDir dir;
  auto store = OpenStoreOrDie(dir.path);
  EventMaker maker(2);
  const auto in_flight = static_cast<int>(state.range(0));
  constexpr size_t kBatch = 64;
  std::vector<std::vector<NewEvent>> batches;
  for (int i = 0; i < 4 * in_flight; ++i) batches.push_back(maker.Batch(kBatch));
  std::mutex mu;
  std::condition_variable cv;
  int pending = 0;
  size_t next = 0;
  for (auto _ : state) {
    // Pre-built events recycled with fresh ids (as a real ingest would copy its input).
    std::vector<NewEvent> batch = batches[next++ % batches.size()];
    const std::string suffix = std::to_string(next);
    for (auto& e : batch) e.attrs.event_id.append(suffix);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return pending < in_flight; });
    ++pending;
    lock.unlock();
    store->AppendAsync(std::move(batch), [&](Result<AppendResult> r) {
      OT_CHECK(r.ok());
      std::lock_guard l(mu);
      --pending;
      cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return pending == 0; });
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["events_per_fsync"] =
      static_cast<double>(state.iterations() * kBatch) / static_cast<double>(store->Stats().fsyncs);
}
BENCHMARK(BM_StoreAppendPipelined)->Arg(16)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Bytes of heap in use (glibc).
double HeapBytes() { return static_cast<double>(mallinfo2().uordblks); }

// One large history shared by the lookup benchmarks (built once, in the first one that runs).
struct History {
  static constexpr size_t kEvents = 1500000;
  BenchDir dir;
  std::unique_ptr<EventStore> store;
  double index_bytes_per_event = 0;
  double heap_bytes_per_event = 0;

  History() {
    const double heap_before = HeapBytes();
    store = OpenStoreOrDie(dir.path);
    EventMaker maker(3);
    for (size_t done = 0; done < kEvents; done += 4096) {
      auto r = store->Append(maker.Batch(4096));
      OT_CHECK(r.ok());
    }
    OT_CHECK(store->EnforceRetention().ok());  // merges every tail, as the server's timer does
    StoreStats stats = store->Stats();
    index_bytes_per_event =
        static_cast<double>(stats.index_bytes) / static_cast<double>(stats.events);
    heap_bytes_per_event = (HeapBytes() - heap_before) / static_cast<double>(stats.events);
  }
  static History& Get() {
    static History history;
    return history;
  }
};

void BM_StoreLookup(benchmark::State& state) {
  History& h = History::Get();
  std::mt19937_64 rng(state.thread_index());
  size_t results = 0;
  for (auto _ : state) {
    LookupQuery q;
    q.region = "us-east-1";
    switch (state.range(0)) {
      case 0:
        q.key = LookupKey::kEventName;
        q.value = "Action" + std::to_string(rng() % 200);
        break;
      case 1:
        q.key = LookupKey::kUsername;
        q.value = "user" + std::to_string(rng() % 2000);
        break;
      case 2:
        q.key = LookupKey::kResourceName;
        q.value = "arn:aws:s3:::bucket-" + std::to_string(rng() % 20000);
        break;
      default:
        break;  // no attribute: every event
    }
    auto page = h.store->Lookup(q);
    OT_CHECK(page.ok());
    results += page->events.size();
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["results"] =
      static_cast<double>(results) / static_cast<double>(state.iterations());
  state.counters["index_B_per_event"] = h.index_bytes_per_event;
  state.counters["heap_B_per_event"] = h.heap_bytes_per_event;
}
BENCHMARK(BM_StoreLookup)
    ->ArgName("attr")
    ->DenseRange(0, 3)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_StoreLookup)->Arg(1)->Threads(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_StoreRecovery(benchmark::State& state) {
  BenchDir dir;
  {
    auto store = OpenStoreOrDie(dir.path);
    EventMaker maker(4);
    for (int64_t done = 0; done < state.range(0); done += 4096) {
      OT_CHECK(store->Append(maker.Batch(4096)).ok());
    }
  }
  for (auto _ : state) {
    auto store = OpenStoreOrDie(dir.path);
    benchmark::DoNotOptimize(store);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StoreRecovery)->Arg(200000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace ot::store

BENCHMARK_MAIN();
