#include "trail/delivery.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <set>

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "events/record_fields.h"
#include "trail/log_file.h"
#include "trail/signing_keys.h"

namespace ot::trail {
namespace {

constexpr std::string_view kKind = "delivery";
constexpr std::string_view kIntervalsKind = "logging";
// A deleted trail's logging document id: "<arn>#deleted@<sequence of its DeleteTrail record>".
constexpr std::string_view kTombstoneMark = "#deleted@";

bool InIntervals(const std::vector<Delivery::Interval>& intervals, uint64_t seq) {
  for (const Delivery::Interval& i : intervals) {
    if (seq >= i.first && (i.last == 0 || seq <= i.last)) return true;
  }
  return false;
}

// A file-name suffix that depends only on the batch, so a redone batch writes the same objects.
std::string DeterministicUnique(std::string_view arn, uint64_t from, std::string_view group) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string digest =
      crypto::Sha256(std::string(arn) + "|" + std::to_string(from) + "|" + std::string(group));
  std::string out;
  for (size_t i = 0; i < 16; ++i) out += kAlphabet[static_cast<uint8_t>(digest[i]) % 62];
  return out;
}

// The status' error string: the S3 code or transport failure that starts the message.
std::string DeliveryError(const Status& s) {
  std::string_view m = s.message();
  return std::string(m.substr(0, m.find(':')));
}

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  if (ec != std::errc() || end == text.data()) {
    return Status(Error::kValidation, "duration '" + std::string(text) + "' must look like 2s");
  }
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "m") return std::chrono::milliseconds(n * 60000);
  if (unit == "h") return std::chrono::milliseconds(n * 3600000);
  if (unit == "d") return std::chrono::milliseconds(n * 86400000);
  return Status(Error::kValidation,
                "duration '" + std::string(text) + "' needs a unit: ms, s, m, h or d");
}

Delivery::Delivery(store::EventStore& store, store::MetadataDb& db, TrailRegistry& trails,
                   PutObjectFn put, Env& env, DeliveryOptions options)
    : store_(store), db_(db), trails_(trails), put_(std::move(put)), env_(env), options_(options) {}

Delivery::~Delivery() { Stop(); }

void Delivery::Start() {
  worker_ = std::thread([this] { Loop(); });
}

void Delivery::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Delivery::Loop() {
  const auto tick = std::min<std::chrono::milliseconds>(options_.interval, std::chrono::seconds(1));
  auto next = env_.clock.Mono() + tick;
  while (true) {
    {
      // Passes start a tick apart; one that took longer than a tick (a backlog) is followed at
      // once by the next, so delivery keeps up instead of idling between passes.
      std::unique_lock lock(stop_mu_);
      if (stop_cv_.wait_until(lock, next, [&] { return stopping_; })) break;
    }
    next = env_.clock.Mono() + tick;
    auto r = RunOnce(false);
    if (!r.ok()) Log(LogLevel::kError, "delivery pass failed: " + r.status().ToString());
  }
}

