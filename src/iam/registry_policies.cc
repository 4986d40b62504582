// IamRegistry: inline and managed policies, attachment (iam.md §2.3, §2.4), and the policy sets
// the authorizer and SimulatePrincipalPolicy evaluate.
#include <algorithm>
#include <set>

#include "auth/managed_policies.h"
#include "common/time.h"
#include "iam/internal/registry_impl.h"
#include "iam/internal/rules.h"

namespace ot::iam::internal {
namespace {

constexpr size_t kUserInlineQuota = 2048;
constexpr size_t kGroupInlineQuota = 5120;
constexpr size_t kManagedPolicyQuota = 6144;
constexpr size_t kAttachedQuota = 10;

Status InvalidArn(std::string_view arn) {
  return Status(Error::kInvalidInput, "ARN " + std::string(arn) + " is not valid.");
}

// arn:aws:iam::<account or "aws">:policy/<path/name>.
bool IsPolicyArn(std::string_view arn) {
  if (!arn.starts_with("arn:aws:iam::")) return false;
  const size_t colon = arn.find(':', 13);
  return colon != std::string_view::npos && arn.substr(colon + 1).starts_with("policy/") &&
         arn.size() > colon + 8 && arn.back() != '/';
}

SysMillis ParseStaticDate(std::string_view text) {
  auto t = ParseIso8601(text);
  OT_CHECK(t.ok());
  return *t;
}

ManagedPolicy FromAws(const auth::ManagedPolicy& m) {
  ManagedPolicy p;
  p.name = m.name;
  p.id = m.policy_id;
  p.arn = m.arn;
  p.path = m.path;
  p.description = m.description;
  p.default_version_id = m.default_version_id;
  p.aws_managed = true;
  p.created = ParseStaticDate(m.create_date);
  p.updated = ParseStaticDate(m.update_date);
  return p;
}

Status ParseDocument(std::string_view document, bool managed, auth::Policy* out) {
  if (document.empty()) {
    return ValidationError(document, "policyDocument",
                           "Member must have length greater than or equal to 1");
  }
  auth::ParseOptions options;
  options.require_2012_version = managed;
  OT_ASSIGN_OR_RETURN(*out, auth::ParsePolicy(document, options));
  return Status::Ok();
}

std::string_view Kind(bool group) { return group ? "group" : "user"; }

}  // namespace

// ----------------------------------------------------------------------------------------------
// Lookups

int IamRegistryImpl::AttachmentCount(std::string_view arn) const {
  int n = 0;
  for (const auto& [k, u] : users_)
    n += static_cast<int>(std::count(u.attached.begin(), u.attached.end(), arn));
  for (const auto& [k, g] : groups_)
    n += static_cast<int>(std::count(g.attached.begin(), g.attached.end(), arn));
  return n;
}

Result<ManagedPolicy> IamRegistryImpl::PolicyMeta(std::string_view arn) const {
  if (!IsPolicyArn(arn)) return InvalidArn(arn);
  ManagedPolicy out;
  if (const auth::ManagedPolicy* m = auth::FindAwsManagedPolicy(arn)) {
    out = FromAws(*m);
  } else {
    auto it = policies_.find(std::string(arn));
    if (it == policies_.end()) {
      return Status(Error::kNoSuchEntity, "Policy " + std::string(arn) + " was not found.");
    }
    out = it->second.meta;
  }
  out.attachment_count = AttachmentCount(arn);
  return out;
}

const auth::Policy* IamRegistryImpl::CompiledManaged(std::string_view arn) const {
  auto aws = aws_compiled_.find(std::string(arn));
  if (aws != aws_compiled_.end()) return &aws->second;
  auto it = policies_.find(std::string(arn));
  return it == policies_.end() ? nullptr : &it->second.compiled;
}

Result<IamRegistryImpl::HolderView> IamRegistryImpl::ViewHolder(bool group,
                                                                std::string_view name) const {
  if (group) {
    OT_ASSIGN_OR_RETURN(const GroupRec* g, FindGroup(name));
    return HolderView{&g->inline_policies, &g->attached};
  }
  OT_ASSIGN_OR_RETURN(const UserRec* u, FindUser(name));
  return HolderView{&u->inline_policies, &u->attached};
}

Status IamRegistryImpl::MutateHolder(bool group, std::string_view name, const HolderFn& fn) {
  if (group) {
    OT_ASSIGN_OR_RETURN(GroupRec * g, FindGroup(name));
    GroupRec copy = *g;
    OT_RETURN_IF_ERROR(fn(copy.inline_policies, copy.attached, copy.group.name));
    OT_RETURN_IF_ERROR(SaveGroup(copy));
    *g = std::move(copy);
  } else {
    OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(name));
    UserRec copy = *u;
    OT_RETURN_IF_ERROR(fn(copy.inline_policies, copy.attached, copy.user.name));
    OT_RETURN_IF_ERROR(SaveUser(copy));
    *u = std::move(copy);
  }
  Changed();
  return Status::Ok();
}

