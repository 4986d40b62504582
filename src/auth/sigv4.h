#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace ot::auth {

// The parts of an HTTP request that SigV4 covers, as received (nothing decoded).
// Views only: the caller keeps the underlying bytes alive while a function uses the view.
struct HttpRequestView {
  std::string_view method;                                             // "POST"
  std::string_view raw_path;                                           // "/", still percent-encoded
  std::string_view raw_query;                                          // without '?', may be empty
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // arrival order, any case
  std::string_view body;
};

// The parsed Authorization header.
struct SigV4Authorization {
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // as listed: lowercase, sorted, unique, has "host"
  std::string signed_headers_text;          // exactly as received
  std::string signature;                    // 64 lowercase hex (uppercase input is lowered)
};

// Parses "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…" (components in any order,
// ',' separated, optional spaces). Fails with kIncompleteSignature naming what is missing or
// malformed. Total on any input: never crashes, messages quote at most 256 sanitised bytes.
Result<SigV4Authorization> ParseAuthorization(std::string_view header);

// The canonical request (sigv4.md §2 step 5). `s3` selects S3's rules: the URI is used verbatim
// and x-amz-content-sha256 may be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER or
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] (signed as literals; the aws-chunked body is
// checked by DecodeAwsChunked). Errors:
//   kIncompleteSignature        a header named in SignedHeaders is absent from the request;
//   kXAmzContentSha256Mismatch  (S3) x-amz-content-sha256 is a digest that does not match the body;
//   kInvalidSignature           such a mismatch outside S3, or a value we do not accept
//                               (UNSIGNED-PAYLOAD or STREAMING-* outside S3, SigV4a's).
Result<std::string> CanonicalRequest(const HttpRequestView& request, const SigV4Authorization& auth,
                                     bool s3);

// The 32-byte SigV4 signing key: HMAC chain "AWS4"+secret → date → region → service →
// "aws4_request" (sigv4.md §2 step 7). Uncached.
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);
// The same through a process-wide cache, for signing and verifying: a key serves a whole day of
// requests, and deriving it costs four HMACs. Thread-safe.
std::string CachedSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);

// Hex HMAC-SHA256 signature of `string_to_sign` with the key derived from `secret`.
std::string Sign(std::string_view secret, std::string_view date, std::string_view region,
                 std::string_view service, std::string_view string_to_sign);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of canonical_request>", where `scope` is
// "<YYYYMMDD>/<region>/<service>/aws4_request".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

struct SignedHeaders {
  std::string authorization;   // value of the Authorization header to send
  std::string amz_date;        // value of the X-Amz-Date header to send
  std::string content_sha256;  // hex SHA-256 of the body
};

// Client side: signs a request the way botocore does. `request.headers` must hold every header
// to be signed (host, content-type, x-amz-target, …); all of them are signed (names lowercased
// and sorted) plus x-amz-date, which is added, and, when `session_token` is non-empty,
// x-amz-security-token. The caller must then send X-Amz-Date (= amz_date) and, with a session
// token, X-Amz-Security-Token (= session_token) alongside the returned Authorization. Any
// x-amz-date, x-amz-security-token or authorization already in `request.headers` is ignored.
// An x-amz-content-sha256 header, if given, is signed as the payload hash verbatim (S3 clients
// send it; UNSIGNED-PAYLOAD skips body signing there). `service == "s3"` selects S3's URI rule.
// Never fails.
SignedHeaders SignRequest(const HttpRequestView& request, std::string_view access_key_id,
                          std::string_view secret, std::string_view session_token,
                          std::string_view region, std::string_view service, SysMillis now);

}  // namespace ot::auth
