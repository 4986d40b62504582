#pragma once

// X.509 certificates for `serve --tls-self-signed`: a private CA and server certificates it
// issues, all with ECDSA P-256 keys, in PEM.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ot::crypto {

struct PemCertificate {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8 "-----BEGIN PRIVATE KEY-----"
};

// A self-signed CA certificate (basicConstraints CA:TRUE, keyCertSign) named `common_name`,
// valid from an hour before `now` for `days` days. kInternal only if OpenSSL fails.
Result<PemCertificate> MakeCaCertificate(std::string_view common_name,
                                         std::chrono::system_clock::time_point now, int days);

// A TLS server certificate (serverAuth) for the given DNS names and IP addresses (the subject
// alternative names clients check), issued by `ca`. kValidation when `ca` does not parse or an
// address is not an IP address.
Result<PemCertificate> IssueServerCertificate(const PemCertificate& ca,
                                              const std::vector<std::string>& dns_names,
                                              const std::vector<std::string>& ip_addresses,
                                              std::chrono::system_clock::time_point now, int days);

// Whether the certificate names `host` (an IP address or a DNS name) among its subject
// alternative names, was issued by `ca_cert_pem`, and stays valid until at least `until`.
// kValidation when either certificate does not parse.
Result<bool> CertificateServes(std::string_view cert_pem, std::string_view ca_cert_pem,
                               std::string_view host, std::chrono::system_clock::time_point until);

// Whether `key_pem` is the private key of the certificate's public key (false if either does
// not parse).
bool KeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem);

// Lowercase hex SHA-256 of the certificate's DER encoding (what browsers show as fingerprint).
Result<std::string> CertificateFingerprint(std::string_view cert_pem);

}  // namespace ot::crypto
