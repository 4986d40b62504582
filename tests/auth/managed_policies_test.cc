#include "auth/managed_policies.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "auth/policy.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ::ot::testing::IsOk;

Decision DecideWith(std::string_view arn, std::string action, std::string resource = "*") {
  const ManagedPolicy* m = FindAwsManagedPolicy(arn);
  EXPECT_NE(m, nullptr) << arn;
  if (m == nullptr) return Decision::kImplicitDeny;
  auto policy = ParsePolicy(m->document, {.require_2012_version = true});
  EXPECT_THAT(policy, IsOk());
  if (!policy.ok()) return Decision::kImplicitDeny;
  std::vector<NamedPolicy> policies = {
      NamedPolicy{std::string(m->arn), PolicySourceType::kAwsManaged, *policy}};
  RequestContext ctx;
  ctx.action = std::move(action);
  ctx.resource = std::move(resource);
  ctx.keys["iam:PassedToService"] = {"cloudtrail.amazonaws.com"};
  return Decide(policies, ctx);
}

constexpr std::string_view kReadOnly = "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess";
constexpr std::string_view kFull = "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess";

TEST(ManagedPolicies, EveryPolicyParsesAndHasConsistentMetadata) {
  auto all = AwsManagedPolicies();

  ASSERT_GE(all.size(), 2u);
  for (size_t i = 0; i < all.size(); ++i) {
    const ManagedPolicy& p = all[i];
    SCOPED_TRACE(p.name);
    EXPECT_THAT(ParsePolicy(p.document, {.require_2012_version = true}), IsOk());
    EXPECT_EQ(p.arn, "arn:aws:iam::aws:policy" + std::string(p.path) + std::string(p.name));
    EXPECT_EQ(p.policy_id.size(), 21u);
    EXPECT_TRUE(p.policy_id.starts_with("ANPA"));
    EXPECT_FALSE(p.description.empty());
    EXPECT_EQ(FindAwsManagedPolicy(p.arn), &p);
    if (i > 0) {
      EXPECT_LT(all[i - 1].name, p.name);
      EXPECT_NE(all[i - 1].policy_id, p.policy_id);
    }
  }
}

TEST(ManagedPolicies, LookupIsByExactArn) {
  EXPECT_EQ(FindAwsManagedPolicy("arn:aws:iam::aws:policy/Nope"), nullptr);
  EXPECT_EQ(FindAwsManagedPolicy("arn:aws:iam::aws:policy/awscloudtrail_fullaccess"), nullptr);
  EXPECT_EQ(FindAwsManagedPolicy("AWSCloudTrail_FullAccess"), nullptr);
}

TEST(ManagedPolicies, ReadOnlyMetadataMatchesSpec) {
  const ManagedPolicy* p = FindAwsManagedPolicy(kReadOnly);

  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "AWSCloudTrail_ReadOnlyAccess");
  EXPECT_EQ(p->path, "/");
  EXPECT_EQ(p->default_version_id, "v1");
  EXPECT_EQ(p->create_date, "2022-06-14T17:19:05Z");
  EXPECT_EQ(p->update_date, "2022-06-14T17:19:05Z");
}

TEST(ManagedPolicies, FullAccessMetadataMatchesSpec) {
  const ManagedPolicy* p = FindAwsManagedPolicy(kFull);

  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->default_version_id, "v3");
  EXPECT_TRUE(p->create_date.starts_with("2020-10-08"));
  EXPECT_TRUE(p->update_date.starts_with("2021-02-22"));
  auto parsed = ParsePolicy(p->document);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->statements().size(), 11u);
}