Result<Delivery::State> Delivery::Load(std::string_view arn) {
  State state;
  OT_ASSIGN_OR_RETURN(auto doc, db_.GetDocument(kKind, arn));
  if (!doc) return state;
  OT_ASSIGN_OR_RETURN(auto parsed, api::JsonDocument::Parse(*doc));
  api::Members m(parsed->root(), "delivery");
  OT_ASSIGN_OR_RETURN(auto cursor, m.OptInt("cursor"));
  OT_ASSIGN_OR_RETURN(auto to, m.OptInt("intentTo"));
  OT_ASSIGN_OR_RETURN(auto time, m.OptInt("intentTime"));
  state.cursor = static_cast<uint64_t>(cursor.value_or(0));
  state.intent_to = static_cast<uint64_t>(to.value_or(0));
  state.intent_time_ms = time.value_or(0);
  OT_ASSIGN_OR_RETURN(auto files, m.OptList("intentFiles"));
  for (const api::JsonValue& v : files.value_or(std::vector<api::JsonValue>{})) {
    api::Members f(v, "file");
    OT_ASSIGN_OR_RETURN(std::string group, f.ReqString("group"));
    OT_ASSIGN_OR_RETURN(std::string key, f.ReqString("key"));
    state.intent_files.push_back({std::move(group), std::move(key)});
  }
  OT_ASSIGN_OR_RETURN(auto chain, m.OptBool("chainActive"));
  OT_ASSIGN_OR_RETURN(auto chain_first, m.OptInt("chainFirst"));
  OT_ASSIGN_OR_RETURN(auto window, m.OptInt("windowStart"));
  state.chain_active = chain.value_or(false);
  state.chain_first = static_cast<uint64_t>(chain_first.value_or(0));
  state.window_start_ms = window.value_or(0);
  OT_ASSIGN_OR_RETURN(auto chains, m.OptList("chains"));
  for (const api::JsonValue& v : chains.value_or(std::vector<api::JsonValue>{})) {
    api::Members c(v, "chain");
    OT_ASSIGN_OR_RETURN(std::string region, c.ReqString("region"));
    OT_ASSIGN_OR_RETURN(auto bucket, c.OptString("bucket"));
    std::optional<PreviousDigest> previous;
    if (bucket) {
      previous.emplace();
      previous->bucket = std::move(*bucket);
      OT_ASSIGN_OR_RETURN(previous->key, c.ReqString("key"));
      OT_ASSIGN_OR_RETURN(previous->sha256_hex, c.ReqString("hash"));
      OT_ASSIGN_OR_RETURN(previous->signature_hex, c.ReqString("signature"));
    }
    state.chains[region] = std::move(previous);
  }
  OT_ASSIGN_OR_RETURN(auto undigested, m.OptList("undigested"));
  for (const api::JsonValue& v : undigested.value_or(std::vector<api::JsonValue>{})) {
    api::Members f(v, "undigested");
    UndigestedFile u;
    OT_ASSIGN_OR_RETURN(u.region, f.ReqString("region"));
    OT_ASSIGN_OR_RETURN(u.file.bucket, f.ReqString("bucket"));
    OT_ASSIGN_OR_RETURN(u.file.key, f.ReqString("key"));
    OT_ASSIGN_OR_RETURN(u.file.sha256_hex, f.ReqString("hash"));
    OT_ASSIGN_OR_RETURN(u.file.oldest_event_time, f.ReqString("oldest"));
    OT_ASSIGN_OR_RETURN(u.file.newest_event_time, f.ReqString("newest"));
    OT_ASSIGN_OR_RETURN(auto at, f.OptInt("delivered"));
    u.delivered_ms = at.value_or(0);
    state.undigested.push_back(std::move(u));
  }
  return state;
}

