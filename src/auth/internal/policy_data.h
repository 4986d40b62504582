#pragma once

// The compiled form of a policy: what ParsePolicy produces and Evaluate walks. Everything that
// can be decided at parse time is (lower-cased actions, parsed numbers, dates and CIDRs), so
// evaluation only compares.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy.h"

namespace ot::auth::internal {

// A string pattern whose text may hold policy variables (${aws:username}, ${key, 'default'},
// ${*}, ${?}, ${$}); wildcards '*' and '?' are live only in glob patterns.
struct Pattern {
  enum class Kind : uint8_t { kText, kStar, kQuestion, kVariable };
  struct Part {
    Kind kind = Kind::kText;
    std::string text;  // literal text, or the variable's key
    bool has_default = false;
    std::string default_value;
  };
  std::string raw;          // as written; the whole pattern when it has no variables
  std::vector<Part> parts;  // filled only when has_variables
  bool has_variables = false;
};

// Compiles `text`. With `variables` (Version 2012-10-17), ${…} becomes a variable part; with
// `glob`, '*' and '?' are wildcards (else literal).
Pattern CompilePattern(std::string_view text, bool variables, bool glob, bool fold_case);

struct IpNet {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};
  int prefix_bits = 0;
};
// "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128).
bool ParseIpNet(std::string_view text, IpNet* out);
bool ParseIpAddress(std::string_view text, IpNet* out);  // no prefix allowed
bool IpNetContains(const IpNet& net, const IpNet& addr);

// ISO 8601 or integer epoch seconds, as date condition operators accept (milliseconds).
bool ParsePolicyDate(std::string_view text, int64_t* millis);
bool ParsePolicyNumber(std::string_view text, double* out);

enum class OpFamily : uint8_t {
  kString,
  kStringIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIp,
  kArn,
  kNull
};
enum class Cmp : uint8_t { kEq, kLt, kLe, kGt, kGe };
enum class SetQualifier : uint8_t { kNone, kForAnyValue, kForAllValues };

struct Operator {
  OpFamily family = OpFamily::kString;
  Cmp cmp = Cmp::kEq;
  bool negated = false;
  bool if_exists = false;
  SetQualifier qualifier = SetQualifier::kNone;
};
// Parses "ForAnyValue:StringNotEqualsIfExists" etc.; false for unknown operators.
bool ParseOperator(std::string_view name, Operator* out);

struct ConditionValue {
  Pattern pattern;     // string, IgnoreCase (folded), Like, Arn, Binary, Bool (folded) families
  double number = 0;   // kNumeric
  int64_t millis = 0;  // kDate
  IpNet net;           // kIp
  bool flag = false;   // kNull: true = "key must be absent"
};

struct Condition {
  Operator op;
  std::string key;  // as written (lookups are case-insensitive)
  std::vector<ConditionValue> values;
};

struct PrincipalSet {
  bool any = false;                   // "*" or {"AWS": "*"}
  std::vector<std::string> accounts;  // 12-digit ids (also from :root ARNs)
  std::vector<std::string> arns;      // exact principal ARNs (AWS, Federated, Canonical)
  std::vector<std::string> services;  // lower-cased service principals
};

struct Statement {
  StatementInfo info;
  bool not_action = false;
  std::vector<std::string> actions;  // lower-cased glob patterns
  bool not_resource = false;
  std::vector<Pattern> resources;
  bool has_principal = false;
  bool not_principal = false;
  PrincipalSet principals;
  std::vector<Condition> conditions;
};

struct PolicyData {
  PolicyKind kind = PolicyKind::kIdentity;
  std::string version;
  std::string id;
  std::vector<StatementInfo> infos;  // parallel to statements, for Policy::statements()
  std::vector<Statement> statements;
};

// Glob match where '*' matches any run (also empty) and '?' one character. With `fold_text`,
// `pattern` must already be lower-case and `text` is folded on the fly.
bool GlobMatch(std::string_view pattern, std::string_view text, bool fold_text);

// Matches `text` against `pattern`, resolving variables from `keys`. `glob` turns on wildcards
// in literal parts; `fold` compares case-insensitively (literal parts already folded). False
// when a variable without default is missing or multivalued.
bool PatternMatch(const Pattern& pattern, std::string_view text, const ContextKeys& keys, bool glob,
                  bool fold);

// Pattern text with its variables substituted; false when one cannot be resolved.
bool ResolvePattern(const Pattern& pattern, const ContextKeys& keys, std::string* out);

// True when `condition` holds for `keys`.
bool EvaluateCondition(const Condition& condition, const ContextKeys& keys);

}  // namespace ot::auth::internal

namespace ot::auth {

// The compiled form behind a Policy; a default-constructed Policy reads as an empty one.
struct PolicyAccess {
  static const internal::PolicyData& Data(const Policy& p) {
    static const internal::PolicyData kEmpty;
    return p.data_ ? *p.data_ : kEmpty;
  }
};

}  // namespace ot::auth
