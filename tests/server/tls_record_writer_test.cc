// Tests the TLS stream's own TLS 1.3 record writer (src/server/tls_stream.cc, TakeOver and
// WritePieces) against a real OpenSSL client: a server-side TlsStream::Core and a client SSL
// object exchange bytes through memory BIOs, so every record our writer seals must pass the
// client's record layer (sequence numbers, keys, inner content type, record sizes).

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "common/encoding.h"
#include "server/tls_setup.h"
#include "server/tls_stream.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace ot::server {
namespace {

using ::ot::testing::IsOk;
using Core = TlsStream::Core;

constexpr const char* kAes128 = "TLS_AES_128_GCM_SHA256";
constexpr const char* kAes256 = "TLS_AES_256_GCM_SHA384";
constexpr const char* kChaCha = "TLS_CHACHA20_POLY1305_SHA256";

std::string Pattern(size_t size, uint32_t seed) {
  std::string s(size, '\0');
  for (auto& c : s) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return s;
}

// The server traffic secret as the client's keylog callback saw it (for the mutation check).
std::string client_seen_secret;
void ClientKeylog(const SSL*, const char* line) {
  std::string_view text(line);
  if (text.substr(0, 24) != "SERVER_TRAFFIC_SECRET_0 ") return;
  client_seen_secret = *HexDecode(text.substr(text.rfind(' ') + 1));
}

struct Options {
  int version = TLS1_3_VERSION;
  const char* suite = kAes128;
  int tickets = 2;
  bool prepare = true;  // TlsStream::PrepareContext on the server's context
};

class Connection {
 public:
  Connection(const SelfSignedTls& tls, const Options& o) {
    server_ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(server_ctx_, tls.cert_file.c_str());
    SSL_CTX_use_PrivateKey_file(server_ctx_, tls.key_file.c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_set_num_tickets(server_ctx_, static_cast<size_t>(o.tickets));
    SSL_CTX_set_ciphersuites(server_ctx_, o.suite);
    SSL_CTX_set_cipher_list(server_ctx_, "ECDHE-ECDSA-AES128-GCM-SHA256");
    if (o.prepare) TlsStream::PrepareContext(server_ctx_);
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(client_ctx_, o.version);
    SSL_CTX_set_max_proto_version(client_ctx_, o.version);
    SSL_CTX_set_ciphersuites(client_ctx_, o.suite);
    SSL_CTX_set_keylog_callback(client_ctx_, ClientKeylog);
    server = std::make_unique<Core>(server_ctx_);
    client = SSL_new(client_ctx_);
    client_in_ = BIO_new(BIO_s_mem());
    client_out_ = BIO_new(BIO_s_mem());
    SSL_set_bio(client, client_in_, client_out_);
    SSL_set_connect_state(client);
  }
  ~Connection() {
    SSL_free(client);
    server.reset();
    SSL_CTX_free(client_ctx_);
    SSL_CTX_free(server_ctx_);
  }

  void ToServer() {
    char buf[16384];
    int n = 0;
    while ((n = BIO_read(client_out_, buf, sizeof(buf))) > 0) {
      server->Received(boost::asio::const_buffer(buf, static_cast<size_t>(n)));
    }
  }
  void ToClient() {
    if (!server->out.empty()) {
      BIO_write(client_in_, server->out.data(), static_cast<int>(server->out.size()));
    }
    server->Sent();
  }

  bool Handshake() {
    bool client_done = false;
    for (int i = 0; i < 10; ++i) {
      if (!client_done) {
        int ret = SSL_do_handshake(client);
        client_done = ret == 1;
        if (ret != 1 && SSL_get_error(client, ret) != SSL_ERROR_WANT_READ) return false;
      }
      ToServer();
      boost::beast::error_code ec;
      Core::Step step = server->Handshake(ec);
      ToClient();
      if (step == Core::Step::kFailed) return false;
      if (step == Core::Step::kDone && client_done) return true;
    }
    return false;
  }

  // The server writes `pieces` (one write); the client gets its records.
  bool ServerWrite(std::vector<std::string_view> pieces) {
    server->pieces = std::move(pieces);
    bool ok = server->WritePieces();
    server->pieces.clear();
    ToClient();
    return ok;
  }

  // Everything the client can read now (application data), or the SSL error that stopped it.
  std::string ClientRead(int* error) {
    std::string got;
    *error = SSL_ERROR_NONE;
    char buf[65536];
    for (;;) {
      size_t n = 0;
      int ret = SSL_read_ex(client, buf, sizeof(buf), &n);
      if (ret == 1) {
        got.append(buf, n);
        continue;
      }
      *error = SSL_get_error(client, ret);
      return got;
    }
  }

  // Client to server: the server's decrypted bytes (reads stay OpenSSL's).
  std::string ClientToServer(std::string_view data, boost::beast::error_code* ec) {
    size_t written = 0;
    if (!data.empty()) {
      EXPECT_EQ(SSL_write_ex(client, data.data(), data.size(), &written), 1);
    }
    ToServer();
    std::string got(data.size() + 1, '\0');
    size_t n = 0;
    server->Read(got.data(), got.size(), &n, *ec);
    got.resize(n);
    return got;
  }

  std::unique_ptr<Core> server;
  SSL* client = nullptr;

 private:
  SSL_CTX* server_ctx_ = nullptr;
  SSL_CTX* client_ctx_ = nullptr;
  BIO* client_in_ = nullptr;
  BIO* client_out_ = nullptr;
};

class TlsRecordWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = EnsureSelfSignedTls(dir_.path(), "127.0.0.1", RealEnv());
    ASSERT_THAT(made, IsOk());
    tls_ = *made;
  }

