#include "server/tls_stream.h"

// BIO_meth_*, ERR_* come with openssl/ssl.h (the only OpenSSL header the server may include).

#include <algorithm>
#include <atomic>
#include <cstring>

#include "common/encoding.h"

namespace ot::server {
namespace {

namespace net = boost::asio;

// Received ciphertext is read off the socket in pieces of up to this size (a bulk upload is
// ~4 TLS records per socket read); the buffer grows no further.
constexpr size_t kReadChunk = 64 << 10;
// Pieces of a write smaller than a record are gathered up to this size before encryption, so a
// response's header fields become part of a full record instead of records of their own.
constexpr size_t kRecord = 16 << 10;
// Encrypted output up to this size keeps its buffer for the connection's next answer.
constexpr size_t kKeptOutput = 1 << 20;

// The BIO OpenSSL reads ciphertext from and writes it to: TlsStream's Core buffers, directly.
int BioWrite(BIO* bio, const char* data, size_t size, size_t* written) {
  BIO_clear_retry_flags(bio);
  static_cast<TlsStream::Core*>(BIO_get_data(bio))->out.append(data, size);
  *written = size;
  return 1;
}

int BioRead(BIO* bio, char* data, size_t size, size_t* read) {
  BIO_clear_retry_flags(bio);
  auto* core = static_cast<TlsStream::Core*>(BIO_get_data(bio));
  size_t n = std::min(size, core->in_end - core->in_begin);
  if (n == 0) {
    BIO_set_retry_read(bio);
    *read = 0;
    return 0;
  }
  std::memcpy(data, core->in.get() + core->in_begin, n);
  core->in_begin += n;
  *read = n;
  return 1;
}

long BioCtrl(BIO*, int cmd, long, void*) {  // NOLINT(google-runtime-int): OpenSSL's signature
  switch (cmd) {
    case BIO_CTRL_FLUSH:  // written bytes are in Core::out already; the stream sends them
      return 1;
    default:
      return 0;
  }
}

int BioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* BufferBio() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "ot buffers");
    BIO_meth_set_write_ex(m, BioWrite);
    BIO_meth_set_read_ex(m, BioRead);
    BIO_meth_set_ctrl(m, BioCtrl);
    BIO_meth_set_create(m, BioCreate);
    return m;
  }();
  return method;
}

struct AtomicCounters {
  std::atomic<uint64_t> taken_over{0};
  std::atomic<uint64_t> openssl_path{0};
  std::atomic<uint64_t> not_verified{0};
  std::atomic<uint64_t> openssl_output{0};
};
AtomicCounters& Counts() {
  static AtomicCounters counters;
  return counters;
}

// The SSL's ex_data slot that points at its Core (for the keylog callback).
int CoreIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// OpenSSL hands every secret of a connection to this callback as an NSS key log line. Only the
// server's first application traffic secret is kept, in the connection's Core; nothing is logged.
void KeylogCallback(const SSL* ssl, const char* line) {
  static constexpr std::string_view kLabel = "SERVER_TRAFFIC_SECRET_0 ";
  std::string_view text(line);
  if (text.substr(0, kLabel.size()) != kLabel) return;
  auto* core = static_cast<TlsStream::Core*>(SSL_get_ex_data(ssl, CoreIndex()));
  if (core == nullptr) return;
  size_t space = text.find(' ', kLabel.size());  // after the client random
  if (space == std::string_view::npos) return;
  auto secret = HexDecode(text.substr(space + 1));
  if (secret) core->secret = std::move(*secret);
}

void Wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

// close_notify: alert level warning (1), description close_notify (0).
constexpr std::string_view kCloseNotify("\x01\x00", 2);

}  // namespace

TlsStream::WriterCounters TlsStream::Counters() {
  WriterCounters out;
  out.taken_over = Counts().taken_over.load();
  out.openssl_path = Counts().openssl_path.load();
  out.not_verified = Counts().not_verified.load();
  out.openssl_output = Counts().openssl_output.load();
  return out;
}

void TlsStream::PrepareContext(SSL_CTX* ctx) {
  CoreIndex();  // allocate the slot before any connection exists
  SSL_CTX_set_keylog_callback(ctx, KeylogCallback);
}

TlsStream::Core::Core(SSL_CTX* ctx) {
  ssl = SSL_new(ctx);
  OT_CHECK(ssl != nullptr);
  SSL_set_ex_data(ssl, CoreIndex(), this);
  SSL_set_accept_state(ssl);
  // Reading ahead lets OpenSSL take a whole record (header and body) from the buffer at once.
  SSL_set_read_ahead(ssl, 1);
  BIO* bio = BIO_new(BufferBio());
  BIO_set_data(bio, this);
  SSL_set_bio(ssl, bio, bio);  // the SSL owns the BIO from here
}

