#include "crypto/x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include "crypto/hash.h"

namespace ot::crypto {
namespace {

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(ASN1_OCTET_STRING* p) const { ASN1_OCTET_STRING_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

Status OpenSslError(std::string_view what) {
  return Status(Error::kInternal, std::string(what) + " failed in OpenSSL");
}

Owned<BIO> ReadBio(std::string_view pem) {
  return Owned<BIO>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::string Drain(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<Owned<X509>> ParseCert(std::string_view pem) {
  auto bio = ReadBio(pem);
  Owned<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Status(Error::kValidation, "not a PEM certificate");
  return cert;
}

Result<Owned<EVP_PKEY>> ParseKey(std::string_view pem) {
  auto bio = ReadBio(pem);
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Status(Error::kValidation, "not a PEM private key");
  return key;
}

Result<Owned<EVP_PKEY>> NewP256Key() {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("EC key generation");
  return key;
}

// A new certificate with a random positive 127-bit serial, the validity window and subject CN.
Result<Owned<X509>> NewCert(EVP_PKEY* key, std::string_view common_name,
                            std::chrono::system_clock::time_point now, int days) {
  Owned<X509> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return OpenSslError("X509_new");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return OpenSslError("RAND_bytes");
  serial[0] &= 0x7F;
  Owned<BIGNUM> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) {
    return OpenSslError("serial number");
  }
  time_t start = std::chrono::system_clock::to_time_t(now - std::chrono::hours(1));
  time_t end = std::chrono::system_clock::to_time_t(now + std::chrono::hours(24) * days);
  if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), start) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), end)) {
    return OpenSslError("validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("OpenTrail"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1) {
    return OpenSslError("subject name");
  }
  if (X509_set_pubkey(cert.get(), key) != 1) return OpenSslError("X509_set_pubkey");
  return cert;
}

Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Status(Error::kValidation, "bad certificate extension '" + value + "'");
  }
  return Status::Ok();
}

Result<PemCertificate> ToPem(X509* cert, EVP_PKEY* key) {
  Owned<BIO> cert_bio(BIO_new(BIO_s_mem()));
  Owned<BIO> key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("PEM encoding");
  }
  return PemCertificate{Drain(cert_bio.get()), Drain(key_bio.get())};
}

}  // namespace

Result<PemCertificate> MakeCaCertificate(std::string_view common_name,
                                         std::chrono::system_clock::time_point now, int days) {
  OT_ASSIGN_OR_RETURN(auto key, NewP256Key());
  OT_ASSIGN_OR_RETURN(auto cert, NewCert(key.get(), common_name, now, days));
  X509* c = cert.get();
  if (X509_set_issuer_name(c, X509_get_subject_name(c)) != 1) return OpenSslError("issuer");
  OT_RETURN_IF_ERROR(AddExtension(c, c, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  OT_RETURN_IF_ERROR(AddExtension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign"));
  OT_RETURN_IF_ERROR(AddExtension(c, c, NID_subject_key_identifier, "hash"));
  OT_RETURN_IF_ERROR(AddExtension(c, c, NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(c, key.get(), EVP_sha256()) == 0) return OpenSslError("X509_sign");
  return ToPem(c, key.get());
}

Result<PemCertificate> IssueServerCertificate(const PemCertificate& ca,
                                              const std::vector<std::string>& dns_names,
                                              const std::vector<std::string>& ip_addresses,
                                              std::chrono::system_clock::time_point now, int days) {
  OT_ASSIGN_OR_RETURN(auto ca_cert, ParseCert(ca.cert_pem));
  OT_ASSIGN_OR_RETURN(auto ca_key, ParseKey(ca.key_pem));
  std::string san;
  for (const auto& name : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + name;
  for (const auto& ip : ip_addresses) {
    Owned<ASN1_OCTET_STRING> parsed(a2i_IPADDRESS(ip.c_str()));
    if (!parsed) return Status(Error::kValidation, "'" + ip + "' is not an IP address");
    san += (san.empty() ? "IP:" : ",IP:") + ip;
  }
  if (san.empty()) return Status(Error::kValidation, "a server certificate needs a name");
  OT_ASSIGN_OR_RETURN(auto key, NewP256Key());
  std::string cn = !dns_names.empty() ? dns_names.front() : ip_addresses.front();
  OT_ASSIGN_OR_RETURN(auto cert, NewCert(key.get(), cn, now, days));
  X509* c = cert.get();
  if (X509_set_issuer_name(c, X509_get_subject_name(ca_cert.get())) != 1) {
    return OpenSslError("issuer");
  }
  OT_RETURN_IF_ERROR(AddExtension(c, ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  OT_RETURN_IF_ERROR(
      AddExtension(c, ca_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment"));
  OT_RETURN_IF_ERROR(AddExtension(c, ca_cert.get(), NID_ext_key_usage, "serverAuth"));
  OT_RETURN_IF_ERROR(AddExtension(c, ca_cert.get(), NID_subject_alt_name, san));
  OT_RETURN_IF_ERROR(AddExtension(c, ca_cert.get(), NID_subject_key_identifier, "hash"));
  OT_RETURN_IF_ERROR(AddExtension(c, ca_cert.get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(c, ca_key.get(), EVP_sha256()) == 0) return OpenSslError("X509_sign");
  return ToPem(c, key.get());
}

Result<bool> CertificateServes(std::string_view cert_pem, std::string_view ca_cert_pem,
                               std::string_view host, std::chrono::system_clock::time_point until) {
  OT_ASSIGN_OR_RETURN(auto cert, ParseCert(cert_pem));
  OT_ASSIGN_OR_RETURN(auto ca, ParseCert(ca_cert_pem));
  Owned<EVP_PKEY> ca_key(X509_get_pubkey(ca.get()));
  if (!ca_key || X509_verify(cert.get(), ca_key.get()) != 1) return false;
  time_t t = std::chrono::system_clock::to_time_t(until);
  if (X509_cmp_time(X509_get0_notAfter(cert.get()), &t) <= 0) return false;
  std::string h(host);
  Owned<ASN1_OCTET_STRING> ip(a2i_IPADDRESS(h.c_str()));
  if (ip) return X509_check_ip_asc(cert.get(), h.c_str(), 0) == 1;
  return X509_check_host(cert.get(), h.data(), h.size(), 0, nullptr) == 1;
}

bool KeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem) {
  auto cert = ParseCert(cert_pem);
  auto key = ParseKey(key_pem);
  return cert.ok() && key.ok() && X509_check_private_key(cert->get(), key->get()) == 1;
}

Result<std::string> CertificateFingerprint(std::string_view cert_pem) {
  OT_ASSIGN_OR_RETURN(auto cert, ParseCert(cert_pem));
  unsigned char* der = nullptr;
  int n = i2d_X509(cert.get(), &der);
  if (n <= 0) return OpenSslError("i2d_X509");
  std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return Sha256Hex(bytes);
}

}  // namespace ot::crypto
