// The CIS monitoring patterns (spec §7) against CloudTrail records that must and must not match.

#include "monitor/cis_patterns.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "monitor/filter_pattern.h"
#include "support/matchers.h"

namespace ot::monitor {
namespace {

using ::ot::testing::IsOk;

// A CloudTrail record shaped like the real thing; fields left empty are omitted.
struct Ev {
  std::string source = "ec2.amazonaws.com";
  std::string name = "DescribeInstances";
  std::string identity = "IAMUser";
  std::string invoked_by;
  std::string error_code;
  std::string error_message;
  std::string ip = "203.0.113.5";
  std::string event_type = "AwsApiCall";
  std::string mfa_used;       // additionalEventData.MFAUsed
  std::string console_login;  // responseElements.ConsoleLogin
};

std::string Json(const Ev& e) {
  std::string s = R"({"eventVersion":"1.09","userIdentity":{"type":")" + e.identity +
                  R"(","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/ana",)"
                  R"("accountId":"111122223333")";
  if (!e.invoked_by.empty()) s += R"(,"invokedBy":")" + e.invoked_by + "\"";
  s += R"(},"eventTime":"2026-11-01T10:00:00Z","eventSource":")" + e.source + R"(","eventName":")" +
       e.name + R"(","awsRegion":"us-east-1","sourceIPAddress":")" + e.ip +
       R"(","userAgent":"aws-cli/2.15.0")";
  if (!e.error_code.empty()) s += R"(,"errorCode":")" + e.error_code + "\"";
  if (!e.error_message.empty()) s += R"(,"errorMessage":")" + e.error_message + "\"";
  s += R"(,"requestParameters":{"groupId":"sg-0abc"},"responseElements":)";
  s += e.console_login.empty() ? "null" : R"({"ConsoleLogin":")" + e.console_login + "\"}";
  if (!e.mfa_used.empty()) {
    s += R"(,"additionalEventData":{"LoginTo":"https://console.aws.amazon.com","MobileVersion":)"
         R"("No","MFAUsed":")" +
         e.mfa_used + "\"}";
  }
  s += R"(,"requestID":"req-1","eventID":"5b5a2f0e-0000-4000-8000-000000000001","readOnly":)"
       R"(false,"eventType":")" +
       e.event_type + R"(","managementEvent":true,"recipientAccountId":"111122223333"})";
  return s;
}

FilterPattern Control(std::string_view id) {
  for (const CisControl& c : CisControls()) {
    if (c.id == id) {
      Result<FilterPattern> p = CompileFilterPattern(c.pattern);
      OT_CHECK(p.ok());
      return *p;
    }
  }
  OT_CHECK(false);
}

bool Match(const FilterPattern& p, const Ev& e) { return Matches(p, EventFields(Json(e))); }

Ev Named(std::string source, std::string name) {
  Ev e;
  e.source = std::move(source);
  e.name = std::move(name);
  return e;
}

TEST(CisPatterns, AllControlsCompileAndAreJson) {
  ASSERT_EQ(CisControls().size(), 15u);
  for (const CisControl& c : CisControls()) {
    SCOPED_TRACE(c.id);
    Result<FilterPattern> p = CompileFilterPattern(c.pattern);
    ASSERT_THAT(p, IsOk());
    EXPECT_EQ(p->kind(), PatternKind::kJson);
    EXPECT_EQ(p->text(), c.pattern);
  }
  for (std::string_view v :
       {kCisUnauthorizedApiCallsV5, kCisConsoleLoginWithoutMfaSso, kCisSecurityGroupChangesV5}) {
    EXPECT_THAT(CompileFilterPattern(v), IsOk()) << v;
  }
}

TEST(CisPatterns, UnauthorizedApiCallsV3MatchesAlmostEverything) {
  const FilterPattern p = Control("4.1");
  Ev unauthorized;
  unauthorized.error_code = "Client.UnauthorizedOperation";
  Ev denied;
  denied.error_code = "AccessDenied";
  Ev throttled;
  throttled.error_code = "ThrottlingException";
  Ev delivery_head_bucket = Named("s3.amazonaws.com", "HeadBucket");
  delivery_head_bucket.ip = "delivery.logs.amazonaws.com";
  Ev delivery_put = Named("s3.amazonaws.com", "PutObject");
  delivery_put.ip = "delivery.logs.amazonaws.com";

  EXPECT_TRUE(Match(p, unauthorized));
  EXPECT_TRUE(Match(p, denied));
  // The v3.0 text ORs its exclusions (spec §7), so an ordinary error from a client IP matches.
  EXPECT_TRUE(Match(p, throttled));
  EXPECT_TRUE(Match(p, delivery_put));
  EXPECT_FALSE(Match(p, delivery_head_bucket));
}

