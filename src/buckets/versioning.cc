// Versioning and MFA delete of local buckets (docs/formats/buckets.md § Versioning).
//
// The current version of a key stays where an unversioned bucket keeps its object
// (<dir>/<bucket>/<key> and its sidecar), so listings, trail delivery, digests and validate-logs
// read it as before. Older versions and delete markers live under
// <meta_dir>/_versions/<bucket>/<key>.versions/: the bytes as <version id>, the sidecar as
// <version id>.json (a delete marker has only the sidecar). Every node a key makes there ends in
// ".versions" and is a directory; version ids never contain '.', so no two keys meet.
// Invariant: the object file of a key exists exactly when its newest version is not a delete
// marker. Mutations of versioned buckets hold tree_mu_ exclusively.
#include <algorithm>
#include <mutex>

#include "api/protocol/json_value.h"
#include "buckets/bucket_registry.h"
#include "buckets/internal/found_version.h"
#include "buckets/internal/key_walk.h"
#include "buckets/internal/sidecar.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "crypto/hash.h"

namespace ot::buckets {
namespace {

using internal::kVersionsSuffix;
using internal::ParseSidecar;
using internal::Sidecar;
using internal::SidecarJson;

constexpr std::string_view kVersioningDir = "_versioning";
constexpr std::string_view kVersionsDir = "_versions";
constexpr std::string_view kTempPrefix = ".ot-tmp-";  // the registry's atomic-write leftovers

std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

// Keys a local bucket can hold (the registry's KeySegments rules): no empty, "." or ".."
// segment, so no path made from a key leaves its bucket's directories.
bool StorableKey(std::string_view key) {
  if (key.empty() || key.size() > 1024 || key.find('\0') != key.npos) return false;
  size_t start = 0;
  while (true) {
    size_t slash = key.find('/', start);
    std::string_view seg =
        key.substr(start, slash == std::string_view::npos ? key.npos : slash - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.starts_with(kTempPrefix)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

// Version ids: 32 URL-safe characters ("null" is the null version). Never contain '.' or '/'.
bool PlausibleVersionId(std::string_view id) {
  if (id == "null") return true;
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

Status ProtectedByLock() {
  return Status(Error::kAccessDenied, "Access Denied because object protected by object lock.");
}

Status MfaRequired() {
  return Status(Error::kAccessDenied, "Mfa Authentication must be used for this request");
}

std::string_view StatusName(VersioningStatus s) {
  switch (s) {
    case VersioningStatus::kEnabled:
      return "Enabled";
    case VersioningStatus::kSuspended:
      return "Suspended";
    case VersioningStatus::kUnversioned:
      break;
  }
  return "";
}

std::string ConfigJson(const VersioningConfig& c) {
  JsonWriter w;
  w.BeginObject();
  w.Key("Status").String(StatusName(c.status));
  w.Key("MFADelete").Bool(c.mfa_delete);
  if (!c.mfa_serial.empty()) w.Key("MfaSerial").String(c.mfa_serial);
  w.Key("ObjectLock").Bool(c.object_lock);
  if (c.default_retention) {
    w.Key("DefaultRetention").BeginObject();
    w.Key("Mode").String(c.default_retention->mode);
    if (c.default_retention->days > 0) w.Key("Days").Int(c.default_retention->days);
    if (c.default_retention->years > 0) w.Key("Years").Int(c.default_retention->years);
    w.EndObject();
  }
  w.EndObject();
  return w.Take();
}

Result<VersioningConfig> ParseConfig(std::string_view text) {
  OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(text));
  api::Members m(doc->root(), "versioning");
  VersioningConfig c;
  OT_ASSIGN_OR_RETURN(std::string status, m.ReqString("Status"));
  if (status == "Enabled") {
    c.status = VersioningStatus::kEnabled;
  } else if (status == "Suspended") {
    c.status = VersioningStatus::kSuspended;
  }
  OT_ASSIGN_OR_RETURN(auto mfa, m.OptBool("MFADelete"));
  c.mfa_delete = mfa.value_or(false);
  OT_ASSIGN_OR_RETURN(auto serial, m.OptString("MfaSerial"));
  c.mfa_serial = serial.value_or("");
  OT_ASSIGN_OR_RETURN(auto lock, m.OptBool("ObjectLock"));
  c.object_lock = lock.value_or(false);
  if (auto r = doc->root().Get("DefaultRetention"); r && r->is_object()) {
    api::Members rm(*r, "DefaultRetention");
    DefaultRetention d;
    OT_ASSIGN_OR_RETURN(d.mode, rm.ReqString("Mode"));
    OT_ASSIGN_OR_RETURN(auto days, rm.OptInt("Days"));
    OT_ASSIGN_OR_RETURN(auto years, rm.OptInt("Years"));
    d.days = static_cast<int>(days.value_or(0));
    d.years = static_cast<int>(years.value_or(0));
    c.default_retention = d;
  }
  return c;
}

// A decrypted version, read like a file.
class BytesFile final : public RandomAccessFile {
 public:
  explicit BytesFile(std::string bytes) : bytes_(std::move(bytes)) {}
  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    *out = offset >= bytes_.size() ? std::string() : bytes_.substr(offset, n);
    return Status::Ok();
  }
  uint64_t Size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
};

std::string VersionIdOf(const Sidecar& s) { return s.version_id.empty() ? "null" : s.version_id; }

// Whether the version's lock forbids removing it now.
Status CheckLock(const Sidecar& s, SysMillis now, bool bypass_governance) {
  if (s.legal_hold) return ProtectedByLock();
  if (s.lock_mode.empty()) return Status::Ok();
  auto until = ParseIso8601(s.lock_until);
  if (!until.ok() || *until <= now) return Status::Ok();
  if (s.lock_mode == kLockGovernance && bypass_governance) return Status::Ok();
  return ProtectedByLock();
}

ObjectInfo InfoOf(std::string_view key, const Sidecar& s, uint64_t file_size, SysMillis fallback) {
  ObjectInfo info;
  info.key = std::string(key);
  info.size = s.sse_algorithm.empty() ? file_size : s.sse_size;
  if (!s.content_type.empty()) info.content_type = s.content_type;
  auto modified = ParseIso8601(s.last_modified);
  info.last_modified = modified.ok() ? *modified : fallback;
  info.metadata = s.metadata;
  info.content_encoding = s.content_encoding;
  info.checksums = s.checksums;
  info.uploader = s.uploader;
  info.sse_algorithm = s.sse_algorithm;
  info.sse_kms_key_arn = s.sse_key_arn;
  info.etag = s.delete_marker ? std::string() : "\"" + s.etag_hex + "\"";
  internal::ApplyVersionFields(s, &info);
  if (info.version_id.empty()) info.version_id = "null";
  return info;
}

}  // namespace

namespace internal {

void ApplyVersionFields(const Sidecar& s, ObjectInfo* info) {
  info->version_id = s.version_id;
  info->delete_marker = s.delete_marker;
  info->retention.mode = s.lock_mode;
  if (auto until = ParseIso8601(s.lock_until); until.ok()) info->retention.retain_until = *until;
  info->legal_hold = s.legal_hold;
}

}  // namespace internal

std::string BucketRegistry::VersioningPath(std::string_view bucket) const {
  return options_.meta_dir + "/" + std::string(kVersioningDir) + "/" + std::string(bucket) +
         ".json";
}

std::string BucketRegistry::VersionsRoot(std::string_view bucket) const {
  return options_.meta_dir + "/" + std::string(kVersionsDir) + "/" + std::string(bucket);
}

std::string BucketRegistry::VersionsDir(std::string_view bucket, std::string_view key) const {
  return VersionsRoot(bucket) + "/" + std::string(key) + std::string(kVersionsSuffix);
}

Status BucketRegistry::LoadVersioning() {
  for (const auto& [name, info] : buckets_) {
    std::string path = VersioningPath(name);
    if (!env_.fs.Exists(path)) continue;
    OT_ASSIGN_OR_RETURN(std::string text, env_.fs.ReadFile(path));
    auto config = ParseConfig(text);
    // Like a bucket policy, a lost MFA-delete or object-lock setting would silently lift a
    // protection: refuse to start instead.
    if (!config.ok()) {
      return Status(Error::kCorruption,
                    "versioning settings " + path + " are not valid: " + config.status().message());
    }
    versioning_.emplace(name, std::move(*config));
  }
  return Status::Ok();
}

Status BucketRegistry::SaveVersioning(std::string_view bucket, const VersioningConfig& config) {
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(options_.meta_dir + "/" + std::string(kVersioningDir)));
  return env_.fs.WriteFileAtomic(VersioningPath(bucket), ConfigJson(config));
}

Result<VersioningConfig> BucketRegistry::GetVersioning(std::string_view bucket) const {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  std::lock_guard lock(mu_);
  auto it = versioning_.find(bucket);
  return it == versioning_.end() ? VersioningConfig{} : it->second;
}

Status BucketRegistry::PutVersioning(std::string_view bucket, const VersioningChange& change,
                                     const std::optional<MfaProof>& mfa) {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  std::lock_guard lock(mu_);
  VersioningConfig config;
  if (auto it = versioning_.find(bucket); it != versioning_.end()) config = it->second;
  if (config.object_lock && change.status != VersioningStatus::kEnabled) {
    return Status(Error::kInvalidBucketState,
                  "An Object Lock configuration is present on this bucket, so the versioning "
                  "state cannot be changed.");
  }
  // While MFA delete is on, only the bucket's device may change anything; turning it on needs a
  // device, which the bucket is then bound to.
  if (config.mfa_delete) {
    if (!mfa) return MfaRequired();
    if (mfa->serial != config.mfa_serial) {
      return Status(Error::kAccessDenied,
                    "Access Denied: x-amz-mfa must name the MFA device that enabled MFA delete "
                    "on this bucket.");
    }
  } else if (change.mfa_delete.value_or(false) && !mfa) {
    return MfaRequired();
  }
  config.status = change.status;
  if (change.mfa_delete) {
    if (*change.mfa_delete && !config.mfa_delete) config.mfa_serial = mfa->serial;
    if (!*change.mfa_delete) config.mfa_serial.clear();
    config.mfa_delete = *change.mfa_delete;
  }
  OT_RETURN_IF_ERROR(SaveVersioning(bucket, config));
  versioning_.insert_or_assign(std::string(bucket), std::move(config));
  return Status::Ok();
}

uint64_t BucketRegistry::NextSeq() {
  // Microseconds of the clock, strictly increasing within a run (and across restarts as long as
  // the clock does not step back by more than the versions written since).
  uint64_t now = static_cast<uint64_t>(env_.clock.Now().time_since_epoch().count()) * 1000;
  uint64_t prev = version_seq_.load();
  uint64_t next;
  do {
    next = std::max(now, prev + 1);
  } while (!version_seq_.compare_exchange_weak(prev, next));
  return next;
}

// Drawn again when it would begin with '-' or '_': the AWS CLI reads "--version-id -x…" as an
// option and refuses the call (1 id in 32 otherwise), and S3's own ids begin with a letter or
// digit.
std::string BucketRegistry::NewVersionId() const {
  while (true) {
    uint8_t raw[24];
    env_.random.Fill(raw);
    std::string id =
        Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(raw), sizeof(raw)));
    if (id[0] != '-' && id[0] != '_') return id;
  }
}

