#include "cli/import.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/protocol/json_value.h"
#include "cli/http_client.h"
#include "common/gzip.h"

namespace ot::cli {
namespace {

constexpr std::string_view kIngestTarget = "OpenTrail_20261101.IngestEvents";
constexpr size_t kMaxDecodedFile = size_t{2} << 30;

bool IsLogFileName(const std::string& path) {
  if (path.find("CloudTrail-Digest") != std::string::npos) return false;
  for (std::string_view suffix : {".json.gz", ".json", ".jsonl", ".jsonl.gz", ".ndjson"}) {
    if (path.size() >= suffix.size() &&
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

struct Batch {
  std::string body;
  std::string encoding;
};

// Splits a decoded log file into IngestEvents bodies of at most `max_bytes` (a single larger
// record still travels alone).
Result<std::vector<Batch>> SplitRecords(std::string_view text, uint64_t max_bytes) {
  std::vector<std::string> records;
  auto doc = api::JsonDocument::Parse(text);
  if (doc.ok()) {
    api::JsonValue root = (*doc)->root();
    std::optional<api::JsonValue> list = root;
    if (root.is_object()) list = root.Get("Records");
    if (!list || !list->is_array()) {
      return Status(Error::kInvalidRecord, "the file has no Records array");
    }
    for (const api::JsonValue& r : list->Items()) records.push_back(r.Minified());
  } else {
    size_t pos = 0;  // JSON lines
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) records.emplace_back(line);
      pos = nl + 1;
    }
  }
  std::vector<Batch> batches;
  std::string body;
  auto flush = [&] {
    if (body.empty()) return;
    body += "]}";
    batches.push_back({std::move(body), ""});
    body.clear();
  };
  for (std::string& r : records) {
    if (!body.empty() && body.size() + r.size() + 3 > max_bytes) flush();
    body += body.empty() ? "{\"Records\":[" : ",";
    body += r;
  }
  flush();
  return batches;
}

class Importer {
 public:
  Importer(const ImportOptions& options, Env& env, Endpoint endpoint, Credentials credentials,
           std::string region, std::vector<std::string> files)
      : options_(options),
        env_(env),
        endpoint_(std::move(endpoint)),
        credentials_(std::move(credentials)),
        region_(std::move(region)),
        files_(std::move(files)) {}

  ImportSummary Run() {
    auto start = env_.clock.Mono();
    int n = std::max(1, std::min<int>(options_.concurrency, static_cast<int>(files_.size())));
    std::vector<std::thread> workers;
    for (int i = 0; i < n; ++i) workers.emplace_back([this] { Work(); });
    bool tty = options_.progress && isatty(2);
    while (tty && done_files_.load() < files_.size()) {
      std::unique_lock lock(mu_);
      progress_cv_.wait_for(lock, std::chrono::milliseconds(500));
      PrintProgress(start);
    }
    for (auto& t : workers) t.join();
    if (tty) {
      PrintProgress(start);
      std::fputc('\n', stderr);
    }
    summary_.files = files_.size();
    summary_.seconds = std::chrono::duration<double>(env_.clock.Mono() - start).count();
    return summary_;
  }

 private:
  void PrintProgress(std::chrono::steady_clock::time_point start) {
    double secs = std::chrono::duration<double>(env_.clock.Mono() - start).count();
    std::fprintf(stderr, "\rimport: %zu/%zu files, %llu events (%llu new), %.1f MB, %.0f events/s ",
                 done_files_.load(), files_.size(),
                 static_cast<unsigned long long>(summary_.records),
                 static_cast<unsigned long long>(summary_.ingested),
                 static_cast<double>(summary_.input_bytes) / 1e6,
                 secs > 0 ? static_cast<double>(summary_.records) / secs : 0.0);
  }

  void Work() {
    HttpClient client(endpoint_);
    while (true) {
      size_t i = next_.fetch_add(1);
      if (i >= files_.size()) return;
      Status s = ImportFile(client, files_[i]);
      std::lock_guard lock(mu_);
      if (!s.ok()) {
        ++summary_.failed_files;
        summary_.errors.push_back(files_[i] + ": " + s.message());
      }
      ++done_files_;
      progress_cv_.notify_all();
    }
  }

  Status ImportFile(HttpClient& client, const std::string& path) {
    OT_ASSIGN_OR_RETURN(std::string raw, env_.fs.ReadFile(path));
    {
      std::lock_guard lock(mu_);
      summary_.input_bytes += raw.size();
    }
    std::vector<Batch> batches;
    bool gz = LooksGzipped(raw);
    std::string decoded;
    if (gz) {
      OT_ASSIGN_OR_RETURN(decoded, GzipDecompress(raw, kMaxDecodedFile));
    }
    std::string_view text = gz ? std::string_view(decoded) : std::string_view(raw);
    if (text.size() <= options_.max_batch_bytes) {
      // The common case: the file travels as it is, still compressed.
      batches.push_back({std::move(raw), gz ? "gzip" : ""});
    } else {
      OT_ASSIGN_OR_RETURN(batches, SplitRecords(text, options_.max_batch_bytes));
    }
    for (Batch& b : batches) OT_RETURN_IF_ERROR(Send(client, std::move(b)));
    return Status::Ok();
  }

  // Sends one batch, retrying transient failures with backoff (the server dedupes).
  Status Send(HttpClient& client, Batch batch) {
    JsonCall call;
    call.target = std::string(kIngestTarget);
    call.body = std::move(batch.body);
    call.content_encoding = batch.encoding;
    Status last;
    for (int attempt = 0; attempt < 6; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
      auto r = SendJson(client, endpoint_, credentials_, region_, call, env_.clock);
      if (!r.ok()) {
        last = r.status();
        continue;
      }
      if (r->status == 200) return Record(r->body);
      last = Status(Error::kValidation, DescribeJsonError(*r));
      if (r->status < 500 && r->Header("x-amzn-ErrorType") != "ThrottlingException") return last;
    }
    return last;
  }

  Status Record(const std::string& body) {
    auto doc = api::JsonDocument::Parse(body);
    if (!doc.ok()) return Status(Error::kInternal, "unreadable IngestEvents reply");
    api::Members m((*doc)->root(), "");
    OT_ASSIGN_OR_RETURN(auto received, m.OptInt("Received"));
    OT_ASSIGN_OR_RETURN(auto ingested, m.OptInt("Ingested"));
    OT_ASSIGN_OR_RETURN(auto duplicates, m.OptInt("Duplicates"));
    std::lock_guard lock(mu_);
    summary_.records += static_cast<uint64_t>(received.value_or(0));
    summary_.ingested += static_cast<uint64_t>(ingested.value_or(0));
    summary_.duplicates += static_cast<uint64_t>(duplicates.value_or(0));
    return Status::Ok();
  }

  const ImportOptions& options_;
  Env& env_;
  Endpoint endpoint_;
  Credentials credentials_;
  std::string region_;
  std::vector<std::string> files_;
  std::atomic<size_t> next_{0};
  std::atomic<size_t> done_files_{0};
  std::mutex mu_;
  std::condition_variable progress_cv_;
  ImportSummary summary_;
};

}  // namespace

Result<std::vector<std::string>> FindLogFiles(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) return Status(Error::kNotFound, "no such file or folder: " + p);
    if (fs::is_regular_file(st)) {
      files.push_back(p);  // named explicitly: taken whatever its suffix
      continue;
    }
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (it->is_regular_file(ec) && IsLogFileName(it->path().string())) {
        files.push_back(it->path().string());
      }
    }
    if (ec) return Status(Error::kIoError, "cannot walk " + p + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

Result<ImportSummary> RunImport(const ImportOptions& options, Env& env) {
  OT_ASSIGN_OR_RETURN(Credentials credentials, ResolveCredentials(options.client));
  OT_ASSIGN_OR_RETURN(std::string region, ResolveRegion(options.client));
  OT_ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(ResolveEndpoint(options.client)));
  OT_ASSIGN_OR_RETURN(std::vector<std::string> files, FindLogFiles(options.paths));
  Importer importer(options, env, std::move(endpoint), std::move(credentials), std::move(region),
                    std::move(files));
  return importer.Run();
}

}  // namespace ot::cli
