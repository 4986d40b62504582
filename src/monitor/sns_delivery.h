#pragma once

// Delivery of SNS messages to http/https endpoints (shared/spec/sns.md §4.1, §4.3): a queue of
// POSTs served by background threads, with the retry schedule of the effective delivery policy.
// 2xx = delivered; 4xx = permanent failure (dropped); 1xx/5xx, timeouts and connection or TLS
// errors are retried after the schedule's delay, counted from the end of the failed attempt.
// A message is retried at most `num_retries` times and never after one hour. Retries resend the
// same body (same MessageId and signature). In memory: a restart abandons queued retries.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace ot::monitor {

// The healthy retry policy of a delivery policy (sns.md §3).
struct SnsRetryPolicy {
  int num_retries = 3;
  int num_no_delay_retries = 0;
  int num_min_delay_retries = 0;
  int num_max_delay_retries = 0;
  int min_delay_seconds = 20;
  int max_delay_seconds = 20;
  std::string backoff = "linear";  // linear | arithmetic | geometric | exponential
  // Not retry settings, but read from the same document: the request policy's
  // headerContentType (empty = "text/plain; charset=UTF-8") and, for a topic's policy,
  // disableSubscriptionOverrides (subscriptions' own policies are then ignored).
  std::string header_content_type;
  bool disable_subscription_overrides = false;
};

// The retry policy of a topic's DeliveryPolicy JSON ({"http":{"defaultHealthyRetryPolicy":…,
// "disableSubscriptionOverrides":…,"defaultRequestPolicy":{"headerContentType":…}}}), or of a
// subscription's ({"healthyRetryPolicy":…,"requestPolicy":…}); members left out keep their
// defaults.
// kInvalidParameter "Invalid parameter: DeliveryPolicy: <reason>" for a malformed document or
// values outside SNS's limits (numRetries 0–100, delays 1–3600 s, min ≤ max, the phase counts
// not exceeding numRetries, a known backoffFunction).
Result<SnsRetryPolicy> ParseSnsDeliveryPolicy(std::string_view json, bool subscription);

// The delays before retry 1..num_retries: no-delay retries (0), then min-delay retries, then the
// backoff phase spreading delays from min to max by the backoff function, then max-delay ones.
std::vector<std::chrono::milliseconds> SnsRetrySchedule(const SnsRetryPolicy& policy);

// One HTTP POST's outcome: the status, or 0 with `error` for a transport failure.
struct SnsHttpResult {
  int status = 0;
  std::string error;
};

// The HTTP client the sender uses (curl in the server; a fake in tests). Thread-safe. A POST
// should give up soon after `*cancel` becomes true (the sender is stopping).
class SnsTransport {
 public:
  virtual ~SnsTransport() = default;
  virtual SnsHttpResult Post(const std::string& url,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             const std::string& body, std::chrono::milliseconds timeout,
                             const std::atomic<bool>& cancel) = 0;
};

struct SnsDelivery {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<std::chrono::milliseconds> retry_delays;  // SnsRetrySchedule
  std::string subscription_arn;                         // for logs
  // Asked before each retry: false drops the delivery (the subscription went away).
  std::function<bool()> still_wanted;
};

struct SnsSenderOptions {
  int threads = 2;
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds max_lifetime{std::chrono::hours(1)};
  // Replaces every retry delay when set (serve --sns-retry-delay; tests).
  std::optional<std::chrono::milliseconds> retry_delay_override;
};

struct SnsSenderStats {
  uint64_t attempts = 0, delivered = 0, retried = 0, failed = 0;
};

class SnsSender {
 public:
  // `clock.Mono()` times attempts and retries (it must be the steady clock's time: the threads
  // wait on it).
  SnsSender(SnsTransport& transport, Clock& clock, SnsSenderOptions options);
  ~SnsSender();  // stops the threads; queued deliveries and POSTs in flight are abandoned
  void Enqueue(SnsDelivery delivery);
  SnsSenderStats stats() const;

 private:
  struct Job {
    SnsDelivery delivery;
    size_t attempt = 0;  // attempts made so far
    std::chrono::steady_clock::time_point first_attempt{};
  };
  void Work();

  SnsTransport& transport_;
  Clock& clock_;
  SnsSenderOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};  // stopping_, for POSTs in flight
  std::multimap<std::chrono::steady_clock::time_point, Job> queue_;
  SnsSenderStats stats_;
  std::vector<std::thread> threads_;
};

}  // namespace ot::monitor