TlsStream::Core::~Core() {
  Wipe(secret);
  SSL_free(ssl);
}

TlsStream::TlsStream(next_layer_type next, SSL_CTX* ctx)
    : next_(std::move(next)), core_(std::make_unique<Core>(ctx)) {}

TlsStream::TlsStream(TlsStream&&) noexcept = default;

TlsStream::~TlsStream() = default;

void TlsStream::Core::Received(net::const_buffer bytes) {
  while (bytes.size() > 0) {
    net::mutable_buffer space = ReadSpace();
    size_t n = std::min(space.size(), bytes.size());
    std::memcpy(space.data(), bytes.data(), n);
    Filled(n);
    bytes += n;
  }
}

net::mutable_buffer TlsStream::Core::ReadSpace() {
  if (in_begin == in_end) in_begin = in_end = 0;
  if (in_capacity - in_end < kRecord && in_begin > 0) {  // move the unread rest to the front
    std::memmove(in.get(), in.get() + in_begin, in_end - in_begin);
    in_end -= in_begin;
    in_begin = 0;
  }
  if (in_capacity - in_end < kRecord || in_capacity < kReadChunk) {
    size_t capacity = std::max(kReadChunk, in_end + kReadChunk);
    std::unique_ptr<char[]> grown(new char[capacity]);  // not zeroed: make_unique would
    if (in_end > 0) std::memcpy(grown.get(), in.get(), in_end);
    in = std::move(grown);
    in_capacity = capacity;
  }
  return net::mutable_buffer(in.get() + in_end, std::min(kReadChunk, in_capacity - in_end));
}

char* TlsStream::SendBuffer::Grow(size_t n) {
  if (capacity_ - size_ < n) {
    size_t capacity = std::max(capacity_ * 2, size_ + n);
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }
  size_ += n;
  return data_.get() + size_ - n;
}

void TlsStream::SendBuffer::append(const char* bytes, size_t n) {
  if (n > 0) std::memcpy(Grow(n), bytes, n);
}

void TlsStream::Core::Sent() {
  out.clear();
  if (out.capacity() > kKeptOutput) out.Free();
}

bool TlsStream::Core::WritePieces() {
  if (failed) return false;
  if (writer) {
    size_t total = 0;
    for (auto piece : pieces) total += piece.size();
    size_t before = out.size();
    if (writer->SealApplicationData(pieces, out.Grow(crypto::Tls13SealedSize(total))).ok()) {
      return true;
    }
    out.Truncate(before);
    failed = true;  // the key's record limit: the connection ends, nothing more is written
    return false;
  }
  for (auto piece : pieces) {
    if (!Write(piece.data(), piece.size())) return false;
  }
  return FlushPlain();
}

bool TlsStream::Core::Encrypt(const char* data, size_t size) {
  if (size == 0) return true;
  OT_CHECK(!writer);  // after the takeover OpenSSL never writes application data
  ERR_clear_error();
  size_t written = 0;
  // The BIO takes every byte, so OpenSSL writes all of `data` (as many records as it takes).
  return SSL_write_ex(ssl, data, size, &written) == 1 && written == size;
}

bool TlsStream::Core::Write(const char* data, size_t size) {
  if (plain.size() + size <= kRecord) {
    plain.append(data, size);
    return true;
  }
  if (!plain.empty()) {  // top the gathered pieces up to a full record, then send the rest as is
    size_t top = kRecord - plain.size();
    plain.append(data, top);
    data += top;
    size -= top;
    if (!FlushPlain()) return false;
  }
  return Encrypt(data, size);
}

bool TlsStream::Core::FlushPlain() {
  bool ok = Encrypt(plain.data(), plain.size());
  plain.clear();
  return ok;
}

TlsStream::Core::Step TlsStream::Core::Handshake(error_code& ec) {
  size_t before = out.size();
  ERR_clear_error();
  int ret = SSL_do_handshake(ssl);
  if (ret == 1) {
    // Decided once per connection: a second decision would restart the sequence numbers.
    if (!handshake_done) TakeOver(out.view().substr(before));
    handshake_done = true;
    return Step::kDone;
  }
  if (SSL_get_error(ssl, ret) == SSL_ERROR_WANT_READ) return Step::kNeedRead;
  ec = SslError(ret);
  return Step::kFailed;
}

