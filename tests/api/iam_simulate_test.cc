// SimulatePrincipalPolicy (iam_simulate.cc, iam.md §2.6) over a fake registry, and the routing
// of IAM and STS Query actions (operations.cc).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "api/handlers/iam_operations.h"
#include "api/protocol/query.h"
#include "auth/policy.h"
#include "fake_iam.h"
#include "handler_test_util.h"

namespace ot::api::handlers {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using testing::FakeIam;
using testing::HandlerEnv;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kAlice = "arn:aws:iam::111122223333:user/alice";
constexpr std::string_view kSource =
    "PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Falice";

// A one-line user policy: Sid deny-stop denies StopLogging unless MFA is present.
constexpr std::string_view kDenyStop =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"deny-stop","Effect":"Deny",)"
    R"("Action":"cloudtrail:StopLogging","Resource":"*","Condition":{"BoolIfExists":)"
    R"({"aws:MultiFactorAuthPresent":"false"}}},)"
    R"({"Sid":"all","Effect":"Allow","Action":"cloudtrail:*","Resource":"*"}]})";

class IamSimulateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.services->iam = &iam_;
    auto policy = auth::ParsePolicy(kDenyStop);
    ASSERT_THAT(policy, IsOk());
    iam_.policies_of[std::string(kAlice)] = {
        auth::NamedPolicy{"deny-stop", auth::PolicySourceType::kUser, *policy}};
  }

  Result<Outcome> Call(std::string_view form) {
    return SimulatePrincipalPolicy(*env_.services, env_.Context(), QueryParams::Parse(form));
  }

  HandlerEnv env_;
  FakeIam iam_;
};

TEST_F(IamSimulateTest, ResultsFollowTheSpecShapeOnePerActionAndResource) {
  auto out = Call(std::string(kSource) +
                  "&ActionNames.member.1=cloudtrail%3AStopLogging"
                  "&ActionNames.member.2=s3%3AGetObject"
                  "&ResourceArns.member.1=arn%3Aaws%3Acloudtrail%3Aus-east-1%3A111122223333%3A"
                  "trail%2Ft1"
                  "&ContextEntries.member.1.ContextKeyName=aws%3AMultiFactorAuthPresent"
                  "&ContextEntries.member.1.ContextKeyValues.member.1=false"
                  "&ContextEntries.member.1.ContextKeyType=boolean");

  ASSERT_THAT(out, IsOk());
  auto deny_policy = auth::ParsePolicy(kDenyStop);
  ASSERT_THAT(deny_policy, IsOk());
  const auth::StatementInfo& deny = deny_policy->statements()[0];
  EXPECT_EQ(out->body,
            "    <IsTruncated>false</IsTruncated>\n"
            "    <EvaluationResults>\n"
            "      <member>\n"
            "        <EvalActionName>cloudtrail:StopLogging</EvalActionName>\n"
            "        <EvalResourceName>arn:aws:cloudtrail:us-east-1:111122223333:trail/t1"
            "</EvalResourceName>\n"
            "        <EvalDecision>explicitDeny</EvalDecision>\n"
            "        <MatchedStatements>\n"
            "          <member>\n"
            "            <SourcePolicyId>deny-stop</SourcePolicyId>\n"
            "            <SourcePolicyType>user</SourcePolicyType>\n"
            "            <StartPosition>\n"
            "              <Line>1</Line>\n"
            "              <Column>" +
                std::to_string(deny.start.column) +
                "</Column>\n"
                "            </StartPosition>\n"
                "            <EndPosition>\n"
                "              <Line>1</Line>\n"
                "              <Column>" +
                std::to_string(deny.end.column) +
                "</Column>\n"
                "            </EndPosition>\n"
                "          </member>\n"
                "        </MatchedStatements>\n"
                "        <MissingContextValues/>\n"
                "        <EvalDecisionDetails/>\n"
                "      </member>\n"
                "      <member>\n"
                "        <EvalActionName>s3:GetObject</EvalActionName>\n"
                "        <EvalResourceName>arn:aws:cloudtrail:us-east-1:111122223333:trail/t1"
                "</EvalResourceName>\n"
                "        <EvalDecision>implicitDeny</EvalDecision>\n"
                "        <MatchedStatements/>\n"
                "        <MissingContextValues/>\n"
                "        <EvalDecisionDetails/>\n"
                "      </member>\n"
                "    </EvaluationResults>\n");
  EXPECT_EQ(deny.start.column, 38);
}

