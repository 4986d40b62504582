// ot_load: drives IngestEvents over HTTP for benchmarks and for building large histories.
//
//   ot_load --endpoint http://127.0.0.1:8421 --jsonl events.jsonl [--copies K] [--threads T]
//           [--batch N] [--region R]
//
// Sends every record of the JSONL file K times (copy k rewrites the first 8 hex digits of each
// eventID with k, so copies are distinct events), in batches of N records, from T connections.
// Credentials come from the environment or shared files, as the AWS CLI finds them.
// Prints events/s and MB/s of JSON sent.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cli/aws_config.h"
#include "cli/http_client.h"
#include "common/env.h"

namespace {

struct Args {
  std::string endpoint = "http://127.0.0.1:8421";
  std::string jsonl;
  std::string region;
  int copies = 1;
  int threads = 2;
  size_t batch = 1000;
};

std::vector<std::string> ReadLines(const std::string& path) {
  auto text = ot::RealFileSystem().ReadFile(path);
  OT_CHECK(text.ok());
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    if (nl > pos) lines.push_back(text->substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

void Rewrite(std::string* record, int copy) {
  size_t at = record->find("\"eventID\":\"");
  if (at == std::string::npos || copy == 0) return;
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08x", static_cast<unsigned>(copy));
  record->replace(at + 11, 8, hex);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--endpoint")
      a.endpoint = v;
    else if (k == "--jsonl")
      a.jsonl = v;
    else if (k == "--region")
      a.region = v;
    else if (k == "--copies")
      a.copies = std::stoi(v);
    else if (k == "--threads")
      a.threads = std::stoi(v);
    else if (k == "--batch")
      a.batch = std::stoul(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (a.jsonl.empty()) {
    std::fprintf(stderr,
                 "usage: ot_load --jsonl FILE [--endpoint URL] [--copies K] "
                 "[--threads T] [--batch N] [--region R]\n");
    return 2;
  }
  ot::cli::ClientOptions client;
  client.endpoint_url = a.endpoint;
  client.region = a.region;
  auto creds = ot::cli::ResolveCredentials(client);
  auto region = ot::cli::ResolveRegion(client);
  auto endpoint = ot::cli::ParseEndpoint(a.endpoint);
  if (!creds.ok() || !region.ok() || !endpoint.ok()) {
    std::fprintf(stderr, "ot_load: cannot resolve credentials, region or endpoint\n");
    return 2;
  }
  const std::vector<std::string> lines = ReadLines(a.jsonl);
  const size_t batches_per_copy = (lines.size() + a.batch - 1) / a.batch;
  const size_t total_batches = batches_per_copy * static_cast<size_t>(a.copies);
  std::atomic<size_t> next{0}, events{0}, bytes{0}, failures{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < a.threads; ++t) {
    workers.emplace_back([&] {
      ot::cli::HttpClient http(*endpoint);
      std::string body;
      while (true) {
        size_t b = next.fetch_add(1);
        if (b >= total_batches) return;
        int copy = static_cast<int>(b / batches_per_copy);
        size_t first = (b % batches_per_copy) * a.batch;
        size_t last = std::min(lines.size(), first + a.batch);
        body = "{\"Records\":[";
        for (size_t i = first; i < last; ++i) {
          std::string r = lines[i];
          Rewrite(&r, copy);
          if (i > first) body += ',';
          body += r;
        }
        body += "]}";
        ot::cli::JsonCall call;
        call.target = "OpenTrail_20261101.IngestEvents";
        call.body = body;
        auto r = ot::cli::SendJson(http, *endpoint, *creds, *region, call, ot::RealClock());
        if (!r.ok() || r->status != 200) {
          ++failures;
          std::fprintf(
              stderr, "batch %zu failed: %s\n", b,
              r.ok() ? ot::cli::DescribeJsonError(*r).c_str() : r.status().message().c_str());
          continue;
        }
        events += last - first;
        bytes += body.size();
      }
    });
  }
  for (auto& w : workers) w.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "sent %zu events (%.1f MB JSON) in %.2f s: %.0f events/s, %.1f MB/s, %zu failed "
      "batches\n",
      events.load(), static_cast<double>(bytes.load()) / 1e6, secs,
      static_cast<double>(events.load()) / secs, static_cast<double>(bytes.load()) / 1e6 / secs,
      failures.load());
  return failures.load() == 0 ? 0 : 1;
}
