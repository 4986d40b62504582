#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/aws_config.h"
#include "common/env.h"
#include "common/status.h"

namespace ot::cli {

struct ImportOptions {
  ClientOptions client;
  std::vector<std::string> paths;         // files and folders (walked recursively)
  int concurrency = 4;                    // parallel connections
  uint64_t max_batch_bytes = 8ull << 20;  // decoded JSON per IngestEvents call
  bool progress = true;                   // a progress line when stderr is a terminal
};

struct ImportSummary {
  uint64_t files = 0;
  uint64_t failed_files = 0;
  uint64_t records = 0;      // received by the server
  uint64_t ingested = 0;     // new
  uint64_t duplicates = 0;   // already stored
  uint64_t input_bytes = 0;  // as read from disk (compressed where the files are)
  double seconds = 0;
  std::vector<std::string> errors;  // "<file>: <error>"
};

// Reads CloudTrail log files (.json.gz, .json, .jsonl; {"Records":[…]}, arrays or JSON lines)
// under `options.paths`, skipping digest files, and sends them through IngestEvents with the
// credentials the AWS CLI would use. Files that the server rejects are reported and skipped;
// transient failures are retried (safe: the server dedupes by eventID).
Result<ImportSummary> RunImport(const ImportOptions& options, Env& env);

// The log files under `paths`, sorted, digest files left out. Fails if a path does not exist.
Result<std::vector<std::string>> FindLogFiles(const std::vector<std::string>& paths);

}  // namespace ot::cli