TEST_F(IamSimulateTest, ContextDecidesConditions) {
  auto with_mfa = Call(std::string(kSource) +
                       "&ActionNames.member.1=cloudtrail%3AStopLogging"
                       "&ContextEntries.member.1.ContextKeyName=aws%3AMultiFactorAuthPresent"
                       "&ContextEntries.member.1.ContextKeyValues.member.1=true"
                       "&ContextEntries.member.1.ContextKeyType=boolean");
  auto without = Call(std::string(kSource) + "&ActionNames.member.1=cloudtrail%3AStopLogging");

  ASSERT_THAT(with_mfa, IsOk());
  EXPECT_THAT(with_mfa->body, HasSubstr("<EvalDecision>allowed</EvalDecision>"));
  EXPECT_THAT(with_mfa->body, HasSubstr("<SourcePolicyId>deny-stop</SourcePolicyId>"));
  EXPECT_THAT(with_mfa->body, HasSubstr("<EvalResourceName>*</EvalResourceName>"));
  EXPECT_THAT(with_mfa->body, Not(HasSubstr("EvalDecisionDetails")));
  ASSERT_THAT(without, IsOk());
  // BoolIfExists: an absent key (a long-term key's request) satisfies the condition.
  EXPECT_THAT(without->body, HasSubstr("<EvalDecision>explicitDeny</EvalDecision>"));
}

TEST_F(IamSimulateTest, MissingContextKeysAreListed) {
  auto policy = auth::ParsePolicy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*",)"
      R"("Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}}]})");
  ASSERT_THAT(policy, IsOk());
  iam_.policies_of[std::string(kAlice)] = {
      auth::NamedPolicy{"ip", auth::PolicySourceType::kUser, *policy}};

  auto out = Call(std::string(kSource) + "&ActionNames.member.1=cloudtrail%3ALookupEvents");

  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->body, HasSubstr("<EvalDecision>implicitDeny</EvalDecision>"));
  EXPECT_THAT(out->body, HasSubstr("<MissingContextValues>\n          <member>aws:SourceIp"
                                   "</member>\n        </MissingContextValues>\n"));
}

TEST_F(IamSimulateTest, PolicyInputListAddsPolicies) {
  iam_.policies_of[std::string(kAlice)] = {};

  auto out = Call(std::string(kSource) +
                  "&ActionNames.member.1=cloudtrail%3AGetTrail"
                  "&PolicyInputList.member.1=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement"
                  "%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22cloudtrail%3AGet%2A"
                  "%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D");

  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->body, HasSubstr("<EvalDecision>allowed</EvalDecision>"));
  EXPECT_THAT(out->body, HasSubstr("<SourcePolicyId>PolicyInputList.1</SourcePolicyId>"));
  EXPECT_THAT(Call(std::string(kSource) +
                   "&ActionNames.member.1=cloudtrail%3AGetTrail&PolicyInputList.member.1=nope"),
              HasError(Error::kInvalidInput));
}

