#include "store/event_store.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "store/internal/format.h"
#include "store/internal/history_index.h"
#include "store/internal/journal.h"
#include "store/internal/lookup_token.h"

namespace ot::store {
namespace {

using internal::AttrsView;
using internal::HistoryIndex;
using internal::Hit;
using internal::Journal;

std::optional<internal::Attr> AttrFor(LookupKey key) {
  switch (key) {
    case LookupKey::kEventId:
      return std::nullopt;
    case LookupKey::kEventName:
      return internal::Attr::kEventName;
    case LookupKey::kReadOnly:
      return internal::Attr::kReadOnly;
    case LookupKey::kUsername:
      return internal::Attr::kUsername;
    case LookupKey::kResourceType:
      return internal::Attr::kResourceType;
    case LookupKey::kResourceName:
      return internal::Attr::kResourceName;
    case LookupKey::kEventSource:
      return internal::Attr::kEventSource;
    case LookupKey::kAccessKeyId:
      return internal::Attr::kAccessKeyId;
  }
  return std::nullopt;
}

// Confirms a hash match against the record: values are indexed by hash only.
bool RecordMatches(const AttrsView& a, const LookupQuery& q) {
  if (!q.key) return true;
  switch (*q.key) {
    case LookupKey::kEventId:
      return a.event_id == q.value;
    case LookupKey::kEventName:
      return a.event_name == q.value;
    case LookupKey::kReadOnly:
      return a.read_only && (*a.read_only ? "true" : "false") == q.value;
    case LookupKey::kUsername:
      return a.username == q.value;
    case LookupKey::kResourceType:
      return std::any_of(a.resources.begin(), a.resources.end(),
                         [&](const auto& r) { return r.first == q.value; });
    case LookupKey::kResourceName:
      return std::any_of(a.resources.begin(), a.resources.end(),
                         [&](const auto& r) { return r.second == q.value; });
    case LookupKey::kEventSource:
      return a.event_source == q.value;
    case LookupKey::kAccessKeyId:
      return a.access_key_id == q.value;
  }
  return false;
}

class EventStoreImpl final : public EventStore {
 public:
  EventStoreImpl(const StoreOptions& options, Env& env) : options_(options), env_(env) {}

  ~EventStoreImpl() override {
    {
      std::lock_guard lock(queue_mu_);
      stop_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    {
      std::lock_guard lock(tail_mu_);
      closed_ = true;
    }
    tail_cv_.notify_all();
  }

  Status Open() {
    token_key_ = options_.token_key;
    if (token_key_.empty()) {
      // Tokens then stop working across restarts, which LookupEvents clients tolerate.
      token_key_.resize(32);
      env_.random.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(token_key_.data()), 32));
    }
    const int64_t cutoff_ms = CutoffMs();
    const int64_t first_kept_ms = internal::PartitionIndex(cutoff_ms) * internal::kPartitionMs;
    AttrsView view;
    std::string_view json;
    auto lock = index_.WriteLock();
    auto replay = [&](uint64_t seq, uint32_t offset, std::string_view payload) -> Status {
      if (!internal::DecodePayload(payload, &view, &json)) {
        return Status(Error::kCorruption,
                      "journal record " + std::to_string(seq) + " is malformed");
      }
      // Partitions wholly past retention are not indexed (EnforceRetention would drop them).
      if (view.event_time_ms >= first_kept_ms) {
        index_.Insert(view, seq, offset);
      }
      return Status::Ok();
    };
    OT_ASSIGN_OR_RETURN(
        journal_,
        Journal::Open(env_.fs, {options_.dir + "/journal", options_.segment_bytes}, replay));
    index_.CompactAll();
    lock.unlock();
    last_committed_ = journal_->next_seq() - 1;
    writer_ = std::thread([this] { WriterLoop(); });
    return Status::Ok();
  }

  void AppendAsync(std::vector<NewEvent> batch, AppendCallback done) override {
    {
      std::lock_guard lock(queue_mu_);
      if (failed_.ok() && !stop_) {
        queue_.push_back({std::move(batch), std::move(done)});
        queue_cv_.notify_one();
        return;
      }
    }
    done(failed_.ok() ? Status(Error::kUnavailable, "event store is closing") : failed_);
  }

