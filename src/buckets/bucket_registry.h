#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/policy.h"
#include "buckets/bucket_policy.h"
#include "buckets/lifecycle.h"
#include "buckets/versioning.h"
#include "common/env.h"
#include "common/status.h"

namespace ot::buckets {
namespace internal {
struct Sidecar;
}  // namespace internal

// A bucket the registry knows: local (objects under the data dir) or remote (an S3-compatible
// service the server writes to with signed PutObject).
struct BucketInfo {
  std::string name;
  SysMillis creation_date{};
  std::string region;         // where the bucket lives (us-east-1, eu-west-1, …)
  std::string owner_account;  // 12 digits; empty for remote buckets
  bool remote = false;
  std::string endpoint;  // remote only: "http://127.0.0.1:4568"
};

// How to reach a remote bucket (one entry of `serve --buckets-config`).
struct RemoteBucketConfig {
  std::string name;
  std::string endpoint;  // scheme://host[:port], no trailing path
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional
  bool path_style = true;     // false: https://<bucket>.<host>/<key>
  // TLS to an https endpoint: the peer's certificate is checked against `ca_bundle` (a PEM file)
  // or, when empty, the system's trust store. `tls_verify = false` skips the check (the server
  // logs a warning at start); TLS 1.2 is the oldest version offered either way.
  std::string ca_bundle;
  bool tls_verify = true;
};

// Where the registry of local buckets is persisted (the server implements it on the metadata
// database, kind "bucket"). Each call is durable once it returns OK.
class RegistryStore {
 public:
  virtual ~RegistryStore() = default;
  virtual Status Put(const BucketInfo& bucket) = 0;
  virtual Status Delete(std::string_view name) = 0;  // OK when absent
  virtual Result<std::vector<BucketInfo>> List() = 0;
};

// Encryption at rest (docs/formats/buckets.md § Encryption at rest): every encrypted object has
// its own AES-256-GCM data key, wrapped by a KMS key (SSE-KMS) or by the server-held SSE-S3 key.
inline constexpr std::string_view kSseKms = "aws:kms";
inline constexpr std::string_view kSseS3 = "AES256";

// A data key and its wrapped form, from the key service.
struct WrappedDataKey {
  std::string plaintext;  // 32 bytes
  std::string wrapped;    // opaque to the registry (a KMS ciphertext blob)
  std::string key_arn;    // the KMS key that wrapped it
};

// The KMS side of SSE-KMS (the server implements it with kms::KeyService): errors are KMS's
// (kKmsNotFound, kKmsDisabled, kKmsInvalidState, …).
class DataKeyProvider {
 public:
  virtual ~DataKeyProvider() = default;
  // A new 32-byte data key under the key `key_id` names (id, ARN, alias) in `region`.
  virtual Result<WrappedDataKey> NewDataKey(std::string_view key_id, std::string_view region,
                                            const std::map<std::string, std::string>& context) = 0;
  // The data key `wrapped` holds; `key_arn` is the key NewDataKey reported.
  virtual Result<std::string> OpenDataKey(std::string_view key_arn, std::string_view wrapped,
                                          const std::map<std::string, std::string>& context) = 0;
};

// A bucket's default encryption (PutBucketEncryption): applied to each new object that does not
// ask for its own.
struct BucketEncryption {
  std::string algorithm;   // kSseS3 or kSseKms
  std::string kms_key_id;  // kSseKms: as given (id, ARN, alias); empty → refused at write time
  bool bucket_key_enabled = false;
};

struct RetryPolicy {
  int max_attempts = 6;  // total tries of one remote PutObject
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{10000};  // doubling stops here
  std::chrono::milliseconds timeout{30000};      // per HTTP attempt
  // How to wait between attempts; tests shorten or record it. Null → sleep the thread.
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct RegistryOptions {
  std::string dir;       // local buckets: <dir>/<name>/<key>; created if missing
  std::string meta_dir;  // object metadata sidecars: <meta_dir>/<name>/<key>.json
  RetryPolicy retry;
  DataKeyProvider* kms = nullptr;  // SSE-KMS; null → aws:kms writes fail with kKmsNotFound
  std::string sse_s3_key;          // 32 bytes wrapping SSE-S3 data keys; empty → AES256 refused
  // Lifecycle: packed copies of GLACIER/DEEP_ARCHIVE objects, <archive_dir>/<bucket>/<key>;
  // empty → <dir>-archive.
  std::string archive_dir;
};

// An object to write. `metadata` keys are sent as x-amz-meta-<key> (lowercased).
struct PutObjectRequest {
  std::string_view bucket;
  std::string_view key;
  std::string_view body;
  std::string_view content_type = "application/octet-stream";
  std::map<std::string, std::string> metadata;
  std::map<std::string, std::string> headers;  // extra, e.g. x-amz-acl (remote only)
  // Local buckets. Delivery (the default) is refused with kAccessDenied when the bucket's policy
  // explicitly denies cloudtrail.amazonaws.com this write. A client upload has been authorized by
  // the caller already; its key must not be under an "AWSLogs/" segment, which delivery owns
  // (kAccessDenied), and the sidecar records `uploader` so it is never taken for a log file.
  bool client_upload = false;
  std::string_view uploader;          // the uploading principal's ARN
  std::string_view content_encoding;  // stored and returned as Content-Encoding; may be empty
  // Verified whole-object checksums to keep and return: lowercase algorithm ("crc32", "sha256",
  // …) → base64 value.
  std::map<std::string, std::string> checksums;
  // Lowercase hex MD5 of `body` when the caller has it already (a verified Content-MD5); empty →
  // computed here. Local buckets only.
  std::string_view md5_hex;
  // Encryption at rest: kSseKms (under `sse_kms_key_id`, with `sse_context` as the encryption
  // context), kSseS3, or empty for the bucket's default. Local buckets store the object
  // encrypted; remote ones get the x-amz-server-side-encryption headers.
  std::string_view sse_algorithm;
  std::string_view sse_kms_key_id;
  std::map<std::string, std::string> sse_context;
  // Lifecycle and tagging (local buckets): the object's tags (x-amz-tagging) and storage class
  // (x-amz-storage-class; empty = STANDARD, GLACIER/DEEP_ARCHIVE are archived at once).
  std::map<std::string, std::string> tags;
  std::string_view storage_class;
  // Object lock of the new version (versioning.h): x-amz-object-lock-mode/-retain-until-date and
  // -legal-hold. Empty → the bucket's default retention, if any, applies.
  ObjectRetention retention;
  bool legal_hold = false;
  // Set by PutObject for a versioned bucket: the version id the object got.
  std::string* version_id_out = nullptr;
};

// What S3 reports about one local object (ListObjects, GetObject, HeadObject).
struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  SysMillis last_modified{};
  std::string etag;  // quoted lowercase hex MD5 of the stored bytes: "\"6f59…\""
  std::string content_type = "binary/octet-stream";
  std::map<std::string, std::string> metadata;   // x-amz-meta-* without the prefix, lowercase names
  std::string content_encoding;                  // empty when none was stored
  std::map<std::string, std::string> checksums;  // "crc32" → base64, as uploaded
  std::string uploader;         // a client upload's principal ARN; empty for delivered objects
  std::string sse_algorithm;    // kSseKms, kSseS3, or empty (stored in the clear)
  std::string sse_kms_key_arn;  // kSseKms: the key that wrapped the object's data key
  // Lifecycle (bucket_lifecycle.cc): the storage class; for an archived object whether its
  // bytes cannot be read now (no restored copy), and the x-amz-restore value (empty when no
  // restore was asked for); the object's tags.
  std::string storage_class = std::string(kStandard);
  bool archived = false;
  uint64_t stored_bytes = 0;  // bytes on disk: the packed copy's for an archived object
  std::string restore;
  std::map<std::string, std::string> tags;
  // Versioning (versioning.h): the version's id ("null" for one written while versioning was
  // off or suspended; empty in a bucket that was never versioned), whether it is a delete marker
  // and the newest version of its key, and its object lock.
  std::string version_id;
  bool delete_marker = false;
  bool is_latest = true;
  ObjectRetention retention;
  bool legal_hold = false;
};

// One page of a listing (S3 ListObjects / ListObjectsV2 semantics).
struct ListObjectsOptions {
  std::string prefix;     // only keys starting with this
  std::string delimiter;  // empty: no roll-up; else keys with it after `prefix` become one prefix
  std::string after;      // only keys and common prefixes > this (Marker, StartAfter, token)
  int max_keys = 1000;    // keys plus common prefixes on the page; 0 → an empty, complete page
};

struct ObjectListing {
  // Keys in UTF-8 byte order with size, last_modified and etag (metadata left empty).
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;  // ascending, each ending with the delimiter
  bool truncated = false;                    // more keys or prefixes follow
  std::string last;  // the greatest key or prefix on the page: the next page's `after`
};

// An opened local object: its facts, and the file to read ranges of it from.
struct ObjectReader {
  ObjectInfo info;  // info.size is the size of `file`
  std::unique_ptr<RandomAccessFile> file;
};

// Checks an S3 bucket name (protocols.md §5.1); kInvalidBucketName says why.
Status ValidateBucketName(std::string_view name);

// The registry of buckets. Thread-safe: any thread may call any method concurrently.
class BucketRegistry {
 public:
  // Loads the persisted local buckets. `store` and `env` must outlive the registry.
  static Result<std::unique_ptr<BucketRegistry>> Open(RegistryOptions options, RegistryStore& store,
                                                      Env& env);
  ~BucketRegistry();

