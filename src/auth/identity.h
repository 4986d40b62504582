#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/aws_chunked.h"
#include "auth/policy.h"
#include "auth/sigv4.h"
#include "common/env.h"
#include "common/status.h"

namespace ot::auth {

enum class PrincipalType { kRoot, kIAMUser, kAssumedRole, kFederatedUser };

// Who made a request (records.md §5 userIdentity).
struct Principal {
  PrincipalType type = PrincipalType::kIAMUser;
  std::string account_id;    // 12 digits
  std::string principal_id;  // AIDA… for users, the account id for root
  std::string arn;           // arn:aws:iam::<acct>:user/<name>
  std::string user_name;     // empty for root without alias
  std::string access_key_id;
  bool mfa_authenticated = false;
  bool temporary = false;                  // STS session credentials (ASIA…)
  std::optional<SysMillis> mfa_auth_time;  // when the session's MFA code was checked
};

// "Root", "IAMUser", "AssumedRole", "FederatedUser" (userIdentity.type).
std::string_view PrincipalTypeName(PrincipalType type);

struct AccessKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // Temporary credentials stop working at this instant (kExpiredToken); unset = never.
  std::optional<SysMillis> expiration;
  Principal principal;  // principal.access_key_id == access_key_id
};

// The keys the server accepts. Thread-safe: any thread may Put and Find concurrently.
class CredentialStore {
 public:
  // Adds `key`, replacing any key with the same access_key_id.
  void Put(AccessKey key);
  // Forgets the key (requests signed with it fail with kUnrecognizedClient).
  void Remove(std::string_view access_key_id);
  // A copy of the key, or nullopt when unknown.
  std::optional<AccessKey> Find(std::string_view access_key_id) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, AccessKey> keys_;
};

// A request whose signature checked out.
struct Caller {
  Principal principal;
  std::string region;   // from the credential scope
  std::string service;  // from the credential scope
  // S3: the request's x-amz-content-sha256 as sent (a hex digest already checked against the
  // body, UNSIGNED-PAYLOAD, or a STREAMING-* mode whose body the handler decodes), and for
  // STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] what the chunk signatures chain from.
  std::string content_sha256;
  ChunkSigning chunk_signing;
};

struct VerifyOptions {
  std::chrono::minutes max_skew{15};
  bool s3 = false;  // S3 canonical-URI rules and x-amz-content-sha256 handling
  // When non-empty, the credential scope's service must equal it (else kIncompleteSignature,
  // "Credential should be scoped to correct service: '<service>'.").
  std::string expected_service;
};

// Verifies the SigV4 Authorization header of `request` (sigv4.md §2); query-string (presigned)
// authentication is not supported. Errors, in the order they are checked:
//   kMissingAuthenticationToken  no Authorization header;
//   kIncompleteSignature         malformed Authorization, no X-Amz-Date/Date or a malformed one,
//                                x-amz-date/date or host not signed, wrong scope service, a
//                                signed header absent from the request;
//   kInvalidSignature            scope date != first 8 chars of X-Amz-Date;
//   kSignatureExpired            |now − X-Amz-Date| > max_skew;
//   kUnrecognizedClient          unknown access key; session key whose X-Amz-Security-Token is
//                                missing, unsigned or different; token sent with a long-term key;
//   kExpiredToken                session key past its expiration;
//   kInvalidSignature            x-amz-content-sha256 mismatch/unsupported, signature mismatch.
// With `s3` (S3's rules, protocols.md §5.4), before the signature is looked at:
//   kS3NotImplemented            SigV4a (AWS4-ECDSA-P256-SHA256 or its STREAMING-… payload);
//   kValidation                  no x-amz-content-sha256 header (S3's InvalidRequest);
// and a hex x-amz-content-sha256 that is not the body's hash is kXAmzContentSha256Mismatch.
// STREAMING-* payloads are accepted as signed literals; the body is then aws-chunked and the
// caller decodes it with DecodeAwsChunked, using Caller::chunk_signing for signed chunks.
// Thread-safe. Derived signing keys are cached process-wide per (key, date, region, service).
Result<Caller> VerifyRequest(const HttpRequestView& request, const CredentialStore& credentials,
                             SysMillis now, const VerifyOptions& options = {});

// One request to authorize: who, what, on which resource, and the facts that condition keys
// (aws:SourceIp, aws:SecureTransport, aws:CurrentTime, aws:RequestedRegion, MFA) are read from.
struct AuthzRequest {
  AuthzRequest(const Principal& p, std::string_view a, std::string_view r)
      : principal(p), action(a), resource(r) {}
  const Principal& principal;
  std::string_view action;    // "cloudtrail:LookupEvents"
  std::string_view resource;  // "*" or an ARN
  std::string_view source_ip;
  bool secure_transport = false;
  SysMillis now{};
  std::string_view region;  // aws:RequestedRegion
  // Service-specific condition keys (e.g. s3:prefix), lower-case names; may be null.
  const std::vector<std::pair<std::string, std::string>>* keys = nullptr;
  // The policy attached to the resource (an S3 bucket policy), evaluated together with the
  // caller's identity policies as S3 does it: an explicit Deny in either denies; else an Allow in
  // either allows a principal of `resource_account`; a principal of any other account needs the
  // resource policy's Allow. Null: the identity policies alone decide.
  const Policy* resource_policy = nullptr;
  std::string_view resource_account;  // the resource owner's account id
  // Only the resource policy can allow (identity Allows do not count; Denies still do): client
  // PutObject into a log bucket, which the bucket owner must open explicitly.
  bool resource_policy_must_allow = false;
};

// The condition context of `request`: action, resource, principal and the global keys
// (SetGlobalKeys) from the principal and the request's facts, plus `request.keys`. Without
// `with_keys` the keys are left out, for policies that read none (Policy::UsesContextKeys).
RequestContext AuthzContext(const AuthzRequest& request, bool with_keys = true);

// The final decision of a request that names a resource policy, given the decision of the
// caller's identity policies (kImplicitDeny for principals outside `resource_account`). The
// owner account's root is never denied the bucket-policy actions themselves by a bucket policy,
// so the owner cannot be locked out of its bucket (as in S3). OK or kAccessDenied.
Status DecideWithResourcePolicy(const AuthzRequest& request, const RequestContext& context,
                                Decision identity);

// "User: <arn> is not authorized to perform: <action> on resource: <resource>" (kAccessDenied),
// with " with an explicit deny" when a Deny statement decided.
Status AccessDenied(const AuthzRequest& request, bool explicit_deny);

// The single authorization point: may the principal perform the action on the resource? Returns
// OK or kAccessDenied (AccessDenied above). Implementations are thread-safe.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual Status Authorize(const AuthzRequest& request) const = 0;
};

// Allows every principal whose account matches `account_id` (the administrator's account);
// denies everyone else, and everyone when `account_id` is empty.
std::unique_ptr<Authorizer> NewAccountAdminAuthorizer(std::string account_id);

}  // namespace ot::auth
