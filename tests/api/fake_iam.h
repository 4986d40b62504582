#pragma once

// A small in-memory IamRegistry for the IAM handler tests: just enough behaviour (names, lookups,
// IAM's NoSuchEntity / EntityAlreadyExists) to drive the handlers, and a record of what each
// call received (pages, codes, durations) for the tests to check.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/policy.h"
#include "iam/iam.h"

namespace ot::api::handlers::testing {

inline constexpr std::string_view kFakeAccount = "111122223333";

class FakeIam : public iam::IamRegistry {
 public:
  // The instant every entity is created at: 2024-05-01T12:34:56Z.
  static SysMillis Created() { return SysMillis(std::chrono::milliseconds(1714566896000)); }

  // What the last List*/paged call and the MFA/STS calls received.
  mutable std::string last_path_prefix;
  mutable iam::Page last_page;
  mutable bool last_only_attached = false;
  mutable iam::PolicyScope last_scope = iam::PolicyScope::kAll;
  mutable iam::MfaAssignment last_assignment = iam::MfaAssignment::kAny;
  std::vector<std::string> last_codes;
  std::optional<std::chrono::seconds> last_duration;
  std::optional<std::string> last_serial, last_token;
  std::string last_session_caller;
  // Listing results are truncated with this marker when set.
  std::optional<std::string> next_marker;

  std::map<std::string, iam::User> users;
  std::map<std::string, iam::Group> groups;
  std::map<std::string, std::string> key_owner;                           // access key → user
  std::map<std::string, std::map<std::string, std::string>> inline_docs;  // "u:alice" → docs
  std::map<std::string, iam::ManagedPolicy> policies;                     // by ARN
  std::map<std::string, std::string> policy_docs;                         // by ARN
  std::map<std::string, std::vector<auth::NamedPolicy>> policies_of;      // by principal ARN

  Result<iam::User> CreateUser(std::string_view name, std::string_view path,
                               const std::vector<iam::Tag>& tags,
                               std::optional<std::string_view> boundary) override {
    if (users.count(std::string(name))) {
      return Status(Error::kEntityAlreadyExists,
                    "User with name " + std::string(name) + " already exists.");
    }
    iam::User u;
    u.name = std::string(name);
    u.path = std::string(path);
    u.id = "AIDAZ3EXAMPLEUSER00" + std::to_string(users.size() + 1);
    u.arn = "arn:aws:iam::" + std::string(kFakeAccount) + ":user" + u.path + u.name;
    u.created = Created();
    u.tags = tags;
    if (boundary) u.permissions_boundary = std::string(*boundary);
    users[u.name] = u;
    return u;
  }
  Result<iam::User> GetUser(std::string_view name) const override {
    auto it = users.find(std::string(name));
    if (it == users.end()) {
      return Status(Error::kNoSuchEntity,
                    "The user with name " + std::string(name) + " cannot be found.");
    }
    return it->second;
  }
  Result<iam::Listed<iam::User>> ListUsers(std::string_view prefix,
                                           const iam::Page& page) const override {
    Remember(prefix, page);
    iam::Listed<iam::User> out;
    for (const auto& [n, u] : users) out.items.push_back(u);
    out.marker = next_marker;
    return out;
  }
  Status DeleteUser(std::string_view name) override {
    if (!users.erase(std::string(name))) return GetUser(name).status();
    return Status::Ok();
  }
  Result<iam::Group> CreateGroup(std::string_view name, std::string_view path) override {
    iam::Group g;
    g.name = std::string(name);
    g.path = std::string(path);
    g.id = "AGPAZ3EXAMPLEGROUP01";
    g.arn = "arn:aws:iam::" + std::string(kFakeAccount) + ":group" + g.path + g.name;
    g.created = Created();
    groups[g.name] = g;
    return g;
  }
  Result<iam::Group> GetGroup(std::string_view name) const override {
    auto it = groups.find(std::string(name));
    if (it == groups.end()) {
      return Status(Error::kNoSuchEntity,
                    "The group with name " + std::string(name) + " cannot be found.");
    }
    return it->second;
  }
  Result<iam::Listed<iam::User>> GroupMembers(std::string_view,
                                              const iam::Page& page) const override {
    Remember("", page);
    iam::Listed<iam::User> out;
    for (const auto& [n, u] : users) out.items.push_back(u);
    out.marker = next_marker;
    return out;
  }
  Result<iam::Listed<iam::Group>> ListGroups(std::string_view prefix,
                                             const iam::Page& page) const override {
    Remember(prefix, page);
    iam::Listed<iam::Group> out;
    for (const auto& [n, g] : groups) out.items.push_back(g);
    out.marker = next_marker;
    return out;
  }
  Status DeleteGroup(std::string_view name) override {
    if (!groups.erase(std::string(name))) return GetGroup(name).status();
    return Status::Ok();
  }
  Status AddUserToGroup(std::string_view group, std::string_view user) override {
    OT_RETURN_IF_ERROR(GetGroup(group).status());
    return GetUser(user).status();
  }
  Status RemoveUserFromGroup(std::string_view group, std::string_view user) override {
    return AddUserToGroup(group, user);
  }
  Result<iam::Listed<iam::Group>> ListGroupsForUser(std::string_view user,
                                                    const iam::Page& page) const override {
    OT_RETURN_IF_ERROR(GetUser(user).status());
    return ListGroups("/", page);
  }

