#pragma once

#include <chrono>
#include <string>

#include "buckets/bucket_registry.h"
#include "common/env.h"
#include "common/status.h"

namespace ot::buckets::internal {

// The result of one HTTP attempt.
struct S3Attempt {
  Status status;
  bool retryable = false;  // transport failure or 5xx: worth another try
  int http_status = 0;     // 0 when no response arrived
};

// A minimal S3 client over libcurl: signed PutObject, one attempt per call (the registry
// retries). Thread-safe: each call uses its own curl handle.
class S3Client {
 public:
  S3Client(RemoteBucketConfig config, Clock& clock);

  S3Attempt PutObject(const PutObjectRequest& request, std::chrono::milliseconds timeout) const;

 private:
  RemoteBucketConfig config_;
  Clock& clock_;
  std::string scheme_;  // "http" / "https"
  std::string host_;    // host[:port] of the endpoint
};

// The text of the first <Code>…</Code> in an S3 error document, or empty.
std::string S3ErrorCode(std::string_view body);

}  // namespace ot::buckets::internal
