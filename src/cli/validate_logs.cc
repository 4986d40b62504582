#include "cli/validate_logs.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>
#include <variant>

#include "api/protocol/json_value.h"
#include "cli/http_client.h"
#include "common/encoding.h"
#include "common/gzip.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "crypto/rsa.h"

namespace ot::cli {
namespace {

constexpr size_t kMaxDigestBytes = size_t{256} << 20;
constexpr size_t kReadChunk = size_t{256} << 10;  // --from-dir reads

using std::chrono::hours;
using std::chrono::minutes;

std::string Display(SysMillis t) { return FormatIso8601(t); }

// "20240501T120005Z" of a digest key (CloudTrail's key date), as the CLI slices it.
std::optional<SysMillis> KeyDate(const std::string& key) {
  if (key.size() < 24) return std::nullopt;
  auto t = ParseIso8601(std::string_view(key).substr(key.size() - 24, 16));
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::string RegexEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') out += '\\';
    out += c;
  }
  return out;
}

std::string S3Url(const std::string& bucket, const std::string& key) {
  return "s3://" + bucket + "/" + key;
}

// ---- Reading the bucket ------------------------------------------------------------------------

std::map<std::string, std::string> ParseMetadataFile(const std::string& text) {
  std::map<std::string, std::string> out;
  auto doc = api::JsonDocument::Parse(text);
  if (!doc.ok() || !(*doc)->root().is_object()) return out;
  api::JsonValue root = (*doc)->root();
  if (auto m = root.Get("Metadata"); m && m->is_object()) root = *m;
  for (const auto& [name, value] : root.Members()) {
    if (value.is_string()) out[std::string(name)] = std::string(value.AsString());
  }
  return out;
}

std::optional<std::string> ReadSmallFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class DirSource : public ObjectSource {
 public:
  DirSource(std::string dir, std::string metadata_dir)
      : dir_(std::move(dir)), metadata_dir_(std::move(metadata_dir)) {}

  Result<std::vector<std::string>> List(const std::string& /*bucket*/, const std::string& prefix,
                                        const std::string& marker) override {
    namespace fs = std::filesystem;
    std::vector<std::string> keys;
    fs::path root(dir_);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      return Status(Error::kValidation, "--from-dir " + dir_ + " is not a directory");
    }
    // Walk only the folder the prefix names.
    fs::path start = root;
    size_t slash = prefix.rfind('/');
    if (slash != std::string::npos) start = root / prefix.substr(0, slash);
    if (!fs::is_directory(start, ec)) return keys;
    for (auto it = fs::recursive_directory_iterator(start, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string key = it->path().lexically_relative(root).generic_string();
      if (key.ends_with(".metadata.json")) continue;
      if (key.compare(0, prefix.size(), prefix) != 0 || key <= marker) continue;
      keys.push_back(std::move(key));
    }
    if (ec) return Status(Error::kInternal, "cannot list " + start.string() + ": " + ec.message());
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  Result<std::optional<ObjectMetadata>> Read(const std::string& /*bucket*/, const std::string& key,
                                             const ByteSink& sink) override {
    namespace fs = std::filesystem;
    fs::path path = fs::path(dir_) / key;
    std::error_code ec;
    if (key.empty() || !fs::is_regular_file(path, ec)) return std::optional<ObjectMetadata>();
    ObjectMetadata metadata;
    std::optional<std::string> meta;
    if (!metadata_dir_.empty()) meta = ReadSmallFile(fs::path(metadata_dir_) / (key + ".json"));
    if (!meta) meta = ReadSmallFile(fs::path(dir_) / (key + ".metadata.json"));
    if (meta) metadata = ParseMetadataFile(*meta);
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(Error::kInternal, "cannot read " + path.string());
    std::string buffer(kReadChunk, '\0');
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      auto n = static_cast<size_t>(in.gcount());
      if (n == 0) break;
      sink(std::string_view(buffer.data(), n));
    }
    if (in.bad()) return Status(Error::kInternal, "cannot read " + path.string());
    return std::optional<ObjectMetadata>(std::move(metadata));
  }

 private:
  std::string dir_;
  std::string metadata_dir_;
};

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string XmlUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      const bool hex = ent[1] == 'x';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (!digits.empty() && ec == std::errc() && end == digits.data() + digits.size() &&
          cp <= 0x10FFFF) {
        AppendUtf8(cp, &out);
      } else {  // not a character reference after all: keep it as it came
        out += s.substr(i, semi - i + 1);
      }
    } else {
      out += s.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

// Text of every <tag>…</tag> in `xml`, unescaped.
std::vector<std::string> XmlAll(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    size_t begin = pos + open.size();
    size_t end = xml.find(close, begin);
    if (end == std::string_view::npos) break;
    out.push_back(XmlUnescape(xml.substr(begin, end - begin)));
    pos = end + close.size();
  }
  return out;
}

std::string XmlFirst(std::string_view xml, std::string_view tag) {
  auto all = XmlAll(xml, tag);
  return all.empty() ? std::string() : all.front();
}

// botocore's ClientError text.
Status S3Error(const HttpResponse& r, std::string_view operation) {
  std::string code = XmlFirst(r.body, "Code");
  if (code.empty()) code = std::to_string(r.status);
  return Status(Error::kUnavailable, "An error occurred (" + code + ") when calling the " +
                                         std::string(operation) +
                                         " operation: " + XmlFirst(r.body, "Message"));
}

