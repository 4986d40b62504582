#pragma once

// The IAM policy language (iam.md; AWS IAM User Guide "Policy grammar" and "Condition
// operators"): parse and validate a JSON policy document once, then evaluate it against many
// requests. Pure: no I/O, no clock; the caller supplies the request time in the context.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace ot::auth {

namespace internal {
struct PolicyData;
}

// Identity policies (user/group/managed) must not name a Principal; resource policies (S3
// bucket, SNS topic, KMS key) must.
enum class PolicyKind { kIdentity, kResource };

enum class Effect { kAllow, kDeny };

struct ParseOptions {
  PolicyKind kind = PolicyKind::kIdentity;
  // Longest document accepted, in characters (iam.md §1: 131 072); 0 = no limit. The smaller
  // per-entity quotas (PolicySizeForQuota) are the caller's LimitExceeded, not a parse error.
  size_t max_chars = 131072;
  // IAM accepts only tab, LF, CR and U+0020–U+00FF in a document (iam.md §1); S3 does not care.
  bool latin1_only = true;
  // Managed policies (CreatePolicy, CreatePolicyVersion) must say "Version": "2012-10-17".
  bool require_2012_version = false;
};

// 1-based line and column of a character in the policy text (SimulatePrincipalPolicy
// MatchedStatements StartPosition / EndPosition).
struct TextPosition {
  int line = 0;
  int column = 0;
};

// What a caller may read about one statement.
struct StatementInfo {
  std::string sid;  // empty when the statement has none
  Effect effect = Effect::kAllow;
  TextPosition start;  // the statement's opening '{'
  TextPosition end;    // its closing '}'
};

// A parsed, validated and pre-compiled policy document. Immutable; copies share the compiled
// form, so copying is cheap and any number of threads may evaluate one Policy concurrently.
// A default-constructed Policy has no statements (and so allows nothing).
class Policy {
 public:
  PolicyKind kind() const;
  const std::string& version() const;  // "2012-10-17", "2008-10-17", or "" when absent
  const std::string& id() const;       // the optional top-level "Id"
  const std::vector<StatementInfo>& statements() const;
  // Whether deciding with this policy reads the context's keys: some statement has a Condition,
  // or a ${…} variable in its Resource or NotResource. When none of the policies deciding a
  // request does, a context without keys decides the same.
  bool UsesContextKeys() const;

 private:
  friend Result<Policy> ParsePolicy(std::string_view json, const ParseOptions& options);
  friend struct PolicyAccess;
  std::shared_ptr<const internal::PolicyData> data_;
};

// Parses and validates `json`. Every rejection is Error::kMalformedPolicyDocument with IAM's
// message, e.g. "Syntax errors in policy." (bad JSON, unknown or duplicate element, wrong JSON
// type, bad Effect/Version, unknown condition operator), "Policy document should not specify a
// principal.", "Policy statement must contain actions.", "Policy statement must contain
// resources.", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
// "Resource x must be in ARN format or \"*\".", "Statement IDs (SID) in a single policy must
// be unique.", "The policy failed legacy parsing" (unparseable date/number/IP condition value,
// wrong-case Effect), "Invalid principal in policy", "Missing required field Principal".
Result<Policy> ParsePolicy(std::string_view json, const ParseOptions& options = {});

// Characters that count against IAM's size quotas (iam.md §1): all but space, tab, CR, LF.
size_t PolicySizeForQuota(std::string_view json);

// ---------------------------------------------------------------------------------------------
// Evaluation

// ASCII case-insensitive ordering with heterogeneous lookup: condition keys are
// case-insensitive ("aws:SourceIp" == "AWS:sourceip").
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

using ContextKeys = std::map<std::string, std::vector<std::string>, CaseInsensitiveLess>;

// One request as the policies see it.
struct RequestContext {
  std::string action;             // "cloudtrail:LookupEvents" (matched case-insensitively)
  std::string resource = "*";     // an ARN, or "*" for actions without resource-level permission
  std::string principal_arn;      // "arn:aws:iam::123456789012:user/alice"; empty = anonymous
  std::string principal_account;  // "123456789012"
  std::string principal_service;  // "cloudtrail.amazonaws.com" when an AWS service calls
  // Condition keys and policy variables: aws:* globals (see SetGlobalKeys) and service keys
  // such as s3:prefix. A key with several values is multivalued (ForAnyValue/ForAllValues).
  ContextKeys keys;
};

// The global keys every request carries (iam.md §4), as the caller knows them.
struct RequestFacts {
  std::string principal_arn;
  std::string principal_account;
  std::string user_id;    // aws:userid (AIDA… for users, the account id for root)
  std::string user_name;  // aws:username; set for IAM users only
  bool temporary_credentials = false;
  bool mfa_authenticated = false;
  std::chrono::seconds mfa_age{0};  // since MFA authentication; used when mfa_authenticated
  std::string source_ip;            // "203.0.113.7" or IPv6; empty = unknown
  bool secure_transport = false;
  SysMillis now{};
  std::string requested_region;
};

// Sets context.principal_* and the aws:* keys from `facts`: aws:CurrentTime (ISO 8601),
// aws:EpochTime, aws:SecureTransport, aws:PrincipalArn, aws:PrincipalAccount, aws:userid,
// aws:username, aws:SourceIp, aws:RequestedRegion, aws:MultiFactorAuthPresent and
// aws:MultiFactorAuthAge. As in AWS, MultiFactorAuthPresent is absent for long-term keys,
// "false" for temporary ones without MFA; MultiFactorAuthAge exists only with MFA.
void SetGlobalKeys(const RequestFacts& facts, RequestContext& context);

// SimulatePrincipalPolicy's SourcePolicyType.
enum class PolicySourceType { kUser, kGroup, kRole, kAwsManaged, kUserManaged, kResource, kNone };
std::string_view PolicySourceTypeName(PolicySourceType type);  // "user", "aws-managed", …

// A policy with the identity Evaluate reports when one of its statements decides.
struct NamedPolicy {
  std::string id;  // SourcePolicyId: inline policy name or managed policy ARN
  PolicySourceType source_type = PolicySourceType::kNone;
  Policy policy;
};

enum class Decision { kAllowed, kExplicitDeny, kImplicitDeny };
std::string_view DecisionName(Decision d);  // "allowed", "explicitDeny", "implicitDeny"

struct MatchedStatement {
  size_t policy_index = 0;     // into the span given to Evaluate
  size_t statement_index = 0;  // 0-based within that policy
  Effect effect = Effect::kAllow;
};

struct EvalResult {
  Decision decision = Decision::kImplicitDeny;
  // The statements behind the decision: every matching Deny for kExplicitDeny, every matching
  // Allow for kAllowed, none for kImplicitDeny.
  std::vector<MatchedStatement> matched;
  // Condition keys of statements whose action, resource and principal matched that the
  // context lacks (MissingContextValues), sorted and unique, in the policies' spelling.
  std::vector<std::string> missing_context_keys;
};

// Explicit Deny anywhere wins, else any Allow, else implicit deny (iam.md §2.6). All policies in
// the span are treated alike: a permissions boundary or a cross-account check is a second call.
// Thread-safe for concurrent calls.
EvalResult Evaluate(std::span<const NamedPolicy> policies, const RequestContext& context);

// The decision only, stopping at the first matching Deny: the per-request authorization path.
// Does not allocate unless a policy uses variables inside ARN conditions.
Decision Decide(std::span<const NamedPolicy> policies, const RequestContext& context);

}  // namespace ot::auth
