// Lifecycle of local buckets: the configuration (PutBucketLifecycleConfiguration), object tags,
// transitions to colder storage classes (GLACIER and DEEP_ARCHIVE pack the object into the
// archive), RestoreObject, expirations, and the pass that applies them. Formats and the crash
// argument: docs/formats/buckets.md § Lifecycle.

#include <mutex>

#include "buckets/archive.h"
#include "buckets/bucket_registry.h"
#include "buckets/internal/sidecar.h"
#include "common/encoding.h"
#include "common/log.h"
#include "common/time.h"
#include "crypto/aead.h"

namespace ot::buckets {
namespace {

using internal::ParseSidecar;
using internal::Sidecar;
using internal::SidecarJson;

constexpr std::string_view kLifecycleDir = "_lifecycle";

// The AAD of an object's bytes at rest (docs/formats/buckets.md § Encryption at rest) and of its
// packed archive copy.
std::string ObjectAad(std::string_view bucket, std::string_view key) {
  return "s3-object:" + std::string(bucket) + "/" + std::string(key);
}
std::string ArchiveAad(std::string_view bucket, std::string_view key) {
  return "s3-archive:" + std::string(bucket) + "/" + std::string(key);
}

Status NoSuchKey() { return Status(Error::kNoSuchKey, "The specified key does not exist."); }

std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

}  // namespace

std::string BucketRegistry::LifecyclePath(std::string_view bucket) const {
  return options_.meta_dir + "/" + std::string(kLifecycleDir) + "/" + std::string(bucket) + ".json";
}

std::string BucketRegistry::ArchivePath(std::string_view bucket, std::string_view file) const {
  std::string root =
      options_.archive_dir.empty() ? options_.dir + "-archive" : options_.archive_dir;
  return root + "/" + std::string(bucket) + "/" + std::string(file.substr(0, 2)) + "/" +
         std::string(file);
}

void BucketRegistry::RemoveArchiveFile(std::string_view bucket, std::string_view meta_text) {
  Sidecar sidecar = ParseSidecar(meta_text);
  if (sidecar.archive_file.size() < 2) return;
  (void)env_.fs.Remove(ArchivePath(bucket, sidecar.archive_file));
}

void BucketRegistry::FillLifecycleFacts(std::string_view bucket, const Sidecar& sidecar,
                                        ObjectInfo* info) const {
  if (!sidecar.storage_class.empty()) info->storage_class = sidecar.storage_class;
  info->tags = sidecar.tags;
  info->stored_bytes = info->size;
  if (sidecar.archive_codec.empty()) return;
  if (sidecar.sse_algorithm.empty()) info->size = sidecar.archive_size;  // the file is emptied
  auto packed = env_.fs.FileSize(ArchivePath(bucket, sidecar.archive_file));
  info->stored_bytes = packed.ok() ? *packed : 0;
  info->archived = sidecar.restore_expiry.empty();
  if (!sidecar.restore_expiry.empty()) {
    auto expiry = ParseIso8601(sidecar.restore_expiry);
    info->restore = "ongoing-request=\"false\", expiry-date=\"" +
                    FormatHttpDate(expiry.ok() ? *expiry : SysMillis{}) + "\"";
  } else if (!sidecar.restore_requested.empty()) {
    info->restore = "ongoing-request=\"true\"";
  }
}

Status BucketRegistry::PutLifecycle(std::string_view bucket, const LifecycleConfiguration& config) {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(options_.meta_dir + "/" + std::string(kLifecycleDir)));
  return env_.fs.WriteFileAtomic(LifecyclePath(bucket), LifecycleJson(config));
}

Result<LifecycleConfiguration> BucketRegistry::GetLifecycle(std::string_view bucket) const {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  std::string path = LifecyclePath(bucket);
  if (!env_.fs.Exists(path)) {
    return Status(Error::kNoSuchLifecycleConfiguration,
                  "The lifecycle configuration does not exist");
  }
  OT_ASSIGN_OR_RETURN(std::string text, env_.fs.ReadFile(path));
  return ParseLifecycleJson(text);
}

Status BucketRegistry::DeleteLifecycle(std::string_view bucket) {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  OT_RETURN_IF_ERROR(env_.fs.Remove(LifecyclePath(bucket)));
  return env_.fs.SyncDir(options_.meta_dir + "/" + std::string(kLifecycleDir));
}