  // Registers a remote bucket (not persisted: the config file is read on every start).
  // kInvalidBucketName, kValidation for a bad endpoint, kBucketAlreadyExists for a name in use.
  Status AddRemote(RemoteBucketConfig config);

  // Creates a local bucket owned by `owner_account` in `region`. Errors: kInvalidBucketName,
  // kBucketAlreadyOwnedByYou (same owner), kBucketAlreadyExists (other owner or remote).
  Result<BucketInfo> Create(std::string_view name, std::string_view region,
                            std::string_view owner_account);
  // kNoSuchBucket when unknown.
  Result<BucketInfo> Get(std::string_view name) const;
  // Every bucket (local and remote), ordered by name.
  std::vector<BucketInfo> List() const;
  // Removes an empty local bucket. kNoSuchBucket, kBucketNotEmpty; remote buckets cannot be
  // deleted here (kAccessDenied).
  Status Delete(std::string_view name);

  // Writes an object. Local: atomic file write (temp, fsync, rename, fsync dir) of
  // <dir>/<bucket>/<key> plus a metadata sidecar; keys may contain '/', but not empty, "." or
  // ".." segments (kValidation). Remote: signed S3 PutObject, retried with exponential backoff on
  // connection failures and 5xx; the error message is the S3 <Code> ("NoSuchBucket",
  // "AccessDenied", …) or the transport failure ("connection refused"), with error kUnavailable
  // (transport, 5xx after all retries) or kAccessDenied/kNoSuchBucket/kValidation (4xx).
  Status PutObject(const PutObjectRequest& request);