void TlsStream::Core::TakeOver(std::string_view tail) {
  std::string key_secret = std::move(secret);
  secret.clear();
  auto cipher = SSL_CIPHER_get_id(SSL_get_current_cipher(ssl));
  crypto::Tls13Suite suite;
  if (SSL_version(ssl) == TLS1_3_VERSION && cipher == TLS1_3_CK_AES_128_GCM_SHA256) {
    suite = crypto::Tls13Suite::kAes128GcmSha256;
  } else if (SSL_version(ssl) == TLS1_3_VERSION && cipher == TLS1_3_CK_AES_256_GCM_SHA384) {
    suite = crypto::Tls13Suite::kAes256GcmSha384;
  } else {
    Wipe(key_secret);
    Counts().openssl_path.fetch_add(1);
    return;
  }
  // OpenSSL must have nothing left to write, and must not be about to send a KeyUpdate.
  bool ok = SSL_want(ssl) == SSL_NOTHING && SSL_get_key_update_type(ssl) == SSL_KEY_UPDATE_NONE;
  auto key = crypto::Tls13DeriveTrafficKey(suite, key_secret);
  ok = ok && key.ok();
  // Each record OpenSSL wrote after the client's Finished (its NewSessionTickets) must open
  // with the derived key and sequence numbers 0, 1, 2..., in order, as handshake messages.
  uint64_t sequence = 0;
  while (ok && !tail.empty()) {
    size_t length = tail.size() < crypto::kTls13HeaderBytes
                        ? SIZE_MAX
                        : (static_cast<size_t>(static_cast<unsigned char>(tail[3])) << 8) |
                              static_cast<unsigned char>(tail[4]);
    if (length == SIZE_MAX || tail.size() - crypto::kTls13HeaderBytes < length) {
      ok = false;
      break;
    }
    size_t record = crypto::kTls13HeaderBytes + length;
    auto opened = crypto::Tls13OpenRecord(suite, *key, sequence, tail.substr(0, record));
    ok = opened.ok() && opened->type == static_cast<uint8_t>(crypto::Tls13ContentType::kHandshake);
    tail.remove_prefix(record);
    ++sequence;
  }
  if (ok) {
    auto sealer = crypto::Tls13RecordSealer::Create(suite, *key, sequence);
    if (sealer.ok()) {
      writer.emplace(std::move(*sealer));
    } else {
      ok = false;
    }
  }
  if (key.ok()) Wipe(key->key);
  Wipe(key_secret);
  (ok ? Counts().taken_over : Counts().not_verified).fetch_add(1);
}

TlsStream::Core::Step TlsStream::Core::Read(char* data, size_t size, size_t* got, error_code& ec) {
  *got = 0;
  if (failed) {
    ec = net::error::connection_aborted;
    return Step::kFailed;
  }
  while (*got < size) {
    ERR_clear_error();
    size_t n = 0;
    size_t before = out.size();
    int ret = SSL_read_ex(ssl, data + *got, size - *got, &n);
    if (writer && (out.size() != before || SSL_get_key_update_type(ssl) != SSL_KEY_UPDATE_NONE)) {
      // OpenSSL wrote (or is about to write) a record with the key our writer owns, under a
      // sequence number our writer has used: it must never reach the peer. End the connection.
      out.Truncate(before);
      failed = true;
      Counts().openssl_output.fetch_add(1);
      ec = net::error::connection_aborted;
      return Step::kFailed;
    }
    if (ret == 1) {
      *got += n;
      continue;
    }
    int error = SSL_get_error(ssl, ret);
    if (error == SSL_ERROR_WANT_READ) return Step::kNeedRead;
    if (error == SSL_ERROR_ZERO_RETURN) {  // the peer's close_notify
      ec = net::error::eof;
      return Step::kFailed;
    }
    ec = SslError(ret);
    return Step::kFailed;
  }
  return Step::kDone;
}

void TlsStream::Core::Shutdown() {
  if (failed) return;
  if (writer) {
    // OpenSSL's SSL_shutdown would seal its close_notify under a used sequence number.
    size_t before = out.size();
    if (!writer
             ->SealRecord(crypto::Tls13ContentType::kAlert, kCloseNotify,
                          out.Grow(crypto::Tls13RecordSize(kCloseNotify.size())))
             .ok()) {
      out.Truncate(before);
      return;
    }
    SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN);
    return;
  }
  ERR_clear_error();
  SSL_shutdown(ssl);
}

TlsStream::error_code TlsStream::Core::SslError(int ret) {
  unsigned long error = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  if (error == 0) {
    // No OpenSSL error queued: the peer's bytes ended inside the TLS stream.
    return ret == 0 ? error_code(net::ssl::error::stream_truncated)
                    : error_code(net::error::connection_aborted);
  }
  return error_code(static_cast<int>(error), net::error::get_ssl_category());
}

}  // namespace ot::server
