#pragma once

// The server side of TLS over a beast::tcp_stream, for the HTTP server's sessions.
//
// Unlike Asio's ssl::stream (an OpenSSL BIO pair of 17 KiB and one asynchronous socket write per
// TLS record), OpenSSL here reads and writes through a BIO of our own over two plain buffers:
// a write encrypts everything it is given into one buffer and sends it with a single socket
// write, and a socket read fills a large buffer that OpenSSL then decrypts from without a copy
// into an intermediate BIO. An answer of 113 KB is one async completion instead of nine.
//
// One operation at a time (the session reads, then writes, then reads): reads and writes are
// never in flight together. Timeouts are the tcp_stream's (beast::get_lowest_layer).
//
// Our own record writer (TLS 1.3 with AES-GCM only): once the handshake is done, application
// data is encrypted by crypto::Tls13RecordSealer straight from the caller's buffers into the
// send buffer, without OpenSSL's copy into its record buffer and the BIO's copy out of it. The
// server application traffic secret comes from the keylog callback (PrepareContext), the first
// sequence number from verification: every record OpenSSL wrote with that key (the
// NewSessionTickets after the client's Finished) must open with the derived key and sequence
// numbers 0, 1, 2... in order, or the connection keeps OpenSSL's writer. From the takeover on
// OpenSSL never sends a record again: output it produces while reading (a KeyUpdate reply, an
// alert) is dropped and the connection fails; close_notify is sealed by our writer. Reads stay
// OpenSSL's. TLS 1.2 and ChaCha20-Poly1305 keep OpenSSL's writer throughout.

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/tls13_record.h"

namespace ot::server {

class TlsStream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;
  using error_code = boost::beast::error_code;

  // A server-side TLS connection over `next` with the settings of `ctx` (which SSL_new keeps
  // alive for this connection, so a certificate reload only affects later connections).
  TlsStream(next_layer_type next, SSL_CTX* ctx);
  TlsStream(TlsStream&&) noexcept;
  TlsStream& operator=(TlsStream&&) = delete;
  ~TlsStream();

  executor_type get_executor() { return next_.get_executor(); }
  next_layer_type& next_layer() { return next_; }
  SSL* native_handle() { return core_->ssl; }

  // Counters of the record writer over all connections (test-visible; never reset).
  struct WriterCounters {
    uint64_t taken_over = 0;      // TLS 1.3 AES-GCM connections written by our writer
    uint64_t openssl_path = 0;    // TLS 1.2 or ChaCha20: OpenSSL writes, as designed
    uint64_t not_verified = 0;    // eligible, but no secret or a record did not verify
    uint64_t openssl_output = 0;  // closed: OpenSSL wanted to write after the takeover
  };
  static WriterCounters Counters();

  // Lets the connections of `ctx` learn their server application traffic secret (installs the
  // keylog callback; the secret goes to the connection's Core only, never to a log).
  static void PrepareContext(SSL_CTX* ctx);

  // OpenSSL's side: the SSL object, the received ciphertext it has not consumed yet, and the
  // ciphertext it produced that is not sent yet. Heap-allocated so that the BIO's pointer to it
  // survives moving the stream. Public for the BIO's callbacks and for tests that drive a
  // connection without a socket.
  // Ciphertext waiting for the socket. Unlike std::string, growing it leaves the new bytes
  // unset: the writer seals straight into them, so zero-filling would be one more pass over
  // every answer.
  class SendBuffer {
   public:
    char* data() { return data_.get(); }
    const char* data() const { return data_.get(); }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    size_t capacity() const { return capacity_; }
    std::string_view view() const { return {data_.get(), size_}; }
    // Makes it `n` bytes longer; returns where the new, unset bytes start.
    char* Grow(size_t n);
    void append(const char* bytes, size_t n);
    void Truncate(size_t n) { size_ = std::min(size_, n); }
    void clear() { size_ = 0; }
    void Free() {
      data_.reset();
      size_ = capacity_ = 0;
    }

   private:
    std::unique_ptr<char[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;
  };

  struct Core {
    enum class Step { kDone, kNeedRead, kFailed };

    explicit Core(SSL_CTX* ctx);
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;
    ~Core();

