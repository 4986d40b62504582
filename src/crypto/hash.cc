#include "crypto/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "common/encoding.h"
#include "common/status.h"

namespace ot::crypto {

std::string Sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  unsigned char* r = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                          reinterpret_cast<unsigned char*>(out.data()), &len);
  OT_CHECK(r != nullptr);
  out.resize(len);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

// The incremental hashers share one EVP digest context life cycle.
void* NewDigest(const EVP_MD* md) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  OT_CHECK(ctx != nullptr);
  OT_CHECK(EVP_DigestInit_ex(ctx, md, nullptr) == 1);
  return ctx;
}

void UpdateDigest(void* ctx, std::string_view data) {
  OT_CHECK(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx), data.data(), data.size()) == 1);
}

std::string FinishDigest(void* ctx) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  OT_CHECK(EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx),
                              reinterpret_cast<unsigned char*>(out.data()), &len) == 1);
  out.resize(len);
  return out;
}

void FreeDigest(void* ctx) { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx)); }

}  // namespace

Sha256Hasher::Sha256Hasher() : ctx_(NewDigest(EVP_sha256())) {}
Sha256Hasher::~Sha256Hasher() { FreeDigest(ctx_); }
void Sha256Hasher::Update(std::string_view data) { UpdateDigest(ctx_, data); }
std::string Sha256Hasher::Finish() { return FinishDigest(ctx_); }

Md5Hasher::Md5Hasher() : ctx_(NewDigest(EVP_md5())) {}
Md5Hasher::~Md5Hasher() { FreeDigest(ctx_); }
void Md5Hasher::Update(std::string_view data) { UpdateDigest(ctx_, data); }
std::string Md5Hasher::Finish() { return FinishDigest(ctx_); }

std::string Md5Hex(std::string_view data) {
  Md5Hasher h;
  h.Update(data);
  return HexEncode(h.Finish());
}

}  // namespace ot::crypto
