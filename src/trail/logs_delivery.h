#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "common/env.h"
#include "common/status.h"
#include "store/event_store.h"
#include "store/metadata.h"
#include "trail/delivery.h"
#include "trail/registry.h"

namespace ot::trail {

// One record for a trail's log group: its journal sequence, eventTime and JSON.
struct LogsRecord {
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;
  std::string_view message;
};

struct LogsDeliveryOptions {
  std::chrono::milliseconds poll{std::chrono::milliseconds(250)};  // wait for new events
  size_t batch_events = 5000;                                      // journal events read per pass
};

// Sends every event a logging trail selects to the trail's CloudWatch Logs log group
// (CloudWatchLogsLogGroupArn), into the stream "<account>_CloudTrail_<region>" as CloudTrail
// names it, within about a second of its commit.
//
// Exactly once through crashes: one durable cursor (metadata document kind "logs-delivery")
// holds the last journal sequence handled; `deliver` must be idempotent per (stream, trail,
// sequence) — the log store keeps the highest sequence of each trail per stream and skips
// records at or below it — so a pass redone after a crash adds nothing twice. A trail logs the
// same journal ranges as its bucket delivery (Delivery::LoggingIntervals). A log group that no
// longer exists is reported in GetTrailStatus (LatestCloudWatchLogsDeliveryError) and its
// records are skipped; any other failure stops the pass, which is redone.
class LogsDelivery {
 public:
  using DeliverFn =
      std::function<Status(std::string_view log_group_arn, std::string_view stream,
                           std::string_view trail_arn, std::span<const LogsRecord> records)>;

  LogsDelivery(store::EventStore& store, store::MetadataDb& db, TrailRegistry& trails,
               Delivery& delivery, DeliverFn deliver, Env& env, LogsDeliveryOptions options = {});
  ~LogsDelivery();  // stops the worker

  void Start();
  void Stop();

  // Delivers every committed event after the cursor; returns the number of records handed to
  // `deliver`.
  Result<size_t> RunOnce();

 private:
  void Loop();

  store::EventStore& store_;
  store::MetadataDb& db_;
  TrailRegistry& trails_;
  Delivery& delivery_;
  DeliverFn deliver_;
  Env& env_;
  LogsDeliveryOptions options_;
  std::unique_ptr<store::EventStore::TailReader> reader_;
  // Moves the cursor to `to`; writes it to the metadata DB when records were delivered (their
  // exactly-once mark), else at most once a second (and at Stop): a pass that delivered nothing
  // need not be durable, as redoing it after a crash delivers nothing either.
  Status Advance(uint64_t to, bool delivered);
  Status Persist();

  std::mutex mu_;           // one pass at a time; guards cursor_, loaded_, persisted_*
  uint64_t cursor_ = 0;     // everything up to here is delivered (or not wanted)
  bool loaded_ = false;     // cursor_ read from the metadata DB
  uint64_t persisted_ = 0;  // the cursor as last written
  std::chrono::steady_clock::time_point persisted_at_{};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace ot::trail