TEST_F(IamSimulateTest, PagesWithMaxItemsAndMarker) {
  const std::string actions = std::string(kSource) +
                              "&ActionNames.member.1=cloudtrail%3AGetTrail"
                              "&ActionNames.member.2=cloudtrail%3AListTrails"
                              "&ActionNames.member.3=cloudtrail%3ADeleteTrail";

  auto first = Call(actions + "&MaxItems=2");
  auto second = Call(actions + "&MaxItems=2&Marker=2");

  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(first->body, HasSubstr("<IsTruncated>true</IsTruncated>\n    <Marker>2</Marker>"));
  EXPECT_THAT(first->body, HasSubstr("ListTrails"));
  EXPECT_THAT(first->body, Not(HasSubstr("DeleteTrail")));
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(second->body, HasSubstr("<IsTruncated>false</IsTruncated>"));
  EXPECT_THAT(second->body, HasSubstr("DeleteTrail"));
  EXPECT_THAT(second->body, Not(HasSubstr("GetTrail<")));
}

TEST_F(IamSimulateTest, UnknownPrincipalAndMissingActions) {
  EXPECT_THAT(Call("PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Fnobody"
                   "&ActionNames.member.1=cloudtrail%3AGetTrail"),
              HasError(Error::kNoSuchEntity));
  EXPECT_THAT(Call(kSource), HasError(Error::kValidation));
}

TEST(FindQueryOperation, RoutesIamAndStsActionsByTheSigningService) {
  struct Case {
    std::string_view service, action, source, iam_action;
    bool read_only, needs_authorization;
  };
  const Case cases[] = {
      {"iam", "CreateUser", "iam.amazonaws.com", "iam:CreateUser", false, true},
      {"iam", "ListUsers", "iam.amazonaws.com", "iam:ListUsers", true, true},
      {"iam", "SimulatePrincipalPolicy", "iam.amazonaws.com", "iam:SimulatePrincipalPolicy", true,
       true},
      {"iam", "CreateVirtualMFADevice", "iam.amazonaws.com", "iam:CreateVirtualMFADevice", false,
       true},
      {"sts", "GetSessionToken", "sts.amazonaws.com", "sts:GetSessionToken", true, false},
      {"sts", "GetCallerIdentity", "sts.amazonaws.com", "sts:GetCallerIdentity", true, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.action);

    const QueryOperation* op = FindQueryOperation(c.service, c.action);

    ASSERT_NE(op, nullptr);
    EXPECT_EQ(op->event_source, c.source);
    EXPECT_EQ(op->action, c.iam_action);
    EXPECT_EQ(op->read_only, c.read_only);
    EXPECT_EQ(op->needs_authorization, c.needs_authorization);
    EXPECT_EQ(op->xmlns, c.service == "iam" ? "https://iam.amazonaws.com/doc/2010-05-08/"
                                            : "https://sts.amazonaws.com/doc/2011-06-15/");
  }
  EXPECT_EQ(FindQueryOperation("sts", "CreateUser"), nullptr);
  EXPECT_EQ(FindQueryOperation("iam", "GetSessionToken"), nullptr);
  EXPECT_EQ(FindQueryOperation("iam", "createUser"), nullptr);
}

TEST(QueryResource, IamCallsAreAuthorizedAgainstTheAddressedEntity) {
  HandlerEnv env;
  FakeIam iam;
  env.services->iam = &iam;
  ASSERT_THAT(iam.CreateUser("alice", "/dev/", {}, std::nullopt), IsOk());
  struct Case {
    std::string_view action, form, resource;
  };
  const Case cases[] = {
      {"iam:GetUser", "UserName=alice", "arn:aws:iam::111122223333:user/dev/alice"},
      {"iam:CreateAccessKey", "", "arn:aws:iam::111122223333:user/admin"},
      {"iam:CreateUser", "UserName=bob&Path=%2Fops%2F", "arn:aws:iam::111122223333:user/ops/bob"},
      {"iam:AttachGroupPolicy", "GroupName=auditors", "arn:aws:iam::111122223333:group/auditors"},
      {"iam:ListUsers", "", "*"},
      {"sts:GetSessionToken", "", "*"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.action);
    EXPECT_EQ(QueryResource(*env.services, env.Context(), c.action, QueryParams::Parse(c.form)),
              c.resource);
  }
}

}  // namespace
}  // namespace ot::api::handlers
