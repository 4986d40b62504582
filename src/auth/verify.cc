// VerifyRequest: server-side SigV4 verification (sigv4.md §2) with a signing-key cache.
#include <algorithm>
#include <array>

#include "auth/identity.h"
#include "auth/internal/request_text.h"
#include "common/encoding.h"
#include "common/time.h"
#include "crypto/hash.h"

namespace ot::auth {
namespace {

using internal::FirstHeader;
using internal::Quote;

constexpr std::string_view kInvalidToken = "The security token included in the request is invalid.";

// X-Amz-Date must be exactly YYYYMMDDTHHMMSSZ.
std::optional<SysMillis> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  Result<SysMillis> t = ParseIso8601(s);
  if (!t.ok()) return std::nullopt;
  return *t;
}

// The HTTP Date header, IMF-fixdate ("Wed, 01 May 2024 12:34:56 GMT"), or the basic ISO form.
std::optional<SysMillis> ParseHttpDate(std::string_view s) {
  if (auto iso = ParseAmzDate(s)) return iso;
  Result<SysMillis> t = ot::ParseHttpDate(s);
  if (!t.ok()) return std::nullopt;
  return *t;
}

bool IsSigned(const SigV4Authorization& auth, std::string_view name) {
  return std::binary_search(auth.signed_headers.begin(), auth.signed_headers.end(), name);
}

// The request time in basic ISO form, from X-Amz-Date or else Date (converted).
Result<std::string> RequestDate(const HttpRequestView& request, const SigV4Authorization& auth,
                                std::string_view authorization) {
  if (auto amz = FirstHeader(request, "x-amz-date")) {
    if (!ParseAmzDate(*amz)) {
      return Status(Error::kIncompleteSignature,
                    "X-Amz-Date must be in ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z', got '" +
                        Quote(*amz, 64) + "'.");
    }
    if (!IsSigned(auth, "x-amz-date")) {
      return Status(Error::kIncompleteSignature,
                    "SignedHeaders must include 'x-amz-date' when the X-Amz-Date header is sent.");
    }
    return std::string(*amz);
  }
  if (auto date = FirstHeader(request, "date")) {
    std::optional<SysMillis> t = ParseHttpDate(internal::TrimSpaces(*date));
    if (!t) {
      return Status(Error::kIncompleteSignature,
                    "Date header must be an HTTP date such as 'Wed, 01 May 2024 12:34:56 GMT', "
                    "got '" +
                        Quote(*date, 64) + "'.");
    }
    if (!IsSigned(auth, "date")) {
      return Status(Error::kIncompleteSignature,
                    "SignedHeaders must include 'date' when the Date header dates the request.");
    }
    return FormatAmzDate(*t);
  }
  return Status(Error::kIncompleteSignature,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                "header. Authorization=" +
                    Quote(authorization));
}

Status CheckSkew(std::string_view amz_date, SysMillis now, std::chrono::minutes max_skew) {
  const std::optional<SysMillis> parsed = ParseAmzDate(amz_date);
  if (!parsed) {
    return Status(Error::kIncompleteSignature,
                  "Request date '" + Quote(amz_date, 64) + "' is out of range.");
  }
  const SysMillis t = *parsed;
  const std::string minutes = std::to_string(max_skew.count());
  if (t < now - max_skew) {
    return Status(Error::kSignatureExpired, "Signature expired: " + std::string(amz_date) +
                                                " is now earlier than " +
                                                FormatAmzDate(now - max_skew) + " (" +
                                                FormatAmzDate(now) + " - " + minutes + " min.)");
  }
  if (t > now + max_skew) {
    return Status(Error::kSignatureExpired, "Signature not yet current: " + std::string(amz_date) +
                                                " is still later than " +
                                                FormatAmzDate(now + max_skew) + " (" +
                                                FormatAmzDate(now) + " + " + minutes + " min.)");
  }
  return Status::Ok();
}

// Temporary credentials must present their own token, signed; long-term keys must not send one.
Status CheckSessionToken(const HttpRequestView& request, const SigV4Authorization& auth,
                         const AccessKey& key, SysMillis now) {
  auto token = FirstHeader(request, "x-amz-security-token");
  if (key.session_token.empty()) {
    if (token) return Status(Error::kUnrecognizedClient, std::string(kInvalidToken));
    return Status::Ok();
  }
  if (!token || !IsSigned(auth, "x-amz-security-token") ||
      !crypto::ConstantTimeEquals(internal::TrimSpaces(*token), key.session_token)) {
    return Status(Error::kUnrecognizedClient, std::string(kInvalidToken));
  }
  if (key.expiration && now >= *key.expiration) {
    return Status(Error::kExpiredToken, "The security token included in the request is expired");
  }
  return Status::Ok();
}

}  // namespace

