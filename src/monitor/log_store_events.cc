// Log events: durable appends (PutLogEvents, trail delivery), reads by time range
// (GetLogEvents, FilterLogEvents), retention, and the metric filters run on every append.

#include <algorithm>
#include <charconv>
#include <tuple>

#include "common/encoding.h"
#include "monitor/internal/log_file.h"
#include "monitor/internal/log_store_impl.h"
#include "monitor/log_store.h"

namespace ot::monitor {
namespace {

using internal::Group;
using internal::StoredEvent;
using internal::Stream;

constexpr int64_t kHourMs = 3600000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr size_t kMaxEventBytes = 262144 - 26;

Status Invalid(std::string message) { return Status(Error::kInvalidParameter, std::move(message)); }

bool KeyLess(const StoredEvent& e, std::pair<int64_t, uint64_t> key) {
  return std::make_pair(e.timestamp_ms, e.ordinal) < key;
}
bool LessKey(std::pair<int64_t, uint64_t> key, const StoredEvent& e) {
  return key < std::make_pair(e.timestamp_ms, e.ordinal);
}

bool ParseInt(std::string_view text, int64_t* out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

// GetLogEvents tokens: "f/<timestamp>/<ordinal>" = after that event, "b/…" = before it.
std::string Token(char direction, int64_t timestamp_ms, uint64_t ordinal) {
  return std::string(1, direction) + "/" + std::to_string(timestamp_ms) + "/" +
         std::to_string(ordinal);
}

bool ParseToken(std::string_view token, char* direction, std::pair<int64_t, uint64_t>* key) {
  if (token.size() < 5 || (token[0] != 'f' && token[0] != 'b') || token[1] != '/') return false;
  *direction = token[0];
  std::string_view rest = token.substr(2);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  int64_t ts = 0, ord = 0;
  if (!ParseInt(rest.substr(0, slash), &ts) || !ParseInt(rest.substr(slash + 1), &ord) || ord < 0) {
    return false;
  }
  *key = {ts, static_cast<uint64_t>(ord)};
  return true;
}

LogEvent ToLogEvent(const Stream& s, const StoredEvent& e) {
  return LogEvent{s.name, e.timestamp_ms, e.ingestion_ms, e.message,
                  EventId(e.timestamp_ms, s.file_id, e.ordinal)};
}

}  // namespace

Status LogStore::Impl::Append(Group& g, Stream& s, const std::vector<InputLogEvent>& events,
                              std::string_view source, const std::vector<uint64_t>& sequences) {
  if (events.empty()) return Status::Ok();
  const int64_t now = NowMs();
  std::string buffer;
  for (size_t i = 0; i < events.size(); ++i) {
    internal::FileRecord r;
    r.timestamp_ms = events[i].timestamp_ms;
    r.ingestion_ms = now;
    r.sequence = sequences.empty() ? 0 : sequences[i];
    r.source = source;
    r.message = events[i].message;
    internal::AppendRecord(r, &buffer);
  }
  // Durable before it is visible or counted: one write and one fdatasync per batch.
  const uint64_t before = s.file->Size();
  Status st = s.file->Append(buffer);
  if (st.ok()) st = s.file->Sync();
  if (!st.ok()) {
    // Leave no partial batch behind for the next append to follow.
    (void)s.file->Close();
    s.file.reset();
    (void)env.fs.Truncate(StreamPath(g, s), before);
    auto reopened = env.fs.OpenAppend(StreamPath(g, s));
    if (reopened.ok()) s.file = std::move(*reopened);
    return st;
  }
  for (size_t i = 0; i < events.size(); ++i) {
    StoredEvent e{events[i].timestamp_ms, now, s.next_ordinal++,
                  internal::PaddedMessage(events[i].message)};
    s.bytes += e.message.size();
    g.info.stored_bytes += e.message.size();
    RunFilters(g, e);
    if (s.events.empty() || s.events.back().timestamp_ms <= e.timestamp_ms) {
      s.events.push_back(std::move(e));
    } else {
      auto at =
          std::upper_bound(s.events.begin(), s.events.end(), e.timestamp_ms,
                           [](int64_t t, const StoredEvent& x) { return t < x.timestamp_ms; });
      s.events.insert(at, std::move(e));
    }
  }
  if (!sequences.empty()) {
    uint64_t& hw = s.high_water[std::string(source)];
    hw = std::max(hw, sequences.back());
  }
  s.last_ingestion_ms = now;
  return Status::Ok();
}

void LogStore::Impl::RunFilters(Group& g, const StoredEvent& e) {
  if (g.filters.empty() || options.metrics == nullptr) return;
  if (g.filter_set_stale) {
    std::vector<FilterPattern> patterns;
    for (const auto& [name, f] : g.filters) patterns.push_back(f.pattern);
    g.filter_set = FilterSet(patterns);
    g.filter_set_stale = false;
  }
  // One parse of the message and one pass of the group's filter set over it.
  fields.Reset(e.message, e.message.capacity());
  g.filter_set.Match(fields, &set_matched);
  size_t i = 0;
  for (const auto& [name, f] : g.filters) RunFilter(g, f, e, set_matched[i++] != 0);
}

void LogStore::Impl::RunFilter(const Group& g, const internal::Filter& f, const StoredEvent& e,
                               bool matched) {
  // Unmatched events still count when the transformation has a default value.
  std::optional<MetricDatapoint> point = f.transform.Evaluate(fields, matched);
  if (!point) return;
  const MetricTransformation& t = f.def.transformation;
  Datapoint d;
  d.metric.region = g.info.region;
  d.metric.metric_namespace = t.metric_namespace;
  d.metric.metric_name = t.metric_name;
  d.metric.dimensions = std::move(point->dimensions);
  std::sort(d.metric.dimensions.begin(), d.metric.dimensions.end());
  d.timestamp_ms = e.timestamp_ms;
  d.value = point->value;
  d.unit = t.unit.empty() ? "None" : t.unit;
  options.metrics->Put(d);
}

Result<RejectedEvents> LogStore::PutLogEvents(std::string_view region, std::string_view group,
                                              std::string_view stream,
                                              std::span<const InputLogEvent> events) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(group));
  OT_RETURN_IF_ERROR(ValidateLogStreamName(stream));
  if (events.empty()) {
    return Invalid(
        "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1");
  }
  if (events.size() > kMaxPutLogEvents) {
    return Invalid(
        "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member "
        "must have length less than or equal to 10000");
  }
  size_t bytes = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].message.empty()) {
      return Invalid("1 validation error detected: Value '' at 'logEvents." +
                     std::to_string(i + 1) +
                     ".member.message' failed to satisfy constraint: Member must have length "
                     "greater than or equal to 1");
    }
    if (events[i].message.size() > kMaxEventBytes) {
      return Invalid("Log event too large: " + std::to_string(events[i].message.size() + 26) +
                     " bytes exceeds limit of 262144");
    }
    bytes += events[i].message.size() + 26;
    if (i > 0 && events[i].timestamp_ms < events[i - 1].timestamp_ms) {
      return Invalid("Log events in a single PutLogEvents request must be in chronological order.");
    }
  }
  if (bytes > kMaxPutLogEventsBytes) {
    return Invalid("Upload too large: " + std::to_string(bytes) +
                   " bytes exceeds limit of 1048576");
  }
  if (events.back().timestamp_ms - events.front().timestamp_ms > kDayMs) {
    return Invalid(
        "The batch of log events in a single PutLogEvents request cannot span more than 24 "
        "hours.");
  }
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, group));
  auto it = g->streams.find(stream);
  if (it == g->streams.end()) return StreamNotFound();
  const int64_t now = impl_->NowMs();
  const int64_t cutoff = impl_->Cutoff(*g, now);
  RejectedEvents rejected;
  std::vector<InputLogEvent> accepted;
  for (size_t i = 0; i < events.size(); ++i) {
    const int64_t ts = events[i].timestamp_ms;
    if (ts > now + 2 * kHourMs) {
      if (!rejected.too_new_start_index) rejected.too_new_start_index = i;
      continue;
    }
    if (ts < now - 14 * kDayMs) {
      rejected.too_old_end_index = i;
      continue;
    }
    if (ts < cutoff) {
      rejected.expired_end_index = i;
      continue;
    }
    accepted.push_back(events[i]);
  }
  OT_RETURN_IF_ERROR(impl_->Append(*g, it->second, accepted, "", {}));
  return rejected;
}

