#include "buckets/internal/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

#include "auth/sigv4.h"
#include "common/encoding.h"
#include "common/gzip.h"
#include "crypto/hash.h"

namespace ot::buckets::internal {
namespace {

// Keeps the value of an x-amz-bucket-region response header.
size_t CollectRegionHeader(char* data, size_t size, size_t n, void* user) {
  std::string_view line(data, size * n);
  constexpr std::string_view kName = "x-amz-bucket-region:";
  if (line.size() > kName.size()) {
    std::string name(line.substr(0, kName.size()));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == kName) {
      std::string_view v = line.substr(kName.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) {
        v.remove_suffix(1);
      }
      *static_cast<std::string*>(user) = std::string(v.substr(0, 64));
    }
  }
  return size * n;
}

std::string XmlElement(std::string_view body, std::string_view name) {
  std::string open = "<" + std::string(name) + ">";
  size_t start = body.find(open);
  if (start == std::string_view::npos) return "";
  start += open.size();
  size_t end = body.find("</" + std::string(name) + ">", start);
  if (end == std::string_view::npos || end - start > 128) return "";
  return std::string(body.substr(start, end - start));
}

int AbortWhenCancelled(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

size_t CollectBody(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() < (64u << 10)) out->append(data, size * n);
  return size * n;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Error ErrorForS3Code(std::string_view code, int http_status) {
  if (code == "NoSuchBucket") return Error::kNoSuchBucket;
  if (code == "AccessDenied" || code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" ||
      http_status == 403) {
    return Error::kAccessDenied;
  }
  if (http_status >= 500) return Error::kUnavailable;
  return Error::kValidation;
}

}  // namespace

std::string S3ErrorCode(std::string_view body) { return XmlElement(body, "Code"); }

std::string S3Client::Region() const {
  std::lock_guard lock(mu_);
  return region_;
}

S3Client::S3Client(RemoteBucketConfig config, Clock& clock, const std::atomic<bool>* cancel)
    : config_(std::move(config)), clock_(clock), cancel_(cancel), region_(config_.region) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  size_t sep = config_.endpoint.find("://");
  scheme_ = config_.endpoint.substr(0, sep);
  host_ = config_.endpoint.substr(sep + 3);
  host_ = host_.substr(0, host_.find('/'));
}

S3Attempt S3Client::PutObject(const PutObjectRequest& request,
                              std::chrono::milliseconds timeout) const {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.emplace_back("content-type", std::string(request.content_type));
  // Integrity on the server side too: base64 of the big-endian CRC-32 (protocols.md §5.4, §5.8).
  uint32_t crc = Crc32(request.body);
  const char crc_bytes[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                             static_cast<char>(crc >> 8), static_cast<char>(crc)};
  headers.emplace_back("x-amz-checksum-crc32", Base64Encode(std::string_view(crc_bytes, 4)));
  for (const auto& [k, v] : request.metadata) headers.emplace_back("x-amz-meta-" + Lower(k), v);
  for (const auto& [k, v] : request.headers) headers.emplace_back(Lower(k), v);
  return Send("PUT", request.key, request.body, std::move(headers), timeout);
}

S3Attempt S3Client::HeadBucket(std::chrono::milliseconds timeout) const {
  return Send("HEAD", "", "", {}, timeout);
}

S3Attempt S3Client::Send(std::string_view method, std::string_view key, std::string_view body,
                         std::vector<std::pair<std::string, std::string>> extra,
                         std::chrono::milliseconds timeout) const {
  std::string encoded_key = UriEncode(key, /*keep_slash=*/true);
  std::string host = config_.path_style ? host_ : config_.name + "." + host_;
  std::string path = config_.path_style ? "/" + config_.name : "";
  if (!key.empty() || !config_.path_style) path += "/" + encoded_key;
  std::string url = scheme_ + "://" + host + path;

  // Headers to sign and send, lowercase names.
  std::vector<std::pair<std::string, std::string>> headers;
  headers.emplace_back("host", host);
  headers.emplace_back("x-amz-content-sha256", crypto::Sha256Hex(body));
  for (auto& h : extra) headers.push_back(std::move(h));

  auth::HttpRequestView view;
  const std::string method_text(method);  // outlives `view`, which only refers to it
  view.method = method_text;
  view.raw_path = path;
  for (const auto& [k, v] : headers) view.headers.emplace_back(k, v);
  view.body = body;
  std::string region = Region();
  auth::SignedHeaders signature =
      auth::SignRequest(view, config_.access_key_id, config_.secret_access_key,
                        config_.session_token, region, "s3", clock_.Now());

  CURL* curl = curl_easy_init();
  if (curl == nullptr) return {Status(Error::kInternal, "curl_easy_init failed"), true, 0};
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) {
    if (k == "host") continue;  // curl sends Host from the URL: the same value
    list = curl_slist_append(list, (k + ": " + v).c_str());
  }
  list = curl_slist_append(list, ("x-amz-date: " + signature.amz_date).c_str());
  if (!config_.session_token.empty()) {
    list = curl_slist_append(list, ("x-amz-security-token: " + config_.session_token).c_str());
  }
  list = curl_slist_append(list, ("authorization: " + signature.authorization).c_str());
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Accept:");

  std::string response;
  std::string bucket_region;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method_text.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  if (cancel_ != nullptr) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, AbortWhenCancelled);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel_));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectRegionHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &bucket_region);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<int64_t>(timeout.count(), 10000)));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!config_.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, config_.tls_verify ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, config_.tls_verify ? 2L : 0L);
  CURLcode rc = curl_easy_perform(curl);
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);

  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    return {Status(Error::kUnavailable, "shutting down: " + method_text + " " + url), false, 0};
  }
  if (rc != CURLE_OK) {
    std::string what = rc == CURLE_COULDNT_CONNECT            ? "connection refused"
                       : rc == CURLE_OPERATION_TIMEDOUT       ? "timed out"
                       : rc == CURLE_COULDNT_RESOLVE_HOST     ? "could not resolve host"
                       : rc == CURLE_PEER_FAILED_VERIFICATION ? "TLS certificate not trusted"
                       : rc == CURLE_SSL_CONNECT_ERROR        ? "TLS handshake failed"
                                                              : "transport error";
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    return {Status(Error::kUnavailable, what + ": " + method_text + " " + url + ": " + detail),
            true, 0};
  }
  int status = static_cast<int>(http_status);
  if (status >= 200 && status < 300) return {Status::Ok(), false, status};
  std::string code = S3ErrorCode(response);
  if (code.empty() && method == "HEAD") {  // HEAD answers carry no body
    code = status == 404 ? "NoSuchBucket" : status == 403 ? "AccessDenied" : "";
  }
  if (code.empty()) code = "HTTP " + std::to_string(status);
  if (status == 301 || code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed") {
    std::string right = bucket_region.empty() ? XmlElement(response, "Region") : bucket_region;
    if (!right.empty() && right != region) {
      std::lock_guard lock(mu_);
      region_ = right;
      S3Attempt moved{Status(Error::kValidation, code + ": the bucket is in " + right), true,
                      status};
      moved.region_changed = true;
      return moved;
    }
  }
  bool retryable = status >= 500 || status == 429 || code == "SlowDown" ||
                   code == "RequestTimeout" || code == "InternalError";
  return {Status(ErrorForS3Code(code, status), code + ": " + method_text + " " + url +
                                                   " answered HTTP " + std::to_string(status)),
          retryable, status};
}

}  // namespace ot::buckets::internal