// ---- reading versions (callers hold tree_mu_ in either mode) ----------------------------------

Result<std::optional<Sidecar>> BucketRegistry::CurrentSidecar(std::string_view bucket,
                                                              std::string_view key) const {
  std::string path = LocalPath(bucket) + "/" + std::string(key);
  auto size = env_.fs.FileSize(path);
  if (!size.ok()) return std::optional<Sidecar>();
  auto text = env_.fs.ReadFile(MetaPath(bucket, key));
  if (!text.ok()) {
    if (env_.fs.List(path).ok()) return std::optional<Sidecar>();  // a directory, not a key
    return std::optional<Sidecar>(Sidecar{});  // an object without sidecar: the null version
  }
  return std::optional<Sidecar>(ParseSidecar(*text));
}

Result<std::vector<Sidecar>> BucketRegistry::OlderVersions(std::string_view bucket,
                                                           std::string_view key) const {
  std::vector<Sidecar> out;
  std::string dir = VersionsDir(bucket, key);
  auto names = env_.fs.List(dir);
  if (!names.ok()) return out;
  for (const std::string& name : *names) {
    if (!name.ends_with(".json") || name.ends_with(kVersionsSuffix)) continue;
    std::string id = name.substr(0, name.size() - 5);
    if (!PlausibleVersionId(id)) continue;
    auto text = env_.fs.ReadFile(dir + "/" + name);
    if (!text.ok()) continue;
    Sidecar s = ParseSidecar(*text);
    // A crash between writing an archived sidecar and moving its bytes leaves a sidecar without
    // data: that version is still the current one.
    if (!s.delete_marker && !env_.fs.Exists(dir + "/" + id)) continue;
    s.version_id = id;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(),
            [](const Sidecar& a, const Sidecar& b) { return a.seq > b.seq; });
  return out;
}