Status BucketRegistry::PutObjectTags(std::string_view bucket, std::string_view key,
                                     const std::map<std::string, std::string>& tags) {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  OT_RETURN_IF_ERROR(Facts(info, key, false).status());
  std::string meta_path = MetaPath(bucket, key);
  std::unique_lock tree(tree_mu_);
  auto text = env_.fs.ReadFile(meta_path);
  if (!text.ok()) return NoSuchKey();
  Sidecar sidecar = ParseSidecar(*text);
  if (sidecar.delete_marker) return NoSuchKey();
  sidecar.tags = tags;
  return WriteObjectFile(meta_path, SidecarJson(sidecar));
}

Result<std::map<std::string, std::string>> BucketRegistry::GetObjectTags(
    std::string_view bucket, std::string_view key) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  OT_ASSIGN_OR_RETURN(ObjectInfo facts, Facts(info, key, false));
  return facts.tags;
}

Status BucketRegistry::TransitionObject(std::string_view bucket, std::string_view key,
                                        std::string_view storage_class) {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  if (!IsTransitionStorageClass(storage_class)) {
    return Status(Error::kInvalidStorageClass, "The storage class you specified is not valid");
  }
  std::string path = LocalPath(bucket) + "/" + std::string(key);
  std::string meta_path = MetaPath(bucket, key);
  auto before = env_.fs.ReadFile(meta_path);
  if (!before.ok()) return NoSuchKey();
  Sidecar sidecar = ParseSidecar(*before);
  if (sidecar.delete_marker) return Status::Ok();
  std::string current =
      sidecar.storage_class.empty() ? std::string(kStandard) : sidecar.storage_class;
  if (StorageClassRank(current) >= StorageClassRank(storage_class)) return Status::Ok();
  if (!IsArchiveStorageClass(storage_class) || !sidecar.archive_codec.empty()) {
    // Colder but still readable in place (or already packed): the sidecar says so.
    std::unique_lock tree(tree_mu_);
    auto now_text = env_.fs.ReadFile(meta_path);
    if (!now_text.ok() || *now_text != *before) return Status::Ok();  // changed meanwhile
    sidecar.storage_class = std::string(storage_class);
    return WriteObjectFile(meta_path, SidecarJson(sidecar));
  }
  // Pack the bytes into the archive: a new file beside nothing the reader sees yet.
  OT_ASSIGN_OR_RETURN(std::string stored, env_.fs.ReadFile(path));
  std::string plain;
  std::string data_key;
  if (sidecar.sse_algorithm.empty()) {
    plain = stored;
  } else {
    OT_ASSIGN_OR_RETURN(data_key,
                        OpenDataKey(bucket, key, sidecar.sse_algorithm, sidecar.sse_key_arn,
                                    sidecar.sse_wrapped_key, sidecar.sse_context));
    OT_ASSIGN_OR_RETURN(plain, crypto::AeadOpen(data_key, stored, ObjectAad(bucket, key)));
  }
  PackedObject packed = PackForArchive(plain);
  // Never lose an object to a codec mistake: the packed form must give the bytes back.
  OT_ASSIGN_OR_RETURN(std::string check,
                      UnpackFromArchive(packed.codec, packed.gzip_level, packed.bytes));
  if (check != plain) {
    return Status(Error::kInternal, "archive packing of " + std::string(bucket) + "/" +
                                        std::string(key) + " does not round-trip");
  }
  std::string archive_bytes =
      data_key.empty()
          ? std::move(packed.bytes)
          : crypto::AeadSeal(data_key, env_.random, packed.bytes, ArchiveAad(bucket, key));
  // A new name for every packed copy: an overwrite of the key, or a version of it, never meets
  // another's archive file.
  uint64_t id[2] = {env_.random.Next64(), env_.random.Next64()};
  std::string archive_file = HexEncode(std::string_view(reinterpret_cast<const char*>(id), 16));
  std::string archive_path = ArchivePath(bucket, archive_file);
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(Parent(archive_path)));
  OT_RETURN_IF_ERROR(WriteObjectFile(archive_path, archive_bytes));
  // Commit: the sidecar says "archived" (the copy is durable), then the hot bytes go.
  std::unique_lock tree(tree_mu_);
  auto now_text = env_.fs.ReadFile(meta_path);
  auto now_size = env_.fs.FileSize(path);
  if (!now_text.ok() || *now_text != *before || !now_size.ok() || *now_size != stored.size()) {
    (void)env_.fs.Remove(archive_path);  // overwritten or deleted meanwhile: keep theirs
    return Status::Ok();
  }
  sidecar.storage_class = std::string(storage_class);
  sidecar.archive_codec = packed.codec;
  sidecar.archive_file = archive_file;
  sidecar.archive_level = packed.gzip_level;
  sidecar.archive_size = stored.size();
  sidecar.restore_requested.clear();
  sidecar.restore_expiry.clear();
  OT_RETURN_IF_ERROR(WriteObjectFile(meta_path, SidecarJson(sidecar)));
  return env_.fs.Truncate(path, 0);
}

