#include "cli/http_client.h"

#include <strings.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <limits>

#include "api/protocol/json_value.h"
#include "auth/sigv4.h"

namespace ot::cli {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr size_t kMaxWholeBody = size_t{256} << 20;  // an answer read whole (not streamed)

Result<Endpoint> ParseEndpoint(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.substr(0, 8) == "https://") {
    return Status(Error::kValidation, "https endpoints are not supported yet: " + std::string(url));
  }
  if (url.substr(0, kHttp.size()) != kHttp) {
    return Status(Error::kValidation,
                  "--endpoint-url must start with http://, got " + std::string(url));
  }
  std::string_view rest = url.substr(kHttp.size());
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) return Status(Error::kValidation, "--endpoint-url has no host");
  Endpoint e;
  e.host_header = std::string(rest);
  // The port follows the first ':' after the host; an IPv6 literal is bracketed: [::1]:8080.
  size_t bracket = rest.front() == '[' ? rest.find(']') : 0;
  if (bracket == std::string_view::npos) {
    return Status(Error::kValidation, "--endpoint-url has an unclosed '[': " + std::string(url));
  }
  size_t colon = rest.find(':', bracket);
  e.host = std::string(rest.substr(0, colon));
  e.port = colon == std::string_view::npos ? "80" : std::string(rest.substr(colon + 1));
  if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  bool digits = !e.port.empty() && e.port.size() <= 5 &&
                e.port.find_first_not_of("0123456789") == std::string::npos;
  if (e.host.empty() || !digits || std::stoul(e.port) == 0 || std::stoul(e.port) > 65535) {
    return Status(Error::kValidation,
                  "--endpoint-url must be http://HOST[:PORT], got " + std::string(url));
  }
  return e;
}

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return {};
}

struct HttpClient::Impl {
  Endpoint endpoint;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::string chunk;  // body bytes of the answer being read

  Status Connect() {
    stream.emplace(ioc);
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto results = resolver.resolve(endpoint.host, endpoint.port, ec);
    if (!ec) stream->connect(results, ec);
    if (ec) {
      stream.reset();
      return Status(Error::kUnavailable,
                    "cannot connect to " + endpoint.host_header + ": " + ec.message());
    }
    stream->socket().set_option(tcp::no_delay(true), ec);
    buffer.clear();
    return Status::Ok();
  }
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
    bool reused = impl_->stream.has_value();
    if (!reused) OT_RETURN_IF_ERROR(impl_->Connect());
    beast::error_code ec;
    impl_->stream->expires_after(std::chrono::seconds(300));
    http::write(*impl_->stream, req, ec);
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (!ec) http::read_header(*impl_->stream, impl_->buffer, parser, ec);
    if (ec) {
      impl_->stream.reset();
      if (reused) continue;
      return Status(Error::kUnavailable,
                    "request to " + impl_->endpoint.host_header + " failed: " + ec.message());
    }
    HttpResponse out;
    const auto& head = parser.get();
    out.status = static_cast<int>(head.result_int());
    for (const auto& f : head) out.headers.emplace_back(f.name_string(), f.value());
    const bool stream_body = sink && out.status / 100 == 2;
    if (impl_->chunk.empty()) impl_->chunk.resize(64 << 10);
    while (!parser.is_done()) {
      parser.get().body().data = impl_->chunk.data();
      parser.get().body().size = impl_->chunk.size();
      http::read(*impl_->stream, impl_->buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      std::string_view piece(impl_->chunk.data(), impl_->chunk.size() - parser.get().body().size);
      if (ec) {
        if (stream_body && !piece.empty()) sink(piece);
        impl_->stream.reset();
        return Status(Error::kUnavailable, "reading the answer of " + impl_->endpoint.host_header +
                                               " failed: " + ec.message());
      }
      if (piece.empty()) continue;
      if (stream_body) {
        sink(piece);
      } else if (out.body.size() + piece.size() > kMaxWholeBody) {
        impl_->stream.reset();
        return Status(Error::kUnavailable,
                      "the answer of " + impl_->endpoint.host_header + " is larger than 256 MiB");
      } else {
        out.body.append(piece);
      }
    }
    if (!parser.get().keep_alive()) impl_->stream.reset();
    return out;
  }
  return Status(Error::kUnavailable, "request to " + impl_->endpoint.host_header + " failed");
}

Result<HttpResponse> SendJson(HttpClient& client, const Endpoint& endpoint,
                              const Credentials& credentials, const std::string& region,
                              const JsonCall& call, Clock& clock) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/x-amz-json-1.1"},
      {"Host", endpoint.host_header},
      {"X-Amz-Target", call.target},
  };
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

Result<HttpResponse> SendS3Get(HttpClient& client, const Endpoint& endpoint,
                               const Credentials& credentials, const std::string& region,
                               std::string_view raw_path, std::string_view raw_query, Clock& clock,
                               const BodySink* sink) {
  std::vector<std::pair<std::string, std::string>> headers = {
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
  std::string target(raw_path);
  if (!raw_query.empty()) target += "?" + std::string(raw_query);
  if (sink != nullptr) return client.SendStreaming("GET", target, headers, "", *sink);
  return client.Send("GET", target, headers, "");
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
