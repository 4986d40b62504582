// Tests src/server/tls_stream.cc through the HTTP server: bodies and answers of many TLS records
// on one keep-alive connection, TLS 1.2 and 1.3, close_notify at the end of a connection, a
// client that stops reading, and garbage instead of TLS records.

#include "server/tls_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <thread>

#include "server/http_server.h"
#include "server/tls_setup.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace ot::server {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using ::ot::testing::IsOk;

constexpr size_t kBigAnswer = 8 << 20;

// POST: answers the body twice over. GET /big: 8 MiB of 'x'. Other GETs: "ok".
class TwiceHandler final : public RequestHandler {
 public:
  void Handle(std::shared_ptr<HttpRequest> request, Responder respond) override {
    api::Reply reply;
    reply.content_type = "application/octet-stream";
    if (request->method == "POST") {
      reply.body = request->body + request->body;
    } else if (request->path == "/big") {
      reply.body.assign(kBigAnswer, 'x');
    } else {
      reply.body = "ok";
    }
    respond(std::move(reply));
  }
};

// Bytes no compressor or TLS layer could pass through by accident: a simple LCG.
std::string Pattern(size_t size, uint32_t seed) {
  std::string s(size, '\0');
  for (auto& c : s) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return s;
}

class TlsStreamTest : public ::testing::Test {
 protected:
  using Client = beast::ssl_stream<beast::tcp_stream>;

  void SetUp() override {
    auto made = EnsureSelfSignedTls(dir_.path(), "127.0.0.1", RealEnv());
    ASSERT_THAT(made, IsOk());
    tls_ = *made;
    HttpServerOptions options;
    options.tls = TlsFiles{tls_.cert_file, tls_.key_file};
    options.threads = 1;  // one thread: a connection that blocked it would block every other
    server_ = std::make_unique<HttpServer>(options, handler_);
    auto port = server_->Listen("127.0.0.1", 0);
    ASSERT_THAT(port, IsOk());
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
    client_ctx_.load_verify_file(tls_.ca_file);
    client_ctx_.set_verify_mode(ssl::verify_peer);
  }

  void TearDown() override {
    server_->Stop();
    thread_.join();
  }

  std::unique_ptr<Client> Connect(int version) {
    SSL_CTX_set_min_proto_version(client_ctx_.native_handle(), version);
    SSL_CTX_set_max_proto_version(client_ctx_.native_handle(), version);
    auto client = std::make_unique<Client>(ioc_, client_ctx_);
    beast::get_lowest_layer(*client).expires_after(std::chrono::seconds(20));
    beast::get_lowest_layer(*client).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
    client->handshake(ssl::stream_base::client);
    return client;
  }

  static http::response<http::string_body> Exchange(Client& client,
                                                    http::request<http::string_body> req) {
    req.set(http::field::host, "localhost");
    req.prepare_payload();
    http::write(client, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(client, buffer, parser);
    return parser.release();
  }

  ot::testing::TempDir dir_;
  SelfSignedTls tls_;
  TwiceHandler handler_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  net::io_context ioc_;
  ssl::context client_ctx_{ssl::context::tls_client};
};

TEST_F(TlsStreamTest, LargeBodiesAndAnswersOnOneConnection) {
  for (int version : {TLS1_3_VERSION, TLS1_2_VERSION}) {
    auto client = Connect(version);
    // 3 MiB is ~190 TLS records each way; 1 byte and 16 KiB + 1 straddle record boundaries.
    uint32_t seed = 1;
    for (size_t size : {size_t{3} << 20, size_t{1}, size_t{(16 << 10) + 1}, size_t{200000}}) {
      std::string body = Pattern(size, seed++);
      http::request<http::string_body> req{http::verb::post, "/echo", 11};
      req.body() = body;

      auto res = Exchange(*client, std::move(req));

      EXPECT_EQ(res.result_int(), 200);
      ASSERT_EQ(res.body().size(), 2 * size) << "version " << version;
      EXPECT_TRUE(res.body() == body + body) << "version " << version << ", size " << size;
    }
  }
}

// TLS 1.3 with AES-GCM answers through the stream's own record writer (tls_record_writer_test
// covers it record by record); TLS 1.2 stays with OpenSSL's.
TEST_F(TlsStreamTest, Tls13AnswersGoThroughOurRecordWriterAndTls12ThroughOpenSsl) {
  auto before = TlsStream::Counters();
  auto tls13 = Connect(TLS1_3_VERSION);
  std::string body = Pattern(300000, 11);
  http::request<http::string_body> req{http::verb::post, "/echo", 11};
  req.body() = body;
  auto res = Exchange(*tls13, std::move(req));
  EXPECT_TRUE(res.body() == body + body);
  auto after13 = TlsStream::Counters();
  auto tls12 = Connect(TLS1_2_VERSION);
  auto res12 = Exchange(*tls12, http::request<http::string_body>{http::verb::get, "/", 11});
  EXPECT_EQ(res12.body(), "ok");
  auto after12 = TlsStream::Counters();

  EXPECT_EQ(after13.taken_over, before.taken_over + 1);
  EXPECT_EQ(after13.not_verified, before.not_verified);
  EXPECT_EQ(after12.openssl_path, after13.openssl_path + 1);
  EXPECT_EQ(after12.taken_over, after13.taken_over);
}

TEST_F(TlsStreamTest, ConnectionCloseEndsWithCloseNotify) {
  auto client = Connect(TLS1_3_VERSION);
  http::request<http::string_body> req{http::verb::get, "/", 11};
  req.set(http::field::connection, "close");

  auto res = Exchange(*client, std::move(req));
  char byte;
  beast::error_code ec;
  client->read_some(net::buffer(&byte, 1), ec);

  EXPECT_EQ(res.body(), "ok");
  // The server's close_notify (SSL_ERROR_ZERO_RETURN), not a connection cut short.
  EXPECT_EQ(ec, net::error::eof) << ec.message();
}

TEST_F(TlsStreamTest, AClientThatStopsReadingDoesNotHoldOthers) {
  auto stalled = Connect(TLS1_3_VERSION);
  http::request<http::string_body> big{http::verb::get, "/big", 11};
  big.set(http::field::host, "localhost");
  http::write(*stalled, big);  // and never read the 8 MiB answer

  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    auto other = Connect(TLS1_3_VERSION);
    auto res = Exchange(*other, http::request<http::string_body>{http::verb::get, "/", 11});
    EXPECT_EQ(res.body(), "ok");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  // The stalled client still gets all of its answer once it reads.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(*stalled, buffer, parser);
  EXPECT_EQ(parser.get().body().size(), kBigAnswer);
}

TEST_F(TlsStreamTest, GarbageAfterTheHandshakeClosesOnlyThatConnection) {
  auto client = Connect(TLS1_3_VERSION);
  // An application-data record header announcing 64 bytes, then bytes that do not decrypt.
  std::string bogus = std::string("\x17\x03\x03\x00\x40", 5) + std::string(64, 'z');
  net::write(beast::get_lowest_layer(*client).socket(), net::buffer(bogus));
  char byte;
  beast::error_code ec;
  client->read_some(net::buffer(&byte, 1), ec);

  EXPECT_TRUE(ec);  // the server's bad_record_mac alert, or the closed connection
  auto other = Connect(TLS1_3_VERSION);
  auto res = Exchange(*other, http::request<http::string_body>{http::verb::get, "/", 11});
  EXPECT_EQ(res.body(), "ok");
}

}  // namespace
}  // namespace ot::server