  Result<EventPage> Lookup(const LookupQuery& q) const override;
  Status EnforceRetention() override;

  std::unique_ptr<TailReader> NewTailReader() const override;

  uint64_t LastSequence() const override { return last_committed_.load(); }

  void WaitForEventsAfter(uint64_t after, std::chrono::milliseconds timeout) const override {
    std::unique_lock lock(tail_mu_);
    tail_cv_.wait_for(lock, timeout, [&] { return closed_ || last_committed_.load() > after; });
  }

  StoreStats Stats() const override {
    StoreStats s;
    s.events = index_.visible_events();
    s.stored_events = index_.total_events();
    s.journal_bytes = journal_->total_bytes();
    s.journal_segments = journal_->segment_count();
    s.index_bytes = index_.memory_bytes();
    s.fsyncs = fsyncs_.load();
    s.fsync_micros_total = fsync_micros_total_.load();
    s.last_fsync_seconds = static_cast<double>(last_fsync_micros_.load()) / 1e6;
    return s;
  }

 private:
  struct Request {
    std::vector<NewEvent> batch;
    AppendCallback done;
  };
  struct Written {
    const NewEvent* event;
    uint64_t seq;
    uint32_t offset;
  };

  int64_t CutoffMs() const {
    auto cutoff = env_.clock.Now() -
                  std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention);
    return cutoff.time_since_epoch().count();
  }

  void WriterLoop();
  // Writes, commits and answers `group`, which holds `total` events in all.
  void ProcessGroup(std::vector<Request>& group, size_t total);
  bool SeenInGroup(const NewEvent& e, uint64_t hash);
  bool IsStored(const NewEvent& e, uint64_t hash);
  Status Validate(const std::vector<NewEvent>& batch) const;

  StoreOptions options_;
  Env& env_;
  std::string token_key_;
  std::unique_ptr<Journal> journal_;
  HistoryIndex index_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  // Tail consumers wait here for commits.
  std::atomic<uint64_t> last_committed_{0};
  mutable std::mutex tail_mu_;
  mutable std::condition_variable tail_cv_;
  bool closed_ = false;  // guarded by tail_mu_
  std::vector<Request> queue_;
  bool stop_ = false;
  Status failed_;  // sticky: once a write or fsync failed, the journal's tail is unknown
  std::thread writer_;

  // Writer-thread scratch, reused across groups.
  std::vector<const NewEvent*> group_ids_;  // open addressing by id hash
  std::vector<Written> written_;
  std::string read_scratch_;

  std::atomic<uint64_t> fsyncs_{0}, fsync_micros_total_{0}, last_fsync_micros_{0};
};

// Groups of at least this many events make the writer commit as soon as it is woken (WriterLoop).
constexpr size_t kPromptGroupEvents = 256;

void EventStoreImpl::WriterLoop() {
  // The writer's scheduling follows what it commits. Many small groups (API calls recording
  // themselves): it runs as a batch thread, which does not preempt the thread that woke it, so a
  // call that queued its record keeps its core until it waits for something and the calls that
  // core handles meanwhile join the same group instead of each paying a wakeup and an fsync. An
  // idle server still commits at once, as the waking thread goes on to wait. Large groups (bulk
  // ingest, already amortized): it runs as a normal thread and commits as soon as woken, since
  // their few clients wait for each commit before sending more.
  bool batch_policy = false;
  auto set_policy = [&](bool batch) {
    if (batch == batch_policy) return;
    sched_param param{};
    pthread_setschedparam(pthread_self(), batch ? SCHED_BATCH : SCHED_OTHER, &param);
    batch_policy = batch;
  };
  set_policy(true);
  std::vector<Request> group;
  std::unique_lock lock(queue_mu_);
  for (;;) {
    queue_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued was written
    if (options_.max_group_delay.count() > 0 && !stop_) {
      queue_cv_.wait_for(lock, options_.max_group_delay, [&] { return stop_; });
    }
    group.swap(queue_);
    lock.unlock();
    size_t events = 0;
    for (const Request& r : group) events += r.batch.size();
    ProcessGroup(group, events);
    group.clear();
    set_policy(events < kPromptGroupEvents);
    lock.lock();
  }
}

