// Statement matching and the Allow/Deny decision (IAM User Guide "Policy evaluation logic").
#include <set>
#include <string>
#include <string_view>

#include "auth/internal/policy_data.h"
#include "auth/policy.h"
#include "common/time.h"

namespace ot::auth {
namespace {

char Fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Fold(a[i]) != Fold(b[i])) return false;
  }
  return true;
}

bool ActionMatches(const internal::Statement& s, std::string_view action) {
  bool any = false;
  for (const std::string& pattern : s.actions) {
    if (internal::GlobMatch(pattern, action, /*fold_text=*/true)) {
      any = true;
      break;
    }
  }
  return s.not_action ? !any : any;
}

bool ResourceMatches(const internal::Statement& s, const RequestContext& ctx) {
  bool any = false;
  for (const internal::Pattern& pattern : s.resources) {
    if (internal::PatternMatch(pattern, ctx.resource, ctx.keys, /*glob=*/true, /*fold=*/false)) {
      any = true;
      break;
    }
  }
  return s.not_resource ? !any : any;
}

// "arn:aws:iam::N:role/path/R" names the role behind session "arn:aws:sts::N:assumed-role/R/S".
bool IsRoleOfSession(std::string_view role_arn, std::string_view session_arn) {
  constexpr std::string_view kSts = ":sts::", kIam = ":iam::";
  constexpr std::string_view kAssumed = ":assumed-role/", kRole = ":role/";
  size_t s_sts = session_arn.find(kSts), r_iam = role_arn.find(kIam);
  if (s_sts == session_arn.npos || r_iam == role_arn.npos) return false;
  if (session_arn.substr(0, s_sts) != role_arn.substr(0, r_iam)) return false;  // arn:partition
  std::string_view s_rest = session_arn.substr(s_sts + kSts.size());
  std::string_view r_rest = role_arn.substr(r_iam + kIam.size());
  size_t s_acct = s_rest.find(kAssumed), r_acct = r_rest.find(kRole);
  if (s_acct == s_rest.npos || r_acct == r_rest.npos) return false;
  if (s_rest.substr(0, s_acct) != r_rest.substr(0, r_acct)) return false;
  std::string_view s_role = s_rest.substr(s_acct + kAssumed.size());
  s_role = s_role.substr(0, s_role.find('/'));
  std::string_view r_role = r_rest.substr(r_acct + kRole.size());
  r_role = r_role.substr(r_role.rfind('/') + 1);  // npos + 1 == 0: no path
  return !s_role.empty() && s_role == r_role;
}

bool PrincipalIn(const internal::PrincipalSet& set, const RequestContext& ctx) {
  if (set.any) return true;
  if (!ctx.principal_account.empty()) {
    for (const std::string& account : set.accounts) {
      if (account == ctx.principal_account) return true;
    }
  }
  if (!ctx.principal_arn.empty()) {
    for (const std::string& arn : set.arns) {
      if (arn == ctx.principal_arn || IsRoleOfSession(arn, ctx.principal_arn)) return true;
    }
  }
  if (!ctx.principal_service.empty()) {
    for (const std::string& service : set.services) {
      if (EqualsFold(service, ctx.principal_service)) return true;
    }
  }
  return false;
}

// Action, resource and principal: everything but the conditions.
bool StatementApplies(const internal::Statement& s, const RequestContext& ctx) {
  if (!ActionMatches(s, ctx.action) || !ResourceMatches(s, ctx)) return false;
  if (!s.has_principal) return true;
  bool in = PrincipalIn(s.principals, ctx);
  return s.not_principal ? !in : in;
}