// ----------------------------------------------------------------------------------------------
// Inline policies

Status IamRegistryImpl::PutInlinePolicy(bool group, std::string_view principal,
                                        std::string_view policy_name, std::string_view document) {
  OT_RETURN_IF_ERROR(ValidateName(policy_name, "policyName", 128));
  auth::Policy compiled;
  OT_RETURN_IF_ERROR(ParseDocument(document, /*managed=*/false, &compiled));
  std::lock_guard lock(mu_);
  return MutateHolder(group, principal, [&](auto& inline_policies, auto&, const std::string& who) {
    size_t total = auth::PolicySizeForQuota(document);
    for (const auto& [name, p] : inline_policies) {
      if (name != policy_name) total += auth::PolicySizeForQuota(p.document);
    }
    const size_t quota = group ? kGroupInlineQuota : kUserInlineQuota;
    if (total > quota) {
      return Status(Error::kLimitExceeded, "Maximum policy size of " + std::to_string(quota) +
                                               " bytes exceeded for " + std::string(Kind(group)) +
                                               " " + who);
    }
    inline_policies[std::string(policy_name)] = InlinePolicy{std::string(document), compiled};
    return Status::Ok();
  });
}

Result<std::string> IamRegistryImpl::GetInlinePolicy(bool group, std::string_view principal,
                                                     std::string_view policy_name) const {
  OT_RETURN_IF_ERROR(ValidateName(policy_name, "policyName", 128));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(HolderView h, ViewHolder(group, principal));
  auto it = h.inline_policies->find(std::string(policy_name));
  if (it == h.inline_policies->end()) {
    return Status(Error::kNoSuchEntity, "The " + std::string(Kind(group)) + " policy with name " +
                                            std::string(policy_name) + " cannot be found.");
  }
  return it->second.document;
}

Status IamRegistryImpl::DeleteInlinePolicy(bool group, std::string_view principal,
                                           std::string_view policy_name) {
  OT_RETURN_IF_ERROR(ValidateName(policy_name, "policyName", 128));
  std::lock_guard lock(mu_);
  return MutateHolder(group, principal, [&](auto& inline_policies, auto&, const std::string&) {
    if (inline_policies.erase(std::string(policy_name)) == 0) {
      return Status(Error::kNoSuchEntity, "The " + std::string(Kind(group)) + " policy with name " +
                                              std::string(policy_name) + " cannot be found.");
    }
    return Status::Ok();
  });
}

Result<Listed<std::string>> IamRegistryImpl::ListInlinePolicies(bool group,
                                                                std::string_view principal,
                                                                const Page& page) const {
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(HolderView h, ViewHolder(group, principal));
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const auto& [name, p] : *h.inline_policies) sorted.emplace_back(name, name);
  return TakePage(std::move(sorted), after, page.max_items);
}

// ----------------------------------------------------------------------------------------------
// Managed policies

