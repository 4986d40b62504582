#pragma once

// Value types of S3 versioning, MFA delete and object lock for local buckets (the calls are
// BucketRegistry's; formats: docs/formats/buckets.md § Versioning).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace ot::buckets {

// Object lock of one version (S3 ObjectLockRetention): until `retain_until` the version cannot be
// deleted — by nobody in COMPLIANCE mode, in GOVERNANCE mode only with the bypass.
inline constexpr std::string_view kLockGovernance = "GOVERNANCE";
inline constexpr std::string_view kLockCompliance = "COMPLIANCE";
struct ObjectRetention {
  std::string mode;  // kLockGovernance, kLockCompliance, or empty: none
  SysMillis retain_until{};
};

// An object-lock configuration's default retention: new versions get `mode` until now + days
// (or years, of 365 days as S3 counts them).
struct DefaultRetention {
  std::string mode;
  int days = 0;
  int years = 0;
};

enum class VersioningStatus { kUnversioned, kEnabled, kSuspended };

// A bucket's versioning state (PutBucketVersioning) and object lock (PutObjectLockConfiguration).
struct VersioningConfig {
  VersioningStatus status = VersioningStatus::kUnversioned;
  bool mfa_delete = false;
  // The virtual MFA device whose code turned MFA delete on: x-amz-mfa must name it (and carry a
  // valid code of it) for every permanent deletion and versioning change while MFA delete is on.
  std::string mfa_serial;
  bool object_lock = false;  // ObjectLockEnabled: cannot be turned off, versioning stays Enabled
  std::optional<DefaultRetention> default_retention;
};

// What a PutBucketVersioning asks for.
struct VersioningChange {
  VersioningStatus status = VersioningStatus::kEnabled;  // kEnabled or kSuspended
  std::optional<bool> mfa_delete;                        // the MFADelete element, when given
};

// An x-amz-mfa header whose code IAM accepted for the device `serial` (the API checks codes; the
// registry checks that the device is the bucket's).
struct MfaProof {
  std::string serial;
};

struct DeleteOptions {
  std::optional<MfaProof> mfa;
  bool bypass_governance = false;  // x-amz-bypass-governance-retention with the permission
};

// What a delete did (the x-amz-version-id / x-amz-delete-marker reply headers).
struct DeleteOutcome {
  std::string version_id;      // the removed version, or the new delete marker's id
  bool delete_marker = false;  // a marker was added, or the removed version was one
};

struct ListVersionsOptions {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;         // start after this key's versions…
  std::string version_id_marker;  // …or, with it, after this version of key_marker
  int max_keys = 1000;            // versions, delete markers and common prefixes on the page
};

struct VersionEntry {
  std::string key;
  std::string version_id;  // "null" for the null version
  bool is_latest = false;
  bool delete_marker = false;
  SysMillis last_modified{};
  std::string etag;  // quoted; empty for delete markers
  uint64_t size = 0;
};

struct VersionListing {
  std::vector<VersionEntry> versions;        // key ascending, then newest first
  std::vector<std::string> common_prefixes;  // ascending
  bool truncated = false;
  std::string next_key_marker;  // when truncated
  std::string next_version_id_marker;
};

}  // namespace ot::buckets
