// IAM managed policies and their attachment to users and groups (iam.md §2.4). AWS managed
// policies come from the registry like customer ones; GetPolicyVersion's document is
// percent-encoded (iam.md §3).

#include "api/handlers/iam_operations.h"
#include "api/handlers/iam_util.h"
#include "common/encoding.h"

namespace ot::api::handlers {

using internal::Iam;
using internal::Validator;
using internal::Xml;

namespace {

void CheckPolicyArn(const QueryParams& params, Validator& v) {
  std::optional<std::string_view> arn = params.Get("PolicyArn");
  v.Required("policyArn", arn);
  if (arn) v.Length("policyArn", *arn, 20, 2048);
}

bool IsVersionId(std::string_view id) {
  // v[1-9][0-9]*(\.[A-Za-z0-9-]*)?
  if (id.size() < 2 || id[0] != 'v' || id[1] < '1' || id[1] > '9') return false;
  size_t i = 2;
  while (i < id.size() && id[i] >= '0' && id[i] <= '9') ++i;
  if (i == id.size()) return true;
  if (id[i] != '.') return false;
  for (++i; i < id.size(); ++i) {
    char c = id[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<Outcome> CreatePolicy(const Services& services, const CallContext&,
                             const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("policyName", params.Get("PolicyName"), 128);
  v.Required("policyDocument", params.Get("PolicyDocument"));
  v.Path("path", params.Get("Path"));
  if (auto description = params.Get("Description")) {
    v.Length("description", *description, 0, 1000);
  }
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(std::vector<iam::Tag> tags, internal::ReadTags(params, "Policy"));
  OT_ASSIGN_OR_RETURN(
      iam::ManagedPolicy policy,
      registry->CreatePolicy(*params.Get("PolicyName"), params.Get("Path").value_or("/"),
                             params.Get("Description").value_or(""), *params.Get("PolicyDocument"),
                             tags));
  Outcome out;
  Xml x;
  internal::WritePolicy(x, "Policy", policy, /*full=*/true);
  out.body = x.Take();
  out.response_elements = internal::PolicyJson(policy);
  out.resources = internal::IamResource("AWS::IAM::Policy", policy.arn);
  return out;
}

Result<Outcome> GetPolicy(const Services& services, const CallContext&, const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  CheckPolicyArn(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::ManagedPolicy policy, registry->GetPolicy(*params.Get("PolicyArn")));
  Xml x;
  internal::WritePolicy(x, "Policy", policy, /*full=*/true);
  Outcome out;
  out.body = x.Take();
  return out;
}

Result<Outcome> GetPolicyVersion(const Services& services, const CallContext&,
                                 const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  CheckPolicyArn(params, v);
  std::optional<std::string_view> version = params.Get("VersionId");
  v.Required("versionId", version);
  if (version && !IsVersionId(*version)) {
    v.Fail("versionId", version,
           "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
  }
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::PolicyVersion pv,
                      registry->GetPolicyVersion(*params.Get("PolicyArn"), *version));
  Xml x;
  x.Open("PolicyVersion");
  x.Leaf("Document", UriEncode(pv.document)).Leaf("VersionId", pv.version_id);
  x.Bool("IsDefaultVersion", pv.is_default).Leaf("CreateDate", internal::IamTime(pv.created));
  x.Close("PolicyVersion");
  Outcome out;
  out.body = x.Take();
  return out;
}

Result<Outcome> ListPolicies(const Services& services, const CallContext&,
                             const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  std::optional<std::string_view> scope = params.Get("Scope");
  v.Enum("scope", scope, {"All", "AWS", "Local"});
  v.Enum("onlyAttached", params.Get("OnlyAttached"), {"true", "false"});
  v.PathPrefix("pathPrefix", params.Get("PathPrefix"));
  // Boundaries are not modelled: every policy is a permissions policy and none is a boundary.
  std::optional<std::string_view> usage = params.Get("PolicyUsageFilter");
  v.Enum("policyUsageFilter", usage, {"PermissionsPolicy", "PermissionsBoundary"});
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  iam::PolicyScope s = scope == "AWS"     ? iam::PolicyScope::kAws
                       : scope == "Local" ? iam::PolicyScope::kLocal
                                          : iam::PolicyScope::kAll;
  iam::Listed<iam::ManagedPolicy> policies;
  if (usage != "PermissionsBoundary") {
    OT_ASSIGN_OR_RETURN(policies,
                        registry->ListPolicies(s, internal::BoolMember(params, "OnlyAttached"),
                                               params.Get("PathPrefix").value_or("/"), page));
  }
  Xml x;
  x.List("Policies", policies.items, [](Xml& xml, const iam::ManagedPolicy& p) {
    internal::WritePolicy(xml, "member", p, /*full=*/false);
  });
  internal::WritePaging(x, policies);
  Outcome out;
  out.body = x.Take();
  return out;
}

Result<Outcome> DeletePolicy(const Services& services, const CallContext&,
                             const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  CheckPolicyArn(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  std::string_view arn = *params.Get("PolicyArn");
  OT_RETURN_IF_ERROR(registry->DeletePolicy(arn));
  Outcome out;
  out.resources = internal::IamResource("AWS::IAM::Policy", arn);
  return out;
}

namespace {

std::string_view PrincipalParam(bool group) { return group ? "GroupName" : "UserName"; }
std::string_view PrincipalMember(bool group) { return group ? "groupName" : "userName"; }

Result<Outcome> Attachment(const Services& services, const QueryParams& params, bool group,
                           bool attach) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name(PrincipalMember(group), params.Get(PrincipalParam(group)), 128);
  CheckPolicyArn(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  std::string_view principal = *params.Get(PrincipalParam(group));
  std::string_view arn = *params.Get("PolicyArn");
  OT_RETURN_IF_ERROR(attach ? registry->AttachPolicy(group, principal, arn)
                            : registry->DetachPolicy(group, principal, arn));
  return Outcome{};
}

Result<Outcome> ListAttached(const Services& services, const QueryParams& params, bool group) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name(PrincipalMember(group), params.Get(PrincipalParam(group)), 128);
  v.PathPrefix("pathPrefix", params.Get("PathPrefix"));
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::Listed<iam::AttachedPolicy> attached,
                      registry->ListAttachedPolicies(group, *params.Get(PrincipalParam(group)),
                                                     params.Get("PathPrefix").value_or("/"), page));
  Xml x;
  x.List("AttachedPolicies", attached.items, [](Xml& xml, const iam::AttachedPolicy& p) {
    xml.Open("member").Leaf("PolicyName", p.name).Leaf("PolicyArn", p.arn).Close("member");
  });
  internal::WritePaging(x, attached);
  Outcome out;
  out.body = x.Take();
  return out;
}

}  // namespace

Result<Outcome> AttachUserPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return Attachment(s, p, /*group=*/false, /*attach=*/true);
}
Result<Outcome> DetachUserPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return Attachment(s, p, /*group=*/false, /*attach=*/false);
}
Result<Outcome> ListAttachedUserPolicies(const Services& s, const CallContext&,
                                         const QueryParams& p) {
  return ListAttached(s, p, /*group=*/false);
}
Result<Outcome> AttachGroupPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return Attachment(s, p, /*group=*/true, /*attach=*/true);
}
Result<Outcome> DetachGroupPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return Attachment(s, p, /*group=*/true, /*attach=*/false);
}
Result<Outcome> ListAttachedGroupPolicies(const Services& s, const CallContext&,
                                          const QueryParams& p) {
  return ListAttached(s, p, /*group=*/true);
}

}  // namespace ot::api::handlers
