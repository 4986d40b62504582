#include "buckets/bucket_registry.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "api/protocol/json_value.h"
#include "buckets/internal/key_walk.h"
#include "buckets/internal/s3_client.h"
#include "buckets/internal/sidecar.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "crypto/aead.h"
#include "crypto/hash.h"

namespace ot::buckets {
namespace {

// Temporary files of atomic writes; no key segment may start with it.
constexpr std::string_view kTempPrefix = ".ot-tmp-";
// Bucket policies live in <meta_dir>/_policies/: '_' cannot begin a bucket name, so this
// directory never meets a bucket's own sidecar directory.
constexpr std::string_view kPolicyDir = "_policies";

bool IsLowerOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view name) {
  int parts = 0;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    std::string_view part =
        name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// Splits a key into path segments; fails for keys a file system cannot hold as given.
Result<std::vector<std::string_view>> KeySegments(std::string_view key) {
  if (key.empty() || key.size() > 1024) {
    return Status(Error::kValidation, "The object key must be 1 to 1024 bytes long.");
  }
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (true) {
    size_t slash = key.find('/', start);
    std::string_view seg =
        key.substr(start, slash == std::string_view::npos ? key.npos : slash - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.find('\0') != seg.npos ||
        seg.starts_with(kTempPrefix)) {
      return Status(Error::kValidation, "The object key '" + std::string(key) +
                                            "' has an empty, '.' or '..' segment, which a local "
                                            "bucket cannot store.");
    }
    segments.push_back(seg);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

// Whether `path` names a directory (one the registry made for keys with '/').
bool IsDir(FileSystem& fs, const std::string& path) { return fs.List(path).ok(); }

// Client uploads may not write where delivery writes: any key with an "AWSLogs" segment
// ("AWSLogs/…" or "<prefix>/AWSLogs/…") is reserved for log and digest files.
Status CheckClientKey(std::string_view key) {
  if (key == "AWSLogs" || key.starts_with("AWSLogs/") ||
      key.find("/AWSLogs/") != std::string_view::npos || key.ends_with("/AWSLogs")) {
    return Status(Error::kAccessDenied,
                  "Keys with an AWSLogs/ segment are written by trail delivery only; a client "
                  "may not put objects there.");
  }
  return Status::Ok();
}

// Writes `data` to a uniquely named temporary file next to `path`, syncs it, renames it over
// `path` and syncs the directory: readers see the old or the new object, never a part, and
// concurrent writers of one key do not share a temporary file.
Status WriteAtomic(Env& env, const std::string& path, std::string_view data) {
  uint64_t nonce = env.random.Next64();
  std::string tmp = Parent(path) + "/" + std::string(kTempPrefix) +
                    HexEncode(std::string_view(reinterpret_cast<const char*>(&nonce), 8));
  {
    OT_ASSIGN_OR_RETURN(auto file, env.fs.OpenAppend(tmp));
    Status s = file->Append(data);
    if (s.ok()) s = file->Sync();
    Status closed = file->Close();
    if (s.ok()) s = closed;
    if (!s.ok()) {
      (void)env.fs.Remove(tmp);
      return s;
    }
  }
  Status renamed = env.fs.Rename(tmp, path);
  if (!renamed.ok()) {
    (void)env.fs.Remove(tmp);
    return renamed;
  }
  return env.fs.SyncDir(Parent(path));
}

using internal::ParseSidecar;
using internal::Sidecar;
using internal::SidecarJson;

// MD5 of a file, read in 1 MiB pieces.
Result<std::string> FileMd5Hex(FileSystem& fs, const std::string& path) {
  OT_ASSIGN_OR_RETURN(auto file, fs.OpenRead(path));
  crypto::Md5Hasher md5;
  std::string chunk;
  for (uint64_t off = 0; off < file->Size(); off += chunk.size()) {
    OT_RETURN_IF_ERROR(file->Read(off, 1 << 20, &chunk));
    if (chunk.empty()) break;
    md5.Update(chunk);
  }
  return HexEncode(md5.Finish());
}

// The KMS encryption context of an object's data key: the writer's (a trail's
// {"aws:cloudtrail:arn": …}), else S3's own {"aws:s3:arn": <object ARN>}.
std::map<std::string, std::string> KmsContext(const PutObjectRequest& request) {
  if (!request.sse_context.empty()) return request.sse_context;
  return {{"aws:s3:arn",
           "arn:aws:s3:::" + std::string(request.bucket) + "/" + std::string(request.key)}};
}

}  // namespace

Status ValidateBucketName(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return Status(Error::kInvalidBucketName,
                  "The specified bucket is not valid: " + std::string(why) + ".");
  };
  if (name.size() < 3 || name.size() > 63) return bad("it must be 3 to 63 characters long");
  for (char c : name) {
    if (!IsLowerOrDigit(c) && c != '.' && c != '-') {
      return bad("only lowercase letters, digits, '.' and '-' are allowed");
    }
  }
  if (!IsLowerOrDigit(name.front()) || !IsLowerOrDigit(name.back())) {
    return bad("it must begin and end with a letter or digit");
  }
  if (name.find("..") != name.npos) return bad("it must not contain '..'");
  if (LooksLikeIpv4(name)) return bad("it must not be formatted as an IP address");
  if (name.starts_with("xn--")) return bad("it must not start with 'xn--'");
  if (name.ends_with("-s3alias")) return bad("it must not end with '-s3alias'");
  return Status::Ok();
}

struct BucketRegistry::Remote {
  RemoteBucketConfig config;
  std::unique_ptr<internal::S3Client> client;
};

BucketRegistry::BucketRegistry(RegistryOptions options, RegistryStore& store, Env& env)
    : options_(std::move(options)), store_(store), env_(env) {}

BucketRegistry::~BucketRegistry() = default;

Result<std::unique_ptr<BucketRegistry>> BucketRegistry::Open(RegistryOptions options,
                                                             RegistryStore& store, Env& env) {
  if (options.meta_dir.empty()) options.meta_dir = options.dir + "-meta";
  OT_RETURN_IF_ERROR(env.fs.CreateDirs(options.dir));
  OT_RETURN_IF_ERROR(env.fs.CreateDirs(options.meta_dir));
  std::unique_ptr<BucketRegistry> registry(new BucketRegistry(std::move(options), store, env));
  OT_ASSIGN_OR_RETURN(auto persisted, store.List());
  for (BucketInfo& b : persisted) {
    b.remote = false;
    OT_RETURN_IF_ERROR(env.fs.CreateDirs(registry->LocalPath(b.name)));
    std::string name = b.name;
    registry->buckets_.emplace(std::move(name), std::move(b));
  }
  OT_RETURN_IF_ERROR(
      env.fs.CreateDirs(registry->options_.meta_dir + "/" + std::string(kPolicyDir)));
  for (const auto& [name, info] : registry->buckets_) {
    std::string path = registry->PolicyPath(name);
    if (!env.fs.Exists(path)) continue;
    OT_ASSIGN_OR_RETURN(std::string text, env.fs.ReadFile(path));
    // A stored policy that no longer parses must not silently vanish: its Deny statements
    // protect the bucket. Refuse to start instead.
    auto policy = ParseBucketPolicy(name, text);
    if (!policy.ok()) {
      return Status(Error::kCorruption,
                    "bucket policy " + path + " is not valid: " + policy.status().message());
    }
    registry->policies_.emplace(name, std::make_pair(std::move(text), std::move(*policy)));
  }
  OT_RETURN_IF_ERROR(registry->LoadVersioning());
  return registry;
}

std::string BucketRegistry::LocalPath(std::string_view bucket) const {
  return options_.dir + "/" + std::string(bucket);
}

Status BucketRegistry::AddRemote(RemoteBucketConfig config) {
  OT_RETURN_IF_ERROR(ValidateBucketName(config.name));
  if (!config.endpoint.starts_with("http://") && !config.endpoint.starts_with("https://")) {
    return Status(Error::kValidation, "Remote bucket '" + config.name +
                                          "': endpoint must start with http:// or https://.");
  }
  while (config.endpoint.ends_with("/")) config.endpoint.pop_back();
  if (config.access_key_id.empty() || config.secret_access_key.empty()) {
    return Status(Error::kValidation, "Remote bucket '" + config.name +
                                          "': access_key_id and secret_access_key are required.");
  }
  if (config.region.empty()) config.region = "us-east-1";
  auto remote = std::make_shared<Remote>();
  remote->client = std::make_unique<internal::S3Client>(config, env_.clock, &shutting_down_);
  remote->config = config;
  std::lock_guard lock(mu_);
  if (buckets_.contains(config.name)) {
    return Status(Error::kBucketAlreadyExists,
                  "The bucket '" + config.name + "' is already registered.");
  }
  BucketInfo info;
  info.name = config.name;
  info.creation_date = env_.clock.Now();
  info.region = config.region;
  info.remote = true;
  info.endpoint = config.endpoint;
  buckets_.emplace(config.name, std::move(info));
  remotes_.emplace(config.name, std::move(remote));
  return Status::Ok();
}

Result<BucketInfo> BucketRegistry::Create(std::string_view name, std::string_view region,
                                          std::string_view owner_account) {
  OT_RETURN_IF_ERROR(ValidateBucketName(name));
  std::lock_guard lock(mu_);
  if (auto it = buckets_.find(name); it != buckets_.end()) {
    if (!it->second.remote && it->second.owner_account == owner_account) {
      return Status(Error::kBucketAlreadyOwnedByYou,
                    "Your previous request to create the named bucket succeeded and you already "
                    "own it.");
    }
    return Status(Error::kBucketAlreadyExists,
                  "The requested bucket name is not available. The bucket namespace is shared by "
                  "all users of the system. Please select a different name and try again.");
  }
  BucketInfo info;
  info.name = std::string(name);
  info.creation_date = env_.clock.Now();
  info.region = std::string(region);
  info.owner_account = std::string(owner_account);
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(LocalPath(name)));
  OT_RETURN_IF_ERROR(store_.Put(info));
  buckets_.emplace(info.name, info);
  return info;
}

Result<BucketInfo> BucketRegistry::Get(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(name);
  if (it == buckets_.end()) {
    return Status(Error::kNoSuchBucket, "The specified bucket does not exist");
  }
  return it->second;
}

std::vector<BucketInfo> BucketRegistry::List() const {
  std::lock_guard lock(mu_);
  std::vector<BucketInfo> out;
  out.reserve(buckets_.size());
  for (const auto& [name, info] : buckets_) out.push_back(info);
  return out;
}

namespace {

// Appends the keys of regular files under `dir` (as `prefix` + relative path), depth first.
// A name is a directory when it can be listed.
Status CollectKeys(FileSystem& fs, const std::string& dir, const std::string& prefix,
                   std::vector<std::string>* keys, std::vector<std::string>* dirs) {
  OT_ASSIGN_OR_RETURN(auto names, fs.List(dir));
  for (const std::string& name : names) {
    if (name.starts_with(kTempPrefix)) continue;  // a crashed atomic write's leftover
    std::string path = dir + "/" + name;
    auto sub = fs.List(path);
    if (sub.ok()) {
      OT_RETURN_IF_ERROR(CollectKeys(fs, path, prefix + name + "/", keys, dirs));
      if (dirs != nullptr) dirs->push_back(path);
    } else {
      keys->push_back(prefix + name);
    }
  }
  return Status::Ok();
}

}  // namespace

namespace internal {

Status WalkKeysInOrder(FileSystem& fs, const std::string& objects_dir,
                       const std::string& versions_dir, const std::string& base,
                       const std::function<bool(const std::string&)>& enter,
                       const std::function<bool(const WalkedKey&)>& visit, bool* stopped) {
  struct Entry {
    std::string key;  // ends in '/' for a folder
    std::string object_path;
    std::string versions_path;
    bool folder;
  };
  std::vector<Entry> entries;
  if (!objects_dir.empty()) {
    OT_ASSIGN_OR_RETURN(auto names, fs.List(objects_dir));
    entries.reserve(names.size());
    for (const std::string& name : names) {
      if (name.starts_with(kTempPrefix)) continue;  // a crashed atomic write's leftover
      std::string path = objects_dir + "/" + name;
      const bool folder = IsDir(fs, path);
      entries.push_back({base + name + (folder ? "/" : ""), std::move(path), "", folder});
    }
  }
  if (!versions_dir.empty()) {
    auto names = fs.List(versions_dir);
    for (const std::string& name : names.ok() ? *names : std::vector<std::string>()) {
      std::string path = versions_dir + "/" + name;
      if (name.starts_with(kTempPrefix) || !IsDir(fs, path)) continue;  // a version's own file
      if (name.ends_with(kVersionsSuffix) && name.size() > kVersionsSuffix.size()) {
        entries.push_back(
            {base + name.substr(0, name.size() - kVersionsSuffix.size()), "", path, false});
      }
      entries.push_back({base + name + "/", "", std::move(path), true});
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  for (size_t i = 0; i < entries.size(); ++i) {
    Entry& e = entries[i];
    // The same key or folder in both trees: one entry with both paths.
    if (i + 1 < entries.size() && entries[i + 1].key == e.key) {
      Entry& next = entries[i + 1];
      if (e.object_path.empty()) e.object_path = std::move(next.object_path);
      if (e.versions_path.empty()) e.versions_path = std::move(next.versions_path);
      ++i;
    }
    if (e.folder) {
      if (!enter(e.key)) continue;
      OT_RETURN_IF_ERROR(
          WalkKeysInOrder(fs, e.object_path, e.versions_path, e.key, enter, visit, stopped));
      if (*stopped) return Status::Ok();
    } else if (!visit(WalkedKey{std::move(e.key), std::move(e.object_path),
                                std::move(e.versions_path)})) {
      *stopped = true;
      return Status::Ok();
    }
  }
  return Status::Ok();
}

bool FolderCanHoldPageKeys(std::string_view folder, std::string_view prefix,
                           std::string_view delimiter, std::string_view after,
                           const std::vector<std::string>& common_prefixes) {
  if (!folder.starts_with(prefix) && !prefix.starts_with(folder)) return false;
  if (folder <= after && !after.starts_with(folder)) return false;  // every key below is <= after
  if (!delimiter.empty() && folder.starts_with(prefix)) {
    size_t pos = folder.find(delimiter, prefix.size());
    if (pos != std::string_view::npos && pos + delimiter.size() <= folder.size()) {
      // Every key below rolls up into `entry`.
      std::string_view entry = folder.substr(0, pos + delimiter.size());
      if (entry <= after) return false;
      if (!common_prefixes.empty() && common_prefixes.back() == entry) return false;
    }
  }
  return true;
}

}  // namespace internal

Result<std::vector<std::string>> BucketRegistry::ListLocalKeys(std::string_view bucket) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, Get(bucket));
  std::vector<std::string> keys;
  if (info.remote) return keys;
  OT_RETURN_IF_ERROR(CollectKeys(env_.fs, LocalPath(bucket), "", &keys, nullptr));
  std::sort(keys.begin(), keys.end());
  return keys;
}

Status BucketRegistry::Delete(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(name);
  if (it == buckets_.end()) {
    return Status(Error::kNoSuchBucket, "The specified bucket does not exist");
  }
  if (it->second.remote) {
    return Status(Error::kAccessDenied, "A remote bucket cannot be deleted through OpenTrail.");
  }
  std::vector<std::string> keys;
  std::vector<std::string> dirs;  // deepest first
  std::string root = LocalPath(name);
  OT_RETURN_IF_ERROR(CollectKeys(env_.fs, root, "", &keys, &dirs));
  if (!keys.empty()) {
    return Status(Error::kBucketNotEmpty, "The bucket you tried to delete is not empty");
  }
  // Older versions and delete markers count too: S3 deletes only a bucket without versions.
  std::vector<std::string> old_versions;
  std::vector<std::string> version_dirs;
  if (env_.fs.Exists(VersionsRoot(name))) {
    OT_RETURN_IF_ERROR(CollectKeys(env_.fs, VersionsRoot(name), "", &old_versions, &version_dirs));
    if (!old_versions.empty()) {
      return Status(Error::kBucketNotEmpty, "The bucket you tried to delete is not empty");
    }
  }
  // The policy goes first: a crash in between leaves a bucket without its policy, never a
  // policy that a later bucket of the same name would inherit.
  if (env_.fs.Exists(PolicyPath(name))) {
    OT_RETURN_IF_ERROR(env_.fs.Remove(PolicyPath(name)));
    OT_RETURN_IF_ERROR(env_.fs.SyncDir(options_.meta_dir + "/" + std::string(kPolicyDir)));
  }
  policies_.erase(std::string(name));
  OT_RETURN_IF_ERROR(env_.fs.Remove(EncryptionPath(name)));  // its default encryption too
  OT_RETURN_IF_ERROR(env_.fs.Remove(LifecyclePath(name)));   // and lifecycle (archive: below)
  OT_RETURN_IF_ERROR(env_.fs.Remove(VersioningPath(name)));  // and its versioning settings
  versioning_.erase(std::string(name));
  version_dirs.push_back(VersionsRoot(name));
  for (const std::string& dir : version_dirs) (void)env_.fs.Remove(dir);
  OT_RETURN_IF_ERROR(store_.Delete(name));
  buckets_.erase(it);
  // Empty directories (and stray temp files) are removed best effort: the registry decides.
  dirs.push_back(root);
  for (const std::string& dir : dirs) {
    auto names = env_.fs.List(dir);
    if (names.ok()) {
      for (const std::string& n : *names) (void)env_.fs.Remove(dir + "/" + n);
    }
    (void)env_.fs.Remove(dir);
  }
  std::vector<std::string> meta_keys;
  std::vector<std::string> meta_dirs;
  std::string meta_root = options_.meta_dir + "/" + std::string(name);
  // Lifecycle: packed copies left by overwritten objects.
  std::string archive_root = Parent(Parent(ArchivePath(name, "xx")));
  for (const std::string& top : {meta_root, archive_root}) {
    meta_keys.clear();
    meta_dirs.clear();
    if (CollectKeys(env_.fs, top, "", &meta_keys, &meta_dirs).ok()) {
      for (const std::string& k : meta_keys) (void)env_.fs.Remove(top + "/" + k);
      meta_dirs.push_back(top);
      for (const std::string& dir : meta_dirs) (void)env_.fs.Remove(dir);
    }
  }
  return Status::Ok();
}

Status BucketRegistry::PutObject(const PutObjectRequest& request) {
  std::shared_ptr<Remote> remote;
  std::optional<auth::Policy> policy;
  std::string owner;
  {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(request.bucket);
    if (it == buckets_.end()) {
      return Status(Error::kNoSuchBucket,
                    "NoSuchBucket: bucket '" + std::string(request.bucket) + "' is not registered");
    }
    if (it->second.remote) remote = remotes_.at(it->second.name);
    owner = it->second.owner_account;
    if (auto p = policies_.find(request.bucket); p != policies_.end()) policy = p->second.second;
  }
  if (remote) {
    if (request.sse_algorithm.empty()) return PutRemote(*remote, request);
    // The remote service encrypts: pass the SSE headers through.
    PutObjectRequest with_sse = request;
    with_sse.headers["x-amz-server-side-encryption"] = std::string(request.sse_algorithm);
    if (request.sse_algorithm == kSseKms && !request.sse_kms_key_id.empty()) {
      with_sse.headers["x-amz-server-side-encryption-aws-kms-key-id"] =
          std::string(request.sse_kms_key_id);
    }
    return PutRemote(*remote, with_sse);
  }
  if (request.client_upload) {
    OT_RETURN_IF_ERROR(CheckClientKey(request.key));
  } else if (policy) {
    // Delivery honours the owner's explicit Deny of CloudTrail's write (a trail's Allow was
    // checked when it was created or updated, with its ARN; here the trail is not known).
    DeliveryFacts facts{owner, "", env_.clock.Now()};
    if (DeliveryDecision(*policy, request.bucket, request.key, facts) ==
        auth::Decision::kExplicitDeny) {
      return Status(Error::kAccessDenied, "AccessDenied: the policy of bucket '" +
                                              std::string(request.bucket) +
                                              "' denies cloudtrail.amazonaws.com s3:PutObject on " +
                                              std::string(request.key));
    }
  }
  return PutLocal(request);
}

std::string BucketRegistry::MetaPath(std::string_view bucket, std::string_view key) const {
  return options_.meta_dir + "/" + std::string(bucket) + "/" + std::string(key) + ".json";
}

std::string BucketRegistry::PolicyPath(std::string_view bucket) const {
  return options_.meta_dir + "/" + std::string(kPolicyDir) + "/" + std::string(bucket) + ".json";
}

Status BucketRegistry::PutLocal(const PutObjectRequest& request) {
  OT_ASSIGN_OR_RETURN(auto segments, KeySegments(request.key));
  // Encryption: the request's own, else the bucket's default.
  std::string_view algorithm = request.sse_algorithm;
  std::string_view kms_key_id = request.sse_kms_key_id;
  std::optional<BucketEncryption> default_encryption;
  if (algorithm.empty()) {
    OT_ASSIGN_OR_RETURN(default_encryption, GetEncryption(request.bucket));
    if (default_encryption) {
      algorithm = default_encryption->algorithm;
      kms_key_id = default_encryption->kms_key_id;
    }
  }
  OT_ASSIGN_OR_RETURN(BucketInfo bucket_info, LocalBucket(request.bucket));
  OT_ASSIGN_OR_RETURN(Sealed sealed, SealObject(bucket_info, request, algorithm, kms_key_id));
  std::string root = LocalPath(request.bucket);
  std::string path = root + "/" + std::string(request.key);
  std::string meta_path = MetaPath(request.bucket, request.key);
  Sidecar meta;
  meta.content_type = std::string(request.content_type);
  meta.last_modified = FormatIso8601Millis(env_.clock.Now());
  meta.etag_hex =
      request.md5_hex.empty() ? crypto::Md5Hex(request.body) : std::string(request.md5_hex);
  meta.metadata = request.metadata;
  meta.content_encoding = std::string(request.content_encoding);
  meta.checksums = request.checksums;
  if (request.client_upload) meta.uploader = std::string(request.uploader);
  meta.tags = request.tags;  // lifecycle: tags, and a storage class that stays readable in place
  if (!request.storage_class.empty() && request.storage_class != kStandard &&
      !IsArchiveStorageClass(request.storage_class)) {
    meta.storage_class = std::string(request.storage_class);
  }
  if (!sealed.algorithm.empty()) {
    meta.sse_algorithm = std::move(sealed.algorithm);
    meta.sse_key_arn = std::move(sealed.key_arn);
    meta.sse_wrapped_key = std::move(sealed.wrapped_key);
    if (meta.sse_algorithm == kSseKms) meta.sse_context = KmsContext(request);
    meta.sse_size = request.body.size();
  }
  // A versioned PUT moves the current version aside first: it holds the tree exclusively.
  OT_ASSIGN_OR_RETURN(VersioningConfig versioning, GetVersioning(request.bucket));
  const bool versioned = versioning.status != VersioningStatus::kUnversioned;
  std::shared_lock tree(tree_mu_, std::defer_lock);  // a delete must not prune dirs made here
  std::unique_lock tree_exclusive(tree_mu_, std::defer_lock);
  if (versioned) {
    tree_exclusive.lock();
  } else {
    tree.lock();
  }
  // Files are the objects and directories the '/' levels: "a" and "a/b" cannot both exist here.
  if (IsDir(env_.fs, path)) {
    return Status(Error::kInvalidArgument,
                  "Objects exist under '" + std::string(request.key) +
                      "/'; a local bucket cannot also hold an object with that key.");
  }
  for (std::string dir = Parent(path); dir.size() > root.size(); dir = Parent(dir)) {
    if (env_.fs.Exists(dir) && !IsDir(env_.fs, dir)) {
      return Status(Error::kInvalidArgument,
                    "The object '" + dir.substr(root.size() + 1) +
                        "' exists; a local bucket cannot also hold keys under it.");
    }
  }
  if (segments.size() > 1) {
    OT_RETURN_IF_ERROR(env_.fs.CreateDirs(Parent(path)));
  }
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(Parent(meta_path)));
  if (versioned) OT_RETURN_IF_ERROR(PrepareVersion(request, versioning, &meta));
  std::string sidecar = SidecarJson(meta);
  // Lifecycle: the packed copy of an unversioned object this replaces (versions keep theirs).
  auto replaced = versioned ? Result<std::string>(std::string()) : env_.fs.ReadFile(meta_path);
  // Sidecar first: an object file never exists without its metadata.
  OT_RETURN_IF_ERROR(WriteAtomic(env_, meta_path, sidecar));
  OT_RETURN_IF_ERROR(
      WriteAtomic(env_, path, meta.sse_algorithm.empty() ? request.body : sealed.bytes));
  if (replaced.ok()) RemoveArchiveFile(request.bucket, *replaced);
  if (IsArchiveStorageClass(request.storage_class)) {  // lifecycle: x-amz-storage-class GLACIER
    if (tree.owns_lock()) tree.unlock();
    if (tree_exclusive.owns_lock()) tree_exclusive.unlock();
    return TransitionObject(request.bucket, request.key, request.storage_class);
  }
  return Status::Ok();
}

