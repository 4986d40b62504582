#include "crypto/tls13_record.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <array>
#include <cstring>

namespace ot::crypto {
namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* U(const char* p) { return reinterpret_cast<const unsigned char*>(p); }
unsigned char* U(char* p) { return reinterpret_cast<unsigned char*>(p); }

const char* DigestName(Tls13Suite suite) {
  return suite == Tls13Suite::kAes128GcmSha256 ? "SHA256" : "SHA384";
}
// Fetched once: OpenSSL 3 looks a legacy EVP_aes_*_gcm() up in its provider on every init, and
// EVP_KDF_fetch on every call, which costs a connection's takeover more than the crypto itself.
const EVP_CIPHER* Cipher(Tls13Suite suite) {
  static EVP_CIPHER* const aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  static EVP_CIPHER* const aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return suite == Tls13Suite::kAes128GcmSha256 ? aes128 : aes256;
}
EVP_KDF* Hkdf() {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  return kdf;
}
size_t KeyBytes(Tls13Suite suite) { return suite == Tls13Suite::kAes128GcmSha256 ? 16 : 32; }
size_t HashBytes(Tls13Suite suite) { return suite == Tls13Suite::kAes128GcmSha256 ? 32 : 48; }

// The per-record nonce: the iv with the 64-bit sequence number XORed into its last 8 bytes,
// big-endian (RFC 8446 5.3).
std::array<unsigned char, kTls13IvBytes> Nonce(const unsigned char* iv, uint64_t sequence) {
  std::array<unsigned char, kTls13IvBytes> nonce{};
  std::memcpy(nonce.data(), iv, kTls13IvBytes);
  for (size_t i = 0; i < 8; ++i) {
    nonce[kTls13IvBytes - 1 - i] ^= static_cast<unsigned char>(sequence >> (8 * i));
  }
  return nonce;
}

// The outer header of a protected record: always application_data, legacy version 1.2.
void WriteHeader(size_t data, char* dest) {
  size_t length = data + 1 + kTls13TagBytes;
  dest[0] = 0x17;
  dest[1] = 0x03;
  dest[2] = 0x03;
  dest[3] = static_cast<char>(length >> 8);
  dest[4] = static_cast<char>(length & 0xff);
}

}  // namespace

struct Tls13CipherState {
  CipherCtx ctx;
  std::array<unsigned char, kTls13IvBytes> iv{};
};

Result<std::string> Tls13ExpandLabel(Tls13Suite suite, std::string_view secret,
                                     std::string_view label, std::string_view context,
                                     size_t length) {
  // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
  std::string full_label = "tls13 " + std::string(label);
  if (full_label.size() > 255 || context.size() > 255 || length > 0xffff) {
    return Status(Error::kInternal, "HKDF-Expand-Label: label, context or length too long");
  }
  std::string info;
  info.push_back(static_cast<char>(length >> 8));
  info.push_back(static_cast<char>(length & 0xff));
  info.push_back(static_cast<char>(full_label.size()));
  info += full_label;
  info.push_back(static_cast<char>(context.size()));
  info.append(context);

  if (Hkdf() == nullptr) return Status(Error::kInternal, "OpenSSL has no HKDF");
  EVP_KDF_CTX* kctx = EVP_KDF_CTX_new(Hkdf());
  if (kctx == nullptr) return Status(Error::kInternal, "cannot make an HKDF context");
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  std::string digest = DigestName(suite);
  std::string key(secret);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key.data(), key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_end(),
  };
  std::string out(length, '\0');
  int ok = EVP_KDF_derive(kctx, U(out.data()), out.size(), params);
  EVP_KDF_CTX_free(kctx);
  OPENSSL_cleanse(key.data(), key.size());
  if (ok != 1) return Status(Error::kInternal, "HKDF-Expand-Label failed");
  return out;
}

Result<Tls13TrafficKey> Tls13DeriveTrafficKey(Tls13Suite suite, std::string_view secret) {
  if (secret.size() != HashBytes(suite)) {
    return Status(Error::kInternal, "a TLS 1.3 traffic secret has the suite's hash length");
  }
  Tls13TrafficKey out;
  OT_ASSIGN_OR_RETURN(out.key, Tls13ExpandLabel(suite, secret, "key", "", KeyBytes(suite)));
  OT_ASSIGN_OR_RETURN(out.iv, Tls13ExpandLabel(suite, secret, "iv", "", kTls13IvBytes));
  return out;
}

