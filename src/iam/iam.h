#pragma once

// The account's IAM: users, groups, access keys, inline and managed policies, virtual MFA
// devices and STS sessions (shared/spec/iam.md), persisted in the metadata database, and the
// policy-based Authorizer that decides every request. Names, limits, messages and error codes
// are IAM's (iam.md §1, §2.7).
//
// Secrets (secret access keys, session secrets, MFA seeds) are stored sealed with AES-256-GCM
// under a master key kept in a 0600 file outside the database (IamOptions::master_key), so a
// copy of metadata.db alone reveals none of them. They are returned only by the call that
// creates them.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/identity.h"
#include "auth/policy.h"
#include "common/env.h"
#include "common/status.h"
#include "store/metadata.h"

namespace ot::iam {

struct Tag {
  std::string key, value;
  friend bool operator==(const Tag&, const Tag&) = default;
};

struct User {
  std::string name, path = "/", id, arn;  // id: AIDA + 17
  SysMillis created{};
  std::optional<std::string> permissions_boundary;  // a managed policy ARN
  std::vector<Tag> tags;
};

struct Group {
  std::string name, path = "/", id, arn;  // id: AGPA + 17
  SysMillis created{};
};

enum class KeyStatus { kActive, kInactive };
struct AccessKeyInfo {
  std::string user_name, access_key_id;  // AKIA + 16
  KeyStatus status = KeyStatus::kActive;
  SysMillis created{};
};
struct NewAccessKey {
  AccessKeyInfo info;
  std::string secret_access_key;  // 40 chars [A-Za-z0-9/+]; returned only here
};

struct ManagedPolicy {
  std::string name, id, arn, path = "/", description;
  std::string default_version_id = "v1";
  int attachment_count = 0;
  bool aws_managed = false;
  SysMillis created{}, updated{};
  std::vector<Tag> tags;
};
struct PolicyVersion {
  std::string version_id;  // "v1"
  std::string document;    // exactly as submitted
  bool is_default = false;
  SysMillis created{};
};
struct AttachedPolicy {
  std::string name, arn;
};

struct MfaDevice {
  std::string serial_number;             // arn:aws:iam::<acct>:mfa<path><name>
  std::optional<std::string> user_name;  // assigned to
  std::optional<std::string> user_arn;   // for ListVirtualMFADevices' User
  std::optional<SysMillis> enable_date;
  std::vector<Tag> tags;
};
struct NewMfaDevice {
  std::string serial_number;
  std::string base32_seed;  // RFC 4648 base32 text without padding (64 chars); returned only here
  std::string qr_code_png;  // PNG bytes of otpauth://totp/<name>@<account>?secret=<seed>
};

// Paging for List* (iam.md §2): an opaque marker from the previous page, MaxItems 1–1000.
struct Page {
  std::string marker;
  int max_items = 100;
};
template <typename T>
struct Listed {
  std::vector<T> items;
  std::optional<std::string> marker;  // set when truncated
};

struct SessionCredentials {
  std::string access_key_id;  // ASIA + 16
  std::string secret_access_key;
  std::string session_token;
  SysMillis expiration{};
};

enum class PolicyScope { kAll, kAws, kLocal };
enum class MfaAssignment { kAny, kAssigned, kUnassigned };

struct IamOptions {
  std::string account_id;
  std::string master_key;  // 32 bytes: seals secrets at rest
  // The bootstrap administrator: an IAM user holding AdministratorAccess whose key already
  // exists in the credential store (created on the data dir's first start).
  std::string admin_user_name = "admin";  // empty: no bootstrap (it happened on an earlier start)
  std::string admin_user_id;              // AIDA…, as the data dir made it; empty → a new one
  std::string admin_access_key_id;
  std::string admin_secret_access_key;
  int totp_window_steps = 1;  // codes of the previous/next 30 s step are also accepted
};

// Thread-safe. Every mutation is durable before it returns and updates the CredentialStore
// (inactive and deleted keys stop working on the next request).
class IamRegistry {
 public:
  static Result<std::unique_ptr<IamRegistry>> Open(store::MetadataDb& db,
                                                   auth::CredentialStore& credentials, Env& env,
                                                   IamOptions options);
  virtual ~IamRegistry() = default;