class S3Source : public ObjectSource {
 public:
  S3Source(Endpoint endpoint, Credentials credentials, std::string region, Clock& clock)
      : endpoint_(std::move(endpoint)),
        credentials_(std::move(credentials)),
        region_(std::move(region)),
        clock_(clock) {}

  Result<std::vector<std::string>> List(const std::string& bucket, const std::string& prefix,
                                        const std::string& marker) override {
    OT_ASSIGN_OR_RETURN(std::string region, BucketRegion(bucket));
    std::vector<std::string> keys;
    std::string next = marker;
    while (true) {
      std::string query =
          "marker=" + UriEncode(next, false) + "&prefix=" + UriEncode(prefix, false);
      OT_ASSIGN_OR_RETURN(HttpResponse r, Call(region, "/" + UriEncode(bucket, false), query));
      if (r.status != 200) return S3Error(r, "ListObjects");
      std::vector<std::string> page = XmlAll(r.body, "Key");
      keys.insert(keys.end(), page.begin(), page.end());
      if (XmlFirst(r.body, "IsTruncated") != "true" || page.empty()) break;
      std::string next_marker = XmlFirst(r.body, "NextMarker");
      next = next_marker.empty() ? page.back() : next_marker;
    }
    return keys;
  }

  Result<std::optional<ObjectMetadata>> Read(const std::string& bucket, const std::string& key,
                                             const ByteSink& sink) override {
    OT_ASSIGN_OR_RETURN(std::string region, BucketRegion(bucket));
    OT_ASSIGN_OR_RETURN(
        HttpResponse r,
        Call(region, "/" + UriEncode(bucket, false) + "/" + UriEncode(key, true), "", &sink));
    return GetObjectOutcome(r);
  }

  // The GETs leave back to back on one keep-alive connection (HTTP/1.1 pipelining): the server
  // reads them with one recv, works on them together and answers several with one send, which
  // costs both sides far fewer system calls and thread wake-ups than one GET per connection.
  void ReadMany(const std::string& bucket, const std::vector<std::string>& keys,
                const IndexedSink& sink, const ReadDone& done) override {
    auto region = BucketRegion(bucket);
    if (!region.ok()) {
      for (size_t i = 0; i < keys.size(); ++i) done(i, region.status());
      return;
    }
    std::vector<PipelinedRequest> requests;
    requests.reserve(keys.size());
    const std::string path = "/" + UriEncode(bucket, false) + "/";
    for (const std::string& key : keys) {
      requests.push_back(
          SignS3Get(endpoint_, credentials_, *region, path + UriEncode(key, true), "", clock_));
    }
    std::unique_ptr<HttpClient> client = TakeClient();
    client->SendPipelined(requests, sink, [&](size_t i, Result<HttpResponse> r) {
      if (!r.ok()) return done(i, r.status());
      done(i, GetObjectOutcome(*r));
    });
    ReturnClient(std::move(client));
  }

  // At most this many GETs leave back to back (the server works on up to 16 of a connection's
  // at once).
  size_t BatchSize() const override { return 16; }

 private:
  static Result<std::optional<ObjectMetadata>> GetObjectOutcome(const HttpResponse& r) {
    if (r.status == 404 && XmlFirst(r.body, "Code") == "NoSuchKey") {
      return std::optional<ObjectMetadata>();
    }
    if (r.status != 200) return S3Error(r, "GetObject");
    ObjectMetadata metadata;
    constexpr std::string_view kMeta = "x-amz-meta-";
    for (const auto& [name, value] : r.headers) {
      if (name.size() <= kMeta.size()) continue;
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.compare(0, kMeta.size(), kMeta) == 0) metadata[lower.substr(kMeta.size())] = value;
    }
    return std::optional<ObjectMetadata>(std::move(metadata));
  }

  // GetBucketLocation through a client of the CLI's region; empty → us-east-1. Cached.
  Result<std::string> BucketRegion(const std::string& bucket) {
    {
      std::lock_guard lock(mu_);
      if (auto it = regions_.find(bucket); it != regions_.end()) return it->second;
    }
    OT_ASSIGN_OR_RETURN(HttpResponse r, Call(region_, "/" + UriEncode(bucket, false), "location"));
    if (r.status != 200) return S3Error(r, "GetBucketLocation");
    std::string region;
    size_t open = r.body.find("<LocationConstraint");
    if (open != std::string::npos) {
      size_t gt = r.body.find('>', open);
      if (gt != std::string::npos && r.body[gt - 1] != '/') {
        size_t end = r.body.find("</LocationConstraint>", gt);
        if (end != std::string::npos) region = XmlUnescape(r.body.substr(gt + 1, end - gt - 1));
      }
    }
    if (region.empty()) region = "us-east-1";
    if (region == "EU") region = "eu-west-1";
    std::lock_guard lock(mu_);
    regions_[bucket] = region;
    return region;
  }

  // One signed GET over an idle keep-alive connection (a new one when all are busy); with
  // `sink`, a 200 body is streamed to it.
  Result<HttpResponse> Call(const std::string& region, const std::string& path,
                            const std::string& query, const ByteSink* sink = nullptr) {
    std::unique_ptr<HttpClient> client = TakeClient();
    auto r = SendS3Get(*client, endpoint_, credentials_, region, path, query, clock_, sink);
    ReturnClient(std::move(client));
    return r;
  }

  std::unique_ptr<HttpClient> TakeClient() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<HttpClient> client = std::move(idle_.back());
        idle_.pop_back();
        return client;
      }
    }
    return std::make_unique<HttpClient>(endpoint_);
  }

  void ReturnClient(std::unique_ptr<HttpClient> client) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(client));
  }

  Endpoint endpoint_;
  Credentials credentials_;
  std::string region_;
  Clock& clock_;
  std::mutex mu_;
  std::vector<std::unique_ptr<HttpClient>> idle_;
  std::map<std::string, std::string> regions_;
};

