#pragma once

// `opentrail validate-logs`: the AWS CLI's `aws cloudtrail validate-logs` (digest.md §6) — same
// inputs, same walk over the signed digest chain, same report lines and exit status — reading
// the bucket through the S3 API or from a local copy of it (--from-dir).

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/aws_config.h"
#include "common/env.h"
#include "common/status.h"

namespace ot::cli {

struct ValidateLogsOptions {
  ClientOptions client;
  std::string trail_arn;   // arn:…:cloudtrail:<home>:<account>:trail/<name>
  std::string start_time;  // ISO 8601 (UTC when no zone is given) or YYYY-MM-DD
  std::string end_time;    // empty: now
  std::string s3_bucket;   // empty: DescribeTrails' S3BucketName (and S3KeyPrefix)
  std::string s3_prefix;
  std::string account_id;  // empty: the ARN's
  bool verbose = false;
  // Read objects from this copy of the bucket instead of S3: object <key> is <from_dir>/<key>,
  // its user metadata (signature, signature-algorithm) the JSON file <from_dir>/<key>.metadata.json
  // or, with `metadata_dir`, <metadata_dir>/<key>.json (the server's bucket-meta/<bucket> layout).
  // Either holds {"Metadata": {...}} or the flat {name: value} map.
  std::string from_dir;
  std::string metadata_dir;
  // Requests in flight: digests fetched and log files checked in parallel. Over S3 the log files'
  // GETs are pipelined, several per connection (validate_logs.cc, RunValidation). Many requests
  // in flight let the server commit their call records in fewer groups.
  int concurrency = 128;
};

using ObjectMetadata = std::map<std::string, std::string>;  // x-amz-meta-* names, no prefix
using ByteSink = std::function<void(std::string_view)>;

// One stored object, read whole: its bytes and its user metadata.
struct StoredObject {
  std::string data;
  ObjectMetadata metadata;
};

// Where digests and log files are read. Thread-safe. Errors are fatal to the run.
class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  // Keys beginning with `prefix` and sorting after `marker`, in byte order.
  virtual Result<std::vector<std::string>> List(const std::string& bucket,
                                                const std::string& prefix,
                                                const std::string& marker) = 0;
  // Streams the object's bytes to `sink` in pieces as they are read (never whole) and returns
  // its user metadata; nullopt when the key does not exist (NoSuchKey; `sink` was not called).
  virtual Result<std::optional<ObjectMetadata>> Read(const std::string& bucket,
                                                     const std::string& key,
                                                     const ByteSink& sink) = 0;
  // The whole object (a digest); nullopt when the key does not exist.
  Result<std::optional<StoredObject>> Get(const std::string& bucket, const std::string& key);

  // Reads several objects of one bucket, in order: `sink(i, piece)` gets object i's bytes as
  // they arrive, then `done(i, result)` what Read would return for it. By default one Read after
  // the other; a source that gains from it (S3: pipelined on one connection) overrides it.
  using IndexedSink = std::function<void(size_t index, std::string_view piece)>;
  using ReadDone =
      std::function<void(size_t index, Result<std::optional<ObjectMetadata>> metadata)>;
  virtual void ReadMany(const std::string& bucket, const std::vector<std::string>& keys,
                        const IndexedSink& sink, const ReadDone& done);
  // The most objects a ReadMany call should take at once: 1 when batching gains nothing.
  virtual size_t BatchSize() const { return 1; }
};

// A local copy of a bucket (see ValidateLogsOptions::from_dir); the bucket name is ignored.
std::unique_ptr<ObjectSource> MakeDirSource(std::string dir, std::string metadata_dir);

// Public keys valid in [start, end]: fingerprint → base64 DER PKCS#1 (ListPublicKeys' Value).
using PublicKeyFetcher =
    std::function<Result<std::map<std::string, std::string>>(SysMillis start, SysMillis end)>;

// Everything the walk needs, resolved.
struct ValidationPlan {
  std::string trail_arn;
  SysMillis start;
  SysMillis end;
  std::string bucket;
  std::string prefix;  // may be empty
  std::string account_id;
  std::string trail_name;
  std::string home_region;
  std::string source_region;
  bool verbose = false;
  // Requests in flight, fetching and checking: digests ahead of the walk (which stays in chain
  // order) and log files as soon as their digest is valid.
  int concurrency = 128;
};

// Walks the digests newest → oldest, checks signatures and log-file hashes, writes the AWS CLI's
// report to `out` (valid lines, with verbose; the summary) and `err` (problems). Returns the exit
// status: 0 all valid, 1 something invalid, 255 fatal (message written to `err`).
int ValidateDigests(const ValidationPlan& plan, ObjectSource& source,
                    const PublicKeyFetcher& public_keys, std::FILE* out, std::FILE* err);

// The whole command: resolves options, calls DescribeTrails/ListPublicKeys, reads S3 or the
// folder. Returns the exit status.
int RunValidateLogs(const ValidateLogsOptions& options, Env& env, std::FILE* out, std::FILE* err);

// Parses a --start-time/--end-time value: ISO 8601, UTC when it has no zone, or a bare date.
Result<SysMillis> ParseCliTime(std::string_view text);

}  // namespace ot::cli
