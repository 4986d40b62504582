#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "store/metadata.h"
#include "trail/selectors.h"
#include "trail/trail.h"

namespace ot::trail {

// CreateTrail / UpdateTrail input. For UpdateTrail an unset member keeps its value and an empty
// string clears an optional one (S3KeyPrefix, SnsTopicName, KmsKeyId, CloudWatch Logs).
struct TrailSpec {
  std::string name;  // CreateTrail: the new name (UpdateTrail addresses the trail separately)
  std::optional<std::string> s3_bucket_name, s3_key_prefix, sns_topic_name;
  std::optional<std::string> cloud_watch_logs_log_group_arn, cloud_watch_logs_role_arn;
  std::optional<std::string> kms_key_id;
  std::optional<bool> include_global_service_events, is_multi_region_trail;
  std::optional<bool> enable_log_file_validation, is_organization_trail;
  std::vector<Tag> tags;  // CreateTrail only
};

struct RegistryOptions {
  std::string account_id;
  // Whether a bucket exists (S3BucketDoesNotExistException otherwise). Null = every validly
  // named bucket exists.
  std::function<bool(std::string_view bucket)> bucket_exists;
  size_t max_trails_per_region = 5;  // a multi-region trail counts in every region
  // Whether the CloudWatch Logs log group of an ARN exists (else
  // InvalidCloudWatchLogsLogGroupArnException). Null = every well-formed ARN names one.
  std::function<bool(std::string_view log_group_arn)> log_group_exists;
  // The key ARN a trail's KmsKeyId names in `region` (aliases resolved), or kKmsKeyNotFound /
  // kKmsKeyDisabled (a key disabled or pending deletion). Null = the ARN form of the id as given.
  std::function<Result<std::string>(std::string_view key_id, std::string_view region)> kms_key_arn;
};

// A logging trail and its compiled selectors, for delivery.
struct LoggingTrail {
  Trail trail;
  std::shared_ptr<const TrailSelectors> selectors;
};

// The account's trails, persisted as documents (kind "trail", id = trail ARN) in the metadata
// database. Thread-safe. Every mutation is durable before it returns.
//
// Addressing (api.md §2): a value starting with "arn:" is a trail ARN (else
// kCloudTrailARNInvalid) and may name a shadow trail (a multi-region trail seen from another
// region); any other value is a name (else kInvalidTrailName) looked up only among trails whose
// home region is `region`. Nothing found → kTrailNotFound. Mutations from a region other than
// the trail's home region → kInvalidHomeRegion.
class TrailRegistry {
 public:
  // Loads every stored trail.
  static Result<std::unique_ptr<TrailRegistry>> Open(store::MetadataDb& db,
                                                     RegistryOptions options);

  // A new trail whose home region is `region`; not logging; default selectors.
  Result<Trail> Create(const TrailSpec& spec, std::string_view region);
  Result<Trail> Update(std::string_view name_or_arn, std::string_view region,
                       const TrailSpec& spec);
  // Returns the deleted trail.
  Result<Trail> Delete(std::string_view name_or_arn, std::string_view region);
  Result<Trail> Get(std::string_view name_or_arn, std::string_view region) const;
  // Every trail visible in `region` (home trails, plus shadows when `include_shadows`), by ARN.
  std::vector<Trail> Visible(std::string_view region, bool include_shadows = true) const;

  // Idempotent; StartLogging sets StartLoggingTime, StopLogging StopLoggingTime.
  Result<Trail> StartLogging(std::string_view name_or_arn, std::string_view region, SysMillis now);
  Result<Trail> StopLogging(std::string_view name_or_arn, std::string_view region, SysMillis now);
  // `config` must have passed ValidateSelectors (ParseEventSelectors does it).
  Result<Trail> PutEventSelectors(std::string_view name_or_arn, std::string_view region,
                                  SelectorConfig config);

  // Tags by resource ARN (api.md §7): not an ARN → kCloudTrailARNInvalid, another CloudTrail
  // resource type → kResourceTypeNotSupported, unknown → kResourceNotFound.
  Result<Trail> AddTags(std::string_view resource_id, std::string_view region,
                        const std::vector<Tag>& tags);
  Result<Trail> RemoveTags(std::string_view resource_id, std::string_view region,
                           const std::vector<Tag>& tags);
  Result<Trail> TagsOf(std::string_view resource_id, std::string_view region) const;

  // For delivery: a snapshot of every trail with IsLogging, with compiled selectors.
  std::vector<LoggingTrail> LoggingTrails() const;
  // For delivery: every trail, logging or not (a stopped trail may still owe deliveries).
  std::vector<LoggingTrail> AllTrails() const;
  // Whether any trail, logging or not, may select a data event (TrailSelectors::
  // MaySelectDataEvents). When none does, a data event is logged nowhere, as in CloudTrail, where
  // data events are recorded only for the trails that select them.
  bool AnyMaySelectDataEvents() const;
  // For delivery: changes the status fields of the trail `arn` (LatestDeliveryTime, …) and
  // persists them. kTrailNotFound when the trail is gone.
  Status UpdateStatus(std::string_view arn, const std::function<void(TrailStatus&)>& change);

 private:
  struct Entry {
    Trail trail;
    std::shared_ptr<const TrailSelectors> selectors;
  };
  TrailRegistry(store::MetadataDb& db, RegistryOptions options)
      : db_(db), options_(std::move(options)) {}

  // Finds the trail addressed by `name_or_arn` from `region` (mu_ held).
  Result<Entry*> Resolve(std::string_view name_or_arn, std::string_view region, bool mutating);
  Result<const Entry*> Resolve(std::string_view name_or_arn, std::string_view region) const;
  Result<Entry*> ResolveTagResource(std::string_view resource_id, std::string_view region,
                                    bool mutating);
  Status ApplySpec(const TrailSpec& spec, std::string_view region, bool create, Trail* t) const;
  Status CheckLimit(const Trail& candidate) const;
  Status Persist(Entry* entry, Trail updated);

  store::MetadataDb& db_;
  RegistryOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> trails_;  // by ARN
};

// Checks a tag list (api.md §7): keys 1–128 and unique, values ≤ 256 → kInvalidTagParameter.
Status ValidateTags(const std::vector<Tag>& tags);

}  // namespace ot::trail
