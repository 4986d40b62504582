#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "store/event_store.h"
#include "store/metadata.h"
#include "trail/digest.h"
#include "trail/registry.h"

namespace ot::trail {

class SigningKeys;

struct DeliveryOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};  // serve --delivery-interval
  size_t max_events_per_file = 10000;
  size_t max_bytes_per_file = 32u << 20;  // of JSON, before gzip
  size_t read_batch_events = 50000;       // journal events examined per written batch
  int gzip_level = 6;
  unsigned gzip_threads = 0;  // files compressed in parallel; 0 = one per core
  // Digest files (digest.md §4) for trails with LogFileValidationEnabled: none without keys.
  SigningKeys* signing_keys = nullptr;
  std::chrono::milliseconds digest_interval{std::chrono::hours(1)};  // serve --digest-interval
  // Called once a trail's log files of a batch are all written, with their keys in its bucket,
  // before its cursor moves: the server publishes the trail's SNS notification from here. A
  // batch redone after a crash calls it again (at least once, never lost).
  std::function<void(const Trail& trail, const std::vector<std::string>& keys)> on_delivered{};
};

// Counters since start, for /metrics.
struct DeliveryStats {
  uint64_t events = 0;     // records written into log files (one per trail that selected it)
  uint64_t files = 0;      // log files written
  uint64_t bytes_out = 0;  // gzip bytes written
  uint64_t failures = 0;   // batches that failed (and will be retried)
};

// Writes each trail's selected events into its bucket as CloudTrail log files (records.md §2).
//
// Exactly once, through crashes: per trail a durable state (metadata document kind "delivery")
// holds the cursor — the last journal sequence examined — and the logging intervals, the journal
// ranges during which the trail was logging (from its StartLogging record to its StopLogging
// record, both included). A batch (cursor, to] is first written down as an intent naming its
// delivery time and the file names per (account, region) group; then the files are written; then
// the cursor moves to `to` and the intent is cleared. After a crash the intent is redone with the
// same names, so objects are overwritten, never duplicated.
//
// One pass serves every trail: the journal is read once per batch, each record's routing fields
// are scanned once (events::RecordScanner) and matched against every trail's selectors, and the
// files of all trails are compressed on a small pool of threads. A deleted trail still delivers
// what it logged before its DeleteTrail record; then its state is removed.
//
// Digests (digest.md §4, docs/formats/digest.md): for a trail with LogFileValidationEnabled, the
// Save that moves the cursor also records each delivered file (key, SHA-256 of its inflated
// bytes, event-time range, delivery time) as undigested, so the digest chain is produced from the
// same durable state as delivery. At the end of each digest window, one digest per covered region
// (the home region plus every region that had a file in the chain) lists the undigested files
// delivered up to the window's end, chained to that region's previous digest; the same Save that
// records the digest as the new previous drops its files. A crash between the digest's PutObject
// and that Save rewrites the same object key from the same state, so the chain never forks.
class Delivery {
 public:
  using ObjectMetadata = std::map<std::string, std::string>;  // x-amz-meta-* without the prefix
  // How an object is to be encrypted at rest: SSE-KMS under the trail's KmsKeyId, with the
  // encryption context {"aws:cloudtrail:arn": trail_arn}; no key → the bucket's default.
  struct ObjectEncryption {
    std::string_view kms_key_id;  // key ARN; empty: none
    std::string_view trail_arn;
  };
  using PutObjectFn =
      std::function<Status(std::string_view bucket, std::string_view key, std::string_view body,
                           const ObjectMetadata& metadata, const ObjectEncryption& encryption)>;

  Delivery(store::EventStore& store, store::MetadataDb& db, TrailRegistry& trails, PutObjectFn put,
           Env& env, DeliveryOptions options);
  ~Delivery();  // stops the worker

  // Starts the background worker (one pass every min(interval, 1 s); a trail is delivered when its
  // interval has passed since its last delivery).
  void Start();
  void Stop();

  // The trail `arn` logs from journal sequence `first` (its StartLogging record) on.
  Status LoggingStarted(std::string_view arn, uint64_t first);
  // The trail `arn` logs up to journal sequence `last` (its StopLogging record) included.
  Status LoggingStopped(std::string_view arn, uint64_t last);
  // The trail was deleted by the record at `sequence` (excluded). `trail` is its last
  // configuration: what it logged until then is still delivered with it.
  Status TrailDeleted(const Trail& trail, uint64_t sequence);

