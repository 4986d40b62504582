#include "buckets/internal/curl_common.h"

#include <mutex>

namespace ot::buckets::internal {
namespace {

int AbortWhenCancelled(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

}  // namespace

void EnsureCurlInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void SetCancel(CURL* curl, const std::atomic<bool>* cancel) {
  if (cancel == nullptr) return;
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, AbortWhenCancelled);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));
}

void SetTlsVerification(CURL* curl, const std::string& ca_bundle, bool verify) {
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
}

std::string DescribeCurlFailure(CURLcode rc, const char* error_buffer) {
  std::string what = rc == CURLE_ABORTED_BY_CALLBACK        ? "cancelled"
                     : rc == CURLE_COULDNT_CONNECT          ? "connection refused"
                     : rc == CURLE_OPERATION_TIMEDOUT       ? "timed out"
                     : rc == CURLE_PEER_FAILED_VERIFICATION ? "TLS certificate not trusted"
                     : rc == CURLE_SSL_CONNECT_ERROR        ? "TLS handshake failed"
                     : rc == CURLE_USE_SSL_FAILED           ? "the relay does not offer STARTTLS"
                     : rc == CURLE_LOGIN_DENIED             ? "login denied"
                                                            : "transport error";
  return what + ": " + (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc));
}

}  // namespace ot::buckets::internal
