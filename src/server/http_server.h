#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/protocol/reply.h"
#include "common/status.h"

namespace ot::server {

// One HTTP request as read off the wire, independent of the HTTP library.
struct HttpRequest {
  std::string method;
  std::string target;  // raw request-target: path and query, still percent-encoded
  std::string path;    // target up to '?'
  std::string query;   // after '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // arrival order, names as sent
  std::string body;
  std::string remote_ip;
  bool tls = false;  // arrived over HTTPS (aws:SecureTransport)

  // The first header named `name` (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
};

// Receives every request; calls `respond` exactly once, from any thread, when the answer is ready.
class RequestHandler {
 public:
  using Responder = std::function<void(api::Reply)>;
  virtual ~RequestHandler() = default;
  virtual void Handle(std::shared_ptr<HttpRequest> request, Responder respond) = 0;
};

struct HttpServerOptions {
  uint64_t max_body_bytes = 16ull << 20;  // larger bodies get 413 and the connection closes
  uint32_t max_header_bytes = 64 << 10;
  std::chrono::seconds read_timeout{30};  // for one whole request
  std::chrono::seconds idle_timeout{75};  // keep-alive wait for the next request
  int threads = 2;
};

// An HTTP/1.1 server (keep-alive, size limits, timeouts) on Boost.Beast.
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler& handler);
  ~HttpServer();

  // Binds and listens; returns the bound port (useful with port 0).
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  // Runs `fn` every `period` on the server's threads until Stop.
  void Every(std::chrono::milliseconds period, std::function<void()> fn);
  // Serves on `options.threads` threads until Stop() or SIGINT/SIGTERM; blocks.
  void Run();
  // Stops accepting and closes connections; Run returns. Thread-safe.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ot::server