Result<Tls13RecordSealer> Tls13RecordSealer::Create(Tls13Suite suite, std::string_view secret,
                                                    uint64_t first_sequence) {
  OT_ASSIGN_OR_RETURN(auto key, Tls13DeriveTrafficKey(suite, secret));
  auto sealer = Create(suite, key, first_sequence);
  OPENSSL_cleanse(key.key.data(), key.key.size());
  return sealer;
}

Result<Tls13RecordSealer> Tls13RecordSealer::Create(Tls13Suite suite, const Tls13TrafficKey& key,
                                                    uint64_t first_sequence) {
  if (first_sequence >= kTls13RecordLimit) {
    return Status(Error::kLimitExceeded, "the TLS record limit of this key is reached");
  }
  if (key.key.size() != KeyBytes(suite) || key.iv.size() != kTls13IvBytes) {
    return Status(Error::kInternal, "the traffic key does not fit the suite");
  }
  auto state = std::make_unique<Tls13CipherState>();
  state->ctx.reset(EVP_CIPHER_CTX_new());
  std::memcpy(state->iv.data(), key.iv.data(), kTls13IvBytes);
  bool ok = state->ctx != nullptr && Cipher(suite) != nullptr &&
            EVP_EncryptInit_ex(state->ctx.get(), Cipher(suite), nullptr, U(key.key.data()),
                               state->iv.data()) == 1;
  if (!ok) return Status(Error::kInternal, "cannot set up AES-GCM for TLS records");
  return Tls13RecordSealer(std::move(state), first_sequence);
}

Tls13RecordSealer::Tls13RecordSealer(std::unique_ptr<Tls13CipherState> state, uint64_t next)
    : state_(std::move(state)), next_(next) {}
Tls13RecordSealer::Tls13RecordSealer(Tls13RecordSealer&& other) noexcept
    : state_(std::move(other.state_)), next_(other.next_) {}
Tls13RecordSealer& Tls13RecordSealer::operator=(Tls13RecordSealer&& other) noexcept {
  state_ = std::move(other.state_);
  next_ = other.next_;
  return *this;
}
Tls13RecordSealer::~Tls13RecordSealer() = default;

void Tls13RecordSealer::SealOne(Tls13ContentType type, std::span<const std::string_view> pieces,
                                size_t* piece, size_t* offset, size_t size, char* dest) {
  // The nonce is used here once: next_ only ever grows, and nothing else encrypts with state_.
  auto nonce = Nonce(state_->iv.data(), next_);
  ++next_;
  EVP_CIPHER_CTX* ctx = state_->ctx.get();
  WriteHeader(size, dest);
  int len = 0;
  OT_CHECK(EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) == 1);
  OT_CHECK(EVP_EncryptUpdate(ctx, nullptr, &len, U(dest), kTls13HeaderBytes) == 1);
  char* out = dest + kTls13HeaderBytes;
  size_t left = size;
  while (left > 0) {
    std::string_view p = pieces[*piece];
    size_t n = std::min(left, p.size() - *offset);
    OT_CHECK(EVP_EncryptUpdate(ctx, U(out), &len, U(p.data() + *offset), static_cast<int>(n)) == 1);
    out += len;
    left -= n;
    *offset += n;
    if (*offset == p.size()) {
      ++*piece;
      *offset = 0;
    }
  }
  const char inner = static_cast<char>(type);
  OT_CHECK(EVP_EncryptUpdate(ctx, U(out), &len, U(&inner), 1) == 1);
  out += len;
  OT_CHECK(EVP_EncryptFinal_ex(ctx, U(out), &len) == 1);
  out += len;
  OT_CHECK(out == dest + kTls13HeaderBytes + size + 1);  // GCM is a stream: all output is out
  OT_CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTls13TagBytes, out) == 1);
}

Status Tls13RecordSealer::SealApplicationData(std::span<const std::string_view> pieces,
                                              std::string* out) {
  size_t total = 0;
  for (auto p : pieces) total += p.size();
  size_t at = out->size();
  out->resize(at + Tls13SealedSize(total));
  Status sealed = SealApplicationData(pieces, out->data() + at);
  if (!sealed.ok()) out->resize(at);
  return sealed;
}