  Result<iam::NewAccessKey> CreateAccessKey(std::string_view user) override {
    OT_RETURN_IF_ERROR(GetUser(user).status());
    iam::NewAccessKey k;
    k.info.user_name = std::string(user);
    k.info.access_key_id = "AKIAZ3EXAMPLEKEY0001";
    k.info.created = Created();
    k.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE01";
    key_owner[k.info.access_key_id] = k.info.user_name;
    return k;
  }
  Result<iam::Listed<iam::AccessKeyInfo>> ListAccessKeys(std::string_view user,
                                                         const iam::Page& page) const override {
    OT_RETURN_IF_ERROR(GetUser(user).status());
    Remember("", page);
    iam::Listed<iam::AccessKeyInfo> out;
    for (const auto& [id, owner] : key_owner) {
      if (owner != user) continue;
      iam::AccessKeyInfo info;
      info.user_name = owner;
      info.access_key_id = id;
      info.status = iam::KeyStatus::kInactive;
      info.created = Created();
      out.items.push_back(info);
    }
    return out;
  }
  Status UpdateAccessKey(std::string_view user, std::string_view id, iam::KeyStatus) override {
    auto it = key_owner.find(std::string(id));
    if (it == key_owner.end() || it->second != user) {
      return Status(Error::kNoSuchEntity,
                    "The Access Key with id " + std::string(id) + " cannot be found.");
    }
    return Status::Ok();
  }
  Status DeleteAccessKey(std::string_view user, std::string_view id) override {
    OT_RETURN_IF_ERROR(UpdateAccessKey(user, id, iam::KeyStatus::kActive));
    key_owner.erase(std::string(id));
    return Status::Ok();
  }
  Result<std::string> UserOfAccessKey(std::string_view id) const override {
    auto it = key_owner.find(std::string(id));
    if (it == key_owner.end()) return Status(Error::kNoSuchEntity, "no such key");
    return it->second;
  }

  Status PutInlinePolicy(bool group, std::string_view principal, std::string_view name,
                         std::string_view document) override {
    auto parsed = auth::ParsePolicy(document);
    if (!parsed.ok()) return parsed.status();
    inline_docs[Key(group, principal)][std::string(name)] = std::string(document);
    return Status::Ok();
  }
  Result<std::string> GetInlinePolicy(bool group, std::string_view principal,
                                      std::string_view name) const override {
    auto it = inline_docs.find(Key(group, principal));
    if (it == inline_docs.end() || !it->second.count(std::string(name))) {
      return Status(Error::kNoSuchEntity, std::string(group ? "The group" : "The user") +
                                              " policy with name " + std::string(name) +
                                              " cannot be found.");
    }
    return it->second.at(std::string(name));
  }
  Status DeleteInlinePolicy(bool group, std::string_view principal,
                            std::string_view name) override {
    OT_RETURN_IF_ERROR(GetInlinePolicy(group, principal, name).status());
    inline_docs[Key(group, principal)].erase(std::string(name));
    return Status::Ok();
  }
  Result<iam::Listed<std::string>> ListInlinePolicies(bool group, std::string_view principal,
                                                      const iam::Page& page) const override {
    Remember("", page);
    iam::Listed<std::string> out;
    auto it = inline_docs.find(Key(group, principal));
    if (it != inline_docs.end()) {
      for (const auto& [n, d] : it->second) out.items.push_back(n);
    }
    out.marker = next_marker;
    return out;
  }