// ---- Checking --------------------------------------------------------------------------------

enum class LogVerdict { kValid, kHashMismatch, kNotFound, kInvalidFormat, kFatal };

struct LogOutcome {
  LogVerdict verdict = LogVerdict::kFatal;
  std::string fatal;  // message when kFatal
};

struct LogCheck {
  std::string bucket;
  std::string key;
  std::string hash;
  std::future<LogOutcome> outcome;  // set when the check is queued
};

// The CLI's _download_log: GetObject, inflate (one gzip member, Python's decompressobj
// semantics) and SHA-256. A file up to kWholeFileBytes is collected and inflated in one go by
// libdeflate (several times faster than zlib); a larger one, or one libdeflate refuses
// (truncated, corrupt), goes through the streaming inflater, which hashes each piece as it
// arrives — so memory stays bounded by the pool's threads × kWholeFileBytes × a small factor.
constexpr size_t kWholeFileBytes = 4 << 20;
constexpr size_t kWholeFileInflatedBytes = 64 << 20;

// A thread's buffers above this size are freed after the file that needed them.
constexpr size_t kKeptBufferBytes = 1 << 20;

// One log file's check, fed its bytes as they arrive. The streaming inflater and its hasher are
// made only for a file that needs them: set up for every file (zlib's state and a zero-filled
// 64 KiB output buffer) they took ~4% of validate-logs' CPU (perf), though almost every file
// takes the whole-file path. One checker at a time per thread (its buffers are the thread's).
class LogChecker {
 public:
  LogChecker() { whole().clear(); }
  ~LogChecker() {
    if (whole().capacity() > kKeptBufferBytes) std::string().swap(whole());
  }
  LogChecker(const LogChecker&) = delete;
  LogChecker& operator=(const LogChecker&) = delete;

  void Piece(std::string_view piece) {
    std::string& buffer = whole();
    if (!streaming_ && buffer.size() + piece.size() <= kWholeFileBytes) {
      buffer.append(piece);
      return;
    }
    if (!streaming_) {
      streaming_ = true;
      Stream(buffer);
      std::string().swap(buffer);
    }
    Stream(piece);
  }

  LogOutcome Finish(const LogCheck& log, const Result<std::optional<ObjectMetadata>>& read) {
    if (!read.ok()) return {LogVerdict::kFatal, read.status().message()};
    if (!read->has_value()) return {LogVerdict::kNotFound, {}};
    if (!streaming_) {
      // The thread's previous file's buffer, reused: no allocation and no copy as it regrows.
      thread_local std::string plain;
      size_t consumed = 0;
      if (InflateGzipMember(whole(), kWholeFileInflatedBytes, &plain, &consumed)) {
        std::string hash = crypto::Sha256Hex(plain);
        if (plain.size() > kWholeFileBytes) plain = std::string();  // keep big ones short-lived
        return {hash == log.hash ? LogVerdict::kValid : LogVerdict::kHashMismatch, {}};
      }
      Stream(whole());
    }
    if (!inflated_.ok()) return {LogVerdict::kInvalidFormat, {}};
    if (!hasher_) hasher_.emplace();  // an empty body, streamed as nothing
    return {
        HexEncode(hasher_->Finish()) == log.hash ? LogVerdict::kValid : LogVerdict::kHashMismatch,
        {}};
  }

 private:
  // The thread's whole-file buffer, reused from file to file.
  static std::string& whole() {
    thread_local std::string buffer;
    return buffer;
  }

  void Stream(std::string_view piece) {
    if (!inflater_) {
      inflater_.emplace();
      hasher_.emplace();
    }
    if (!inflated_.ok()) return;  // not gzip: the rest is read only to keep the connection
    inflated_ = inflater_->Feed(piece, [&](std::string_view out) { hasher_->Update(out); });
  }

  std::optional<GzipInflater> inflater_;
  std::optional<crypto::Sha256Hasher> hasher_;
  Status inflated_ = Status::Ok();
  bool streaming_ = false;
};

// Checks `logs` (all of one bucket) with one ReadMany: for S3, one pipelined batch.
void CheckLogs(ObjectSource& source, const std::vector<LogCheck*>& logs,
               std::vector<std::promise<LogOutcome>>& outcomes) {
  std::vector<std::string> keys;
  keys.reserve(logs.size());
  for (const LogCheck* log : logs) keys.push_back(log->key);
  // ReadMany hands over one object at a time (its pieces, then its end): one checker at a time.
  std::optional<LogChecker> checker;
  source.ReadMany(
      logs.front()->bucket, keys,
      [&](size_t, std::string_view piece) {
        if (!checker) checker.emplace();
        checker->Piece(piece);
      },
      [&](size_t i, Result<std::optional<ObjectMetadata>> read) {
        if (!checker) checker.emplace();  // an empty body or a failure: no pieces came
        outcomes[i].set_value(checker->Finish(*logs[i], read));
        checker.reset();  // gives the thread's buffer back before the next one takes it
      });
}