Status EventStoreImpl::Validate(const std::vector<NewEvent>& batch) const {
  for (const NewEvent& e : batch) {
    if (e.attrs.event_id.empty()) return Status(Error::kValidation, "event without eventID");
    if (internal::PayloadSize(e.attrs, e.json) > internal::kMaxPayloadBytes) {
      return Status(Error::kValidation, "event too large: " + e.attrs.event_id);
    }
  }
  return Status::Ok();
}

bool EventStoreImpl::SeenInGroup(const NewEvent& e, uint64_t hash) {
  size_t mask = group_ids_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    if (group_ids_[i] == nullptr) {
      group_ids_[i] = &e;
      return false;
    }
    if (group_ids_[i]->attrs.event_id == e.attrs.event_id) return true;
  }
}

bool EventStoreImpl::IsStored(const NewEvent& e, uint64_t hash) {
  for (const Hit& hit : index_.FindId(hash)) {
    std::string_view payload, json;
    AttrsView view;
    // A candidate whose segment is gone has expired; storing the event again is harmless.
    if (!journal_->Read(hit.seq, hit.offset, &read_scratch_, &payload).ok()) continue;
    if (internal::DecodePayload(payload, &view, &json) && view.event_id == e.attrs.event_id) {
      return true;
    }
  }
  return false;
}

void EventStoreImpl::ProcessGroup(std::vector<Request>& group, size_t total) {
  Status status;
  {
    std::lock_guard lock(queue_mu_);
    status = failed_;
  }
  std::vector<Result<AppendResult>> results;
  results.reserve(group.size());
  size_t slots = 16;
  while (slots < total * 2) slots *= 2;
  group_ids_.assign(slots, nullptr);
  written_.clear();

  for (const Request& r : group) {
    Status valid = status.ok() ? Validate(r.batch) : status;
    if (!valid.ok()) {
      results.emplace_back(valid);
      continue;
    }
    AppendResult res;
    res.was_duplicate.resize(r.batch.size());
    res.sequences.resize(r.batch.size());
    for (size_t i = 0; i < r.batch.size() && status.ok(); ++i) {
      const NewEvent& e = r.batch[i];
      uint64_t hash = HistoryIndex::IdHash(e.attrs.event_id);
      // The writer is the only thread that admits events, so this check cannot race.
      if (SeenInGroup(e, hash) || IsStored(e, hash)) {
        res.was_duplicate[i] = true;
        ++res.duplicates;
        continue;
      }
      uint64_t seq = journal_->next_seq();
      Result<uint32_t> offset = journal_->Add(e.attrs, e.json);
      if (!offset.ok()) {
        status = offset.status();
        break;
      }
      written_.push_back({&e, seq, *offset});
      res.sequences[i] = seq;
      ++res.appended;
    }
    results.emplace_back(std::move(res));
  }

  if (status.ok() && journal_->dirty()) {
    auto start = env_.clock.Mono();
    status = journal_->Commit();
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(env_.clock.Mono() - start);
    ++fsyncs_;
    fsync_micros_total_ += static_cast<uint64_t>(micros.count());
    last_fsync_micros_ = static_cast<uint64_t>(micros.count());
  }
  if (!status.ok()) {
    std::lock_guard lock(queue_mu_);
    if (failed_.ok()) failed_ = status;
  } else if (!written_.empty()) {
    // Publish only after the fsync: a lookup never sees an event a crash could take back.
    AttrsView view;
    auto lock = index_.WriteLock();
    for (const Written& w : written_) {
      view.Assign(w.event->attrs);
      index_.Insert(view, w.seq, w.offset);
    }
    lock.unlock();
    {
      std::lock_guard tail_lock(tail_mu_);
      last_committed_ = written_.back().seq;
    }
    tail_cv_.notify_all();
  }
  for (size_t i = 0; i < group.size(); ++i) {
    if (!status.ok() && results[i].ok()) results[i] = status;
    if (group[i].done) group[i].done(std::move(results[i]));
  }
}

namespace {

class JournalTailReader final : public EventStore::TailReader {
 public:
  explicit JournalTailReader(const Journal& journal) : journal_(journal) {}

