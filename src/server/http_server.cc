#include "server/http_server.h"

#include <openssl/ssl.h>
#include <strings.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <deque>
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
  // Pipelined requests one connection may have in flight at once.
  static constexpr size_t kMaxPipelined = 16;
  static constexpr size_t kRequestBuffer = 16 << 10;

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
    // Room for a pipelining client's whole batch of requests, so that one recv takes it all
    // (Beast reads at most the buffer's free capacity).
    if (buffer_.capacity() < kRequestBuffer) buffer_.reserve(kRequestBuffer);
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
      return Write(std::move(reply));
    }
    if (ec) {
      if (buffer_.size() > 0 || parser_->got_some()) {
        return Write(api::JsonErrorReply(
            Status(Error::kSerialization, "Malformed HTTP request: " + ec.message()), ""));
      }
      return Close();
    }
    // The timeout covers reading; the handler's time (e.g. a group commit) is not cut short.
    beast::get_lowest_layer(stream_).expires_never();
    Dispatch(parser_->release());
    TakePipelined();
  }

  // HTTP/1.1 pipelining (RFC 9112 §9.3.2): requests a client sent ahead, already whole in the
  // buffer, are dispatched at once when they are safe (GET, HEAD) and everything in flight is
  // too; their answers leave in request order, those ready together in one socket write. The
  // socket is read again only once every answer is out, so the read timeouts keep their meaning
  // (a client waiting for answers is never "idle") and an unsafe request runs alone, after the
  // ones before it and before the ones after it.
  void TakePipelined() {
    while (!stop_reading_ && slots_.size() < kMaxPipelined && buffer_.size() > 0 &&
           pipelining_safe_) {
      http::request_parser<http::string_body> next;
      next.header_limit(options_.max_header_bytes);
      next.body_limit(options_.max_body_bytes);
      next.eager(true);
      beast::error_code ec;
      size_t used = next.put(buffer_.data(), ec);
      // Incomplete, malformed or unsafe: left in the buffer for the ordinary read, which runs
      // when the answers before it are out (and answers a malformed one with its error).
      if (ec || !next.is_done()) return;
      auto verb = next.get().method();
      if (verb != http::verb::get && verb != http::verb::head) return;
      buffer_.consume(used);
      Dispatch(next.release());
    }
  }

  void Dispatch(http::request<http::string_body> msg) {
    const bool keep_alive = msg.keep_alive();
    pipelining_safe_ = pipelining_safe_ && keep_alive &&
                       (msg.method() == http::verb::get || msg.method() == http::verb::head);
    if (!keep_alive) stop_reading_ = true;
    auto req = std::make_shared<HttpRequest>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    size_t q = req->target.find('?');
    req->path = req->target.substr(0, q);
    if (q != std::string::npos) req->query = req->target.substr(q + 1);
    req->headers.reserve(std::distance(msg.begin(), msg.end()));
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
    const uint64_t seq = first_slot_ + slots_.size();
    slots_.push_back(Slot{std::nullopt, keep_alive});
    handler_.Handle(std::move(req), [self = this->shared_from_this(), seq](api::Reply reply) {
      net::post(self->stream_.get_executor(), [self, seq, reply = std::move(reply)]() mutable {
        self->OnReply(seq, std::move(reply));
      });
    });
  }

  // An answer for slot `seq`. With more requests in flight, the socket write waits for the
  // answers already posted behind it (a group commit posts a batch), so they leave together.
  void OnReply(uint64_t seq, api::Reply reply) {
    if (closing_ || seq < first_slot_) return;
    slots_[seq - first_slot_].reply = std::move(reply);
    if (writing_ || flush_posted_) return;
    if (slots_.size() == 1) return Flush();
    flush_posted_ = true;
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->flush_posted_ = false;
      self->Flush();
    });
  }

  // An answer made here (a refusal, a malformed request): it ends the connection.
  void Write(api::Reply reply) {
    stop_reading_ = true;
    slots_.push_back(Slot{std::move(reply), false});
    Flush();
  }

  // Writes the answers ready at the front, in order, with one socket write.
  void Flush() {
    if (writing_ || closing_) return;
    auto out = std::make_shared<Outgoing>();
    bool last = false;
    for (Slot& slot : slots_) {
      if (!slot.reply || last) break;
      AppendHead(*slot.reply, slot.keep_alive, &out->heads.emplace_back());
      out->bodies.push_back(std::move(slot.reply->body));
      ++out->answers;
      last = !slot.keep_alive;
    }
    if (out->answers == 0) return;
    std::vector<net::const_buffer> buffers;
    buffers.reserve(2 * out->answers);
    for (size_t i = 0; i < out->answers; ++i) {
      buffers.emplace_back(net::buffer(out->heads[i]));
      if (!out->bodies[i].empty()) buffers.emplace_back(net::buffer(out->bodies[i]));
    }
    writing_ = true;
    beast::get_lowest_layer(stream_).expires_after(options_.read_timeout);
    // Over TLS the whole batch is encrypted at once and leaves with one socket write.
    net::async_write(stream_, buffers,
                     [self = this->shared_from_this(), out, last](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       if (ec || last) return self->Close();
                       for (size_t i = 0; i < out->answers; ++i) self->slots_.pop_front();
                       self->first_slot_ += out->answers;
                       self->AfterWrite();
                     });
  }

  void AfterWrite() {
    if (!slots_.empty()) {
      if (slots_.front().reply) return Flush();
      return TakePipelined();  // room again for requests that were waiting in the buffer
    }
    pipelining_safe_ = true;
    Read();
  }

  // The status line and headers of one answer, as a Beast response would write them: Server,
  // Content-Type, the reply's headers (a later one replaces an earlier of the same name),
  // Content-Length (the body's; a HEAD answer's own when its body is empty; none on 1xx, 204
  // and 304 unless the reply names one) and "Connection: close" when the connection ends.
  static void AppendHead(const api::Reply& reply, bool keep_alive, std::string* out) {
    const auto status = static_cast<http::status>(reply.status);
    out->reserve(256 + 64 * reply.headers.size());
    out->append("HTTP/1.1 ").append(std::to_string(reply.status)).append(" ");
    out->append(http::obsolete_reason(status)).append("\r\nServer: OpenTrail\r\n");
    if (!reply.content_type.empty()) {
      out->append("Content-Type: ").append(reply.content_type).append("\r\n");
    }
    auto same = [](std::string_view a, std::string_view b) { return beast::iequals(a, b); };
    std::string_view length;
    for (size_t i = 0; i < reply.headers.size(); ++i) {
      const auto& [k, v] = reply.headers[i];
      if (same(k, "Content-Length")) {
        length = v;
        continue;
      }
      if (!reply.content_type.empty() && same(k, "Content-Type")) continue;
      bool replaced = false;
      for (size_t j = i + 1; j < reply.headers.size() && !replaced; ++j) {
        replaced = same(reply.headers[j].first, k);
      }
      if (replaced || same(k, "Server")) continue;
      out->append(k).append(": ").append(v).append("\r\n");
    }
    const bool bodiless = http::to_status_class(status) == http::status_class::informational ||
                          status == http::status::no_content ||
                          status == http::status::not_modified;
    if (!reply.body.empty() || length.empty()) {
      if (!bodiless) {
        out->append("Content-Length: ").append(std::to_string(reply.body.size())).append("\r\n");
      }
    } else {
      out->append("Content-Length: ").append(length).append("\r\n");
    }
    if (!keep_alive) out->append("Connection: close\r\n");
    out->append("\r\n");
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
    closing_ = true;
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
  bool first_ = true;
  bool closing_ = false;

  // Requests dispatched and not yet answered on the wire, in arrival order.
  struct Slot {
    std::optional<api::Reply> reply;  // set when the handler answered
    bool keep_alive;
  };
  struct Outgoing {
    std::vector<std::string> heads;
    std::vector<std::string> bodies;
    size_t answers = 0;
  };
  std::deque<Slot> slots_;
  uint64_t first_slot_ = 0;      // the sequence number of slots_.front()
  bool pipelining_safe_ = true;  // everything in flight is GET/HEAD on a keep-alive connection
  bool stop_reading_ = false;    // the connection ends after the answers in flight
  bool writing_ = false;
  bool flush_posted_ = false;
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
