#include "store/internal/history_index.h"

#include <algorithm>
#include <span>

namespace ot::store::internal {
namespace {

constexpr size_t kChunkCapacity = 65536;  // local indices are u16
constexpr size_t kMinMergeTail = 64;
// Unmerged postings a lookup scans rather than merging the chunk's run (see Chunk::Merged).
constexpr size_t kLookupMergeTail = 1024;

enum Visibility : uint8_t { kManagement = 0, kInsight = 1, kHidden = 2 };

Visibility VisibilityOf(events::Category c) {
  switch (c) {
    case events::Category::kManagement:
      return kManagement;
    case events::Category::kInsight:
      return kInsight;
    case events::Category::kData:
    case events::Category::kNetworkActivity:
      return kHidden;
  }
  return kHidden;
}

uint64_t ChunkKey(int64_t day, uint16_t region, uint8_t vis) {
  return (static_cast<uint64_t>(day) << 20) ^ (uint64_t{region} << 2) ^ vis;
}

// Directory key of a value: the top 32 bits of its hash (records confirm every match).
uint32_t KeyOf(uint64_t value_hash) { return static_cast<uint32_t>(value_hash >> 32); }

// An unmerged posting: key in bits 16..47, local index in bits 0..15.
uint64_t Posting(uint32_t key, uint16_t local) { return (uint64_t{key} << 16) | local; }
uint32_t PostingKey(uint64_t p) { return static_cast<uint32_t>(p >> 16); }
uint16_t PostingLocal(uint64_t p) { return static_cast<uint16_t>(p & 0xffff); }

bool Newer(const Hit& a, const Hit& b) {
  return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.seq > b.seq;
}

}  // namespace

int64_t PartitionIndex(int64_t time_ms) {
  int64_t d = time_ms / kPartitionMs;
  return (time_ms % kPartitionMs < 0) ? d - 1 : d;
}

struct HistoryIndex::Chunk {
  uint16_t region = 0;
  uint8_t visibility = kManagement;
  int64_t day = 0;  // partition index
  uint64_t base_seq = 0;
  int64_t min_time_ms = INT64_MAX, max_time_ms = INT64_MIN;
  std::vector<uint32_t> time_off;  // ms since the partition's start
  std::vector<uint32_t> seq_delta;
  std::vector<uint32_t> offset;  // of the frame in its journal segment

  // Every local index, newest first; locals >= order.size() are not merged in yet.
  std::vector<uint16_t> order;
  struct Postings {
    std::vector<uint32_t> keys;    // sorted value keys
    std::vector<uint32_t> starts;  // keys.size() + 1 bounds into locals
    std::vector<uint16_t> locals;  // one run per key, newest first
    std::vector<uint64_t> tail;    // unmerged Posting()s, arrival order
  };
  Postings postings[kNumAttrs];
  std::mutex mu;  // taken by lookups, which merge tails lazily

  size_t size() const { return time_off.size(); }
  int64_t start_ms() const { return day * kPartitionMs; }
  // Sort key: larger is newer.
  uint64_t Key(uint16_t local) const {
    return (uint64_t{time_off[local]} << 32) | seq_delta[local];
  }
  Hit HitAt(uint16_t local) const {
    return {start_ms() + time_off[local], base_seq + seq_delta[local], offset[local]};
  }

  void MergeOrder() {
    if (order.size() == size()) return;
    size_t old = order.size();
    for (size_t i = old; i < size(); ++i) order.push_back(static_cast<uint16_t>(i));
    auto newer = [this](uint16_t a, uint16_t b) { return Key(a) > Key(b); };
    std::sort(order.begin() + static_cast<ptrdiff_t>(old), order.end(), newer);
    std::inplace_merge(order.begin(), order.begin() + static_cast<ptrdiff_t>(old), order.end(),
                       newer);
  }

