#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "monitor/filter_pattern.h"
#include "monitor/metric_transform.h"
#include "monitor/metrics.h"
#include "store/metadata.h"

// CloudWatch Logs: log groups, log streams, log events and metric filters
// (spec/filter-patterns.md §5, the botocore model logs/2014-03-28), stored durably under the
// data directory (docs/formats/logs.md). Errors use the Logs API's exceptions:
// kInvalidParameter (naming the member), kResourceNotFound, kResourceAlreadyExists,
// kLogsLimitExceeded.
namespace ot::monitor {

// The retentionInDays values PutRetentionPolicy accepts.
inline constexpr int kRetentionDays[] = {1,    3,    5,    7,    14,   30,  60,  90,
                                         120,  150,  180,  365,  400,  545, 731, 1096,
                                         1827, 2192, 2557, 2922, 3288, 3653};
inline constexpr size_t kMaxMetricFiltersPerGroup = 100;
inline constexpr size_t kMaxRegexFiltersPerGroup = 5;
inline constexpr size_t kMaxPutLogEvents = 10000;
inline constexpr size_t kMaxPutLogEventsBytes = 1048576;  // sum of (message bytes + 26)

struct LogStoreOptions {
  std::string dir;  // DATA/logs; one directory per log group, created if missing
  std::string account_id;
  MetricSink* metrics = nullptr;  // receives metric-filter datapoints; null = dropped
};

struct LogGroup {
  std::string region;
  std::string name;
  int64_t creation_time_ms = 0;
  std::optional<int> retention_in_days;
  std::map<std::string, std::string> tags;
  size_t metric_filter_count = 0;
  uint64_t stored_bytes = 0;
  std::string arn;  // arn:aws:logs:<region>:<account>:log-group:<name>:*
};

struct LogStream {
  std::string name;
  int64_t creation_time_ms = 0;
  std::optional<int64_t> first_event_timestamp, last_event_timestamp, last_ingestion_time;
  uint64_t stored_bytes = 0;
  std::string arn;  // arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:<name>
};

struct InputLogEvent {
  int64_t timestamp_ms = 0;
  std::string message;
};

struct LogEvent {
  std::string stream;
  int64_t timestamp_ms = 0;
  int64_t ingestion_time_ms = 0;
  std::string message;
  std::string event_id;  // unique in the group: digits
};

struct MetricFilter {
  std::string log_group;
  std::string name;
  std::string pattern;  // verbatim
  MetricTransformation transformation;
  int64_t creation_time_ms = 0;
};

// PutLogEvents' rejectedLogEventsInfo (indexes into the request's events).
struct RejectedEvents {
  std::optional<size_t> too_new_start_index, too_old_end_index, expired_end_index;
  bool any() const { return too_new_start_index || too_old_end_index || expired_end_index; }
};

// One journal record a trail delivers: `sequence` makes the delivery idempotent.
struct DeliveredRecord {
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;
  std::string_view message;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_token;  // empty on the last page
};

struct GroupQuery {
  std::string prefix, pattern;  // at most one (else kInvalidParameter)
  std::string next_token;
  size_t limit = 50;  // 1..50
};

struct StreamQuery {
  std::string group;
  std::string prefix;
  bool order_by_last_event_time = false;  // else by name
  bool descending = false;
  std::string next_token;
  size_t limit = 50;  // 1..50
};

struct GetEventsQuery {
  std::string group, stream;
  std::optional<int64_t> start_ms, end_ms;  // [start, end)
  std::string token;                        // "f/…" or "b/…" from an earlier page
  size_t limit = 10000;                     // 1..10000
  bool start_from_head = false;
};

struct GetEventsPage {
  std::vector<LogEvent> events;  // oldest first
  std::string next_forward_token, next_backward_token;
};

struct FilterQuery {
  std::string group;
  std::vector<std::string> stream_names;  // empty = all (or by prefix)
  std::string stream_prefix;
  std::optional<int64_t> start_ms, end_ms;  // [start, end]
  std::string pattern;                      // "" matches everything
  std::string next_token;
  size_t limit = 10000;  // 1..10000
};

struct FilterPage {
  std::vector<LogEvent> events;  // by timestamp, then stream
  std::vector<std::string> searched_streams;
  std::string next_token;
};

struct MetricFilterQuery {
  std::optional<std::string> group;
  std::string name_prefix;                                   // needs `group`
  std::optional<std::string> metric_name, metric_namespace;  // both or neither
  std::string next_token;
  size_t limit = 50;  // 1..50
};

// Every log group of every region, with its streams, events and metric filters. Group, stream
// and filter definitions are documents in the metadata database (kind "log-group"); events are
// appended to one file per stream and held in memory for reads. Metric filters run on every
// event appended to their group, whatever its source. Thread-safe (one lock).
class LogStore {
 public:
  // Loads every group, replays the stream files (a torn tail is cut off) and re-runs the
  // metric filters over the stored events to rebuild the metric aggregates.
  static Result<std::unique_ptr<LogStore>> Open(store::MetadataDb& db, Env& env,
                                                LogStoreOptions options);
  ~LogStore();

