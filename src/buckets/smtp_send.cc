#include "buckets/smtp_send.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "buckets/internal/curl_common.h"

namespace ot::buckets {
namespace {

struct Upload {
  std::string_view rest;
};

size_t ReadMessage(char* buffer, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t take = std::min(size * n, up->rest.size());
  std::memcpy(buffer, up->rest.data(), take);
  up->rest.remove_prefix(take);
  return take;
}

}  // namespace

SmtpResult SmtpSend(const SmtpOptions& options, const std::string& recipient,
                    const std::string& message, std::chrono::milliseconds timeout,
                    const std::atomic<bool>* cancel) {
  internal::EnsureCurlInit();
  if (options.relay.empty()) return {0, "no SMTP relay is configured"};
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return {0, "curl_easy_init failed"};
  const std::string from = "<" + options.from + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + recipient + ">").c_str());
  Upload upload{message};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, options.relay.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   static_cast<long>(options.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  internal::SetTlsVerification(curl, options.ca_bundle, options.tls_verify);
  internal::SetCancel(curl, cancel);
  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return {static_cast<int>(code), internal::DescribeCurlFailure(rc, error_buffer)};
  }
  return {static_cast<int>(code), ""};
}

}  // namespace ot::buckets