Result<ManagedPolicy> IamRegistryImpl::CreatePolicy(std::string_view name, std::string_view path,
                                                    std::string_view description,
                                                    std::string_view document,
                                                    const std::vector<Tag>& tags) {
  OT_RETURN_IF_ERROR(ValidateName(name, "policyName", 128));
  if (path.empty()) path = "/";
  OT_RETURN_IF_ERROR(ValidatePath(path));
  if (description.size() > 1000) {
    return ValidationError(description, "description",
                           "Member must have length less than or equal to 1000");
  }
  OT_RETURN_IF_ERROR(ValidateTags(tags, "TagsPerPolicy"));
  auth::Policy compiled;
  OT_RETURN_IF_ERROR(ParseDocument(document, /*managed=*/true, &compiled));
  if (auth::PolicySizeForQuota(document) > kManagedPolicyQuota) {
    return QuotaExceeded("PolicySize", static_cast<int>(kManagedPolicyQuota));
  }
  std::lock_guard lock(mu_);
  if (policy_names_.contains(Lower(name))) {
    return Status(Error::kEntityAlreadyExists, "A policy called " + std::string(name) +
                                                   " already exists. Duplicate names are not "
                                                   "allowed.");
  }
  if (policies_.size() >= 1500) return QuotaExceeded("PoliciesPerAccount", 1500);
  PolicyRec p;
  p.meta.name = name;
  p.meta.id = NewUniqueId(env_.random, "ANPA");
  p.meta.arn =
      "arn:aws:iam::" + options_.account_id + ":policy" + std::string(path) + std::string(name);
  p.meta.path = path;
  p.meta.description = description;
  p.meta.default_version_id = "v1";
  p.meta.created = p.meta.updated = env_.clock.Now();
  p.meta.tags = tags;
  p.versions.push_back(PolicyVersion{"v1", std::string(document), true, p.meta.created});
  p.compiled = std::move(compiled);
  if (policies_.contains(p.meta.arn)) {  // a case variant of a deleted policy's path + name
    return Status(Error::kEntityAlreadyExists, "A policy called " + std::string(name) +
                                                   " already exists. Duplicate names are not "
                                                   "allowed.");
  }
  OT_RETURN_IF_ERROR(SavePolicy(p));
  ManagedPolicy out = p.meta;
  policy_names_[Lower(name)] = p.meta.arn;
  policies_.emplace(p.meta.arn, std::move(p));
  Changed();
  return out;
}

Result<ManagedPolicy> IamRegistryImpl::GetPolicy(std::string_view arn) const {
  std::lock_guard lock(mu_);
  return PolicyMeta(arn);
}