Result<size_t> LogStore::AppendDelivered(std::string_view region, std::string_view group,
                                         std::string_view stream, std::string_view source,
                                         std::span<const DeliveredRecord> records) {
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, group));
  auto it = g->streams.find(stream);
  if (it == g->streams.end()) {
    Stream s;
    s.name = std::string(stream);
    s.file_id = g->next_file_id++;
    s.creation_time_ms = impl_->NowMs();
    it = g->streams.emplace(s.name, std::move(s)).first;
    Status st = impl_->OpenStreamFile(*g, it->second, /*load=*/false);
    if (st.ok()) st = impl_->Persist(*g);
    if (!st.ok()) {
      g->streams.erase(it);
      return st;
    }
  }
  Stream& s = it->second;
  uint64_t high_water = 0;
  if (auto hw = s.high_water.find(source); hw != s.high_water.end()) high_water = hw->second;
  std::vector<InputLogEvent> events;
  std::vector<uint64_t> sequences;
  for (const DeliveredRecord& r : records) {
    if (r.sequence <= high_water) continue;  // stored before a crash: exactly once
    events.push_back({r.timestamp_ms, std::string(r.message)});
    sequences.push_back(r.sequence);
  }
  OT_RETURN_IF_ERROR(impl_->Append(*g, s, events, source, sequences));
  return events.size();
}

