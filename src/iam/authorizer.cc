// NewPolicyAuthorizer: every request's decision from the caller's IAM policies (iam.md §2.6).
// The compiled policy set of each principal is cached and reused until the registry's
// generation moves, so the per-request cost is a shared-lock lookup, building the condition
// context (its keys only when a deciding policy reads them), and Decide().
#include <shared_mutex>
#include <unordered_map>

#include "iam/iam.h"

namespace ot::iam {
namespace {

struct PolicySet {
  uint64_t generation = 0;
  bool known = false;  // false: the principal no longer exists, so nothing is allowed
  std::vector<auth::NamedPolicy> policies;
  std::optional<auth::NamedPolicy> boundary;
  bool uses_keys = false;  // some policy above reads the context's keys
};

bool IsIamOrSts(std::string_view action) {
  auto prefixed = [&](std::string_view p) {
    if (action.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
      char c = action[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != p[i]) return false;
    }
    return true;
  };
  return prefixed("iam:") || prefixed("sts:");
}

class PolicyAuthorizer final : public auth::Authorizer {
 public:
  explicit PolicyAuthorizer(const IamRegistry& registry) : registry_(registry) {}

  Status Authorize(const auth::AuthzRequest& request) const override {
    const auth::Principal& p = request.principal;
    const bool resource_policy =
        request.resource_policy != nullptr || request.resource_policy_must_allow;
    if (p.account_id != registry_.AccountId()) {
      // Another account's identity: only a resource policy can let it in.
      if (!resource_policy) return auth::AccessDenied(request, false);
      return auth::DecideWithResourcePolicy(request,
                                            auth::AuthzContext(request, ResourceUsesKeys(request)),
                                            auth::Decision::kImplicitDeny);
    }
    if (p.type == auth::PrincipalType::kRoot && !resource_policy) {
      return Status::Ok();  // the account owner
    }
    // AWS: GetSessionToken sessions without MFA may not call IAM, and of STS only what needs no
    // permission (protocols.md §4).
    if (p.temporary && !p.mfa_authenticated && IsIamOrSts(request.action)) {
      return auth::AccessDenied(request, false);
    }
    if (p.type == auth::PrincipalType::kRoot) {  // allowed by identity; the resource policy decides
      return auth::DecideWithResourcePolicy(request,
                                            auth::AuthzContext(request, ResourceUsesKeys(request)),
                                            auth::Decision::kAllowed);
    }
    std::shared_ptr<const PolicySet> set = SetFor(p);
    const auth::RequestContext ctx =
        auth::AuthzContext(request, set->uses_keys || ResourceUsesKeys(request));
    const auth::Decision d = IdentityDecision(*set, ctx);
    if (resource_policy) return auth::DecideWithResourcePolicy(request, ctx, d);
    if (d != auth::Decision::kAllowed) {
      return auth::AccessDenied(request, d == auth::Decision::kExplicitDeny);
    }
    return Status::Ok();
  }

 private:
  static bool ResourceUsesKeys(const auth::AuthzRequest& request) {
    return request.resource_policy != nullptr && request.resource_policy->UsesContextKeys();
  }

  // The caller's identity policies (and permissions boundary) on their own.
  static auth::Decision IdentityDecision(const PolicySet& set, const auth::RequestContext& ctx) {
    if (!set.known) return auth::Decision::kImplicitDeny;
    const auth::Decision d = auth::Decide(set.policies, ctx);
    if (d != auth::Decision::kAllowed || !set.boundary) return d;
    const auth::Decision b = auth::Decide(std::span(&*set.boundary, 1), ctx);
    return b == auth::Decision::kAllowed ? d : b;
  }

  std::shared_ptr<const PolicySet> SetFor(const auth::Principal& p) const {
    const uint64_t generation = registry_.Generation();
    std::string key = p.arn;
    key += '\n';
    key += p.principal_id;
    {
      std::shared_lock lock(mu_);
      auto it = cache_.find(key);
      if (it != cache_.end() && it->second->generation == generation) return it->second;
    }
    auto set = std::make_shared<PolicySet>();
    set->generation = generation;
    auto policies = registry_.PoliciesOf(p);
    auto boundary = registry_.BoundaryOf(p);
    if (policies.ok() && boundary.ok()) {
      set->known = true;
      set->policies = std::move(*policies);
      set->boundary = std::move(*boundary);
      for (const auth::NamedPolicy& named : set->policies) {
        set->uses_keys = set->uses_keys || named.policy.UsesContextKeys();
      }
      set->uses_keys = set->uses_keys || (set->boundary && set->boundary->policy.UsesContextKeys());
    }
    std::unique_lock lock(mu_);
    // A stale generation read above only costs one more rebuild on the next request.
    if (cache_.size() > 10000) cache_.clear();
    cache_[key] = set;
    return set;
  }

  const IamRegistry& registry_;
  mutable std::shared_mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const PolicySet>> cache_;
};

}  // namespace

std::unique_ptr<auth::Authorizer> NewPolicyAuthorizer(const IamRegistry& registry) {
  return std::make_unique<PolicyAuthorizer>(registry);
}

}  // namespace ot::iam