Result<bool> BucketRegistry::RestoreObject(std::string_view bucket, std::string_view key,
                                           int64_t days, std::chrono::milliseconds day) {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  OT_RETURN_IF_ERROR(Facts(info, key, false).status());
  std::string meta_path = MetaPath(bucket, key);
  std::unique_lock tree(tree_mu_);
  auto text = env_.fs.ReadFile(meta_path);
  if (!text.ok()) return NoSuchKey();
  Sidecar sidecar = ParseSidecar(*text);
  if (sidecar.delete_marker) return NoSuchKey();
  if (!IsArchiveStorageClass(sidecar.storage_class) || sidecar.archive_codec.empty()) {
    return Status(Error::kObjectAlreadyInActiveTier,
                  "Restore is not allowed for the object's current storage class");
  }
  SysMillis now = env_.clock.Now();
  if (!sidecar.restore_expiry.empty()) {
    // Restored already: the copy stays for `days` from now.
    sidecar.restore_days = days;
    sidecar.restore_expiry = FormatIso8601Millis(LifecycleDue(now, days, day));
    OT_RETURN_IF_ERROR(WriteObjectFile(meta_path, SidecarJson(sidecar)));
    return false;
  }
  if (!sidecar.restore_requested.empty()) {
    return Status(Error::kRestoreAlreadyInProgress, "Object restore is already in progress");
  }
  sidecar.restore_requested = FormatIso8601Millis(now);
  sidecar.restore_days = days;
  OT_RETURN_IF_ERROR(WriteObjectFile(meta_path, SidecarJson(sidecar)));
  return true;
}

Status BucketRegistry::CompleteRestore(const BucketInfo& bucket, std::string_view key,
                                       SysMillis now, std::chrono::milliseconds day,
                                       std::vector<LifecycleAction>* actions) {
  std::string path = LocalPath(bucket.name) + "/" + std::string(key);
  std::string meta_path = MetaPath(bucket.name, key);
  auto before = env_.fs.ReadFile(meta_path);
  if (!before.ok()) return Status::Ok();
  Sidecar sidecar = ParseSidecar(*before);
  OT_ASSIGN_OR_RETURN(std::string archived,
                      env_.fs.ReadFile(ArchivePath(bucket.name, sidecar.archive_file)));
  std::string data_key;
  std::string packed = std::move(archived);
  if (!sidecar.sse_algorithm.empty()) {
    OT_ASSIGN_OR_RETURN(data_key,
                        OpenDataKey(bucket.name, key, sidecar.sse_algorithm, sidecar.sse_key_arn,
                                    sidecar.sse_wrapped_key, sidecar.sse_context));
    OT_ASSIGN_OR_RETURN(packed, crypto::AeadOpen(data_key, packed, ArchiveAad(bucket.name, key)));
  }
  OT_ASSIGN_OR_RETURN(std::string plain,
                      UnpackFromArchive(sidecar.archive_codec, sidecar.archive_level, packed));
  std::string stored = data_key.empty() ? std::move(plain)
                                        : crypto::AeadSeal(data_key, env_.random, plain,
                                                           ObjectAad(bucket.name, key));
  std::unique_lock tree(tree_mu_);
  auto now_text = env_.fs.ReadFile(meta_path);
  if (!now_text.ok() || *now_text != *before) return Status::Ok();  // next pass
  // The copy first, then the sidecar that makes it readable.
  OT_RETURN_IF_ERROR(WriteObjectFile(path, stored));
  SysMillis expiry = LifecycleDue(now, sidecar.restore_days, day);
  sidecar.restore_requested.clear();
  sidecar.restore_expiry = FormatIso8601Millis(expiry);
  OT_RETURN_IF_ERROR(WriteObjectFile(meta_path, SidecarJson(sidecar)));
  LifecycleAction a;
  a.kind = LifecycleAction::Kind::kRestoreComplete;
  a.key = std::string(key);
  a.storage_class = sidecar.storage_class;
  a.size = sidecar.sse_algorithm.empty() ? sidecar.archive_size : sidecar.sse_size;
  a.restore_expiry = expiry;
  actions->push_back(std::move(a));
  return Status::Ok();
}