Result<Caller> VerifyRequest(const HttpRequestView& request, const CredentialStore& credentials,
                             SysMillis now, const VerifyOptions& options) {
  auto authorization = FirstHeader(request, "authorization");
  if (!authorization) {
    return Status(Error::kMissingAuthenticationToken, "Missing Authentication Token");
  }
  if (options.s3) {
    // S3 (protocols.md §5.4): SigV4a is not served, and the payload hash header is mandatory.
    auto declared = FirstHeader(request, "x-amz-content-sha256");
    if (internal::TrimSpaces(*authorization).starts_with("AWS4-ECDSA-P256-SHA256") ||
        (declared && internal::TrimSpaces(*declared).starts_with("STREAMING-AWS4-ECDSA-"))) {
      return Status(Error::kS3NotImplemented,
                    "SigV4a (AWS4-ECDSA-P256-SHA256) signing is not implemented; sign with "
                    "AWS4-HMAC-SHA256.");
    }
    if (!declared) {
      return Status(Error::kValidation,
                    "Missing required header for this request: x-amz-content-sha256");
    }
  }
  OT_ASSIGN_OR_RETURN(SigV4Authorization auth, ParseAuthorization(*authorization));
  OT_ASSIGN_OR_RETURN(std::string amz_date, RequestDate(request, auth, *authorization));
  if (!options.expected_service.empty() && auth.service != options.expected_service) {
    return Status(Error::kIncompleteSignature, "Credential should be scoped to correct service: '" +
                                                   options.expected_service + "'.");
  }
  if (std::string_view(amz_date).substr(0, 8) != auth.date) {
    return Status(Error::kInvalidSignature,
                  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                  "from HTTP: '" +
                      auth.date + "' != '" + amz_date.substr(0, 8) + "', from '" + amz_date + "'.");
  }
  OT_RETURN_IF_ERROR(CheckSkew(amz_date, now, options.max_skew));

  std::optional<AccessKey> key = credentials.Find(auth.access_key_id);
  if (!key) return Status(Error::kUnrecognizedClient, std::string(kInvalidToken));
  OT_RETURN_IF_ERROR(CheckSessionToken(request, auth, *key, now));

  OT_ASSIGN_OR_RETURN(std::string canonical, CanonicalRequest(request, auth, options.s3));
  const std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/aws4_request";
  const std::string signing_key =
      CachedSigningKey(key->secret_access_key, auth.date, auth.region, auth.service);
  const std::string expected =
      HexEncode(crypto::HmacSha256(signing_key, StringToSign(amz_date, scope, canonical)));
  if (!crypto::ConstantTimeEquals(expected, auth.signature)) {
    return Status(Error::kInvalidSignature,
                  "The request signature we calculated does not match the signature you provided. "
                  "Check your AWS Secret Access Key and signing method. Consult the service "
                  "documentation for details.");
  }

  Caller caller;
  if (options.s3) {
    caller.content_sha256 = internal::TrimSpaces(*FirstHeader(request, "x-amz-content-sha256"));
    if (caller.content_sha256.starts_with("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")) {
      caller.chunk_signing.signing_key = signing_key;
      caller.chunk_signing.amz_date = amz_date;
      caller.chunk_signing.scope = scope;
      caller.chunk_signing.seed_signature = auth.signature;
    }
  }
  caller.principal = std::move(key->principal);
  caller.principal.access_key_id = auth.access_key_id;
  caller.region = std::move(auth.region);
  caller.service = std::move(auth.service);
  return caller;
}

}  // namespace ot::auth