Status BucketRegistry::WriteObjectFile(const std::string& path, std::string_view data) {
  return WriteAtomic(env_, path, data);
}

Status BucketRegistry::PutRemote(const Remote& remote, const PutObjectRequest& request) {
  const RetryPolicy& retry = options_.retry;
  std::chrono::milliseconds backoff = retry.initial_backoff;
  Status last = Status::Ok();
  int redirects = 0;
  for (int attempt = 1; attempt <= std::max(1, retry.max_attempts); ++attempt) {
    if (shutting_down_) return Status(Error::kUnavailable, "shutting down");
    internal::S3Attempt result = remote.client->PutObject(request, retry.timeout);
    if (result.status.ok() || !result.retryable) return result.status;
    if (result.region_changed && ++redirects <= 2) {
      --attempt;  // signed for the wrong region: not a failure of the service
      continue;
    }
    last = result.status;
    if (attempt == retry.max_attempts) break;
    if (retry.sleep) {
      retry.sleep(backoff);
    } else {
      std::unique_lock lock(sleep_mu_);
      sleep_cv_.wait_for(lock, backoff, [&] { return shutting_down_.load(); });
    }
    backoff = std::min(backoff * 2, retry.max_backoff);
  }
  return last;
}

Status BucketRegistry::CheckRemote(std::string_view bucket) const {
  std::shared_ptr<Remote> remote;
  {
    std::lock_guard lock(mu_);
    auto it = remotes_.find(bucket);
    if (it == remotes_.end()) return Status::Ok();
    remote = it->second;
  }
  internal::S3Attempt result = remote->client->HeadBucket(options_.retry.timeout);
  if (result.region_changed) result = remote->client->HeadBucket(options_.retry.timeout);
  return result.status;
}

