#include "cli/http_client.h"

#include <openssl/ssl.h>
#include <strings.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <mutex>

#include "api/protocol/json_value.h"
#include "auth/sigv4.h"

namespace ot::cli {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr size_t kMaxWholeBody = size_t{256} << 20;  // an answer read whole (not streamed)
constexpr size_t kReadBuffer = size_t{64} << 10;     // bytes one recv may take

Result<Endpoint> ParseEndpoint(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  constexpr std::string_view kHttps = "https://";
  Endpoint e;
  std::string_view rest;
  if (url.substr(0, kHttps.size()) == kHttps) {
    e.tls = true;
    rest = url.substr(kHttps.size());
  } else if (url.substr(0, kHttp.size()) == kHttp) {
    rest = url.substr(kHttp.size());
  } else {
    return Status(Error::kValidation,
                  "--endpoint-url must start with http:// or https://, got " + std::string(url));
  }
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) return Status(Error::kValidation, "--endpoint-url has no host");
  e.host_header = std::string(rest);
  // The port follows the first ':' after the host; an IPv6 literal is bracketed: [::1]:8080.
  size_t bracket = rest.front() == '[' ? rest.find(']') : 0;
  if (bracket == std::string_view::npos) {
    return Status(Error::kValidation, "--endpoint-url has an unclosed '[': " + std::string(url));
  }
  size_t colon = rest.find(':', bracket);
  e.host = std::string(rest.substr(0, colon));
  e.port = colon == std::string_view::npos ? (e.tls ? "443" : "80")
                                           : std::string(rest.substr(colon + 1));
  if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  bool digits = !e.port.empty() && e.port.size() <= 5 &&
                e.port.find_first_not_of("0123456789") == std::string::npos;
  if (e.host.empty() || !digits || std::stoul(e.port) == 0 || std::stoul(e.port) > 65535) {
    return Status(Error::kValidation,
                  "--endpoint-url must be http[s]://HOST[:PORT], got " + std::string(url));
  }
  return e;
}

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return {};
}

namespace {

std::mutex tls_mu;
ClientTls& TlsDefaults() {
  static ClientTls tls;
  return tls;
}

// A client context for this process's settings; kValidation when the CA bundle does not load.
Result<std::shared_ptr<ssl::context>> MakeClientContext() {
  ClientTls tls;
  {
    std::lock_guard lock(tls_mu);
    tls = TlsDefaults();
  }
  if (tls.ca_bundle.empty()) {
    if (const char* env = std::getenv("AWS_CA_BUNDLE"); env != nullptr) tls.ca_bundle = env;
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  if (!tls.ca_bundle.empty()) {
    ctx->load_verify_file(tls.ca_bundle, ec);
  } else {
    ctx->set_default_verify_paths(ec);
  }
  if (ec) {
    return Status(Error::kValidation,
                  "cannot load the CA bundle '" + tls.ca_bundle + "': " + ec.message());
  }
  ctx->set_verify_mode(tls.verify ? ssl::verify_peer : ssl::verify_none);
  return ctx;
}

}  // namespace

void SetClientTls(ClientTls tls) {
  std::lock_guard lock(tls_mu);
  TlsDefaults() = std::move(tls);
}

struct HttpClient::Impl {
  Endpoint endpoint;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;    // plain connection
  std::shared_ptr<ssl::context> tls_context;  // https: made on first connect
  std::optional<TlsStream> tls_stream;        // https connection
  beast::flat_buffer buffer;
  std::string chunk;  // body bytes of the answer being read

  bool connected() const { return stream.has_value() || tls_stream.has_value(); }
  void Drop() {
    stream.reset();
    tls_stream.reset();
  }