  ot::testing::TempDir dir_;
  SelfSignedTls tls_;
};

TEST_F(TlsRecordWriterTest, ClientReadsEverySizeInBothAesSuitesWithAndWithoutTickets) {
  for (const char* suite : {kAes128, kAes256}) {
    for (int tickets : {0, 2}) {
      SCOPED_TRACE(std::string(suite) + ", tickets " + std::to_string(tickets));
      auto before = TlsStream::Counters();
      Connection c(tls_, {TLS1_3_VERSION, suite, tickets, true});
      ASSERT_TRUE(c.Handshake());
      ASSERT_TRUE(c.server->writer.has_value());
      // The takeover started after exactly the records OpenSSL wrote: its tickets.
      EXPECT_EQ(c.server->writer->next_sequence(), static_cast<uint64_t>(tickets));
      EXPECT_EQ(TlsStream::Counters().taken_over, before.taken_over + 1);
      EXPECT_TRUE(c.server->secret.empty());  // wiped once the writer has its key

      uint64_t records = static_cast<uint64_t>(tickets);
      uint32_t seed = 1;
      for (size_t size : {size_t{0}, size_t{1}, size_t{16383}, size_t{16384}, size_t{16385},
                          size_t{113000}, size_t{1} << 20}) {
        std::string data = Pattern(size, seed++);
        std::string_view view(data);
        size_t cut = std::min<size_t>(size, 180);  // a header-like piece, then the body
        ASSERT_TRUE(c.ServerWrite({view.substr(0, cut), view.substr(cut)}));
        int error = 0;
        std::string got = c.ClientRead(&error);
        EXPECT_EQ(error, SSL_ERROR_WANT_READ) << "size " << size;
        EXPECT_EQ(got.size(), size);
        EXPECT_TRUE(got == data) << "size " << size;
        records += (size + 16383) / 16384;
      }
      EXPECT_EQ(c.server->writer->next_sequence(), records);

      // Many consecutive writes, including small ones that share no record.
      std::string expected;
      for (int i = 0; i < 300; ++i) {
        std::string data = Pattern(static_cast<size_t>(i * 97 % 40000), seed++);
        ASSERT_TRUE(c.ServerWrite({data}));
        expected += data;
      }
      int error = 0;
      std::string got = c.ClientRead(&error);
      EXPECT_EQ(error, SSL_ERROR_WANT_READ);
      EXPECT_TRUE(got == expected);

      // Reads stay OpenSSL's.
      boost::beast::error_code ec;
      EXPECT_EQ(c.ClientToServer("GET / HTTP/1.1\r\n\r\n", &ec), "GET / HTTP/1.1\r\n\r\n");
      EXPECT_FALSE(ec) << ec.message();
    }
  }
}