Result<BucketInfo> BucketRegistry::LocalBucket(std::string_view bucket) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, Get(bucket));
  if (info.remote) {
    return Status(Error::kS3NotImplemented,
                  "The bucket '" + info.name +
                      "' is a remote bucket; read its objects from its own S3 service.");
  }
  return info;
}

namespace {

Status NoSuchKey() { return Status(Error::kNoSuchKey, "The specified key does not exist."); }

// A decrypted object, read like a file.
class StringFile final : public RandomAccessFile {
 public:
  explicit StringFile(std::string bytes) : bytes_(std::move(bytes)) {}
  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    *out = offset >= bytes_.size() ? std::string() : bytes_.substr(offset, n);
    return Status::Ok();
  }
  uint64_t Size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
};

}  // namespace

Result<ObjectInfo> BucketRegistry::Facts(const BucketInfo& bucket, std::string_view key,
                                         bool metadata, const uint64_t* opened_size) const {
  if (!KeySegments(key).ok()) return NoSuchKey();  // no such key can be stored
  std::string path = LocalPath(bucket.name) + "/" + std::string(key);
  Result<uint64_t> size =
      opened_size != nullptr ? Result<uint64_t>(*opened_size) : env_.fs.FileSize(path);
  if (!size.ok()) {
    if (env_.fs.Exists(path)) return size.status();
    return NoSuchKey();
  }
  std::string meta_path = MetaPath(bucket.name, key);
  const std::optional<FileStamp> stamp = env_.fs.Stamp(meta_path);
  std::shared_ptr<const Sidecar> cached;
  if (stamp) {
    std::lock_guard lock(sidecars_mu_);
    auto it = sidecars_.find(meta_path);
    if (it != sidecars_.end() && it->second.stamp.Same(*stamp)) cached = it->second.sidecar;
  }
  Result<std::string> text =
      cached ? Result<std::string>(std::string()) : env_.fs.ReadFile(meta_path);
  // Every object has its sidecar (written first); a folder has none, so only a path without one
  // needs the directory check.
  if (!text.ok() && IsDir(env_.fs, path)) return NoSuchKey();
  ObjectInfo info;
  info.key = std::string(key);
  info.size = *size;
  Sidecar sidecar =
      cached ? *cached : ParseSidecar(text.ok() ? std::string_view(*text) : std::string_view());
  if (!cached && text.ok() && stamp && stamp->settled && !sidecar.etag_hex.empty()) {
    std::lock_guard lock(sidecars_mu_);
    if (sidecars_.size() >= kMaxCachedSidecars) sidecars_.clear();
    sidecars_[meta_path] = CachedSidecar{*stamp, std::make_shared<const Sidecar>(sidecar)};
  }
  if (!sidecar.content_type.empty()) info.content_type = sidecar.content_type;
  auto modified = ParseIso8601(sidecar.last_modified);
  info.last_modified = modified.ok() ? *modified : bucket.creation_date;
  if (metadata) info.metadata = std::move(sidecar.metadata);
  info.content_encoding = std::move(sidecar.content_encoding);
  info.checksums = std::move(sidecar.checksums);
  info.uploader = std::move(sidecar.uploader);
  if (!sidecar.sse_algorithm.empty()) {
    info.size = sidecar.sse_size;  // the plaintext's, not the stored ciphertext's
    info.sse_algorithm = sidecar.sse_algorithm;
    info.sse_kms_key_arn = sidecar.sse_key_arn;
  }
  FillLifecycleFacts(bucket.name, sidecar, &info);
  if (sidecar.etag_hex.empty()) {
    // Written before ETags were stored: compute once, remember it unless the object changed.
    OT_ASSIGN_OR_RETURN(sidecar.etag_hex, FileMd5Hex(env_.fs, path));
    if (text.ok()) {
      std::unique_lock tree(tree_mu_);
      auto now = env_.fs.ReadFile(meta_path);
      auto now_size = env_.fs.FileSize(path);
      if (now.ok() && *now == *text && now_size.ok() && *now_size == *size) {
        Sidecar old = ParseSidecar(*text);
        old.etag_hex = sidecar.etag_hex;
        (void)WriteAtomic(env_, meta_path, SidecarJson(old));
      }
    }
  }
  info.etag = "\"" + sidecar.etag_hex + "\"";
  internal::ApplyVersionFields(sidecar, &info);
  return info;
}

