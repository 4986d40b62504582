#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/protocol/json_value.h"
#include "api/protocol/query.h"
#include "auth/identity.h"
#include "buckets/bucket_registry.h"
#include "common/env.h"
#include "common/status.h"
#include "events/record.h"
#include "store/event_store.h"
#include "trail/delivery.h"

namespace ot::trail {
class TrailRegistry;
class SigningKeys;
}  // namespace ot::trail
namespace ot::iam {
class IamRegistry;
}  // namespace ot::iam
namespace ot::kms {
class KeyService;
}  // namespace ot::kms
namespace ot::monitor {
class LogStore;
class SnsService;
class AlarmStore;
class AlarmEngine;
class MetricStore;
class MetricDataLog;
}  // namespace ot::monitor

namespace ot::api::handlers {

// What handlers may use. Owned by the server; outlives every call.
struct Services {
  store::EventStore& store;
  Env& env;
  std::string account_id;
  std::string home_region;
  size_t max_ingest_records = 100000;          // per IngestEvents call
  trail::TrailRegistry* trails = nullptr;      // the account's trails (trail API, delivery)
  buckets::BucketRegistry* buckets = nullptr;  // local and remote buckets (S3 API, delivery)
  trail::Delivery* delivery = nullptr;         // log-file delivery (Start/StopLogging tell it)
  iam::IamRegistry* iam = nullptr;             // users, groups, keys, policies, MFA, sessions
  trail::SigningKeys* signing_keys = nullptr;  // digest-signing keys (ListPublicKeys)
  monitor::LogStore* logs = nullptr;           // CloudWatch Logs groups, events, metric filters
  monitor::SnsService* sns = nullptr;          // SNS topics, subscriptions, delivery
  // CloudWatch: alarms and their history, the engine that runs them, the metric aggregates, the
  // durable log of PutMetricData datapoints, and a poke that makes the alarm scheduler evaluate.
  monitor::AlarmStore* alarms = nullptr;
  monitor::AlarmEngine* alarm_engine = nullptr;
  monitor::MetricStore* metric_store = nullptr;
  monitor::MetricDataLog* metric_data_log = nullptr;
  std::function<void()> wake_alarms = nullptr;
  kms::KeyService* kms = nullptr;  // KMS keys and aliases (kms_keys.cc)
  // S3 lifecycle: how long a lifecycle "day" lasts (serve --lifecycle-day-seconds; 0 = 24 h).
  std::chrono::milliseconds lifecycle_day{0};
};

// One authenticated call.
struct CallContext {
  const auth::Caller& caller;  // principal and the region of the credential scope
  std::string_view request_id;
  SysMillis now;
};

// What a handler produced: the reply body and what the call's own record should say.
struct Outcome {
  std::string body;                // JSON 1.1 body, or the inner XML of a Query result
  std::string request_parameters;  // the record's requestParameters; empty → from input
  std::string response_elements;   // the record's responseElements; empty → null
  std::vector<events::Resource> resources;
  std::vector<store::NewEvent> events;  // external events appended with the call's own record
  // Runs after the append with its result (own record last); may rewrite `body`.
  std::function<void(const store::AppendResult&, std::string* body)> finish;
};

// A CloudTrail-style JSON 1.1 operation.
struct JsonOperation {
  std::string_view name;          // "LookupEvents"
  std::string_view event_source;  // "cloudtrail.amazonaws.com"
  std::string_view action;        // IAM action: "cloudtrail:LookupEvents"
  bool read_only;
  // Handlers get either the parsed input or, for bulk bodies, the raw bytes.
  Result<Outcome> (*handle)(const Services&, const CallContext&, JsonValue input) = nullptr;
  Result<Outcome> (*handle_raw)(const Services&, const CallContext&,
                                std::string_view body) = nullptr;
  // The record's requestParameters when they must differ from the input (KMS: never the
  // plaintext or ciphertext); null → the input with first letters lowered.
  std::string (*record_parameters)(JsonValue input) = nullptr;
};

// An AWS Query operation (STS).
struct QueryOperation {
  std::string_view name;
  std::string_view event_source;  // "sts.amazonaws.com"
  std::string_view action;
  std::string_view xmlns;
  bool read_only;
  bool needs_authorization;  // GetCallerIdentity cannot be denied
  Result<Outcome> (*handle)(const Services&, const CallContext&, const QueryParams& params);
};

// X-Amz-Target prefixes that select a JSON operation table.
inline constexpr std::string_view kCloudTrailTargetPrefix =
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
inline constexpr std::string_view kCloudTrailShortTargetPrefix = "CloudTrail_20131101.";
inline constexpr std::string_view kOpenTrailTargetPrefix = "OpenTrail_20261101.";
inline constexpr std::string_view kLogsTargetPrefix = "Logs_20140328.";
inline constexpr std::string_view kCloudWatchTargetPrefix = "GraniteServiceVersion20100801.";

// nullptr when the target names no operation we serve.
const JsonOperation* FindJsonOperation(std::string_view target);
// The SigV4 service a target's requests are signed for: "logs" for CloudWatch Logs, "kms" for
// KMS (TrentService), else
// "cloudtrail" (OpenTrail's own operations are signed as CloudTrail's).
std::string_view JsonSigningName(std::string_view target);
// The operation name of a target (after the last '.'), for records of unknown operations.
std::string_view TargetOperationName(std::string_view target);
const QueryOperation* FindQueryOperation(std::string_view service, std::string_view action);

// Operation handlers (one file each).
Result<Outcome> LookupEvents(const Services&, const CallContext&, JsonValue input);
Result<Outcome> IngestEvents(const Services&, const CallContext&, std::string_view body);
Result<Outcome> GetCallerIdentity(const Services&, const CallContext&, const QueryParams&);
// Trails (api.md §3, §4, §7).
Result<Outcome> CreateTrail(const Services&, const CallContext&, JsonValue input);
Result<Outcome> UpdateTrail(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DeleteTrail(const Services&, const CallContext&, JsonValue input);
Result<Outcome> GetTrail(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DescribeTrails(const Services&, const CallContext&, JsonValue input);
Result<Outcome> ListTrails(const Services&, const CallContext&, JsonValue input);
Result<Outcome> GetTrailStatus(const Services&, const CallContext&, JsonValue input);
Result<Outcome> StartLogging(const Services&, const CallContext&, JsonValue input);
Result<Outcome> StopLogging(const Services&, const CallContext&, JsonValue input);
Result<Outcome> PutEventSelectors(const Services&, const CallContext&, JsonValue input);
Result<Outcome> GetEventSelectors(const Services&, const CallContext&, JsonValue input);
Result<Outcome> AddTags(const Services&, const CallContext&, JsonValue input);
Result<Outcome> RemoveTags(const Services&, const CallContext&, JsonValue input);
Result<Outcome> ListTags(const Services&, const CallContext&, JsonValue input);
// Log file integrity (digest.md §5).
Result<Outcome> ListPublicKeys(const Services&, const CallContext&, JsonValue input);
// CloudWatch Logs (logs_groups.cc, logs_events.cc, logs_metric_filters.cc).
Result<Outcome> CreateLogGroup(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DeleteLogGroup(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DescribeLogGroups(const Services&, const CallContext&, JsonValue input);
Result<Outcome> PutRetentionPolicy(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DeleteRetentionPolicy(const Services&, const CallContext&, JsonValue input);
Result<Outcome> TagLogGroup(const Services&, const CallContext&, JsonValue input);
Result<Outcome> UntagLogGroup(const Services&, const CallContext&, JsonValue input);
Result<Outcome> ListTagsLogGroup(const Services&, const CallContext&, JsonValue input);
Result<Outcome> CreateLogStream(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DeleteLogStream(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DescribeLogStreams(const Services&, const CallContext&, JsonValue input);
Result<Outcome> PutLogEvents(const Services&, const CallContext&, JsonValue input);
Result<Outcome> GetLogEvents(const Services&, const CallContext&, JsonValue input);
Result<Outcome> FilterLogEvents(const Services&, const CallContext&, JsonValue input);
Result<Outcome> PutMetricFilter(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DescribeMetricFilters(const Services&, const CallContext&, JsonValue input);
Result<Outcome> DeleteMetricFilter(const Services&, const CallContext&, JsonValue input);
Result<Outcome> TestMetricFilter(const Services&, const CallContext&, JsonValue input);

// The resource a call is authorized against (iam.md §4), from its input: a trail ARN for the
// trail operations (a name is resolved in the caller's region), an IAM user/group/policy/MFA ARN
// for IAM, a log group ARN (…:log-group:NAME:*) or log stream ARN for CloudWatch Logs, "*" for
// actions without resource-level permissions.
std::string JsonResource(const Services& services, const CallContext& ctx, std::string_view action,
                         JsonValue input);
std::string QueryResource(const Services& services, const CallContext& ctx, std::string_view action,
                          const QueryParams& params);

}  // namespace ot::api::handlers