Status BucketRegistry::DropRestoredCopy(const BucketInfo& bucket, std::string_view key,
                                        std::vector<LifecycleAction>* actions) {
  std::string path = LocalPath(bucket.name) + "/" + std::string(key);
  std::string meta_path = MetaPath(bucket.name, key);
  std::unique_lock tree(tree_mu_);
  auto text = env_.fs.ReadFile(meta_path);
  if (!text.ok()) return Status::Ok();
  Sidecar sidecar = ParseSidecar(*text);
  bool had_copy = !sidecar.restore_expiry.empty();
  // The sidecar first (unreadable from here on), then the bytes.
  if (had_copy) {
    sidecar.restore_expiry.clear();
    sidecar.restore_days = 0;
    OT_RETURN_IF_ERROR(WriteObjectFile(meta_path, SidecarJson(sidecar)));
  }
  OT_RETURN_IF_ERROR(env_.fs.Truncate(path, 0));
  if (had_copy) {
    LifecycleAction a;
    a.kind = LifecycleAction::Kind::kRestoreExpired;
    a.key = std::string(key);
    a.storage_class = sidecar.storage_class;
    a.size = sidecar.sse_algorithm.empty() ? sidecar.archive_size : sidecar.sse_size;
    actions->push_back(std::move(a));
  }
  return Status::Ok();
}

Status BucketRegistry::ExpireVersions(const BucketInfo& bucket,
                                      const LifecycleConfiguration& config, SysMillis now,
                                      std::chrono::milliseconds day,
                                      std::vector<LifecycleAction>* actions) {
  bool wanted = false;
  for (const LifecycleRule& r : config.rules) {
    wanted |=
        r.enabled && (r.noncurrent_expiration.has_value() ||
                      (r.expiration && r.expiration->expired_object_delete_marker.value_or(false)));
  }
  if (!wanted) return Status::Ok();
  OT_ASSIGN_OR_RETURN(VersioningConfig versioning, GetVersioning(bucket.name));
  if (versioning.status == VersioningStatus::kUnversioned) return Status::Ok();
  // Every version, newest first per key (pages of 1000).
  std::vector<VersionEntry> all;
  ListVersionsOptions page;
  while (true) {
    OT_ASSIGN_OR_RETURN(VersionListing listing, ListObjectVersions(bucket.name, page));
    all.insert(all.end(), listing.versions.begin(), listing.versions.end());
    if (!listing.truncated) break;
    page.key_marker = listing.next_key_marker;
    page.version_id_marker = listing.next_version_id_marker;
  }
  auto expire = [&](const VersionEntry& v, const std::string& rule_id) {
    // Object lock and MFA delete refuse as they refuse anyone (S3 lifecycle never removes a
    // locked version either): logged, retried at the next pass.
    auto done = DeleteVersion(bucket.name, v.key, v.version_id, DeleteOptions{});
    if (!done.ok()) {
      Log(LogLevel::kWarn, "lifecycle: version " + v.version_id + " of " + bucket.name + "/" +
                               v.key + " stays: " + done.status().ToString());
      return false;
    }
    LifecycleAction a;
    a.kind = LifecycleAction::Kind::kExpiration;
    a.key = v.key;
    a.rule_id = rule_id;
    a.storage_class = std::string(kStandard);
    a.size = v.size;
    a.version_id = v.version_id;
    a.permanent = true;
    actions->push_back(std::move(a));
    return true;
  };
  for (size_t begin = 0; begin < all.size();) {
    size_t end = begin;
    while (end < all.size() && all[end].key == all[begin].key) ++end;
    size_t left = end - begin;  // versions of this key that remain
    std::vector<bool> gone(end - begin, false);
    for (const LifecycleRule& rule : config.rules) {
      // Version tags are not looked at: a tag-filtered rule never selects noncurrent versions.
      if (!rule.enabled || !rule.filter.tags.empty()) continue;
      if (!rule.noncurrent_expiration || !rule.noncurrent_expiration->noncurrent_days) continue;
      int64_t newer_noncurrent = 0;
      for (size_t i = begin + 1; i < end; ++i, ++newer_noncurrent) {
        const VersionEntry& v = all[i];
        if (gone[i - begin] || !RuleSelects(rule, v.key, v.size, {})) continue;
        // Noncurrent since the next newer version was written.
        SysMillis due = LifecycleDue(all[i - 1].last_modified,
                                     *rule.noncurrent_expiration->noncurrent_days, day);
        int64_t keep = rule.noncurrent_expiration->newer_noncurrent_versions.value_or(0);
        if (now >= due && newer_noncurrent >= keep && expire(v, rule.id)) {
          gone[i - begin] = true;
          --left;
        }
      }
    }
    // A delete marker with no versions left under it.
    const VersionEntry& latest = all[begin];
    if (latest.delete_marker && left == 1) {
      for (const LifecycleRule& rule : config.rules) {
        if (rule.enabled && rule.expiration &&
            rule.expiration->expired_object_delete_marker.value_or(false) &&
            RuleSelects(rule, latest.key, 0, {}) && expire(latest, rule.id)) {
          break;
        }
      }
    }
    begin = end;
  }
  return Status::Ok();
}

