#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "auth/policy.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ::ot::testing::IsOk;

Policy MustParse(std::string_view json, PolicyKind kind = PolicyKind::kIdentity) {
  auto p = ParsePolicy(json, {.kind = kind});
  EXPECT_THAT(p, IsOk()) << json;
  return p.ok() ? *p : Policy();
}

// Evaluate and Decide must agree; returns the decision.
Decision Eval(const std::vector<NamedPolicy>& policies, const RequestContext& ctx) {
  EvalResult full = Evaluate(policies, ctx);
  EXPECT_EQ(Decide(policies, ctx), full.decision);
  return full.decision;
}

Decision Eval(std::string_view json, const RequestContext& ctx,
              PolicyKind kind = PolicyKind::kIdentity) {
  return Eval({NamedPolicy{"p", PolicySourceType::kUser, MustParse(json, kind)}}, ctx);
}

RequestContext Request(std::string action, std::string resource = "*") {
  RequestContext ctx;
  ctx.action = std::move(action);
  ctx.resource = std::move(resource);
  return ctx;
}

std::string AllowStatement(std::string_view action, std::string_view resource) {
  return R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":)" +
         std::string(action) + R"(,"Resource":)" + std::string(resource) + "}}";
}

// Allow-everything guarded by one condition operator: {"<op>": {"<key>": <values>}}.
std::string Guarded(std::string_view op, std::string_view key, std::string_view values) {
  return R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",)"
         R"("Condition":{")" +
         std::string(op) + R"(":{")" + std::string(key) + R"(":)" + std::string(values) + "}}}}";
}

struct CondCase {
  std::string_view op;
  std::string_view values;                          // JSON: a scalar or a list
  std::optional<std::vector<std::string>> context;  // nullopt: the key is absent
  bool holds;
};

void CheckConditions(std::string_view key, std::span<const CondCase> cases) {
  for (const CondCase& c : cases) {
    RequestContext ctx = Request("s3:GetObject");
    std::string trace = std::string(c.op) + " " + std::string(c.values) + " vs ";
    if (c.context) {
      ctx.keys[std::string(key)] = *c.context;
      for (const auto& v : *c.context) trace += "[" + v + "]";
    } else {
      trace += "(absent)";
    }
    SCOPED_TRACE(trace);
    EXPECT_EQ(Eval(Guarded(c.op, key, c.values), ctx) == Decision::kAllowed, c.holds);
  }
}

using V = std::vector<std::string>;