  void Merge(Postings& p) {
    if (p.tail.empty()) return;
    auto newer = [this](uint16_t a, uint16_t b) { return Key(a) > Key(b); };
    std::sort(p.tail.begin(), p.tail.end(), [&](uint64_t a, uint64_t b) {
      return PostingKey(a) != PostingKey(b) ? PostingKey(a) < PostingKey(b)
                                            : newer(PostingLocal(a), PostingLocal(b));
    });
    Postings out;
    out.locals.reserve(p.locals.size() + p.tail.size());
    size_t i = 0, j = 0;
    const size_t nk = p.keys.size(), nt = p.tail.size();
    while (i < nk || j < nt) {
      uint32_t k = (j == nt || (i < nk && p.keys[i] <= PostingKey(p.tail[j])))
                       ? p.keys[i]
                       : PostingKey(p.tail[j]);
      out.keys.push_back(k);
      out.starts.push_back(static_cast<uint32_t>(out.locals.size()));
      std::span<const uint16_t> old_run;
      if (i < nk && p.keys[i] == k) {
        old_run =
            std::span<const uint16_t>(p.locals).subspan(p.starts[i], p.starts[i + 1] - p.starts[i]);
        ++i;
      }
      size_t a = 0;
      for (; j < nt && PostingKey(p.tail[j]) == k; ++j) {
        uint16_t local = PostingLocal(p.tail[j]);
        while (a < old_run.size() && newer(old_run[a], local)) out.locals.push_back(old_run[a++]);
        out.locals.push_back(local);
      }
      out.locals.insert(out.locals.end(), old_run.begin() + static_cast<ptrdiff_t>(a),
                        old_run.end());
    }
    out.starts.push_back(static_cast<uint32_t>(out.locals.size()));
    out.keys.shrink_to_fit();
    out.starts.shrink_to_fit();
    p = std::move(out);
  }

  void MergeAll() {
    MergeOrder();
    for (Postings& p : postings) Merge(p);
  }

  void Shrink() {
    time_off.shrink_to_fit();
    seq_delta.shrink_to_fit();
    offset.shrink_to_fit();
    order.shrink_to_fit();
  }

  // The merged run of `attr` for `key` (or of every event), newest first; needs `mu`. A lookup
  // merges the tail only past kLookupMergeTail postings, so that a chunk that keeps growing (the
  // live day) is not rebuilt by every lookup; the rest of the tail comes from Unmerged().
  std::span<const uint16_t> Merged(const std::optional<Attr>& attr, uint32_t key) {
    if (!attr) {
      if (size() - order.size() > kLookupMergeTail) MergeOrder();
      return order;
    }
    Postings& p = postings[static_cast<int>(*attr)];
    if (p.tail.size() > kLookupMergeTail) Merge(p);
    auto it = std::lower_bound(p.keys.begin(), p.keys.end(), key);
    if (it == p.keys.end() || *it != key) return {};
    size_t k = static_cast<size_t>(it - p.keys.begin());
    return std::span<const uint16_t>(p.locals).subspan(p.starts[k], p.starts[k + 1] - p.starts[k]);
  }

  // The not-yet-merged locals of `attr` for `key` (or of every event), newest first; needs `mu`.
  void Unmerged(const std::optional<Attr>& attr, uint32_t key, std::vector<uint16_t>* out) const {
    out->clear();
    if (!attr) {
      for (size_t i = order.size(); i < size(); ++i) out->push_back(static_cast<uint16_t>(i));
    } else {
      for (uint64_t posting : postings[static_cast<int>(*attr)].tail) {
        if (PostingKey(posting) == key) out->push_back(PostingLocal(posting));
      }
    }
    std::sort(out->begin(), out->end(), [this](uint16_t a, uint16_t b) { return Key(a) > Key(b); });
  }