Result<std::optional<BucketRegistry::FoundVersion>> BucketRegistry::FindVersion(
    std::string_view bucket, std::string_view key, std::string_view version_id) const {
  using Out = std::optional<FoundVersion>;
  if (!StorableKey(key) || !PlausibleVersionId(version_id)) return Out();
  OT_ASSIGN_OR_RETURN(auto current, CurrentSidecar(bucket, key));
  if (current && VersionIdOf(*current) == version_id) {
    FoundVersion f;
    f.sidecar = std::move(*current);
    f.sidecar.version_id = std::string(version_id);
    f.current = true;
    f.sidecar_path = MetaPath(bucket, key);
    f.data_path = LocalPath(bucket) + "/" + std::string(key);
    return Out(std::move(f));
  }
  std::string dir = VersionsDir(bucket, key);
  std::string sidecar_path = dir + "/" + std::string(version_id) + ".json";
  auto text = env_.fs.ReadFile(sidecar_path);
  if (!text.ok()) return Out();
  FoundVersion f;
  f.sidecar = ParseSidecar(*text);
  f.sidecar.version_id = std::string(version_id);
  f.sidecar_path = sidecar_path;
  if (!f.sidecar.delete_marker) {
    f.data_path = dir + "/" + std::string(version_id);
    if (!env_.fs.Exists(f.data_path)) return Out();
  }
  return Out(std::move(f));
}