  Status Connect() {
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto results = resolver.resolve(endpoint.host, endpoint.port, ec);
    beast::tcp_stream tcp_stream(ioc);
    if (!ec) tcp_stream.connect(results, ec);
    if (ec) {
      return Status(Error::kUnavailable,
                    "cannot connect to " + endpoint.host_header + ": " + ec.message());
    }
    tcp_stream.socket().set_option(tcp::no_delay(true), ec);
    buffer.clear();
    // Beast reads at most the buffer's free capacity per recv (512 bytes into an empty one): a
    // 64 KiB buffer takes an answer, or several pipelined ones, in one or two recvs instead of
    // one per 512 bytes.
    if (buffer.capacity() < kReadBuffer) buffer.reserve(kReadBuffer);
    if (!endpoint.tls) {
      stream.emplace(std::move(tcp_stream));
      return Status::Ok();
    }
    if (!tls_context) {
      OT_ASSIGN_OR_RETURN(tls_context, MakeClientContext());
    }
    tls_stream.emplace(std::move(tcp_stream), *tls_context);
    SSL* ssl = tls_stream->native_handle();
    // SNI for names (not IP literals); the certificate must name the host either way.
    beast::error_code ip_ec;
    net::ip::make_address(endpoint.host, ip_ec);
    if (ip_ec) {
      SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(endpoint.host.c_str()));
    }
    tls_stream->set_verify_callback(ssl::host_name_verification(endpoint.host));
    beast::get_lowest_layer(*tls_stream).expires_after(std::chrono::seconds(30));
    tls_stream->handshake(ssl::stream_base::client, ec);
    if (ec) {
      tls_stream.reset();
      return Status(Error::kUnavailable,
                    "TLS handshake with " + endpoint.host_header + " failed: " + ec.message());
    }
    return Status::Ok();
  }

  // One request and its answer on the open connection (`Exchange` below, per stream type).
  template <class Stream>
  Result<HttpResponse> Exchange(Stream& s, http::request<http::string_body>& req,
                                const BodySink& sink, bool* retry);

  // The answer's head is read; reads its body: a 2xx to `sink` when there is one, else into
  // `out->body`. An error drops the connection.
  template <class Stream, class Parser>
  Status ReadBody(Stream& s, Parser& parser, bool stream_body, const BodySink& sink,
                  HttpResponse* out);

  // Sends requests[from..] back to back and reads answers until the connection ends; returns the
  // index of the first request with no answer (requests.size() when all have one). `failure`
  // says why the connection ended early.
  template <class Stream>
  size_t Pipeline(Stream& s, const std::vector<PipelinedRequest>& requests, size_t from,
                  const PipelineSink& sink, const PipelineDone& done, std::string* failure);
};

HttpClient::HttpClient(Endpoint endpoint) : impl_(std::make_unique<Impl>()) {
  impl_->endpoint = std::move(endpoint);
}
HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Post(
    std::string_view path, const std::vector<std::pair<std::string, std::string>>& headers,
    std::string_view body) {
  return Send("POST", path, headers, body);
}

Result<HttpResponse> HttpClient::Send(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) {
  return SendStreaming(method, target, headers, body, nullptr);
}

Result<HttpResponse> HttpClient::SendStreaming(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
    const BodySink& sink) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::string(body);
  req.keep_alive(true);
  req.prepare_payload();
  // A kept-alive connection may have been closed by the server meanwhile: retry once, fresh.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = impl_->connected();
    if (!reused) OT_RETURN_IF_ERROR(impl_->Connect());
    bool retry = false;
    auto out = impl_->stream ? impl_->Exchange(*impl_->stream, req, sink, &retry)
                             : impl_->Exchange(*impl_->tls_stream, req, sink, &retry);
    if (retry && reused) continue;
    return out;
  }
  return Status(Error::kUnavailable, "request to " + impl_->endpoint.host_header + " failed");
}

