// Tests src/server/http_server.cc over TLS and src/server/tls_setup.cc: versions, plain-HTTP
// rules, certificate reload, and the self-signed set's reuse.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <thread>

#include "crypto/hash.h"
#include "crypto/x509.h"
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
using ::testing::HasSubstr;

// Answers "tls TLSv1.3" / "plain " so a test sees how the request arrived.
class EchoHandler final : public RequestHandler {
 public:
  void Handle(std::shared_ptr<HttpRequest> request, Responder respond) override {
    api::Reply reply;
    reply.content_type = "text/plain";
    reply.body = std::string(request->tls ? "tls " : "plain ") + request->tls_version;
    respond(std::move(reply));
  }
};

struct Answer {
  int status = 0;
  std::string body;
  std::string peer_fingerprint;  // hex SHA-256 of the server certificate's DER
};

class HttpTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = EnsureSelfSignedTls(dir_.path(), "127.0.0.1", RealEnv());
    ASSERT_THAT(made, IsOk());
    tls_ = *made;
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  void Start(bool with_tls, bool allow_plain) {
    HttpServerOptions options;
    if (with_tls) options.tls = TlsFiles{tls_.cert_file, tls_.key_file};
    options.allow_plain_http = allow_plain;
    options.threads = 1;
    server_ = std::make_unique<HttpServer>(options, handler_);
    auto port = server_->Listen("127.0.0.1", 0);
    ASSERT_THAT(port, IsOk());
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }

  // One GET over TLS limited to [min_version, max_version]; error text on failure.
  Result<Answer> GetTls(int min_version, int max_version, bool legacy_ciphers = false) {
    net::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    beast::error_code ec;
    ctx.load_verify_file(tls_.ca_file, ec);
    if (ec) return Status(Error::kIoError, ec.message());
    ctx.set_verify_mode(legacy_ciphers ? ssl::verify_none : ssl::verify_peer);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), min_version);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version);
    if (legacy_ciphers) SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    char sni[] = "localhost";  // SSL_set_tlsext_host_name, without the macro's C cast
    SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, sni);
    if (!legacy_ciphers) stream.set_verify_callback(ssl::host_name_verification("localhost"));
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
    if (!ec) stream.handshake(ssl::stream_base::client, ec);
    if (ec) return Status(Error::kUnavailable, "handshake: " + ec.message());
    Answer answer;
    X509* peer = SSL_get1_peer_certificate(stream.native_handle());
    if (peer != nullptr) {
      unsigned char* der = nullptr;
      int n = i2d_X509(peer, &der);
      answer.peer_fingerprint =
          crypto::Sha256Hex(std::string_view(reinterpret_cast<char*>(der), n));
      OPENSSL_free(der);
      X509_free(peer);
    }
    OT_RETURN_IF_ERROR(Exchange(stream, answer));
    return answer;
  }

  Result<Answer> GetPlain() {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
    if (ec) return Status(Error::kUnavailable, ec.message());
    Answer answer;
    OT_RETURN_IF_ERROR(Exchange(stream, answer));
    return answer;
  }

  template <class Stream>
  static Status Exchange(Stream& stream, Answer& answer) {
    http::request<http::empty_body> req{http::verb::get, "/probe", 11};
    req.set(http::field::host, "localhost");
    beast::error_code ec;
    http::write(stream, req, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (!ec) http::read(stream, buffer, res, ec);
    if (ec) return Status(Error::kUnavailable, "exchange: " + ec.message());
    answer.status = res.result_int();
    answer.body = res.body();
    return Status::Ok();
  }

  std::string Fingerprint(const std::string& cert_file) {
    auto pem = RealFileSystem().ReadFile(cert_file);
    EXPECT_THAT(pem, IsOk());
    auto fp = crypto::CertificateFingerprint(*pem);
    EXPECT_THAT(fp, IsOk());
    return fp.ok() ? *fp : "";
  }

  ot::testing::TempDir dir_;
  SelfSignedTls tls_;
  EchoHandler handler_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

TEST_F(HttpTlsTest, RequestsOverTls12And13AreMarkedTls) {
  Start(/*with_tls=*/true, /*allow_plain=*/false);

  auto v13 = GetTls(TLS1_3_VERSION, TLS1_3_VERSION);
  auto v12 = GetTls(TLS1_2_VERSION, TLS1_2_VERSION);

  ASSERT_THAT(v13, IsOk());
  ASSERT_THAT(v12, IsOk());
  EXPECT_EQ(v13->body, "tls TLSv1.3");
  EXPECT_EQ(v12->body, "tls TLSv1.2");
  EXPECT_EQ(v13->peer_fingerprint, Fingerprint(tls_.cert_file));
}

TEST_F(HttpTlsTest, Tls11IsRefused) {
  Start(true, false);

  auto old = GetTls(TLS1_1_VERSION, TLS1_1_VERSION, /*legacy_ciphers=*/true);

  EXPECT_THAT(old, ::ot::testing::HasError(Error::kUnavailable));
  // The server's protocol_version alert, not the client declining to offer TLS 1.1.
  EXPECT_THAT(old.status().message(), HasSubstr("alert protocol version"));
}

TEST_F(HttpTlsTest, PlainHttpOnTheTlsPortIsAnswered400) {
  Start(true, false);

  auto plain = GetPlain();

  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(plain->status, 400);
  EXPECT_THAT(plain->body, HasSubstr("This port speaks HTTPS"));
}

TEST_F(HttpTlsTest, PlainHttpOnTheTlsPortIsServedWhenAllowed) {
  Start(true, true);

  auto plain = GetPlain();
  auto secure = GetTls(TLS1_2_VERSION, TLS1_3_VERSION);

  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(secure, IsOk());
  EXPECT_EQ(plain->body, "plain ");
  EXPECT_EQ(secure->body, "tls TLSv1.3");
}

TEST_F(HttpTlsTest, WithoutTlsRequestsArePlain) {
  Start(false, false);

  auto plain = GetPlain();

  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(plain->body, "plain ");
  EXPECT_THAT(server_->ReloadTls(), ::ot::testing::HasError(Error::kValidation));
}

TEST_F(HttpTlsTest, ReloadServesTheNewCertificateAndKeepsTheOldOnBadFiles) {
  Start(true, false);
  std::string before = Fingerprint(tls_.cert_file);
  // Replace the files with a certificate from the same CA (as a renewal would).
  auto ca_cert = RealFileSystem().ReadFile(tls_.ca_file);
  auto ca_key = RealFileSystem().ReadFile(dir_.path() + "/tls/ca.key");
  ASSERT_THAT(ca_cert, IsOk());
  ASSERT_THAT(ca_key, IsOk());
  auto renewed = crypto::IssueServerCertificate({*ca_cert, *ca_key}, {"localhost"}, {"127.0.0.1"},
                                                std::chrono::system_clock::now(), 10);
  ASSERT_THAT(renewed, IsOk());
  ASSERT_THAT(RealFileSystem().WriteFileAtomic(tls_.cert_file, renewed->cert_pem, 0644), IsOk());
  ASSERT_THAT(RealFileSystem().WriteFileAtomic(tls_.key_file, renewed->key_pem, 0600), IsOk());

  ASSERT_THAT(server_->ReloadTls(), IsOk());
  auto after = GetTls(TLS1_2_VERSION, TLS1_3_VERSION);

  ASSERT_THAT(after, IsOk());
  EXPECT_NE(after->peer_fingerprint, before);
  EXPECT_EQ(after->peer_fingerprint, Fingerprint(tls_.cert_file));

  ASSERT_THAT(RealFileSystem().WriteFileAtomic(tls_.key_file, "not a key", 0600), IsOk());
  EXPECT_THAT(server_->ReloadTls(), ::ot::testing::HasError(Error::kValidation));
  auto still = GetTls(TLS1_2_VERSION, TLS1_3_VERSION);
  ASSERT_THAT(still, IsOk());
  EXPECT_EQ(still->peer_fingerprint, after->peer_fingerprint);
}

TEST_F(HttpTlsTest, SelfSignedSetIsReusedAndReissuedForANewAddress) {
  std::string first = Fingerprint(tls_.cert_file);
  std::string ca = Fingerprint(tls_.ca_file);

  auto again = EnsureSelfSignedTls(dir_.path(), "127.0.0.1", RealEnv());
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->issued);
  EXPECT_EQ(Fingerprint(tls_.cert_file), first);

  auto moved = EnsureSelfSignedTls(dir_.path(), "10.1.2.3", RealEnv());
  ASSERT_THAT(moved, IsOk());
  EXPECT_TRUE(moved->issued);
  EXPECT_NE(Fingerprint(tls_.cert_file), first);
  EXPECT_EQ(Fingerprint(tls_.ca_file), ca);  // the CA clients trust stays
  auto pem = RealFileSystem().ReadFile(tls_.cert_file);
  auto ca_pem = RealFileSystem().ReadFile(tls_.ca_file);
  auto serves =
      crypto::CertificateServes(*pem, *ca_pem, "10.1.2.3", std::chrono::system_clock::now());
  ASSERT_THAT(serves, IsOk());
  EXPECT_TRUE(*serves);
}

TEST(LoopbackTest, LoopbackHosts) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.3.4.5"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("example.com"));
}

}  // namespace
}  // namespace ot::server
