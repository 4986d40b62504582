// IamRegistry: opening, persistence, and the user, group and access-key operations (iam.md
// §2.1, §2.2). Policies are in registry_policies.cc, MFA and sessions in registry_mfa.cc.
#include <algorithm>

#include "auth/managed_policies.h"
#include "common/encoding.h"
#include "crypto/aead.h"
#include "iam/internal/codec.h"
#include "iam/internal/registry_impl.h"
#include "iam/internal/rules.h"

namespace ot::iam {

using internal::GroupRec;
using internal::KeyRec;
using internal::Lower;
using internal::UserRec;

namespace internal {
namespace {

constexpr std::string_view kUserKind = "iam-user";
constexpr std::string_view kGroupKind = "iam-group";
constexpr std::string_view kKeyKind = "iam-key";
constexpr std::string_view kPolicyKind = "iam-policy";
constexpr std::string_view kMfaKind = "iam-mfa";
constexpr std::string_view kSessionKind = "iam-session";
constexpr std::string_view kAdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";
constexpr std::string_view kKeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

Status UserNotFound(std::string_view name) {
  return Status(Error::kNoSuchEntity,
                "The user with name " + std::string(name) + " cannot be found.");
}
Status GroupNotFound(std::string_view name) {
  return Status(Error::kNoSuchEntity,
                "The group with name " + std::string(name) + " cannot be found.");
}
Status KeyNotFound(std::string_view id) {
  return Status(Error::kNoSuchEntity,
                "The Access Key with id " + std::string(id) + " cannot be found.");
}
Status Conflict(std::string_view what) {
  return Status(Error::kDeleteConflict, "Cannot delete entity, must " + std::string(what));
}

std::string_view DefaultPath(std::string_view path) { return path.empty() ? "/" : path; }

bool UnderPrefix(std::string_view path, std::string_view prefix) {
  return prefix.empty() || path.starts_with(prefix);
}

}  // namespace

IamRegistryImpl::IamRegistryImpl(store::MetadataDb& db, auth::CredentialStore& credentials,
                                 Env& env, IamOptions options)
    : db_(db), credentials_(credentials), env_(env), options_(std::move(options)) {}

std::string IamRegistryImpl::UserArn(std::string_view path, std::string_view name) const {
  return "arn:aws:iam::" + options_.account_id + ":user" + std::string(path) + std::string(name);
}

std::string IamRegistryImpl::Seal(std::string_view plaintext, std::string_view context) const {
  return Base64Encode(crypto::AeadSeal(options_.master_key, env_.random, plaintext, context));
}

Result<std::string> IamRegistryImpl::Unseal(std::string_view sealed_b64,
                                            std::string_view context) const {
  auto sealed = Base64Decode(sealed_b64);
  if (!sealed) return Status(Error::kCorruption, "sealed secret of " + std::string(context));
  auto plain = crypto::AeadOpen(options_.master_key, *sealed, context);
  if (!plain.ok()) {
    return Status(Error::kCorruption,
                  "cannot open the secret of " + std::string(context) + " (wrong master key?)");
  }
  return std::move(*plain);
}

Status IamRegistryImpl::SaveUser(const UserRec& u) {
  return db_.PutDocument(kUserKind, Lower(u.user.name), EncodeUser(u));
}
Status IamRegistryImpl::SaveGroup(const GroupRec& g) {
  return db_.PutDocument(kGroupKind, Lower(g.group.name), EncodeGroup(g));
}
Status IamRegistryImpl::SaveKey(const KeyRec& k) {
  const std::string context = std::string(kKeyKind) + "/" + k.info.access_key_id;
  return db_.PutDocument(kKeyKind, k.info.access_key_id, EncodeKey(k, Seal(k.secret, context)));
}
Status IamRegistryImpl::SavePolicy(const PolicyRec& p) {
  return db_.PutDocument(kPolicyKind, p.meta.arn, EncodePolicy(p));
}
Status IamRegistryImpl::SaveMfa(const MfaRec& m) {
  const std::string context = std::string(kMfaKind) + "/" + m.device.serial_number;
  return db_.PutDocument(kMfaKind, m.device.serial_number, EncodeMfa(m, Seal(m.seed, context)));
}
Status IamRegistryImpl::SaveSession(const SessionRec& s) {
  const std::string context = std::string(kSessionKind) + "/" + s.creds.access_key_id;
  return db_.PutDocument(kSessionKind, s.creds.access_key_id,
                         EncodeSession(s, Seal(s.creds.secret_access_key, context),
                                       Seal(s.creds.session_token, context + "/token")));
}
Status IamRegistryImpl::DeleteDoc(DocKind kind, std::string_view id) {
  switch (kind) {
    case DocKind::kUser:
      return db_.DeleteDocument(kUserKind, id);
    case DocKind::kGroup:
      return db_.DeleteDocument(kGroupKind, id);
    case DocKind::kKey:
      return db_.DeleteDocument(kKeyKind, id);
    case DocKind::kPolicy:
      return db_.DeleteDocument(kPolicyKind, id);
    case DocKind::kMfa:
      return db_.DeleteDocument(kMfaKind, id);
    case DocKind::kSession:
      return db_.DeleteDocument(kSessionKind, id);
  }
  return Status(Error::kInternal, "unknown IAM document kind");
}

void IamRegistryImpl::PutCredential(const KeyRec& k, const UserRec& u) {
  auth::AccessKey key;
  key.access_key_id = k.info.access_key_id;
  key.secret_access_key = k.secret;
  key.principal.type = auth::PrincipalType::kIAMUser;
  key.principal.account_id = options_.account_id;
  key.principal.principal_id = u.user.id;
  key.principal.arn = u.user.arn;
  key.principal.user_name = u.user.name;
  key.principal.access_key_id = k.info.access_key_id;
  credentials_.Put(std::move(key));
}

void IamRegistryImpl::PutSessionCredential(const SessionRec& s) {
  auth::AccessKey key;
  key.access_key_id = s.creds.access_key_id;
  key.secret_access_key = s.creds.secret_access_key;
  key.session_token = s.creds.session_token;
  key.expiration = s.creds.expiration;
  key.principal = s.principal;
  credentials_.Put(std::move(key));
}

Status IamRegistryImpl::Load() {
  for (const auth::ManagedPolicy& m : auth::AwsManagedPolicies()) {
    auto compiled = auth::ParsePolicy(m.document);
    OT_CHECK(compiled.ok());
    aws_compiled_.emplace(std::string(m.arn), std::move(*compiled));
  }
  auto corrupt = [](std::string_view kind, std::string_view id, const Status& s) {
    return Status(Error::kCorruption,
                  std::string(kind) + " document " + std::string(id) + ": " + s.message());
  };
  OT_ASSIGN_OR_RETURN(auto user_docs, db_.ListDocuments(kUserKind));
  for (const auto& [id, json] : user_docs) {
    auto u = DecodeUser(json);
    if (!u.ok()) return corrupt(kUserKind, id, u.status());
    users_.emplace(Lower(u->user.name), std::move(*u));
  }
  OT_ASSIGN_OR_RETURN(auto group_docs, db_.ListDocuments(kGroupKind));
  for (const auto& [id, json] : group_docs) {
    auto g = DecodeGroup(json);
    if (!g.ok()) return corrupt(kGroupKind, id, g.status());
    groups_.emplace(Lower(g->group.name), std::move(*g));
  }
  OT_ASSIGN_OR_RETURN(auto policy_docs, db_.ListDocuments(kPolicyKind));
  for (const auto& [id, json] : policy_docs) {
    auto p = DecodePolicy(json);
    if (!p.ok()) return corrupt(kPolicyKind, id, p.status());
    policy_names_[Lower(p->meta.name)] = p->meta.arn;
    policies_.emplace(p->meta.arn, std::move(*p));
  }
  OT_ASSIGN_OR_RETURN(auto key_docs, db_.ListDocuments(kKeyKind));
  for (const auto& [id, json] : key_docs) {
    std::string sealed;
    auto k = DecodeKey(json, &sealed);
    if (!k.ok()) return corrupt(kKeyKind, id, k.status());
    OT_ASSIGN_OR_RETURN(k->secret, Unseal(sealed, std::string(kKeyKind) + "/" + id));
    auto u = users_.find(Lower(k->info.user_name));
    if (u == users_.end()) return corrupt(kKeyKind, id, Status(Error::kCorruption, "no user"));
    if (k->info.status == KeyStatus::kActive) PutCredential(*k, u->second);
    keys_.emplace(id, std::move(*k));
  }
  OT_ASSIGN_OR_RETURN(auto mfa_docs, db_.ListDocuments(kMfaKind));
  for (const auto& [id, json] : mfa_docs) {
    std::string sealed;
    auto m = DecodeMfa(json, &sealed);
    if (!m.ok()) return corrupt(kMfaKind, id, m.status());
    OT_ASSIGN_OR_RETURN(m->seed, Unseal(sealed, std::string(kMfaKind) + "/" + id));
    mfa_.emplace(id, std::move(*m));
  }
  OT_ASSIGN_OR_RETURN(auto session_docs, db_.ListDocuments(kSessionKind));
  const SysMillis now = env_.clock.Now();
  for (const auto& [id, json] : session_docs) {
    std::string sealed_secret, sealed_token;
    auto s = DecodeSession(json, &sealed_secret, &sealed_token);
    if (!s.ok()) return corrupt(kSessionKind, id, s.status());
    if (s->creds.expiration <= now) {
      OT_RETURN_IF_ERROR(db_.DeleteDocument(kSessionKind, id));
      continue;
    }
    const std::string context = std::string(kSessionKind) + "/" + id;
    OT_ASSIGN_OR_RETURN(s->creds.secret_access_key, Unseal(sealed_secret, context));
    OT_ASSIGN_OR_RETURN(s->creds.session_token, Unseal(sealed_token, context + "/token"));
    s->principal.account_id = options_.account_id;
    PutSessionCredential(*s);
    sessions_.emplace(id, std::move(*s));
  }
  return Status::Ok();
}

Status IamRegistryImpl::Bootstrap() {
  std::lock_guard lock(mu_);
  if (options_.admin_user_name.empty()) return Status::Ok();
  const std::string key = Lower(options_.admin_user_name);
  if (!users_.contains(key)) {
    OT_RETURN_IF_ERROR(ValidateName(options_.admin_user_name, "userName", 64));
    UserRec u;
    u.user.name = options_.admin_user_name;
    u.user.path = "/";
    u.user.id =
        options_.admin_user_id.empty() ? NewUniqueId(env_.random, "AIDA") : options_.admin_user_id;
    u.user.arn = UserArn("/", u.user.name);
    u.user.created = env_.clock.Now();
    u.attached.emplace_back(kAdministratorAccess);
    OT_RETURN_IF_ERROR(SaveUser(u));
    users_.emplace(key, std::move(u));
  }
  if (!options_.admin_access_key_id.empty() && !keys_.contains(options_.admin_access_key_id)) {
    KeyRec k;
    k.info.user_name = users_.at(key).user.name;
    k.info.access_key_id = options_.admin_access_key_id;
    k.info.created = env_.clock.Now();
    k.secret = options_.admin_secret_access_key;
    OT_RETURN_IF_ERROR(SaveKey(k));
    PutCredential(k, users_.at(key));
    keys_.emplace(k.info.access_key_id, std::move(k));
  }
  return Status::Ok();
}

// ----------------------------------------------------------------------------------------------
// Lookups

Result<UserRec*> IamRegistryImpl::FindUser(std::string_view name) {
  OT_RETURN_IF_ERROR(ValidateName(name, "userName", 64));
  auto it = users_.find(Lower(name));
  if (it == users_.end()) return UserNotFound(name);
  return &it->second;
}
Result<const UserRec*> IamRegistryImpl::FindUser(std::string_view name) const {
  OT_RETURN_IF_ERROR(ValidateName(name, "userName", 64));
  auto it = users_.find(Lower(name));
  if (it == users_.end()) return UserNotFound(name);
  return &it->second;
}
Result<GroupRec*> IamRegistryImpl::FindGroup(std::string_view name) {
  OT_RETURN_IF_ERROR(ValidateName(name, "groupName", 128));
  auto it = groups_.find(Lower(name));
  if (it == groups_.end()) return GroupNotFound(name);
  return &it->second;
}
Result<const GroupRec*> IamRegistryImpl::FindGroup(std::string_view name) const {
  OT_RETURN_IF_ERROR(ValidateName(name, "groupName", 128));
  auto it = groups_.find(Lower(name));
  if (it == groups_.end()) return GroupNotFound(name);
  return &it->second;
}

// ----------------------------------------------------------------------------------------------
// Users

Result<User> IamRegistryImpl::CreateUser(std::string_view name, std::string_view path,
                                         const std::vector<Tag>& tags,
                                         std::optional<std::string_view> permissions_boundary) {
  OT_RETURN_IF_ERROR(ValidateName(name, "userName", 64));
  path = DefaultPath(path);
  OT_RETURN_IF_ERROR(ValidatePath(path));
  OT_RETURN_IF_ERROR(ValidateTags(tags, "TagsPerUser"));
  std::lock_guard lock(mu_);
  if (permissions_boundary) {
    auto meta = PolicyMeta(*permissions_boundary);
    if (!meta.ok()) {
      if (meta.status().code() != Error::kNoSuchEntity) return meta.status();
      return Status(Error::kNoSuchEntity, "Scope ARN: " + std::string(*permissions_boundary) +
                                              " does not exist or is not attachable.");
    }
  }
  const std::string key = Lower(name);
  if (users_.contains(key)) {
    return Status(Error::kEntityAlreadyExists,
                  "User with name " + std::string(name) + " already exists.");
  }
  if (users_.size() >= 5000) return QuotaExceeded("UsersPerAccount", 5000);
  UserRec u;
  u.user.name = name;
  u.user.path = path;
  u.user.id = NewUniqueId(env_.random, "AIDA");
  u.user.arn = UserArn(path, name);
  u.user.created = env_.clock.Now();
  if (permissions_boundary) u.user.permissions_boundary = std::string(*permissions_boundary);
  u.user.tags = tags;
  OT_RETURN_IF_ERROR(SaveUser(u));
  User out = u.user;
  users_.emplace(key, std::move(u));
  Changed();
  return out;
}

Result<User> IamRegistryImpl::GetUser(std::string_view name) const {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(const UserRec* u, FindUser(name));
  return u->user;
}

Result<Listed<User>> IamRegistryImpl::ListUsers(std::string_view path_prefix,
                                                const Page& page) const {
  OT_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix));
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, User>> sorted;
  for (const auto& [key, u] : users_) {
    if (!UnderPrefix(u.user.path, path_prefix)) continue;
    User listed = u.user;  // ListUsers shows neither tags nor the boundary
    listed.tags.clear();
    listed.permissions_boundary.reset();
    sorted.emplace_back(key, std::move(listed));
  }
  return TakePage(std::move(sorted), after, page.max_items);
}

