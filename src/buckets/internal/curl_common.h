#pragma once

// What the server's one-shot libcurl transfers (webhook POSTs, SMTP mail) set up the same way.

#include <curl/curl.h>

#include <atomic>
#include <string>

namespace ot::buckets::internal {

// curl_global_init, once per process.
void EnsureCurlInit();
// A set `*cancel` (may be null) abandons the transfer within about a second.
void SetCancel(CURL* curl, const std::atomic<bool>* cancel);
// TLS 1.2 at least; the peer verified against `ca_bundle` (empty = the system store) unless
// `verify` is off.
void SetTlsVerification(CURL* curl, const std::string& ca_bundle, bool verify);
// "connection refused: …", "timed out: …", "TLS certificate not trusted: …", … for a failed
// transfer, with curl's own detail.
std::string DescribeCurlFailure(CURLcode rc, const char* error_buffer);

}  // namespace ot::buckets::internal