  DeliveryStats stats() const;

  // One pass over every trail; with `force`, delivers whatever is pending regardless of the
  // interval. Returns the number of files written.
  Result<size_t> RunOnce(bool force);

  // Durable state, per trail. The logging intervals (metadata kind "logging") are written by
  // LoggingStarted/LoggingStopped, on the journal's writer thread; the cursor and the intent
  // (kind "delivery") only by the delivery pass: two documents, so neither overwrites the other.
  struct Interval {
    uint64_t first = 0;
    uint64_t last = 0;  // 0 = still open
  };
  // The logging intervals of the trail `arn` (what LoggingStarted/LoggingStopped recorded), for
  // other consumers of the journal that follow the same trails (CloudWatch Logs delivery).
  Result<std::vector<Interval>> LoggingIntervals(std::string_view arn);
  struct PendingFile {
    std::string group;  // "<account>/<region>/<part>"
    std::string key;
  };
  // A delivered log file no digest has named yet.
  struct UndigestedFile {
    std::string region;
    DigestLogFile file;
    int64_t delivered_ms = 0;
  };
  struct State {
    uint64_t cursor = 0;  // 0 with no document yet: start at the first interval
    // The batch being written, if any.
    uint64_t intent_to = 0;
    int64_t intent_time_ms = 0;
    std::vector<PendingFile> intent_files;
    // The digest chain, while one runs.
    bool chain_active = false;
    uint64_t chain_first = 0;     // first sequence of the logging interval it started in
    int64_t window_start_ms = 0;  // the next digest's digestStartTime (whole seconds)
    // Per covered region: its previous digest (none until the chain's first one is written).
    std::map<std::string, std::optional<PreviousDigest>> chains;
    std::vector<UndigestedFile> undigested;
  };

 private:
  struct Job;
  struct File;
  Result<State> Load(std::string_view id);
  Status Save(std::string_view id, const State& state);
  Result<std::vector<Interval>> LoadIntervals(std::string_view id);
  // Adds the job of one trail (live, or the tombstone `id` of a deleted one) to `jobs` if it has
  // something to deliver; redoes an interrupted batch first.
  Status PrepareJob(LoggingTrail trail, std::string id, bool force, SysMillis now,
                    std::vector<Job>& jobs, size_t& files);
  Status PrepareTombstones(bool force, SysMillis now, std::vector<Job>& jobs, size_t& files);
  // Delivers (lowest cursor, `to`] for every job in `jobs` whose cursor is below its end: one
  // journal read, one scan per record, the files of all jobs gzipped in parallel.
  size_t Round(std::vector<Job*> jobs, uint64_t to, SysMillis delivery_time);
  void Fail(Job& job, const Status& status);
  void Loop();
  // Starts, advances or ends the digest chain of one trail (document id `id`) at `now`.
  Status AdvanceChain(const Trail& trail, const std::string& id, bool gone, SysMillis now);
  // Writes the digests of every covered region for the window ending at `end` and saves `state`
  // with the window moved on. `final_digest`: the chain ends with them.
  Status WriteDigests(const Trail& trail, const std::string& id, State& state, SysMillis end,
                      bool final_digest);
  // Removes a deleted trail's documents once its last digest is written.
  Status Forget(const Trail& trail, const std::string& id, SysMillis now);

  store::EventStore& store_;
  store::MetadataDb& db_;
  TrailRegistry& trails_;
  PutObjectFn put_;
  Env& env_;
  DeliveryOptions options_;
  std::unique_ptr<store::EventStore::TailReader> reader_;

  std::mutex mu_;  // one pass at a time; guards the "delivery" documents and last_delivery_
  std::mutex intervals_mu_;  // guards the "logging" documents
  std::map<std::string, SysMillis, std::less<>> last_delivery_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread worker_;
  mutable std::mutex stats_mu_;
  DeliveryStats stats_;
};

// Parses "300ms", "2s", "5m", "1h", "30d" (kValidation otherwise).
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace ot::trail