Status IamRegistryImpl::DeleteUser(std::string_view name) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(name));
  const std::string key = Lower(u->user.name);
  // The order of iam.md §2.1's DeleteConflict messages.
  for (const auto& [id, k] : keys_) {
    if (Lower(k.info.user_name) == key) return Conflict("delete access keys first.");
  }
  if (!u->inline_policies.empty()) return Conflict("delete policies first.");
  if (!u->attached.empty()) return Conflict("detach all policies first.");
  if (!u->groups.empty()) return Conflict("remove user from all groups first.");
  for (const auto& [serial, m] : mfa_) {
    if (m.device.user_name && Lower(*m.device.user_name) == key) {
      return Conflict("delete MFA device first.");
    }
  }
  // Its sessions end with it: a later user of the same name must not inherit them.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.principal.principal_id == u->user.id) {
      OT_RETURN_IF_ERROR(DeleteDoc(DocKind::kSession, it->first));
      credentials_.Remove(it->first);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  OT_RETURN_IF_ERROR(DeleteDoc(DocKind::kUser, key));
  users_.erase(key);
  Changed();
  return Status::Ok();
}

// ----------------------------------------------------------------------------------------------
// Groups

Result<Group> IamRegistryImpl::CreateGroup(std::string_view name, std::string_view path) {
  OT_RETURN_IF_ERROR(ValidateName(name, "groupName", 128));
  path = DefaultPath(path);
  OT_RETURN_IF_ERROR(ValidatePath(path));
  std::lock_guard lock(mu_);
  const std::string key = Lower(name);
  if (groups_.contains(key)) {
    return Status(Error::kEntityAlreadyExists,
                  "Group with name " + std::string(name) + " already exists.");
  }
  if (groups_.size() >= 300) return QuotaExceeded("GroupsPerAccount", 300);
  GroupRec g;
  g.group.name = name;
  g.group.path = path;
  g.group.id = NewUniqueId(env_.random, "AGPA");
  g.group.arn =
      "arn:aws:iam::" + options_.account_id + ":group" + std::string(path) + std::string(name);
  g.group.created = env_.clock.Now();
  OT_RETURN_IF_ERROR(SaveGroup(g));
  Group out = g.group;
  groups_.emplace(key, std::move(g));
  Changed();
  return out;
}

