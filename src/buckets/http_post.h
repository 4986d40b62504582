#pragma once

// A plain outbound HTTP(S) POST with libcurl, for the server's webhook-style deliveries (SNS
// http/https subscriptions). TLS verifies the peer's certificate and host name against the system
// store or `ca_bundle` unless `tls_verify` is off; TLS 1.2 at least; no redirects followed.

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace ot::buckets {

struct HttpPostOptions {
  std::string ca_bundle;  // PEM CAs; empty = the system store
  bool tls_verify = true;
};

struct HttpPostResult {
  int status = 0;  // the HTTP status; 0 when no answer came
  std::string error;  // "connection refused: …", "timed out: …", "TLS certificate not trusted: …"
};

// Thread-safe; one connection per call. A set `*cancel` (may be null) abandons the transfer
// within about a second ("cancelled").
HttpPostResult HttpPost(const HttpPostOptions& options, const std::string& url,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& body, std::chrono::milliseconds timeout,
                        const std::atomic<bool>* cancel = nullptr);

}  // namespace ot::buckets