  // Bucket policies of local buckets, kept in <meta_dir>/_policies/<bucket>.json (written
  // atomically and synced; removed with the bucket). PutPolicy validates with ParseBucketPolicy
  // (kMalformedPolicy) and replaces any policy; GetPolicy returns the text as stored or
  // kNoSuchBucketPolicy; DeletePolicy is OK without a policy. All: kNoSuchBucket, and
  // kS3NotImplemented for a remote bucket.
  Status PutPolicy(std::string_view bucket, std::string_view json);
  Result<std::string> GetPolicy(std::string_view bucket) const;
  Status DeletePolicy(std::string_view bucket);
  // The compiled policy of a local bucket; nullopt without one (or for an unknown bucket).
  std::optional<auth::Policy> CompiledPolicy(std::string_view bucket) const;

  // Default encryption of local buckets (bucket_encryption.cc), kept in
  // <meta_dir>/_encryption/<bucket>.json and removed with the bucket. Get: nullopt when never
  // set (S3 then reports AES256). All: kNoSuchBucket, kS3NotImplemented for a remote bucket.
  Status PutEncryption(std::string_view bucket, const BucketEncryption& encryption);
  Result<std::optional<BucketEncryption>> GetEncryption(std::string_view bucket) const;
  Status DeleteEncryption(std::string_view bucket);

