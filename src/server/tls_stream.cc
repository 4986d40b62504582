#include "server/tls_stream.h"

// BIO_meth_*, ERR_* come with openssl/ssl.h (the only OpenSSL header the server may include).

#include <algorithm>
#include <cstring>

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

}  // namespace

TlsStream::TlsStream(next_layer_type next, SSL_CTX* ctx)
    : next_(std::move(next)), core_(std::make_unique<Core>()) {
  core_->ssl = SSL_new(ctx);
  SSL_set_accept_state(core_->ssl);
  // Reading ahead lets OpenSSL take a whole record (header and body) from the buffer at once.
  SSL_set_read_ahead(core_->ssl, 1);
  BIO* bio = BIO_new(BufferBio());
  BIO_set_data(bio, core_.get());
  SSL_set_bio(core_->ssl, bio, bio);  // the SSL owns the BIO from here
}

TlsStream::TlsStream(TlsStream&&) noexcept = default;

TlsStream::~TlsStream() {
  if (core_ && core_->ssl) SSL_free(core_->ssl);
}

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

void TlsStream::Core::Sent() {
  out.clear();
  if (out.capacity() > kKeptOutput) std::string().swap(out);
}

bool TlsStream::Core::Encrypt(const char* data, size_t size) {
  if (size == 0) return true;
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

TlsStream::Step TlsStream::Handshake(error_code& ec) {
  ERR_clear_error();
  int ret = SSL_do_handshake(core_->ssl);
  if (ret == 1) return Step::kDone;
  if (SSL_get_error(core_->ssl, ret) == SSL_ERROR_WANT_READ) return Step::kNeedRead;
  ec = SslError(ret);
  return Step::kFailed;
}

TlsStream::Step TlsStream::Read(char* data, size_t size, size_t* got, error_code& ec) {
  *got = 0;
  while (*got < size) {
    ERR_clear_error();
    size_t n = 0;
    int ret = SSL_read_ex(core_->ssl, data + *got, size - *got, &n);
    if (ret == 1) {
      *got += n;
      continue;
    }
    int error = SSL_get_error(core_->ssl, ret);
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

void TlsStream::Shutdown() {
  ERR_clear_error();
  SSL_shutdown(core_->ssl);
}

TlsStream::error_code TlsStream::SslError(int ret) {
  unsigned long error = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  if (error == 0) {
    // No OpenSSL error queued: the peer's bytes ended inside the TLS stream.
    return ret == 0 ? error_code(net::ssl::error::stream_truncated)
                    : error_code(net::error::connection_aborted);
  }
  return error_code(static_cast<int>(error), net::error::get_ssl_category());
}

}  // namespace ot::server
