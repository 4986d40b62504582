#include <gmock/gmock.h>

#include "iam_fixture.h"

namespace ot::iam {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kDoc =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"cloudtrail:*","Resource":"*"}]})";
constexpr std::string_view kReadOnly = "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess";
constexpr std::string_view kAdmin = "arn:aws:iam::aws:policy/AdministratorAccess";

TEST_F(IamTest, InlinePoliciesPutGetListReplaceDelete) {
  MakeUser("alice");
  const std::string pretty =
      "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", "
      "\"Action\": \"s3:*\", \"Resource\": \"*\"}\n}";

  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "b", kDoc), IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "a", kDoc), IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "b", pretty), IsOk());

  auto got = iam().GetInlinePolicy(false, "alice", "b");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, pretty);  // exactly as submitted
  auto names = iam().ListInlinePolicies(false, "alice", {});
  ASSERT_THAT(names, IsOk());
  EXPECT_THAT(names->items, ElementsAre("a", "b"));
  ASSERT_THAT(iam().DeleteInlinePolicy(false, "alice", "a"), IsOk());
  auto missing = iam().GetInlinePolicy(false, "alice", "a");
  EXPECT_THAT(missing, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(missing.status().message(), "The user policy with name a cannot be found.");
  EXPECT_THAT(iam().DeleteInlinePolicy(false, "alice", "a"), HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, GroupInlinePolicyErrorsNameTheGroupKind) {
  ASSERT_THAT(iam().CreateGroup("g", "/"), IsOk());

  auto missing = iam().GetInlinePolicy(true, "g", "p");

  EXPECT_EQ(missing.status().message(), "The group policy with name p cannot be found.");
  EXPECT_THAT(iam().PutInlinePolicy(true, "nope", "p", kDoc), HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().ListInlinePolicies(true, "nope", {}), HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, InlinePolicyMustParse) {
  MakeUser("alice");

  Status bad = iam().PutInlinePolicy(false, "alice", "p", "{not json");
  Status principal = iam().PutInlinePolicy(
      false, "alice", "p",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})");
  Status empty = iam().PutInlinePolicy(false, "alice", "p", "");

  EXPECT_THAT(bad, HasError(Error::kMalformedPolicyDocument));
  EXPECT_EQ(bad.message(), "Syntax errors in policy.");
  EXPECT_THAT(principal, HasError(Error::kMalformedPolicyDocument));
  EXPECT_THAT(empty, HasError(Error::kValidation));
  EXPECT_THAT(iam().PutInlinePolicy(false, "alice", "bad name", kDoc),
              HasError(Error::kValidation));
}

std::string PolicyOfSize(size_t resource_chars) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::)" +
         std::string(resource_chars, 'b') + R"("}]})";
}

TEST_F(IamTest, InlinePolicyAggregateSizeQuota) {
  MakeUser("alice");
  ASSERT_THAT(iam().CreateGroup("g", "/"), IsOk());
  const std::string big = PolicyOfSize(1200);

  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "one", big), IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "one", big), IsOk());  // replaces itself
  Status second = iam().PutInlinePolicy(false, "alice", "two", big);
  ASSERT_THAT(iam().PutInlinePolicy(true, "g", "one", big), IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(true, "g", "two", big), IsOk());

  EXPECT_THAT(second, HasError(Error::kLimitExceeded));
  EXPECT_EQ(second.message(), "Maximum policy size of 2048 bytes exceeded for user alice");
  EXPECT_THAT(iam().PutInlinePolicy(true, "g", "big", PolicyOfSize(3000)),
              HasError(Error::kLimitExceeded));
}

TEST_F(IamTest, CreatePolicyAndReadItBack) {
  auto p = iam().CreatePolicy("trail-ops", "/team/", "ops", kDoc, {{"k", "v"}});

  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->arn, "arn:aws:iam::123456789012:policy/team/trail-ops");
  EXPECT_TRUE(p->id.starts_with("ANPA"));
  EXPECT_EQ(p->default_version_id, "v1");
  EXPECT_EQ(p->attachment_count, 0);
  EXPECT_FALSE(p->aws_managed);
  auto got = iam().GetPolicy(p->arn);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->description, "ops");
  auto v1 = iam().GetPolicyVersion(p->arn, "v1");
  ASSERT_THAT(v1, IsOk());
  EXPECT_EQ(v1->document, kDoc);
  EXPECT_TRUE(v1->is_default);
  EXPECT_THAT(iam().GetPolicyVersion(p->arn, "v2"), HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().GetPolicyVersion(p->arn, "x"), HasError(Error::kValidation));
}