Result<GetEventsPage> LogStore::GetLogEvents(std::string_view region,
                                             const GetEventsQuery& query) const {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(query.group));
  OT_RETURN_IF_ERROR(ValidateLogStreamName(query.stream));
  char direction = query.start_from_head ? 'f' : 'b';
  std::optional<std::pair<int64_t, uint64_t>> token_key;
  if (!query.token.empty()) {
    std::pair<int64_t, uint64_t> key;
    if (!ParseToken(query.token, &direction, &key)) return InvalidToken();
    token_key = key;
  }
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(const Group* g, impl_->Find(region, query.group));
  auto it = g->streams.find(query.stream);
  if (it == g->streams.end()) return StreamNotFound();
  const Stream& s = it->second;
  const int64_t start =
      std::max(query.start_ms.value_or(INT64_MIN), impl_->Cutoff(*g, impl_->NowMs()));
  auto lo = std::lower_bound(s.events.begin(), s.events.end(), start,
                             [](const StoredEvent& e, int64_t t) { return e.timestamp_ms < t; });
  auto hi = s.events.end();
  if (query.end_ms) {
    hi = std::lower_bound(s.events.begin(), s.events.end(), *query.end_ms,
                          [](const StoredEvent& e, int64_t t) { return e.timestamp_ms < t; });
  }
  if (token_key && direction == 'f') {
    lo = std::max(lo, std::upper_bound(s.events.begin(), s.events.end(), *token_key, LessKey));
  } else if (token_key) {
    hi = std::min(hi, std::lower_bound(s.events.begin(), s.events.end(), *token_key, KeyLess));
  }
  GetEventsPage page;
  if (lo < hi) {
    const size_t available = static_cast<size_t>(hi - lo);
    const size_t n = std::min(available, query.limit);
    auto first = direction == 'f' ? lo : hi - static_cast<ptrdiff_t>(n);
    size_t bytes = 0;
    for (auto e = first; e != first + static_cast<ptrdiff_t>(n); ++e) {
      bytes += e->message.size() + 26;
      if (bytes > kMaxPutLogEventsBytes && !page.events.empty()) break;
      page.events.push_back(ToLogEvent(s, *e));
    }
  }
  if (!page.events.empty()) {
    const LogEvent& first = page.events.front();
    const LogEvent& last = page.events.back();
    // The ordinal is the last 26 digits of the event id.
    auto ordinal = [](const LogEvent& e) { return std::stoull(e.event_id.substr(30)); };
    page.next_forward_token = Token('f', last.timestamp_ms, ordinal(last));
    page.next_backward_token = Token('b', first.timestamp_ms, ordinal(first));
  } else if (token_key) {
    page.next_forward_token = Token('f', token_key->first, token_key->second);
    page.next_backward_token = Token('b', token_key->first, token_key->second);
  } else {
    page.next_forward_token = Token('f', start == INT64_MIN ? INT64_MIN : start - 1, UINT32_MAX);
    page.next_backward_token = Token('b', start, 0);
  }
  return page;
}