  Result<iam::ManagedPolicy> CreatePolicy(std::string_view name, std::string_view path,
                                          std::string_view description, std::string_view document,
                                          const std::vector<iam::Tag>& tags) override {
    auto parsed = auth::ParsePolicy(document);
    if (!parsed.ok()) return parsed.status();
    iam::ManagedPolicy p;
    p.name = std::string(name);
    p.path = std::string(path);
    p.description = std::string(description);
    p.id = "ANPAZ3EXAMPLEPOLICY1";
    p.arn = "arn:aws:iam::" + std::string(kFakeAccount) + ":policy" + p.path + p.name;
    p.created = p.updated = Created();
    p.tags = tags;
    policies[p.arn] = p;
    policy_docs[p.arn] = std::string(document);
    return p;
  }
  Result<iam::ManagedPolicy> GetPolicy(std::string_view arn) const override {
    auto it = policies.find(std::string(arn));
    if (it == policies.end()) {
      return Status(Error::kNoSuchEntity, "Policy " + std::string(arn) + " was not found.");
    }
    return it->second;
  }
  Result<iam::PolicyVersion> GetPolicyVersion(std::string_view arn,
                                              std::string_view version) const override {
    OT_RETURN_IF_ERROR(GetPolicy(arn).status());
    if (version != "v1") return Status(Error::kNoSuchEntity, "no such version");
    return iam::PolicyVersion{"v1", policy_docs.at(std::string(arn)), true, Created()};
  }
  Result<iam::Listed<iam::ManagedPolicy>> ListPolicies(iam::PolicyScope scope, bool only_attached,
                                                       std::string_view prefix,
                                                       const iam::Page& page) const override {
    Remember(prefix, page);
    last_scope = scope;
    last_only_attached = only_attached;
    iam::Listed<iam::ManagedPolicy> out;
    for (const auto& [arn, p] : policies) out.items.push_back(p);
    out.marker = next_marker;
    return out;
  }
  Status DeletePolicy(std::string_view arn) override {
    OT_RETURN_IF_ERROR(GetPolicy(arn).status());
    policies.erase(std::string(arn));
    return Status::Ok();
  }
  Status AttachPolicy(bool group, std::string_view principal, std::string_view arn) override {
    OT_RETURN_IF_ERROR(group ? GetGroup(principal).status() : GetUser(principal).status());
    if (!policies.count(std::string(arn))) {
      return Status(Error::kNoSuchEntity,
                    "Policy " + std::string(arn) + " does not exist or is not attachable.");
    }
    return Status::Ok();
  }
  Status DetachPolicy(bool group, std::string_view principal, std::string_view arn) override {
    return AttachPolicy(group, principal, arn);
  }
  Result<iam::Listed<iam::AttachedPolicy>> ListAttachedPolicies(
      bool, std::string_view, std::string_view prefix, const iam::Page& page) const override {
    Remember(prefix, page);
    iam::Listed<iam::AttachedPolicy> out;
    for (const auto& [arn, p] : policies) out.items.push_back({p.name, arn});
    out.marker = next_marker;
    return out;
  }

