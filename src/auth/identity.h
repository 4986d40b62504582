#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

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
};

std::string_view PrincipalTypeName(PrincipalType type);  // "IAMUser", "Root", ...

struct AccessKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  Principal principal;        // principal.access_key_id == access_key_id
};

// The keys the server accepts. Thread-safe.
class CredentialStore {
 public:
  void Put(AccessKey key);
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
};

struct VerifyOptions {
  std::chrono::minutes max_skew{15};
  bool s3 = false;  // S3 canonical-URI rules and x-amz-content-sha256 handling
};

// Verifies the SigV4 Authorization header of `request` (sigv4.md §2). Errors:
// kMissingAuthenticationToken (no Authorization), kIncompleteSignature (malformed),
// kSignatureExpired (> max_skew), kUnrecognizedClient (unknown key), kInvalidSignature (mismatch).
Result<Caller> VerifyRequest(const HttpRequestView& request, const CredentialStore& credentials,
                             SysMillis now, const VerifyOptions& options = {});

// The single authorization point: may `principal` perform `action` ("cloudtrail:LookupEvents")
// on `resource` ("*" or an ARN)? Returns OK or kAccessDenied with AWS's message.
// Today the administrator holds full access; users, groups and policies plug in here later.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual Status Authorize(const Principal& principal, std::string_view action,
                           std::string_view resource) const = 0;
};

// Allows every principal whose account matches `account_id` (the administrator's account).
std::unique_ptr<Authorizer> NewAccountAdminAuthorizer(std::string account_id);

}  // namespace ot::auth
