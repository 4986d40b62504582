#include "server/http_server.h"

#include <openssl/ssl.h>
#include <strings.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <thread>

#include "common/log.h"
#include "server/tls_stream.h"

namespace ot::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return {};
}

namespace {

using PlainStream = beast::tcp_stream;

tcp::socket& Socket(PlainStream& s) { return s.socket(); }
tcp::socket& Socket(TlsStream& s) { return s.next_layer().socket(); }

// TLS 1.2 suites with forward secrecy and AEAD only (TLS 1.3 suites are all of that kind).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
// TLS 1.3 in the server's order: AES-128-GCM first, as AWS endpoints choose it (10 AES rounds
// instead of 14: a 113 KB LookupEvents answer encrypts ~25% faster than with AES-256-GCM).
constexpr const char* kTls13Ciphers =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

Result<std::shared_ptr<ssl::context>> MakeTlsContext(const TlsFiles& files) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_DH_USE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return Status(Error::kInternal, "the TLS 1.2 cipher list was refused by OpenSSL");
  }
  if (SSL_CTX_set_ciphersuites(native, kTls13Ciphers) != 1) {
    return Status(Error::kInternal, "the TLS 1.3 cipher suites were refused by OpenSSL");
  }
  beast::error_code ec;
  ctx->use_certificate_chain_file(files.cert_file, ec);
  if (ec) {
    return Status(Error::kValidation,
                  "cannot load the TLS certificate '" + files.cert_file + "': " + ec.message());
  }
  ctx->use_private_key_file(files.key_file, ssl::context::pem, ec);
  if (ec) {
    return Status(Error::kValidation,
                  "cannot load the TLS key '" + files.key_file + "': " + ec.message());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status(Error::kValidation, "the TLS key '" + files.key_file +
                                          "' does not belong to the certificate '" +
                                          files.cert_file + "'");
  }
  TlsStream::PrepareContext(native);  // TLS 1.3 answers go through our record writer
  return ctx;
}