template <class Stream>
Result<HttpResponse> HttpClient::Impl::Exchange(Stream& s, http::request<http::string_body>& req,
                                                const BodySink& sink, bool* retry) {
  beast::error_code ec;
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(300));
  http::write(s, req, ec);
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (!ec) http::read_header(s, buffer, parser, ec);
  if (ec) {
    Drop();
    *retry = true;
    return Status(Error::kUnavailable,
                  "request to " + endpoint.host_header + " failed: " + ec.message());
  }
  HttpResponse out;
  const auto& head = parser.get();
  out.status = static_cast<int>(head.result_int());
  for (const auto& f : head) out.headers.emplace_back(f.name_string(), f.value());
  OT_RETURN_IF_ERROR(ReadBody(s, parser, sink && out.status / 100 == 2, sink, &out));
  if (!parser.get().keep_alive()) Drop();
  return out;
}

template <class Stream, class Parser>
Status HttpClient::Impl::ReadBody(Stream& s, Parser& parser, bool stream_body, const BodySink& sink,
                                  HttpResponse* response) {
  beast::error_code ec;
  HttpResponse& out = *response;
  if (chunk.empty()) chunk.resize(64 << 10);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    http::read(s, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    std::string_view piece(chunk.data(), chunk.size() - parser.get().body().size);
    if (ec) {
      if (stream_body && !piece.empty()) sink(piece);
      Drop();
      return Status(Error::kUnavailable,
                    "reading the answer of " + endpoint.host_header + " failed: " + ec.message());
    }
    if (piece.empty()) continue;
    if (stream_body) {
      sink(piece);
    } else if (out.body.size() + piece.size() > kMaxWholeBody) {
      Drop();
      return Status(Error::kUnavailable,
                    "the answer of " + endpoint.host_header + " is larger than 256 MiB");
    } else {
      out.body.append(piece);
    }
  }
  return Status::Ok();
}

template <class Stream>
size_t HttpClient::Impl::Pipeline(Stream& s, const std::vector<PipelinedRequest>& requests,
                                  size_t from, const PipelineSink& sink, const PipelineDone& done,
                                  std::string* failure) {
  std::string wire;
  for (size_t i = from; i < requests.size(); ++i) {
    const PipelinedRequest& r = requests[i];
    wire.append(r.method).append(" ").append(r.target).append(" HTTP/1.1\r\n");
    for (const auto& [k, v] : r.headers) wire.append(k).append(": ").append(v).append("\r\n");
    wire.append("\r\n");
  }
  beast::error_code ec;
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(300));
  net::write(s, net::buffer(wire), ec);
  for (size_t i = from; i < requests.size(); ++i) {
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.skip(requests[i].method == "HEAD");
    if (!ec) http::read_header(s, buffer, parser, ec);
    if (ec) {
      *failure = ec.message();
      Drop();
      return i;
    }
    HttpResponse out;
    const auto& head = parser.get();
    out.status = static_cast<int>(head.result_int());
    for (const auto& f : head) out.headers.emplace_back(f.name_string(), f.value());
    const bool keep_alive = head.keep_alive();
    BodySink piece_sink = [&sink, i](std::string_view piece) { sink(i, piece); };
    Status read = ReadBody(s, parser, sink && out.status / 100 == 2, piece_sink, &out);
    if (!read.ok()) {
      done(i, read);
      return i + 1;
    }
    done(i, std::move(out));
    if (!keep_alive) {
      Drop();
      *failure = "the server closed the connection";
      return i + 1;
    }
  }
  return requests.size();
}

void HttpClient::SendPipelined(const std::vector<PipelinedRequest>& requests,
                               const PipelineSink& sink, const PipelineDone& done) {
  size_t next = 0;
  while (next < requests.size()) {
    const bool reused = impl_->connected();
    Status connected = reused ? Status::Ok() : impl_->Connect();
    std::string failure;
    size_t answered = next;
    if (connected.ok()) {
      answered = impl_->stream
                     ? impl_->Pipeline(*impl_->stream, requests, next, sink, done, &failure)
                     : impl_->Pipeline(*impl_->tls_stream, requests, next, sink, done, &failure);
    }
    // A fresh connection that answered nothing ends the batch: every remaining request fails.
    // A reused one may have been closed by the server meanwhile: once more, fresh.
    if (answered == next && !reused) {
      Status why = connected.ok()
                       ? Status(Error::kUnavailable,
                                "request to " + impl_->endpoint.host_header + " failed: " + failure)
                       : connected;
      for (size_t i = next; i < requests.size(); ++i) done(i, why);
      return;
    }
    next = answered;
  }
}