  // Whether a remote bucket exists on its service (HeadBucket): OK, kNoSuchBucket,
  // kAccessDenied, or kUnavailable when the service cannot be reached. OK for local buckets.
  Status CheckRemote(std::string_view bucket) const;

  // Abandons remote transfers in progress and the waits between retries (they fail with
  // kUnavailable "shutting down"), so that the server stops promptly. Irreversible.
  void Shutdown();

  // Local objects of a bucket: keys, sorted. kNoSuchBucket; empty for remote buckets.
  Result<std::vector<std::string>> ListLocalKeys(std::string_view bucket) const;

  // The directory of a local bucket.
  std::string LocalPath(std::string_view bucket) const;

  // Reading and deleting objects of local buckets. All fail with kNoSuchBucket for an unknown
  // bucket, and with kS3NotImplemented (501) for a remote one by design: the server only delivers
  // into remote buckets; clients read them from the service that hosts them.

  // One page of keys, computed from the files (walking only the directory the prefix names).
  Result<ObjectListing> ListObjects(std::string_view bucket,
                                    const ListObjectsOptions& options) const;
  // The object's facts and user metadata; kNoSuchKey when absent. An object written before
  // ETags were stored gets its MD5 computed now and remembered in its sidecar.
  Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key) const;
  // HeadObject plus an open file, to stream the object (or a range) without loading it whole.
  Result<ObjectReader> OpenObject(std::string_view bucket, std::string_view key) const;
  // Removes the object and its sidecar, then the directories this left empty. OK when the key
  // does not exist (S3 semantics). In a versioned bucket: ExpireCurrentVersion.
  Status DeleteObject(std::string_view bucket, std::string_view key);

  // ---- Lifecycle, tagging and archive of local buckets (bucket_lifecycle.cc; docs/formats/
  // buckets.md § Lifecycle). All: kNoSuchBucket. A remote bucket's lifecycle belongs to the S3
  // service that holds it, which applies it; the registry keeps no copy that nothing would apply
  // and answers a remote bucket with S3's 501 error for an operation an endpoint does not offer.

  // The configuration, kept in <meta_dir>/_lifecycle/<bucket>.json and removed with the bucket.
  // Get: kNoSuchLifecycleConfiguration when none. Delete: OK without one.
  Status PutLifecycle(std::string_view bucket, const LifecycleConfiguration& config);
  Result<LifecycleConfiguration> GetLifecycle(std::string_view bucket) const;
  Status DeleteLifecycle(std::string_view bucket);
  // Object tags (Put/Get/DeleteObjectTagging): kNoSuchKey. Put replaces the whole set.
  Status PutObjectTags(std::string_view bucket, std::string_view key,
                       const std::map<std::string, std::string>& tags);
  Result<std::map<std::string, std::string>> GetObjectTags(std::string_view bucket,
                                                           std::string_view key) const;
  // RestoreObject of a GLACIER/DEEP_ARCHIVE object for `days` (lifecycle days): true when a
  // restore was started (S3's 202; RunLifecycle completes it), false when a restored copy's
  // expiry was moved (200). kObjectAlreadyInActiveTier for other classes,
  // kRestoreAlreadyInProgress while one runs, kNoSuchKey.
  Result<bool> RestoreObject(std::string_view bucket, std::string_view key, int64_t days,
                             std::chrono::milliseconds day);
  // Moves one object to `storage_class` now (what a due Transition does): the archive classes
  // pack its bytes into the archive and empty its file; crash-safe (see the format doc). OK and
  // nothing done when the object changed meanwhile or already is at least that cold.
  Status TransitionObject(std::string_view bucket, std::string_view key,
                          std::string_view storage_class);
  // One lifecycle pass over every local bucket at the clock's now: due expirations and
  // transitions, restores to complete (`restore_delay` after they were asked for) and restored
  // copies whose time is up. Returns what it did; a failing object is logged and skipped.
  Result<std::vector<LifecycleAction>> RunLifecycle(const LifecyclePassOptions& options);

