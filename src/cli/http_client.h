#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/aws_config.h"
#include "common/env.h"
#include "common/status.h"

namespace ot::cli {

struct Endpoint {
  std::string host;
  std::string port;
  std::string host_header;  // host[:port] as clients send it
  bool tls = false;         // https://
};

// Parses http://host[:port][/] and https://host[:port][/] (ports 80 and 443 by default).
Result<Endpoint> ParseEndpoint(std::string_view url);

// How the command line's https connections check the server, as the AWS CLI does: the CAs of
// `ca_bundle` (--ca-bundle, else $AWS_CA_BUNDLE) or the system's; `verify = false`
// (--no-verify-ssl) accepts any certificate. Set once by main before any client connects.
struct ClientTls {
  std::string ca_bundle;
  bool verify = true;
};
void SetClientTls(ClientTls tls);

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view Header(std::string_view name) const;
};

// Receives a response body piece by piece, as it arrives.
using BodySink = std::function<void(std::string_view)>;

// One request of a pipelined batch: GET or HEAD, no body.
struct PipelinedRequest {
  std::string method = "GET";
  std::string target;  // path with its query
  std::vector<std::pair<std::string, std::string>> headers;
};
// Request `index`'s 2xx body piece by piece, as it arrives.
using PipelineSink = std::function<void(size_t index, std::string_view piece)>;
// Request `index`'s answer (a 2xx's body went to the sink; another status's error document is in
// `body`), or why it has none. Called once per request, in request order.
using PipelineDone = std::function<void(size_t index, Result<HttpResponse> response)>;

// A keep-alive HTTP/1.1 connection; reconnects when the server closed it. Not thread-safe:
// one per thread.
class HttpClient {
 public:
  explicit HttpClient(Endpoint endpoint);
  ~HttpClient();
  Result<HttpResponse> Post(std::string_view path,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::string_view body);
  // Any method; `target` is the path with its query ("/bucket?prefix=a").
  Result<HttpResponse> Send(std::string_view method, std::string_view target,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::string_view body);
  // Like Send, but a 2xx body goes to `sink` as it arrives (HttpResponse::body stays empty) and
  // is never held whole; other statuses are read whole into `body` (their error document). A
  // reused connection that fails before the status line is retried once, fresh; a failure in
  // the middle of a streamed body is kUnavailable (the sink has seen part of it).
  Result<HttpResponse> SendStreaming(
      std::string_view method, std::string_view target,
      const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
      const BodySink& sink);
  // HTTP/1.1 pipelining: sends all `requests` back to back in one write, then reads their
  // answers in order (one recv can carry several; the server can work on them together). The
  // requests a closed connection left unanswered ("Connection: close", an idle keep-alive the
  // server had dropped) are sent again on a fresh one; a failure in the middle of a streamed body
  // is kUnavailable for that request.
  void SendPipelined(const std::vector<PipelinedRequest>& requests, const PipelineSink& sink,
                     const PipelineDone& done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Signs (SigV4) and sends one call: POST / with X-Amz-Target (JSON 1.1 unless told otherwise).
struct JsonCall {
  std::string target;  // e.g. "OpenTrail_20261101.IngestEvents"; empty: no X-Amz-Target
  std::string service = "cloudtrail";
  std::string body;
  std::string content_encoding;  // "gzip" or empty
  // JSON 1.0 services (CloudWatch) and Query forms (SNS) send other types.
  std::string content_type = "application/x-amz-json-1.1";
  std::vector<std::pair<std::string, std::string>> headers;  // more headers, signed too
};
Result<HttpResponse> SendJson(HttpClient& client, const Endpoint& endpoint,
                              const Credentials& credentials, const std::string& region,
                              const JsonCall& call, Clock& clock);

// A signed (SigV4, service s3, path-style) S3 GET, to send with HttpClient::SendPipelined;
// `raw_path` and `raw_query` as for SendS3Get.
PipelinedRequest SignS3Get(const Endpoint& endpoint, const Credentials& credentials,
                           const std::string& region, std::string_view raw_path,
                           std::string_view raw_query, Clock& clock);

// Signs (SigV4, service s3, path-style) and sends one S3 GET: `raw_path` is already
// URI-encoded ("/bucket/a%20b"), `raw_query` too and without '?' (may be empty). With `sink`, a
// 2xx body is streamed to it (HttpClient::SendStreaming).
Result<HttpResponse> SendS3Get(HttpClient& client, const Endpoint& endpoint,
                               const Credentials& credentials, const std::string& region,
                               std::string_view raw_path, std::string_view raw_query, Clock& clock,
                               const BodySink* sink = nullptr);

// "<__type>: <message>" of a JSON error reply, or the HTTP status when the body is not one.
std::string DescribeJsonError(const HttpResponse& response);

}  // namespace ot::cli
