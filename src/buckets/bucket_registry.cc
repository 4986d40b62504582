#include "buckets/bucket_registry.h"

#include <algorithm>
#include <thread>

#include "buckets/internal/s3_client.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/time.h"

namespace ot::buckets {
namespace {

// Temporary files of atomic writes; no key segment may start with it.
constexpr std::string_view kTempPrefix = ".ot-tmp-";

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
  if (CollectKeys(env_.fs, meta_root, "", &meta_keys, &meta_dirs).ok()) {
    for (const std::string& k : meta_keys) (void)env_.fs.Remove(meta_root + "/" + k);
    meta_dirs.push_back(meta_root);
    for (const std::string& dir : meta_dirs) (void)env_.fs.Remove(dir);
  }
  return Status::Ok();
}

Status BucketRegistry::PutObject(const PutObjectRequest& request) {
  std::shared_ptr<Remote> remote;
  {
    std::lock_guard lock(mu_);
    auto it = buckets_.find(request.bucket);
    if (it == buckets_.end()) {
      return Status(Error::kNoSuchBucket,
                    "NoSuchBucket: bucket '" + std::string(request.bucket) + "' is not registered");
    }
    if (it->second.remote) remote = remotes_.at(it->second.name);
  }
  if (remote) return PutRemote(*remote, request);
  return PutLocal(request);
}

Status BucketRegistry::PutLocal(const PutObjectRequest& request) {
  OT_ASSIGN_OR_RETURN(auto segments, KeySegments(request.key));
  std::string path = LocalPath(request.bucket) + "/" + std::string(request.key);
  std::string meta_path = options_.meta_dir + "/" + std::string(request.bucket) + "/" +
                          std::string(request.key) + ".json";
  if (segments.size() > 1) {
    OT_RETURN_IF_ERROR(env_.fs.CreateDirs(Parent(path)));
  }
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(Parent(meta_path)));
  // Sidecar first: an object file never exists without its metadata.
  JsonWriter w;
  w.BeginObject();
  w.Key("ContentType").String(request.content_type);
  w.Key("LastModified").String(FormatIso8601Millis(env_.clock.Now()));
  w.Key("Metadata").BeginObject();
  for (const auto& [k, v] : request.metadata) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    w.Key(lower).String(v);
  }
  w.EndObject();
  w.EndObject();
  OT_RETURN_IF_ERROR(WriteAtomic(env_, meta_path, w.str()));
  return WriteAtomic(env_, path, request.body);
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

void BucketRegistry::Shutdown() {
  {
    std::lock_guard lock(sleep_mu_);
    shutting_down_ = true;
  }
  sleep_cv_.notify_all();
}

}  // namespace ot::buckets