Result<ObjectInfo> BucketRegistry::HeadObjectVersion(std::string_view bucket, std::string_view key,
                                                     std::string_view version_id) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  std::shared_lock tree(tree_mu_);
  OT_ASSIGN_OR_RETURN(auto found, FindVersion(bucket, key, version_id));
  if (!found) {
    bool any = false;
    if (StorableKey(key)) {
      OT_ASSIGN_OR_RETURN(auto current, CurrentSidecar(bucket, key));
      OT_ASSIGN_OR_RETURN(auto older, OlderVersions(bucket, key));
      any = current.has_value() || !older.empty();
    }
    if (!any) return Status(Error::kNoSuchKey, "The specified key does not exist.");
    return Status(Error::kNoSuchVersion, "The specified version does not exist.");
  }
  if (found->current) {
    tree.unlock();
    OT_ASSIGN_OR_RETURN(ObjectInfo facts, Facts(info, key, true));
    if (facts.version_id.empty()) facts.version_id = "null";
    facts.is_latest = true;
    return facts;
  }
  uint64_t size = 0;
  if (!found->sidecar.delete_marker) {
    OT_ASSIGN_OR_RETURN(size, env_.fs.FileSize(found->data_path));
    if (found->sidecar.etag_hex.empty()) {
      auto bytes = env_.fs.ReadFile(found->data_path);
      if (bytes.ok()) found->sidecar.etag_hex = crypto::Md5Hex(*bytes);
    }
  }
  ObjectInfo out = InfoOf(key, found->sidecar, size, info.creation_date);
  FillLifecycleFacts(bucket, found->sidecar, &out);  // storage class, archive state, tags
  // A delete marker is the latest when no object file exists and nothing newer is archived.
  out.is_latest = false;
  if (found->sidecar.delete_marker && !env_.fs.Exists(LocalPath(bucket) + "/" + std::string(key))) {
    OT_ASSIGN_OR_RETURN(auto older, OlderVersions(bucket, key));
    out.is_latest = !older.empty() && older.front().version_id == found->sidecar.version_id;
  }
  return out;
}

Result<ObjectReader> BucketRegistry::OpenObjectVersion(std::string_view bucket,
                                                       std::string_view key,
                                                       std::string_view version_id) const {
  OT_ASSIGN_OR_RETURN(ObjectInfo facts, HeadObjectVersion(bucket, key, version_id));
  if (facts.is_latest && !facts.delete_marker) {
    OT_ASSIGN_OR_RETURN(ObjectReader reader, OpenObject(bucket, key));
    reader.info.version_id = facts.version_id;
    return reader;
  }
  if (facts.archived) {  // lifecycle: a GLACIER/DEEP_ARCHIVE version's bytes are packed away
    return Status(Error::kInvalidObjectState,
                  "The operation is not valid for the object's storage class");
  }
  std::string path = VersionsDir(bucket, key) + "/" + std::string(version_id);
  ObjectReader reader;
  if (!facts.sse_algorithm.empty()) {
    auto bytes = env_.fs.ReadFile(path);
    auto text = env_.fs.ReadFile(path + ".json");
    if (!bytes.ok() || !text.ok()) {
      return Status(Error::kNoSuchVersion, "The specified version does not exist.");
    }
    Sidecar s = ParseSidecar(*text);
    OT_ASSIGN_OR_RETURN(std::string plain, OpenSealed(bucket, key, s.sse_algorithm, s.sse_key_arn,
                                                      s.sse_wrapped_key, s.sse_context, *bytes));
    reader.info = std::move(facts);
    reader.info.size = plain.size();
    reader.file = std::make_unique<BytesFile>(std::move(plain));
    return reader;
  }
  auto file = env_.fs.OpenRead(path);
  if (!file.ok()) return Status(Error::kNoSuchVersion, "The specified version does not exist.");
  reader.info = std::move(facts);
  reader.info.size = (*file)->Size();
  reader.file = std::move(*file);
  return reader;
}

