#pragma once

// RSA-2048 key pairs for digest signing (digest.md §3, §5): SHA256withRSA (RSASSA-PKCS1-v1_5 with
// SHA-256) signatures, public keys as DER PKCS#1 RSAPublicKey and their MD5 fingerprints.

#include <chrono>
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

// RSASSA-PKCS1-v1_5 / SHA-1 ("SHA1withRSA", SNS SignatureVersion 1, sns.md §6) over `message`.
// kValidation when the key does not parse.
Result<std::string> RsaSignSha1(std::string_view private_pkcs8_der, std::string_view message);
// Whether `signature` is a valid SHA1withRSA signature of `message` under the DER PKCS#1 key.
bool RsaVerifySha1(std::string_view public_pkcs1_der, std::string_view message,
                   std::string_view signature);

// The DER PKCS#8 form of a PEM RSA private key ("BEGIN PRIVATE KEY" or "BEGIN RSA PRIVATE
// KEY"). kValidation when it does not parse or is not RSA.
Result<std::string> RsaPrivateKeyFromPem(std::string_view pem);

// A self-signed X.509 certificate (PEM) for the RSA key, subject CN `common_name`, signed with
// SHA-256, valid from an hour before `now` for `days` days: what SNS subscribers fetch from
// SigningCertURL to verify message signatures. kValidation when the key does not parse.
Result<std::string> MakeRsaSelfSignedCertificate(std::string_view private_pkcs8_der,
                                                 std::string_view common_name,
                                                 std::chrono::system_clock::time_point now,
                                                 int days);
// The DER PKCS#1 public key of a PEM certificate with an RSA key. kValidation otherwise.
Result<std::string> RsaPublicKeyOfCertificate(std::string_view cert_pem);

// Whether `public_pkcs1_der` is exactly one DER PKCS#1 RSAPublicKey.
bool RsaPublicKeyParses(std::string_view public_pkcs1_der);

// PEM "-----BEGIN RSA PUBLIC KEY-----" of a DER PKCS#1 public key (for the openssl command).
std::string RsaPublicKeyPem(std::string_view public_pkcs1_der);

std::string Md5(std::string_view data);  // 16 raw bytes
// CloudTrail's key fingerprint: lowercase hex MD5 of the DER PKCS#1 public key.
std::string PublicKeyFingerprint(std::string_view public_pkcs1_der);

}  // namespace ot::crypto