Result<FilterPage> LogStore::FilterLogEvents(std::string_view region,
                                             const FilterQuery& query) const {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(query.group));
  if (!query.stream_names.empty() && !query.stream_prefix.empty()) {
    return Invalid("Cannot specify both logStreamNames and logStreamNamePrefix.");
  }
  if (query.start_ms && query.end_ms && *query.start_ms > *query.end_ms) {
    return Invalid("startTime must be less than or equal to endTime.");
  }
  OT_ASSIGN_OR_RETURN(FilterPattern pattern, CompileFilterPattern(query.pattern));
  // The token: the (timestamp, stream, ordinal) of the last event returned.
  std::optional<std::tuple<int64_t, std::string, uint64_t>> after;
  if (!query.next_token.empty()) {
    auto decoded = HexDecode(query.next_token);
    if (!decoded) return InvalidToken();
    std::string_view d = *decoded;
    size_t a = d.find('\n');
    size_t b = a == std::string_view::npos ? a : d.find('\n', a + 1);
    int64_t ts = 0, ord = 0;
    if (b == std::string_view::npos || !ParseInt(d.substr(0, a), &ts) ||
        !ParseInt(d.substr(a + 1, b - a - 1), &ord)) {
      return InvalidToken();
    }
    after.emplace(ts, std::string(d.substr(b + 1)), static_cast<uint64_t>(ord));
  }
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(const Group* g, impl_->Find(region, query.group));
  const int64_t start =
      std::max(query.start_ms.value_or(INT64_MIN), impl_->Cutoff(*g, impl_->NowMs()));
  const int64_t end = query.end_ms.value_or(INT64_MAX);
  FilterPage page;
  struct Candidate {
    int64_t ts;
    const Stream* stream;
    const StoredEvent* event;
  };
  std::vector<Candidate> candidates;
  for (const auto& [name, s] : g->streams) {
    if (!query.stream_names.empty() &&
        std::find(query.stream_names.begin(), query.stream_names.end(), name) ==
            query.stream_names.end()) {
      continue;
    }
    if (!query.stream_prefix.empty() &&
        name.substr(0, query.stream_prefix.size()) != query.stream_prefix) {
      continue;
    }
    page.searched_streams.push_back(name);
    auto lo = std::lower_bound(s.events.begin(), s.events.end(), start,
                               [](const StoredEvent& e, int64_t t) { return e.timestamp_ms < t; });
    for (auto e = lo; e != s.events.end() && e->timestamp_ms <= end; ++e) {
      if (after && std::make_tuple(e->timestamp_ms, std::string_view(name), e->ordinal) <=
                       std::make_tuple(std::get<0>(*after), std::string_view(std::get<1>(*after)),
                                       std::get<2>(*after))) {
        continue;
      }
      candidates.push_back({e->timestamp_ms, &s, &*e});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::make_tuple(a.ts, std::string_view(a.stream->name), a.event->ordinal) <
           std::make_tuple(b.ts, std::string_view(b.stream->name), b.event->ordinal);
  });
  EventFields fields("");
  size_t bytes = 0;
  for (const Candidate& c : candidates) {
    fields.Reset(c.event->message, c.event->message.capacity());
    if (!Matches(pattern, fields)) continue;
    if (page.events.size() == query.limit ||
        (!page.events.empty() && bytes + c.event->message.size() + 26 > (1u << 20))) {
      const LogEvent& last = page.events.back();
      page.next_token = HexEncode(std::to_string(last.timestamp_ms) + "\n" +
                                  last.event_id.substr(30) + "\n" + last.stream);
      break;
    }
    bytes += c.event->message.size() + 26;
    page.events.push_back(ToLogEvent(*c.stream, *c.event));
  }
  return page;
}

Status LogStore::EnforceRetention() {
  std::lock_guard lock(impl_->mu);
  const int64_t now = impl_->NowMs();
  for (auto& [key, g] : impl_->groups) {
    const int64_t cutoff = impl_->Cutoff(g, now);
    if (cutoff == INT64_MIN) continue;
    for (auto& [name, s] : g.streams) {
      auto keep =
          std::lower_bound(s.events.begin(), s.events.end(), cutoff,
                           [](const StoredEvent& e, int64_t t) { return e.timestamp_ms < t; });
      if (keep == s.events.begin()) continue;
      // Rewrite the file with what remains (atomic rename), then drop the expired events.
      std::string data;
      std::vector<StoredEvent> kept(std::make_move_iterator(keep),
                                    std::make_move_iterator(s.events.end()));
      // Delivered records keep their trail's high-water mark in the first kept record of each
      // source (the marks are what makes a redone delivery exactly-once).
      std::vector<std::pair<std::string, uint64_t>> marks(s.high_water.begin(), s.high_water.end());
      for (const StoredEvent& e : kept) {
        internal::FileRecord r;
        r.timestamp_ms = e.timestamp_ms;
        r.ingestion_ms = e.ingestion_ms;
        if (!marks.empty()) {
          r.source = marks.back().first;
          r.sequence = marks.back().second;
          marks.pop_back();
        }
        r.message = e.message;
        internal::AppendRecord(r, &data);
      }
      if (s.file) (void)s.file->Close();
      s.file.reset();
      const std::string path = impl_->StreamPath(g, s);
      Status st = impl_->env.fs.WriteFileAtomic(path, data);
      auto reopened = impl_->env.fs.OpenAppend(path);
      if (reopened.ok()) s.file = std::move(*reopened);
      OT_RETURN_IF_ERROR(st);
      OT_RETURN_IF_ERROR(reopened.status());
      uint64_t dropped = 0;
      for (auto e = s.events.begin(); e != keep; ++e) dropped += e->message.size();
      s.bytes -= std::min(s.bytes, dropped);
      g.info.stored_bytes -= std::min(g.info.stored_bytes, dropped);
      s.events = std::move(kept);
    }
  }
  return Status::Ok();
}

}  // namespace ot::monitor