Result<ObjectInfo> BucketRegistry::LatestVersion(std::string_view bucket,
                                                 std::string_view key) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  if (!StorableKey(key)) return Status(Error::kNoSuchKey, "The specified key does not exist.");
  std::shared_lock tree(tree_mu_);
  OT_ASSIGN_OR_RETURN(auto current, CurrentSidecar(bucket, key));
  if (current) {
    tree.unlock();
    OT_ASSIGN_OR_RETURN(ObjectInfo facts, Facts(info, key, true));
    if (facts.version_id.empty()) facts.version_id = "null";
    return facts;
  }
  OT_ASSIGN_OR_RETURN(auto older, OlderVersions(bucket, key));
  if (older.empty()) return Status(Error::kNoSuchKey, "The specified key does not exist.");
  ObjectInfo out = InfoOf(key, older.front(), 0, info.creation_date);
  out.is_latest = true;
  return out;
}

// ---- writing versions (callers hold tree_mu_ exclusively) -------------------------------------

Status BucketRegistry::ArchiveCurrentLocked(std::string_view bucket, std::string_view key) {
  OT_ASSIGN_OR_RETURN(auto current, CurrentSidecar(bucket, key));
  if (!current) return Status::Ok();
  Sidecar s = std::move(*current);
  std::string path = LocalPath(bucket) + "/" + std::string(key);
  if (s.etag_hex.empty()) {
    OT_ASSIGN_OR_RETURN(std::string bytes, env_.fs.ReadFile(path));
    s.etag_hex = crypto::Md5Hex(bytes);
  }
  std::string id = VersionIdOf(s);
  s.version_id = id;
  std::string dir = VersionsDir(bucket, key);
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(dir));
  // Sidecar first, then the bytes: a crash in between leaves a sidecar OlderVersions ignores.
  OT_RETURN_IF_ERROR(env_.fs.WriteFileAtomic(dir + "/" + id + ".json", SidecarJson(s)));
  OT_RETURN_IF_ERROR(env_.fs.Rename(path, dir + "/" + id));
  OT_RETURN_IF_ERROR(env_.fs.SyncDir(dir));
  // The key's own sidecar now describes nothing (the archived copy took over, with whatever it
  // refers to, such as a lifecycle archive file, which must stay).
  OT_RETURN_IF_ERROR(env_.fs.Remove(MetaPath(bucket, key)));
  return env_.fs.SyncDir(Parent(path));
}

Status BucketRegistry::RemoveOlderLocked(std::string_view bucket, std::string_view key,
                                         std::string_view version_id, bool drop_archive) {
  std::string dir = VersionsDir(bucket, key);
  // A version deleted for good takes its lifecycle archive copy with it; one promoted back to
  // the key's path keeps it.
  auto text = drop_archive ? env_.fs.ReadFile(dir + "/" + std::string(version_id) + ".json")
                           : Result<std::string>(Status(Error::kNoSuchKey, "kept"));
  OT_RETURN_IF_ERROR(env_.fs.Remove(dir + "/" + std::string(version_id)));
  OT_RETURN_IF_ERROR(env_.fs.Remove(dir + "/" + std::string(version_id) + ".json"));
  (void)env_.fs.SyncDir(dir);
  if (text.ok()) RemoveArchiveFile(bucket, *text);
  // Prune the key's versions directory and the empty levels above it.
  std::string top = VersionsRoot(bucket);
  for (std::string d = dir; d.size() > top.size(); d = Parent(d)) {
    auto names = env_.fs.List(d);
    if (!names.ok() || !names->empty()) break;
    if (!env_.fs.Remove(d).ok()) break;
  }
  return Status::Ok();
}

