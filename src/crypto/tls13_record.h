#pragma once

// TLS 1.3 record protection for AES-GCM (RFC 8446 5.2-5.5, 7.1, 7.3): the key schedule's
// HKDF-Expand-Label, traffic key and iv derivation, and sealing and opening of records.
//
// The server's TLS stream uses this to write application data itself, encrypting straight from
// an answer's buffers into the send buffer (OpenSSL's SSL_write copies the plaintext into its
// own record buffer first). Only the two AES-GCM suites are here; anything else stays OpenSSL's.
//
// Nonce safety: a Tls13RecordSealer owns its sequence number, starts it where its creator proved
// the peer expects it, increments it once per record written and never hands it out or lets it
// be set; it is move-only, so no copy can write under the same sequence numbers. It refuses to
// write past kTls13RecordLimit records, far below both the sequence number's wrap (2^64) and the
// AES-GCM limit of RFC 8446 5.5 (2^24.5 full-size records per key).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ot::crypto {

enum class Tls13Suite { kAes128GcmSha256, kAes256GcmSha384 };

// TLSInnerPlaintext content types (RFC 8446 5.1).
enum class Tls13ContentType : uint8_t { kAlert = 21, kHandshake = 22, kApplicationData = 23 };

inline constexpr size_t kTls13HeaderBytes = 5;
inline constexpr size_t kTls13TagBytes = 16;
inline constexpr size_t kTls13IvBytes = 12;
inline constexpr size_t kTls13MaxPlaintext = size_t{1} << 14;
// Records one sealer writes at most: 2^24, under RFC 8446 5.5's 2^24.5 for AES-GCM.
inline constexpr uint64_t kTls13RecordLimit = uint64_t{1} << 24;

// HKDF-Expand-Label(secret, label, context, length) with the suite's hash (RFC 8446 7.1): the
// HkdfLabel is built here ("tls13 " + label), the expansion is OpenSSL's HKDF (expand only).
Result<std::string> Tls13ExpandLabel(Tls13Suite suite, std::string_view secret,
                                     std::string_view label, std::string_view context,
                                     size_t length);

// write_key and write_iv of a traffic secret (RFC 8446 7.3).
struct Tls13TrafficKey {
  std::string key;  // 16 or 32 bytes
  std::string iv;   // 12 bytes
};
Result<Tls13TrafficKey> Tls13DeriveTrafficKey(Tls13Suite suite, std::string_view secret);

// Bytes a record of `data` bytes takes on the wire: header, data, inner type, tag.
constexpr size_t Tls13RecordSize(size_t data) {
  return kTls13HeaderBytes + data + 1 + kTls13TagBytes;
}
// Bytes SealApplicationData appends for `data` bytes (records of at most 2^14 data bytes).
constexpr size_t Tls13SealedSize(size_t data) {
  size_t records = (data + kTls13MaxPlaintext - 1) / kTls13MaxPlaintext;
  return data + records * (kTls13HeaderBytes + 1 + kTls13TagBytes);
}

struct Tls13CipherState;  // the EVP context with the key set

class Tls13RecordSealer {
 public:
  // A sealer for `secret` whose first record gets sequence number `first_sequence` (the number
  // of records already written under this secret).
  static Result<Tls13RecordSealer> Create(Tls13Suite suite, std::string_view secret,
                                          uint64_t first_sequence);
  // The same from the secret's derived key (Tls13DeriveTrafficKey).
  static Result<Tls13RecordSealer> Create(Tls13Suite suite, const Tls13TrafficKey& key,
                                          uint64_t first_sequence);
  Tls13RecordSealer(Tls13RecordSealer&&) noexcept;
  Tls13RecordSealer& operator=(Tls13RecordSealer&&) noexcept;
  Tls13RecordSealer(const Tls13RecordSealer&) = delete;
  Tls13RecordSealer& operator=(const Tls13RecordSealer&) = delete;
  ~Tls13RecordSealer();

  // Appends to `out` the concatenation of `pieces` as application data records of 2^14 data
  // bytes each (the last one shorter; nothing for no data), each piece encrypted from where it
  // is straight into `out`. kLimitExceeded, with nothing appended, when the records would pass
  // kTls13RecordLimit: the connection must end then.
  Status SealApplicationData(std::span<const std::string_view> pieces, std::string* out);
  // The same into `dest`, which has room for Tls13SealedSize(the pieces' total size) bytes (for
  // a buffer that grows without zero-filling); nothing is written on an error.
  Status SealApplicationData(std::span<const std::string_view> pieces, char* dest);

  // Appends one record of `type` holding `data` (at most 2^14 bytes), e.g. an alert.
  Status SealRecord(Tls13ContentType type, std::string_view data, std::string* out);
  // The same into `dest`, which has room for Tls13RecordSize(data.size()) bytes.
  Status SealRecord(Tls13ContentType type, std::string_view data, char* dest);

  // The sequence number of the next record (for tests and counters).
  uint64_t next_sequence() const { return next_; }

 private:
  Tls13RecordSealer(std::unique_ptr<Tls13CipherState> state, uint64_t next);
  // Writes one record of `size` data bytes taken from pieces[*piece] at *offset onwards into
  // `dest` (Tls13RecordSize(size) bytes), advancing *piece and *offset.
  void SealOne(Tls13ContentType type, std::span<const std::string_view> pieces, size_t* piece,
               size_t* offset, size_t size, char* dest);

  std::unique_ptr<Tls13CipherState> state_;
  uint64_t next_ = 0;
};

// A record opened by Tls13OpenRecord: the inner content type and the data without padding.
struct Tls13Opened {
  uint8_t type = 0;
  std::string data;
};

// Opens one whole record (header, ciphertext, tag) written under `key` with sequence number
// `sequence`. kCorruption when it is malformed or does not authenticate (wrong key or sequence
// number, altered bytes). For checking records someone else wrote; slow (a new context each).
Result<Tls13Opened> Tls13OpenRecord(Tls13Suite suite, const Tls13TrafficKey& key, uint64_t sequence,
                                    std::string_view record);

}  // namespace ot::crypto
