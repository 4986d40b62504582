// Resource policies (S3 bucket policies) evaluated together with identity policies, the way S3
// combines them (AWS IAM User Guide, "Policy evaluation logic"; iam.md §2.6).
#include <algorithm>

#include "auth/identity.h"

namespace ot::auth {
namespace {

bool IsBucketPolicyAction(std::string_view action) {
  std::string lower(action);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "s3:getbucketpolicy" || lower == "s3:putbucketpolicy" ||
         lower == "s3:deletebucketpolicy";
}

}  // namespace

RequestContext AuthzContext(const AuthzRequest& request, bool with_keys) {
  const Principal& p = request.principal;
  RequestContext ctx;
  ctx.action = request.action;
  ctx.resource = request.resource;
  if (!with_keys) {
    ctx.principal_arn = p.arn;
    ctx.principal_account = p.account_id;
    return ctx;
  }
  RequestFacts facts;
  facts.principal_arn = p.arn;
  facts.principal_account = p.account_id;
  facts.user_id = p.principal_id;
  facts.user_name = p.user_name;
  facts.temporary_credentials = p.temporary;
  facts.mfa_authenticated = p.mfa_authenticated;
  if (p.mfa_authenticated && p.mfa_auth_time) {
    facts.mfa_age =
        std::max(std::chrono::seconds(0),
                 std::chrono::duration_cast<std::chrono::seconds>(request.now - *p.mfa_auth_time));
  }
  facts.source_ip = request.source_ip;
  facts.secure_transport = request.secure_transport;
  facts.now = request.now;
  facts.requested_region = request.region;
  SetGlobalKeys(facts, ctx);
  if (request.keys != nullptr) {
    for (const auto& [key, value] : *request.keys) ctx.keys[key].push_back(value);
  }
  return ctx;
}

Status DecideWithResourcePolicy(const AuthzRequest& request, const RequestContext& context,
                                Decision identity) {
  Decision resource = Decision::kImplicitDeny;
  if (request.resource_policy != nullptr) {
    NamedPolicy named{"", PolicySourceType::kResource, *request.resource_policy};
    resource = Decide(std::span(&named, 1), context);
  }
  const bool owner =
      !request.resource_account.empty() && request.principal.account_id == request.resource_account;
  const bool owner_root = owner && request.principal.type == PrincipalType::kRoot;
  if (resource == Decision::kExplicitDeny &&
      !(owner_root && IsBucketPolicyAction(request.action))) {
    return AccessDenied(request, true);
  }
  if (identity == Decision::kExplicitDeny) return AccessDenied(request, true);
  if (request.resource_policy_must_allow) {
    if (resource == Decision::kAllowed) return Status::Ok();
    return Status(Error::kAccessDenied,
                  AccessDenied(request, false).message() +
                      " (objects here are written by trail delivery; a client needs the bucket "
                      "policy's Allow)");
  }
  if (owner && identity == Decision::kAllowed) return Status::Ok();
  if (resource == Decision::kAllowed) return Status::Ok();
  return AccessDenied(request, false);
}

}  // namespace ot::auth
