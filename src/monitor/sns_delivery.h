#pragma once

// Delivery of SNS messages to http/https endpoints (shared/spec/sns.md §4.1, §4.3): a queue of
// POSTs served by background threads, with the retry schedule of the effective delivery policy.
// 2xx = delivered; 4xx = permanent failure (dropped); 1xx/5xx, timeouts and connection or TLS
// errors are retried after the schedule's delay, counted from the end of the failed attempt.
// A message is retried at most `num_retries` times and never after one hour. Retries resend the
// same body (same MessageId and signature). With an outbox, every queued delivery is also kept
// durably until it is delivered or given up, and a restart resumes it where it stood.

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
  // Names the delivery in the outbox (empty: not kept durably).
  std::string id;
  // "Notification", "SubscriptionConfirmation", … : what `still_wanted` asks, rebuilt from this
  // after a restart.
  std::string message_type;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<std::chrono::milliseconds> retry_delays;  // SnsRetrySchedule
  std::string subscription_arn;                         // for logs
  // Asked before each retry: false drops the delivery (the subscription went away).
  std::function<bool()> still_wanted;
};

// Durable storage of queued deliveries (the server: metadata.db). Thread-safe. `Save` replaces
// the entry of `id`; a failure to save is logged and the delivery still attempted.
class SnsOutbox {
 public:
  virtual ~SnsOutbox() = default;
  virtual Status Save(const std::string& id, const std::string& json) = 0;
  virtual void Remove(const std::string& id) = 0;
};

// One delivery as the outbox keeps it: where it stood when last saved.
struct SnsQueued {
  SnsDelivery delivery;
  size_t attempts = 0;  // attempts made
  SysMillis first{};    // wall time of the first attempt (zero: none yet)
  SysMillis next{};     // wall time the next attempt is due
};
std::string SnsQueuedJson(const SnsQueued& queued);
// kValidation for a document that is not one SnsQueuedJson wrote.
Result<SnsQueued> ParseSnsQueued(std::string_view json);

struct SnsSenderOptions {
  // Keeps queued deliveries (with an id) across restarts; null = memory only.
  SnsOutbox* outbox = nullptr;
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
  // Queues a delivery for its first attempt, saved to the outbox first when it has an id.
  void Enqueue(SnsDelivery delivery);
  // Queues a delivery read back from the outbox: its next attempt when it was due (now if that
  // passed), its retry count and hour of life going on from where they stood.
  void Resume(SnsQueued queued);
  SnsSenderStats stats() const;

 private:
  struct Job {
    SnsDelivery delivery;
    size_t attempt = 0;  // attempts made so far
    std::chrono::steady_clock::time_point first_attempt{};
    SysMillis first_wall{};  // the same instant on the wall clock, for the outbox
  };
  void Work();
  // Saves or forgets the job in the outbox (no-op without one or without an id).
  void Save(const Job& job, std::chrono::steady_clock::time_point due);
  void Forget(const Job& job);

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
