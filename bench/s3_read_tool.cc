// The S3 read API over a large bucket (issue 5 benchmarks): builds the bucket through the bucket
// registry's own C++ API, and measures ListObjectsV2-sized pages in process. bench/s3_read.sh
// drives it and measures the same over HTTP (wrk) next to cat/find.
//
//   s3_read_tool populate DATA_DIR BUCKET RECORDS.jsonl COUNT
//       Writes COUNT log files (5 records each) into the existing local bucket BUCKET of a stopped
//       server's DATA_DIR, as delivery names them (10 accounts, 288 files a day each, counting
//       back from 2026-11-27), plus two GetObject subjects: bench/typical.json.gz (100 records)
//       and bench/large.json.gz (10,000 records, delivery's largest file). Objects go through
//       BucketRegistry::PutObject (object file and metadata sidecar, as delivery writes them);
//       only the fsyncs are skipped (setup, not measured; run `sync` after).
//   s3_read_tool list DATA_DIR BUCKET [ROUNDS]
//       Walks the whole bucket in 1,000-key pages with BucketRegistry::ListObjects (what
//       ListObjectsV2 calls) ROUNDS times (default 3); prints pages/s of each round.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "buckets/bucket_registry.h"
#include "common/env.h"
#include "no_sync_file_system.h"
#include "server/buckets_setup.h"
#include "store/metadata.h"
#include "trail/log_file.h"

namespace {

using ot::bench::NoSyncFileSystem;

int Fail(const std::string& what, const ot::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), status.ToString().c_str());
  return 1;
}

struct Opened {
  std::unique_ptr<ot::store::MetadataDb> db;
  std::unique_ptr<ot::server::MetadataBucketStore> store;
  std::unique_ptr<ot::buckets::BucketRegistry> registry;
};

ot::Result<Opened> Open(const std::string& data_dir, ot::Env& env) {
  Opened o;
  OT_ASSIGN_OR_RETURN(o.db, ot::store::MetadataDb::Open(data_dir + "/metadata.db"));
  o.store = std::make_unique<ot::server::MetadataBucketStore>(*o.db);
  ot::buckets::RegistryOptions options;  // as the server sets them up (server.cc)
  options.dir = data_dir + "/buckets";
  options.meta_dir = data_dir + "/bucket-meta";
  OT_ASSIGN_OR_RETURN(o.registry, ot::buckets::BucketRegistry::Open(options, *o.store, env));
  return o;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  auto text = ot::RealFileSystem().ReadFile(path);
  if (!text.ok()) return lines;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    if (nl > pos) lines.push_back(text->substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

int Populate(const std::string& data_dir, const std::string& bucket, const std::string& jsonl,
             long count) {
  NoSyncFileSystem fs(ot::RealFileSystem());
  ot::Env env{ot::RealClock(), fs, ot::RealRandom()};
  auto opened = Open(data_dir, env);
  if (!opened.ok()) return Fail("open " + data_dir, opened.status());
  ot::buckets::BucketRegistry& registry = *opened->registry;
  const std::vector<std::string> records = ReadLines(jsonl);
  if (records.size() < 10000) {
    std::fprintf(stderr, "%s: need at least 10,000 records\n", jsonl.c_str());
    return 1;
  }
  size_t next = 0;
  auto take = [&](size_t n) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < n; ++i) out.push_back(records[(next++) % records.size()]);
    return out;
  };
  auto put = [&](const std::string& key, const std::string& body) {
    ot::buckets::PutObjectRequest p;  // as the server's delivery writes a log file
    p.bucket = bucket;
    p.key = key;
    p.body = body;
    p.content_type = "application/x-gzip";
    return registry.PutObject(p);
  };
  const auto start = std::chrono::steady_clock::now();
  const ot::SysMillis last_day{std::chrono::milliseconds(1795737600000)};  // 2026-11-27T00:00Z
  uint64_t bytes = 0;
  for (long i = 0; i < count; ++i) {
    const long account = i % 10, slot = i / 10;  // 288 five-minute slots a day per account
    ot::trail::LogFileName name{
        "",
        "",
        std::to_string(111100000000 + account),
        "us-east-1",
        last_day - std::chrono::hours(24) * (slot / 288) + std::chrono::minutes(5) * (slot % 288),
        ot::trail::LogFileUnique(ot::RealRandom())};
    const std::string body = ot::trail::BuildLogFile(take(5));
    bytes += body.size();
    if (ot::Status s = put(ot::trail::LogFileKey(name), body); !s.ok()) return Fail("put", s);
  }
  const std::string typical = ot::trail::BuildLogFile(take(100));
  const std::string large = ot::trail::BuildLogFile(take(10000));
  if (ot::Status s = put("bench/typical.json.gz", typical); !s.ok()) return Fail("put", s);
  if (ot::Status s = put("bench/large.json.gz", large); !s.ok()) return Fail("put", s);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "populated %ld log files (%.1f MB, %.0f objects/s); typical %zu bytes, large %zu "
      "bytes\n",
      count, bytes / 1e6, count / secs, typical.size(), large.size());
  return 0;
}

int List(const std::string& data_dir, const std::string& bucket, int rounds) {
  auto opened = Open(data_dir, ot::RealEnv());
  if (!opened.ok()) return Fail("open " + data_dir, opened.status());
  for (int round = 1; round <= rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    ot::buckets::ListObjectsOptions o;
    size_t pages = 0, keys = 0;
    while (true) {
      auto page = opened->registry->ListObjects(bucket, o);
      if (!page.ok()) return Fail("list", page.status());
      ++pages;
      keys += page->objects.size();
      if (!page->truncated) break;
      o.after = page->last;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("round %d: %zu keys in %zu pages, %.3f s, %.1f pages/s\n", round, keys, pages, secs,
                pages / secs);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 5 && a[0] == "populate") {
    return Populate(a[1], a[2], a[3], std::strtol(a[4].c_str(), nullptr, 10));
  }
  if ((a.size() == 3 || a.size() == 4) && a[0] == "list") {
    return List(a[1], a[2], a.size() == 4 ? std::atoi(a[3].c_str()) : 3);
  }
  std::fprintf(stderr,
               "usage: s3_read_tool populate DATA_DIR BUCKET RECORDS.jsonl COUNT\n"
               "       s3_read_tool list DATA_DIR BUCKET [ROUNDS]\n");
  return 2;
}
