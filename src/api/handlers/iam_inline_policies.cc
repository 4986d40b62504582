// IAM inline policies of users and groups (iam.md §2.3). Documents are returned percent-encoded
// (iam.md §3: RFC 3986, space as %20 — botocore decodes with unquote, not unquote_plus).

#include "api/handlers/iam_operations.h"
#include "api/handlers/iam_util.h"
#include "common/encoding.h"

namespace ot::api::handlers {

using internal::Iam;
using internal::Validator;
using internal::Xml;

namespace {

// The principal member of a user (false) or group (true) inline-policy call.
struct Principal {
  std::string_view param;   // "UserName"
  std::string_view member;  // "userName"
};
constexpr Principal kUser{"UserName", "userName"};
constexpr Principal kGroup{"GroupName", "groupName"};

const Principal& Of(bool group) { return group ? kGroup : kUser; }

Status CheckNames(const QueryParams& params, bool group, bool needs_policy_name, Validator& v) {
  v.Name(Of(group).member, params.Get(Of(group).param), 128);
  if (needs_policy_name) v.Name("policyName", params.Get("PolicyName"), 128);
  return v.Done();
}

Result<Outcome> Put(const Services& services, const QueryParams& params, bool group) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Required("policyDocument", params.Get("PolicyDocument"));
  OT_RETURN_IF_ERROR(CheckNames(params, group, /*needs_policy_name=*/true, v));
  OT_RETURN_IF_ERROR(registry->PutInlinePolicy(group, *params.Get(Of(group).param),
                                               *params.Get("PolicyName"),
                                               *params.Get("PolicyDocument")));
  return Outcome{};
}

Result<Outcome> GetOne(const Services& services, const QueryParams& params, bool group) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  OT_RETURN_IF_ERROR(CheckNames(params, group, /*needs_policy_name=*/true, v));
  std::string_view principal = *params.Get(Of(group).param);
  std::string_view name = *params.Get("PolicyName");
  OT_ASSIGN_OR_RETURN(std::string document, registry->GetInlinePolicy(group, principal, name));
  Outcome out;
  Xml x;
  x.Leaf(Of(group).param, principal).Leaf("PolicyName", name);
  x.Leaf("PolicyDocument", UriEncode(document));
  out.body = x.Take();
  return out;
}

Result<Outcome> Delete(const Services& services, const QueryParams& params, bool group) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  OT_RETURN_IF_ERROR(CheckNames(params, group, /*needs_policy_name=*/true, v));
  OT_RETURN_IF_ERROR(
      registry->DeleteInlinePolicy(group, *params.Get(Of(group).param), *params.Get("PolicyName")));
  return Outcome{};
}

Result<Outcome> List(const Services& services, const QueryParams& params, bool group) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(CheckNames(params, group, /*needs_policy_name=*/false, v));
  OT_ASSIGN_OR_RETURN(iam::Listed<std::string> names,
                      registry->ListInlinePolicies(group, *params.Get(Of(group).param), page));
  Outcome out;
  Xml x;
  x.List("PolicyNames", names.items,
         [](Xml& xml, const std::string& name) { xml.Leaf("member", name); });
  internal::WritePaging(x, names);
  out.body = x.Take();
  return out;
}

}  // namespace

Result<Outcome> PutUserPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return Put(s, p, /*group=*/false);
}
Result<Outcome> GetUserPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return GetOne(s, p, /*group=*/false);
}
Result<Outcome> DeleteUserPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return Delete(s, p, /*group=*/false);
}
Result<Outcome> ListUserPolicies(const Services& s, const CallContext&, const QueryParams& p) {
  return List(s, p, /*group=*/false);
}
Result<Outcome> PutGroupPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return Put(s, p, /*group=*/true);
}
Result<Outcome> GetGroupPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return GetOne(s, p, /*group=*/true);
}
Result<Outcome> DeleteGroupPolicy(const Services& s, const CallContext&, const QueryParams& p) {
  return Delete(s, p, /*group=*/true);
}
Result<Outcome> ListGroupPolicies(const Services& s, const CallContext&, const QueryParams& p) {
  return List(s, p, /*group=*/true);
}

}  // namespace ot::api::handlers