  // Users and groups (iam.md §2.1).
  virtual Result<User> CreateUser(std::string_view name, std::string_view path,
                                  const std::vector<Tag>& tags,
                                  std::optional<std::string_view> permissions_boundary) = 0;
  virtual Result<User> GetUser(std::string_view name) const = 0;
  virtual Result<Listed<User>> ListUsers(std::string_view path_prefix, const Page& page) const = 0;
  virtual Status DeleteUser(std::string_view name) = 0;
  virtual Result<Group> CreateGroup(std::string_view name, std::string_view path) = 0;
  virtual Result<Group> GetGroup(std::string_view name) const = 0;
  virtual Result<Listed<User>> GroupMembers(std::string_view group, const Page& page) const = 0;
  virtual Result<Listed<Group>> ListGroups(std::string_view path_prefix,
                                           const Page& page) const = 0;
  virtual Status DeleteGroup(std::string_view name) = 0;
  virtual Status AddUserToGroup(std::string_view group, std::string_view user) = 0;
  virtual Status RemoveUserFromGroup(std::string_view group, std::string_view user) = 0;
  virtual Result<Listed<Group>> ListGroupsForUser(std::string_view user,
                                                  const Page& page) const = 0;

  // Access keys (§2.2).
  virtual Result<NewAccessKey> CreateAccessKey(std::string_view user) = 0;
  virtual Result<Listed<AccessKeyInfo>> ListAccessKeys(std::string_view user,
                                                       const Page& page) const = 0;
  virtual Status UpdateAccessKey(std::string_view user, std::string_view access_key_id,
                                 KeyStatus status) = 0;
  virtual Status DeleteAccessKey(std::string_view user, std::string_view access_key_id) = 0;
  // The user owning a long-term key (for the optional UserName of the key operations).
  virtual Result<std::string> UserOfAccessKey(std::string_view access_key_id) const = 0;

  // Inline policies (§2.3). `group` = false addresses a user.
  virtual Status PutInlinePolicy(bool group, std::string_view principal,
                                 std::string_view policy_name, std::string_view document) = 0;
  virtual Result<std::string> GetInlinePolicy(bool group, std::string_view principal,
                                              std::string_view policy_name) const = 0;
  virtual Status DeleteInlinePolicy(bool group, std::string_view principal,
                                    std::string_view policy_name) = 0;
  virtual Result<Listed<std::string>> ListInlinePolicies(bool group, std::string_view principal,
                                                         const Page& page) const = 0;

  // Managed policies and attachment (§2.4). AWS managed policies (auth/managed_policies.h) are
  // listed, readable and attachable, never deletable.
  virtual Result<ManagedPolicy> CreatePolicy(std::string_view name, std::string_view path,
                                             std::string_view description,
                                             std::string_view document,
                                             const std::vector<Tag>& tags) = 0;
  virtual Result<ManagedPolicy> GetPolicy(std::string_view arn) const = 0;
  virtual Result<PolicyVersion> GetPolicyVersion(std::string_view arn,
                                                 std::string_view version_id) const = 0;
  virtual Result<Listed<ManagedPolicy>> ListPolicies(PolicyScope scope, bool only_attached,
                                                     std::string_view path_prefix,
                                                     const Page& page) const = 0;
  virtual Status DeletePolicy(std::string_view arn) = 0;
  virtual Status AttachPolicy(bool group, std::string_view principal,
                              std::string_view policy_arn) = 0;
  virtual Status DetachPolicy(bool group, std::string_view principal,
                              std::string_view policy_arn) = 0;
  virtual Result<Listed<AttachedPolicy>> ListAttachedPolicies(bool group,
                                                              std::string_view principal,
                                                              std::string_view path_prefix,
                                                              const Page& page) const = 0;