  // ---- Versioning, MFA delete and object lock of local buckets (versioning.cc, object_lock.cc;
  // docs/formats/buckets.md § Versioning). All: kNoSuchBucket. A remote bucket's versioning and
  // locks are enforced by the S3 service that holds it; a setting kept here would protect
  // nothing there, so a remote bucket gets S3's 501 error for an operation an endpoint does not
  // offer.

  // The bucket's versioning and object-lock settings (kUnversioned when never set).
  Result<VersioningConfig> GetVersioning(std::string_view bucket) const;
  // PutBucketVersioning. `mfa` is the request's x-amz-mfa once the caller checked its code
  // (nullopt: none or not valid). Changing MFADelete, and any change while MFA delete is on,
  // needs it (kAccessDenied); enabling binds the bucket to `mfa->serial`, whose codes every later
  // change and permanent deletion must then carry. kInvalidBucketState: suspending a bucket with
  // object lock.
  Status PutVersioning(std::string_view bucket, const VersioningChange& change,
                       const std::optional<MfaProof>& mfa);
  // Turns object lock on (CreateBucket with x-amz-bucket-object-lock-enabled, or
  // PutObjectLockConfiguration with ObjectLockEnabled on a versioning-enabled bucket, else
  // kInvalidBucketState) and sets the default retention (nullopt: none).
  Status PutObjectLock(std::string_view bucket, const std::optional<DefaultRetention>& rule);

  // One page of versions and delete markers, newest first per key (ListObjectVersions).
  // kInvalidArgument: a version-id marker without a key marker.
  Result<VersionListing> ListObjectVersions(std::string_view bucket,
                                            const ListVersionsOptions& options) const;
  // A version's facts (`version_id` "null" names the null version, or the object of a bucket
  // that was never versioned). kNoSuchVersion when the key has no such version (kNoSuchKey when
  // it has no versions at all); a delete marker is returned with delete_marker set.
  Result<ObjectInfo> HeadObjectVersion(std::string_view bucket, std::string_view key,
                                       std::string_view version_id) const;
  Result<ObjectReader> OpenObjectVersion(std::string_view bucket, std::string_view key,
                                         std::string_view version_id) const;
  // The newest version of a key (object or delete marker); kNoSuchKey when it has none.
  Result<ObjectInfo> LatestVersion(std::string_view bucket, std::string_view key) const;

  // DeleteObject as S3 answers it. Without `version_id`: unversioned → the object is removed;
  // enabled → a delete marker is added; suspended → a "null" delete marker replaces the null
  // version. With `version_id`: that version (or delete marker) is removed for good — refused
  // with kAccessDenied when MFA delete is on and `options.mfa` does not carry the bucket's device,
  // or the version is under legal hold or retention ("Access Denied because object protected by
  // object lock."; GOVERNANCE yields to options.bypass_governance). OK when absent.
  Result<DeleteOutcome> DeleteVersion(std::string_view bucket, std::string_view key,
                                      const std::optional<std::string>& version_id,
                                      const DeleteOptions& options);
  // What S3 lifecycle's Expiration does to a key's current version (for the lifecycle job):
  // unversioned bucket → the object is removed; versioning enabled → a delete marker is added
  // (the version itself stays, so object lock never stands in the way: a marker removes no data);
  // suspended → a "null" delete marker replaces the null version (a suspended bucket has no
  // object lock). Nothing happens (delete_marker false, version_id empty) when the key is absent
  // or its newest version already is a delete marker.
  Result<DeleteOutcome> ExpireCurrentVersion(std::string_view bucket, std::string_view key);