    SSL* ssl = nullptr;
    std::unique_ptr<char[]> in;
    size_t in_capacity = 0;
    size_t in_begin = 0;
    size_t in_end = 0;
    SendBuffer out;
    std::string plain;   // small pieces of a write, gathered into full records (OpenSSL's path)
    std::string secret;  // SERVER_TRAFFIC_SECRET_0 until the takeover decision, then wiped
    std::optional<crypto::Tls13RecordSealer> writer;  // our writer, after the takeover
    bool handshake_done = false;                      // the takeover was decided (once)
    bool failed = false;  // nothing may be written any more (OpenSSL output after takeover)
    std::vector<std::string_view> pieces;  // a write's buffers, for the writer

    // Appends bytes read off the socket (or by the protocol detection).
    void Received(boost::asio::const_buffer bytes);
    // Room at the end of `in` for the next socket read (compacts or grows as needed).
    boost::asio::mutable_buffer ReadSpace();
    void Filled(size_t n) { in_end += n; }
    // After `out` went to the socket: empties it, and frees it after a large answer so that an
    // idle connection does not keep megabytes.
    void Sent();
    // Encrypts all of `pieces` into `out`: our writer's records after the takeover, OpenSSL's
    // otherwise. False on a failure (the connection must end).
    bool WritePieces();
    // OpenSSL's path: encrypts `data` (appends records to `out`); false on an OpenSSL failure.
    bool Encrypt(const char* data, size_t size);
    // Gathers small pieces so that records are full; Flush encrypts what is gathered.
    bool Write(const char* data, size_t size);
    bool FlushPlain();

    // One SSL_do_handshake; kNeedRead when more bytes must come from the peer. On completion
    // decides whether our writer takes over.
    Step Handshake(boost::beast::error_code& ec);
    // SSL_read into [data, data+size) while bytes are at hand, `*got` what was read: kDone when
    // the range is full, kNeedRead when the received bytes are used up.
    Step Read(char* data, size_t size, size_t* got, boost::beast::error_code& ec);
    // Puts close_notify into the output (ours after the takeover).
    void Shutdown();
    boost::beast::error_code SslError(int ret);

   private:
    // After the handshake: verifies the records OpenSSL wrote with the application key (`tail`,
    // this step's output) and starts our writer after them, or leaves OpenSSL's in place.
    void TakeOver(std::string_view tail);
  };

  // Completes the handshake; `received` are bytes already read off the socket (the protocol
  // detection's), all of which this stream takes over. Handler: void(error_code).
  template <class Handler>
  auto async_handshake(boost::asio::const_buffer received, Handler&& handler) {
    core_->Received(received);
    return boost::asio::async_compose<Handler, void(error_code)>(HandshakeOp{*this}, handler,
                                                                 next_);
  }

  // Decrypted bytes into `buffers` (as many as are at hand, at least one). Handler:
  // void(error_code, size_t). A peer's close_notify ends with net::error::eof, a connection
  // closed without it with ssl::error::stream_truncated.
  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    return boost::asio::async_compose<Handler, void(error_code, size_t)>(
        ReadOp<MutableBuffers>{*this, buffers}, handler, next_);
  }