// Operators are AND'ed, and so are the keys under one operator.
bool ConditionsHold(const internal::Statement& s, const ContextKeys& keys) {
  for (const internal::Condition& c : s.conditions) {
    if (!internal::EvaluateCondition(c, keys)) return false;
  }
  return true;
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    char x = Fold(a[i]), y = Fold(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return a.size() < b.size();
}

std::string_view PolicySourceTypeName(PolicySourceType type) {
  switch (type) {
    case PolicySourceType::kUser:
      return "user";
    case PolicySourceType::kGroup:
      return "group";
    case PolicySourceType::kRole:
      return "role";
    case PolicySourceType::kAwsManaged:
      return "aws-managed";
    case PolicySourceType::kUserManaged:
      return "user-managed";
    case PolicySourceType::kResource:
      return "resource";
    case PolicySourceType::kNone:
      return "none";
  }
  return "none";
}

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kAllowed:
      return "allowed";
    case Decision::kExplicitDeny:
      return "explicitDeny";
    case Decision::kImplicitDeny:
      return "implicitDeny";
  }
  return "implicitDeny";
}

void SetGlobalKeys(const RequestFacts& facts, RequestContext& context) {
  context.principal_arn = facts.principal_arn;
  context.principal_account = facts.principal_account;
  auto set = [&](std::string_view key, std::string value) {
    auto it = context.keys.find(key);
    if (it != context.keys.end()) context.keys.erase(it);
    context.keys.emplace(std::string(key), std::vector<std::string>{std::move(value)});
  };
  auto set_if = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) set(key, value);
  };
  set("aws:CurrentTime", FormatIso8601(facts.now));
  set("aws:EpochTime",
      std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(facts.now.time_since_epoch()).count()));
  set("aws:SecureTransport", facts.secure_transport ? "true" : "false");
  set_if("aws:PrincipalArn", facts.principal_arn);
  set_if("aws:PrincipalAccount", facts.principal_account);
  set_if("aws:userid", facts.user_id);
  set_if("aws:username", facts.user_name);
  set_if("aws:SourceIp", facts.source_ip);
  set_if("aws:RequestedRegion", facts.requested_region);
  if (facts.mfa_authenticated) {
    set("aws:MultiFactorAuthPresent", "true");
    set("aws:MultiFactorAuthAge", std::to_string(facts.mfa_age.count()));
  } else if (facts.temporary_credentials) {
    set("aws:MultiFactorAuthPresent", "false");
  }
}

EvalResult Evaluate(std::span<const NamedPolicy> policies, const RequestContext& context) {
  EvalResult result;
  std::vector<MatchedStatement> allows, denies;
  std::set<std::string_view, CaseInsensitiveLess> missing;
  for (size_t pi = 0; pi < policies.size(); ++pi) {
    const internal::PolicyData& data = PolicyAccess::Data(policies[pi].policy);
    for (size_t si = 0; si < data.statements.size(); ++si) {
      const internal::Statement& s = data.statements[si];
      if (!StatementApplies(s, context)) continue;
      for (const internal::Condition& c : s.conditions) {
        if (context.keys.find(std::string_view(c.key)) == context.keys.end()) missing.insert(c.key);
      }
      if (!ConditionsHold(s, context.keys)) continue;
      MatchedStatement m{pi, si, s.info.effect};
      (s.info.effect == Effect::kDeny ? denies : allows).push_back(m);
    }
  }
  if (!denies.empty()) {
    result.decision = Decision::kExplicitDeny;
    result.matched = std::move(denies);
  } else if (!allows.empty()) {
    result.decision = Decision::kAllowed;
    result.matched = std::move(allows);
  }
  result.missing_context_keys.assign(missing.begin(), missing.end());
  return result;
}

Decision Decide(std::span<const NamedPolicy> policies, const RequestContext& context) {
  bool allowed = false;
  for (const NamedPolicy& np : policies) {
    for (const internal::Statement& s : PolicyAccess::Data(np.policy).statements) {
      // An Allow we already have cannot change the outcome; only a Deny can.
      if (allowed && s.info.effect == Effect::kAllow) continue;
      if (!StatementApplies(s, context) || !ConditionsHold(s, context.keys)) continue;
      if (s.info.effect == Effect::kDeny) return Decision::kExplicitDeny;
      allowed = true;
    }
  }
  return allowed ? Decision::kAllowed : Decision::kImplicitDeny;
}

}  // namespace ot::auth
