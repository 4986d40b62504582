// IAM SimulatePrincipalPolicy (iam.md §2.6): the principal's identity policies (a user's include
// its groups'), plus any PolicyInputList documents, evaluated with the same code as live
// authorization, one result per (action, resource). Only the given ContextEntries are known:
// the simulator supplies no aws:* globals, so conditions on absent keys are false and the keys
// are listed in MissingContextValues.

#include <algorithm>
#include <charconv>
#include <span>
#include <string>
#include <vector>

#include "api/handlers/iam_operations.h"
#include "api/handlers/iam_util.h"
#include "auth/policy.h"

namespace ot::api::handlers {

using internal::Iam;
using internal::Validator;
using internal::Xml;

namespace {

// Policies from a *PolicyInputList member, with ids "<List>.<n>" as AWS reports them.
Result<std::vector<auth::NamedPolicy>> InputPolicies(const QueryParams& params,
                                                     std::string_view list) {
  std::vector<auth::NamedPolicy> out;
  std::vector<std::string> documents = internal::StringList(params.all(), list);
  for (size_t i = 0; i < documents.size(); ++i) {
    auto policy = auth::ParsePolicy(documents[i]);
    if (!policy.ok()) {
      return Status(Error::kInvalidInput, std::string(list) + "." + std::to_string(i + 1) + ": " +
                                              std::string(policy.status().message()));
    }
    out.push_back(auth::NamedPolicy{std::string(list) + "." + std::to_string(i + 1),
                                    auth::PolicySourceType::kNone, std::move(*policy)});
  }
  return out;
}

Result<auth::ContextKeys> ContextEntries(const QueryParams& params) {
  auth::ContextKeys keys;
  Validator v;
  for (const internal::QueryMembers& entry :
       internal::ListMembers(params.all(), "ContextEntries")) {
    std::optional<std::string_view> name = internal::Get(entry, "ContextKeyName");
    std::optional<std::string_view> type = internal::Get(entry, "ContextKeyType");
    v.Enum("contextEntries.member.contextKeyType", type,
           {"string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip",
            "ipList", "binary", "binaryList", "date", "dateList"});
    if (!name) continue;
    v.Length("contextEntries.member.contextKeyName", *name, 5, 256);
    std::vector<std::string>& values = keys[std::string(*name)];
    for (std::string& value : internal::StringList(entry, "ContextKeyValues")) {
      values.push_back(std::move(value));
    }
  }
  OT_RETURN_IF_ERROR(v.Done());
  return keys;
}

void WriteMatched(Xml& x, std::span<const auth::NamedPolicy> policies,
                  const std::vector<auth::MatchedStatement>& matched) {
  x.List("MatchedStatements", matched, [&](Xml& xml, const auth::MatchedStatement& m) {
    const auth::NamedPolicy& p = policies[m.policy_index];
    const auth::StatementInfo& s = p.policy.statements()[m.statement_index];
    xml.Open("member");
    xml.Leaf("SourcePolicyId", p.id)
        .Leaf("SourcePolicyType", auth::PolicySourceTypeName(p.source_type));
    xml.Open("StartPosition")
        .Leaf("Line", std::to_string(s.start.line))
        .Leaf("Column", std::to_string(s.start.column))
        .Close("StartPosition");
    xml.Open("EndPosition")
        .Leaf("Line", std::to_string(s.end.line))
        .Leaf("Column", std::to_string(s.end.column))
        .Close("EndPosition");
    xml.Close("member");
  });
}

}  // namespace

Result<Outcome> SimulatePrincipalPolicy(const Services& services, const CallContext&,
                                        const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  std::optional<std::string_view> source = params.Get("PolicySourceArn");
  v.Required("policySourceArn", source);
  if (source) v.Length("policySourceArn", *source, 20, 2048);
  std::vector<std::string> actions = internal::StringList(params.all(), "ActionNames");
  if (actions.empty()) v.Required("actionNames", std::nullopt);
  for (const std::string& a : actions) v.Length("actionNames.member", a, 3, 128);
  std::vector<std::string> resources = internal::StringList(params.all(), "ResourceArns");
  for (const std::string& r : resources) v.Length("resourceArns.member", r, 1, 2048);
  if (resources.empty()) resources.push_back("*");
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());

