#pragma once

// The IamRegistry implementation: an in-memory index of every IAM entity under one mutex,
// written through to MetadataDb documents (one per entity) before memory changes, so a failed
// write leaves both unchanged. Document kinds: iam-user, iam-group, iam-key, iam-policy,
// iam-mfa, iam-session (docs/formats/iam-documents.md). Secrets are sealed (crypto/aead.h) with
// the document's kind/id as associated data.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/policy.h"
#include "iam/iam.h"

namespace ot::iam::internal {

struct InlinePolicy {
  std::string document;
  auth::Policy compiled;
};

struct UserRec {
  User user;
  std::vector<std::string> groups;                      // lower-case group names, sorted
  std::map<std::string, InlinePolicy> inline_policies;  // by policy name
  std::vector<std::string> attached;                    // managed policy ARNs, attach order
};

struct GroupRec {
  Group group;
  std::map<std::string, InlinePolicy> inline_policies;
  std::vector<std::string> attached;
};

struct KeyRec {
  AccessKeyInfo info;
  std::string secret;  // plain in memory only
};

struct PolicyRec {
  ManagedPolicy meta;  // attachment_count is recomputed on read
  std::vector<PolicyVersion> versions;
  auth::Policy compiled;  // the default version
};

struct MfaRec {
  MfaDevice device;
  std::string name, path;
  std::string seed;        // raw seed bytes, plain in memory only
  int64_t last_step = -1;  // the newest time step accepted; older and equal steps are refused
};

struct SessionRec {
  SessionCredentials creds;
  auth::Principal principal;
};

class IamRegistryImpl final : public IamRegistry {
 public:
  IamRegistryImpl(store::MetadataDb& db, auth::CredentialStore& credentials, Env& env,
                  IamOptions options);
  // Reads every document (caller holds mu()); Bootstrap then adds the administrator if missing.
  Status Load();
  Status Bootstrap();
  std::mutex& mu() { return mu_; }

  Result<User> CreateUser(std::string_view name, std::string_view path,
                          const std::vector<Tag>& tags,
                          std::optional<std::string_view> permissions_boundary) override;
  Result<User> GetUser(std::string_view name) const override;
  Result<Listed<User>> ListUsers(std::string_view path_prefix, const Page& page) const override;
  Status DeleteUser(std::string_view name) override;
  Result<Group> CreateGroup(std::string_view name, std::string_view path) override;
  Result<Group> GetGroup(std::string_view name) const override;
  Result<Listed<User>> GroupMembers(std::string_view group, const Page& page) const override;
  Result<Listed<Group>> ListGroups(std::string_view path_prefix, const Page& page) const override;
  Status DeleteGroup(std::string_view name) override;
  Status AddUserToGroup(std::string_view group, std::string_view user) override;
  Status RemoveUserFromGroup(std::string_view group, std::string_view user) override;
  Result<Listed<Group>> ListGroupsForUser(std::string_view user, const Page& page) const override;

  Result<NewAccessKey> CreateAccessKey(std::string_view user) override;
  Result<Listed<AccessKeyInfo>> ListAccessKeys(std::string_view user,
                                               const Page& page) const override;
  Status UpdateAccessKey(std::string_view user, std::string_view access_key_id,
                         KeyStatus status) override;
  Status DeleteAccessKey(std::string_view user, std::string_view access_key_id) override;
  Result<std::string> UserOfAccessKey(std::string_view access_key_id) const override;

  Status PutInlinePolicy(bool group, std::string_view principal, std::string_view policy_name,
                         std::string_view document) override;
  Result<std::string> GetInlinePolicy(bool group, std::string_view principal,
                                      std::string_view policy_name) const override;
  Status DeleteInlinePolicy(bool group, std::string_view principal,
                            std::string_view policy_name) override;
  Result<Listed<std::string>> ListInlinePolicies(bool group, std::string_view principal,
                                                 const Page& page) const override;

  Result<ManagedPolicy> CreatePolicy(std::string_view name, std::string_view path,
                                     std::string_view description, std::string_view document,
                                     const std::vector<Tag>& tags) override;
  Result<ManagedPolicy> GetPolicy(std::string_view arn) const override;
  Result<PolicyVersion> GetPolicyVersion(std::string_view arn,
                                         std::string_view version_id) const override;
  Result<Listed<ManagedPolicy>> ListPolicies(PolicyScope scope, bool only_attached,
                                             std::string_view path_prefix,
                                             const Page& page) const override;
  Status DeletePolicy(std::string_view arn) override;
  Status AttachPolicy(bool group, std::string_view principal, std::string_view policy_arn) override;
  Status DetachPolicy(bool group, std::string_view principal, std::string_view policy_arn) override;
  Result<Listed<AttachedPolicy>> ListAttachedPolicies(bool group, std::string_view principal,
                                                      std::string_view path_prefix,
                                                      const Page& page) const override;

