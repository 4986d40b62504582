// What encryption at rest adds to delivering one log file (issue 5 item 6; target < 10% over
// unencrypted): gzip of the file's JSON, then the registry's PutObject into a local bucket, in the
// clear vs SSE-KMS (GenerateDataKey under a real kms::KeyService + AES-256-GCM of the object).
// Bytes per second are of the JSON, as delivery sees them.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "buckets/bucket_registry.h"
#include "common/gzip.h"
#include "kms/key_service.h"
#include "server/sse_keys.h"
#include "store/metadata.h"

namespace {

// Log-file-like JSON: repetitive records, compressing about as well as real ones.
std::string Json(size_t bytes) {
  std::string out = "{\"Records\":[";
  uint32_t x = 12345;
  while (out.size() < bytes) {
    x = x * 1664525u + 1013904223u;
    out +=
        "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-05-01T12:00:00Z\",\"eventSource\":"
        "\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":\"us-east-1\","
        "\"sourceIPAddress\":\"10.0." +
        std::to_string(x % 256) + "." + std::to_string((x >> 8) % 256) + "\",\"eventID\":\"" +
        std::to_string(x) + "\",\"requestID\":\"" + std::to_string(x ^ 0x5bd1e995u) + "\"},";
  }
  out.back() = ']';
  return out + "}";
}

class NoStore final : public ot::buckets::RegistryStore {
 public:
  ot::Status Put(const ot::buckets::BucketInfo&) override { return ot::Status::Ok(); }
  ot::Status Delete(std::string_view) override { return ot::Status::Ok(); }
  ot::Result<std::vector<ot::buckets::BucketInfo>> List() override {
    return std::vector<ot::buckets::BucketInfo>{};
  }
};

void BM_DeliverOneFile(benchmark::State& state) {
  const bool encrypted = state.range(0) != 0;
  const std::string json = Json(static_cast<size_t>(state.range(1)));
  std::string dir = "/tmp/ot_sse_bench_" + std::to_string(encrypted);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ot::Env& env = ot::RealEnv();
  auto db = ot::store::MetadataDb::Open(dir + "/metadata.db");
  if (!db.ok()) return state.SkipWithError("metadata db");
  auto kms = ot::kms::KeyService::Open(**db, env, {"111122223333", std::string(32, 'm')});
  if (!kms.ok()) return state.SkipWithError("kms");
  auto key = (*kms)->CreateKey("us-east-1", "bench");
  ot::server::KmsDataKeys data_keys(**kms);
  NoStore store;
  ot::buckets::RegistryOptions options;
  options.dir = dir + "/buckets";
  options.meta_dir = dir + "/meta";
  options.kms = &data_keys;
  auto reg = ot::buckets::BucketRegistry::Open(options, store, env);
  if (!reg.ok() || !(*reg)->Create("bench-b", "us-east-1", "111122223333").ok()) {
    return state.SkipWithError("registry");
  }
  int n = 0;
  for (auto _ : state) {
    std::string gz = ot::GzipCompress(json);
    ot::buckets::PutObjectRequest put;
    put.bucket = "bench-b";
    std::string k = "AWSLogs/f" + std::to_string(n++ % 8) + ".json.gz";
    put.key = k;
    put.body = gz;
    if (encrypted) {
      put.sse_algorithm = ot::buckets::kSseKms;
      put.sse_kms_key_id = key->arn;
      put.sse_context = {{"aws:cloudtrail:arn", "arn:aws:cloudtrail:us-east-1:1:trail/t"}};
    }
    if (!(*reg)->PutObject(put).ok()) return state.SkipWithError("put");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DeliverOneFile)
    ->ArgNames({"sse_kms", "json_bytes"})
    ->Args({0, 4 << 20})
    ->Args({1, 4 << 20})
    ->Args({0, 256 << 10})
    ->Args({1, 256 << 10})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
