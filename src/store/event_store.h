#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "events/record.h"

namespace ot::store {

struct StoreOptions {
  std::string dir;                       // created if missing; holds journal segments
  uint64_t segment_bytes = 64ull << 20;  // roll to a new segment past this size
  std::chrono::days retention{90};       // what LookupEvents can still see, by eventTime
  std::string token_key;                 // secret (>= 32 bytes) that signs NextTokens
  // Group commit: the writer gathers pending appends for at most this long before one fsync.
  std::chrono::microseconds max_group_delay{0};
};

// One event ready to append: its serialised record and the attributes derived from it.
struct NewEvent {
  std::string json;  // events::SerializeRecord output
  events::LookupAttributes attrs;
};

struct AppendResult {
  size_t appended = 0;    // new events written
  size_t duplicates = 0;  // events whose eventID was already stored (or repeated in the batch)
  std::vector<bool> was_duplicate;  // per input event, in order
  std::vector<uint64_t> sequences;  // per input event: its journal sequence, 0 for a duplicate
};

enum class LookupKey {
  kEventId,
  kEventName,
  kReadOnly,
  kUsername,
  kResourceType,
  kResourceName,
  kEventSource,
  kAccessKeyId
};

struct LookupQuery {
  std::string region;            // the request's region: only its events are seen
  std::optional<LookupKey> key;  // at most one attribute
  std::string value;
  std::optional<SysMillis> start_time;  // inclusive; default: oldest retained
  std::optional<SysMillis> end_time;    // inclusive; default: now
  bool insights = false;                // EventCategory=insight
  int max_results = 50;                 // 1..50, validated by the caller
  std::string next_token;               // empty for the first page
};

struct StoredEvent {
  events::LookupAttributes attrs;
  std::string json;  // the full record, as appended
};

struct EventPage {
  // Newest first: eventTime descending, then journal sequence descending (the order events were
  // appended; stable across restarts, unlike arrival order within a request).
  std::vector<StoredEvent> events;
  std::string next_token;  // empty on the last page
};

struct StoreStats {
  uint64_t events = 0;         // management + insight events indexed (visible to Lookup)
  uint64_t stored_events = 0;  // every indexed event, data and network activity included
  uint64_t journal_segments = 0;
  uint64_t index_bytes = 0;       // approximate heap use of the in-memory index
  uint64_t journal_bytes = 0;     // bytes in live segments
  uint64_t fsyncs = 0;            // group commits so far
  double last_fsync_seconds = 0;  // duration of the latest fsync
  uint64_t fsync_micros_total = 0;
};

// The durable journal of every event plus the indexed history behind LookupEvents.
// Thread-safe: any thread may append and look up concurrently.
class EventStore {
 public:
  // Opens `options.dir`, replaying the journal to rebuild the history index. A torn tail
  // (partial last record after a crash) is cut off; a bad checksum elsewhere fails with
  // kCorruption.
  static Result<std::unique_ptr<EventStore>> Open(const StoreOptions& options, Env& env);

  virtual ~EventStore() = default;

  using AppendCallback = std::function<void(Result<AppendResult>)>;
  // Appends `batch`, skipping events whose eventID is already stored. `done` runs (on the writer
  // thread) once every new event is fsync'd and visible to Lookup; many concurrent appends share
  // one fsync (group commit).
  virtual void AppendAsync(std::vector<NewEvent> batch, AppendCallback done) = 0;
  // Blocking form of AppendAsync.
  Result<AppendResult> Append(std::vector<NewEvent> batch);

  // Newest first. Fails with kInvalidNextToken if `query.next_token` was not issued by this store
  // for the same region, key, value, time range and category.
  virtual Result<EventPage> Lookup(const LookupQuery& query) const = 0;

  // Drops history older than the retention (by eventTime) and deletes journal segments whose
  // events are all expired. Live data is never rewritten. Runs periodically from the server.
  virtual Status EnforceRetention() = 0;

  virtual StoreStats Stats() const = 0;

  // The journal as a stream, for consumers that keep their own durable cursor (trail delivery,
  // monitoring): committed events with sequence > `after`, oldest first, at most `max_events` or
  // about `max_bytes` of records. Events deleted by retention are skipped. Thread-safe; each
  // consumer should use its own TailReader so that reading on does not rescan.
  struct TailEvent {
    uint64_t sequence = 0;
    events::LookupAttributes attrs;
    std::string json;
  };
  class TailReader {
   public:
    virtual ~TailReader() = default;
    virtual Result<std::vector<TailEvent>> ReadAfter(uint64_t after, size_t max_events,
                                                     size_t max_bytes) = 0;
  };
  virtual std::unique_ptr<TailReader> NewTailReader() const = 0;
  // The sequence of the newest committed event (0 when there is none).
  virtual uint64_t LastSequence() const = 0;
  // Blocks until an event newer than `after` is committed, the timeout passes, or the store closes.
  virtual void WaitForEventsAfter(uint64_t after, std::chrono::milliseconds timeout) const = 0;
};

}  // namespace ot::store
