#include "crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include "common/encoding.h"
#include "common/status.h"

namespace ot::crypto {

namespace {

// OpenSSL 3 looks an algorithm up by name (EVP_MD_fetch) on every one-shot SHA256()/HMAC() call
// and on every init with EVP_sha256(): ~2% of the server's CPU per S3 request (SigV4 checks a
// SHA-256 and an HMAC each). The algorithms are fetched once; each thread keeps its contexts.
const EVP_MD* FetchedSha256() {
  static EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    OT_CHECK(fetched != nullptr);
    return fetched;
  }();
  return md;
}

struct ThreadContexts {
  EVP_MD_CTX* digest = nullptr;
  EVP_MAC_CTX* hmac = nullptr;  // HMAC with SHA-256, keyed per call
  ~ThreadContexts() {
    EVP_MD_CTX_free(digest);
    EVP_MAC_CTX_free(hmac);
  }
};

ThreadContexts& Contexts() {
  thread_local ThreadContexts contexts;
  return contexts;
}

}  // namespace

std::string Sha256(std::string_view data) {
  ThreadContexts& c = Contexts();
  if (c.digest == nullptr) c.digest = EVP_MD_CTX_new();
  OT_CHECK(c.digest != nullptr);
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  unsigned int len = 0;
  OT_CHECK(EVP_DigestInit_ex2(c.digest, FetchedSha256(), nullptr) == 1 &&
           EVP_DigestUpdate(c.digest, data.data(), data.size()) == 1 &&
           EVP_DigestFinal_ex(c.digest, reinterpret_cast<unsigned char*>(out.data()), &len) == 1);
  return out;
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  ThreadContexts& c = Contexts();
  if (c.hmac == nullptr) {
    static EVP_MAC* mac = [] {
      EVP_MAC* fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      OT_CHECK(fetched != nullptr);
      return fetched;
    }();
    c.hmac = EVP_MAC_CTX_new(mac);
    OT_CHECK(c.hmac != nullptr);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    OT_CHECK(EVP_MAC_CTX_set_params(c.hmac, params) == 1);
  }
  // An empty key still needs a non-null pointer: a null one means "keep the previous key".
  static const unsigned char kNoKey = 0;
  const auto* k = key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  size_t len = 0;
  OT_CHECK(
      EVP_MAC_init(c.hmac, k, key.size(), nullptr) == 1 &&
      EVP_MAC_update(c.hmac, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ==
          1 &&
      EVP_MAC_final(c.hmac, reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) == 1);
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

Sha256Hasher::Sha256Hasher() : ctx_(NewDigest(FetchedSha256())) {}
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
