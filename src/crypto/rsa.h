#pragma once

// RSA-2048 key pairs for digest signing (digest.md §3, §5): SHA256withRSA (RSASSA-PKCS1-v1_5 with
// SHA-256) signatures, public keys as DER PKCS#1 RSAPublicKey and their MD5 fingerprints.

#include <string>
#include <string_view>

#include "common/status.h"

namespace ot::crypto {

// An RSA key pair as bytes: the private key in DER PKCS#8 (PrivateKeyInfo), the public key in
// DER PKCS#1 (RSAPublicKey = SEQUENCE{modulus, publicExponent}, not SubjectPublicKeyInfo).
struct RsaKeyPair {
  std::string private_pkcs8_der;
  std::string public_pkcs1_der;
};

// A fresh key pair of `bits` bits with exponent 65537, from OpenSSL's CSPRNG. Slow (~100 ms for
// 2048 bits). kInternal only if OpenSSL fails.
Result<RsaKeyPair> GenerateRsaKeyPair(int bits = 2048);

// The DER PKCS#1 public key of a DER PKCS#8 private key. kValidation when it does not parse or
// is not RSA.
Result<std::string> RsaPublicKeyOf(std::string_view private_pkcs8_der);

// RSASSA-PKCS1-v1_5 / SHA-256 over `message`: the raw signature (key size in bytes).
// kValidation when the key does not parse.
Result<std::string> RsaSignSha256(std::string_view private_pkcs8_der, std::string_view message);

// Whether `signature` is a valid SHA256withRSA signature of `message` under the DER PKCS#1
// public key. False also when the key does not parse.
bool RsaVerifySha256(std::string_view public_pkcs1_der, std::string_view message,
                     std::string_view signature);

// Whether `public_pkcs1_der` is exactly one DER PKCS#1 RSAPublicKey.
bool RsaPublicKeyParses(std::string_view public_pkcs1_der);

// PEM "-----BEGIN RSA PUBLIC KEY-----" of a DER PKCS#1 public key (for the openssl command).
std::string RsaPublicKeyPem(std::string_view public_pkcs1_der);

std::string Md5(std::string_view data);  // 16 raw bytes
// CloudTrail's key fingerprint: lowercase hex MD5 of the DER PKCS#1 public key.
std::string PublicKeyFingerprint(std::string_view public_pkcs1_der);

}  // namespace ot::crypto
