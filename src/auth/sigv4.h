#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace ot::auth {

// The parts of an HTTP request that SigV4 covers, as received (nothing decoded).
struct HttpRequestView {
  std::string_view method;     // "POST"
  std::string_view raw_path;   // "/", still percent-encoded
  std::string_view raw_query;  // without '?', may be empty
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // arrival order, any case
  std::string_view body;
};

// The parsed Authorization header.
struct SigV4Authorization {
  std::string access_key_id;
  std::string date;     // YYYYMMDD
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // as listed
  std::string signed_headers_text;          // exactly as received
  std::string signature;                    // 64 lowercase hex
};

// Parses "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…".
// Fails with kIncompleteSignature naming what is missing or malformed.
Result<SigV4Authorization> ParseAuthorization(std::string_view header);

// The canonical request (sigv4.md §2 step 5). `s3` selects S3's URI rule (no normalisation,
// no second encoding). Fails with kIncompleteSignature when a signed header is absent.
Result<std::string> CanonicalRequest(const HttpRequestView& request,
                                     const SigV4Authorization& auth, bool s3);

// Hex HMAC-SHA256 signature of `string_to_sign` with the key derived from `secret`.
std::string Sign(std::string_view secret, std::string_view date, std::string_view region,
                 std::string_view service, std::string_view string_to_sign);

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

struct SignedHeaders {
  std::string authorization;
  std::string amz_date;
  std::string content_sha256;  // hex SHA-256 of the body
};

// Client side: signs a request the way botocore does. `request.headers` must hold every header
// to be signed (host, content-type, x-amz-target, …) except x-amz-date, which is added.
SignedHeaders SignRequest(const HttpRequestView& request, std::string_view access_key_id,
                          std::string_view secret, std::string_view session_token,
                          std::string_view region, std::string_view service, SysMillis now);

}  // namespace ot::auth