  // Object lock of one version ("" → the current one). PutRetention: kValidation (InvalidRequest)
  // "Bucket is missing Object Lock Configuration"; kAccessDenied when it would shorten or lift a
  // COMPLIANCE retention, or a GOVERNANCE one without `bypass_governance`.
  Status PutRetention(std::string_view bucket, std::string_view key, std::string_view version_id,
                      const ObjectRetention& retention, bool bypass_governance);
  Status PutLegalHold(std::string_view bucket, std::string_view key, std::string_view version_id,
                      bool on);

 private:
  struct Remote;
  BucketRegistry(RegistryOptions options, RegistryStore& store, Env& env);
  Status PutLocal(const PutObjectRequest& request);
  Status PutRemote(const Remote& remote, const PutObjectRequest& request);
  // The info of a local bucket; kNoSuchBucket, or kS3NotImplemented for a remote one.
  Result<BucketInfo> LocalBucket(std::string_view bucket) const;
  std::string MetaPath(std::string_view bucket, std::string_view key) const;
  std::string PolicyPath(std::string_view bucket) const;
  std::string EncryptionPath(std::string_view bucket) const;
  // The stored bytes of an object written with `algorithm` (encrypted under a new data key) and
  // the sidecar's description of it; `body` as it is for no algorithm.
  struct Sealed {
    std::string bytes;
    std::string algorithm, key_arn, wrapped_key;
  };
  Result<Sealed> SealObject(const BucketInfo& bucket, const PutObjectRequest& request,
                            std::string_view algorithm, std::string_view kms_key_id) const;
  Result<std::string> OpenSealed(std::string_view bucket, std::string_view key,
                                 std::string_view algorithm, std::string_view key_arn,
                                 std::string_view wrapped_key,
                                 const std::map<std::string, std::string>& context,
                                 std::string_view bytes) const;
  // Lifecycle internals (bucket_lifecycle.cc, bucket_encryption.cc).
  std::string LifecyclePath(std::string_view bucket) const;
  std::string ArchivePath(std::string_view bucket, std::string_view file) const;
  void RemoveArchiveFile(std::string_view bucket, std::string_view meta_text);
  Status WriteObjectFile(const std::string& path, std::string_view data);  // atomic, synced
  Result<std::string> OpenDataKey(std::string_view bucket, std::string_view key,
                                  std::string_view algorithm, std::string_view key_arn,
                                  std::string_view wrapped_key,
                                  const std::map<std::string, std::string>& context) const;
  Status CompleteRestore(const BucketInfo& bucket, std::string_view key, SysMillis now,
                         std::chrono::milliseconds day, std::vector<LifecycleAction>* actions);
  Status DropRestoredCopy(const BucketInfo& bucket, std::string_view key,
                          std::vector<LifecycleAction>* actions);
  // NoncurrentVersionExpiration and ExpiredObjectDeleteMarker of a versioned bucket's rules.
  Status ExpireVersions(const BucketInfo& bucket, const LifecycleConfiguration& config,
                        SysMillis now, std::chrono::milliseconds day,
                        std::vector<LifecycleAction>* actions);
  // Storage class, archive state, x-amz-restore and tags of an object, from its sidecar.
  void FillLifecycleFacts(std::string_view bucket, const internal::Sidecar& sidecar,
                          ObjectInfo* info) const;
  // Facts of an existing object file (kNoSuchKey otherwise), from its sidecar. `opened_size`:
  // the size of the object file as the caller's open handle reports it (fstat), so the path is
  // not walked again to stat it.
  Result<ObjectInfo> Facts(const BucketInfo& bucket, std::string_view key, bool metadata,
                           const uint64_t* opened_size = nullptr) const;
  // Versioning internals (versioning.cc). *Locked: the caller holds tree_mu_ exclusively.
  struct FoundVersion;
  std::string VersioningPath(std::string_view bucket) const;
  std::string VersionsDir(std::string_view bucket, std::string_view key) const;
  std::string VersionsRoot(std::string_view bucket) const;
  Status SaveVersioning(std::string_view bucket, const VersioningConfig& config);
  Status LoadVersioning();
  uint64_t NextSeq();
  std::string NewVersionId() const;
  Result<std::optional<internal::Sidecar>> CurrentSidecar(std::string_view bucket,
                                                          std::string_view key) const;
  Result<std::vector<internal::Sidecar>> OlderVersions(std::string_view bucket,
                                                       std::string_view key) const;
  Result<std::optional<FoundVersion>> FindVersion(std::string_view bucket, std::string_view key,
                                                  std::string_view version_id) const;
  // The version a lock call names (the current one when `version_id` is empty): kNoSuchKey,
  // kNoSuchVersion, or kMethodNotAllowed for a delete marker. Caller holds tree_mu_.
  Result<FoundVersion> LockableVersion(std::string_view bucket, std::string_view key,
                                       std::string_view version_id) const;
  // Gives a versioned PUT its version id, seq and lock in `meta`, and moves the current version
  // out of the way (or drops the null version it replaces).
  Status PrepareVersion(const PutObjectRequest& request, const VersioningConfig& config,
                        internal::Sidecar* meta);
  Status ArchiveCurrentLocked(std::string_view bucket, std::string_view key);
  Status RemoveOlderLocked(std::string_view bucket, std::string_view key,
                           std::string_view version_id, bool drop_archive);
  Status PromoteNewestLocked(std::string_view bucket, std::string_view key);
  Status WriteDeleteMarkerLocked(std::string_view bucket, std::string_view key,
                                 std::string_view version_id);
  Status DropNullLocked(std::string_view bucket, std::string_view key, bool* current_dropped);
  Result<DeleteOutcome> AddDeleteMarkerLocked(std::string_view bucket, std::string_view key,
                                              const VersioningConfig& config);
  // Removes a key's object file and sidecar and prunes the directories this emptied.
  Status RemoveLocalLocked(std::string_view bucket, std::string_view key);

