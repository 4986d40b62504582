#include "crypto/rsa.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "common/encoding.h"

namespace ot::crypto {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Pkey LoadPrivate(std::string_view der) {
  const unsigned char* p = U(der);
  Pkey key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
  if (key && EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) key.reset();
  return key;
}

// The PKCS#1 RSAPublicKey: i2d_PublicKey writes exactly that form for an RSA key (i2d_PUBKEY
// would write SubjectPublicKeyInfo, which CLI v1 rejects).
std::string PublicDer(EVP_PKEY* key) {
  int len = i2d_PublicKey(key, nullptr);
  OT_CHECK(len > 0);
  std::string out(static_cast<size_t>(len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(out.data());
  OT_CHECK(i2d_PublicKey(key, &p) == len);
  return out;
}

}  // namespace

Result<RsaKeyPair> GenerateRsaKeyPair(int bits) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1) {
    return Status(Error::kInternal, "RSA key generation could not start");
  }
  // 65537 is OpenSSL's default public exponent.
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return Status(Error::kInternal, "RSA key generation failed");
  }
  Pkey key(raw);
  RsaKeyPair pair;
  // PKCS#8 (PrivateKeyInfo), not i2d_PrivateKey's PKCS#1 RSAPrivateKey: self-describing.
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key.get());
  if (info == nullptr) return Status(Error::kInternal, "RSA key serialisation failed");
  int len = i2d_PKCS8_PRIV_KEY_INFO(info, nullptr);
  OT_CHECK(len > 0);
  pair.private_pkcs8_der.resize(static_cast<size_t>(len));
  unsigned char* p = reinterpret_cast<unsigned char*>(pair.private_pkcs8_der.data());
  i2d_PKCS8_PRIV_KEY_INFO(info, &p);
  PKCS8_PRIV_KEY_INFO_free(info);
  pair.public_pkcs1_der = PublicDer(key.get());
  return pair;
}

Result<std::string> RsaPublicKeyOf(std::string_view private_pkcs8_der) {
  Pkey key = LoadPrivate(private_pkcs8_der);
  if (!key) return Status(Error::kValidation, "not an RSA private key");
  return PublicDer(key.get());
}

Result<std::string> RsaSignSha256(std::string_view private_pkcs8_der, std::string_view message) {
  Pkey key = LoadPrivate(private_pkcs8_der);
  if (!key) return Status(Error::kValidation, "not an RSA private key");
  MdCtx ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, U(message), message.size()) != 1) {
    return Status(Error::kInternal, "RSA signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, U(message),
                     message.size()) != 1) {
    return Status(Error::kInternal, "RSA signing failed");
  }
  sig.resize(len);
  return sig;
}

bool RsaVerifySha256(std::string_view public_pkcs1_der, std::string_view message,
                     std::string_view signature) {
  const unsigned char* p = U(public_pkcs1_der);
  Pkey key(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(public_pkcs1_der.size())));
  if (!key || p != U(public_pkcs1_der) + public_pkcs1_der.size()) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), U(signature), signature.size(), U(message), message.size()) ==
         1;
}

bool RsaPublicKeyParses(std::string_view public_pkcs1_der) {
  const unsigned char* p = U(public_pkcs1_der);
  Pkey key(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(public_pkcs1_der.size())));
  return key && p == U(public_pkcs1_der) + public_pkcs1_der.size();
}

std::string RsaPublicKeyPem(std::string_view public_pkcs1_der) {
  std::string b64 = Base64Encode(public_pkcs1_der);
  std::string out = "-----BEGIN RSA PUBLIC KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  out += "-----END RSA PUBLIC KEY-----\n";
  return out;
}

std::string Md5(std::string_view data) {
  std::string out(16, '\0');
  unsigned int len = 0;
  OT_CHECK(EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                      EVP_md5(), nullptr) == 1);
  return out;
}

std::string PublicKeyFingerprint(std::string_view public_pkcs1_der) {
  return HexEncode(Md5(public_pkcs1_der));
}

}  // namespace ot::crypto