Status Tls13RecordSealer::SealApplicationData(std::span<const std::string_view> pieces,
                                              char* dest) {
  size_t total = 0;
  for (auto p : pieces) total += p.size();
  uint64_t records = (total + kTls13MaxPlaintext - 1) / kTls13MaxPlaintext;
  if (records > kTls13RecordLimit - next_) {
    return Status(Error::kLimitExceeded, "the TLS record limit of this key is reached");
  }
  size_t piece = 0;
  size_t offset = 0;
  while (piece < pieces.size() && pieces[piece].empty()) ++piece;
  for (size_t left = total; left > 0;) {
    size_t size = std::min(left, kTls13MaxPlaintext);
    SealOne(Tls13ContentType::kApplicationData, pieces, &piece, &offset, size, dest);
    // Skip empty pieces so that the next record starts at data.
    while (piece < pieces.size() && offset == 0 && pieces[piece].empty()) ++piece;
    dest += Tls13RecordSize(size);
    left -= size;
  }
  return Status();
}

Status Tls13RecordSealer::SealRecord(Tls13ContentType type, std::string_view data,
                                     std::string* out) {
  size_t at = out->size();
  out->resize(at + Tls13RecordSize(std::min(data.size(), kTls13MaxPlaintext)));
  Status sealed = SealRecord(type, data, out->data() + at);
  if (!sealed.ok()) out->resize(at);
  return sealed;
}

Status Tls13RecordSealer::SealRecord(Tls13ContentType type, std::string_view data, char* dest) {
  if (data.size() > kTls13MaxPlaintext) {
    return Status(Error::kInternal, "a TLS record holds at most 2^14 bytes");
  }
  if (next_ >= kTls13RecordLimit) {
    return Status(Error::kLimitExceeded, "the TLS record limit of this key is reached");
  }
  size_t piece = 0;
  size_t offset = 0;
  SealOne(type, std::span<const std::string_view>(&data, 1), &piece, &offset, data.size(), dest);
  return Status();
}

Result<Tls13Opened> Tls13OpenRecord(Tls13Suite suite, const Tls13TrafficKey& key, uint64_t sequence,
                                    std::string_view record) {
  if (record.size() < kTls13HeaderBytes + 1 + kTls13TagBytes || record[0] != 0x17 ||
      record[1] != 0x03 || record[2] != 0x03) {
    return Status(Error::kCorruption, "not a TLS 1.3 protected record");
  }
  size_t length = (static_cast<size_t>(static_cast<unsigned char>(record[3])) << 8) |
                  static_cast<unsigned char>(record[4]);
  if (length != record.size() - kTls13HeaderBytes ||
      length > kTls13MaxPlaintext + 256) {  // RFC 8446 5.2: 2^14 + 256 at most
    return Status(Error::kCorruption, "the record's length does not match its header");
  }
  if (key.key.size() != KeyBytes(suite) || key.iv.size() != kTls13IvBytes) {
    return Status(Error::kInternal, "the traffic key does not fit the suite");
  }
  size_t cipher_bytes = length - kTls13TagBytes;
  std::string plain(cipher_bytes, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  auto nonce = Nonce(U(key.iv.data()), sequence);
  int len = 0;
  std::string tag(record.substr(record.size() - kTls13TagBytes));
  bool ok =
      ctx != nullptr && Cipher(suite) != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), Cipher(suite), nullptr, U(key.key.data()), nonce.data()) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(record.data()), kTls13HeaderBytes) == 1 &&
      EVP_DecryptUpdate(ctx.get(), U(plain.data()), &len, U(record.data() + kTls13HeaderBytes),
                        static_cast<int>(cipher_bytes)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTls13TagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), U(plain.data() + len), &len) == 1;
  if (!ok) return Status(Error::kCorruption, "the record does not authenticate");
  // TLSInnerPlaintext: content, the type byte, then zero padding.
  size_t end = plain.size();
  while (end > 0 && plain[end - 1] == '\0') --end;
  if (end == 0) return Status(Error::kCorruption, "the record has no content type");
  Tls13Opened opened;
  opened.type = static_cast<uint8_t>(plain[end - 1]);
  plain.resize(end - 1);
  opened.data = std::move(plain);
  return opened;
}

}  // namespace ot::crypto