TEST(ManagedPolicies, ReadOnlyAllowsReadsOnlyAndNothingOutsideCloudTrail) {
  struct Case {
    std::string_view action;
    Decision want;
  };
  const Case cases[] = {
      {"cloudtrail:GetTrail", Decision::kAllowed},
      {"cloudtrail:GetTrailStatus", Decision::kAllowed},
      {"cloudtrail:DescribeTrails", Decision::kAllowed},
      {"cloudtrail:ListTags", Decision::kAllowed},
      {"cloudtrail:LookupEvents", Decision::kAllowed},
      {"CloudTrail:lookupevents", Decision::kAllowed},
      {"cloudtrail:StopLogging", Decision::kImplicitDeny},
      {"cloudtrail:DeleteTrail", Decision::kImplicitDeny},
      {"cloudtrail:PutEventSelectors", Decision::kImplicitDeny},
      {"s3:GetObject", Decision::kImplicitDeny},
      {"s3:ListBucket", Decision::kImplicitDeny},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.action);
    EXPECT_EQ(DecideWith(kReadOnly, std::string(c.action),
                         "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"),
              c.want);
  }
}

TEST(ManagedPolicies, FullAccessCoversCloudTrailAndItsCompanionResourcesOnly) {
  struct Case {
    std::string_view action, resource;
    Decision want;
  };
  const Case cases[] = {
      {"cloudtrail:DeleteTrail", "arn:aws:cloudtrail:us-east-1:1:trail/t", Decision::kAllowed},
      {"cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:1:trail/t", Decision::kAllowed},
      {"s3:CreateBucket", "arn:aws:s3:::aws-cloudtrail-logs-123-abc", Decision::kAllowed},
      {"s3:CreateBucket", "arn:aws:s3:::my-bucket", Decision::kImplicitDeny},
      {"s3:PutBucketPolicy", "arn:aws:s3:::aws-cloudtrail-logs-x", Decision::kAllowed},
      {"s3:GetObject", "arn:aws:s3:::aws-cloudtrail-logs-x/AWSLogs/f.json.gz",
       Decision::kImplicitDeny},
      {"s3:DeleteObject", "arn:aws:s3:::aws-cloudtrail-logs-x/k", Decision::kImplicitDeny},
      {"s3:ListAllMyBuckets", "*", Decision::kAllowed},
      {"sns:CreateTopic", "arn:aws:sns:us-east-1:1:aws-cloudtrail-logs-t", Decision::kAllowed},
      {"sns:CreateTopic", "arn:aws:sns:us-east-1:1:other", Decision::kImplicitDeny},
      {"sns:Publish", "arn:aws:sns:us-east-1:1:aws-cloudtrail-logs-t", Decision::kImplicitDeny},
      {"sns:ListTopics", "*", Decision::kAllowed},
      {"logs:CreateLogGroup", "arn:aws:logs:us-east-1:1:log-group:aws-cloudtrail-logs-g",
       Decision::kAllowed},
      {"logs:CreateLogGroup", "arn:aws:logs:us-east-1:1:log-group:app", Decision::kImplicitDeny},
      {"iam:GetUser", "arn:aws:iam::1:user/a", Decision::kAllowed},
      {"iam:CreateUser", "arn:aws:iam::1:user/a", Decision::kImplicitDeny},
      {"iam:PassRole", "arn:aws:iam::1:role/r", Decision::kAllowed},
      {"kms:CreateKey", "*", Decision::kAllowed},
      {"kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k", Decision::kImplicitDeny},
      {"lambda:ListFunctions", "*", Decision::kAllowed},
      {"dynamodb:ListTables", "*", Decision::kAllowed},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.action) + " on " + std::string(c.resource));
    EXPECT_EQ(DecideWith(kFull, std::string(c.action), std::string(c.resource)), c.want);
  }
}

TEST(ManagedPolicies, FullAccessPassRoleOnlyToCloudTrail) {
  const ManagedPolicy* m = FindAwsManagedPolicy(kFull);
  ASSERT_NE(m, nullptr);
  auto policy = ParsePolicy(m->document);
  ASSERT_THAT(policy, IsOk());
  std::vector<NamedPolicy> policies = {{"full", PolicySourceType::kAwsManaged, *policy}};
  RequestContext ctx;
  ctx.action = "iam:PassRole";
  ctx.resource = "arn:aws:iam::123456789012:role/r";
  ctx.keys["iam:PassedToService"] = {"ec2.amazonaws.com"};

  EXPECT_EQ(Decide(policies, ctx), Decision::kImplicitDeny);
}

}  // namespace
}  // namespace ot::auth