Result<ObjectInfo> BucketRegistry::HeadObject(std::string_view bucket, std::string_view key) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  return Facts(info, key, true);
}

// The object file is opened first and its size taken from the open handle (fstat): one path walk
// (open) instead of three (stat for the facts, open, and the handle's fstat). A key that cannot
// be opened goes through Facts' stat-based checks, so its error is what it always was.
Result<ObjectReader> BucketRegistry::OpenObject(std::string_view bucket,
                                                std::string_view key) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  if (!KeySegments(key).ok()) return NoSuchKey();  // before the path is opened
  std::string path = LocalPath(bucket) + "/" + std::string(key);
  auto file = env_.fs.OpenRead(path);
  if (!file.ok()) {
    OT_RETURN_IF_ERROR(Facts(info, key, true).status());
    return NoSuchKey();  // deleted in between
  }
  const uint64_t stored_size = (*file)->Size();
  OT_ASSIGN_OR_RETURN(ObjectInfo facts, Facts(info, key, true, &stored_size));
  if (facts.archived) {  // lifecycle: GLACIER/DEEP_ARCHIVE bytes need RestoreObject first
    return Status(Error::kInvalidObjectState,
                  "The operation is not valid for the object's storage class");
  }
  ObjectReader reader;
  if (!facts.sse_algorithm.empty()) {
    // Encrypted at rest: decrypted whole into memory (log and digest files are small).
    std::string bytes;
    if (!(*file)->Read(0, stored_size, &bytes).ok()) return NoSuchKey();
    auto text = env_.fs.ReadFile(MetaPath(bucket, key));
    Sidecar sidecar = ParseSidecar(text.ok() ? std::string_view(*text) : std::string_view());
    OT_ASSIGN_OR_RETURN(std::string plain,
                        OpenSealed(bucket, key, sidecar.sse_algorithm, sidecar.sse_key_arn,
                                   sidecar.sse_wrapped_key, sidecar.sse_context, bytes));
    reader.info = std::move(facts);
    reader.info.size = plain.size();
    reader.file = std::make_unique<StringFile>(std::move(plain));
    return reader;
  }
  reader.info = std::move(facts);
  reader.info.size = stored_size;
  reader.file = std::move(*file);
  return reader;
}