  size_t memory_bytes() const {
    size_t n = sizeof(*this) +
               (time_off.capacity() + seq_delta.capacity() + offset.capacity()) * 4 +
               order.capacity() * 2;
    for (const Postings& p : postings) {
      n += p.keys.capacity() * 4 + p.starts.capacity() * 4 + p.locals.capacity() * 2 +
           p.tail.capacity() * 8;
    }
    return n;
  }
};

HistoryIndex::HistoryIndex() = default;
HistoryIndex::~HistoryIndex() = default;

uint64_t HistoryIndex::IdHash(std::string_view event_id) { return Hash64(event_id, 0x1d); }
uint64_t HistoryIndex::ValueHash(std::string_view value) { return Hash64(value, 0x7a); }

uint16_t HistoryIndex::RegionId(std::string_view region) {
  auto it = region_ids_.find(std::string(region));
  if (it != region_ids_.end()) return it->second;
  auto id = static_cast<uint16_t>(region_ids_.size());
  OT_CHECK(region_ids_.size() < UINT16_MAX);
  region_ids_.emplace(std::string(region), id);
  by_day_.resize(by_day_.size() + 2);
  return id;
}

HistoryIndex::Chunk* HistoryIndex::ChunkFor(const AttrsView& a, uint64_t seq, uint32_t* id) {
  uint16_t region = RegionId(a.aws_region);
  Visibility vis = VisibilityOf(a.category);
  int64_t day = PartitionIndex(a.event_time_ms);
  uint64_t key = ChunkKey(day, region, vis);
  auto it = open_chunk_.find(key);
  if (it != open_chunk_.end()) {
    Chunk* c = chunks_[it->second].get();
    if (c->size() < kChunkCapacity && seq - c->base_seq <= UINT32_MAX && c->region == region &&
        c->day == day && c->visibility == vis) {
      *id = it->second;
      return c;
    }
    // Full: it will not change again.
    c->MergeAll();
    c->Shrink();
  }
  auto chunk = std::make_unique<Chunk>();
  chunk->region = region;
  chunk->visibility = vis;
  chunk->day = day;
  chunk->base_seq = seq;
  *id = static_cast<uint32_t>(chunks_.size());
  OT_CHECK(chunks_.size() < UINT32_MAX - 1);
  chunks_.push_back(std::move(chunk));
  open_chunk_[key] = *id;
  if (vis != kHidden) by_day_[region * 2u + vis][day].push_back(*id);
  return chunks_.back().get();
}

void HistoryIndex::Insert(const AttrsView& a, uint64_t seq, uint32_t offset) {
  uint32_t id = 0;
  Chunk* c = ChunkFor(a, seq, &id);
  auto local = static_cast<uint16_t>(c->size());
  c->time_off.push_back(static_cast<uint32_t>(a.event_time_ms - c->start_ms()));
  c->seq_delta.push_back(static_cast<uint32_t>(seq - c->base_seq));
  c->offset.push_back(offset);
  c->min_time_ms = std::min(c->min_time_ms, a.event_time_ms);
  c->max_time_ms = std::max(c->max_time_ms, a.event_time_ms);
  ids_.Insert(IdHash(a.event_id), id, local);
  ++total_events_;
  if (c->visibility == kHidden) return;
  ++visible_events_;
  auto add = [&](Attr attr, std::string_view value) {
    if (value.empty()) return;
    Chunk::Postings& p = c->postings[static_cast<int>(attr)];
    p.tail.push_back(Posting(KeyOf(ValueHash(value)), local));
    // Merging at half the merged size keeps the cost amortised O(1) per posting and the
    // 8-byte tail entries from outweighing the 2-byte merged ones.
    if (p.tail.size() >= std::max(kMinMergeTail, p.locals.size() / 2)) c->Merge(p);
  };
  add(Attr::kEventName, a.event_name);
  add(Attr::kEventSource, a.event_source);
  add(Attr::kUsername, a.username);
  add(Attr::kAccessKeyId, a.access_key_id);
  if (a.read_only) add(Attr::kReadOnly, *a.read_only ? "true" : "false");
  for (size_t i = 0; i < a.resources.size(); ++i) {
    // One posting per distinct value, so an event is never listed twice in a run.
    bool type_seen = false, name_seen = false;
    for (size_t k = 0; k < i; ++k) {
      type_seen |= a.resources[k].first == a.resources[i].first;
      name_seen |= a.resources[k].second == a.resources[i].second;
    }
    if (!type_seen) add(Attr::kResourceType, a.resources[i].first);
    if (!name_seen) add(Attr::kResourceName, a.resources[i].second);
  }
  if (c->size() - c->order.size() >= std::max(kMinMergeTail, c->order.size() / 2)) {
    c->MergeOrder();
  }
}

std::vector<Hit> HistoryIndex::FindId(uint64_t id_hash) const {
  std::shared_lock lock(mu_);
  std::vector<Hit> hits;
  ids_.ForEach(id_hash, [&](uint32_t chunk, uint16_t local) {
    hits.push_back(chunks_[chunk]->HitAt(local));
  });
  return hits;
}

bool HistoryIndex::Matches(const Chunk& c, const IndexQuery& q) const {
  auto it = region_ids_.find(std::string(q.region));
  return it != region_ids_.end() && c.region == it->second &&
         c.visibility == (q.insights ? kInsight : kManagement);
}

namespace {

// Appends the `want` newest of `hits` to `out`. `hits` is a concatenation of newest-first runs
// (one per chunk of a day) ending at `run_ends`: a k-way merge takes want·log(runs) steps where
// sorting every candidate took runs·want·log(runs·want).
void MergeNewest(const std::vector<Hit>& hits, const std::vector<size_t>& run_ends, size_t want,
                 std::vector<Hit>* out) {
  if (run_ends.size() <= 1) {
    size_t take = std::min(want, hits.size());
    out->insert(out->end(), hits.begin(), hits.begin() + static_cast<ptrdiff_t>(take));
    return;
  }
  struct Cursor {
    size_t pos, end;
  };
  std::vector<Cursor> heap;
  heap.reserve(run_ends.size());
  size_t begin = 0;
  for (size_t end : run_ends) {
    if (end > begin) heap.push_back({begin, end});
    begin = end;
  }
  // std heaps keep the greatest on top: "less" means older.
  auto older = [&hits](const Cursor& a, const Cursor& b) {
    return Newer(hits[b.pos], hits[a.pos]);
  };
  std::make_heap(heap.begin(), heap.end(), older);
  while (want > 0 && !heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), older);
    Cursor& top = heap.back();
    out->push_back(hits[top.pos]);
    --want;
    if (++top.pos == top.end) {
      heap.pop_back();
    } else {
      std::push_heap(heap.begin(), heap.end(), older);
    }
  }
}

}  // namespace