// Threads running queued tasks; urgent ones (digest fetches, which the walk waits for) before
// the others (log checks). Destroying the pool drops the tasks not started and waits for the rest.
class WorkPool {
 public:
  explicit WorkPool(int threads) {
    for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      urgent_.clear();
      normal_.clear();
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  int size() const { return static_cast<int>(threads_.size()); }

  // Queues `f`; urgent tasks run before the others.
  void Post(bool urgent, std::function<void()> f) {
    {
      std::lock_guard lock(mu_);
      (urgent ? urgent_ : normal_).push_back(std::move(f));
    }
    cv_.notify_one();
  }

  template <typename F>
  auto Async(bool urgent, F f) -> std::future<decltype(f())> {
    using R = decltype(f());
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
    std::future<R> future = task->get_future();
    Post(urgent, [task] { (*task)(); });
    return future;
  }

 private:
  void Run() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !urgent_.empty() || !normal_.empty(); });
        if (stop_) return;
        auto& queue = urgent_.empty() ? normal_ : urgent_;
        task = std::move(queue.front());
        queue.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> urgent_;
  std::deque<std::function<void()>> normal_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// One line of the report, in walk order.
struct Item {
  enum Kind { kValidDigest, kProblem } kind = kProblem;
  std::string line;
  std::vector<size_t> logs;  // indexes into the log checks, for a valid digest
};

struct ValidDigest {
  std::string bucket;
  std::string key;
  SysMillis start;
  SysMillis end;
  std::optional<std::string> previous_bucket;
  std::optional<std::string> previous_key;
  std::vector<LogCheck> logs;  // outcomes not set
};
struct InvalidDigest {
  std::string line;
};
struct MissingDigest {};
using DigestOutcome = std::variant<ValidDigest, InvalidDigest, MissingDigest>;

std::string TextOf(const api::JsonValue& v) {
  return v.is_string() ? std::string(v.AsString()) : v.Minified();
}

// _load_and_validate_digest of the CLI: fetch, parse, check location, key, signature.
Result<DigestOutcome> LoadDigest(ObjectSource& source, const ValidationPlan& plan,
                                 const std::map<std::string, std::string>& keys,
                                 const std::string& bucket, const std::string& key) {
  std::string prefix = "Digest file\t" + S3Url(bucket, key) + "\tINVALID: ";
  auto invalid = [&](std::string why) -> DigestOutcome { return InvalidDigest{prefix + why}; };
  OT_ASSIGN_OR_RETURN(std::optional<StoredObject> object, source.Get(bucket, key));
  if (!object) return DigestOutcome(MissingDigest{});
  auto inflated = GzipDecompress(object->data, kMaxDigestBytes);
  if (!inflated.ok()) return invalid("invalid format");
  auto doc = api::JsonDocument::Parse(*inflated);
  if (!doc.ok()) return invalid("invalid format");
  if (!object->metadata.contains("signature") ||
      !object->metadata.contains("signature-algorithm")) {
    return invalid("signature verification failed");
  }
  api::JsonValue root = (*doc)->root();
  if (!root.is_object()) return invalid("invalid format");
  for (const char* required : {"digestPublicKeyFingerprint", "digestS3Bucket", "digestS3Object",
                               "previousDigestSignature", "digestEndTime", "digestStartTime"}) {
    if (!root.Get(required)) return invalid("invalid format");
  }
  auto digest_bucket = root.Get("digestS3Bucket");
  auto digest_object = root.Get("digestS3Object");
  if (!digest_bucket->is_string() || digest_bucket->AsString() != bucket ||
      !digest_object->is_string() || digest_object->AsString() != key) {
    return invalid("has been moved from its original location");
  }
  std::string fingerprint = TextOf(*root.Get("digestPublicKeyFingerprint"));
  auto public_key = keys.find(fingerprint);
  if (public_key == keys.end()) {
    return invalid("public key not found in region " + plan.home_region + " for fingerprint " +
                   fingerprint);
  }
  auto der = Base64Decode(public_key->second);
  if (!der || !crypto::RsaPublicKeyParses(*der)) {
    return invalid("Unable to load PKCS #1 key with fingerprint " + fingerprint);
  }
  auto previous_signature = root.Get("previousDigestSignature");
  std::string end_text = TextOf(*root.Get("digestEndTime"));
  std::string to_sign = end_text + "\n" + bucket + "/" + key + "\n" + crypto::Sha256Hex(*inflated) +
                        "\n" +
                        (previous_signature->is_null() ? "null" : TextOf(*previous_signature));
  const std::string& signature_hex = object->metadata["signature"];
  if (signature_hex.size() % 2 != 0) return invalid("Odd-length string");
  auto signature = HexDecode(signature_hex);
  if (!signature) return invalid("Non-hexadecimal digit found");
  if (!crypto::RsaVerifySha256(*der, to_sign, *signature)) {
    return invalid("signature verification failed");
  }
  ValidDigest digest;
  digest.bucket = bucket;
  digest.key = key;
  auto end = ParseIso8601(end_text);
  if (!end.ok()) return invalid("Unable to parse date value: " + end_text);
  std::string start_text = TextOf(*root.Get("digestStartTime"));
  auto start = ParseIso8601(start_text);
  if (!start.ok()) return invalid("Unable to parse date value: " + start_text);
  digest.start = *start;
  digest.end = *end;
  auto previous_bucket = root.Get("previousDigestS3Bucket");
  auto previous_key = root.Get("previousDigestS3Object");
  if (previous_bucket && previous_bucket->is_string()) {
    digest.previous_bucket = std::string(previous_bucket->AsString());
  }
  if (previous_key && previous_key->is_string()) {
    digest.previous_key = std::string(previous_key->AsString());
  }
  if (auto files = root.Get("logFiles"); files && files->is_array()) {
    for (const api::JsonValue& f : files->Items()) {
      LogCheck log;
      if (f.is_object()) {
        if (auto v = f.Get("s3Bucket")) log.bucket = TextOf(*v);
        if (auto v = f.Get("s3Object")) log.key = TextOf(*v);
        if (auto v = f.Get("hashValue")) log.hash = TextOf(*v);
      }
      digest.logs.push_back(std::move(log));
    }
  }
  return DigestOutcome(std::move(digest));
}

