// Canonical request, string to sign, key derivation and client-side signing (sigv4.md §2).
#include "auth/sigv4.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "auth/internal/request_text.h"
#include "common/encoding.h"
#include "common/time.h"
#include "crypto/hash.h"

namespace ot::auth {
namespace {

using internal::EqualsIgnoreCase;

constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// botocore's `' '.join(value.split())`: trim, and collapse every whitespace run to one space.
void AppendTrimAll(std::string* out, std::string_view value) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) *out += ' ';
    *out += c;
    pending_space = false;
    any = true;
  }
}

// botocore's remove_dot_segments: RFC 3986 §5.2.4 plus dropping empty segments ("//"), which AWS
// services also require. A trailing '/' survives only when a segment remains.
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = std::min(path.find('/', start), path.size());
    std::string_view seg = path.substr(start, slash - start);
    start = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string out = path.starts_with('/') ? "/" : "";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (path.ends_with('/') && !segments.empty()) out += '/';
  return out.empty() ? "/" : out;
}

std::string CanonicalUri(std::string_view raw_path, bool s3) {
  if (raw_path.empty()) return "/";
  // S3 signs the path exactly as sent; everyone else normalises the still-encoded path and
  // encodes it again, so "%2F" becomes "%252F" (AWS "double encoding").
  if (s3) return std::string(raw_path);
  return UriEncode(RemoveDotSegments(raw_path), /*keep_slash=*/true);
}

// Decodes %XX only ('+' stays literal: clients encode a space as %20), re-encodes RFC 3986, and
// sorts by key then value. Empty items ("a=1&&b=2") are skipped, as servers' query parsers do.
std::string CanonicalQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start < raw_query.size()) {
    size_t amp = std::min(raw_query.find('&', start), raw_query.size());
    std::string_view item = raw_query.substr(start, amp - start);
    start = amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view value = eq == item.npos ? std::string_view() : item.substr(eq + 1);
    params.emplace_back(UriEncode(UriDecode(key)), UriEncode(UriDecode(value)));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

Result<std::string> PayloadHash(const HttpRequestView& request, bool s3) {
  auto declared = internal::FirstHeader(request, "x-amz-content-sha256");
  if (!declared) return crypto::Sha256Hex(request.body);
  std::string_view value = internal::TrimSpaces(*declared);
  if (value.size() == 64 && internal::IsHex(value)) {
    std::string lowered(value);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c + 32) : c; });
    if (lowered != crypto::Sha256Hex(request.body)) {
      return Status(s3 ? Error::kXAmzContentSha256Mismatch : Error::kInvalidSignature,
                    "The provided 'x-amz-content-sha256' header does not match what was "
                    "computed.");
    }
    return std::string(value);
  }
  if (s3 && (value == kUnsignedPayload || value == "STREAMING-UNSIGNED-PAYLOAD-TRAILER" ||
             value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" ||
             value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")) {
    return std::string(value);
  }
  return Status(Error::kInvalidSignature, "The provided 'x-amz-content-sha256' header value '" +
                                              internal::Quote(value, 64) + "' is not supported" +
                                              (s3 ? "."
                                                  : " by this service; send the body's hex "
                                                    "SHA-256."));
}

// Everything but the payload-hash line, which the caller has chosen and checked.
Result<std::string> BuildCanonicalRequest(const HttpRequestView& request,
                                          const SigV4Authorization& auth, bool s3,
                                          std::string_view payload_hash) {
  std::string out;
  out.reserve(512 + request.raw_path.size() + request.raw_query.size());
  for (char c : request.method) {
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  out += '\n';
  out += CanonicalUri(request.raw_path, s3);
  out += '\n';
  out += CanonicalQuery(request.raw_query);
  out += '\n';
  for (const std::string& name : auth.signed_headers) {
    out += name;
    out += ':';
    bool found = false;
    for (const auto& [header, value] : request.headers) {
      if (!EqualsIgnoreCase(header, name)) continue;
      if (found) out += ',';
      AppendTrimAll(&out, value);
      found = true;
    }
    if (!found) {
      return Status(Error::kIncompleteSignature,
                    "Header '" + internal::Quote(name, 64) +
                        "' is listed in SignedHeaders but absent from the request.");
    }
    out += '\n';
  }
  out += '\n';
  out += auth.signed_headers_text;
  out += '\n';
  out += payload_hash;
  return out;
}

}  // namespace

