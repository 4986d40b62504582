#include "crypto/aead.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>

namespace ot::crypto {
namespace {

constexpr char kVersion = 0x01;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* U(char* p) { return reinterpret_cast<unsigned char*>(p); }

// The authenticated data: the version byte, then the caller's context.
std::string Aad(std::string_view aad) {
  std::string out(1, kVersion);
  out.append(aad);
  return out;
}

}  // namespace

std::string AeadSealWithNonce(std::string_view key, std::string_view nonce,
                              std::string_view plaintext, std::string_view aad) {
  OT_CHECK(key.size() == kAeadKeyBytes);
  OT_CHECK(nonce.size() == kAeadNonceBytes);
  std::string out(1 + kAeadNonceBytes + plaintext.size() + kAeadTagBytes, '\0');
  out[0] = kVersion;
  out.replace(1, kAeadNonceBytes, nonce);
  char* ct = out.data() + 1 + kAeadNonceBytes;

  Ctx ctx(EVP_CIPHER_CTX_new());
  OT_CHECK(ctx != nullptr);
  OT_CHECK(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1);
  OT_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kAeadNonceBytes),
                               nullptr) == 1);
  OT_CHECK(EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, U(key), U(nonce)) == 1);
  const std::string full_aad = Aad(aad);
  int len = 0;
  OT_CHECK(EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(full_aad),
                             static_cast<int>(full_aad.size())) == 1);
  if (!plaintext.empty()) {
    OT_CHECK(EVP_EncryptUpdate(ctx.get(), U(ct), &len, U(plaintext),
                               static_cast<int>(plaintext.size())) == 1);
  }
  OT_CHECK(EVP_EncryptFinal_ex(ctx.get(), U(ct + plaintext.size()), &len) == 1);
  OT_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAeadTagBytes),
                               ct + plaintext.size()) == 1);
  return out;
}

std::string AeadSeal(std::string_view key, Random& random, std::string_view plaintext,
                     std::string_view aad) {
  std::array<uint8_t, kAeadNonceBytes> nonce{};
  random.Fill(nonce);
  return AeadSealWithNonce(
      key, std::string_view(reinterpret_cast<const char*>(nonce.data()), nonce.size()), plaintext,
      aad);
}

Result<std::string> AeadOpen(std::string_view key, std::string_view sealed, std::string_view aad) {
  OT_CHECK(key.size() == kAeadKeyBytes);
  if (sealed.size() < kAeadOverheadBytes) {
    return Status(Error::kCorruption, "sealed value is too short");
  }
  if (sealed[0] != kVersion) {
    return Status(Error::kCorruption, "sealed value has an unknown version");
  }
  const std::string_view nonce = sealed.substr(1, kAeadNonceBytes);
  const std::string_view ct =
      sealed.substr(1 + kAeadNonceBytes, sealed.size() - kAeadOverheadBytes);
  std::string tag(sealed.substr(sealed.size() - kAeadTagBytes));

  Ctx ctx(EVP_CIPHER_CTX_new());
  OT_CHECK(ctx != nullptr);
  OT_CHECK(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1);
  OT_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kAeadNonceBytes),
                               nullptr) == 1);
  OT_CHECK(EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, U(key), U(nonce)) == 1);
  const std::string full_aad = Aad(aad);
  int len = 0;
  OT_CHECK(EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(full_aad),
                             static_cast<int>(full_aad.size())) == 1);
  std::string out(ct.size(), '\0');
  if (!ct.empty()) {
    OT_CHECK(
        EVP_DecryptUpdate(ctx.get(), U(out.data()), &len, U(ct), static_cast<int>(ct.size())) == 1);
  }
  OT_CHECK(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAeadTagBytes),
                               tag.data()) == 1);
  char final_block[16];
  if (EVP_DecryptFinal_ex(ctx.get(), U(final_block), &len) != 1) {
    return Status(Error::kCorruption, "sealed value failed authentication");
  }
  return out;
}

}  // namespace ot::crypto
