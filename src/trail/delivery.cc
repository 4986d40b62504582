#include "trail/delivery.h"

#include <charconv>

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "crypto/hash.h"
#include "events/record.h"
#include "trail/log_file.h"

namespace ot::trail {
namespace {

constexpr std::string_view kKind = "delivery";
constexpr std::string_view kIntervalsKind = "logging";

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
  return Status(Error::kValidation,
                "duration '" + std::string(text) + "' needs a unit: ms, s, m or h");
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
  while (true) {
    {
      std::unique_lock lock(stop_mu_);
      if (stop_cv_.wait_for(lock, tick, [&] { return stopping_; })) break;
    }
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

std::string EncodeIntervals(const std::vector<Delivery::Interval>& intervals) {
  JsonWriter w;
  w.BeginObject().Key("intervals").BeginArray();
  for (const Delivery::Interval& i : intervals) {
    w.BeginObject().Key("first").Uint(i.first).Key("last").Uint(i.last).EndObject();
  }
  w.EndArray().EndObject();
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

Result<size_t> Delivery::RunOnce(bool force) {
  std::lock_guard lock(mu_);
  size_t files = 0;
  for (const LoggingTrail& t : trails_.AllTrails()) {
    auto r = DeliverTrail(t, force);
    if (!r.ok()) {
      Log(LogLevel::kWarn, "delivery to " + t.trail.s3_bucket_name + " failed for " + t.trail.arn +
                               ": " + r.status().message());
      std::string error = DeliveryError(r.status());
      trails_.UpdateStatus(t.trail.arn, [&](TrailStatus& s) { s.latest_delivery_error = error; })
          .IgnoreError();
      continue;
    }
    files += *r;
  }
  return files;
}

Result<size_t> Delivery::DeliverTrail(const LoggingTrail& t, bool force) {
  std::vector<Interval> intervals;
  {
    std::lock_guard lock(intervals_mu_);
    OT_ASSIGN_OR_RETURN(intervals, LoadIntervals(t.trail.arn));
  }
  if (intervals.empty()) return size_t{0};
  OT_ASSIGN_OR_RETURN(State state, Load(t.trail.arn));
  if (state.cursor == 0) state.cursor = intervals.front().first - 1;
  size_t files = 0;
  if (state.intent_to != 0) {  // a batch a crash interrupted: redo it with the same names
    OT_ASSIGN_OR_RETURN(files,
                        WriteBatch(t.trail, *t.selectors, intervals, state, state.intent_to,
                                   SysMillis(std::chrono::milliseconds(state.intent_time_ms))));
  }
  const SysMillis now = env_.clock.Now();
  auto last = last_delivery_.find(t.trail.arn);
  if (!force && last != last_delivery_.end() && now - last->second < options_.interval) {
    return files;
  }
  // Up to the newest committed event, or to the end of the last logging interval. An interval
  // still open on a trail that no longer logs waits for its StopLogging record's sequence.
  uint64_t upto = store_.LastSequence();
  const Interval& back = intervals.back();
  if (back.last != 0) upto = std::min(upto, back.last);
  if (back.last == 0 && !t.trail.status.is_logging) return files;
  while (state.cursor < upto) {
    uint64_t to = std::min<uint64_t>(upto, state.cursor + options_.read_batch_events);
    OT_ASSIGN_OR_RETURN(size_t n, WriteBatch(t.trail, *t.selectors, intervals, state, to, now));
    files += n;
  }
  last_delivery_[t.trail.arn] = now;
  return files;
}

Result<size_t> Delivery::WriteBatch(const Trail& trail, const TrailSelectors& selectors,
                                    const std::vector<Interval>& intervals, State& state,
                                    uint64_t to, SysMillis delivery_time) {
  const uint64_t from = state.cursor;
  // Select the batch's events, grouped by (account, region), split by file size.
  struct File {
    std::string group, account, region;
    std::vector<std::string> records;
    size_t bytes = 0;
  };
  std::vector<File> out;
  std::map<std::string, size_t> open;  // "<account>/<region>" → index in out of its last file
  auto& reader = readers_[trail.arn];
  if (!reader) reader = store_.NewTailReader();
  uint64_t at = from;
  while (at < to) {
    OT_ASSIGN_OR_RETURN(auto batch,
                        reader->ReadAfter(at, std::min<uint64_t>(to - at, 5000), size_t{64} << 20));
    if (batch.empty()) break;
    for (store::EventStore::TailEvent& e : batch) {
      if (e.sequence > to) break;
      at = e.sequence;
      if (!InIntervals(intervals, e.sequence)) continue;
      auto record = events::ParseRecord(e.json);
      if (!record.ok()) continue;  // stored records always parse; skip rather than stall
      if (!CoversRegion(trail, record->aws_region, record->event_source.value_or(""))) continue;
      if (!selectors.Selects(ViewOf(*record))) continue;
      std::string account = record->recipient_account_id.value_or(trail.account_id);
      std::string base = account + "/" + record->aws_region;
      auto it = open.find(base);
      if (it == open.end() || out[it->second].records.size() >= options_.max_events_per_file ||
          out[it->second].bytes + e.json.size() > options_.max_bytes_per_file) {
        size_t part =
            it == open.end() ? 0 : std::stoul(out[it->second].group.substr(base.size() + 1)) + 1;
        out.push_back({base + "/" + std::to_string(part), account, record->aws_region, {}, 0});
        open[base] = out.size() - 1;
        it = open.find(base);
      }
      File& f = out[it->second];
      f.bytes += e.json.size();
      f.records.push_back(std::move(e.json));
    }
    if (at >= to) break;
  }

  // The intent: the files this batch writes, named before any is written.
  if (state.intent_to != to) {
    state.intent_to = to;
    state.intent_time_ms = delivery_time.time_since_epoch().count();
    state.intent_files.clear();
  }
  for (File& f : out) {
    bool named = false;
    for (const PendingFile& p : state.intent_files) named |= p.group == f.group;
    if (named) continue;
    LogFileName name{trail.s3_key_prefix.value_or(""),
                     "",
                     f.account,
                     f.region,
                     delivery_time,
                     DeterministicUnique(trail.arn, from, f.group)};
    state.intent_files.push_back({f.group, LogFileKey(name)});
  }
  if (!out.empty()) OT_RETURN_IF_ERROR(Save(trail.arn, state));

  for (File& f : out) {
    std::string key;
    for (const PendingFile& p : state.intent_files) {
      if (p.group == f.group) key = p.key;
    }
    std::vector<std::string_view> views(f.records.begin(), f.records.end());
    std::string body = BuildLogFile(views, options_.gzip_level);
    OT_RETURN_IF_ERROR(put_(trail.s3_bucket_name, key, body));
  }
  state.cursor = to;
  state.intent_to = 0;
  state.intent_time_ms = 0;
  state.intent_files.clear();
  OT_RETURN_IF_ERROR(Save(trail.arn, state));
  if (!out.empty()) {
    trails_
        .UpdateStatus(trail.arn,
                      [&](TrailStatus& s) {
                        s.latest_delivery_time = delivery_time;
                        s.latest_delivery_error.clear();
                      })
        .IgnoreError();
  }
  return out.size();
}

}  // namespace ot::trail
