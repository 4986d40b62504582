// Object lock of local buckets: the bucket's configuration (default retention) and the retention
// and legal hold of single versions (docs/formats/buckets.md § Object lock). Deletion is checked
// in versioning.cc.
#include <mutex>

#include "buckets/bucket_registry.h"
#include "buckets/internal/found_version.h"
#include "buckets/internal/sidecar.h"
#include "common/time.h"

namespace ot::buckets {
namespace {

using internal::Sidecar;

Status MissingLockConfiguration() {
  return Status(Error::kValidation, "Bucket is missing Object Lock Configuration");
}

}  // namespace

Status BucketRegistry::PutObjectLock(std::string_view bucket,
                                     const std::optional<DefaultRetention>& rule) {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  std::lock_guard lock(mu_);
  VersioningConfig config;
  if (auto it = versioning_.find(bucket); it != versioning_.end()) config = it->second;
  if (!config.object_lock && config.status != VersioningStatus::kEnabled) {
    return Status(Error::kInvalidBucketState,
                  "Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                  "configuration");
  }
  config.object_lock = true;
  config.default_retention = rule;
  OT_RETURN_IF_ERROR(SaveVersioning(bucket, config));
  versioning_.insert_or_assign(std::string(bucket), std::move(config));
  return Status::Ok();
}

Result<BucketRegistry::FoundVersion> BucketRegistry::LockableVersion(
    std::string_view bucket, std::string_view key, std::string_view version_id) const {
  std::optional<FoundVersion> found;
  if (version_id.empty()) {
    OT_ASSIGN_OR_RETURN(auto current, CurrentSidecar(bucket, key));
    std::string id = current && !current->version_id.empty() ? current->version_id : "null";
    if (current) {
      OT_ASSIGN_OR_RETURN(found, FindVersion(bucket, key, id));
    }
    if (!found) return Status(Error::kNoSuchKey, "The specified key does not exist.");
  } else {
    OT_ASSIGN_OR_RETURN(found, FindVersion(bucket, key, version_id));
    if (!found) return Status(Error::kNoSuchVersion, "The specified version does not exist.");
  }
  if (found->sidecar.delete_marker) {
    return Status(Error::kMethodNotAllowed,
                  "The specified method is not allowed against this resource.");
  }
  return std::move(*found);
}

Status BucketRegistry::PutRetention(std::string_view bucket, std::string_view key,
                                    std::string_view version_id, const ObjectRetention& retention,
                                    bool bypass_governance) {
  OT_ASSIGN_OR_RETURN(VersioningConfig config, GetVersioning(bucket));
  if (!config.object_lock) return MissingLockConfiguration();
  std::unique_lock tree(tree_mu_);
  OT_ASSIGN_OR_RETURN(FoundVersion found, LockableVersion(bucket, key, version_id));
  Sidecar& s = found.sidecar;
  // A retention in force may be extended; anything else (shorter, other mode, removed) needs the
  // governance bypass, and is never allowed in COMPLIANCE mode.
  SysMillis now = env_.clock.Now();
  auto until = ParseIso8601(s.lock_until);
  if (!s.lock_mode.empty() && until.ok() && *until > now) {
    bool extends = retention.mode == s.lock_mode && retention.retain_until >= *until;
    if (!extends) {
      if (s.lock_mode == kLockCompliance || !bypass_governance) {
        return Status(Error::kAccessDenied,
                      "Access Denied because object protected by object lock.");
      }
    }
  }
  s.lock_mode = retention.mode;
  s.lock_until = retention.mode.empty() ? "" : FormatIso8601Millis(retention.retain_until);
  return env_.fs.WriteFileAtomic(found.sidecar_path, internal::SidecarJson(s));
}

Status BucketRegistry::PutLegalHold(std::string_view bucket, std::string_view key,
                                    std::string_view version_id, bool on) {
  OT_ASSIGN_OR_RETURN(VersioningConfig config, GetVersioning(bucket));
  if (!config.object_lock) return MissingLockConfiguration();
  std::unique_lock tree(tree_mu_);
  OT_ASSIGN_OR_RETURN(FoundVersion found, LockableVersion(bucket, key, version_id));
  found.sidecar.legal_hold = on;
  return env_.fs.WriteFileAtomic(found.sidecar_path, internal::SidecarJson(found.sidecar));
}

}  // namespace ot::buckets
