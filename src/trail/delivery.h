#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "store/event_store.h"
#include "store/metadata.h"
#include "trail/registry.h"

namespace ot::trail {

struct DeliveryOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(5)};  // serve --delivery-interval
  size_t max_events_per_file = 10000;
  size_t max_bytes_per_file = 32u << 20;  // of JSON, before gzip
  size_t read_batch_events = 50000;       // journal events examined per written batch
  int gzip_level = 6;
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
class Delivery {
 public:
  using PutObjectFn =
      std::function<Status(std::string_view bucket, std::string_view key, std::string_view body)>;

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
  struct PendingFile {
    std::string group;  // "<account>/<region>/<part>"
    std::string key;
  };
  struct State {
    uint64_t cursor = 0;  // 0 with no document yet: start at the first interval
    // The batch being written, if any.
    uint64_t intent_to = 0;
    int64_t intent_time_ms = 0;
    std::vector<PendingFile> intent_files;
  };

 private:
  Result<State> Load(std::string_view arn);
  Status Save(std::string_view arn, const State& state);
  Result<std::vector<Interval>> LoadIntervals(std::string_view arn);
  Result<size_t> DeliverTrail(const LoggingTrail& trail, bool force);
  // Writes the batch (state.cursor, to]; updates the state durably. Returns files written.
  Result<size_t> WriteBatch(const Trail& trail, const TrailSelectors& selectors,
                            const std::vector<Interval>& intervals, State& state, uint64_t to,
                            SysMillis delivery_time);
  void Loop();

  store::EventStore& store_;
  store::MetadataDb& db_;
  TrailRegistry& trails_;
  PutObjectFn put_;
  Env& env_;
  DeliveryOptions options_;
  // One reader per trail, so each reads on from its own cursor without rescanning.
  std::map<std::string, std::unique_ptr<store::EventStore::TailReader>, std::less<>> readers_;

  std::mutex mu_;  // one pass at a time; guards the "delivery" documents and last_delivery_
  std::mutex intervals_mu_;  // guards the "logging" documents
  std::map<std::string, SysMillis, std::less<>> last_delivery_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread worker_;
};

// Parses "300ms", "2s", "5m", "1h" (kValidation otherwise).
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace ot::trail
