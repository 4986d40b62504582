#include "auth/identity.h"

namespace ot::auth {
namespace {

class AccountAdminAuthorizer final : public Authorizer {
 public:
  explicit AccountAdminAuthorizer(std::string account_id) : account_id_(std::move(account_id)) {}

  Status Authorize(const AuthzRequest& request) const override {
    const bool admin = !account_id_.empty() && request.principal.account_id == account_id_;
    if (request.resource_policy != nullptr || request.resource_policy_must_allow) {
      return DecideWithResourcePolicy(request, AuthzContext(request),
                                      admin ? Decision::kAllowed : Decision::kImplicitDeny);
    }
    if (admin) return Status::Ok();
    return AccessDenied(request, /*explicit_deny=*/false);
  }

 private:
  const std::string account_id_;
};

}  // namespace

Status AccessDenied(const AuthzRequest& request, bool explicit_deny) {
  return Status(Error::kAccessDenied,
                "User: " + request.principal.arn + " is not authorized to perform: " +
                    std::string(request.action) + " on resource: " + std::string(request.resource) +
                    (explicit_deny ? " with an explicit deny" : ""));
}

std::string_view PrincipalTypeName(PrincipalType type) {
  switch (type) {
    case PrincipalType::kRoot:
      return "Root";
    case PrincipalType::kIAMUser:
      return "IAMUser";
    case PrincipalType::kAssumedRole:
      return "AssumedRole";
    case PrincipalType::kFederatedUser:
      return "FederatedUser";
  }
  return "Unknown";
}

void CredentialStore::Remove(std::string_view access_key_id) {
  std::lock_guard lock(mu_);
  keys_.erase(std::string(access_key_id));
}

void CredentialStore::Put(AccessKey key) {
  std::lock_guard lock(mu_);
  std::string id = key.access_key_id;
  keys_.insert_or_assign(std::move(id), std::move(key));
}

std::optional<AccessKey> CredentialStore::Find(std::string_view access_key_id) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(std::string(access_key_id));
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::unique_ptr<Authorizer> NewAccountAdminAuthorizer(std::string account_id) {
  return std::make_unique<AccountAdminAuthorizer>(std::move(account_id));
}

}  // namespace ot::auth
