#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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
  bool tls = false;         // arrived over HTTPS (aws:SecureTransport)
  std::string tls_version;  // "TLSv1.2", "TLSv1.3" when tls
  std::string tls_cipher;   // the negotiated suite's name when tls

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

// HTTPS on the API port: a PEM certificate chain and its private key, read at Listen and again on
// every SIGHUP (or ReloadTls); connections already open keep the certificate they started with.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
};

struct HttpServerOptions {
  uint64_t max_body_bytes = 16ull << 20;  // larger bodies get 413 and the connection closes
  uint32_t max_header_bytes = 64 << 10;
  std::chrono::seconds read_timeout{30};  // for one whole request
  std::chrono::seconds idle_timeout{75};  // keep-alive wait for the next request
  int threads = 2;
  // With `tls`, the port speaks TLS 1.2/1.3; a plain-HTTP request arriving there is answered
  // 400 unless `allow_plain_http`, which serves it (aws:SecureTransport false).
  std::optional<TlsFiles> tls;
  bool allow_plain_http = false;
};

// An HTTP/1.1 server (keep-alive, size limits, timeouts) on Boost.Beast.
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler& handler);
  ~HttpServer();

  // Binds and listens; returns the bound port (useful with port 0).
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  // Re-reads the certificate and key files for new connections; on error the old ones stay.
  // Run() calls it on SIGHUP. Thread-safe.
  Status ReloadTls();
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