Status BucketRegistry::PromoteNewestLocked(std::string_view bucket, std::string_view key) {
  OT_ASSIGN_OR_RETURN(auto older, OlderVersions(bucket, key));
  if (older.empty() || older.front().delete_marker) return Status::Ok();
  const Sidecar& s = older.front();
  std::string dir = VersionsDir(bucket, key);
  std::string path = LocalPath(bucket) + "/" + std::string(key);
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(Parent(path)));
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(Parent(MetaPath(bucket, key))));
  // Sidecar first (an object file never exists without it), then the bytes move back.
  OT_RETURN_IF_ERROR(env_.fs.WriteFileAtomic(MetaPath(bucket, key), SidecarJson(s)));
  OT_RETURN_IF_ERROR(env_.fs.Rename(dir + "/" + s.version_id, path));
  OT_RETURN_IF_ERROR(env_.fs.SyncDir(Parent(path)));
  return RemoveOlderLocked(bucket, key, s.version_id, false);
}

Status BucketRegistry::WriteDeleteMarkerLocked(std::string_view bucket, std::string_view key,
                                               std::string_view version_id) {
  Sidecar marker;
  marker.version_id = std::string(version_id);
  marker.seq = NextSeq();
  marker.delete_marker = true;
  marker.last_modified = FormatIso8601Millis(env_.clock.Now());
  std::string dir = VersionsDir(bucket, key);
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(dir));
  return env_.fs.WriteFileAtomic(dir + "/" + std::string(version_id) + ".json",
                                 SidecarJson(marker));
}

// Removes the null version of a key (current or older), unless locked. In a suspended bucket a
// new null version or null delete marker replaces it.
Status BucketRegistry::DropNullLocked(std::string_view bucket, std::string_view key,
                                      bool* current_dropped) {
  *current_dropped = false;
  OT_ASSIGN_OR_RETURN(auto found, FindVersion(bucket, key, "null"));
  if (!found) return Status::Ok();
  OT_RETURN_IF_ERROR(CheckLock(found->sidecar, env_.clock.Now(), false));
  if (found->current) {
    *current_dropped = true;
    return RemoveLocalLocked(bucket, key);
  }
  return RemoveOlderLocked(bucket, key, "null", true);
}

Status BucketRegistry::PrepareVersion(const PutObjectRequest& request,
                                      const VersioningConfig& config, Sidecar* meta) {
  const bool enabled = config.status == VersioningStatus::kEnabled;
  meta->version_id = enabled ? NewVersionId() : "null";
  meta->seq = NextSeq();
  SysMillis now = env_.clock.Now();
  if (!request.retention.mode.empty()) {
    meta->lock_mode = request.retention.mode;
    meta->lock_until = FormatIso8601Millis(request.retention.retain_until);
  } else if (config.object_lock && config.default_retention) {
    const DefaultRetention& d = *config.default_retention;
    auto span = std::chrono::days(d.days) + std::chrono::days(365LL * d.years);
    meta->lock_mode = d.mode;
    meta->lock_until =
        FormatIso8601Millis(now + std::chrono::duration_cast<std::chrono::milliseconds>(span));
  }
  meta->legal_hold = request.legal_hold;
  if (request.version_id_out != nullptr) *request.version_id_out = meta->version_id;
  if (!enabled) {
    // The new null version replaces the old one; a current version with a real id is kept.
    bool dropped = false;
    OT_RETURN_IF_ERROR(DropNullLocked(request.bucket, request.key, &dropped));
    if (dropped) return Status::Ok();
  }
  return ArchiveCurrentLocked(request.bucket, request.key);
}

Result<DeleteOutcome> BucketRegistry::AddDeleteMarkerLocked(std::string_view bucket,
                                                            std::string_view key,
                                                            const VersioningConfig& config) {
  DeleteOutcome out;
  out.delete_marker = true;
  if (config.status == VersioningStatus::kEnabled) {
    out.version_id = NewVersionId();
    OT_RETURN_IF_ERROR(ArchiveCurrentLocked(bucket, key));
  } else {
    out.version_id = "null";
    bool dropped = false;
    OT_RETURN_IF_ERROR(DropNullLocked(bucket, key, &dropped));
    if (!dropped) OT_RETURN_IF_ERROR(ArchiveCurrentLocked(bucket, key));
  }
  // The current object's sidecar goes with it: the key now ends in a delete marker.
  if (!env_.fs.Exists(LocalPath(bucket) + "/" + std::string(key))) {
    OT_RETURN_IF_ERROR(RemoveLocalLocked(bucket, key));
  }
  OT_RETURN_IF_ERROR(WriteDeleteMarkerLocked(bucket, key, out.version_id));
  return out;
}