  Result<iam::NewMfaDevice> CreateVirtualMfaDevice(std::string_view name, std::string_view path,
                                                   const std::vector<iam::Tag>&) override {
    iam::NewMfaDevice d;
    d.serial_number = "arn:aws:iam::" + std::string(kFakeAccount) + ":mfa" + std::string(path) +
                      std::string(name);
    d.base32_seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    d.qr_code_png = std::string("\x89PNG\r\n\x1a\n", 8);
    return d;
  }
  Status EnableMfaDevice(std::string_view, std::string_view, std::string_view code1,
                         std::string_view code2) override {
    last_codes = {std::string(code1), std::string(code2)};
    if (code1 == "000000") {
      return Status(Error::kInvalidAuthenticationCode,
                    "Authentication code for device is not valid.");
    }
    return Status::Ok();
  }
  Status DeactivateMfaDevice(std::string_view user, std::string_view) override {
    return GetUser(user).status();
  }
  Result<iam::Listed<iam::MfaDevice>> ListMfaDevices(std::string_view user,
                                                     const iam::Page& page) const override {
    OT_RETURN_IF_ERROR(GetUser(user).status());
    Remember("", page);
    iam::Listed<iam::MfaDevice> out;
    iam::MfaDevice d;
    d.serial_number = "arn:aws:iam::" + std::string(kFakeAccount) + ":mfa/phone";
    d.user_name = std::string(user);
    d.enable_date = Created();
    out.items.push_back(d);
    return out;
  }
  Result<iam::Listed<iam::MfaDevice>> ListVirtualMfaDevices(iam::MfaAssignment assignment,
                                                            const iam::Page& page) const override {
    Remember("", page);
    last_assignment = assignment;
    iam::Listed<iam::MfaDevice> out;
    iam::MfaDevice assigned;
    assigned.serial_number = "arn:aws:iam::" + std::string(kFakeAccount) + ":mfa/phone";
    assigned.user_name = "alice";
    assigned.enable_date = Created();
    iam::MfaDevice spare;
    spare.serial_number = "arn:aws:iam::" + std::string(kFakeAccount) + ":mfa/spare";
    out.items = {assigned, spare};
    return out;
  }
  Status DeleteVirtualMfaDevice(std::string_view serial) override {
    if (serial.find(":mfa/") == std::string_view::npos) {
      return Status(Error::kNoSuchEntity, "MFA device not found");
    }
    return Status::Ok();
  }

  Result<iam::SessionCredentials> GetSessionToken(const auth::Principal& caller,
                                                  std::optional<std::chrono::seconds> duration,
                                                  std::optional<std::string_view> serial,
                                                  std::optional<std::string_view> code) override {
    last_session_caller = caller.arn;
    last_duration = duration;
    last_serial = serial ? std::optional<std::string>(*serial) : std::nullopt;
    last_token = code ? std::optional<std::string>(*code) : std::nullopt;
    iam::SessionCredentials c;
    c.access_key_id = "ASIAZ3EXAMPLETEMP001";
    c.secret_access_key = "tMpS3cr3tKeyForUnitTests/ABCDEFGHIJKLMNO";
    c.session_token = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN==";
    c.expiration = Created() + duration.value_or(std::chrono::seconds(43200));
    return c;
  }

  Result<std::vector<auth::NamedPolicy>> PoliciesOf(const auth::Principal& p) const override {
    return PoliciesOfArn(p.arn);
  }
  Result<std::vector<auth::NamedPolicy>> PoliciesOfArn(std::string_view arn) const override {
    auto it = policies_of.find(std::string(arn));
    if (it == policies_of.end()) {
      return Status(Error::kNoSuchEntity, "No such principal: " + std::string(arn));
    }
    return it->second;
  }

  Result<std::optional<auth::NamedPolicy>> BoundaryOf(const auth::Principal& p) const override {
    auto it = boundaries.find(p.arn);
    if (it == boundaries.end()) return std::optional<auth::NamedPolicy>();
    return std::optional<auth::NamedPolicy>(it->second);
  }
  const std::string& AccountId() const override { return account_; }
  uint64_t Generation() const override { return 1; }

  std::map<std::string, auth::NamedPolicy> boundaries;  // by user ARN

 private:
  std::string account_{kFakeAccount};
  static std::string Key(bool group, std::string_view principal) {
    return (group ? "g:" : "u:") + std::string(principal);
  }
  void Remember(std::string_view prefix, const iam::Page& page) const {
    last_path_prefix = std::string(prefix);
    last_page = page;
  }
};

}  // namespace ot::api::handlers::testing
