// Lifecycle archival (issue 5 item 3): how much smaller and how fast the archive packing of log
// files is. Input: the log files of tools/gen_cloudtrail.py (--format logfiles) in
// $OT_BENCH_LOGS (default /tmp/ot_lifecycle_logs), each re-gzipped as delivery writes them
// (libdeflate level 6, what BuildLogFile does), then packed with PackForArchive (xz -9e of the
// content + the level that re-makes the same gzip) and unpacked again.
//
//   python3 tools/gen_cloudtrail.py --events 200000 --seed 7 --format logfiles
//       --out /tmp/ot_lifecycle_logs --quiet     (one command)
//   build-lc/bench/lifecycle_bench     # the first $OT_BENCH_MAX_FILES (300) files
//
// Counters: gzip_bytes (as delivered), packed_bytes (archive), ratio = packed/gzip; bytes/s are
// of the delivered (gzip) files.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "buckets/archive.h"
#include "common/env.h"
#include "common/gzip.h"

namespace {

const std::vector<std::string>& DeliveredFiles() {
  static const std::vector<std::string> files = [] {
    std::vector<std::string> out;
    const char* dir = std::getenv("OT_BENCH_LOGS");
    std::string root = dir != nullptr ? dir : "/tmp/ot_lifecycle_logs";
    const char* max = std::getenv("OT_BENCH_MAX_FILES");
    size_t limit = max != nullptr ? std::strtoul(max, nullptr, 10) : 300;
    std::error_code ec;
    std::vector<std::string> paths;  // sorted: the same files on every run
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".gz") {
        paths.push_back(it->path().string());
      }
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) {
      if (out.size() == limit) break;
      auto bytes = ot::RealFileSystem().ReadFile(path);
      if (!bytes.ok()) continue;
      auto json = ot::GzipDecompress(*bytes, size_t{1} << 30);
      if (!json.ok()) continue;
      out.push_back(ot::GzipCompress(*json, 6));
    }
    return out;
  }();
  return files;
}

void BM_PackLogFiles(benchmark::State& state) {
  const auto& files = DeliveredFiles();
  if (files.empty()) {
    state.SkipWithError("no log files: run tools/gen_cloudtrail.py first (see the header)");
    return;
  }
  uint64_t gzip_bytes = 0, packed_bytes = 0, regenerated = 0;
  for (auto _ : state) {
    gzip_bytes = packed_bytes = regenerated = 0;
    for (const std::string& f : files) {
      ot::buckets::PackedObject p = ot::buckets::PackForArchive(f);
      gzip_bytes += f.size();
      packed_bytes += p.bytes.size();
      regenerated += p.codec == ot::buckets::kCodecGzipXz ? 1 : 0;
      benchmark::DoNotOptimize(p);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * gzip_bytes));
  state.counters["files"] = static_cast<double>(files.size());
  state.counters["gzip_xz_files"] = static_cast<double>(regenerated);
  state.counters["gzip_bytes"] = static_cast<double>(gzip_bytes);
  state.counters["packed_bytes"] = static_cast<double>(packed_bytes);
  state.counters["ratio"] = static_cast<double>(packed_bytes) / static_cast<double>(gzip_bytes);
}
BENCHMARK(BM_PackLogFiles)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_UnpackLogFiles(benchmark::State& state) {
  const auto& files = DeliveredFiles();
  if (files.empty()) {
    state.SkipWithError("no log files: run tools/gen_cloudtrail.py first (see the header)");
    return;
  }
  std::vector<ot::buckets::PackedObject> packed;
  uint64_t gzip_bytes = 0;
  for (const std::string& f : files) {
    packed.push_back(ot::buckets::PackForArchive(f));
    gzip_bytes += f.size();
  }
  for (auto _ : state) {
    for (const auto& p : packed) {
      auto back = ot::buckets::UnpackFromArchive(p.codec, p.gzip_level, p.bytes);
      benchmark::DoNotOptimize(back);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * gzip_bytes));
}
BENCHMARK(BM_UnpackLogFiles)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