Result<DeleteOutcome> BucketRegistry::DeleteVersion(std::string_view bucket, std::string_view key,
                                                    const std::optional<std::string>& version_id,
                                                    const DeleteOptions& options) {
  OT_ASSIGN_OR_RETURN(VersioningConfig config, GetVersioning(bucket));
  if (!version_id) {
    if (config.status == VersioningStatus::kUnversioned) {
      OT_RETURN_IF_ERROR(DeleteObject(bucket, key));
      return DeleteOutcome{};
    }
    if (!StorableKey(key)) return DeleteOutcome{};
    std::unique_lock tree(tree_mu_);
    return AddDeleteMarkerLocked(bucket, key, config);
  }
  if (!PlausibleVersionId(*version_id)) {
    return Status(Error::kInvalidArgument, "Invalid version id specified");
  }
  if (config.mfa_delete) {
    if (!options.mfa) return MfaRequired();
    if (options.mfa->serial != config.mfa_serial) {
      return Status(Error::kAccessDenied,
                    "Access Denied: x-amz-mfa must name the MFA device that enabled MFA delete "
                    "on this bucket.");
    }
  }
  DeleteOutcome out;
  out.version_id = *version_id;
  std::unique_lock tree(tree_mu_);
  OT_ASSIGN_OR_RETURN(auto found, FindVersion(bucket, key, *version_id));
  if (!found) return out;  // S3 answers 204 for a version that is not there
  OT_RETURN_IF_ERROR(CheckLock(found->sidecar, env_.clock.Now(), options.bypass_governance));
  out.delete_marker = found->sidecar.delete_marker;
  if (found->current) {
    OT_RETURN_IF_ERROR(RemoveLocalLocked(bucket, key));
  } else {
    OT_RETURN_IF_ERROR(RemoveOlderLocked(bucket, key, *version_id, true));
    if (env_.fs.Exists(LocalPath(bucket) + "/" + std::string(key))) return out;
  }
  // The newest remaining version becomes current when it is an object.
  OT_RETURN_IF_ERROR(PromoteNewestLocked(bucket, key));
  return out;
}

Result<DeleteOutcome> BucketRegistry::ExpireCurrentVersion(std::string_view bucket,
                                                           std::string_view key) {
  OT_ASSIGN_OR_RETURN(VersioningConfig config, GetVersioning(bucket));
  if (!StorableKey(key)) return DeleteOutcome{};
  if (config.status == VersioningStatus::kUnversioned) {
    std::unique_lock tree(tree_mu_);
    OT_ASSIGN_OR_RETURN(auto current, CurrentSidecar(bucket, key));
    if (!current) return DeleteOutcome{};
    OT_RETURN_IF_ERROR(RemoveLocalLocked(bucket, key));
    return DeleteOutcome{};
  }
  std::unique_lock tree(tree_mu_);
  OT_ASSIGN_OR_RETURN(auto current, CurrentSidecar(bucket, key));
  if (!current) return DeleteOutcome{};
  return AddDeleteMarkerLocked(bucket, key, config);
}

}  // namespace ot::buckets