std::vector<Hit> HistoryIndex::QueryId(uint64_t id_hash, const IndexQuery& q) const {
  std::shared_lock lock(mu_);
  std::vector<Hit> hits;
  ids_.ForEach(id_hash, [&](uint32_t chunk, uint16_t local) {
    const Chunk& c = *chunks_[chunk];
    if (!Matches(c, q)) return;
    Hit h = c.HitAt(local);
    if (h.time_ms < q.start_ms || h.time_ms > q.end_ms) return;
    if (q.after && (h.time_ms > q.after->time_ms ||
                    (h.time_ms == q.after->time_ms && h.seq >= q.after->seq))) {
      return;
    }
    hits.push_back(h);
  });
  std::sort(hits.begin(), hits.end(), Newer);
  if (hits.size() > q.limit) hits.resize(q.limit);
  return hits;
}

std::vector<Hit> HistoryIndex::Query(const IndexQuery& q) const {
  std::vector<Hit> out;
  if (q.limit == 0 || q.start_ms > q.end_ms) return out;
  std::shared_lock lock(mu_);
  auto region = region_ids_.find(std::string(q.region));
  if (region == region_ids_.end()) return out;
  const auto& days = by_day_[region->second * 2u + (q.insights ? kInsight : kManagement)];
  const int64_t upper_ms = q.after ? std::min(q.end_ms, q.after->time_ms) : q.end_ms;
  const int64_t first_day = PartitionIndex(q.start_ms);
  const uint32_t key = KeyOf(q.value_hash);
  std::vector<Hit> day_hits;
  std::vector<size_t> run_ends;  // day_hits holds one newest-first run per chunk, ending here
  std::vector<uint16_t> unmerged;
  for (auto it = days.upper_bound(PartitionIndex(upper_ms)); it != days.begin();) {
    --it;
    if (it->first < first_day) break;
    day_hits.clear();
    run_ends.clear();
    const size_t want = q.limit - out.size();
    for (uint32_t id : it->second) {
      Chunk& c = *chunks_[id];
      if (c.max_time_ms < q.start_ms || c.min_time_ms > upper_ms) continue;
      std::lock_guard chunk_lock(c.mu);
      std::span<const uint16_t> run = c.Merged(q.attr, key);
      c.Unmerged(q.attr, key, &unmerged);
      // Both lists are newest first, so the events past the upper bound form a prefix of each.
      auto too_new = [&](uint16_t local) {
        int64_t t = c.start_ms() + c.time_off[local];
        if (t > q.end_ms) return true;
        if (!q.after) return false;
        return t > q.after->time_ms ||
               (t == q.after->time_ms && c.base_seq + c.seq_delta[local] >= q.after->seq);
      };
      auto a = std::partition_point(run.begin(), run.end(), too_new);
      auto b = std::partition_point(unmerged.begin(), unmerged.end(), too_new);
      for (size_t taken = 0; taken < want && (a != run.end() || b != unmerged.end()); ++taken) {
        bool from_run = b == unmerged.end() || (a != run.end() && c.Key(*a) > c.Key(*b));
        Hit h = c.HitAt(from_run ? *a++ : *b++);
        if (h.time_ms < q.start_ms) break;
        day_hits.push_back(h);
      }
      if (run_ends.empty() || run_ends.back() != day_hits.size())
        run_ends.push_back(day_hits.size());
    }
    MergeNewest(day_hits, run_ends, want, &out);
    if (out.size() >= q.limit) break;
  }
  return out;
}