Result<ObjectListing> BucketRegistry::ListObjects(std::string_view bucket,
                                                  const ListObjectsOptions& options) const {
  OT_ASSIGN_OR_RETURN(BucketInfo info, LocalBucket(bucket));
  ObjectListing page;
  if (options.max_keys <= 0) return page;
  // Walk only the directory the prefix names up to its last '/': "AWSLogs/1/CloudTrail/us-e"
  // → <bucket>/AWSLogs/1/CloudTrail. A base no key could have (".." etc.) lists nothing.
  const std::string& prefix = options.prefix;
  size_t cut = prefix.rfind('/');
  std::string base = cut == std::string::npos ? "" : prefix.substr(0, cut + 1);
  // Keys come in byte order from a walk that skips every directory holding no key this page
  // can show (outside the prefix, at or before `after`, or rolled into a common prefix already
  // counted) and stops once the page is full: a page costs what it shows, not the bucket's size.
  const std::string& after = options.after;
  const std::string& delim = options.delimiter;
  size_t count = 0;
  std::vector<std::string> page_keys;
  auto enter = [&](const std::string& folder) {
    return internal::FolderCanHoldPageKeys(folder, prefix, delim, after, page.common_prefixes);
  };
  auto visit = [&](const internal::WalkedKey& walked) {
    const std::string& key = walked.key;
    if (!key.starts_with(prefix) || key <= after) return true;
    std::string entry;
    bool rolled = false;
    if (!delim.empty()) {
      size_t pos = key.find(delim, prefix.size());
      if (pos != std::string::npos) {
        entry = key.substr(0, pos + delim.size());
        rolled = true;
        if (entry <= after) return true;  // that prefix was on an earlier page
        if (!page.common_prefixes.empty() && page.common_prefixes.back() == entry) return true;
      }
    }
    if (count == static_cast<size_t>(options.max_keys)) {
      page.truncated = true;
      return false;
    }
    ++count;
    if (rolled) {
      page.common_prefixes.push_back(entry);
      page.last = std::move(entry);
    } else {
      page_keys.push_back(key);
      page.last = key;
    }
    return true;
  };
  if (base.empty() || KeySegments(std::string_view(base).substr(0, base.size() - 1)).ok()) {
    std::string dir = LocalPath(bucket);
    if (!base.empty()) dir += "/" + base.substr(0, base.size() - 1);
    if (env_.fs.Exists(dir) && IsDir(env_.fs, dir)) {
      bool stopped = false;
      OT_RETURN_IF_ERROR(internal::WalkKeysInOrder(env_.fs, dir, "", base, enter, visit, &stopped));
    }
  }
  for (const std::string& key : page_keys) {
    auto facts = Facts(info, key, false);
    if (!facts.ok() && facts.status().code() == Error::kNoSuchKey) continue;  // deleted since
    OT_RETURN_IF_ERROR(facts.status());
    page.objects.push_back(std::move(*facts));
  }
  return page;
}

