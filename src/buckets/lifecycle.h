#pragma once

// S3 lifecycle configurations of local buckets (PutBucketLifecycleConfiguration): the rules as
// stored, which objects a rule selects, and when its actions fall due. The background pass that
// applies them is BucketRegistry::RunLifecycle (bucket_lifecycle.cc); formats:
// docs/formats/buckets.md § Lifecycle.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace ot::buckets {

inline constexpr std::string_view kStandard = "STANDARD";

// Transition targets S3 accepts in a lifecycle rule.
bool IsTransitionStorageClass(std::string_view storage_class);
// GLACIER and DEEP_ARCHIVE: the object's bytes move to the archive (recompressed) and reading
// them needs RestoreObject first. The other classes stay readable where they are.
bool IsArchiveStorageClass(std::string_view storage_class);
// Warmest first: STANDARD 0, INTELLIGENT_TIERING 1, STANDARD_IA 2, ONEZONE_IA 3, GLACIER_IR 4,
// GLACIER 5, DEEP_ARCHIVE 6; -1 for an unknown name. Lifecycle only ever moves objects colder.
int StorageClassRank(std::string_view storage_class);

struct LifecycleTag {
  std::string key;
  std::string value;
  friend bool operator==(const LifecycleTag&, const LifecycleTag&) = default;
};

// Which objects a rule applies to: all conditions must hold.
struct LifecycleFilter {
  // How the rule said it, so GetBucketLifecycleConfiguration answers in the same shape:
  // kLegacyPrefix is the rule-level <Prefix> (no <Filter>), kAnd a <Filter><And>.
  enum class Form { kLegacyPrefix, kEmpty, kPrefix, kTag, kSizeGreater, kSizeLess, kAnd };
  Form form = Form::kEmpty;
  std::string prefix;
  std::vector<LifecycleTag> tags;
  std::optional<uint64_t> size_greater_than;  // bytes, strictly greater
  std::optional<uint64_t> size_less_than;     // bytes, strictly less
  friend bool operator==(const LifecycleFilter&, const LifecycleFilter&) = default;
};

// A Transition or Expiration times by Days after the object's creation or by a Date (midnight
// UTC); exactly one of them is set for transitions.
struct LifecycleTransition {
  std::optional<int64_t> days;
  std::optional<SysMillis> date;
  std::string storage_class;
  friend bool operator==(const LifecycleTransition&, const LifecycleTransition&) = default;
};

struct LifecycleExpiration {
  std::optional<int64_t> days;
  std::optional<SysMillis> date;
  std::optional<bool> expired_object_delete_marker;
  friend bool operator==(const LifecycleExpiration&, const LifecycleExpiration&) = default;
};

// Actions on noncurrent versions (versioned buckets) and on multipart uploads: stored and
// returned; applied by the versioning and multipart parts of the registry.
struct NoncurrentVersionTransition {
  int64_t noncurrent_days = 0;
  std::optional<int64_t> newer_noncurrent_versions;
  std::string storage_class;
  friend bool operator==(const NoncurrentVersionTransition&,
                         const NoncurrentVersionTransition&) = default;
};

struct NoncurrentVersionExpiration {
  std::optional<int64_t> noncurrent_days;
  std::optional<int64_t> newer_noncurrent_versions;
  friend bool operator==(const NoncurrentVersionExpiration&,
                         const NoncurrentVersionExpiration&) = default;
};

struct LifecycleRule {
  std::string id;
  bool enabled = true;
  LifecycleFilter filter;
  std::vector<LifecycleTransition> transitions;
  std::optional<LifecycleExpiration> expiration;
  std::vector<NoncurrentVersionTransition> noncurrent_transitions;
  std::optional<NoncurrentVersionExpiration> noncurrent_expiration;
  std::optional<int64_t> abort_incomplete_multipart_days;
  friend bool operator==(const LifecycleRule&, const LifecycleRule&) = default;
};

struct LifecycleConfiguration {
  std::vector<LifecycleRule> rules;
  friend bool operator==(const LifecycleConfiguration&, const LifecycleConfiguration&) = default;
};

// The stored form (JSON, docs/formats/buckets.md § Lifecycle) and back. Parse fails with
// kCorruption on text it did not write.
std::string LifecycleJson(const LifecycleConfiguration& config);
Result<LifecycleConfiguration> ParseLifecycleJson(std::string_view json);

// Whether `rule`'s filter selects an object (its status is not considered).
bool RuleSelects(const LifecycleRule& rule, std::string_view key, uint64_t size,
                 const std::map<std::string, std::string>& tags);

// When an action `days` after `created` falls due: S3 adds the days and rounds up to the next
// midnight UTC. `day` is the length of a day: 24 h, or shorter for tests
// (`serve --lifecycle-day-seconds`), midnights then being the multiples of `day` since the epoch.
SysMillis LifecycleDue(SysMillis created, int64_t days, std::chrono::milliseconds day);

// What one object is due for at `now` under `config`: an expiration (wins over transitions, as
// in S3), else the coldest storage class among the due transitions when it is colder than
// `current_class`.
struct LifecycleDecision {
  enum class Kind { kNone, kExpire, kTransition };
  Kind kind = Kind::kNone;
  std::string rule_id;
  std::string storage_class;  // kTransition: the target
};
LifecycleDecision DecideLifecycle(const LifecycleConfiguration& config, std::string_view key,
                                  uint64_t size, const std::map<std::string, std::string>& tags,
                                  SysMillis created, std::string_view current_class, SysMillis now,
                                  std::chrono::milliseconds day);

// One thing a lifecycle pass did, for the record of it (an AwsServiceEvent by S3).
struct LifecycleAction {
  enum class Kind {
    kTransition,       // storage_class: the new class; previous_class the old one
    kExpiration,       // the object was removed (or got a delete marker, `version_id`)
    kRestoreComplete,  // a restored copy became readable until `restore_expiry`
    kRestoreExpired,   // a restored copy's time was up and it was dropped
  };
  Kind kind = Kind::kTransition;
  std::string bucket;
  std::string region;
  std::string owner_account;
  std::string key;
  std::string rule_id;  // transitions and expirations
  std::string storage_class;
  std::string previous_class;
  uint64_t size = 0;          // the object's bytes
  uint64_t stored_bytes = 0;  // kTransition to an archive class: the packed copy's size
  std::string version_id;     // kExpiration in a versioned bucket: the delete marker's, or
                              // the version removed for good when `permanent`
  bool permanent = false;     // kExpiration: a noncurrent version or expired marker removed
  SysMillis restore_expiry{};
  SysMillis time{};
};

struct LifecyclePassOptions {
  std::chrono::milliseconds day{std::chrono::hours(24)};  // a lifecycle "day" (tests shorten it)
  std::chrono::milliseconds restore_delay{0};             // how long a restore takes
};

}  // namespace ot::buckets