Result<PolicyVersion> IamRegistryImpl::GetPolicyVersion(std::string_view arn,
                                                        std::string_view version_id) const {
  const bool version_ok = version_id.size() >= 2 && version_id[0] == 'v' && version_id[1] >= '1' &&
                          version_id[1] <= '9' &&
                          std::all_of(version_id.begin() + 1, version_id.end(), [](char c) {
                            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                                   (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
                          });
  if (!version_ok) {
    return ValidationError(version_id, "versionId",
                           "Member must satisfy regular expression pattern: "
                           "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
  }
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(ManagedPolicy meta, PolicyMeta(arn));
  if (const auth::ManagedPolicy* m = auth::FindAwsManagedPolicy(arn)) {
    if (version_id == m->default_version_id) {
      return PolicyVersion{std::string(version_id), std::string(m->document), true, meta.updated};
    }
  } else {
    for (const PolicyVersion& v : policies_.at(std::string(arn)).versions) {
      if (v.version_id == version_id) return v;
    }
  }
  return Status(Error::kNoSuchEntity, "Policy " + std::string(arn) + " version " +
                                          std::string(version_id) + " does not exist.");
}

Result<Listed<ManagedPolicy>> IamRegistryImpl::ListPolicies(PolicyScope scope, bool only_attached,
                                                            std::string_view path_prefix,
                                                            const Page& page) const {
  OT_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix));
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, ManagedPolicy>> sorted;
  auto consider = [&](ManagedPolicy p) {
    if (!path_prefix.empty() && !p.path.starts_with(path_prefix)) return;
    p.attachment_count = AttachmentCount(p.arn);
    if (only_attached && p.attachment_count == 0) return;
    p.description.clear();  // ListPolicies shows neither description nor tags
    p.tags.clear();
    std::string key = Lower(p.name) + '\0' + p.arn;
    sorted.emplace_back(std::move(key), std::move(p));
  };
  if (scope != PolicyScope::kLocal) {
    for (const auth::ManagedPolicy& m : auth::AwsManagedPolicies()) consider(FromAws(m));
  }
  if (scope != PolicyScope::kAws) {
    for (const auto& [arn, p] : policies_) consider(p.meta);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return TakePage(std::move(sorted), after, page.max_items);
}

Status IamRegistryImpl::DeletePolicy(std::string_view arn) {
  std::lock_guard lock(mu_);
  OT_RETURN_IF_ERROR(PolicyMeta(arn).status());
  if (auth::FindAwsManagedPolicy(arn) != nullptr) {
    return Status(Error::kInvalidInput,
                  "Cannot delete the AWS managed policy " + std::string(arn) + ".");
  }
  bool used = AttachmentCount(arn) > 0;
  for (const auto& [k, u] : users_) used = used || u.user.permissions_boundary == arn;
  if (used) {
    return Status(Error::kDeleteConflict, "Cannot delete a policy attached to entities.");
  }
  const PolicyRec& p = policies_.at(std::string(arn));
  if (p.versions.size() > 1) {
    return Status(Error::kDeleteConflict, "Cannot delete a policy with non-default versions.");
  }
  const std::string name_key = Lower(p.meta.name);
  OT_RETURN_IF_ERROR(DeleteDoc(DocKind::kPolicy, arn));
  policy_names_.erase(name_key);
  policies_.erase(std::string(arn));
  Changed();
  return Status::Ok();
}

Status IamRegistryImpl::AttachPolicy(bool group, std::string_view principal,
                                     std::string_view policy_arn) {
  if (!IsPolicyArn(policy_arn)) return InvalidArn(policy_arn);
  std::lock_guard lock(mu_);
  OT_RETURN_IF_ERROR(ViewHolder(group, principal).status());
  if (CompiledManaged(policy_arn) == nullptr) {
    return Status(Error::kNoSuchEntity,
                  "Policy " + std::string(policy_arn) + " does not exist or is not attachable.");
  }
  return MutateHolder(group, principal, [&](auto&, auto& attached, const std::string&) {
    if (std::find(attached.begin(), attached.end(), policy_arn) != attached.end()) {
      return Status::Ok();
    }
    if (attached.size() >= kAttachedQuota) {
      return QuotaExceeded(group ? "PoliciesPerGroup" : "PoliciesPerUser",
                           static_cast<int>(kAttachedQuota));
    }
    attached.emplace_back(policy_arn);
    return Status::Ok();
  });
}

Status IamRegistryImpl::DetachPolicy(bool group, std::string_view principal,
                                     std::string_view policy_arn) {
  if (!IsPolicyArn(policy_arn)) return InvalidArn(policy_arn);
  std::lock_guard lock(mu_);
  return MutateHolder(group, principal, [&](auto&, auto& attached, const std::string&) {
    auto it = std::find(attached.begin(), attached.end(), policy_arn);
    if (it == attached.end()) {
      return Status(Error::kNoSuchEntity, "Policy " + std::string(policy_arn) + " was not found.");
    }
    attached.erase(it);
    return Status::Ok();
  });
}

Result<Listed<AttachedPolicy>> IamRegistryImpl::ListAttachedPolicies(bool group,
                                                                     std::string_view principal,
                                                                     std::string_view path_prefix,
                                                                     const Page& page) const {
  OT_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix));
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(HolderView h, ViewHolder(group, principal));
  std::vector<std::pair<std::string, AttachedPolicy>> sorted;
  for (const std::string& arn : *h.attached) {
    auto meta = PolicyMeta(arn);
    if (!meta.ok()) continue;  // cannot happen: attached policies cannot be deleted
    if (!path_prefix.empty() && !meta->path.starts_with(path_prefix)) continue;
    sorted.emplace_back(Lower(meta->name) + '\0' + arn, AttachedPolicy{meta->name, arn});
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return TakePage(std::move(sorted), after, page.max_items);
}

// ----------------------------------------------------------------------------------------------
// Policy sets