// The CLI's report writer: problems on stderr set off by blank lines, valid lines with verbose.
class Reporter {
 public:
  Reporter(std::FILE* out, std::FILE* err, bool verbose)
      : out_(out), err_(err), verbose_(verbose) {}

  void Status(const std::string& line, bool error) {
    if (error) {
      std::fprintf(err_, double_space_ ? "%s\n\n" : "\n%s\n\n", line.c_str());
      double_space_ = true;
    } else if (verbose_) {
      double_space_ = false;
      std::fprintf(out_, "%s\n", line.c_str());
    }
  }
  bool double_space() const { return double_space_; }

 private:
  std::FILE* out_;
  std::FILE* err_;
  bool verbose_;
  bool double_space_ = true;  // the startup text ends with a blank line
};

void WriteRatio(std::FILE* out, int valid, int invalid, const char* name) {
  int total = valid + invalid;
  if (total == 0) return;
  std::fprintf(out, "\n%d/%d %s files valid", valid, total, name);
  if (invalid > 0) std::fprintf(out, ", %d/%d %s files INVALID", invalid, total, name);
}

int Fatal(std::FILE* out, std::FILE* err, const std::string& message) {
  std::fflush(out);
  std::fprintf(err, "\n%s\n", message.c_str());
  return 255;
}

}  // namespace

Result<std::optional<StoredObject>> ObjectSource::Get(const std::string& bucket,
                                                      const std::string& key) {
  StoredObject object;
  OT_ASSIGN_OR_RETURN(std::optional<ObjectMetadata> metadata,
                      Read(bucket, key, [&](std::string_view piece) { object.data += piece; }));
  if (!metadata) return std::optional<StoredObject>();
  object.metadata = std::move(*metadata);
  return std::optional<StoredObject>(std::move(object));
}

void ObjectSource::ReadMany(const std::string& bucket, const std::vector<std::string>& keys,
                            const IndexedSink& sink, const ReadDone& done) {
  for (size_t i = 0; i < keys.size(); ++i) {
    done(i, Read(bucket, keys[i], [&](std::string_view piece) { sink(i, piece); }));
  }
}

std::unique_ptr<ObjectSource> MakeDirSource(std::string dir, std::string metadata_dir) {
  return std::make_unique<DirSource>(std::move(dir), std::move(metadata_dir));
}

Result<SysMillis> ParseCliTime(std::string_view text) {
  std::string t(text);
  for (const std::string& candidate : {t, t + "Z", t + "T00:00:00Z"}) {
    auto parsed = ParseIso8601(candidate);
    if (parsed.ok()) return *parsed;
  }
  return Status(Error::kValidation, "Unable to parse date value: " + t);
}