TEST_F(IamTest, CreatePolicyErrors) {
  ASSERT_THAT(iam().CreatePolicy("p", "/", "", kDoc, {}), IsOk());

  auto dup = iam().CreatePolicy("P", "/other/", "", kDoc, {});
  auto old_version = iam().CreatePolicy(
      "q", "/", "",
      R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
      {});
  auto too_big = iam().CreatePolicy("r", "/", "", PolicyOfSize(6200), {});
  auto long_description = iam().CreatePolicy("s", "/", std::string(1001, 'd'), kDoc, {});

  EXPECT_THAT(dup, HasError(Error::kEntityAlreadyExists));
  EXPECT_EQ(dup.status().message(),
            "A policy called P already exists. Duplicate names are not allowed.");
  EXPECT_THAT(old_version, HasError(Error::kMalformedPolicyDocument));
  EXPECT_THAT(too_big, HasError(Error::kLimitExceeded));
  EXPECT_EQ(too_big.status().message(), "Cannot exceed quota for PolicySize: 6144");
  EXPECT_THAT(long_description, HasError(Error::kValidation));
}

TEST_F(IamTest, GetPolicyErrorsAndAwsManagedPolicies) {
  auto missing = iam().GetPolicy("arn:aws:iam::123456789012:policy/x");
  auto malformed = iam().GetPolicy("nope");
  auto aws = iam().GetPolicy(kReadOnly);
  auto full_v3 = iam().GetPolicyVersion("arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess", "v3");

  EXPECT_THAT(missing, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(missing.status().message(), "Policy arn:aws:iam::123456789012:policy/x was not found.");
  EXPECT_THAT(malformed, HasError(Error::kInvalidInput));
  EXPECT_EQ(malformed.status().message(), "ARN nope is not valid.");
  ASSERT_THAT(aws, IsOk());
  EXPECT_TRUE(aws->aws_managed);
  EXPECT_EQ(aws->name, "AWSCloudTrail_ReadOnlyAccess");
  EXPECT_EQ(aws->attachment_count, 0);
  ASSERT_THAT(full_v3, IsOk());
  EXPECT_TRUE(full_v3->is_default);
  EXPECT_NE(full_v3->document.find("cloudtrail:*"), std::string::npos);
}

TEST_F(IamTest, ListPoliciesByScopeAndAttachment) {
  ASSERT_THAT(iam().CreatePolicy("mine", "/", "", kDoc, {}), IsOk());
  auto names = [&](PolicyScope scope, bool only_attached) {
    std::vector<std::string> out;
    auto l = iam().ListPolicies(scope, only_attached, "", {});
    EXPECT_THAT(l, IsOk());
    if (l.ok()) {
      for (const ManagedPolicy& p : l->items) out.push_back(p.name);
    }
    return out;
  };

  EXPECT_THAT(names(PolicyScope::kAll, false),
              ElementsAre("AdministratorAccess", "AWSCloudTrail_FullAccess",
                          "AWSCloudTrail_ReadOnlyAccess", "mine"));
  EXPECT_THAT(names(PolicyScope::kLocal, false), ElementsAre("mine"));
  EXPECT_THAT(names(PolicyScope::kAws, false),
              ElementsAre("AdministratorAccess", "AWSCloudTrail_FullAccess",
                          "AWSCloudTrail_ReadOnlyAccess"));
  EXPECT_THAT(names(PolicyScope::kAll, true), ElementsAre("AdministratorAccess"));  // admin's
}

TEST_F(IamTest, AttachDetachCountsAndLists) {
  MakeUser("alice");
  ASSERT_THAT(iam().CreateGroup("g", "/"), IsOk());
  auto mine = iam().CreatePolicy("mine", "/team/", "", kDoc, {});
  ASSERT_THAT(mine, IsOk());

  ASSERT_THAT(iam().AttachPolicy(false, "alice", kReadOnly), IsOk());
  ASSERT_THAT(iam().AttachPolicy(false, "alice", kReadOnly), IsOk());  // idempotent
  ASSERT_THAT(iam().AttachPolicy(false, "alice", mine->arn), IsOk());
  ASSERT_THAT(iam().AttachPolicy(true, "g", kReadOnly), IsOk());

  auto ro = iam().GetPolicy(kReadOnly);
  ASSERT_THAT(ro, IsOk());
  EXPECT_EQ(ro->attachment_count, 2);
  auto listed = iam().ListAttachedPolicies(false, "alice", "", {});
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->items.size(), 2u);
  EXPECT_EQ(listed->items[0].name, "AWSCloudTrail_ReadOnlyAccess");
  EXPECT_EQ(listed->items[1].arn, mine->arn);
  auto team = iam().ListAttachedPolicies(false, "alice", "/team/", {});
  ASSERT_THAT(team, IsOk());
  ASSERT_EQ(team->items.size(), 1u);
  ASSERT_THAT(iam().DetachPolicy(false, "alice", kReadOnly), IsOk());
  Status again = iam().DetachPolicy(false, "alice", kReadOnly);
  EXPECT_THAT(again, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(iam().GetPolicy(kReadOnly)->attachment_count, 1);
}

TEST_F(IamTest, AttachErrors) {
  MakeUser("alice");

  Status unknown = iam().AttachPolicy(false, "alice", "arn:aws:iam::aws:policy/Nope");
  Status malformed = iam().AttachPolicy(false, "alice", "nope");
  Status no_user = iam().AttachPolicy(false, "bob", kReadOnly);

  EXPECT_THAT(unknown, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(unknown.message(),
            "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.");
  EXPECT_THAT(malformed, HasError(Error::kInvalidInput));
  EXPECT_THAT(no_user, HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, AttachedPoliciesPerUserQuota) {
  MakeUser("alice");
  for (int i = 0; i < 10; ++i) {
    auto p = iam().CreatePolicy("p" + std::to_string(i), "/", "", kDoc, {});
    ASSERT_THAT(p, IsOk());
    ASSERT_THAT(iam().AttachPolicy(false, "alice", p->arn), IsOk());
  }

  Status s = iam().AttachPolicy(false, "alice", kReadOnly);

  EXPECT_THAT(s, HasError(Error::kLimitExceeded));
  EXPECT_EQ(s.message(), "Cannot exceed quota for PoliciesPerUser: 10");
}

TEST_F(IamTest, DeletePolicyRules) {
  MakeUser("alice");
  auto p = iam().CreatePolicy("mine", "/", "", kDoc, {});
  ASSERT_THAT(p, IsOk());
  ASSERT_THAT(iam().AttachPolicy(false, "alice", p->arn), IsOk());

  Status attached = iam().DeletePolicy(p->arn);
  Status aws = iam().DeletePolicy(kAdmin);
  ASSERT_THAT(iam().DetachPolicy(false, "alice", p->arn), IsOk());

  EXPECT_THAT(attached, HasError(Error::kDeleteConflict));
  EXPECT_EQ(attached.message(), "Cannot delete a policy attached to entities.");
  EXPECT_THAT(aws, HasError(Error::kInvalidInput));
  EXPECT_THAT(iam().DeletePolicy(p->arn), IsOk());
  EXPECT_THAT(iam().DeletePolicy(p->arn), HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().CreatePolicy("mine", "/", "", kDoc, {}), IsOk());  // the name is free again
}

TEST_F(IamTest, PoliciesOfIncludesGroupsWithSourceTypes) {
  MakeUser("alice");
  ASSERT_THAT(iam().CreateGroup("g", "/"), IsOk());
  ASSERT_THAT(iam().AddUserToGroup("g", "alice"), IsOk());
  auto mine = iam().CreatePolicy("mine", "/", "", kDoc, {});
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "u-inline", kDoc), IsOk());
  ASSERT_THAT(iam().AttachPolicy(false, "alice", mine->arn), IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(true, "g", "g-inline", kDoc), IsOk());
  ASSERT_THAT(iam().AttachPolicy(true, "g", kReadOnly), IsOk());
  ASSERT_THAT(iam().AttachPolicy(true, "g", mine->arn), IsOk());  // listed once

  auto policies = iam().PoliciesOf(PrincipalOf("alice"));
  auto by_arn = iam().PoliciesOfArn("arn:aws:iam::123456789012:user/alice");
  auto group = iam().PoliciesOfArn("arn:aws:iam::123456789012:group/g");

  ASSERT_THAT(policies, IsOk());
  std::vector<std::pair<std::string, std::string_view>> seen;
  for (const auth::NamedPolicy& p : *policies) {
    seen.emplace_back(p.id, auth::PolicySourceTypeName(p.source_type));
  }
  EXPECT_THAT(seen, ElementsAre(std::pair<std::string, std::string_view>("u-inline", "user"),
                                std::pair<std::string, std::string_view>(mine->arn, "user-managed"),
                                std::pair<std::string, std::string_view>("g-inline", "group"),
                                std::pair<std::string, std::string_view>(std::string(kReadOnly),
                                                                         "aws-managed")));
  ASSERT_THAT(by_arn, IsOk());
  EXPECT_EQ(by_arn->size(), 4u);
  ASSERT_THAT(group, IsOk());
  EXPECT_EQ(group->size(), 3u);
  EXPECT_THAT(iam().PoliciesOfArn("arn:aws:iam::123456789012:user/nobody"),
              HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, PoliciesOfRefusesAStaleOrForeignPrincipal) {
  auth::Principal p = PrincipalOf("admin");
  auth::Principal stale = p;
  stale.principal_id = "AIDAOLDOLDOLDOLDOLDOL";
  auth::Principal foreign = p;
  foreign.account_id = "999999999999";

  EXPECT_THAT(iam().PoliciesOf(p), IsOk());
  EXPECT_THAT(iam().PoliciesOf(stale), HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().PoliciesOf(foreign), HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, GenerationMovesOnEveryMutation) {
  const uint64_t g0 = iam().Generation();
  MakeUser("alice");
  const uint64_t g1 = iam().Generation();
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "p", kDoc), IsOk());
  const uint64_t g2 = iam().Generation();
  (void)iam().GetUser("alice");

  EXPECT_LT(g0, g1);
  EXPECT_LT(g1, g2);
  EXPECT_EQ(iam().Generation(), g2);
}

}  // namespace
}  // namespace ot::iam