  size_t start = 0;
  if (!page.marker.empty()) {
    auto [end, ec] =
        std::from_chars(page.marker.data(), page.marker.data() + page.marker.size(), start);
    if (ec != std::errc() || end != page.marker.data() + page.marker.size()) {
      return Status(Error::kInvalidInput, "Invalid Marker.");
    }
  }
  OT_ASSIGN_OR_RETURN(std::vector<auth::NamedPolicy> policies, registry->PoliciesOfArn(*source));
  OT_ASSIGN_OR_RETURN(std::vector<auth::NamedPolicy> extra,
                      InputPolicies(params, "PolicyInputList"));
  for (auth::NamedPolicy& p : extra) policies.push_back(std::move(p));
  OT_ASSIGN_OR_RETURN(std::vector<auth::NamedPolicy> boundary,
                      InputPolicies(params, "PermissionsBoundaryPolicyInputList"));
  if (boundary.empty() && source->find(":user/") != std::string_view::npos) {
    // A user's own boundary applies unless the request simulates another one.
    auth::Principal user;
    user.account_id = services.account_id;
    user.arn = std::string(*source);
    user.user_name = std::string(source->substr(source->rfind('/') + 1));
    OT_ASSIGN_OR_RETURN(std::optional<auth::NamedPolicy> own, registry->BoundaryOf(user));
    if (own) boundary.push_back(std::move(*own));
  }
  OT_ASSIGN_OR_RETURN(auth::ContextKeys keys, ContextEntries(params));

  const size_t total = actions.size() * resources.size();
  const size_t end = std::min(total, start + static_cast<size_t>(page.max_items));
  Xml results;
  bool any = false;
  for (size_t i = start; i < end; ++i) {
    if (!any) results.Open("EvaluationResults");
    any = true;
    auth::RequestContext context;
    context.action = actions[i / resources.size()];
    context.resource = resources[i % resources.size()];
    context.principal_arn = std::string(*source);
    context.principal_account = services.account_id;
    context.keys = keys;
    auth::EvalResult result = auth::Evaluate(policies, context);
    std::optional<bool> allowed_by_boundary;
    if (!boundary.empty()) {
      auth::EvalResult b = auth::Evaluate(boundary, context);
      allowed_by_boundary = b.decision == auth::Decision::kAllowed;
      if (b.decision == auth::Decision::kExplicitDeny) {
        result.decision = auth::Decision::kExplicitDeny;
      } else if (!*allowed_by_boundary && result.decision == auth::Decision::kAllowed) {
        result.decision = auth::Decision::kImplicitDeny;
        result.matched.clear();
      }
      std::vector<std::string>& missing = result.missing_context_keys;
      missing.insert(missing.end(), b.missing_context_keys.begin(), b.missing_context_keys.end());
      std::sort(missing.begin(), missing.end());
      missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    }
    results.Open("member");
    results.Leaf("EvalActionName", context.action).Leaf("EvalResourceName", context.resource);
    results.Leaf("EvalDecision", auth::DecisionName(result.decision));
    WriteMatched(results, policies, result.matched);
    results.List("MissingContextValues", result.missing_context_keys,
                 [](Xml& xml, const std::string& k) { xml.Leaf("member", k); });
    // Present but empty for same-account simulations against a resource, absent for "*".
    if (context.resource != "*") results.Empty("EvalDecisionDetails");
    if (allowed_by_boundary) {
      results.Open("PermissionsBoundaryDecisionDetail")
          .Bool("AllowedByPermissionsBoundary", *allowed_by_boundary)
          .Close("PermissionsBoundaryDecisionDetail");
    }
    results.Close("member");
  }
  if (any) results.Close("EvaluationResults");

  Xml x;
  x.Bool("IsTruncated", end < total);
  if (end < total) x.Leaf("Marker", std::to_string(end));
  Outcome out;
  out.body = x.Take() + (any ? results.Take() : Xml().Empty("EvaluationResults").Take());
  return out;
}

}  // namespace ot::api::handlers