int ValidateDigests(const ValidationPlan& plan, ObjectSource& source,
                    const PublicKeyFetcher& public_keys, std::FILE* out, std::FILE* err) {
  std::fprintf(out, "Validating log files for trail %s between %s and %s\n\n",
               plan.trail_arn.c_str(), Display(plan.start).c_str(), Display(plan.end).c_str());

  std::string key_prefix = plan.prefix.empty() ? "" : plan.prefix + "/";
  auto load_digests = [&](const std::string& bucket) -> Result<std::vector<std::string>> {
    SysMillis marker_date = plan.start - minutes(1);
    std::string ymd = FormatIso8601(marker_date).substr(0, 10);
    std::replace(ymd.begin(), ymd.end(), '-', '/');
    std::string base =
        key_prefix + "AWSLogs/" + plan.account_id + "/CloudTrail-Digest/" + plan.source_region;
    std::string marker = base + "/" + ymd + "/" + plan.account_id + "_CloudTrail-Digest_" +
                         plan.source_region + "_" + plan.trail_name + "_" + plan.home_region + "_" +
                         FormatAmzDate(marker_date) + ".json.gz";
    OT_ASSIGN_OR_RETURN(auto listed, source.List(bucket, base, marker));
    std::regex pattern("^" + RegexEscape(key_prefix) + "AWSLogs/" + RegexEscape(plan.account_id) +
                       "/CloudTrail\\-Digest/" + RegexEscape(plan.source_region) +
                       "/\\d+/\\d+/\\d+/" + RegexEscape(plan.account_id) + "_CloudTrail\\-Digest_" +
                       RegexEscape(plan.source_region) + "_" + RegexEscape(plan.trail_name) + "_" +
                       RegexEscape(plan.home_region) + "_.+(?:_backfill)?\\.json\\.gz$");
    std::string first = FormatAmzDate(plan.start);
    std::string last = FormatAmzDate(plan.end + hours(1));
    std::vector<std::string> keys;
    for (const std::string& k : listed) {
      if (!std::regex_match(k, pattern)) continue;
      std::string date = k.substr(k.size() - 24, 16);
      if (k.ends_with("_backfill.json.gz")) continue;  // backfill digests: not produced by us
      if (date > last) break;
      if (date < first) continue;
      keys.push_back(k);
    }
    return keys;
  };

  auto digests = load_digests(plan.bucket);
  if (!digests.ok()) return Fatal(out, err, digests.status().message());
  auto keys = public_keys(plan.start, plan.end + hours(2));
  if (!keys.ok()) return Fatal(out, err, keys.status().message());
  if (keys->empty()) {
    return Fatal(out, err,
                 "No public keys found between " + Display(plan.start) + " and " +
                     Display(plan.end + hours(2)));
  }

  // _get_last_digest: the newest listed key, or the newest one older than `before`.
  std::vector<std::string>& listed = *digests;
  auto next_listed = [&](const std::optional<std::string>& before)
      -> std::optional<std::pair<std::string, SysMillis>> {
    if (listed.empty()) return std::nullopt;
    std::optional<SysMillis> before_date;
    if (before) before_date = KeyDate(*before);
    while (!listed.empty()) {
      std::string k = std::move(listed.back());
      listed.pop_back();
      auto date = KeyDate(k);
      if (!date) continue;
      if (!before || !before_date || *date < *before_date) return std::make_pair(k, *date);
    }
    return std::nullopt;
  };

  // Digests are fetched ahead of the walk (up to two per thread, newest first, as listed) and
  // each valid digest's log files are queued at once: the walk and the report keep the CLI's
  // order, the network and the hashing run in parallel. The pool is declared after everything its
  // tasks use, so that an early return (a fatal error) stops it before those go away.
  std::deque<LogCheck> logs;  // stable addresses: queued checks read their entry
  // Four threads per core keep every core busy inflating and hashing while the others wait for
  // answers; a source that batches reads (S3: pipelined GETs) gives each thread's batches its
  // share of the requests in flight. On 2 cores with the default 128: 8 threads of 16 GETs each,
  // ~20% faster than 32 threads of one GET and ~25% less server CPU (docs/benchmarks.md, issue
  // 6, session 9). A local copy (--from-dir) reads one file per thread.
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int threads = std::clamp(4 * cores, 1, std::max(plan.concurrency, 1));
  const size_t batch_size =
      std::clamp<size_t>(static_cast<size_t>(plan.concurrency) / threads, 1, source.BatchSize());
  WorkPool pool(threads);
  const size_t window = 2 * static_cast<size_t>(pool.size());
  struct Ahead {
    SysMillis date;
    std::future<Result<DigestOutcome>> outcome;
  };
  std::map<std::string, Ahead> ahead;  // prefetched digests of `bucket`, by key
  size_t unfetched = listed.size();    // listed[0, unfetched) are not prefetched
  auto load = [&](const std::string& b, const std::string& k) {
    return pool.Async(true, [&source, &plan, &keys = *keys, b, k] {
      return LoadDigest(source, plan, keys, b, k);
    });
  };
  auto fetch = [&](const std::string& b, const std::string& k) -> Result<DigestOutcome> {
    std::future<Result<DigestOutcome>> current;
    if (auto it = ahead.find(k); it != ahead.end()) {
      current = std::move(it->second.outcome);
      ahead.erase(it);
    } else {
      current = load(b, k);
    }
    // The walk only goes to older digests: forget prefetches it has passed, fetch older ones.
    const std::optional<SysMillis> now_at = KeyDate(k);
    if (now_at) std::erase_if(ahead, [&](auto& e) { return e.second.date >= *now_at; });
    unfetched = std::min(unfetched, listed.size());
    while (ahead.size() < window && unfetched > 0) {
      const std::string& next = listed[--unfetched];
      auto date = KeyDate(next);
      if (!date || (now_at && *date >= *now_at) || ahead.contains(next)) continue;
      ahead.emplace(next, Ahead{*date, load(b, next)});
    }
    return current.get();
  };

  std::vector<Item> items;
  int valid_digests = 0;
  int invalid_digests = 0;
  std::optional<SysMillis> found_start;
  std::optional<SysMillis> found_end;

  std::string bucket = plan.bucket;
  std::optional<std::string> key;
  SysMillis last_start{};
  if (auto first = next_listed(std::nullopt)) {
    key = first->first;
    last_start = first->second;
  }
  std::optional<std::string> fatal;
  while (key && plan.start <= last_start) {
    auto outcome = fetch(bucket, *key);
    if (!outcome.ok()) {
      fatal = outcome.status().message();
      break;
    }
    if (auto* missing = std::get_if<MissingDigest>(&*outcome)) {
      (void)missing;
      ++invalid_digests;
      items.push_back(
          {Item::kProblem, "Digest file\t" + S3Url(bucket, *key) + "\tINVALID: not found", {}});
      auto next = next_listed(key);
      key = next ? std::optional(next->first) : std::nullopt;
      continue;
    }
    if (auto* bad = std::get_if<InvalidDigest>(&*outcome)) {
      ++invalid_digests;
      items.push_back({Item::kProblem, bad->line, {}});
      auto next = next_listed(key);
      key = next ? std::optional(next->first) : std::nullopt;
      continue;
    }
    auto& digest = std::get<ValidDigest>(*outcome);
    ++valid_digests;
    last_start = digest.start;
    SysMillis s = std::max(digest.start, plan.start);
    SysMillis e = std::min(digest.end, plan.end);
    if (!found_start || s < *found_start) found_start = s;
    if (!found_end || e > *found_end) found_end = e;
    Item item{
        Item::kValidDigest, "Digest file\t" + S3Url(digest.bucket, digest.key) + "\tvalid", {}};
    // The digest's log files are checked in batches of the source's size (consecutive files of
    // one bucket), each batch one task.
    std::vector<LogCheck*> batch;
    auto queue_batch = [&] {
      if (batch.empty()) return;
      auto promises = std::make_shared<std::vector<std::promise<LogOutcome>>>(batch.size());
      for (size_t i = 0; i < batch.size(); ++i) batch[i]->outcome = (*promises)[i].get_future();
      pool.Post(false, [&source, batch, promises] { CheckLogs(source, batch, *promises); });
      batch.clear();
    };
    for (LogCheck& log : digest.logs) {
      item.logs.push_back(logs.size());
      LogCheck& queued = logs.emplace_back(std::move(log));
      if (!batch.empty() &&
          (batch.size() == batch_size || batch.front()->bucket != queued.bucket)) {
        queue_batch();
      }
      batch.push_back(&queued);
    }
    queue_batch();
    items.push_back(std::move(item));
    if (!digest.previous_bucket || !digest.previous_key) {
      auto next = next_listed(key);
      if (next) {
        items.push_back({Item::kProblem,
                         "No log files were delivered by CloudTrail between " +
                             Display(next->second) + " and " + Display(last_start),
                         {}});
        key = next->first;
      } else {
        key.reset();
      }
    } else {
      key = *digest.previous_key;
      if (*digest.previous_bucket != bucket) {
        bucket = *digest.previous_bucket;
        auto reloaded = load_digests(bucket);
        if (!reloaded.ok()) {
          fatal = reloaded.status().message();
          break;
        }
        listed = std::move(*reloaded);
        ahead.clear();
        unfetched = listed.size();
      }
    }
  }

  Reporter report(out, err, plan.verbose);
  int valid_logs = 0;
  int invalid_logs = 0;
  for (const Item& item : items) {
    report.Status(item.line, item.kind == Item::kProblem);
    for (size_t i : item.logs) {
      LogCheck& log = logs[i];
      const LogOutcome outcome = log.outcome.get();
      std::string url = "Log file\t" + S3Url(log.bucket, log.key) + "\t";
      switch (outcome.verdict) {
        case LogVerdict::kValid:
          ++valid_logs;
          report.Status(url + "valid", false);
          break;
        case LogVerdict::kHashMismatch:
          ++invalid_logs;
          report.Status(url + "INVALID: hash value doesn't match", true);
          break;
        case LogVerdict::kNotFound:
          ++invalid_logs;
          report.Status(url + "INVALID: not found", true);
          break;
        case LogVerdict::kInvalidFormat:
          ++invalid_logs;
          report.Status(url + "INVALID: invalid format", true);
          break;
        case LogVerdict::kFatal:
          return Fatal(out, err, outcome.fatal);
      }
    }
  }
  if (fatal) return Fatal(out, err, *fatal);

  if (!report.double_space()) std::fprintf(out, "\n");
  std::fprintf(out, "Results requested for %s to %s\n", Display(plan.start).c_str(),
               Display(plan.end).c_str());
  if (valid_digests == 0 && invalid_digests == 0) {
    std::fprintf(out, "No digests found\n");
    return 0;
  }
  if (!found_start || !found_end) {
    std::fprintf(out, "No valid digests found in range\n");
  } else {
    std::fprintf(out, "Results found for %s to %s:\n", Display(*found_start).c_str(),
                 Display(*found_end).c_str());
  }
  WriteRatio(out, valid_digests, invalid_digests, "digest");
  WriteRatio(out, valid_logs, invalid_logs, "log");
  std::fprintf(out, "\n");
  return invalid_digests > 0 || invalid_logs > 0 ? 1 : 0;
}