  // Encrypts all of `buffers` and sends the records with one socket write. Handler:
  // void(error_code, size_t).
  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    return boost::asio::async_compose<Handler, void(error_code, size_t)>(
        WriteOp<ConstBuffers>{*this, buffers}, handler, next_);
  }

  // Sends close_notify; does not wait for the peer's (the socket is closed next). Handler:
  // void(error_code).
  template <class Handler>
  auto async_shutdown(Handler&& handler) {
    return boost::asio::async_compose<Handler, void(error_code)>(ShutdownOp{*this}, handler, next_);
  }

 private:
  using Step = Core::Step;

  template <class Self>
  void ReadSocket(Self& self) {
    next_.async_read_some(core_->ReadSpace(), std::move(self));
  }
  // Hands the whole output to the socket in one send where it fits: async_write's default
  // condition (transfer_all) would cut it into sends of at most 64 KiB, i.e. two sendmsg calls,
  // two timer arms and two wake-ups of the reader for a 113 KB answer.
  struct SendAll {
    size_t operator()(const error_code& ec, size_t) const { return ec ? 0 : SIZE_MAX; }
  };
  template <class Self>
  void SendOut(Self& self) {
    boost::asio::async_write(next_, boost::asio::buffer(core_->out.data(), core_->out.size()),
                             SendAll{}, std::move(self));
  }

  struct HandshakeOp {
    explicit HandshakeOp(TlsStream& stream) : s(stream) {}
    TlsStream& s;
    enum { kStart, kReading, kWriting } state = kStart;
    Step step = Step::kNeedRead;
    error_code failure;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t n = 0) {
      if (state == kWriting) {
        s.core_->Sent();
        if (step == Step::kFailed) return self.complete(failure);  // the alert went out (or not)
        if (ec) return self.complete(ec);
        if (step == Step::kDone) return self.complete(error_code{});
      } else if (state == kReading) {
        if (ec) return self.complete(ec);
        s.core_->Filled(n);
      }
      step = s.core_->Handshake(failure);
      if (!s.core_->out.empty()) {  // handshake messages, or the alert of a failure
        state = kWriting;
        return s.SendOut(self);
      }
      if (step == Step::kFailed) return self.complete(failure);
      if (step == Step::kDone) return self.complete(error_code{});
      state = kReading;
      s.ReadSocket(self);
    }
  };

  template <class MutableBuffers>
  struct ReadOp {
    ReadOp(TlsStream& stream, const MutableBuffers& b) : s(stream), buffers(b) {}
    TlsStream& s;
    MutableBuffers buffers;
    enum { kStart, kReading, kWriting, kPosted } state = kStart;
    size_t got = 0;
    error_code result;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t n = 0) {
      if (state == kPosted) return self.complete(result, got);
      if (state == kWriting) {
        s.core_->Sent();
        if (ec) return self.complete(ec, 0);
        if (got > 0 || result) return self.complete(result, got);
      }
      if (state == kReading) {
        if (ec == boost::asio::error::eof) {
          return self.complete(boost::asio::ssl::error::stream_truncated, 0);
        }
        if (ec) return self.complete(ec, 0);
        s.core_->Filled(n);
      }
      Step step = Step::kDone;
      for (auto buffer : boost::beast::buffers_range_ref(buffers)) {
        size_t n_read = 0;
        step = s.core_->Read(static_cast<char*>(buffer.data()), buffer.size(), &n_read, result);
        got += n_read;
        if (step != Step::kDone) break;
      }
      if (got > 0) result = {};  // report the bytes; a failure comes again on the next read
      bool need_read = step == Step::kNeedRead && got == 0;
      // OpenSSL may have answered something while reading (a KeyUpdate): send it first.
      if (!s.core_->out.empty()) {
        state = kWriting;
        return s.SendOut(self);
      }
      if (!need_read) {
        if (state != kStart) return self.complete(result, got);
        state = kPosted;  // no I/O happened: complete through the executor, never inline
        return boost::asio::post(s.next_.get_executor(), std::move(self));
      }
      state = kReading;
      s.ReadSocket(self);
    }
  };

  template <class ConstBuffers>
  struct WriteOp {
    WriteOp(TlsStream& stream, const ConstBuffers& b) : s(stream), buffers(b) {}
    TlsStream& s;
    ConstBuffers buffers;
    enum { kStart, kWriting, kPosted } state = kStart;
    size_t total = 0;
    error_code result;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t = 0) {
      if (state == kPosted) return self.complete(result, 0);
      if (state == kWriting) {
        s.core_->Sent();
        return self.complete(ec, ec ? 0 : total);
      }
      s.core_->pieces.clear();
      for (auto buffer : boost::beast::buffers_range_ref(buffers)) {
        s.core_->pieces.emplace_back(static_cast<const char*>(buffer.data()), buffer.size());
        total += buffer.size();
      }
      if (!s.core_->WritePieces()) result = s.core_->SslError(-1);
      s.core_->pieces.clear();
      if (result) {
        s.core_->Sent();
        s.core_->plain.clear();
        state = kPosted;
        return boost::asio::post(s.next_.get_executor(), std::move(self));
      }
      state = kWriting;
      s.SendOut(self);
    }
  };

  struct ShutdownOp {
    explicit ShutdownOp(TlsStream& stream) : s(stream) {}
    TlsStream& s;
    bool writing = false;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, size_t = 0) {
      if (writing) {
        s.core_->Sent();
        return self.complete(ec);
      }
      s.core_->Shutdown();
      writing = true;
      if (s.core_->out.empty()) {
        return boost::asio::post(s.next_.get_executor(), std::move(self));
      }
      s.SendOut(self);
    }
  };

  next_layer_type next_;
  std::unique_ptr<Core> core_;
};

}  // namespace ot::server