Result<HttpResponse> SendJson(HttpClient& client, const Endpoint& endpoint,
                              const Credentials& credentials, const std::string& region,
                              const JsonCall& call, Clock& clock) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", call.content_type},
      {"Host", endpoint.host_header},
  };
  if (!call.target.empty()) headers.emplace_back("X-Amz-Target", call.target);
  for (const auto& h : call.headers) headers.push_back(h);
  if (!call.content_encoding.empty())
    headers.emplace_back("Content-Encoding", call.content_encoding);
  if (!credentials.session_token.empty()) {
    headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  auth::HttpRequestView view;
  view.method = "POST";
  view.raw_path = "/";
  for (const auto& [k, v] : headers) view.headers.emplace_back(k, v);
  view.body = call.body;
  auth::SignedHeaders signed_headers =
      auth::SignRequest(view, credentials.access_key_id, credentials.secret_access_key,
                        credentials.session_token, region, call.service, clock.Now());
  headers.emplace_back("X-Amz-Date", signed_headers.amz_date);
  headers.emplace_back("Authorization", signed_headers.authorization);
  headers.emplace_back("User-Agent", "opentrail-cli/0.1");
  return client.Post("/", headers, call.body);
}

PipelinedRequest SignS3Get(const Endpoint& endpoint, const Credentials& credentials,
                           const std::string& region, std::string_view raw_path,
                           std::string_view raw_query, Clock& clock) {
  PipelinedRequest request;
  std::vector<std::pair<std::string, std::string>>& headers = request.headers;
  headers = {
      {"Host", endpoint.host_header},
      // SHA-256 of the empty body.
      {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
  };
  if (!credentials.session_token.empty()) {
    headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  auth::HttpRequestView view;
  view.method = "GET";
  view.raw_path = raw_path;
  view.raw_query = raw_query;
  for (const auto& [k, v] : headers) view.headers.emplace_back(k, v);
  auth::SignedHeaders signed_headers =
      auth::SignRequest(view, credentials.access_key_id, credentials.secret_access_key,
                        credentials.session_token, region, "s3", clock.Now());
  headers.emplace_back("X-Amz-Date", signed_headers.amz_date);
  headers.emplace_back("Authorization", signed_headers.authorization);
  headers.emplace_back("User-Agent", "opentrail-cli/0.1");
  request.target = std::string(raw_path);
  if (!raw_query.empty()) request.target += "?" + std::string(raw_query);
  return request;
}

Result<HttpResponse> SendS3Get(HttpClient& client, const Endpoint& endpoint,
                               const Credentials& credentials, const std::string& region,
                               std::string_view raw_path, std::string_view raw_query, Clock& clock,
                               const BodySink* sink) {
  PipelinedRequest r = SignS3Get(endpoint, credentials, region, raw_path, raw_query, clock);
  if (sink != nullptr) return client.SendStreaming("GET", r.target, r.headers, "", *sink);
  return client.Send("GET", r.target, r.headers, "");
}

std::string DescribeJsonError(const HttpResponse& response) {
  auto doc = api::JsonDocument::Parse(response.body);
  if (doc.ok() && (*doc)->root().is_object()) {
    api::JsonValue root = (*doc)->root();
    auto type = root.Get("__type");
    auto message = root.Get("message");
    if (type && type->is_string()) {
      std::string out(type->AsString());
      if (message && message->is_string()) out += ": " + std::string(message->AsString());
      return out;
    }
  }
  return "HTTP " + std::to_string(response.status);
}

}  // namespace ot::cli