TEST(CisPatterns, UnauthorizedApiCallsV5ExcludesDeliveryAndHeadBucket) {
  Result<FilterPattern> p = CompileFilterPattern(kCisUnauthorizedApiCallsV5);
  ASSERT_THAT(p, IsOk());
  Ev unauthorized;
  unauthorized.error_code = "Client.UnauthorizedOperation";
  Ev denied = Named("s3.amazonaws.com", "GetObject");
  denied.error_code = "AccessDenied";
  Ev denied_by_delivery = denied;
  denied_by_delivery.ip = "delivery.logs.amazonaws.com";
  Ev denied_head_bucket = Named("s3.amazonaws.com", "HeadBucket");
  denied_head_bucket.error_code = "AccessDenied";
  Ev throttled;
  throttled.error_code = "ThrottlingException";
  Ev ok;

  EXPECT_TRUE(Matches(*p, EventFields(Json(unauthorized))));
  EXPECT_TRUE(Matches(*p, EventFields(Json(denied))));
  EXPECT_FALSE(Matches(*p, EventFields(Json(denied_by_delivery))));
  EXPECT_FALSE(Matches(*p, EventFields(Json(denied_head_bucket))));
  EXPECT_FALSE(Matches(*p, EventFields(Json(throttled))));
  EXPECT_FALSE(Matches(*p, EventFields(Json(ok))));
}

TEST(CisPatterns, ConsoleLoginWithoutMfa) {
  const FilterPattern p = Control("4.2");
  Ev no_mfa = Named("signin.amazonaws.com", "ConsoleLogin");
  no_mfa.mfa_used = "No";
  no_mfa.console_login = "Success";
  Ev with_mfa = no_mfa;
  with_mfa.mfa_used = "Yes";
  Ev other = Named("signin.amazonaws.com", "CheckMfa");
  other.mfa_used = "No";
  // No additionalEventData at all: `!=` on a missing field is false (spec §3).
  Ev no_data = Named("signin.amazonaws.com", "ConsoleLogin");

  EXPECT_TRUE(Match(p, no_mfa));
  EXPECT_FALSE(Match(p, with_mfa));
  EXPECT_FALSE(Match(p, other));
  EXPECT_FALSE(Match(p, no_data));
}

TEST(CisPatterns, ConsoleLoginWithoutMfaSsoVariantNeedsIamUserAndSuccess) {
  Result<FilterPattern> p = CompileFilterPattern(kCisConsoleLoginWithoutMfaSso);
  ASSERT_THAT(p, IsOk());
  Ev iam = Named("signin.amazonaws.com", "ConsoleLogin");
  iam.mfa_used = "No";
  iam.console_login = "Success";
  Ev failed = iam;
  failed.console_login = "Failure";
  Ev federated = iam;
  federated.identity = "AssumedRole";

  EXPECT_TRUE(Matches(*p, EventFields(Json(iam))));
  EXPECT_FALSE(Matches(*p, EventFields(Json(failed))));
  EXPECT_FALSE(Matches(*p, EventFields(Json(federated))));
}

TEST(CisPatterns, RootAccountUsage) {
  const FilterPattern p = Control("4.3");
  Ev root = Named("iam.amazonaws.com", "CreateUser");
  root.identity = "Root";
  Ev root_via_service = root;
  root_via_service.invoked_by = "support.amazonaws.com";
  Ev root_service_event = root;
  root_service_event.event_type = "AwsServiceEvent";
  Ev iam_user = Named("iam.amazonaws.com", "CreateUser");

  EXPECT_TRUE(Match(p, root));
  EXPECT_FALSE(Match(p, root_via_service));
  EXPECT_FALSE(Match(p, root_service_event));
  EXPECT_FALSE(Match(p, iam_user));
}

TEST(CisPatterns, ConsoleAuthenticationFailures) {
  const FilterPattern p = Control("4.6");
  Ev failed = Named("signin.amazonaws.com", "ConsoleLogin");
  failed.error_message = "Failed authentication";
  failed.console_login = "Failure";
  Ev other_error = failed;
  other_error.error_message = "Failed authentication (MFA)";
  Ev success = Named("signin.amazonaws.com", "ConsoleLogin");
  success.console_login = "Success";

  EXPECT_TRUE(Match(p, failed));
  EXPECT_FALSE(Match(p, other_error));
  EXPECT_FALSE(Match(p, success));
}

