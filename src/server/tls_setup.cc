#include "server/tls_setup.h"

#include <arpa/inet.h>

#include <vector>

#include "common/log.h"
#include "crypto/x509.h"

namespace ot::server {
namespace {

constexpr int kCaDays = 3650;
constexpr int kServerDays = 397;  // what browsers accept for a leaf certificate
constexpr auto kRenewBefore = std::chrono::hours(24 * 30);

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool IsWildcardHost(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::";
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  unsigned char v4[4];
  return inet_pton(AF_INET, host.c_str(), v4) == 1 && v4[0] == 127;
}

Result<SelfSignedTls> EnsureSelfSignedTls(const std::string& data_dir,
                                          const std::string& listen_host, Env& env) {
  std::string dir = data_dir + "/tls";
  OT_RETURN_IF_ERROR(env.fs.CreateDirs(dir));
  SelfSignedTls out{dir + "/ca.pem", dir + "/server.pem", dir + "/server.key", false};
  std::string ca_key_file = dir + "/ca.key";
  auto now = std::chrono::system_clock::time_point(env.clock.Now().time_since_epoch());

  crypto::PemCertificate ca;
  auto ca_cert = env.fs.ReadFile(out.ca_file);
  auto ca_key = env.fs.ReadFile(ca_key_file);
  if (ca_cert.ok() && ca_key.ok()) {
    ca = {*ca_cert, *ca_key};
  } else {
    OT_ASSIGN_OR_RETURN(ca, crypto::MakeCaCertificate("OpenTrail local CA", now, kCaDays));
    OT_RETURN_IF_ERROR(env.fs.WriteFileAtomic(ca_key_file, ca.key_pem, 0600));
    OT_RETURN_IF_ERROR(env.fs.WriteFileAtomic(out.ca_file, ca.cert_pem, 0644));
    Log(LogLevel::kInfo, "tls: made a new local CA " + out.ca_file);
  }

  std::vector<std::string> dns = {"localhost"};
  std::vector<std::string> ips = {"127.0.0.1", "::1"};
  if (!IsWildcardHost(listen_host) && listen_host != "localhost" && listen_host != "127.0.0.1" &&
      listen_host != "::1") {
    (IsIpAddress(listen_host) ? ips : dns).push_back(listen_host);
  }

  auto cert = env.fs.ReadFile(out.cert_file);
  auto key = env.fs.ReadFile(out.key_file);
  bool reuse = cert.ok() && key.ok() && crypto::KeyMatchesCertificate(*cert, *key);
  if (reuse) {
    std::vector<std::string> hosts = dns;
    hosts.insert(hosts.end(), ips.begin(), ips.end());
    for (const auto& host : hosts) {
      auto serves = crypto::CertificateServes(*cert, ca.cert_pem, host, now + kRenewBefore);
      if (!serves.ok() || !*serves) {
        reuse = false;
        break;
      }
    }
  }
  if (reuse) return out;
  OT_ASSIGN_OR_RETURN(auto issued, crypto::IssueServerCertificate(ca, dns, ips, now, kServerDays));
  OT_RETURN_IF_ERROR(env.fs.WriteFileAtomic(out.key_file, issued.key_pem, 0600));
  OT_RETURN_IF_ERROR(env.fs.WriteFileAtomic(out.cert_file, issued.cert_pem, 0644));
  out.issued = true;
  Log(LogLevel::kInfo, "tls: issued a server certificate " + out.cert_file);
  return out;
}

}  // namespace ot::server