Result<Group> IamRegistryImpl::GetGroup(std::string_view name) const {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(const GroupRec* g, FindGroup(name));
  return g->group;
}

Result<Listed<User>> IamRegistryImpl::GroupMembers(std::string_view group, const Page& page) const {
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(const GroupRec* g, FindGroup(group));
  const std::string gkey = Lower(g->group.name);
  std::vector<std::pair<std::string, User>> sorted;
  for (const auto& [key, u] : users_) {
    if (std::binary_search(u.groups.begin(), u.groups.end(), gkey)) {
      sorted.emplace_back(key, u.user);
    }
  }
  return TakePage(std::move(sorted), after, page.max_items);
}

Result<Listed<Group>> IamRegistryImpl::ListGroups(std::string_view path_prefix,
                                                  const Page& page) const {
  OT_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix));
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, Group>> sorted;
  for (const auto& [key, g] : groups_) {
    if (UnderPrefix(g.group.path, path_prefix)) sorted.emplace_back(key, g.group);
  }
  return TakePage(std::move(sorted), after, page.max_items);
}

Status IamRegistryImpl::DeleteGroup(std::string_view name) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(GroupRec * g, FindGroup(name));
  const std::string key = Lower(g->group.name);
  for (const auto& [ukey, u] : users_) {
    if (std::binary_search(u.groups.begin(), u.groups.end(), key)) {
      return Conflict("remove users from group first.");
    }
  }
  if (!g->inline_policies.empty()) return Conflict("delete policies first.");
  if (!g->attached.empty()) return Conflict("detach all policies first.");
  OT_RETURN_IF_ERROR(DeleteDoc(DocKind::kGroup, key));
  groups_.erase(key);
  Changed();
  return Status::Ok();
}

