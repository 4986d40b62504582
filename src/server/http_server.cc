#include "server/http_server.h"

#include <strings.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

#include "common/log.h"

namespace ot::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return {};
}

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  static constexpr uint64_t kSmallBody = 64 << 10;
  static constexpr size_t kLargeBuffer = 256 << 10;

  Session(tcp::socket socket, const HttpServerOptions& options, RequestHandler& handler)
      : stream_(std::move(socket)), options_(options), handler_(handler) {}

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(options_.max_header_bytes);
    stream_.expires_after(first_ ? options_.read_timeout : options_.idle_timeout);
    first_ = false;
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  // Beast reads at most what the buffer can hold without growing (up to 64 KiB) per recv; a
  // larger buffer for large bodies (bulk ingest) cuts the recv calls and timer re-arms by ~4x.
  void OnHeader(beast::error_code ec) {
    if (ec || parser_->is_done()) return OnRead(ec);
    auto length = parser_->content_length();
    if (length && *length > kSmallBody && buffer_.capacity() < kLargeBuffer) {
      buffer_.reserve(kLargeBuffer);
    }
    // A client that sent "Expect: 100-continue" (botocore does for S3 uploads) waits for this
    // interim answer before sending the body; without it, it stalls about a second first.
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              [self = shared_from_this()](beast::error_code ec2, size_t) {
                                if (ec2) return self->OnRead(ec2);
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec2, size_t) { self->OnRead(ec2); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      api::Reply reply =
          api::JsonErrorReply(Status(Error::kRequestTooLarge,
                                     ec == http::error::body_limit
                                         ? "The request body exceeds the limit of " +
                                               std::to_string(options_.max_body_bytes) + " bytes."
                                         : "The request headers are too large."),
                              "");
      keep_alive_ = false;
      return Write(std::move(reply));
    }
    if (ec) {
      if (buffer_.size() > 0 || parser_->got_some()) {
        keep_alive_ = false;
        return Write(api::JsonErrorReply(
            Status(Error::kSerialization, "Malformed HTTP request: " + ec.message()), ""));
      }
      return Close();
    }
    http::request<http::string_body> msg = parser_->release();
    keep_alive_ = msg.keep_alive();
    auto req = std::make_shared<HttpRequest>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    size_t q = req->target.find('?');
    req->path = req->target.substr(0, q);
    if (q != std::string::npos) req->query = req->target.substr(q + 1);
    for (const auto& field : msg) {
      req->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req->body = std::move(msg.body());
    beast::error_code ep_ec;
    auto ep = stream_.socket().remote_endpoint(ep_ec);
    if (!ep_ec) req->remote_ip = ep.address().to_string();
    // The timeout covers reading; the handler's time (e.g. a group commit) is not cut short.
    stream_.expires_never();
    handler_.Handle(std::move(req), [self = shared_from_this()](api::Reply reply) {
      net::post(self->stream_.get_executor(),
                [self, reply = std::move(reply)]() mutable { self->Write(std::move(reply)); });
    });
  }

  void Write(api::Reply reply) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<http::status>(reply.status));
    res->set(http::field::server, "OpenTrail");
    if (!reply.content_type.empty()) res->set(http::field::content_type, reply.content_type);
    for (auto& [k, v] : reply.headers) res->set(k, v);
    res->body() = std::move(reply.body);
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    // A HEAD reply announces the length the GET would send (S3 HeadObject) without a body.
    for (const auto& [k, v] : reply.headers) {
      if (res->body().empty() && beast::iequals(k, "Content-Length")) res->set(k, v);
    }
    stream_.expires_after(options_.read_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || !self->keep_alive_) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServerOptions& options_;
  RequestHandler& handler_;
  bool keep_alive_ = true;
  bool first_ = true;
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  RequestHandler& handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  std::vector<std::unique_ptr<net::steady_timer>> timers;

  Impl(HttpServerOptions o, RequestHandler& h) : options(std::move(o)), handler(h) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), options, handler)->Start();
      }
      Accept();
    });
  }

  void Tick(net::steady_timer* timer, std::chrono::milliseconds period, std::function<void()> fn) {
    timer->expires_after(period);
    timer->async_wait([this, timer, period, fn = std::move(fn)](beast::error_code ec) mutable {
      if (ec) return;
      fn();
      Tick(timer, period, std::move(fn));
    });
  }
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

HttpServer::~HttpServer() = default;

Result<uint16_t> HttpServer::Listen(const std::string& host, uint16_t port) {
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) return Status(Error::kValidation, "invalid listen address '" + host + "'");
  tcp::endpoint endpoint(address, port);
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(Error::kIoError,
                  "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  impl_->Accept();
  return a.local_endpoint().port();
}

void HttpServer::Every(std::chrono::milliseconds period, std::function<void()> fn) {
  impl_->timers.push_back(std::make_unique<net::steady_timer>(impl_->ioc));
  impl_->Tick(impl_->timers.back().get(), period, std::move(fn));
}

void HttpServer::Run() {
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) Stop();
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::Stop() { impl_->ioc.stop(); }

}  // namespace ot::server