Status Delivery::Save(std::string_view arn, const State& state) {
  JsonWriter w;
  w.BeginObject().Key("cursor").Uint(state.cursor);
  if (state.intent_to != 0) {
    w.Key("intentTo").Uint(state.intent_to).Key("intentTime").Int(state.intent_time_ms);
    w.Key("intentFiles").BeginArray();
    for (const PendingFile& f : state.intent_files) {
      w.BeginObject().Key("group").String(f.group).Key("key").String(f.key).EndObject();
    }
    w.EndArray();
  }
  if (state.chain_active) {
    w.Key("chainActive").Bool(true).Key("chainFirst").Uint(state.chain_first);
    w.Key("windowStart").Int(state.window_start_ms);
    w.Key("chains").BeginArray();
    for (const auto& [region, previous] : state.chains) {
      w.BeginObject().Key("region").String(region);
      if (previous) {
        w.Key("bucket").String(previous->bucket).Key("key").String(previous->key);
        w.Key("hash").String(previous->sha256_hex);
        w.Key("signature").String(previous->signature_hex);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  if (!state.undigested.empty()) {
    w.Key("undigested").BeginArray();
    for (const UndigestedFile& u : state.undigested) {
      w.BeginObject().Key("region").String(u.region);
      w.Key("bucket").String(u.file.bucket).Key("key").String(u.file.key);
      w.Key("hash").String(u.file.sha256_hex);
      w.Key("oldest").String(u.file.oldest_event_time);
      w.Key("newest").String(u.file.newest_event_time);
      w.Key("delivered").Int(u.delivered_ms).EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return db_.PutDocument(kKind, arn, w.str());
}

Result<std::vector<Delivery::Interval>> Delivery::LoadIntervals(std::string_view arn) {
  std::vector<Interval> out;
  OT_ASSIGN_OR_RETURN(auto doc, db_.GetDocument(kIntervalsKind, arn));
  if (!doc) return out;
  OT_ASSIGN_OR_RETURN(auto parsed, api::JsonDocument::Parse(*doc));
  api::Members m(parsed->root(), "logging");
  OT_ASSIGN_OR_RETURN(auto list, m.OptList("intervals"));
  for (const api::JsonValue& v : list.value_or(std::vector<api::JsonValue>{})) {
    api::Members i(v, "interval");
    OT_ASSIGN_OR_RETURN(auto first, i.OptInt("first"));
    OT_ASSIGN_OR_RETURN(auto last, i.OptInt("last"));
    out.push_back(
        {static_cast<uint64_t>(first.value_or(0)), static_cast<uint64_t>(last.value_or(0))});
  }
  return out;
}

namespace {

// {"intervals":[…]}, and for a deleted trail its last configuration: {"intervals":[…],"trail":"…"}.
std::string EncodeIntervals(const std::vector<Delivery::Interval>& intervals,
                            std::string_view trail_json = {}) {
  JsonWriter w;
  w.BeginObject().Key("intervals").BeginArray();
  for (const Delivery::Interval& i : intervals) {
    w.BeginObject().Key("first").Uint(i.first).Key("last").Uint(i.last).EndObject();
  }
  w.EndArray();
  if (!trail_json.empty()) w.Key("trail").String(trail_json);
  w.EndObject();
  return w.Take();
}

}  // namespace

Status Delivery::LoggingStarted(std::string_view arn, uint64_t first) {
  std::lock_guard lock(intervals_mu_);
  OT_ASSIGN_OR_RETURN(auto intervals, LoadIntervals(arn));
  if (!intervals.empty() && intervals.back().last == 0) return Status::Ok();
  intervals.push_back({first, 0});
  return db_.PutDocument(kIntervalsKind, arn, EncodeIntervals(intervals));
}

Status Delivery::LoggingStopped(std::string_view arn, uint64_t last) {
  std::lock_guard lock(intervals_mu_);
  OT_ASSIGN_OR_RETURN(auto intervals, LoadIntervals(arn));
  if (intervals.empty() || intervals.back().last != 0) return Status::Ok();
  intervals.back().last = last;
  return db_.PutDocument(kIntervalsKind, arn, EncodeIntervals(intervals));
}

Status Delivery::TrailDeleted(const Trail& trail, uint64_t sequence) {
  std::lock_guard lock(intervals_mu_);
  OT_ASSIGN_OR_RETURN(auto intervals, LoadIntervals(trail.arn));
  if (intervals.empty()) return Status::Ok();  // never logged: nothing owed
  if (intervals.back().last == 0) {
    if (intervals.back().first >= sequence) {
      intervals.pop_back();
    } else {
      intervals.back().last = sequence - 1;
    }
  }
  if (!intervals.empty()) {
    std::string id = trail.arn + std::string(kTombstoneMark) + std::to_string(sequence);
    OT_RETURN_IF_ERROR(
        db_.PutDocument(kIntervalsKind, id, EncodeIntervals(intervals, EncodeTrail(trail))));
  }
  // A trail created again under the same name starts afresh.
  return db_.DeleteDocument(kIntervalsKind, trail.arn);
}

Result<std::vector<Delivery::Interval>> Delivery::LoggingIntervals(std::string_view arn) {
  std::lock_guard lock(intervals_mu_);
  return LoadIntervals(arn);
}

DeliveryStats Delivery::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

// A log file being assembled: views into the round's journal events.
struct Delivery::File {
  std::string group, account, region;
  std::vector<std::string_view> records;
  size_t count = 0;
  size_t bytes = 0;
  std::string key;
  std::string body;                                                // gzip
  SysMillis oldest = SysMillis::max(), newest = SysMillis::min();  // eventTime range
  std::string sha256_hex;  // of the inflated body, when the trail validates
};

// One trail's share of a pass.
struct Delivery::Job {
  LoggingTrail t;
  std::string id;  // its documents' id: the ARN, or the tombstone id of a deleted trail
  bool tombstone = false;
  std::vector<Interval> intervals;
  State state;
  uint64_t upto = 0;  // this pass delivers through this sequence
  bool failed = false;
  // The current round.
  uint64_t round_to = 0;
  std::vector<File> files;
  std::map<std::string, size_t, std::less<>> open;  // "<account>/<region>" → its last file
};

void Delivery::Fail(Job& job, const Status& status) {
  job.failed = true;
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.failures;
  }
  Log(LogLevel::kWarn, "delivery to " + job.t.trail.s3_bucket_name + " failed for " +
                           job.t.trail.arn + ": " + status.message());
  if (job.tombstone) return;
  std::string error = DeliveryError(status);
  trails_.UpdateStatus(job.t.trail.arn, [&](TrailStatus& s) { s.latest_delivery_error = error; })
      .IgnoreError();
}

Result<size_t> Delivery::RunOnce(bool force) {
  std::lock_guard lock(mu_);
  const SysMillis now = env_.clock.Now();
  std::vector<Job> jobs;
  size_t files = 0;
  OT_RETURN_IF_ERROR(PrepareTombstones(force, now, jobs, files));
  for (LoggingTrail& t : trails_.AllTrails()) {
    std::string id = t.trail.arn;
    OT_RETURN_IF_ERROR(PrepareJob(std::move(t), std::move(id), force, now, jobs, files));
  }
  while (true) {
    std::vector<Job*> active;
    uint64_t lo = UINT64_MAX;
    for (Job& j : jobs) {
      if (j.failed || j.state.cursor >= j.upto) continue;
      active.push_back(&j);
      lo = std::min(lo, j.state.cursor);
    }
    if (active.empty()) break;
    files += Round(std::move(active), lo + options_.read_batch_events, now);
  }
  // Digests after the files they name; a trail whose batch failed waits for the retry.
  if (options_.signing_keys != nullptr) {
    std::set<std::string, std::less<>> failed;
    for (const Job& j : jobs) {
      if (j.failed) failed.insert(j.id);
    }
    for (const LoggingTrail& t : trails_.AllTrails()) {
      if (failed.count(t.trail.arn) != 0) continue;
      Status s = AdvanceChain(t.trail, t.trail.arn, /*gone=*/false, now);
      if (!s.ok()) Log(LogLevel::kWarn, "digest of " + t.trail.arn + " failed: " + s.ToString());
    }
  }
  for (Job& j : jobs) {
    if (j.failed) continue;
    if (j.tombstone) {
      // All owed is delivered: forget the deleted trail.
      if (j.state.cursor >= j.upto) OT_RETURN_IF_ERROR(Forget(j.t.trail, j.id, now));
      continue;
    }
    last_delivery_[j.id] = now;
  }
  return files;
}

Status Delivery::Forget(const Trail& trail, const std::string& id, SysMillis now) {
  if (options_.signing_keys != nullptr) {
    Status s = AdvanceChain(trail, id, /*gone=*/true, now);
    if (!s.ok()) {
      Log(LogLevel::kWarn, "final digest of " + trail.arn + " failed: " + s.ToString());
      return Status::Ok();  // retried by the next pass
    }
    OT_ASSIGN_OR_RETURN(State state, Load(id));
    if (state.chain_active) return Status::Ok();
  }
  OT_RETURN_IF_ERROR(db_.DeleteDocument(kKind, id));
  std::lock_guard intervals_lock(intervals_mu_);
  return db_.DeleteDocument(kIntervalsKind, id);
}

Status Delivery::AdvanceChain(const Trail& t, const std::string& id, bool gone, SysMillis now) {
  std::vector<Interval> intervals;
  {
    std::lock_guard lock(intervals_mu_);
    OT_ASSIGN_OR_RETURN(intervals, LoadIntervals(id));
  }
  OT_ASSIGN_OR_RETURN(State state, Load(id));
  if (state.intent_to != 0) return Status::Ok();  // its files exist only once it is redone
  // Digest times are whole seconds: the key and the signed string carry seconds.
  const SysMillis now_s = std::chrono::floor<std::chrono::seconds>(now);
  const bool open = !intervals.empty() && intervals.back().last == 0;
  const bool validating = !gone && t.log_file_validation_enabled && t.status.is_logging && open;
  auto start_chain = [&](SysMillis start) {
    state.chain_active = true;
    state.chain_first = intervals.back().first;
    state.window_start_ms = start.time_since_epoch().count();
    state.chains.clear();
    state.chains[t.home_region] = std::nullopt;
  };
  if (!state.chain_active) {
    if (validating) {
      start_chain(now_s);
      return Save(id, state);
    }
    if (state.undigested.empty()) return Status::Ok();
    state.undigested.clear();  // delivered while no chain ran: never digested
    return Save(id, state);
  }
  const SysMillis start{std::chrono::milliseconds(state.window_start_ms)};
  // Ends now: logging stopped (or the trail was deleted) and all it logged is delivered;
  // validation was turned off; or logging stopped and started again between two passes.
  const bool drained = intervals.empty() || (!open && state.cursor >= intervals.back().last);
  const bool restarted = validating && intervals.back().first != state.chain_first;
  if (restarted || (!gone && !t.log_file_validation_enabled) || (!validating && drained)) {
    const SysMillis end = std::max(now_s, start + std::chrono::seconds(1));
    OT_RETURN_IF_ERROR(WriteDigests(t, id, state, end, /*final_digest=*/true));
    if (!restarted) return Status::Ok();
    start_chain(end);
    return Save(id, state);
  }
  // Windows are whole seconds (digest times carry seconds), at least one.
  const auto interval = std::chrono::ceil<std::chrono::seconds>(
      std::max<std::chrono::milliseconds>(options_.digest_interval, std::chrono::seconds(1)));
  // One digest per window, as CloudTrail's hourly digests: after a pause (server down) every
  // missed window gets its own digest — empty unless files were delivered in it — so that a
  // validator asking for any period inside the pause finds the digests proving that nothing was
  // delivered (the AWS CLI only lists digests whose end lies in [start, end + 1 h]). A long
  // pause is caught up over several passes, so delivery is never held up for long.
  constexpr int kMaxWindowsPerPass = 100;
  SysMillis window_start = start;
  for (int i = 0; i < kMaxWindowsPerPass && now_s - window_start >= interval; ++i) {
    OT_RETURN_IF_ERROR(WriteDigests(t, id, state, window_start + interval, /*final_digest=*/false));
    window_start += interval;
  }
  return Status::Ok();
}

Status Delivery::WriteDigests(const Trail& t, const std::string& id, State& state, SysMillis end,
                              bool final_digest) {
  const int64_t end_ms = end.time_since_epoch().count();
  auto in_window = [&](const UndigestedFile& u) {
    return final_digest || u.delivered_ms <= end_ms;
  };
  std::set<std::string, std::less<>> regions;
  for (const auto& [region, previous] : state.chains) regions.insert(region);
  for (const UndigestedFile& u : state.undigested) {
    if (in_window(u)) regions.insert(u.region);
  }
  const SysMillis signed_at = env_.clock.Now();
  std::map<std::string, PreviousDigest, std::less<>> written;
  Status s = Status::Ok();
  for (const std::string& region : regions) {
    DigestContent c;
    c.account_id = t.account_id;
    c.start_time = SysMillis(std::chrono::milliseconds(state.window_start_ms));
    c.end_time = end;
    c.bucket = t.s3_bucket_name;
    c.key = DigestKey(
        {t.s3_key_prefix.value_or(""), "", t.account_id, region, t.name, t.home_region, end});
    auto previous = state.chains.find(region);
    if (previous != state.chains.end()) c.previous = previous->second;
    for (const UndigestedFile& u : state.undigested) {
      if (u.region == region && in_window(u)) c.log_files.push_back(u.file);
    }
    auto key = options_.signing_keys->Active(region, signed_at);
    if (!key.ok()) {
      s = key.status();
      break;
    }
    c.fingerprint = key->fingerprint;
    auto digest = SignDigest(c, key->private_der);
    if (!digest.ok()) {
      s = digest.status();
      break;
    }
    // Both metadata headers go with the object in one PutObject (digest.md §4 rule 7).
    s = put_(c.bucket, c.key, digest->body, digest->metadata,
             {t.kms_key_id ? std::string_view(*t.kms_key_id) : std::string_view(), t.arn});
    if (!s.ok()) break;
    written[region] = {c.bucket, c.key, digest->sha256_hex, digest->signature_hex};
  }
  if (!s.ok()) {
    // Nothing is saved: the next pass writes the same digests again, over the same keys.
    if (id == t.arn) {
      std::string error = DeliveryError(s);
      trails_.UpdateStatus(t.arn, [&](TrailStatus& st) { st.latest_digest_delivery_error = error; })
          .IgnoreError();
    }
    return s;
  }
  std::erase_if(state.undigested, in_window);
  if (final_digest) {
    state.chain_active = false;
    state.chain_first = 0;
    state.window_start_ms = 0;
    state.chains.clear();
  } else {
    for (auto& [region, previous] : written) state.chains[region] = std::move(previous);
    state.window_start_ms = end_ms;
  }
  OT_RETURN_IF_ERROR(Save(id, state));
  if (id == t.arn) {
    trails_
        .UpdateStatus(t.arn,
                      [&](TrailStatus& st) {
                        st.latest_digest_delivery_time = signed_at;
                        st.latest_digest_delivery_error.clear();
                      })
        .IgnoreError();
  }
  return Status::Ok();
}

Status Delivery::PrepareTombstones(bool force, SysMillis now, std::vector<Job>& jobs,
                                   size_t& files) {
  std::vector<std::pair<std::string, std::string>> docs;
  {
    std::lock_guard lock(intervals_mu_);
    OT_ASSIGN_OR_RETURN(docs, db_.ListDocuments(kIntervalsKind));
  }
  for (const auto& [id, json] : docs) {
    size_t mark = id.find(kTombstoneMark);
    if (mark == std::string::npos) continue;
    OT_ASSIGN_OR_RETURN(auto parsed, api::JsonDocument::Parse(json));
    api::Members m(parsed->root(), "logging");
    OT_ASSIGN_OR_RETURN(std::string trail_json, m.ReqString("trail"));
    OT_ASSIGN_OR_RETURN(Trail trail, DecodeTrail(trail_json));
    // The trail's cursor moves to the tombstone the first time a pass sees it.
    std::string_view arn = std::string_view(id).substr(0, mark);
    OT_ASSIGN_OR_RETURN(auto own, db_.GetDocument(kKind, id));
    if (!own) {
      OT_ASSIGN_OR_RETURN(auto live, db_.GetDocument(kKind, arn));
      if (live) {
        OT_RETURN_IF_ERROR(db_.PutDocument(kKind, id, *live));
        OT_RETURN_IF_ERROR(db_.DeleteDocument(kKind, arn));
      }
    }
    auto selectors = std::make_shared<const TrailSelectors>(trail.selectors);
    const Trail config = trail;
    OT_RETURN_IF_ERROR(PrepareJob(LoggingTrail{std::move(trail), std::move(selectors)}, id, force,
                                  now, jobs, files));
    if (jobs.empty() || jobs.back().id != id) {  // nothing left to deliver: done with it
      OT_ASSIGN_OR_RETURN(State state, Load(id));
      if (state.intent_to == 0) OT_RETURN_IF_ERROR(Forget(config, id, now));
    }
  }
  return Status::Ok();
}

Status Delivery::PrepareJob(LoggingTrail trail, std::string id, bool force, SysMillis now,
                            std::vector<Job>& jobs, size_t& files) {
  Job job;
  job.t = std::move(trail);
  job.tombstone = id != job.t.trail.arn;
  job.id = std::move(id);
  {
    std::lock_guard lock(intervals_mu_);
    OT_ASSIGN_OR_RETURN(job.intervals, LoadIntervals(job.id));
  }
  if (job.intervals.empty()) return Status::Ok();
  OT_ASSIGN_OR_RETURN(job.state, Load(job.id));
  if (job.state.cursor == 0) job.state.cursor = job.intervals.front().first - 1;
  if (job.state.intent_to != 0) {  // a batch a crash interrupted: redo it with the same names
    job.upto = job.state.intent_to;
    files += Round({&job}, job.state.intent_to,
                   SysMillis(std::chrono::milliseconds(job.state.intent_time_ms)));
    if (job.failed) return Status::Ok();
  }
  // A deleted trail is always due: nothing else will ever deliver what it owes.
  auto last = last_delivery_.find(job.id);
  if (!force && !job.tombstone && last != last_delivery_.end() &&
      now - last->second < options_.interval) {
    return Status::Ok();
  }
  // Up to the newest committed event, or to the end of the last logging interval. An interval
  // still open on a trail that no longer logs waits for its StopLogging record's sequence.
  uint64_t upto = store_.LastSequence();
  const Interval& back = job.intervals.back();
  if (back.last != 0) upto = std::min(upto, back.last);
  if (back.last == 0 && !job.t.trail.status.is_logging) return Status::Ok();
  if (job.state.cursor >= upto) return Status::Ok();
  job.upto = upto;
  jobs.push_back(std::move(job));
  return Status::Ok();
}

namespace {

// Runs fn(0) … fn(n-1) on up to `threads` threads (the caller's included).
void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads && t < n; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& h : helpers) h.join();
}

}  // namespace

size_t Delivery::Round(std::vector<Job*> jobs, uint64_t to, SysMillis delivery_time) {
  uint64_t lo = UINT64_MAX, hi = 0;
  for (Job* j : jobs) {
    j->round_to = std::min(j->upto, to);
    j->files.clear();
    j->open.clear();
    lo = std::min(lo, j->state.cursor);
    hi = std::max(hi, j->round_to);
  }

  // Read (lo, hi] once; each record is scanned at most once, and only if some trail wants it.
  if (!reader_) reader_ = store_.NewTailReader();
  std::vector<std::vector<store::EventStore::TailEvent>> chunks;  // keeps the records alive
  events::RecordScanner scanner;
  std::vector<Job*> wanting;
  uint64_t at = lo;
  while (at < hi) {
    auto chunk = reader_->ReadAfter(at, std::min<uint64_t>(hi - at, 5000), size_t{64} << 20);
    if (!chunk.ok()) {
      for (Job* j : jobs) Fail(*j, chunk.status());
      return 0;
    }
    if (chunk->empty()) break;
    chunks.push_back(std::move(*chunk));
    for (const store::EventStore::TailEvent& e : chunks.back()) {
      if (e.sequence > hi) break;
      at = e.sequence;
      wanting.clear();
      for (Job* j : jobs) {
        if (e.sequence > j->state.cursor && e.sequence <= j->round_to &&
            InIntervals(j->intervals, e.sequence)) {
          wanting.push_back(j);
        }
      }
      if (wanting.empty()) continue;
      auto fields = scanner.Scan(e.json);
      if (!fields.ok()) continue;  // stored records always parse; skip rather than stall
      const events::RecordFields& f = **fields;
      const EventView view = ViewOf(f);
      for (Job* j : wanting) {
        const Trail& trail = j->t.trail;
        if (!CoversRegion(trail, f.aws_region, f.event_source)) continue;
        if (!j->t.selectors->Selects(view)) continue;
        std::string_view account = f.recipient_account_id.empty()
                                       ? std::string_view(trail.account_id)
                                       : f.recipient_account_id;
        std::string base = std::string(account) + "/" + std::string(f.aws_region);
        auto it = j->open.find(base);
        if (it == j->open.end() ||
            j->files[it->second].records.size() >= options_.max_events_per_file ||
            j->files[it->second].bytes + e.json.size() > options_.max_bytes_per_file) {
          size_t part = it == j->open.end()
                            ? 0
                            : std::stoul(j->files[it->second].group.substr(base.size() + 1)) + 1;
          File file;
          file.group = base + "/" + std::to_string(part);
          file.account = std::string(account);
          file.region = std::string(f.aws_region);
          j->files.push_back(std::move(file));
          it = j->open.insert_or_assign(base, j->files.size() - 1).first;
        }
        File& file = j->files[it->second];
        file.bytes += e.json.size();
        file.count += 1;
        file.records.push_back(e.json);
        file.oldest = std::min(file.oldest, e.attrs.event_time);
        file.newest = std::max(file.newest, e.attrs.event_time);
      }
    }
    if (at >= hi) break;
  }

  // The intents: each trail's files of this batch, named before any is written.
  for (Job* j : jobs) {
    State& state = j->state;
    if (state.intent_to != j->round_to) {
      state.intent_to = j->round_to;
      state.intent_time_ms = delivery_time.time_since_epoch().count();
      state.intent_files.clear();
    }
    const SysMillis named_time{std::chrono::milliseconds(state.intent_time_ms)};
    for (File& f : j->files) {
      for (const PendingFile& p : state.intent_files) {
        if (p.group == f.group) f.key = p.key;
      }
      if (!f.key.empty()) continue;
      LogFileName name{j->t.trail.s3_key_prefix.value_or(""),
                       "",
                       f.account,
                       f.region,
                       named_time,
                       DeterministicUnique(j->t.trail.arn, state.cursor, f.group)};
      f.key = LogFileKey(name);
      state.intent_files.push_back({f.group, f.key});
    }
    if (!j->files.empty()) {
      Status s = Save(j->id, state);
      if (!s.ok()) Fail(*j, s);
    }
  }

  // Compress every file of every trail, in parallel.
  std::vector<File*> all;
  std::vector<bool> hash;  // per file: its trail validates, so its digest needs the hash
  const bool digests = options_.signing_keys != nullptr;
  for (Job* j : jobs) {
    if (j->failed) continue;
    for (File& f : j->files) {
      all.push_back(&f);
      hash.push_back(digests && j->t.trail.log_file_validation_enabled);
    }
  }
  unsigned threads = options_.gzip_threads != 0 ? options_.gzip_threads
                                                : std::max(1u, std::thread::hardware_concurrency());
  const int level = options_.gzip_level;
  ParallelFor(all.size(), threads, [&](size_t i) {
    all[i]->body = BuildLogFile(all[i]->records, level, hash[i] ? &all[i]->sha256_hex : nullptr);
    all[i]->records = {};
  });

  // Write, then move each trail's cursor.
  size_t written = 0;
  DeliveryStats delta;
  for (Job* j : jobs) {
    if (j->failed) continue;
    Status s = Status::Ok();
    for (File& f : j->files) {
      const Trail& trail = j->t.trail;
      s = put_(
          trail.s3_bucket_name, f.key, f.body, {},
          {trail.kms_key_id ? std::string_view(*trail.kms_key_id) : std::string_view(), trail.arn});
      if (!s.ok()) break;
    }
    if (!s.ok()) {
      Fail(*j, s);
      continue;
    }
    // The files exist: notify before the cursor moves, so a crash in between notifies again
    // after the redo (at least once) rather than never.
    if (!j->files.empty() && options_.on_delivered) {
      std::vector<std::string> keys;
      for (const File& f : j->files) keys.push_back(f.key);
      options_.on_delivered(j->t.trail, keys);
    }
    State& state = j->state;
    const SysMillis batch_time{std::chrono::milliseconds(state.intent_time_ms)};
    // Recorded in the Save that moves the cursor: a digest names exactly the delivered files.
    for (const File& f : j->files) {
      if (f.sha256_hex.empty()) continue;
      state.undigested.push_back({f.region,
                                  {j->t.trail.s3_bucket_name, f.key, f.sha256_hex,
                                   FormatIso8601(f.oldest), FormatIso8601(f.newest)},
                                  state.intent_time_ms});
    }
    state.cursor = j->round_to;
    state.intent_to = 0;
    state.intent_time_ms = 0;
    state.intent_files.clear();
    s = Save(j->id, state);
    if (!s.ok()) {
      Fail(*j, s);
      continue;
    }
    written += j->files.size();
    for (const File& f : j->files) {
      delta.files += 1;
      delta.events += f.count;
      delta.bytes_out += f.body.size();
    }

    if (!j->files.empty() && !j->tombstone) {
      trails_
          .UpdateStatus(j->t.trail.arn,
                        [&](TrailStatus& st) {
                          st.latest_delivery_time = batch_time;
                          st.latest_delivery_error.clear();
                        })
          .IgnoreError();
    }
    j->files.clear();
  }
  {
    std::lock_guard lock(stats_mu_);
    stats_.files += delta.files;
    stats_.events += delta.events;
    stats_.bytes_out += delta.bytes_out;
  }
  return written;
}

}  // namespace ot::trail
