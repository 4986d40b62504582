#include "auth/identity.h"

namespace ot::auth {
namespace {

class AccountAdminAuthorizer final : public Authorizer {
 public:
  explicit AccountAdminAuthorizer(std::string account_id) : account_id_(std::move(account_id)) {}

  Status Authorize(const Principal& principal, std::string_view action,
                   std::string_view resource) const override {
    if (!account_id_.empty() && principal.account_id == account_id_) return Status::Ok();
    return Status(Error::kAccessDenied,
                  "User: " + principal.arn + " is not authorized to perform: " +
                      std::string(action) + " on resource: " + std::string(resource));
  }

 private:
  const std::string account_id_;
};

}  // namespace

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