namespace ot::buckets {
namespace {

uint64_t FileSizeOr0(FileSystem& fs, const std::string& path) {
  auto size = fs.FileSize(path);
  return size.ok() ? *size : 0;
}

// Whether the versions directory `dir` holds a file (a version or a delete marker's sidecar),
// not only the folders of deeper keys (or nothing, left by a crash).
bool HoldsFile(FileSystem& fs, const std::string& dir) {
  auto names = fs.List(dir);
  if (!names.ok()) return false;
  return std::any_of(names->begin(), names->end(),
                     [&](const std::string& n) { return !fs.List(dir + "/" + n).ok(); });
}

}  // namespace

Result<VersionListing> BucketRegistry::ListObjectVersions(
    std::string_view bucket, const ListVersionsOptions& options) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  if (!options.version_id_marker.empty() && options.key_marker.empty()) {
    return Status(Error::kInvalidArgument,
                  "A version-id marker cannot be specified without a key marker.");
  }
  VersionListing page;
  if (options.max_keys <= 0) return page;
  // Walk only the directories the prefix names, as ListObjects does, and of them only the
  // folders that can hold a key of this page, in key order over both trees (the current
  // versions' and the older ones'), stopping once the page is full: a page costs what it shows.
  const std::string& prefix = options.prefix;
  const std::string& marker = options.key_marker;
  const std::string& delim = options.delimiter;
  size_t cut = prefix.rfind('/');
  std::string base = cut == std::string::npos ? "" : prefix.substr(0, cut + 1);
  size_t count = 0;
  auto full = [&] { return count == static_cast<size_t>(options.max_keys); };
  Status failed = Status::Ok();
  auto enter = [&](const std::string& folder) {
    return internal::FolderCanHoldPageKeys(folder, prefix, delim, marker, page.common_prefixes);
  };
  auto visit = [&](const internal::WalkedKey& walked) {
    const std::string& key = walked.key;
    if (!key.starts_with(prefix) || key < marker) return true;
    if (key == marker && options.version_id_marker.empty()) return true;
    if (!delim.empty()) {
      size_t pos = key.find(delim, prefix.size());
      if (pos != std::string::npos) {
        std::string entry = key.substr(0, pos + delim.size());
        if (entry <= marker) return true;  // on an earlier page
        if (!page.common_prefixes.empty() && page.common_prefixes.back() == entry) return true;
        // A versions directory alone is a key only when it holds a version.
        if (walked.object_path.empty() && !HoldsFile(env_.fs, walked.versions_path)) return true;
        if (full()) {
          page.truncated = true;
          return false;
        }
        ++count;
        page.common_prefixes.push_back(entry);
        page.next_key_marker = std::move(entry);
        page.next_version_id_marker.clear();
        return true;
      }
    }
    // The key's versions, newest first: the current object, then the older ones by seq.
    std::vector<Sidecar> versions;
    auto current = CurrentSidecar(bucket, key);
    if (!current.ok()) {
      failed = current.status();
      return false;
    }
    std::string path = LocalPath(bucket) + "/" + key;
    uint64_t current_size = 0;
    const bool has_current = current->has_value();
    if (has_current) {
      Sidecar& s = **current;
      s.version_id = VersionIdOf(s);
      if (s.etag_hex.empty()) {
        auto bytes = env_.fs.ReadFile(path);
        if (bytes.ok()) s.etag_hex = crypto::Md5Hex(*bytes);
      }
      current_size = FileSizeOr0(env_.fs, path);
      versions.push_back(std::move(s));
    }
    if (!walked.versions_path.empty()) {
      auto older = OlderVersions(bucket, key);
      if (!older.ok()) {
        failed = older.status();
        return false;
      }
      for (Sidecar& s : *older) versions.push_back(std::move(s));
    }
    bool skipping = key == marker;  // until version_id_marker has passed
    for (size_t i = 0; i < versions.size(); ++i) {
      const Sidecar& s = versions[i];
      if (skipping) {
        if (s.version_id == options.version_id_marker) skipping = false;
        continue;
      }
      if (full()) {
        page.truncated = true;
        return false;
      }
      ++count;
      VersionEntry e;
      e.key = key;
      e.version_id = s.version_id;
      e.is_latest = i == 0;
      e.delete_marker = s.delete_marker;
      auto modified = ParseIso8601(s.last_modified);
      e.last_modified = modified.ok() ? *modified : info.creation_date;
      if (!s.delete_marker) {
        e.etag = "\"" + s.etag_hex + "\"";
        uint64_t size = i == 0 && has_current
                            ? current_size
                            : FileSizeOr0(env_.fs, walked.versions_path + "/" + s.version_id);
        e.size = s.sse_algorithm.empty() ? size : s.sse_size;
      }
      page.next_key_marker = key;
      page.next_version_id_marker = e.version_id;
      page.versions.push_back(std::move(e));
    }
    return true;
  };
  std::shared_lock tree(tree_mu_);
  if (base.empty() || StorableKey(std::string_view(base).substr(0, base.size() - 1))) {
    std::string sub = base.empty() ? "" : "/" + base.substr(0, base.size() - 1);
    std::string objects_dir = LocalPath(bucket) + sub;
    std::string versions_dir = VersionsRoot(bucket) + sub;
    if (!env_.fs.List(objects_dir).ok()) objects_dir.clear();
    if (!env_.fs.List(versions_dir).ok()) versions_dir.clear();
    bool stopped = false;
    OT_RETURN_IF_ERROR(internal::WalkKeysInOrder(env_.fs, objects_dir, versions_dir, base, enter,
                                                 visit, &stopped));
    OT_RETURN_IF_ERROR(failed);
  }
  if (!page.truncated) {
    page.next_key_marker.clear();
    page.next_version_id_marker.clear();
  }
  return page;
}

}  // namespace ot::buckets