Status IamRegistryImpl::AddUserToGroup(std::string_view group, std::string_view user) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(GroupRec * g, FindGroup(group));
  OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(user));
  const std::string gkey = Lower(g->group.name);
  if (std::binary_search(u->groups.begin(), u->groups.end(), gkey)) return Status::Ok();
  if (u->groups.size() >= 10) return QuotaExceeded("GroupsPerUser", 10);
  UserRec updated = *u;
  updated.groups.insert(std::lower_bound(updated.groups.begin(), updated.groups.end(), gkey), gkey);
  OT_RETURN_IF_ERROR(SaveUser(updated));
  *u = std::move(updated);
  Changed();
  return Status::Ok();
}

Status IamRegistryImpl::RemoveUserFromGroup(std::string_view group, std::string_view user) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(GroupRec * g, FindGroup(group));
  OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(user));
  const std::string gkey = Lower(g->group.name);
  auto it = std::lower_bound(u->groups.begin(), u->groups.end(), gkey);
  if (it == u->groups.end() || *it != gkey) {
    return Status(Error::kNoSuchEntity, "The user with name " + u->user.name +
                                            " is not a member of the group " + g->group.name + ".");
  }
  UserRec updated = *u;
  updated.groups.erase(updated.groups.begin() + (it - u->groups.begin()));
  OT_RETURN_IF_ERROR(SaveUser(updated));
  *u = std::move(updated);
  Changed();
  return Status::Ok();
}

