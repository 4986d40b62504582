// Condition operators (IAM User Guide "IAM JSON policy elements: Condition operators" and
// "Single-valued vs. multivalued context keys").
#include <string>
#include <string_view>

#include "auth/internal/policy_data.h"

namespace ot::auth::internal {
namespace {

struct BaseOperator {
  std::string_view name;
  OpFamily family;
  Cmp cmp;
  bool negated;
};

constexpr BaseOperator kOperators[] = {
    {"StringEquals", OpFamily::kString, Cmp::kEq, false},
    {"StringNotEquals", OpFamily::kString, Cmp::kEq, true},
    {"StringEqualsIgnoreCase", OpFamily::kStringIgnoreCase, Cmp::kEq, false},
    {"StringNotEqualsIgnoreCase", OpFamily::kStringIgnoreCase, Cmp::kEq, true},
    {"StringLike", OpFamily::kStringLike, Cmp::kEq, false},
    {"StringNotLike", OpFamily::kStringLike, Cmp::kEq, true},
    {"NumericEquals", OpFamily::kNumeric, Cmp::kEq, false},
    {"NumericNotEquals", OpFamily::kNumeric, Cmp::kEq, true},
    {"NumericLessThan", OpFamily::kNumeric, Cmp::kLt, false},
    {"NumericLessThanEquals", OpFamily::kNumeric, Cmp::kLe, false},
    {"NumericGreaterThan", OpFamily::kNumeric, Cmp::kGt, false},
    {"NumericGreaterThanEquals", OpFamily::kNumeric, Cmp::kGe, false},
    {"DateEquals", OpFamily::kDate, Cmp::kEq, false},
    {"DateNotEquals", OpFamily::kDate, Cmp::kEq, true},
    {"DateLessThan", OpFamily::kDate, Cmp::kLt, false},
    {"DateLessThanEquals", OpFamily::kDate, Cmp::kLe, false},
    {"DateGreaterThan", OpFamily::kDate, Cmp::kGt, false},
    {"DateGreaterThanEquals", OpFamily::kDate, Cmp::kGe, false},
    {"Bool", OpFamily::kBool, Cmp::kEq, false},
    {"BinaryEquals", OpFamily::kBinary, Cmp::kEq, false},
    {"IpAddress", OpFamily::kIp, Cmp::kEq, false},
    {"NotIpAddress", OpFamily::kIp, Cmp::kEq, true},
    {"ArnEquals", OpFamily::kArn, Cmp::kEq, false},
    {"ArnLike", OpFamily::kArn, Cmp::kEq, false},
    {"ArnNotEquals", OpFamily::kArn, Cmp::kEq, true},
    {"ArnNotLike", OpFamily::kArn, Cmp::kEq, true},
    {"Null", OpFamily::kNull, Cmp::kEq, false},
};

template <typename T>
bool Compare(Cmp cmp, T context, T policy) {
  switch (cmp) {
    case Cmp::kEq:
      return context == policy;
    case Cmp::kLt:
      return context < policy;
    case Cmp::kLe:
      return context <= policy;
    case Cmp::kGt:
      return context > policy;
    case Cmp::kGe:
      return context >= policy;
  }
  return false;
}

// Splits an ARN into its six fields; the resource field keeps any further colons.
bool SplitArn(std::string_view arn, std::string_view (&fields)[6]) {
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':');
    if (colon == arn.npos) return false;
    fields[i] = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  fields[5] = arn;
  return fields[0] == "arn";
}

// ArnEquals and ArnLike behave alike: each of the six fields is matched on its own, wildcards
// allowed, so a '*' in the account field never swallows the region.
bool ArnMatch(std::string_view pattern, std::string_view value) {
  std::string_view pf[6], vf[6];
  if (!SplitArn(pattern, pf) || !SplitArn(value, vf)) return false;
  for (int i = 0; i < 6; ++i) {
    if (!GlobMatch(pf[i], vf[i], false)) return false;
  }
  return true;
}

bool ValueMatches(const Operator& op, const ConditionValue& v, std::string_view context,
                  const ContextKeys& keys) {
  switch (op.family) {
    case OpFamily::kString:
    case OpFamily::kBinary:
      return PatternMatch(v.pattern, context, keys, false, false);
    case OpFamily::kStringIgnoreCase:
    case OpFamily::kBool:
      return PatternMatch(v.pattern, context, keys, false, true);
    case OpFamily::kStringLike:
      return PatternMatch(v.pattern, context, keys, true, false);
    case OpFamily::kNumeric: {
      double n = 0;
      return ParsePolicyNumber(context, &n) && Compare(op.cmp, n, v.number);
    }
    case OpFamily::kDate: {
      int64_t ms = 0;
      return ParsePolicyDate(context, &ms) && Compare(op.cmp, ms, v.millis);
    }
    case OpFamily::kIp: {
      IpNet addr;
      return ParseIpAddress(context, &addr) && IpNetContains(v.net, addr);
    }
    case OpFamily::kArn: {
      if (!v.pattern.has_variables) return ArnMatch(v.pattern.raw, context);
      std::string resolved;
      return ResolvePattern(v.pattern, keys, &resolved) && ArnMatch(resolved, context);
    }
    case OpFamily::kNull:
      return false;  // handled by EvaluateCondition
  }
  return false;
}

// Whether one context value satisfies the operator against the policy's values: values are
// OR'ed; a negated operator holds when none of them matches.
bool ContextValueHolds(const Condition& c, std::string_view context, const ContextKeys& keys) {
  bool any = false;
  for (const ConditionValue& v : c.values) {
    if (ValueMatches(c.op, v, context, keys)) {
      any = true;
      break;
    }
  }
  return c.op.negated ? !any : any;
}

}  // namespace

