// What versioning costs a local bucket (issue 5 item 4): one PutObject of a 4 KiB log-file-sized
// object into an unversioned vs a versioning-enabled bucket (the latter also moves the previous
// version aside: one more sidecar write, a rename and directory syncs), and one 1000-entry page of
// ListObjects vs ListObjectVersions over 1000 keys with two versions each; and paging through
// ListObjectVersions over delivery-named keys (24,000 keys and 50,400 versions and delete markers
// with OT_VERSIONS_BENCH_FOLDERS=120), as `aws s3api list-object-versions` does, in pages of 1000
// and 100. Real files under /tmp.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "buckets/bucket_registry.h"
#include "no_sync_file_system.h"

namespace {

class NoStore final : public ot::buckets::RegistryStore {
 public:
  ot::Status Put(const ot::buckets::BucketInfo&) override { return ot::Status::Ok(); }
  ot::Status Delete(std::string_view) override { return ot::Status::Ok(); }
  ot::Result<std::vector<ot::buckets::BucketInfo>> List() override {
    return std::vector<ot::buckets::BucketInfo>{};
  }
};

using ot::bench::NoSyncFileSystem;

struct Bucket {
  explicit Bucket(const std::string& dir, bool versioned, ot::Env& env = ot::RealEnv()) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ot::buckets::RegistryOptions options;
    options.dir = dir + "/buckets";
    options.meta_dir = dir + "/meta";
    auto r = ot::buckets::BucketRegistry::Open(options, store, env);
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

// Pages through every version of a bucket of log files (day folders of 200), each overwritten
// once and every tenth deleted (a delete marker): 2.1 entries per key. Each iteration is one
// page, continuing from the previous page's NextKeyMarker/NextVersionIdMarker and starting over
// after the last, so the pages measured are spread over the whole bucket. The bucket has 6
// folders (1,200 keys) unless OT_VERSIONS_BENCH_FOLDERS says more — 120 (24,000 keys, 50,400
// entries) for docs/benchmarks.md — so CI's smoke run of every bench stays quick.
void BM_ListVersionsPaging(benchmark::State& state) {
  static NoSyncFileSystem fs;
  static ot::Env env{ot::RealEnv().clock, fs, ot::RealEnv().random};
  static Bucket* b = [] {
    auto* bucket = new Bucket("/tmp/ot_versioning_bench_paging", true, env);
    if (!bucket->registry) return bucket;
    const char* folders_env = std::getenv("OT_VERSIONS_BENCH_FOLDERS");
    const int folders = folders_env != nullptr ? std::atoi(folders_env) : 6;
    for (int d = 0; d < folders; ++d) {
      for (int f = 0; f < 200; ++f) {
        char key[96];
        std::snprintf(key, sizeof(key),
                      "AWSLogs/111122223333/CloudTrail/us-east-1/2026/%02d/%02d/f%03d.json.gz",
                      1 + d / 28, 1 + d % 28, f);
        if (!bucket->Put(key, "one").ok() || !bucket->Put(key, "two").ok()) {
          bucket->registry.reset();
          return bucket;
        }
        if (f % 10 == 0 &&
            !bucket->registry->DeleteVersion("bench-b", key, std::nullopt, {}).ok()) {
          bucket->registry.reset();
          return bucket;
        }
      }
    }
    return bucket;
  }();
  if (!b->registry) return state.SkipWithError("setup");
  ot::buckets::ListVersionsOptions o;
  o.max_keys = static_cast<int>(state.range(0));
  size_t entries = 0;
  for (auto _ : state) {
    auto page = b->registry->ListObjectVersions("bench-b", o);
    if (!page.ok() || page->versions.empty()) return state.SkipWithError("list");
    entries += page->versions.size();
    o.key_marker = page->truncated ? page->next_key_marker : "";
    o.version_id_marker = page->truncated ? page->next_version_id_marker : "";
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["entries_per_page"] =
      static_cast<double>(entries) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ListVersionsPaging)->Arg(1000)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