  Result<LogGroup> CreateLogGroup(std::string_view region, std::string_view name,
                                  const std::map<std::string, std::string>& tags);
  Status DeleteLogGroup(std::string_view region, std::string_view name);
  Result<LogGroup> GetLogGroup(std::string_view region, std::string_view name) const;
  Result<Page<LogGroup>> DescribeLogGroups(std::string_view region, const GroupQuery& query) const;
  Status PutRetentionPolicy(std::string_view region, std::string_view name, int days);
  Status DeleteRetentionPolicy(std::string_view region, std::string_view name);
  Status TagLogGroup(std::string_view region, std::string_view name,
                     const std::map<std::string, std::string>& tags);
  Status UntagLogGroup(std::string_view region, std::string_view name,
                       const std::vector<std::string>& keys);

  Status CreateLogStream(std::string_view region, std::string_view group, std::string_view stream);
  Status DeleteLogStream(std::string_view region, std::string_view group, std::string_view stream);
  Result<Page<LogStream>> DescribeLogStreams(std::string_view region,
                                             const StreamQuery& query) const;

  // Appends the accepted events durably (fsync) and runs the group's metric filters over them.
  // Events must be in chronological order and span at most 24 hours (kInvalidParameter);
  // events too far in the future (> 2 h), older than 14 days or than the retention are rejected
  // and reported, the others stored.
  Result<RejectedEvents> PutLogEvents(std::string_view region, std::string_view group,
                                      std::string_view stream,
                                      std::span<const InputLogEvent> events);
  // A trail's delivery: appends the records of `source` (the trail) whose sequence is above the
  // highest one already stored for it in `stream` (created if missing), so that a batch redone
  // after a crash adds nothing twice. Returns how many were appended.
  Result<size_t> AppendDelivered(std::string_view region, std::string_view group,
                                 std::string_view stream, std::string_view source,
                                 std::span<const DeliveredRecord> records);

  Result<GetEventsPage> GetLogEvents(std::string_view region, const GetEventsQuery& query) const;
  Result<FilterPage> FilterLogEvents(std::string_view region, const FilterQuery& query) const;

  // Creates or replaces the filter `filter.name` of `filter.log_group` (creation time = now).
  Status PutMetricFilter(std::string_view region, const MetricFilter& filter);
  Result<Page<MetricFilter>> DescribeMetricFilters(std::string_view region,
                                                   const MetricFilterQuery& query) const;
  Status DeleteMetricFilter(std::string_view region, std::string_view group, std::string_view name);

  // Drops events older than their group's retention (by timestamp) and rewrites the files that
  // held them. Reads already hide such events.
  Status EnforceRetention();

  struct Impl;

 private:
  explicit LogStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Name rules of the Logs API (kInvalidParameter naming `member` otherwise).
Status ValidateLogGroupName(std::string_view name, std::string_view member = "logGroupName");
Status ValidateLogStreamName(std::string_view name, std::string_view member = "logStreamName");
Status ValidateFilterName(std::string_view name, std::string_view member = "filterName");

// "arn:aws:logs:<region>:<account>:log-group:<name>[:*]" → (region, name); nullopt otherwise.
std::optional<std::pair<std::string, std::string>> ParseLogGroupArn(std::string_view arn);

}  // namespace ot::monitor