Status BucketRegistry::DeleteObject(std::string_view bucket, std::string_view key) {
  OT_ASSIGN_OR_RETURN(VersioningConfig versioning, GetVersioning(bucket));
  if (versioning.status != VersioningStatus::kUnversioned) {
    return ExpireCurrentVersion(bucket, key).status();
  }
  if (!KeySegments(key).ok()) return Status::Ok();
  std::unique_lock tree(tree_mu_);
  return RemoveLocalLocked(bucket, key);
}

Status BucketRegistry::RemoveLocalLocked(std::string_view bucket, std::string_view key) {
  std::string root = LocalPath(bucket);
  std::string path = root + "/" + std::string(key);
  std::string meta_root = options_.meta_dir + "/" + std::string(bucket);
  std::string meta_path = MetaPath(bucket, key);
  if (IsDir(env_.fs, path)) return Status::Ok();
  auto old_meta = env_.fs.ReadFile(meta_path);  // lifecycle: its archive copy goes last
  // Object first: a sidecar without its object is harmless, the reverse is not.
  OT_RETURN_IF_ERROR(env_.fs.Remove(path));
  (void)env_.fs.Remove(meta_path);
  if (old_meta.ok()) RemoveArchiveFile(bucket, *old_meta);
  (void)env_.fs.SyncDir(Parent(path));
  // Prune the directories this left empty, deepest first, never the bucket's own.
  for (const auto& [top, file] : {std::pair{root, path}, std::pair{meta_root, meta_path}}) {
    for (std::string dir = Parent(file); dir.size() > top.size(); dir = Parent(dir)) {
      auto names = env_.fs.List(dir);
      if (!names.ok() || !names->empty()) break;
      if (!env_.fs.Remove(dir).ok()) break;
    }
  }
  return Status::Ok();
}