int RunValidateLogs(const ValidateLogsOptions& options, Env& env, std::FILE* out, std::FILE* err) {
  auto fail = [&](const std::string& message) { return Fatal(out, err, message); };
  auto start = ParseCliTime(options.start_time);
  if (!start.ok()) return fail(start.status().message());
  SysMillis end = env.clock.Now();
  if (!options.end_time.empty()) {
    auto parsed = ParseCliTime(options.end_time);
    if (!parsed.ok()) return fail(parsed.status().message());
    end = *parsed;
  }
  // The CLI works in whole seconds of display; keep the user's values as given.
  if (*start > end) {
    return fail("Invalid time range specified: start-time must occur before end-time");
  }
  static const std::regex kArn("arn:.+:cloudtrail:.+:\\d{12}:trail/.+");
  if (!std::regex_search(options.trail_arn, kArn) || options.trail_arn.find("arn:") != 0) {
    return fail("Invalid trail ARN provided: " + options.trail_arn);
  }
  std::vector<std::string> fields;
  {
    size_t pos = 0;
    while (true) {
      size_t colon = options.trail_arn.find(':', pos);
      fields.push_back(options.trail_arn.substr(pos, colon - pos));
      if (colon == std::string::npos) break;
      pos = colon + 1;
    }
  }
  ValidationPlan plan;
  plan.trail_arn = options.trail_arn;
  plan.start = *start;
  plan.end = end;
  plan.home_region = fields[3];
  plan.trail_name = options.trail_arn.substr(options.trail_arn.rfind('/') + 1);
  plan.account_id = options.account_id.empty() ? fields[4] : options.account_id;
  plan.source_region = options.client.region.empty() ? plan.home_region : options.client.region;
  plan.verbose = options.verbose;
  plan.concurrency = options.concurrency;

  auto credentials = ResolveCredentials(options.client);
  if (!credentials.ok()) return fail(credentials.status().message());
  auto region = ResolveRegion(options.client);
  std::string client_region = region.ok() ? *region : plan.home_region;
  auto endpoint = ParseEndpoint(ResolveEndpoint(options.client));
  if (!endpoint.ok()) return fail(endpoint.status().message());
  HttpClient cloudtrail(*endpoint);
  auto call = [&](const std::string& operation,
                  const std::string& body) -> Result<std::unique_ptr<api::JsonDocument>> {
    JsonCall c;
    c.target = "CloudTrail_20131101." + operation;
    c.body = body;
    OT_ASSIGN_OR_RETURN(HttpResponse r,
                        SendJson(cloudtrail, *endpoint, *credentials, client_region, c, env.clock));
    if (r.status != 200) {
      return Status(Error::kUnavailable, "An error occurred when calling the " + operation +
                                             " operation: " + DescribeJsonError(r));
    }
    return api::JsonDocument::Parse(r.body);
  };

  if (options.s3_bucket.empty()) {
    auto trails = call("DescribeTrails", "{}");
    if (!trails.ok()) return fail(trails.status().message());
    bool found = false;
    if (auto list = (*trails)->root().Get("trailList"); list && list->is_array()) {
      for (const api::JsonValue& t : list->Items()) {
        auto arn = t.Get("TrailARN");
        if (!arn || !arn->is_string() || arn->AsString() != options.trail_arn) continue;
        found = true;
        if (auto b = t.Get("S3BucketName"); b && b->is_string()) plan.bucket = b->AsString();
        if (auto p = t.Get("S3KeyPrefix"); p && p->is_string()) plan.prefix = p->AsString();
        if (auto org = t.Get("IsOrganizationTrail");
            org && org->type() == api::JsonValue::Type::kBool && org->AsBool()) {
          if (options.account_id.empty()) {
            return fail("Missing required parameter for organization trail: '--account-id'");
          }
          return fail("opentrail validate-logs does not validate organization trails yet");
        }
        break;
      }
    }
    if (!found) return fail("A trail could not be found for " + options.trail_arn);
  } else {
    plan.bucket = options.s3_bucket;
    plan.prefix = options.s3_prefix;
  }

  PublicKeyFetcher fetch_keys = [&](SysMillis from,
                                    SysMillis to) -> Result<std::map<std::string, std::string>> {
    OT_ASSIGN_OR_RETURN(auto doc,
                        call("ListPublicKeys", "{\"StartTime\":" + FormatEpochSeconds(from) +
                                                   ",\"EndTime\":" + FormatEpochSeconds(to) + "}"));
    std::map<std::string, std::string> keys;
    if (auto list = doc->root().Get("PublicKeyList"); list && list->is_array()) {
      for (const api::JsonValue& k : list->Items()) {
        auto fp = k.Get("Fingerprint");
        auto value = k.Get("Value");
        if (fp && fp->is_string() && value && value->is_string()) {
          keys[std::string(fp->AsString())] = std::string(value->AsString());
        }
      }
    }
    return keys;
  };

  std::unique_ptr<ObjectSource> source;
  if (!options.from_dir.empty()) {
    source = MakeDirSource(options.from_dir, options.metadata_dir);
  } else {
    // S3 lives on the same server unless AWS_ENDPOINT_URL_S3 names another endpoint.
    std::string s3_url = ResolveEndpoint(options.client);
    if (auto s3 = ProcessEnv("AWS_ENDPOINT_URL_S3"); s3 && !s3->empty()) s3_url = *s3;
    auto s3_endpoint = ParseEndpoint(s3_url);
    if (!s3_endpoint.ok()) return fail(s3_endpoint.status().message());
    source = std::make_unique<S3Source>(*s3_endpoint, *credentials, client_region, env.clock);
  }
  return ValidateDigests(plan, *source, fetch_keys, out, err);
}

}  // namespace ot::cli
