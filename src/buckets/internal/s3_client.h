#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "buckets/bucket_registry.h"
#include "common/env.h"
#include "common/status.h"

namespace ot::buckets::internal {

// The result of one HTTP attempt.
struct S3Attempt {
  Status status;
  bool retryable = false;  // transport failure or 5xx: worth another try
  int http_status = 0;     // 0 when no response arrived
  // The bucket lives in another region (301 PermanentRedirect / 400 AuthorizationHeaderMalformed
  // naming it): the client now signs for that region; try again at once.
  bool region_changed = false;
};

// A minimal S3 client over libcurl: signed PutObject and HeadBucket, one attempt per call (the
// registry retries). Thread-safe: each call uses its own curl handle. A transfer in progress is
// abandoned (kUnavailable, not retryable) as soon as `*cancel` becomes true.
class S3Client {
 public:
  S3Client(RemoteBucketConfig config, Clock& clock, const std::atomic<bool>* cancel = nullptr);

  S3Attempt PutObject(const PutObjectRequest& request, std::chrono::milliseconds timeout) const;
  // 200 → OK; 404 → kNoSuchBucket; 403 → kAccessDenied.
  S3Attempt HeadBucket(std::chrono::milliseconds timeout) const;

 private:
  std::string Region() const;
  // One signed request; `key` empty addresses the bucket itself.
  S3Attempt Send(std::string_view method, std::string_view key, std::string_view body,
                 std::vector<std::pair<std::string, std::string>> headers,
                 std::chrono::milliseconds timeout) const;

  RemoteBucketConfig config_;
  Clock& clock_;
  const std::atomic<bool>* cancel_;
  mutable std::mutex mu_;
  mutable std::string
      region_;          // guarded by mu_: where the bucket answered from, initially config_'s
  std::string scheme_;  // "http" / "https"
  std::string host_;    // host[:port] of the endpoint
};

// The text of the first <Code>…</Code> in an S3 error document, or empty.
std::string S3ErrorCode(std::string_view body);

}  // namespace ot::buckets::internal