// Controls that are one event source (or any) and a list of event names.
TEST(CisPatterns, EventNameListsMatchTheirNamesOnly) {
  struct NameCase {
    std::string_view control;
    std::string source;
    std::vector<std::string> match;
    std::vector<std::string> no_match;
  };
  const NameCase cases[] = {
      {"4.4",
       "iam.amazonaws.com",
       {"DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
        "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion",
        "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy",
        "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"},
       {"GetPolicy", "ListPolicies", "CreateUser", "putrolepolicy", "PutRolePolicyX"}},
      {"4.5",
       "cloudtrail.amazonaws.com",
       {"CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"},
       {"DescribeTrails", "GetTrailStatus", "PutEventSelectors"}},
      {"4.7",
       "kms.amazonaws.com",
       {"DisableKey", "ScheduleKeyDeletion"},
       {"EnableKey", "CancelKeyDeletion", "Decrypt", "CreateKey"}},
      {"4.8",
       "s3.amazonaws.com",
       {"PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
        "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle",
        "DeleteBucketReplication"},
       {"GetBucketPolicy", "PutObject", "PutBucketTagging", "CreateBucket"}},
      {"4.9",
       "config.amazonaws.com",
       {"StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
        "PutConfigurationRecorder"},
       {"StartConfigurationRecorder", "DescribeDeliveryChannels"}},
      {"4.10",
       "ec2.amazonaws.com",
       {"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup",
        "DeleteSecurityGroup"},
       {"DescribeSecurityGroups", "ModifySecurityGroupRules"}},
      {"4.11",
       "ec2.amazonaws.com",
       {"CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"},
       {"DescribeNetworkAcls"}},
      {"4.12",
       "ec2.amazonaws.com",
       {"CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
        "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"},
       {"DescribeInternetGateways", "CreateNatGateway"}},
      {"4.13",
       "ec2.amazonaws.com",
       {"CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
        "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"},
       {"DescribeRouteTables", "AssociateRouteTable"}},
      {"4.14",
       "ec2.amazonaws.com",
       {"CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
        "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
        "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink",
        "EnableVpcClassicLink"},
       {"DescribeVpcs", "CreateSubnet"}},
      {"4.15",
       "organizations.amazonaws.com",
       {"AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit",
        "CreatePolicy", "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit",
        "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnablePolicyType",
        "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
        "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit"},
       {"DescribeOrganization", "ListAccounts"}},
  };
  for (const NameCase& c : cases) {
    SCOPED_TRACE(c.control);
    const FilterPattern p = Control(c.control);
    for (const std::string& name : c.match) {
      EXPECT_TRUE(Match(p, Named(c.source, name))) << name;
    }
    for (const std::string& name : c.no_match) {
      EXPECT_FALSE(Match(p, Named(c.source, name))) << name;
    }
  }
}

TEST(CisPatterns, SourceScopedControlsIgnoreTheSameNameFromAnotherService) {
  // 4.7, 4.8, 4.9 and 4.15 require the event source; 4.4 does not (CreatePolicy is IAM's and
  // Organizations').
  EXPECT_FALSE(Match(Control("4.7"), Named("cloudhsm.amazonaws.com", "DisableKey")));
  EXPECT_FALSE(Match(Control("4.8"), Named("s3control.amazonaws.com", "PutBucketPolicy")));
  EXPECT_FALSE(Match(Control("4.9"), Named("ec2.amazonaws.com", "PutDeliveryChannel")));
  EXPECT_FALSE(Match(Control("4.15"), Named("iam.amazonaws.com", "CreatePolicy")));
  EXPECT_TRUE(Match(Control("4.4"), Named("organizations.amazonaws.com", "CreatePolicy")));
}

TEST(CisPatterns, SecurityGroupChangesV5AddsModifySecurityGroupRules) {
  Result<FilterPattern> p = CompileFilterPattern(kCisSecurityGroupChangesV5);
  ASSERT_THAT(p, IsOk());

  EXPECT_TRUE(
      Matches(*p, EventFields(Json(Named("ec2.amazonaws.com", "ModifySecurityGroupRules")))));
  EXPECT_FALSE(Match(Control("4.10"), Named("ec2.amazonaws.com", "ModifySecurityGroupRules")));
}

TEST(CisPatterns, OneEventEvaluatedAgainstAllControls) {
  Ev stop = Named("cloudtrail.amazonaws.com", "StopLogging");
  stop.identity = "Root";
  const std::string json = Json(stop);
  EventFields event(json);

  std::vector<std::string_view> matched;
  for (const CisControl& c : CisControls()) {
    Result<FilterPattern> p = CompileFilterPattern(c.pattern);
    ASSERT_THAT(p, IsOk());
    if (Matches(*p, event)) matched.push_back(c.id);
  }

  EXPECT_THAT(matched, ::testing::ElementsAre("4.1", "4.3", "4.5"));
}

}  // namespace
}  // namespace ot::monitor