void IamRegistryImpl::AppendHolderPolicies(
    const std::map<std::string, InlinePolicy>& inline_policies,
    const std::vector<std::string>& attached, auth::PolicySourceType inline_type,
    std::vector<auth::NamedPolicy>* out) const {
  for (const auto& [name, p] : inline_policies) {
    out->push_back(auth::NamedPolicy{name, inline_type, p.compiled});
  }
  for (const std::string& arn : attached) {
    const bool seen = std::any_of(out->begin(), out->end(), [&](const auth::NamedPolicy& n) {
      return n.id == arn && (n.source_type == auth::PolicySourceType::kAwsManaged ||
                             n.source_type == auth::PolicySourceType::kUserManaged);
    });
    const auth::Policy* compiled = CompiledManaged(arn);
    if (seen || compiled == nullptr) continue;
    const bool aws = auth::FindAwsManagedPolicy(arn) != nullptr;
    out->push_back(auth::NamedPolicy{
        arn, aws ? auth::PolicySourceType::kAwsManaged : auth::PolicySourceType::kUserManaged,
        *compiled});
  }
}

void IamRegistryImpl::AppendPolicies(const UserRec& u, std::vector<auth::NamedPolicy>* out) const {
  AppendHolderPolicies(u.inline_policies, u.attached, auth::PolicySourceType::kUser, out);
  for (const std::string& gkey : u.groups) {
    auto it = groups_.find(gkey);
    if (it == groups_.end()) continue;
    AppendHolderPolicies(it->second.inline_policies, it->second.attached,
                         auth::PolicySourceType::kGroup, out);
  }
}

Result<std::vector<auth::NamedPolicy>> IamRegistryImpl::PoliciesOf(
    const auth::Principal& principal) const {
  std::vector<auth::NamedPolicy> out;
  if (principal.account_id != options_.account_id) {
    return Status(Error::kNoSuchEntity, "The principal " + principal.arn +
                                            " does not belong to account " + options_.account_id +
                                            ".");
  }
  if (principal.type == auth::PrincipalType::kRoot) return out;
  std::lock_guard lock(mu_);
  auto it = users_.find(Lower(principal.user_name));
  if (principal.type != auth::PrincipalType::kIAMUser || it == users_.end() ||
      (!principal.principal_id.empty() && principal.principal_id != it->second.user.id)) {
    return Status(Error::kNoSuchEntity,
                  "The user with name " + principal.user_name + " cannot be found.");
  }
  AppendPolicies(it->second, &out);
  return out;
}

Result<std::vector<auth::NamedPolicy>> IamRegistryImpl::PoliciesOfArn(std::string_view arn) const {
  const std::string prefix = "arn:aws:iam::" + options_.account_id + ":";
  if (!arn.starts_with("arn:")) return InvalidArn(arn);
  std::lock_guard lock(mu_);
  std::vector<auth::NamedPolicy> out;
  if (arn.starts_with(prefix + "user/")) {
    for (const auto& [k, u] : users_) {
      if (u.user.arn == arn) {
        AppendPolicies(u, &out);
        return out;
      }
    }
  } else if (arn.starts_with(prefix + "group/")) {
    for (const auto& [k, g] : groups_) {
      if (g.group.arn == arn) {
        AppendHolderPolicies(g.inline_policies, g.attached, auth::PolicySourceType::kGroup, &out);
        return out;
      }
    }
  }
  return Status(Error::kNoSuchEntity, "The entity " + std::string(arn) + " cannot be found.");
}

Result<std::optional<auth::NamedPolicy>> IamRegistryImpl::BoundaryOf(
    const auth::Principal& principal) const {
  if (principal.type != auth::PrincipalType::kIAMUser) return std::optional<auth::NamedPolicy>();
  std::lock_guard lock(mu_);
  auto it = users_.find(Lower(principal.user_name));
  if (it == users_.end() || !it->second.user.permissions_boundary) {
    return std::optional<auth::NamedPolicy>();
  }
  const std::string& arn = *it->second.user.permissions_boundary;
  const auth::Policy* compiled = CompiledManaged(arn);
  // A boundary that no longer resolves allows nothing.
  auth::NamedPolicy boundary{arn,
                             auth::FindAwsManagedPolicy(arn) != nullptr
                                 ? auth::PolicySourceType::kAwsManaged
                                 : auth::PolicySourceType::kUserManaged,
                             compiled != nullptr ? *compiled : auth::Policy()};
  return std::optional<auth::NamedPolicy>(std::move(boundary));
}

}  // namespace ot::iam::internal
