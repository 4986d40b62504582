#include "trail/logs_delivery.h"

#include <map>

#include "api/protocol/json_value.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "events/record_fields.h"

namespace ot::trail {
namespace {

constexpr std::string_view kKind = "logs-delivery";
constexpr std::string_view kCursorId = "cursor";

bool InIntervals(const std::vector<Delivery::Interval>& intervals, uint64_t seq) {
  for (const Delivery::Interval& i : intervals) {
    if (seq >= i.first && (i.last == 0 || seq <= i.last)) return true;
  }
  return false;
}

struct Target {
  LoggingTrail trail;
  std::vector<Delivery::Interval> intervals;
  std::map<std::string, std::vector<LogsRecord>> streams;  // stream → records, journal order
};

}  // namespace

LogsDelivery::LogsDelivery(store::EventStore& store, store::MetadataDb& db, TrailRegistry& trails,
                           Delivery& delivery, DeliverFn deliver, Env& env,
                           LogsDeliveryOptions options)
    : store_(store),
      db_(db),
      trails_(trails),
      delivery_(delivery),
      deliver_(std::move(deliver)),
      env_(env),
      options_(options) {}

LogsDelivery::~LogsDelivery() { Stop(); }

void LogsDelivery::Start() {
  worker_ = std::thread([this] { Loop(); });
}

void LogsDelivery::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::lock_guard lock(mu_);
  if (loaded_ && cursor_ != persisted_) {
    Status s = Persist();
    if (!s.ok()) Log(LogLevel::kWarn, "CloudWatch Logs delivery cursor not saved: " + s.ToString());
  }
}

Status LogsDelivery::Persist() {
  JsonWriter w;
  w.BeginObject().Key("cursor").Uint(cursor_).EndObject();
  OT_RETURN_IF_ERROR(db_.PutDocument(kKind, kCursorId, w.str()));
  persisted_ = cursor_;
  persisted_at_ = env_.clock.Mono();
  return Status::Ok();
}

Status LogsDelivery::Advance(uint64_t to, bool delivered) {
  cursor_ = to;
  if (cursor_ == persisted_) return Status::Ok();
  if (delivered || env_.clock.Mono() - persisted_at_ >= std::chrono::seconds(1)) {
    return Persist();
  }
  return Status::Ok();
}

void LogsDelivery::Loop() {
  while (true) {
    uint64_t before = 0;
    {
      std::lock_guard lock(stop_mu_);
      if (stopping_) return;
    }
    {
      std::lock_guard lock(mu_);
      before = cursor_;
    }
    // Returns at once while a backlog remains after the cursor.
    store_.WaitForEventsAfter(before, options_.poll);
    Result<size_t> r = RunOnce();
    if (r.ok()) {
      uint64_t after = 0;
      {
        std::lock_guard lock(mu_);
        after = cursor_;
      }
      if (after != before || store_.LastSequence() <= after) continue;
      // No progress although events are pending (a trail's interval not recorded yet): pause.
      std::unique_lock stop(stop_mu_);
      stop_cv_.wait_for(stop, options_.poll, [this] { return stopping_; });
    } else {
      Log(LogLevel::kError, "CloudWatch Logs delivery failed (retrying): " + r.status().ToString());
      std::unique_lock lock(stop_mu_);
      stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    }
  }
}

Result<size_t> LogsDelivery::RunOnce() {
  std::lock_guard lock(mu_);
  if (!loaded_) {
    OT_ASSIGN_OR_RETURN(auto doc, db_.GetDocument(kKind, kCursorId));
    if (doc) {
      OT_ASSIGN_OR_RETURN(auto parsed, api::JsonDocument::Parse(*doc));
      api::Members m(parsed->root(), "cursor");
      OT_ASSIGN_OR_RETURN(auto c, m.OptInt("cursor"));
      cursor_ = persisted_ = static_cast<uint64_t>(c.value_or(0));
    }
    loaded_ = true;
  }
  const uint64_t cursor = cursor_;
  const uint64_t last = store_.LastSequence();
  if (last <= cursor) return size_t{0};

  // The trails that send to a log group, with their logging intervals.
  std::vector<Target> targets;
  for (LoggingTrail& t : trails_.AllTrails()) {
    if (!t.trail.cloud_watch_logs_log_group_arn) continue;
    OT_ASSIGN_OR_RETURN(auto intervals, delivery_.LoggingIntervals(t.trail.arn));
    // StartLogging marks the trail logging before its record is committed, and its interval is
    // written just after the commit: until then, wait rather than move past that record.
    if (t.trail.status.is_logging && (intervals.empty() || intervals.back().last != 0)) {
      return size_t{0};
    }
    if (intervals.empty()) continue;
    targets.push_back(Target{std::move(t), std::move(intervals), {}});
  }
  if (targets.empty()) {
    // Nothing to deliver: the cursor moves on, so a trail wired later starts from now.
    OT_RETURN_IF_ERROR(Advance(last, false));
    return size_t{0};
  }

  if (!reader_) reader_ = store_.NewTailReader();
  OT_ASSIGN_OR_RETURN(auto chunk,
                      reader_->ReadAfter(cursor, options_.batch_events, size_t{32} << 20));
  if (chunk.empty()) return size_t{0};
  events::RecordScanner scanner;
  for (const store::EventStore::TailEvent& e : chunk) {
    bool wanted = false;
    for (const Target& t : targets) wanted = wanted || InIntervals(t.intervals, e.sequence);
    if (!wanted) continue;
    auto fields = scanner.Scan(e.json);
    if (!fields.ok()) continue;  // stored records always parse; skip rather than stall
    const events::RecordFields& f = **fields;
    const EventView view = ViewOf(f);
    for (Target& t : targets) {
      const Trail& trail = t.trail.trail;
      if (!InIntervals(t.intervals, e.sequence)) continue;
      if (!CoversRegion(trail, f.aws_region, f.event_source)) continue;
      if (!t.trail.selectors->Selects(view)) continue;
      std::string_view account = f.recipient_account_id.empty() ? std::string_view(trail.account_id)
                                                                : f.recipient_account_id;
      std::string stream = std::string(account) + "_CloudTrail_" + std::string(f.aws_region);
      t.streams[stream].push_back(
          {e.sequence, e.attrs.event_time.time_since_epoch().count(), e.json});
    }
  }

  size_t delivered = 0;
  const SysMillis now = env_.clock.Now();
  for (Target& t : targets) {
    if (t.streams.empty()) continue;
    const Trail& trail = t.trail.trail;
    Status failed;
    for (const auto& [stream, records] : t.streams) {
      Status s = deliver_(*trail.cloud_watch_logs_log_group_arn, stream, trail.arn, records);
      if (s.code() == Error::kResourceNotFound) {
        failed = s;  // the group is gone: reported, the records skipped
        continue;
      }
      OT_RETURN_IF_ERROR(s);
      delivered += records.size();
    }
    Status st = trails_.UpdateStatus(trail.arn, [&](TrailStatus& status) {
      if (failed.ok()) {
        status.latest_cloudwatch_logs_delivery_time = now;
        status.latest_cloudwatch_logs_delivery_error.clear();
      } else {
        status.latest_cloudwatch_logs_delivery_error = std::string(ErrorWireName(failed.code()));
      }
    });
    if (!st.ok() && st.code() != Error::kTrailNotFound) return st;
  }
  bool handed = false;
  for (const Target& t : targets) handed = handed || !t.streams.empty();
  OT_RETURN_IF_ERROR(Advance(chunk.back().sequence, handed));
  return delivered;
}

}  // namespace ot::trail