Status BucketRegistry::PutPolicy(std::string_view bucket, std::string_view json) {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  OT_ASSIGN_OR_RETURN(auth::Policy policy, ParseBucketPolicy(bucket, json));
  std::lock_guard lock(mu_);
  if (!buckets_.contains(bucket)) {
    return Status(Error::kNoSuchBucket, "The specified bucket does not exist");
  }
  OT_RETURN_IF_ERROR(WriteAtomic(env_, PolicyPath(bucket), json));
  policies_.insert_or_assign(std::string(bucket),
                             std::make_pair(std::string(json), std::move(policy)));
  return Status::Ok();
}

Result<std::string> BucketRegistry::GetPolicy(std::string_view bucket) const {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  std::lock_guard lock(mu_);
  auto it = policies_.find(bucket);
  if (it == policies_.end()) {
    return Status(Error::kNoSuchBucketPolicy, "The bucket policy does not exist");
  }
  return it->second.first;
}

Status BucketRegistry::DeletePolicy(std::string_view bucket) {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  std::lock_guard lock(mu_);
  auto it = policies_.find(bucket);
  if (it == policies_.end()) return Status::Ok();
  OT_RETURN_IF_ERROR(env_.fs.Remove(PolicyPath(bucket)));
  OT_RETURN_IF_ERROR(env_.fs.SyncDir(options_.meta_dir + "/" + std::string(kPolicyDir)));
  policies_.erase(it);
  return Status::Ok();
}

std::optional<auth::Policy> BucketRegistry::CompiledPolicy(std::string_view bucket) const {
  std::lock_guard lock(mu_);
  auto it = policies_.find(bucket);
  if (it == policies_.end()) return std::nullopt;
  return it->second.second;
}

void BucketRegistry::Shutdown() {
  {
    std::lock_guard lock(sleep_mu_);
    shutting_down_ = true;
  }
  sleep_cv_.notify_all();
}

}  // namespace ot::buckets