Result<std::string> CanonicalRequest(const HttpRequestView& request, const SigV4Authorization& auth,
                                     bool s3) {
  OT_ASSIGN_OR_RETURN(std::string payload_hash, PayloadHash(request, s3));
  return BuildCanonicalRequest(request, auth, s3, payload_hash);
}

std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string key = "AWS4";
  key += secret;
  key = crypto::HmacSha256(key, date);
  key = crypto::HmacSha256(key, region);
  key = crypto::HmacSha256(key, service);
  return crypto::HmacSha256(key, "aws4_request");
}

std::string CachedSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  // The secret is part of the cache key, so a rotated secret can never meet a stale key. Many
  // dates, regions or services from one valid key only refill the cache, cleared when full.
  constexpr size_t kMaxEntries = 4096;
  static auto* mu = new std::mutex;  // never destroyed: safe during static teardown
  static auto* keys = new std::unordered_map<std::string, std::string>;
  std::string id;
  id.reserve(secret.size() + date.size() + region.size() + service.size() + 4);
  for (std::string_view part : {date, region, service, secret}) {
    id += part;
    id += '\0';
  }
  {
    std::lock_guard lock(*mu);
    if (auto it = keys->find(id); it != keys->end()) return it->second;
  }
  std::string derived = DeriveSigningKey(secret, date, region, service);
  std::lock_guard lock(*mu);
  if (keys->size() >= kMaxEntries) keys->clear();
  keys->emplace(std::move(id), derived);
  return derived;
}

std::string Sign(std::string_view secret, std::string_view date, std::string_view region,
                 std::string_view service, std::string_view string_to_sign) {
  return HexEncode(
      crypto::HmacSha256(CachedSigningKey(secret, date, region, service), string_to_sign));
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += crypto::Sha256Hex(canonical_request);
  return out;
}

SignedHeaders SignRequest(const HttpRequestView& request, std::string_view access_key_id,
                          std::string_view secret, std::string_view session_token,
                          std::string_view region, std::string_view service, SysMillis now) {
  SignedHeaders result;
  result.amz_date = FormatAmzDate(now);
  result.content_sha256 = crypto::Sha256Hex(request.body);

  HttpRequestView signed_view = request;
  std::erase_if(signed_view.headers, [](const auto& h) {
    return EqualsIgnoreCase(h.first, "x-amz-date") ||
           EqualsIgnoreCase(h.first, "x-amz-security-token") ||
           EqualsIgnoreCase(h.first, "authorization");
  });
  signed_view.headers.emplace_back("x-amz-date", result.amz_date);
  if (!session_token.empty())
    signed_view.headers.emplace_back("x-amz-security-token", session_token);

  SigV4Authorization auth;
  auth.access_key_id = access_key_id;
  auth.date = result.amz_date.substr(0, 8);
  auth.region = region;
  auth.service = service;
  for (const auto& [name, value] : signed_view.headers) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
    auth.signed_headers.push_back(std::move(lower));
  }
  std::sort(auth.signed_headers.begin(), auth.signed_headers.end());
  auth.signed_headers.erase(std::unique(auth.signed_headers.begin(), auth.signed_headers.end()),
                            auth.signed_headers.end());
  for (const std::string& name : auth.signed_headers) {
    if (!auth.signed_headers_text.empty()) auth.signed_headers_text += ';';
    auth.signed_headers_text += name;
  }

  // A caller-supplied x-amz-content-sha256 is signed as given, even if wrong: the server judges.
  auto declared_hash = internal::FirstHeader(signed_view, "x-amz-content-sha256");
  Result<std::string> canonical = BuildCanonicalRequest(
      signed_view, auth, service == "s3",
      declared_hash ? internal::TrimSpaces(*declared_hash) : result.content_sha256);
  OT_CHECK(canonical.ok());  // every signed header comes from the request itself
  const std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/aws4_request";
  const std::string string_to_sign = StringToSign(result.amz_date, scope, *canonical);
  result.authorization = "AWS4-HMAC-SHA256 Credential=" + auth.access_key_id + "/" + scope +
                         ", SignedHeaders=" + auth.signed_headers_text +
                         ", Signature=" + Sign(secret, auth.date, region, service, string_to_sign);
  return result;
}

}  // namespace ot::auth