  Result<std::vector<EventStore::TailEvent>> ReadAfter(uint64_t after, size_t max_events,
                                                       size_t max_bytes) override {
    std::vector<EventStore::TailEvent> out;
    Status decode;
    AttrsView view;
    std::string_view json;
    OT_RETURN_IF_ERROR(journal_.ReadFrom(
        after + 1, max_events, max_bytes, &hint_, [&](uint64_t seq, std::string_view payload) {
          if (!decode.ok()) return;
          if (!internal::DecodePayload(payload, &view, &json)) {
            decode = Status(Error::kCorruption,
                            "journal record " + std::to_string(seq) + " is malformed");
            return;
          }
          EventStore::TailEvent e;
          e.sequence = seq;
          e.attrs = view.ToAttributes();
          e.json = std::string(json);
          out.push_back(std::move(e));
        }));
    OT_RETURN_IF_ERROR(decode);
    return out;
  }

 private:
  const Journal& journal_;
  Journal::TailHint hint_;
};

}  // namespace

std::unique_ptr<EventStore::TailReader> EventStoreImpl::NewTailReader() const {
  return std::make_unique<JournalTailReader>(*journal_);
}

Result<EventPage> EventStoreImpl::Lookup(const LookupQuery& q) const {
  const SysMillis now = env_.clock.Now();
  const int64_t cutoff_ms = CutoffMs();
  internal::IndexQuery iq;
  iq.region = q.region;
  iq.insights = q.insights;
  // Nothing past retention is visible, whether or not EnforceRetention has run yet.
  iq.start_ms =
      std::max(cutoff_ms, q.start_time ? q.start_time->time_since_epoch().count() : cutoff_ms);
  iq.end_ms = (q.end_time ? *q.end_time : now).time_since_epoch().count();
  const size_t max_results = static_cast<size_t>(std::clamp(q.max_results, 1, 50));
  iq.limit = max_results + 1;  // one more tells whether another page exists
  if (!q.next_token.empty()) {
    OT_ASSIGN_OR_RETURN(iq.after, internal::DecodeLookupToken(token_key_, q.next_token, q));
  }
  std::vector<Hit> hits;
  if (q.key == LookupKey::kEventId) {
    hits = index_.QueryId(HistoryIndex::IdHash(q.value), iq);
  } else {
    if (q.key) {
      iq.attr = AttrFor(*q.key);
      iq.value_hash = HistoryIndex::ValueHash(q.value);
    }
    hits = index_.Query(iq);
  }

  EventPage page;
  std::string scratch;
  AttrsView view;
  const size_t n = std::min(hits.size(), max_results);
  page.events.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string_view payload, json;
    Status read = journal_->Read(hits[i].seq, hits[i].offset, &scratch, &payload);
    if (read.code() == Error::kNotFound) continue;  // expired while we looked
    OT_RETURN_IF_ERROR(read);
    if (!internal::DecodePayload(payload, &view, &json)) {
      return Status(Error::kCorruption, "journal record " + std::to_string(hits[i].seq));
    }
    if (!RecordMatches(view, q)) continue;  // a 64-bit hash collision
    page.events.push_back({view.ToAttributes(), std::string(json)});
  }
  if (hits.size() > max_results) {
    const Hit& last = hits[max_results - 1];
    page.next_token = internal::EncodeLookupToken(token_key_, {last.time_ms, last.seq}, q);
  }
  return page;
}

Status EventStoreImpl::EnforceRetention() {
  const int64_t cutoff_ms = CutoffMs();
  {
    auto lock = index_.WriteLock();
    index_.DropBefore(cutoff_ms);
    index_.CompactAll();
  }
  return journal_->DropSegmentsOlderThan(cutoff_ms).status();
}

}  // namespace

Result<AppendResult> EventStore::Append(std::vector<NewEvent> batch) {
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  AppendAsync(std::move(batch),
              [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Result<std::unique_ptr<EventStore>> EventStore::Open(const StoreOptions& options, Env& env) {
  auto store = std::make_unique<EventStoreImpl>(options, env);
  OT_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<EventStore>(std::move(store));
}

}  // namespace ot::store