  // Virtual MFA devices (§2.5). Codes are RFC 6238 TOTP (SHA-1, 30 s, 6 digits); a code's time
  // step is usable once per device (a reused code is kInvalidAuthenticationCode).
  virtual Result<NewMfaDevice> CreateVirtualMfaDevice(std::string_view name, std::string_view path,
                                                      const std::vector<Tag>& tags) = 0;
  virtual Status EnableMfaDevice(std::string_view user, std::string_view serial_number,
                                 std::string_view code1, std::string_view code2) = 0;
  virtual Status DeactivateMfaDevice(std::string_view user, std::string_view serial_number) = 0;
  virtual Result<Listed<MfaDevice>> ListMfaDevices(std::string_view user,
                                                   const Page& page) const = 0;
  virtual Result<Listed<MfaDevice>> ListVirtualMfaDevices(MfaAssignment assignment,
                                                          const Page& page) const = 0;
  virtual Status DeleteVirtualMfaDevice(std::string_view serial_number) = 0;

  // STS GetSessionToken (protocols.md §4, sigv4.md §6): temporary credentials for the IAM user
  // `caller` (long-term key only; a session caller → kAccessDenied as STS does), valid
  // `duration` (900 s – 129 600 s, default 43 200 s). With `serial_number` and `token_code` the
  // code must be valid for that device, assigned to the caller, and unused; the session's
  // requests then carry MultiFactorAuthPresent=true and the MFA time. Sessions survive restarts
  // and are dropped once expired.
  virtual Result<SessionCredentials> GetSessionToken(
      const auth::Principal& caller, std::optional<std::chrono::seconds> duration,
      std::optional<std::string_view> serial_number,
      std::optional<std::string_view> token_code) = 0;

  // S3's x-amz-mfa (MFA delete): OK with the ARN of the user the virtual MFA device
  // `serial_number` is assigned to when `code` is a valid code of it not used before (its time
  // step is then used up, as for GetSessionToken); kAccessDenied otherwise. The default (test
  // fakes) knows no device.
  virtual Result<std::string> CheckMfaCode(std::string_view serial_number, std::string_view code) {
    (void)serial_number;
    (void)code;
    return Status(Error::kAccessDenied, "No MFA device is known.");
  }

  // The identity policies that apply to `principal` (user inline + attached, and those of each
  // of its groups), compiled, with SimulatePrincipalPolicy's source ids and types.
  virtual Result<std::vector<auth::NamedPolicy>> PoliciesOf(
      const auth::Principal& principal) const = 0;
  // Policies of a user, group (PolicySourceArn of SimulatePrincipalPolicy).
  virtual Result<std::vector<auth::NamedPolicy>> PoliciesOfArn(std::string_view arn) const = 0;
  // The compiled permissions boundary of an IAM user principal, or nullopt when it has none.
  // An Allow must also be allowed by the boundary (iam.md §2.6).
  virtual Result<std::optional<auth::NamedPolicy>> BoundaryOf(
      const auth::Principal& principal) const = 0;

  // The account every entity belongs to (IamOptions::account_id).
  virtual const std::string& AccountId() const = 0;
  // Bumped by every successful mutation: what PoliciesOf returns can only change when this
  // does, so callers may cache per principal and generation.
  virtual uint64_t Generation() const = 0;
};

// The single authorization point of the server, backed by IAM policies: an explicit Deny wins,
// else an Allow, else denied (iam.md §2.6). Compiled policy sets are cached per principal and
// invalidated by any IAM change. Principals of other accounts are denied.
std::unique_ptr<auth::Authorizer> NewPolicyAuthorizer(const IamRegistry& registry);

}  // namespace ot::iam