Result<Listed<Group>> IamRegistryImpl::ListGroupsForUser(std::string_view user,
                                                         const Page& page) const {
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(const UserRec* u, FindUser(user));
  std::vector<std::pair<std::string, Group>> sorted;
  for (const std::string& gkey : u->groups) {
    auto it = groups_.find(gkey);
    if (it != groups_.end()) sorted.emplace_back(gkey, it->second.group);
  }
  return TakePage(std::move(sorted), after, page.max_items);
}

// ----------------------------------------------------------------------------------------------
// Access keys

Result<NewAccessKey> IamRegistryImpl::CreateAccessKey(std::string_view user) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(user));
  const std::string ukey = Lower(u->user.name);
  const auto owned = std::count_if(keys_.begin(), keys_.end(), [&](const auto& kv) {
    return Lower(kv.second.info.user_name) == ukey;
  });
  if (owned >= 2) return QuotaExceeded("AccessKeysPerUser", 2);
  KeyRec k;
  k.info.user_name = u->user.name;
  do {
    k.info.access_key_id = "AKIA" + RandomChars(env_.random, kKeyIdAlphabet, 16);
  } while (keys_.contains(k.info.access_key_id) || sessions_.contains(k.info.access_key_id));
  k.info.status = KeyStatus::kActive;
  k.info.created = env_.clock.Now();
  k.secret = RandomChars(env_.random, kSecretAlphabet, 40);
  OT_RETURN_IF_ERROR(SaveKey(k));
  PutCredential(k, *u);
  NewAccessKey out{k.info, k.secret};
  keys_.emplace(k.info.access_key_id, std::move(k));
  Changed();
  return out;
}