TEST(PolicyEval, UsesContextKeysWhenAConditionOrAVariableCanReadThem) {
  EXPECT_FALSE(Policy().UsesContextKeys());
  EXPECT_FALSE(MustParse(AllowStatement(R"("s3:*")", R"("arn:aws:s3:::b/*")")).UsesContextKeys());
  EXPECT_TRUE(MustParse(Guarded("Bool", "aws:SecureTransport", R"("true")")).UsesContextKeys());
  EXPECT_TRUE(MustParse(AllowStatement(R"("s3:*")", R"("arn:aws:s3:::b/${aws:username}/*")"))
                  .UsesContextKeys());
  // Under the 2008 version ${…} is literal text, not a variable.
  EXPECT_FALSE(MustParse(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow",)"
                         R"("Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}})")
                   .UsesContextKeys());
  EXPECT_TRUE(
      MustParse(R"({"Version":"2012-10-17","Statement":[)"
                R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},)"
                R"({"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::${aws:userid}"}]})")
          .UsesContextKeys());
}

TEST(PolicyEval, ActionsMatchCaseInsensitivelyWithWildcards) {
  struct Case {
    std::string_view pattern, action;
    bool match;
  };
  const Case cases[] = {
      {R"("s3:GetObject")", "s3:GetObject", true},
      {R"("s3:getobject")", "S3:GETOBJECT", true},
      {R"("SNS:Publish")", "sns:Publish", true},
      {R"("s3:Get*")", "s3:GetObjectVersion", true},
      {R"("s3:Get*")", "s3:PutObject", false},
      {R"("s3:Get?bject")", "s3:GetObject", true},
      {R"("s3:Get?bject")", "s3:GetObbject", false},
      {R"("*")", "cloudtrail:StopLogging", true},
      {R"("cloudtrail:*")", "cloudtrails:StopLogging", false},
      {R"(["iam:GetUser","s3:*"])", "s3:ListBucket", true},
      {R"("s3:*Object")", "s3:DeleteObject", true},
      {R"("s3:*Object")", "s3:DeleteObjects", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.pattern) + " vs " + std::string(c.action));
    EXPECT_EQ(Eval(AllowStatement(c.pattern, R"("*")"), Request(std::string(c.action))) ==
                  Decision::kAllowed,
              c.match);
  }
}

TEST(PolicyEval, ResourcesMatchCaseSensitivelyWithWildcards) {
  struct Case {
    std::string_view pattern, resource;
    bool match;
  };
  const Case cases[] = {
      {R"("arn:aws:s3:::logs/*")", "arn:aws:s3:::logs/a/b.json.gz", true},
      {R"("arn:aws:s3:::logs/*")", "arn:aws:s3:::Logs/a", false},
      {R"("arn:aws:s3:::logs")", "arn:aws:s3:::logs/a", false},
      {R"("arn:aws:cloudtrail:*:123456789012:trail/t?")",
       "arn:aws:cloudtrail:us-east-1:123456789012:trail/t1", true},
      {R"("arn:aws:cloudtrail:*:123456789012:trail/t?")",
       "arn:aws:cloudtrail:us-east-1:123456789012:trail/t12", false},
      {R"("arn:aws:s3:::b")", "*", false},
      {R"("*")", "*", true},
      {R"("*")", "arn:aws:s3:::anything", true},
      {R"(["arn:aws:s3:::x","arn:aws:s3:::y*"])", "arn:aws:s3:::yz", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.pattern) + " vs " + std::string(c.resource));
    EXPECT_EQ(Eval(AllowStatement(R"("s3:*")", c.pattern),
                   Request("s3:GetObject", std::string(c.resource))) == Decision::kAllowed,
              c.match);
  }
}

TEST(PolicyEval, NotActionAppliesToEveryOtherAction) {
  const std::string doc = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "NotAction":["iam:*","s3:Delete*"],"Resource":"*"}})";

  EXPECT_EQ(Eval(doc, Request("s3:GetObject")), Decision::kAllowed);
  EXPECT_EQ(Eval(doc, Request("iam:CreateUser")), Decision::kImplicitDeny);
  EXPECT_EQ(Eval(doc, Request("s3:DeleteBucket")), Decision::kImplicitDeny);
}

TEST(PolicyEval, NotResourceAppliesToEveryOtherResource) {
  const std::string doc = R"({"Version":"2012-10-17","Statement":{"Effect":"Deny",
      "Action":"s3:*","NotResource":["arn:aws:s3:::hr/payroll","arn:aws:s3:::hr/payroll/*"]}})";
  const std::string allow_all = AllowStatement(R"("*")", R"("*")");
  std::vector<NamedPolicy> policies = {{"deny", PolicySourceType::kUser, MustParse(doc)},
                                       {"all", PolicySourceType::kUser, MustParse(allow_all)}};

  EXPECT_EQ(Eval(policies, Request("s3:GetObject", "arn:aws:s3:::hr/payroll/x")),
            Decision::kAllowed);
  EXPECT_EQ(Eval(policies, Request("s3:GetObject", "arn:aws:s3:::hr/other")),
            Decision::kExplicitDeny);
}

TEST(PolicyEval, ExplicitDenyWinsAndReportsTheDenyingStatements) {
  std::vector<NamedPolicy> policies = {
      {"arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess", PolicySourceType::kAwsManaged,
       MustParse(AllowStatement(R"("cloudtrail:*")", R"("*")"))},
      {"deny-stop", PolicySourceType::kUser, MustParse(R"({"Version":"2012-10-17","Statement":[
         {"Sid":"Other","Effect":"Deny","Action":"cloudtrail:DeleteTrail","Resource":"*"},
         {"Sid":"NoStop","Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*"}]})")},
  };

  EvalResult stop = Evaluate(
      policies,
      Request("cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:123456789012:trail/t1"));
  EvalResult get = Evaluate(policies, Request("cloudtrail:GetTrail"));

  EXPECT_EQ(stop.decision, Decision::kExplicitDeny);
  ASSERT_EQ(stop.matched.size(), 1u);
  EXPECT_EQ(stop.matched[0].policy_index, 1u);
  EXPECT_EQ(stop.matched[0].statement_index, 1u);
  EXPECT_EQ(stop.matched[0].effect, Effect::kDeny);
  EXPECT_EQ(policies[1].policy.statements()[stop.matched[0].statement_index].sid, "NoStop");
  EXPECT_EQ(get.decision, Decision::kAllowed);
  ASSERT_EQ(get.matched.size(), 1u);
  EXPECT_EQ(get.matched[0].policy_index, 0u);
  EXPECT_EQ(Decide(policies, Request("cloudtrail:StopLogging")), Decision::kExplicitDeny);
}

TEST(PolicyEval, NothingMatchingIsAnImplicitDeny) {
  EvalResult r = Evaluate({}, Request("s3:GetObject"));

  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  EXPECT_TRUE(r.matched.empty());
  EXPECT_EQ(DecisionName(r.decision), "implicitDeny");
  EXPECT_EQ(DecisionName(Decision::kExplicitDeny), "explicitDeny");
  EXPECT_EQ(DecisionName(Decision::kAllowed), "allowed");
  EXPECT_EQ(PolicySourceTypeName(PolicySourceType::kAwsManaged), "aws-managed");
  EXPECT_EQ(PolicySourceTypeName(PolicySourceType::kUserManaged), "user-managed");
}

TEST(PolicyEval, ReportsMissingContextKeysOfApplicableStatements) {
  const std::string doc = R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{
      "Bool":{"aws:MultiFactorAuthPresent":"true"},"StringLike":{"s3:prefix":"home/*"}}},
    {"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]})";
  RequestContext ctx = Request("s3:ListBucket");
  ctx.keys["S3:Prefix"] = {"home/a"};

  EvalResult r = Evaluate({{NamedPolicy{"p", PolicySourceType::kUser, MustParse(doc)}}}, ctx);

  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  EXPECT_THAT(r.missing_context_keys, ::testing::ElementsAre("aws:MultiFactorAuthPresent"));
}

TEST(PolicyEval, ResourceVariablesComeFromTheContext) {
  const std::string doc = AllowStatement(R"("iam:*")", R"("arn:aws:iam::*:user/${aws:username}")");
  RequestContext alice = Request("iam:GetUser", "arn:aws:iam::123456789012:user/alice");
  alice.keys["aws:username"] = {"alice"};
  RequestContext bob = alice;
  bob.keys["aws:username"] = {"bob"};
  RequestContext nobody = alice;
  nobody.keys.clear();

  EXPECT_EQ(Eval(doc, alice), Decision::kAllowed);
  EXPECT_EQ(Eval(doc, bob), Decision::kImplicitDeny);
  EXPECT_EQ(Eval(doc, nobody), Decision::kImplicitDeny);
}

TEST(PolicyEval, PolicyVariableEdgeCases) {
  struct Case {
    std::string_view resource_pattern, resource;
    std::vector<std::string> username;  // empty: key absent
    bool match;
  };
  const Case cases[] = {
      {"arn:aws:s3:::b/${aws:username, 'guest'}/*", "arn:aws:s3:::b/guest/x", {}, true},
      {"arn:aws:s3:::b/${aws:username, 'guest'}/*", "arn:aws:s3:::b/al/x", {"al"}, true},
      {"arn:aws:s3:::b/${AWS:UserName}/*", "arn:aws:s3:::b/al/x", {"al"}, true},
      {"arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", {}, true},
      {"arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", {}, false},
      {"arn:aws:s3:::b/${?}${$}", "arn:aws:s3:::b/?$", {}, true},
      // A variable's value is literal text: a '*' in a user name is no wildcard.
      {"arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/xyz", {"x*"}, false},
      {"arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/x*", {"x*"}, true},
      // Multivalued keys cannot be variables.
      {"arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/a", {"a", "b"}, false},
      {"arn:aws:s3:::b/${aws:username}*", "arn:aws:s3:::b/al-files", {"al"}, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.resource_pattern) + " vs " + std::string(c.resource));
    RequestContext ctx = Request("s3:GetObject", std::string(c.resource));
    if (!c.username.empty()) ctx.keys["aws:username"] = c.username;
    EXPECT_EQ(Eval(AllowStatement(R"("s3:*")", "\"" + std::string(c.resource_pattern) + "\""),
                   ctx) == Decision::kAllowed,
              c.match);
  }
}

TEST(PolicyEval, Version2008TreatsVariablesAsText) {
  const std::string doc = R"({"Version":"2008-10-17","Statement":{"Effect":"Allow",
      "Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}})";
  RequestContext literal = Request("s3:GetObject", "arn:aws:s3:::b/${aws:username}");
  literal.keys["aws:username"] = {"al"};
  RequestContext substituted = literal;
  substituted.resource = "arn:aws:s3:::b/al";

  EXPECT_EQ(Eval(doc, literal), Decision::kAllowed);
  EXPECT_EQ(Eval(doc, substituted), Decision::kImplicitDeny);
}

TEST(PolicyEval, StringOperators) {
  const CondCase cases[] = {
      {"StringEquals", R"("abc")", V{"abc"}, true},
      {"StringEquals", R"("abc")", V{"ABC"}, false},
      {"StringEquals", R"(["x","abc"])", V{"abc"}, true},
      {"StringEquals", R"("abc")", std::nullopt, false},
      {"StringEquals", R"("a*")", V{"abc"}, false},
      {"StringNotEquals", R"("abc")", V{"abd"}, true},
      {"StringNotEquals", R"("abc")", V{"abc"}, false},
      {"StringNotEquals", R"(["x","y"])", V{"y"}, false},  // NOR over the values
      {"StringNotEquals", R"(["x","y"])", V{"z"}, true},
      {"StringNotEquals", R"("abc")", std::nullopt, true},  // negated + missing = true
      {"StringEqualsIgnoreCase", R"("AbC")", V{"aBc"}, true},
      {"StringEqualsIgnoreCase", R"("AbC")", V{"aBd"}, false},
      {"StringNotEqualsIgnoreCase", R"("AbC")", V{"abc"}, false},
      {"StringNotEqualsIgnoreCase", R"("AbC")", V{"abd"}, true},
      {"StringLike", R"("home/*")", V{"home/al/x"}, true},
      {"StringLike", R"("home/?")", V{"home/ab"}, false},
      {"StringLike", R"("Home/*")", V{"home/a"}, false},
      {"StringLike", R"(["", "home/"])", V{""}, true},
      {"StringNotLike", R"("home/*")", V{"tmp/x"}, true},
      {"StringNotLike", R"(["tmp/*","home/*"])", V{"home/x"}, false},
      {"StringEqualsIfExists", R"("abc")", std::nullopt, true},
      {"StringEqualsIfExists", R"("abc")", V{"abd"}, false},
      {"StringNotLikeIfExists", R"("a*")", std::nullopt, true},
  };
  CheckConditions("s3:prefix", cases);
}

TEST(PolicyEval, StringConditionValuesMayUseVariables) {
  const std::string doc = Guarded("StringLike", "s3:prefix", R"("home/${aws:userid}/*")");
  RequestContext mine = Request("s3:ListBucket");
  mine.keys["s3:prefix"] = {"home/AIDA1/docs"};
  mine.keys["aws:userid"] = {"AIDA1"};
  RequestContext theirs = mine;
  theirs.keys["s3:prefix"] = {"home/AIDA2/docs"};

  EXPECT_EQ(Eval(doc, mine), Decision::kAllowed);
  EXPECT_EQ(Eval(doc, theirs), Decision::kImplicitDeny);
}

TEST(PolicyEval, NumericOperators) {
  const CondCase cases[] = {
      {"NumericEquals", "10", V{"10"}, true},
      {"NumericEquals", R"("10")", V{"10.0"}, true},
      {"NumericEquals", "10", V{"11"}, false},
      {"NumericEquals", "10", V{"ten"}, false},
      {"NumericNotEquals", "10", V{"11"}, true},
      {"NumericNotEquals", "10", V{"10"}, false},
      {"NumericNotEquals", "10", V{"ten"}, true},
      {"NumericLessThan", "3600", V{"3599"}, true},
      {"NumericLessThan", "3600", V{"3600"}, false},
      {"NumericLessThanEquals", "3600", V{"3600"}, true},
      {"NumericLessThanEquals", "3600", V{"3601"}, false},
      {"NumericGreaterThan", "-1.5", V{"-1"}, true},
      {"NumericGreaterThan", "-1.5", V{"-1.5"}, false},
      {"NumericGreaterThanEquals", "100", V{"100"}, true},
      {"NumericGreaterThanEquals", "100", V{"99.99"}, false},
      {"NumericLessThan", "3600", std::nullopt, false},
      {"NumericLessThanIfExists", "3600", std::nullopt, true},
  };
  CheckConditions("aws:MultiFactorAuthAge", cases);
}

TEST(PolicyEval, DateOperatorsAcceptIso8601AndEpochSeconds) {
  const CondCase cases[] = {
      {"DateGreaterThan", R"("2024-05-01T00:00:00Z")", V{"2024-05-01T12:34:56Z"}, true},
      {"DateGreaterThan", R"("2024-05-01T00:00:00Z")", V{"2024-04-30T23:59:59Z"}, false},
      {"DateGreaterThan", R"("2024-05-01")", V{"2024-05-01T00:00:01Z"}, true},
      {"DateLessThan", R"("2024-05-01T00:00:00Z")", V{"1714521599"}, true},   // epoch context
      {"DateLessThan", R"("1714521600")", V{"2024-05-01T00:00:00Z"}, false},  // epoch policy
      {"DateLessThanEquals", "1714521600", V{"2024-05-01T00:00:00Z"}, true},
      {"DateEquals", R"("2024-05-01T02:00:00+02:00")", V{"2024-05-01T00:00:00Z"}, true},
      {"DateEquals", R"("2024-05-01T00:00:00Z")", V{"2024-05-01T00:00:01Z"}, false},
      {"DateNotEquals", R"("2024-05-01T00:00:00Z")", V{"2024-05-01T00:00:01Z"}, true},
      {"DateNotEquals", R"("2024-05-01T00:00:00Z")", V{"2024-05-01T00:00:00Z"}, false},
      {"DateGreaterThanEquals", R"("2024-05-01T00:00:00Z")", V{"2024-05-01T00:00:00Z"}, true},
      {"DateGreaterThanEquals", R"("2024-05-01T00:00:00Z")", V{"garbage"}, false},
      {"DateLessThan", R"("2024-05-01T00:00:00Z")", std::nullopt, false},
      {"DateLessThanIfExists", R"("2024-05-01T00:00:00Z")", std::nullopt, true},
  };
  CheckConditions("aws:CurrentTime", cases);
}

TEST(PolicyEval, BoolBinaryAndNullOperators) {
  const CondCase bools[] = {
      {"Bool", "true", V{"true"}, true},
      {"Bool", R"("true")", V{"TRUE"}, true},
      {"Bool", "false", V{"true"}, false},
      {"Bool", "true", std::nullopt, false},
      {"BoolIfExists", "false", std::nullopt, true},
      {"BoolIfExists", "false", V{"true"}, false},
  };
  CheckConditions("aws:SecureTransport", bools);
  const CondCase binary[] = {
      {"BinaryEquals", R"("QmluYXJ5")", V{"QmluYXJ5"}, true},
      {"BinaryEquals", R"("QmluYXJ5")", V{"qmluyxj5"}, false},
  };
  CheckConditions("s3:x-amz-blob", binary);
  const CondCase nulls[] = {
      {"Null", "true", std::nullopt, true}, {"Null", "true", V{"x"}, false},
      {"Null", R"("false")", V{"x"}, true}, {"Null", "false", std::nullopt, false},
      {"Null", "false", V{}, false},  // an empty value list is as good as absent
  };
  CheckConditions("aws:TokenIssueTime", nulls);
}

TEST(PolicyEval, IpAddressOperatorsHandleV4AndV6Cidrs) {
  const CondCase cases[] = {
      {"IpAddress", R"("203.0.113.0/24")", V{"203.0.113.77"}, true},
      {"IpAddress", R"("203.0.113.0/24")", V{"203.0.114.1"}, false},
      {"IpAddress", R"("203.0.113.9")", V{"203.0.113.9"}, true},
      {"IpAddress", R"("203.0.113.9")", V{"203.0.113.8"}, false},
      {"IpAddress", R"("10.0.0.0/9")", V{"10.127.255.255"}, true},
      {"IpAddress", R"("10.0.0.0/9")", V{"10.128.0.0"}, false},
      {"IpAddress", R"("0.0.0.0/0")", V{"198.51.100.1"}, true},
      {"IpAddress", R"("2001:db8::/32")", V{"2001:db8:ffff::1"}, true},
      {"IpAddress", R"("2001:db8::/32")", V{"2001:db9::1"}, false},
      {"IpAddress", R"("2001:db8::/32")", V{"203.0.113.1"}, false},
      {"IpAddress", R"(["192.0.2.0/24","2001:db8::/32"])", V{"2001:db8::5"}, true},
      {"IpAddress", R"("203.0.113.0/24")", V{"not-an-ip"}, false},
      {"NotIpAddress", R"("203.0.113.0/24")", V{"198.51.100.1"}, true},
      {"NotIpAddress", R"("203.0.113.0/24")", V{"203.0.113.5"}, false},
      {"NotIpAddress", R"("203.0.113.0/24")", std::nullopt, true},
      {"IpAddressIfExists", R"("203.0.113.0/24")", std::nullopt, true},
  };
  CheckConditions("aws:SourceIp", cases);
}

TEST(PolicyEval, ArnOperatorsMatchFieldByField) {
  const CondCase cases[] = {
      {"ArnEquals", R"("arn:aws:iam::123456789012:user/alice")",
       V{"arn:aws:iam::123456789012:user/alice"}, true},
      {"ArnEquals", R"("arn:aws:iam::*:user/*")", V{"arn:aws:iam::123456789012:user/alice"}, true},
      {"ArnLike", R"("arn:aws:cloudtrail:*:123456789012:trail/*")",
       V{"arn:aws:cloudtrail:us-east-1:123456789012:trail/t1"}, true},
      {"ArnLike", R"("arn:aws:cloudtrail:*:123456789012:trail/*")",
       V{"arn:aws:cloudtrail:us-east-1:210987654321:trail/t1"}, false},
      // '*' in one field does not swallow the next one.
      {"ArnLike", R"("arn:aws:sns:*:topic")", V{"arn:aws:sns:us-east-1:123456789012:topic"}, false},
      {"ArnLike", R"("arn:aws:s3:::b/*")", V{"not-an-arn"}, false},
      {"ArnLike", R"("arn:aws:logs:*:*:log-group:g:*")",
       V{"arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"}, true},
      {"ArnNotEquals", R"("arn:aws:iam::123456789012:root")", V{"arn:aws:iam::123456789012:user/a"},
       true},
      {"ArnNotLike", R"("arn:aws:iam::123456789012:*")", V{"arn:aws:iam::123456789012:user/a"},
       false},
      {"ArnNotLike", R"("arn:aws:iam::123456789012:*")", std::nullopt, true},
      {"ArnLikeIfExists", R"("arn:aws:iam::*:*")", std::nullopt, true},
  };
  CheckConditions("aws:PrincipalArn", cases);
}

TEST(PolicyEval, ArnConditionValuesMayUseVariables) {
  const std::string doc = Guarded("ArnLike", "aws:SourceArn",
                                  R"("arn:aws:cloudtrail:*:${aws:PrincipalAccount}:trail/*")");
  RequestContext same = Request("s3:PutObject");
  same.keys["aws:SourceArn"] = {"arn:aws:cloudtrail:us-east-1:123456789012:trail/t"};
  same.keys["aws:PrincipalAccount"] = {"123456789012"};
  RequestContext other = same;
  other.keys["aws:PrincipalAccount"] = {"210987654321"};

  EXPECT_EQ(Eval(doc, same), Decision::kAllowed);
  EXPECT_EQ(Eval(doc, other), Decision::kImplicitDeny);
}

TEST(PolicyEval, SetQualifiersOverMultivaluedKeys) {
  const CondCase cases[] = {
      {"ForAnyValue:StringEquals", R"(["a","b"])", V{"x", "b"}, true},
      {"ForAnyValue:StringEquals", R"(["a","b"])", V{"x", "y"}, false},
      {"ForAnyValue:StringEquals", R"(["a","b"])", std::nullopt, false},
      {"ForAnyValue:StringEquals", R"(["a","b"])", V{}, false},
      {"ForAnyValue:StringEqualsIfExists", R"(["a"])", std::nullopt, true},
      {"ForAllValues:StringEquals", R"(["a","b"])", V{"a", "b"}, true},
      {"ForAllValues:StringEquals", R"(["a","b"])", V{"a", "c"}, false},
      {"ForAllValues:StringEquals", R"(["a","b"])", std::nullopt, true},  // vacuous
      {"ForAllValues:StringEquals", R"(["a","b"])", V{}, true},
      {"ForAnyValue:StringNotEquals", R"(["a"])", V{"a", "z"}, true},
      {"ForAnyValue:StringNotEquals", R"(["a"])", V{"a"}, false},
      {"ForAllValues:StringNotEquals", R"(["a","b"])", V{"c", "d"}, true},
      {"ForAllValues:StringNotEquals", R"(["a","b"])", V{"c", "a"}, false},
      {"ForAnyValue:StringLike", R"(["dept*"])", V{"owner", "dept-a"}, true},
      {"ForAllValues:StringLike", R"(["dept*","cost*"])", V{"costcenter", "dept-a"}, true},
      {"ForAnyValue:NumericGreaterThan", "5", V{"1", "9"}, true},
      {"ForAllValues:NumericGreaterThan", "5", V{"1", "9"}, false},
      // Without a qualifier, a multivalued key matches when any value does.
      {"StringEquals", R"("b")", V{"a", "b"}, true},
      {"StringNotEquals", R"("b")", V{"a", "b"}, false},
  };
  CheckConditions("aws:TagKeys", cases);
}

TEST(PolicyEval, ConditionKeysAreCaseInsensitive) {
  RequestContext ctx = Request("s3:GetObject");
  ctx.keys["AWS:SOURCEIP"] = {"203.0.113.5"};

  EXPECT_EQ(Eval(Guarded("IpAddress", "aws:SourceIp", R"("203.0.113.0/24")"), ctx),
            Decision::kAllowed);
}

TEST(PolicyEval, KeysAndOperatorsAreAndedValuesOred) {
  const std::string doc = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*",
      "Resource":"*","Condition":{
        "StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"],"aws:username":"al"},
        "Bool":{"aws:SecureTransport":"true"}}}})";
  RequestContext ok = Request("s3:GetObject");
  ok.keys["aws:RequestedRegion"] = {"eu-west-1"};
  ok.keys["aws:username"] = {"al"};
  ok.keys["aws:SecureTransport"] = {"true"};
  RequestContext wrong_user = ok;
  wrong_user.keys["aws:username"] = {"bo"};
  RequestContext plain_http = ok;
  plain_http.keys["aws:SecureTransport"] = {"false"};

  EXPECT_EQ(Eval(doc, ok), Decision::kAllowed);
  EXPECT_EQ(Eval(doc, wrong_user), Decision::kImplicitDeny);
  EXPECT_EQ(Eval(doc, plain_http), Decision::kImplicitDeny);
}

TEST(PolicyEval, ResourcePolicyPrincipals) {
  const std::string bucket_policy = R"({"Version":"2012-10-17","Statement":[
    {"Sid":"Trail","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
     "Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/AWSLogs/*"},
    {"Sid":"Acct","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
     "Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"},
    {"Sid":"Bob","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:user/bob",
     "arn:aws:iam::444455556666:role/ops/Auditor"]},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::logs"}]})";
  auto req = [](std::string action, std::string resource, std::string arn, std::string account,
                std::string service) {
    RequestContext ctx = Request(std::move(action), std::move(resource));
    ctx.principal_arn = std::move(arn);
    ctx.principal_account = std::move(account);
    ctx.principal_service = std::move(service);
    return ctx;
  };
  const auto kRes = PolicyKind::kResource;

  EXPECT_EQ(
      Eval(bucket_policy,
           req("s3:PutObject", "arn:aws:s3:::logs/AWSLogs/x", "", "", "CloudTrail.amazonaws.com"),
           kRes),
      Decision::kAllowed);
  EXPECT_EQ(Eval(bucket_policy,
                 req("s3:PutObject", "arn:aws:s3:::logs/AWSLogs/x",
                     "arn:aws:iam::111122223333:user/a", "111122223333", ""),
                 kRes),
            Decision::kImplicitDeny);
  EXPECT_EQ(Eval(bucket_policy,
                 req("s3:GetObject", "arn:aws:s3:::logs/k", "arn:aws:iam::111122223333:user/a",
                     "111122223333", ""),
                 kRes),
            Decision::kAllowed);
  EXPECT_EQ(Eval(bucket_policy,
                 req("s3:GetObject", "arn:aws:s3:::logs/k", "arn:aws:iam::999999999999:user/a",
                     "999999999999", ""),
                 kRes),
            Decision::kImplicitDeny);
  EXPECT_EQ(Eval(bucket_policy,
                 req("s3:ListBucket", "arn:aws:s3:::logs", "arn:aws:iam::444455556666:user/bob",
                     "444455556666", ""),
                 kRes),
            Decision::kAllowed);
  EXPECT_EQ(Eval(bucket_policy,
                 req("s3:ListBucket", "arn:aws:s3:::logs", "arn:aws:iam::444455556666:user/bobby",
                     "444455556666", ""),
                 kRes),
            Decision::kImplicitDeny);
  EXPECT_EQ(Eval(bucket_policy,
                 req("s3:ListBucket", "arn:aws:s3:::logs",
                     "arn:aws:sts::444455556666:assumed-role/Auditor/sess", "444455556666", ""),
                 kRes),
            Decision::kAllowed);
  EXPECT_EQ(Eval(bucket_policy,
                 req("s3:ListBucket", "arn:aws:s3:::logs",
                     "arn:aws:sts::444455556666:assumed-role/Other/sess", "444455556666", ""),
                 kRes),
            Decision::kImplicitDeny);
}

TEST(PolicyEval, PrincipalWildcardAndNotPrincipal) {
  const std::string public_read = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}})";
  const std::string deny_others = R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"},
      {"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:Delete*","Resource":"*"}]})";
  RequestContext anonymous = Request("s3:GetObject", "arn:aws:s3:::pub/x");
  RequestContext owner = Request("s3:DeleteObject", "arn:aws:s3:::b/x");
  owner.principal_arn = "arn:aws:iam::123456789012:user/a";
  owner.principal_account = "123456789012";
  RequestContext stranger = owner;
  stranger.principal_arn = "arn:aws:iam::210987654321:user/a";
  stranger.principal_account = "210987654321";

  EXPECT_EQ(Eval(public_read, anonymous, PolicyKind::kResource), Decision::kAllowed);
  EXPECT_EQ(Eval(deny_others, owner, PolicyKind::kResource), Decision::kAllowed);
  EXPECT_EQ(Eval(deny_others, stranger, PolicyKind::kResource), Decision::kExplicitDeny);
}

TEST(SetGlobalKeys, MfaKeysFollowAwsRules) {
  RequestFacts facts;
  facts.principal_arn = "arn:aws:iam::123456789012:user/alice";
  facts.principal_account = "123456789012";
  facts.user_name = "alice";
  facts.now = SysMillis(std::chrono::milliseconds(1714566896000));
  RequestContext long_term, session, mfa;
  SetGlobalKeys(facts, long_term);
  facts.temporary_credentials = true;
  SetGlobalKeys(facts, session);
  facts.mfa_authenticated = true;
  facts.mfa_age = std::chrono::seconds(120);
  SetGlobalKeys(facts, mfa);

  EXPECT_EQ(long_term.keys.count("aws:MultiFactorAuthPresent"), 0u);
  EXPECT_EQ(session.keys.at("aws:multifactorauthpresent"), V{"false"});
  EXPECT_EQ(mfa.keys.at("aws:MultiFactorAuthPresent"), V{"true"});
  EXPECT_EQ(mfa.keys.at("aws:MultiFactorAuthAge"), V{"120"});
  EXPECT_EQ(session.keys.count("aws:MultiFactorAuthAge"), 0u);
  EXPECT_EQ(mfa.keys.at("aws:CurrentTime"), V{"2024-05-01T12:34:56Z"});
  EXPECT_EQ(mfa.keys.at("aws:EpochTime"), V{"1714566896"});
  EXPECT_EQ(mfa.keys.at("aws:username"), V{"alice"});
  EXPECT_EQ(mfa.keys.at("aws:SecureTransport"), V{"false"});
  EXPECT_EQ(mfa.keys.count("aws:SourceIp"), 0u);
  EXPECT_EQ(mfa.principal_arn, "arn:aws:iam::123456789012:user/alice");
}

TEST(SetGlobalKeys, TheAwsForceMfaPolicyDeniesLongTermKeysOnlyWithoutIfExists) {
  // AWS's documented pitfall: BoolIfExists lets long-term keys (no MFA key at all) through the
  // Deny only when the key is absent... and Bool alone would not deny them.
  const std::string allow = AllowStatement(R"("*")", R"("*")");
  const std::string deny_no_mfa = R"({"Version":"2012-10-17","Statement":{"Effect":"Deny",
      "NotAction":"iam:ListMFADevices","Resource":"*",
      "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}})";
  std::vector<NamedPolicy> policies = {{"a", PolicySourceType::kUser, MustParse(allow)},
                                       {"d", PolicySourceType::kUser, MustParse(deny_no_mfa)}};
  RequestFacts facts;
  facts.now = SysMillis(std::chrono::milliseconds(1714566896000));
  RequestContext long_term = Request("cloudtrail:StopLogging");
  SetGlobalKeys(facts, long_term);
  facts.temporary_credentials = true;
  RequestContext session = Request("cloudtrail:StopLogging");
  SetGlobalKeys(facts, session);
  facts.mfa_authenticated = true;
  RequestContext mfa = Request("cloudtrail:StopLogging");
  SetGlobalKeys(facts, mfa);

  EXPECT_EQ(Eval(policies, long_term), Decision::kExplicitDeny);
  EXPECT_EQ(Eval(policies, session), Decision::kExplicitDeny);
  EXPECT_EQ(Eval(policies, mfa), Decision::kAllowed);
}

TEST(PolicyEval, TimeWindowFromGlobalKeys) {
  const std::string doc = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*",
      "Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2024-05-01T00:00:00Z"},
      "DateLessThan":{"aws:EpochTime":"1714608000"}}}})";
  RequestFacts facts;
  facts.now = SysMillis(std::chrono::milliseconds(1714566896000));  // 2024-05-01T12:34:56Z
  RequestContext inside = Request("s3:GetObject");
  SetGlobalKeys(facts, inside);
  facts.now += std::chrono::hours(12);
  RequestContext after = Request("s3:GetObject");
  SetGlobalKeys(facts, after);

  EXPECT_EQ(Eval(doc, inside), Decision::kAllowed);
  EXPECT_EQ(Eval(doc, after), Decision::kImplicitDeny);
}

}  // namespace
}  // namespace ot::auth