TEST_F(TlsRecordWriterTest, Tls12AndChaChaStayOnOpenSslsWriter) {
  struct Case {
    int version;
    const char* suite;
  };
  for (Case k : {Case{TLS1_2_VERSION, kAes128}, Case{TLS1_3_VERSION, kChaCha}}) {
    SCOPED_TRACE(k.suite);
    auto before = TlsStream::Counters();
    Connection c(tls_, {k.version, k.suite, 2, true});
    ASSERT_TRUE(c.Handshake());

    EXPECT_FALSE(c.server->writer.has_value());
    EXPECT_EQ(TlsStream::Counters().openssl_path, before.openssl_path + 1);
    EXPECT_EQ(TlsStream::Counters().taken_over, before.taken_over);
    std::string data = Pattern(113000, 3);
    ASSERT_TRUE(
        c.ServerWrite({std::string_view(data).substr(0, 100), std::string_view(data).substr(100)}));
    int error = 0;
    EXPECT_TRUE(c.ClientRead(&error) == data);
    c.server->Shutdown();
    c.ToClient();
    c.ClientRead(&error);
    EXPECT_EQ(error, SSL_ERROR_ZERO_RETURN);
  }
}

TEST_F(TlsRecordWriterTest, WithoutTheSecretTheConnectionKeepsOpenSslsWriter) {
  auto before = TlsStream::Counters();
  Connection c(tls_, {TLS1_3_VERSION, kAes128, 2, /*prepare=*/false});
  ASSERT_TRUE(c.Handshake());

  EXPECT_FALSE(c.server->writer.has_value());
  EXPECT_EQ(TlsStream::Counters().not_verified, before.not_verified + 1);
  std::string data = Pattern(40000, 4);
  ASSERT_TRUE(c.ServerWrite({data}));
  int error = 0;
  EXPECT_TRUE(c.ClientRead(&error) == data);
}

// A handshake step after completion (SSL_do_handshake returns 1 again) must not decide the
// takeover anew: a second writer would start over at the verified sequence number.
TEST_F(TlsRecordWriterTest, TheTakeoverIsDecidedOnce) {
  Connection c(tls_, {TLS1_3_VERSION, kAes128, 2, true});
  ASSERT_TRUE(c.Handshake());
  std::string data = Pattern(50000, 6);
  ASSERT_TRUE(c.ServerWrite({data}));
  ASSERT_EQ(c.server->writer->next_sequence(), 2u + 4u);
  auto before = TlsStream::Counters();

  boost::beast::error_code ec;
  EXPECT_EQ(c.server->Handshake(ec), Core::Step::kDone);

  EXPECT_EQ(c.server->writer->next_sequence(), 2u + 4u);
  EXPECT_EQ(TlsStream::Counters().taken_over, before.taken_over);
  ASSERT_TRUE(c.ServerWrite({"more"}));
  int error = 0;
  EXPECT_TRUE(c.ClientRead(&error) == data + "more");
}

TEST_F(TlsRecordWriterTest, CloseNotifyIsACleanShutdownForTheClient) {
  Connection c(tls_, {TLS1_3_VERSION, kAes128, 2, true});
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(c.server->writer.has_value());
  std::string data = Pattern(20000, 5);
  ASSERT_TRUE(c.ServerWrite({data}));

  c.server->Shutdown();
  c.ToClient();
  int error = 0;
  std::string got = c.ClientRead(&error);

  EXPECT_TRUE(got == data);
  EXPECT_EQ(error, SSL_ERROR_ZERO_RETURN);  // close_notify, not a bad record or truncation
  EXPECT_EQ(SSL_get_shutdown(c.client) & SSL_RECEIVED_SHUTDOWN, SSL_RECEIVED_SHUTDOWN);
  EXPECT_EQ(c.server->writer->next_sequence(), 2u + 2u + 1u);  // tickets, the data, the alert
}