size_t HistoryIndex::DropBefore(int64_t cutoff_ms) {
  // (day + 1) * 1d <= cutoff: every event of the partition is older than the cutoff.
  const int64_t last_dropped = PartitionIndex(cutoff_ms) - 1;
  size_t dropped = 0;
  for (uint32_t id = 0; id < chunks_.size(); ++id) {
    Chunk* c = chunks_[id].get();
    if (c == nullptr || c->day > last_dropped) continue;
    dropped += c->size();
    total_events_ -= c->size();
    if (c->visibility != kHidden) {
      visible_events_ -= c->size();
      auto& days = by_day_[c->region * 2u + c->visibility];
      auto d = days.find(c->day);
      if (d != days.end()) {
        std::erase(d->second, id);
        if (d->second.empty()) days.erase(d);
      }
    }
    auto open = open_chunk_.find(ChunkKey(c->day, c->region, c->visibility));
    if (open != open_chunk_.end() && open->second == id) open_chunk_.erase(open);
    chunks_[id].reset();
  }
  if (dropped > 0) {
    // Releases the dedupe memory of the dropped events too.
    ids_.Retain([this](uint32_t chunk) { return chunks_[chunk] != nullptr; });
  }
  return dropped;
}

void HistoryIndex::CompactAll() {
  for (auto& c : chunks_) {
    if (!c) continue;
    if (c->visibility != kHidden) c->MergeAll();
    // Partitions in the past rarely grow again: return the vectors' spare capacity.
    if (c->time_off.capacity() > c->size() + c->size() / 8) c->Shrink();
  }
}

uint64_t HistoryIndex::visible_events() const {
  std::shared_lock lock(mu_);
  return visible_events_;
}

uint64_t HistoryIndex::total_events() const {
  std::shared_lock lock(mu_);
  return total_events_;
}

size_t HistoryIndex::memory_bytes() const {
  std::shared_lock lock(mu_);
  size_t n = ids_.memory_bytes() + chunks_.capacity() * sizeof(void*);
  for (const auto& c : chunks_) {
    if (c) n += c->memory_bytes();
  }
  return n;
}

}  // namespace ot::store::internal
