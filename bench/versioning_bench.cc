// What versioning costs a local bucket (issue 5 item 4): one PutObject of a 4 KiB log-file-sized
// object into an unversioned vs a versioning-enabled bucket (the latter also moves the previous
// version aside: one more sidecar write, a rename and directory syncs), and one 1000-entry page of
// ListObjects vs ListObjectVersions over 1000 keys with two versions each. Real files under /tmp.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "buckets/bucket_registry.h"

namespace {

class NoStore final : public ot::buckets::RegistryStore {
 public:
  ot::Status Put(const ot::buckets::BucketInfo&) override { return ot::Status::Ok(); }
  ot::Status Delete(std::string_view) override { return ot::Status::Ok(); }
  ot::Result<std::vector<ot::buckets::BucketInfo>> List() override {
    return std::vector<ot::buckets::BucketInfo>{};
  }
};

struct Bucket {
  explicit Bucket(const std::string& dir, bool versioned) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ot::buckets::RegistryOptions options;
    options.dir = dir + "/buckets";
    options.meta_dir = dir + "/meta";
    auto r = ot::buckets::BucketRegistry::Open(options, store, ot::RealEnv());
    if (!r.ok()) return;
    registry = std::move(*r);
    if (!registry->Create("bench-b", "us-east-1", "111122223333").ok()) registry.reset();
    if (registry && versioned) {
      ot::buckets::VersioningChange change{ot::buckets::VersioningStatus::kEnabled, {}};
      if (!registry->PutVersioning("bench-b", change, std::nullopt).ok()) registry.reset();
    }
  }
  ot::Status Put(const std::string& key, const std::string& body) {
    ot::buckets::PutObjectRequest put;
    put.bucket = "bench-b";
    put.key = key;
    put.body = body;
    return registry->PutObject(put);
  }
  NoStore store;
  std::unique_ptr<ot::buckets::BucketRegistry> registry;
};

void BM_PutObjectOverwrite(benchmark::State& state) {
  const bool versioned = state.range(0) != 0;
  Bucket b("/tmp/ot_versioning_bench_put_" + std::to_string(versioned), versioned);
  if (!b.registry) return state.SkipWithError("registry");
  const std::string body(4096, 'x');
  int i = 0;
  for (auto _ : state) {
    // Ten keys overwritten in turn: every PUT (after the first ten) replaces a current version.
    if (!b.Put("AWSLogs/1/CloudTrail/us-east-1/k" + std::to_string(i++ % 10), body).ok()) {
      return state.SkipWithError("put");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PutObjectOverwrite)->Arg(0)->Arg(1)->UseRealTime();

void BM_ListPage(benchmark::State& state) {
  const bool versions = state.range(0) != 0;
  Bucket b("/tmp/ot_versioning_bench_list", true);
  if (!b.registry) return state.SkipWithError("registry");
  for (int i = 0; i < 1000; ++i) {
    std::string key = "AWSLogs/1/CloudTrail/us-east-1/2026/11/27/f" + std::to_string(i) + ".gz";
    if (!b.Put(key, "one").ok() || !b.Put(key, "two").ok()) return state.SkipWithError("put");
  }
  for (auto _ : state) {
    if (versions) {
      ot::buckets::ListVersionsOptions o;
      o.prefix = "AWSLogs/1/";
      auto page = b.registry->ListObjectVersions("bench-b", o);
      if (!page.ok() || page->versions.size() != 1000) return state.SkipWithError("list");
      benchmark::DoNotOptimize(page->versions.data());
    } else {
      ot::buckets::ListObjectsOptions o;
      o.prefix = "AWSLogs/1/";
      auto page = b.registry->ListObjects("bench-b", o);
      if (!page.ok() || page->objects.size() != 1000) return state.SkipWithError("list");
      benchmark::DoNotOptimize(page->objects.data());
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListPage)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
