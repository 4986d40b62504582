#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/internal/format.h"
#include "store/internal/id_table.h"

namespace ot::store::internal {

// The LookupEvents attributes that have posting lists (EventId uses the id table).
enum class Attr : uint8_t {
  kEventName,
  kEventSource,
  kUsername,
  kAccessKeyId,
  kReadOnly,  // values "true" / "false"
  kResourceType,
  kResourceName,
};
inline constexpr int kNumAttrs = 7;

// A place in the lookup order: eventTime descending, then journal sequence descending.
struct Position {
  int64_t time_ms = 0;
  uint64_t seq = 0;
};

// One indexed event: where its record lives in the journal.
struct Hit {
  int64_t time_ms;
  uint64_t seq;
  uint32_t offset;
};

struct IndexQuery {
  std::string_view region;
  bool insights = false;
  std::optional<Attr> attr;       // none: every event of the region and category
  uint64_t value_hash = 0;        // ValueHash(attr, value)
  int64_t start_ms = 0;           // inclusive
  int64_t end_ms = 0;             // inclusive
  std::optional<Position> after;  // exclusive: only events after it in the order
  size_t limit = 0;
};

// Events are partitioned by (region, visibility, eventTime day): a day rather than an hour keeps
// the per-value directories small (a value seen in an hour is usually seen all day), and
// retention only needs whole days. Exposed for recovery, which skips expired partitions.
inline constexpr int64_t kPartitionMs = 24 * 3600 * 1000;
int64_t PartitionIndex(int64_t time_ms);

// In-memory history behind LookupEvents: events are grouped into chunks by partition, at most
// 65536 per chunk. A chunk keeps compact columns (time within the partition, sequence delta,
// journal offset) and, per attribute, a posting list of u16 local indices per value, newest first,
// found through a sorted directory of 32-bit value-hash keys. Appends go to an unsorted tail that
// is merged once it reaches half the merged size, or by the first lookup that needs it, or by
// CompactAll. Values are identified only by hash, so every match is confirmed against the record
// when it is read. Data and network-activity events get columns and id-table entries (for dedupe
// and retention) but no posting lists.
//
// Thread-safety: Insert needs WriteLock(); everything else takes the shared lock itself.
class HistoryIndex {
 public:
  HistoryIndex();
  ~HistoryIndex();

  static uint64_t IdHash(std::string_view event_id);
  static uint64_t ValueHash(std::string_view value);

  std::unique_lock<std::shared_mutex> WriteLock() { return std::unique_lock(mu_); }
  void Insert(const AttrsView& attrs, uint64_t seq, uint32_t offset);

  // Journal locations of every stored event whose id hash matches (any category).
  std::vector<Hit> FindId(uint64_t id_hash) const;
  // Like Query but for an EventId lookup; at most the candidates of one hash.
  std::vector<Hit> QueryId(uint64_t id_hash, const IndexQuery& q) const;
  // Up to q.limit events in lookup order.
  std::vector<Hit> Query(const IndexQuery& q) const;

  // Drops every partition that ends at or before `cutoff_ms`. Returns the events dropped.
  // Needs WriteLock().
  size_t DropBefore(int64_t cutoff_ms);
  // Merges every tail (frees their memory). Needs WriteLock().
  void CompactAll();

  uint64_t visible_events() const;  // management + insight events indexed
  uint64_t total_events() const;
  size_t memory_bytes() const;  // approximate heap use of the index

 private:
  struct Chunk;
  uint16_t RegionId(std::string_view region);
  Chunk* ChunkFor(const AttrsView& attrs, uint64_t seq, uint32_t* id);
  bool Matches(const Chunk& c, const IndexQuery& q) const;

  mutable std::shared_mutex mu_;
  std::vector<std::unique_ptr<Chunk>> chunks_;  // by id; null once dropped
  std::unordered_map<std::string, uint16_t> region_ids_;
  std::unordered_map<uint64_t, uint32_t> open_chunk_;  // (region, visibility, day) → chunk id
  // Per region and visibility (management, insight): partition index → chunk ids.
  std::vector<std::map<int64_t, std::vector<uint32_t>>> by_day_;
  IdTable ids_;
  uint64_t visible_events_ = 0;
  uint64_t total_events_ = 0;
};

}  // namespace ot::store::internal