// One connection, plain or TLS. A TLS session first completes the handshake (with whatever bytes
// the protocol detection already read), then both kinds read requests alike.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr uint64_t kSmallBody = 64 << 10;
  static constexpr size_t kLargeBuffer = 256 << 10;
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // `refuse` answers the first request with 400 and closes (plain HTTP on a TLS-only port).
  Session(Stream stream, beast::flat_buffer buffer, const HttpServerOptions& options,
          RequestHandler& handler, std::shared_ptr<ssl::context> tls_context, bool refuse)
      : stream_(std::move(stream)),
        buffer_(std::move(buffer)),
        options_(options),
        handler_(handler),
        tls_context_(std::move(tls_context)),
        refuse_(refuse) {}

  void Start() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        beast::get_lowest_layer(self->stream_).expires_after(self->options_.read_timeout);
        // The stream takes over what the protocol detection read (the ClientHello's start).
        self->stream_.async_handshake(self->buffer_.data(), [self](beast::error_code ec) {
          if (ec) return self->CloseSocket();  // a refused version, a bad client: no reply
          self->Read();
        });
        self->buffer_.consume(self->buffer_.size());
      } else {
        self->Read();
      }
    });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(options_.max_header_bytes);
    beast::get_lowest_layer(stream_).expires_after(first_ ? options_.read_timeout
                                                          : options_.idle_timeout);
    first_ = false;
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  // Beast reads at most what the buffer can hold without growing (up to 64 KiB) per recv; a
  // larger buffer for large bodies (bulk ingest) cuts the recv calls and timer re-arms by ~4x.
  void OnHeader(beast::error_code ec) {
    if (ec || parser_->is_done() || refuse_) return OnRead(ec);
    auto length = parser_->content_length();
    if (length && *length > kSmallBody && buffer_.capacity() < kLargeBuffer) {
      buffer_.reserve(kLargeBuffer);
    }
    // A client that sent "Expect: 100-continue" (botocore does for S3 uploads) waits for this
    // interim answer before sending the body; without it, it stalls about a second first.
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              [self = this->shared_from_this()](beast::error_code ec2, size_t) {
                                if (ec2) return self->OnRead(ec2);
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec2, size_t) { self->OnRead(ec2); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted ||
        ec == net::error::eof || ec == ssl::error::stream_truncated) {
      return Close();
    }
    if (!ec && refuse_) {
      keep_alive_ = false;
      api::Reply reply;
      reply.status = 400;
      reply.content_type = "text/plain";
      reply.body =
          "This port speaks HTTPS; plain HTTP is refused here. Use an https:// endpoint.\n";
      return Write(std::move(reply));
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
    req->tls = kTls;
    if constexpr (kTls) {
      SSL* ssl = stream_.native_handle();
      req->tls_version = SSL_get_version(ssl);
      if (const char* cipher = SSL_get_cipher_name(ssl)) req->tls_cipher = cipher;
    }
    // The peer's address is the connection's: asked of the socket once (getpeername), not per
    // request.
    if (remote_ip_.empty()) {
      beast::error_code ep_ec;
      auto ep = Socket(stream_).remote_endpoint(ep_ec);
      if (!ep_ec) remote_ip_ = ep.address().to_string();
    }
    req->remote_ip = remote_ip_;
    // The timeout covers reading; the handler's time (e.g. a group commit) is not cut short.
    beast::get_lowest_layer(stream_).expires_never();
    handler_.Handle(std::move(req), [self = this->shared_from_this()](api::Reply reply) {
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
    beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
    // Over TLS the whole answer is encrypted at once and leaves with one socket write.
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || !self->keep_alive_) return self->Close();
                        self->Read();
                      });
  }

  // TLS says goodbye with close_notify (bounded by a short timeout) before the socket closes.
  void Close() {
    if constexpr (kTls) {
      if (!closing_) {
        closing_ = true;
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
        return stream_.async_shutdown(
            [self = this->shared_from_this()](beast::error_code) { self->CloseSocket(); });
      }
    }
    CloseSocket();
  }

  void CloseSocket() {
    beast::error_code ec;
    Socket(stream_).shutdown(tcp::socket::shutdown_send, ec);
    Socket(stream_).close(ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServerOptions& options_;
  RequestHandler& handler_;
  std::shared_ptr<ssl::context> tls_context_;  // kept alive while a connection uses it
  bool refuse_;
  std::string remote_ip_;  // empty until the first request
  bool keep_alive_ = true;
  bool first_ = true;
  bool closing_ = false;
};

// On a TLS port, the first bytes tell a TLS ClientHello from a plain HTTP request.
class Detector : public std::enable_shared_from_this<Detector> {
 public:
  Detector(tcp::socket socket, const HttpServerOptions& options, RequestHandler& handler,
           std::shared_ptr<ssl::context> context)
      : stream_(std::move(socket)), options_(options), handler_(handler), context_(context) {}

  void Start() {
    stream_.expires_after(options_.read_timeout);
    beast::async_detect_ssl(stream_, buffer_,
                            [self = shared_from_this()](beast::error_code ec, bool is_tls) {
                              self->OnDetect(ec, is_tls);
                            });
  }

 private:
  void OnDetect(beast::error_code ec, bool is_tls) {
    if (ec) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return;
    }
    if (is_tls) {
      SSL_CTX* ctx = context_->native_handle();
      std::make_shared<Session<TlsStream>>(TlsStream(std::move(stream_), ctx), std::move(buffer_),
                                           options_, handler_, std::move(context_), false)
          ->Start();
    } else {
      std::make_shared<Session<PlainStream>>(std::move(stream_), std::move(buffer_), options_,
                                             handler_, nullptr, !options_.allow_plain_http)
          ->Start();
    }
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  const HttpServerOptions& options_;
  RequestHandler& handler_;
  std::shared_ptr<ssl::context> context_;
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  RequestHandler& handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  net::signal_set hangup{ioc, SIGHUP};
  std::vector<std::unique_ptr<net::steady_timer>> timers;
  std::mutex tls_mu;
  std::shared_ptr<ssl::context> tls_context;  // guarded by tls_mu; replaced by ReloadTls

  std::shared_ptr<ssl::context> CurrentTls() {
    std::lock_guard lock(tls_mu);
    return tls_context;
  }

  void WatchHangup() {
    hangup.async_wait([this](beast::error_code ec, int) {
      if (ec) return;
      if (!options.tls) {
        Log(LogLevel::kInfo, "SIGHUP: no TLS certificate to reload");
      } else if (Status s = Reload(); s.ok()) {
        Log(LogLevel::kInfo, "SIGHUP: reloaded the TLS certificate " + options.tls->cert_file);
      } else {
        Log(LogLevel::kError, "SIGHUP: keeping the current TLS certificate: " + s.ToString());
      }
      WatchHangup();
    });
  }

  Status Reload() {
    if (!options.tls) return Status(Error::kValidation, "the server was started without TLS");
    OT_ASSIGN_OR_RETURN(auto ctx, MakeTlsContext(*options.tls));
    std::lock_guard lock(tls_mu);
    tls_context = std::move(ctx);
    return Status::Ok();
  }

  Impl(HttpServerOptions o, RequestHandler& h) : options(std::move(o)), handler(h) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        if (options.tls) {
          std::make_shared<Detector>(std::move(socket), options, handler, CurrentTls())->Start();
        } else {
          std::make_shared<Session<PlainStream>>(PlainStream(std::move(socket)),
                                                 beast::flat_buffer(), options, handler, nullptr,
                                                 false)
              ->Start();
        }
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

Status HttpServer::ReloadTls() { return impl_->Reload(); }

Result<uint16_t> HttpServer::Listen(const std::string& host, uint16_t port) {
  if (impl_->options.tls && !impl_->CurrentTls()) OT_RETURN_IF_ERROR(impl_->Reload());
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
  impl_->WatchHangup();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::Stop() { impl_->ioc.stop(); }

}  // namespace ot::server
