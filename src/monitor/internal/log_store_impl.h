#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "monitor/filter_set.h"
#include "monitor/log_store.h"

// The state behind LogStore, shared by log_store.cc (groups, streams, filters, persistence) and
// log_store_events.cc (appends and reads).
namespace ot::monitor {

namespace internal {

// A stored message, with EventFields::kEventPadding bytes of spare capacity after it so that
// metric filters parse it in place (a copy is made anyway when an event is stored).
inline std::string PaddedMessage(std::string_view message) {
  std::string out;
  out.reserve(message.size() + EventFields::kEventPadding);
  out.assign(message);
  return out;
}

struct StoredEvent {
  int64_t timestamp_ms = 0;
  int64_t ingestion_ms = 0;
  uint64_t ordinal = 0;  // arrival order within the stream
  std::string message;
};

struct Stream {
  std::string name;
  uint64_t file_id = 0;
  int64_t creation_time_ms = 0;
  std::vector<StoredEvent> events;  // by (timestamp, ordinal)
  uint64_t next_ordinal = 0;
  std::map<std::string, uint64_t, std::less<>> high_water;  // delivering trail → last sequence
  std::unique_ptr<WritableFile> file;
  uint64_t bytes = 0;  // message bytes stored
  std::optional<int64_t> last_ingestion_ms;
};

struct Filter {
  MetricFilter def;
  FilterPattern pattern;
  CompiledTransformation transform;
};

struct Group {
  LogGroup info;
  std::string dir;  // directory name under the store's dir
  uint64_t next_file_id = 1;
  std::map<std::string, Stream, std::less<>> streams;
  std::map<std::string, Filter, std::less<>> filters;
  // The filters' patterns as one FilterSet (in `filters` order), rebuilt on first use after
  // `filters` changed: every change sets filter_set_stale.
  FilterSet filter_set;
  bool filter_set_stale = true;
};

using GroupKey = std::pair<std::string, std::string>;  // region, name

}  // namespace internal

struct LogStore::Impl {
  store::MetadataDb& db;
  Env& env;
  LogStoreOptions options;
  mutable std::mutex mu;
  std::map<internal::GroupKey, internal::Group> groups;
  EventFields fields{""};            // reused for every event the metric filters evaluate (mu held)
  std::vector<uint8_t> set_matched;  // the filter set's answer for the current event (mu held)

  Impl(store::MetadataDb& d, Env& e, LogStoreOptions o) : db(d), env(e), options(std::move(o)) {}

  int64_t NowMs() const;
  std::string GroupDir(const internal::Group& g) const { return options.dir + "/" + g.dir; }
  std::string StreamPath(const internal::Group& g, const internal::Stream& s) const {
    return GroupDir(g) + "/" + std::to_string(s.file_id) + ".log";
  }
  // The oldest timestamp the group's retention still shows (INT64_MIN without retention).
  int64_t Cutoff(const internal::Group& g, int64_t now_ms) const;

  Result<internal::Group*> Find(std::string_view region, std::string_view name);
  Result<const internal::Group*> Find(std::string_view region, std::string_view name) const;
  Status Persist(const internal::Group& g);
  Status OpenStreamFile(internal::Group& g, internal::Stream& s, bool load);

  // Appends `events` (with their delivery `source`/sequences, or none) to the stream durably,
  // then indexes them and runs the group's metric filters over them.
  Status Append(internal::Group& g, internal::Stream& s, const std::vector<InputLogEvent>& events,
                std::string_view source, const std::vector<uint64_t>& sequences);
  void RunFilters(internal::Group& g, const internal::StoredEvent& e);
  void RunFilter(const internal::Group& g, const internal::Filter& f,
                 const internal::StoredEvent& e, bool matched);
};

// Error helpers with the Logs API's wording.
Status GroupNotFound();
Status StreamNotFound();
Status InvalidToken();
std::string EventId(int64_t timestamp_ms, uint64_t file_id, uint64_t ordinal);

}  // namespace ot::monitor