TEST_F(TlsRecordWriterTest, ClientKeyUpdateRequestClosesWithoutOpenSslsRecord) {
  Connection c(tls_, {TLS1_3_VERSION, kAes128, 2, true});
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(c.server->writer.has_value());
  ASSERT_TRUE(c.ServerWrite({"first answer"}));
  int error = 0;
  ASSERT_EQ(c.ClientRead(&error), "first answer");
  auto before = TlsStream::Counters();

  // The client asks the server to update its key too: OpenSSL would answer with a KeyUpdate
  // sealed under a sequence number our writer has used.
  ASSERT_EQ(SSL_key_update(c.client, SSL_KEY_UPDATE_REQUESTED), 1);
  boost::beast::error_code ec;
  std::string got = c.ClientToServer("next request", &ec);

  EXPECT_EQ(ec, boost::asio::error::connection_aborted) << ec.message();
  EXPECT_TRUE(c.server->out.empty());  // nothing of OpenSSL's goes to the peer
  EXPECT_TRUE(c.server->failed);
  EXPECT_EQ(TlsStream::Counters().openssl_output, before.openssl_output + 1);
  // Nothing more is written on this connection: no answer, no close_notify.
  EXPECT_FALSE(c.ServerWrite({"late answer"}));
  c.server->Shutdown();
  EXPECT_TRUE(c.server->out.empty());
  c.ToClient();
  EXPECT_EQ(c.ClientRead(&error), "");
  EXPECT_EQ(error, SSL_ERROR_WANT_READ);  // the client saw no bad record, just nothing
}

TEST_F(TlsRecordWriterTest, ClientKeyUpdateWithoutRequestKeepsTheConnection) {
  Connection c(tls_, {TLS1_3_VERSION, kAes256, 2, true});
  ASSERT_TRUE(c.Handshake());
  ASSERT_TRUE(c.server->writer.has_value());

  ASSERT_EQ(SSL_key_update(c.client, SSL_KEY_UPDATE_NOT_REQUESTED), 1);
  boost::beast::error_code ec;
  EXPECT_EQ(c.ClientToServer("request", &ec), "request");
  EXPECT_FALSE(ec) << ec.message();
  ASSERT_TRUE(c.ServerWrite({"answer"}));
  int error = 0;
  EXPECT_EQ(c.ClientRead(&error), "answer");
  EXPECT_EQ(error, SSL_ERROR_WANT_READ);
}

TEST_F(TlsRecordWriterTest, ABadRecordAfterTakeoverSendsNoAlert) {
  Connection c(tls_, {TLS1_3_VERSION, kAes128, 2, true});
  ASSERT_TRUE(c.Handshake());
  std::string bogus = std::string("\x17\x03\x03\x00\x40", 5) + std::string(64, 'z');
  c.server->Received(boost::asio::const_buffer(bogus.data(), bogus.size()));
  char buf[16];
  size_t n = 0;
  boost::beast::error_code ec;

  EXPECT_EQ(c.server->Read(buf, sizeof(buf), &n, ec), Core::Step::kFailed);
  // OpenSSL's bad_record_mac alert would reuse a sequence number: it is dropped.
  EXPECT_TRUE(c.server->out.empty());
  EXPECT_TRUE(c.server->failed);
}

// The mutation check: records sealed with the right key but a sequence start one off — what a
// takeover that miscounted OpenSSL's records would write — fail the client's read, so the tests
// above would catch such a writer; the same sealer at the verified start is read back.
TEST_F(TlsRecordWriterTest, AWrongSequenceStartFailsTheClientsRead) {
  for (int64_t skew : {1, -1, 0}) {
    SCOPED_TRACE(skew);
    client_seen_secret.clear();
    Connection c(tls_, {TLS1_3_VERSION, kAes128, 2, true});
    ASSERT_TRUE(c.Handshake());
    ASSERT_TRUE(c.server->writer.has_value());
    ASSERT_EQ(client_seen_secret.size(), 32u);
    uint64_t start = c.server->writer->next_sequence() + static_cast<uint64_t>(skew);
    auto sealer = crypto::Tls13RecordSealer::Create(crypto::Tls13Suite::kAes128GcmSha256,
                                                    client_seen_secret, start);
    ASSERT_THAT(sealer, IsOk());
    std::string data = "an answer";
    std::vector<std::string_view> pieces = {data};
    ASSERT_THAT(sealer->SealApplicationData(
                    pieces, c.server->out.Grow(crypto::Tls13SealedSize(data.size()))),
                IsOk());
    c.ToClient();

    int error = 0;
    std::string got = c.ClientRead(&error);

    if (skew == 0) {
      EXPECT_EQ(got, data);
      EXPECT_EQ(error, SSL_ERROR_WANT_READ);
    } else {
      EXPECT_EQ(got, "");
      EXPECT_EQ(error, SSL_ERROR_SSL);  // bad_record_mac
    }
  }
}

}  // namespace
}  // namespace ot::server