Result<Listed<AccessKeyInfo>> IamRegistryImpl::ListAccessKeys(std::string_view user,
                                                              const Page& page) const {
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(const UserRec* u, FindUser(user));
  const std::string ukey = Lower(u->user.name);
  std::vector<std::pair<std::string, AccessKeyInfo>> sorted;
  for (const auto& [id, k] : keys_) {
    if (Lower(k.info.user_name) == ukey) sorted.emplace_back(id, k.info);
  }
  return TakePage(std::move(sorted), after, page.max_items);
}

Status IamRegistryImpl::UpdateAccessKey(std::string_view user, std::string_view access_key_id,
                                        KeyStatus status) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(user));
  auto it = keys_.find(std::string(access_key_id));
  if (it == keys_.end() || Lower(it->second.info.user_name) != Lower(u->user.name)) {
    return KeyNotFound(access_key_id);
  }
  KeyRec updated = it->second;
  updated.info.status = status;
  OT_RETURN_IF_ERROR(SaveKey(updated));
  it->second = std::move(updated);
  if (status == KeyStatus::kActive) {
    PutCredential(it->second, *u);
  } else {
    credentials_.Remove(access_key_id);
  }
  Changed();
  return Status::Ok();
}

Status IamRegistryImpl::DeleteAccessKey(std::string_view user, std::string_view access_key_id) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(user));
  auto it = keys_.find(std::string(access_key_id));
  if (it == keys_.end() || Lower(it->second.info.user_name) != Lower(u->user.name)) {
    return KeyNotFound(access_key_id);
  }
  OT_RETURN_IF_ERROR(DeleteDoc(DocKind::kKey, access_key_id));
  credentials_.Remove(access_key_id);
  keys_.erase(it);
  Changed();
  return Status::Ok();
}

Result<std::string> IamRegistryImpl::UserOfAccessKey(std::string_view access_key_id) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(std::string(access_key_id));
  if (it == keys_.end()) return KeyNotFound(access_key_id);
  return it->second.info.user_name;
}

}  // namespace internal

Result<std::unique_ptr<IamRegistry>> IamRegistry::Open(store::MetadataDb& db,
                                                       auth::CredentialStore& credentials, Env& env,
                                                       IamOptions options) {
  if (options.master_key.size() != crypto::kAeadKeyBytes) {
    return Status(Error::kInvalidInput, "the IAM master key must be 32 bytes");
  }
  if (options.account_id.empty()) return Status(Error::kInvalidInput, "no account id for IAM");
  auto registry =
      std::make_unique<internal::IamRegistryImpl>(db, credentials, env, std::move(options));
  {
    std::lock_guard lock(registry->mu());
    OT_RETURN_IF_ERROR(registry->Load());
  }
  OT_RETURN_IF_ERROR(registry->Bootstrap());
  return std::unique_ptr<IamRegistry>(std::move(registry));
}

}  // namespace ot::iam