Result<std::vector<LifecycleAction>> BucketRegistry::RunLifecycle(
    const LifecyclePassOptions& options) {
  std::vector<LifecycleAction> actions;
  SysMillis now = env_.clock.Now();
  for (const BucketInfo& bucket : List()) {
    if (bucket.remote || shutting_down_) continue;
    std::optional<LifecycleConfiguration> config;
    if (auto c = GetLifecycle(bucket.name); c.ok()) {
      config = std::move(*c);
    } else if (c.status().code() != Error::kNoSuchLifecycleConfiguration) {
      Log(LogLevel::kError, "lifecycle of bucket " + bucket.name + ": " + c.status().ToString());
    }
    auto keys = ListLocalKeys(bucket.name);
    if (!keys.ok()) continue;  // deleted meanwhile
    size_t first = actions.size();
    for (const std::string& key : *keys) {
      auto facts = Facts(bucket, key, false);
      if (!facts.ok()) continue;
      Status s = Status::Ok();
      if (!facts->restore.empty() || facts->archived) {
        // Restores: complete due ones, drop copies whose time is up, and finish a transition a
        // crash interrupted (archived but its file still full).
        auto text = env_.fs.ReadFile(MetaPath(bucket.name, key));
        Sidecar sidecar = ParseSidecar(text.ok() ? std::string_view(*text) : std::string_view());
        auto requested = ParseIso8601(sidecar.restore_requested);
        auto expiry = ParseIso8601(sidecar.restore_expiry);
        if (requested.ok() && now >= *requested + options.restore_delay) {
          s = CompleteRestore(bucket, key, now, options.day, &actions);
        } else if (expiry.ok() && now >= *expiry) {
          s = DropRestoredCopy(bucket, key, &actions);
        } else if (!expiry.ok() && !sidecar.archive_codec.empty()) {
          auto size = env_.fs.FileSize(LocalPath(bucket.name) + "/" + key);
          if (size.ok() && *size > 0) s = DropRestoredCopy(bucket, key, &actions);
        }
      }
      if (s.ok() && config) {
        LifecycleDecision d =
            DecideLifecycle(*config, key, facts->size, facts->tags, facts->last_modified,
                            facts->storage_class, now, options.day);
        if (d.kind == LifecycleDecision::Kind::kExpire) {
          // As S3's Expiration: unversioned → removed, versioned → a delete marker.
          auto expired = ExpireCurrentVersion(bucket.name, key);
          s = expired.status();
          if (s.ok()) {
            LifecycleAction a;
            a.kind = LifecycleAction::Kind::kExpiration;
            if (expired->delete_marker) a.version_id = expired->version_id;
            a.key = key;
            a.rule_id = d.rule_id;
            a.storage_class = facts->storage_class;
            a.size = facts->size;
            actions.push_back(std::move(a));
          }
        } else if (d.kind == LifecycleDecision::Kind::kTransition) {
          s = TransitionObject(bucket.name, key, d.storage_class);
          auto after = Facts(bucket, key, false);
          if (s.ok() && after.ok() && after->storage_class == d.storage_class) {
            LifecycleAction a;
            a.kind = LifecycleAction::Kind::kTransition;
            a.key = key;
            a.rule_id = d.rule_id;
            a.storage_class = d.storage_class;
            a.previous_class = facts->storage_class;
            a.size = facts->size;
            a.stored_bytes = after->stored_bytes;
            actions.push_back(std::move(a));
          }
        }
      }
      if (!s.ok()) {
        Log(LogLevel::kError,
            "lifecycle of " + bucket.name + "/" + key + " failed: " + s.ToString());
      }
    }
    if (config) {
      Status s = ExpireVersions(bucket, *config, now, options.day, &actions);
      if (!s.ok()) {
        Log(LogLevel::kError, "lifecycle of the versions of " + bucket.name + ": " + s.ToString());
      }
    }
    for (size_t i = first; i < actions.size(); ++i) {
      actions[i].bucket = bucket.name;
      actions[i].region = bucket.region;
      actions[i].owner_account = bucket.owner_account;
      actions[i].time = now;
    }
  }
  return actions;
}

}  // namespace ot::buckets
