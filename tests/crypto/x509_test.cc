// Tests src/crypto/x509.cc: the local CA and the server certificates it issues.

#include "crypto/x509.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/matchers.h"

namespace ot::crypto {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using Time = std::chrono::system_clock::time_point;

const Time kNow = Time(std::chrono::seconds(1795000000));  // 2026-11-18
constexpr auto kDay = std::chrono::hours(24);

class X509Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = MakeCaCertificate("test CA", kNow, 3650);
    ASSERT_THAT(ca, IsOk());
    ca_ = *ca;
    auto server = IssueServerCertificate(ca_, {"localhost", "trail.example.internal"},
                                         {"127.0.0.1", "::1"}, kNow, 30);
    ASSERT_THAT(server, IsOk());
    server_ = *server;
  }

  // CertificateServes, which must not fail on these well-formed certificates.
  static bool Serves(std::string_view cert, std::string_view ca, std::string_view host,
                     Time until) {
    auto serves = CertificateServes(cert, ca, host, until);
    EXPECT_THAT(serves, IsOk());
    return serves.ok() && *serves;
  }

  PemCertificate ca_;
  PemCertificate server_;
};

TEST_F(X509Test, CertificatesAndKeysArePem) {
  EXPECT_THAT(ca_.cert_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_THAT(ca_.key_pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  EXPECT_THAT(server_.cert_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_THAT(server_.key_pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
}

TEST_F(X509Test, ServerCertificateServesEveryNameItWasIssuedFor) {
  for (const char* host : {"localhost", "trail.example.internal", "127.0.0.1", "::1"}) {
    EXPECT_EQ(Serves(server_.cert_pem, ca_.cert_pem, host, kNow), true) << host;
  }
}

TEST_F(X509Test, ServerCertificateDoesNotServeOtherNames) {
  for (const char* host : {"example.com", "10.0.0.1", "127.0.0.2", "local"}) {
    EXPECT_EQ(Serves(server_.cert_pem, ca_.cert_pem, host, kNow), false) << host;
  }
}

TEST_F(X509Test, ServerCertificateExpiresAfterItsDays) {
  EXPECT_EQ(Serves(server_.cert_pem, ca_.cert_pem, "localhost", kNow + 29 * kDay), true);
  EXPECT_EQ(Serves(server_.cert_pem, ca_.cert_pem, "localhost", kNow + 31 * kDay), false);
}

TEST_F(X509Test, CertificateOfAnotherCaIsNotServed) {
  auto other = MakeCaCertificate("other CA", kNow, 10);
  ASSERT_THAT(other, IsOk());

  EXPECT_EQ(Serves(server_.cert_pem, other->cert_pem, "localhost", kNow), false);
}

TEST_F(X509Test, KeyMatchesOnlyItsOwnCertificate) {
  EXPECT_TRUE(KeyMatchesCertificate(server_.cert_pem, server_.key_pem));
  EXPECT_TRUE(KeyMatchesCertificate(ca_.cert_pem, ca_.key_pem));
  EXPECT_FALSE(KeyMatchesCertificate(server_.cert_pem, ca_.key_pem));
  EXPECT_FALSE(KeyMatchesCertificate(server_.cert_pem, "garbage"));
}

TEST_F(X509Test, FingerprintIsHexSha256AndDiffersPerCertificate) {
  auto a = CertificateFingerprint(server_.cert_pem);
  auto b = CertificateFingerprint(ca_.cert_pem);

  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_THAT(*a, MatchesRegex("[0-9a-f]{64}"));
  EXPECT_NE(*a, *b);
}

TEST_F(X509Test, BadInputsAreValidationErrors) {
  auto bad_ip = IssueServerCertificate(ca_, {}, {"not-an-ip"}, kNow, 1);
  EXPECT_THAT(bad_ip, HasError(Error::kValidation));
  EXPECT_THAT(bad_ip.status().message(), HasSubstr("'not-an-ip' is not an IP address"));
  auto no_name = IssueServerCertificate(ca_, {}, {}, kNow, 1);
  EXPECT_THAT(no_name, HasError(Error::kValidation));
  EXPECT_THAT(no_name.status().message(), HasSubstr("needs a name"));
  EXPECT_THAT(IssueServerCertificate({"junk", "junk"}, {"localhost"}, {}, kNow, 1),
              HasError(Error::kValidation));
  EXPECT_THAT(CertificateServes("junk", ca_.cert_pem, "localhost", kNow),
              HasError(Error::kValidation));
  EXPECT_THAT(CertificateFingerprint("junk"), HasError(Error::kValidation));
}

}  // namespace
}  // namespace ot::crypto
