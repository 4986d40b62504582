#include "crypto/rsa.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
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

namespace {

Result<std::string> Sign(const EVP_MD* md, std::string_view private_pkcs8_der,
                         std::string_view message) {
  Pkey key = LoadPrivate(private_pkcs8_der);
  if (!key) return Status(Error::kValidation, "not an RSA private key");
  MdCtx ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1 ||
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

bool Verify(const EVP_MD* md, std::string_view public_pkcs1_der, std::string_view message,
            std::string_view signature) {
  const unsigned char* p = U(public_pkcs1_der);
  Pkey key(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(public_pkcs1_der.size())));
  if (!key || p != U(public_pkcs1_der) + public_pkcs1_der.size()) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), U(signature), signature.size(), U(message), message.size()) ==
         1;
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

}  // namespace

Result<std::string> RsaSignSha256(std::string_view private_pkcs8_der, std::string_view message) {
  return Sign(EVP_sha256(), private_pkcs8_der, message);
}

bool RsaVerifySha256(std::string_view public_pkcs1_der, std::string_view message,
                     std::string_view signature) {
  return Verify(EVP_sha256(), public_pkcs1_der, message, signature);
}

Result<std::string> RsaSignSha1(std::string_view private_pkcs8_der, std::string_view message) {
  return Sign(EVP_sha1(), private_pkcs8_der, message);
}

bool RsaVerifySha1(std::string_view public_pkcs1_der, std::string_view message,
                   std::string_view signature) {
  return Verify(EVP_sha1(), public_pkcs1_der, message, signature);
}

Result<std::string> RsaPrivateKeyFromPem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return Status(Error::kValidation, "not a PEM RSA private key");
  }
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key.get());
  if (info == nullptr) return Status(Error::kInternal, "RSA key serialisation failed");
  int len = i2d_PKCS8_PRIV_KEY_INFO(info, nullptr);
  std::string der(static_cast<size_t>(std::max(len, 0)), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  if (len <= 0 || i2d_PKCS8_PRIV_KEY_INFO(info, &p) != len) der.clear();
  PKCS8_PRIV_KEY_INFO_free(info);
  if (der.empty()) return Status(Error::kInternal, "RSA key serialisation failed");
  return der;
}

Result<std::string> MakeRsaSelfSignedCertificate(std::string_view private_pkcs8_der,
                                                 std::string_view common_name,
                                                 std::chrono::system_clock::time_point now,
                                                 int days) {
  Pkey key = LoadPrivate(private_pkcs8_der);
  if (!key) return Status(Error::kValidation, "not an RSA private key");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) {
    return Status(Error::kInternal, "X509_new failed");
  }
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Status(Error::kInternal, "RAND_bytes failed");
  serial[0] &= 0x7F;
  std::unique_ptr<BIGNUM, BnFree> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) {
    return Status(Error::kInternal, "certificate serial number failed");
  }
  time_t start = std::chrono::system_clock::to_time_t(now - std::chrono::hours(1));
  time_t end = std::chrono::system_clock::to_time_t(now + std::chrono::hours(24) * days);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), start) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), end) ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, U(common_name),
                                 static_cast<int>(common_name.size()), -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1 ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    return Status(Error::kInternal, "certificate signing failed");
  }
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), cert.get()) != 1) {
    return Status(Error::kInternal, "certificate PEM encoding failed");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<std::string> RsaPublicKeyOfCertificate(std::string_view cert_pem) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  std::unique_ptr<X509, X509Free> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)
                                           : nullptr);
  if (!cert) return Status(Error::kValidation, "not a PEM certificate");
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    return Status(Error::kValidation, "the certificate's key is not RSA");
  }
  return PublicDer(key);
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