bool ParseOperator(std::string_view name, Operator* out) {
  *out = Operator{};
  constexpr std::string_view kAny = "ForAnyValue:", kAll = "ForAllValues:", kIf = "IfExists";
  if (name.starts_with(kAny)) {
    out->qualifier = SetQualifier::kForAnyValue;
    name.remove_prefix(kAny.size());
  } else if (name.starts_with(kAll)) {
    out->qualifier = SetQualifier::kForAllValues;
    name.remove_prefix(kAll.size());
  }
  if (name.ends_with(kIf)) {
    out->if_exists = true;
    name.remove_suffix(kIf.size());
  }
  for (const BaseOperator& base : kOperators) {
    if (base.name != name) continue;
    if (base.family == OpFamily::kNull && out->if_exists) return false;  // no NullIfExists
    out->family = base.family;
    out->cmp = base.cmp;
    out->negated = base.negated;
    return true;
  }
  return false;
}

bool EvaluateCondition(const Condition& c, const ContextKeys& keys) {
  auto it = keys.find(std::string_view(c.key));
  const std::vector<std::string>* values = it == keys.end() ? nullptr : &it->second;
  const bool present = values != nullptr && !values->empty();

  if (c.op.family == OpFamily::kNull) {
    // "Null": true → the key must be absent; false → present. Several values are OR'ed.
    for (const ConditionValue& v : c.values) {
      if (v.flag != present) return true;
    }
    return false;
  }

  switch (c.op.qualifier) {
    case SetQualifier::kNone:
      // A missing key fails a positive operator and satisfies a negated one (AWS's documented
      // NotIpAddress-on-aws:SourceIp surprise); IfExists makes it satisfy either.
      if (!present) return c.op.if_exists || c.op.negated;
      if (c.op.negated) {
        for (const std::string& value : *values) {
          if (!ContextValueHolds(c, value, keys)) return false;
        }
        return true;
      }
      for (const std::string& value : *values) {
        if (ContextValueHolds(c, value, keys)) return true;
      }
      return false;
    case SetQualifier::kForAnyValue:
      if (!present) return c.op.if_exists;
      for (const std::string& value : *values) {
        if (ContextValueHolds(c, value, keys)) return true;
      }
      return false;
    case SetQualifier::kForAllValues:
      // Vacuously true for a missing or empty key, as AWS warns.
      if (!present) return true;
      for (const std::string& value : *values) {
        if (!ContextValueHolds(c, value, keys)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace ot::auth::internal