  Result<NewMfaDevice> CreateVirtualMfaDevice(std::string_view name, std::string_view path,
                                              const std::vector<Tag>& tags) override;
  Status EnableMfaDevice(std::string_view user, std::string_view serial_number,
                         std::string_view code1, std::string_view code2) override;
  Status DeactivateMfaDevice(std::string_view user, std::string_view serial_number) override;
  Result<Listed<MfaDevice>> ListMfaDevices(std::string_view user, const Page& page) const override;
  Result<Listed<MfaDevice>> ListVirtualMfaDevices(MfaAssignment assignment,
                                                  const Page& page) const override;
  Status DeleteVirtualMfaDevice(std::string_view serial_number) override;

  Result<std::string> CheckMfaCode(std::string_view serial_number, std::string_view code) override;
  Result<SessionCredentials> GetSessionToken(const auth::Principal& caller,
                                             std::optional<std::chrono::seconds> duration,
                                             std::optional<std::string_view> serial_number,
                                             std::optional<std::string_view> token_code) override;

  Result<std::vector<auth::NamedPolicy>> PoliciesOf(
      const auth::Principal& principal) const override;
  Result<std::vector<auth::NamedPolicy>> PoliciesOfArn(std::string_view arn) const override;
  Result<std::optional<auth::NamedPolicy>> BoundaryOf(
      const auth::Principal& principal) const override;
  const std::string& AccountId() const override { return options_.account_id; }
  uint64_t Generation() const override { return generation_.load(std::memory_order_acquire); }

 private:
  // Lookups; callers hold mu_.
  Result<UserRec*> FindUser(std::string_view name);
  Result<const UserRec*> FindUser(std::string_view name) const;
  Result<GroupRec*> FindGroup(std::string_view name);
  Result<const GroupRec*> FindGroup(std::string_view name) const;
  // Applies `fn` to a copy of the inline policies and attachments of a user or group (its
  // display name as third argument), saves the copy, and only then keeps it.
  using HolderFn =
      std::function<Status(std::map<std::string, InlinePolicy>& inline_policies,
                           std::vector<std::string>& attached, const std::string& display_name)>;
  Status MutateHolder(bool group, std::string_view name, const HolderFn& fn);
  struct HolderView {
    const std::map<std::string, InlinePolicy>* inline_policies;
    const std::vector<std::string>* attached;
  };
  Result<HolderView> ViewHolder(bool group, std::string_view name) const;
  int AttachmentCount(std::string_view arn) const;
  Result<ManagedPolicy> PolicyMeta(std::string_view arn) const;
  const auth::Policy* CompiledManaged(std::string_view arn) const;
  void AppendPolicies(const UserRec& u, std::vector<auth::NamedPolicy>* out) const;
  void AppendHolderPolicies(const std::map<std::string, InlinePolicy>& inline_policies,
                            const std::vector<std::string>& attached,
                            auth::PolicySourceType inline_type,
                            std::vector<auth::NamedPolicy>* out) const;
  // The code's time step when `code` is valid for `m` in the window and newer than the last
  // accepted step; nullopt otherwise.
  std::optional<int64_t> AcceptCode(const MfaRec& m, std::string_view code) const;

  // Persistence; callers hold mu_.
  Status SaveUser(const UserRec& u);
  Status SaveGroup(const GroupRec& g);
  Status SaveKey(const KeyRec& k);
  Status SavePolicy(const PolicyRec& p);
  Status SaveMfa(const MfaRec& m);
  Status SaveSession(const SessionRec& s);
  enum class DocKind { kUser, kGroup, kKey, kPolicy, kMfa, kSession };
  Status DeleteDoc(DocKind kind, std::string_view id);
  std::string Seal(std::string_view plaintext, std::string_view context) const;
  Result<std::string> Unseal(std::string_view sealed_b64, std::string_view context) const;

  void Changed() { generation_.fetch_add(1, std::memory_order_acq_rel); }
  void PutCredential(const KeyRec& k, const UserRec& u);
  void PutSessionCredential(const SessionRec& s);
  std::string UserArn(std::string_view path, std::string_view name) const;

  store::MetadataDb& db_;
  auth::CredentialStore& credentials_;
  Env& env_;
  const IamOptions options_;
  std::atomic<uint64_t> generation_{1};

  mutable std::mutex mu_;
  std::map<std::string, UserRec> users_;              // by lower-case name
  std::map<std::string, GroupRec> groups_;            // by lower-case name
  std::map<std::string, KeyRec> keys_;                // by access key id
  std::map<std::string, PolicyRec> policies_;         // customer managed, by ARN
  std::map<std::string, std::string> policy_names_;   // lower-case name → ARN
  std::map<std::string, auth::Policy> aws_compiled_;  // AWS managed, by ARN
  std::map<std::string, MfaRec> mfa_;                 // by serial number
  std::map<std::string, SessionRec> sessions_;        // by access key id
};

}  // namespace ot::iam::internal