  RegistryOptions options_;
  RegistryStore& store_;
  Env& env_;
  mutable std::mutex mu_;
  std::map<std::string, BucketInfo, std::less<>> buckets_;
  std::map<std::string, std::shared_ptr<Remote>, std::less<>> remotes_;
  // Bucket policies: the text as stored and its compiled form, by bucket name (under mu_).
  std::map<std::string, std::pair<std::string, auth::Policy>, std::less<>> policies_;
  // Versioning and object-lock settings of the buckets that have them (under mu_).
  std::map<std::string, VersioningConfig, std::less<>> versioning_;
  std::atomic<uint64_t> version_seq_{0};  // orders versions of a key (see NextSeq)
  // Local objects: writers hold it shared; a delete pruning directories, and the write-back of a
  // lazily computed ETag, hold it exclusively.
  mutable std::shared_mutex tree_mu_;
  // Parsed sidecars by path, reused by Facts while the file's stamp stays the same: a stat
  // instead of open, read, close and a parse on every GetObject and HeadObject. Only settled
  // files (FileStamp::settled) with an ETag are kept; cleared when it reaches kMaxCachedSidecars.
  static constexpr size_t kMaxCachedSidecars = 16384;
  struct CachedSidecar {
    FileStamp stamp;
    std::shared_ptr<const internal::Sidecar> sidecar;
  };
  mutable std::mutex sidecars_mu_;
  mutable std::unordered_map<std::string, CachedSidecar> sidecars_;
  std::atomic<bool> shutting_down_{false};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
};

}  // namespace ot::buckets
