#include <gmock/gmock.h>

#include "iam_fixture.h"

namespace ot::iam {
namespace {

constexpr std::string_view kTrail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/t1";
constexpr std::string_view kAllowTrails =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*"}]})";
// docs/policies/require-mfa-for-destructive-trail-actions.json
constexpr std::string_view kRequireMfa = R"({
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyDestructiveTrailActionsWithoutMFA",
    "Effect": "Deny",
    "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
    "Resource": "*",
    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
  }]
})";

class AuthorizerTest : public IamTest {
 protected:
  void SetUp() override {
    IamTest::SetUp();
    authorizer_ = NewPolicyAuthorizer(iam());
    MakeUser("alice");
    alice_ = PrincipalOf("alice");
  }

  Status Check(const auth::Principal& p, std::string_view action,
               std::string_view resource = kTrail, std::string_view ip = "203.0.113.7") {
    auth::AuthzRequest r(p, action, resource);
    r.source_ip = ip;
    r.secure_transport = true;
    r.now = clock_.Now();
    r.region = "us-east-1";
    return authorizer_->Authorize(r);
  }

  std::unique_ptr<auth::Authorizer> authorizer_;
  auth::Principal alice_;
};

TEST_F(AuthorizerTest, NothingIsAllowedWithoutPolicies) {
  Status s = Check(alice_, "cloudtrail:GetTrail");

  EXPECT_THAT(s, HasError(Error::kAccessDenied));
  EXPECT_EQ(s.message(),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
            "cloudtrail:GetTrail on resource: " +
                std::string(kTrail));
}

TEST_F(AuthorizerTest, AdminIsAllowedEverything) {
  EXPECT_THAT(Check(PrincipalOf("admin"), "cloudtrail:DeleteTrail"), IsOk());
  EXPECT_THAT(Check(PrincipalOf("admin"), "iam:CreateUser", "arn:aws:iam::123456789012:user/x"),
              IsOk());
}

TEST_F(AuthorizerTest, GroupMembershipChangesTakeEffectImmediately) {
  ASSERT_THAT(iam().CreateGroup("auditors", "/"), IsOk());
  ASSERT_THAT(
      iam().AttachPolicy(true, "auditors", "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"),
      IsOk());
  EXPECT_THAT(Check(alice_, "cloudtrail:LookupEvents", "*"), HasError(Error::kAccessDenied));

  ASSERT_THAT(iam().AddUserToGroup("auditors", "alice"), IsOk());
  EXPECT_THAT(Check(alice_, "cloudtrail:LookupEvents", "*"), IsOk());
  EXPECT_THAT(Check(alice_, "cloudtrail:DeleteTrail"), HasError(Error::kAccessDenied));

  ASSERT_THAT(iam().RemoveUserFromGroup("auditors", "alice"), IsOk());
  EXPECT_THAT(Check(alice_, "cloudtrail:LookupEvents", "*"), HasError(Error::kAccessDenied));
}

TEST_F(AuthorizerTest, PolicyEditsTakeEffectImmediately) {
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "trails", kAllowTrails), IsOk());
  EXPECT_THAT(Check(alice_, "cloudtrail:GetTrail"), IsOk());

  ASSERT_THAT(iam().DeleteInlinePolicy(false, "alice", "trails"), IsOk());

  EXPECT_THAT(Check(alice_, "cloudtrail:GetTrail"), HasError(Error::kAccessDenied));
}

TEST_F(AuthorizerTest, ExplicitDenyBeatsAllow) {
  ASSERT_THAT(iam().AttachPolicy(false, "alice", "arn:aws:iam::aws:policy/AdministratorAccess"),
              IsOk());
  ASSERT_THAT(
      iam().PutInlinePolicy(
          false, "alice", "no-delete",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:DeleteTrail","Resource":"*"}]})"),
      IsOk());

  Status s = Check(alice_, "cloudtrail:DeleteTrail");

  EXPECT_THAT(s, HasError(Error::kAccessDenied));
  EXPECT_TRUE(s.message().ends_with(" with an explicit deny")) << s.message();
  EXPECT_THAT(Check(alice_, "cloudtrail:StopLogging"), IsOk());
}

TEST_F(AuthorizerTest, MfaConditionDeniesDestructiveActionsWithoutMfa) {
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "trails", kAllowTrails), IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "require-mfa", kRequireMfa), IsOk());
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);
  auto plain = iam().GetSessionToken(alice_, std::nullopt, std::nullopt, std::nullopt);
  auto with_mfa = iam().GetSessionToken(alice_, std::nullopt, serial, Code(seed));
  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(with_mfa, IsOk());
  const auth::Principal plain_session = credentials().Find(plain->access_key_id)->principal;
  const auth::Principal mfa_session = credentials().Find(with_mfa->access_key_id)->principal;

  // Long-term key: the key is absent, so BoolIfExists matches and the Deny applies.
  EXPECT_THAT(Check(alice_, "cloudtrail:StopLogging"), HasError(Error::kAccessDenied));
  EXPECT_THAT(Check(plain_session, "cloudtrail:DeleteTrail"), HasError(Error::kAccessDenied));
  EXPECT_THAT(Check(mfa_session, "cloudtrail:StopLogging"), IsOk());
  EXPECT_THAT(Check(mfa_session, "cloudtrail:DeleteTrail"), IsOk());
  EXPECT_THAT(Check(alice_, "cloudtrail:GetTrail"), IsOk());
}

TEST_F(AuthorizerTest, MfaAgeComesFromTheSession) {
  ASSERT_THAT(
      iam().PutInlinePolicy(
          false, "alice", "fresh-mfa",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]})"),
      IsOk());
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);
  auto s = iam().GetSessionToken(alice_, std::nullopt, serial, Code(seed));
  ASSERT_THAT(s, IsOk());
  const auth::Principal session = credentials().Find(s->access_key_id)->principal;

  EXPECT_THAT(Check(session, "cloudtrail:GetTrail"), IsOk());
  clock_.Advance(std::chrono::hours(2));
  EXPECT_THAT(Check(session, "cloudtrail:GetTrail"), HasError(Error::kAccessDenied));
}

TEST_F(AuthorizerTest, SourceIpCondition) {
  ASSERT_THAT(
      iam().PutInlinePolicy(
          false, "alice", "office",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]})"),
      IsOk());

  EXPECT_THAT(Check(alice_, "cloudtrail:GetTrail", kTrail, "203.0.113.9"), IsOk());
  EXPECT_THAT(Check(alice_, "cloudtrail:GetTrail", kTrail, "198.51.100.1"),
              HasError(Error::kAccessDenied));
}

TEST_F(AuthorizerTest, CurrentTimeCondition) {
  ASSERT_THAT(
      iam().PutInlinePolicy(
          false, "alice", "until",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2024-05-02T00:00:00Z"}}}]})"),
      IsOk());
  clock_.Set(SysMillis(std::chrono::seconds(1714566896)));  // 2024-05-01T12:34:56Z

  EXPECT_THAT(Check(alice_, "cloudtrail:GetTrail"), IsOk());
  clock_.Advance(std::chrono::hours(12));
  EXPECT_THAT(Check(alice_, "cloudtrail:GetTrail"), HasError(Error::kAccessDenied));
}

TEST_F(AuthorizerTest, ResourceScopedAllow) {
  ASSERT_THAT(
      iam().PutInlinePolicy(
          false, "alice", "one-trail",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:StopLogging","Resource":"arn:aws:cloudtrail:*:123456789012:trail/t1"}]})"),
      IsOk());

  EXPECT_THAT(Check(alice_, "cloudtrail:StopLogging"), IsOk());
  EXPECT_THAT(
      Check(alice_, "cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:123456789012:trail/t2"),
      HasError(Error::kAccessDenied));
}

TEST_F(AuthorizerTest, ServiceKeysFromTheRequestReachConditions) {
  ASSERT_THAT(
      iam().PutInlinePolicy(
          false, "alice", "prefix",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"AWSLogs/*"}}}]})"),
      IsOk());
  const std::vector<std::pair<std::string, std::string>> good = {{"s3:prefix", "AWSLogs/x"}};
  const std::vector<std::pair<std::string, std::string>> bad = {{"s3:prefix", "other/"}};
  auth::AuthzRequest r(alice_, "s3:ListBucket", "arn:aws:s3:::b");
  r.now = clock_.Now();

  r.keys = &good;
  EXPECT_THAT(authorizer_->Authorize(r), IsOk());
  r.keys = &bad;
  EXPECT_THAT(authorizer_->Authorize(r), HasError(Error::kAccessDenied));
}

TEST_F(AuthorizerTest, OtherAccountsAndDeletedUsersAreDenied) {
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "trails", kAllowTrails), IsOk());
  auth::Principal foreign = alice_;
  foreign.account_id = "999999999999";
  auth::Principal foreign_root;
  foreign_root.type = auth::PrincipalType::kRoot;
  foreign_root.account_id = "999999999999";
  foreign_root.arn = "arn:aws:iam::999999999999:root";

  EXPECT_THAT(Check(foreign, "cloudtrail:GetTrail"), HasError(Error::kAccessDenied));
  EXPECT_THAT(Check(foreign_root, "cloudtrail:GetTrail"), HasError(Error::kAccessDenied));
  ASSERT_THAT(iam().DeleteInlinePolicy(false, "alice", "trails"), IsOk());
  ASSERT_THAT(iam().DeleteUser("alice"), IsOk());
  MakeUser("alice");  // same name, new id: the old principal gets nothing
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "trails", kAllowTrails), IsOk());
  EXPECT_THAT(Check(alice_, "cloudtrail:GetTrail"), HasError(Error::kAccessDenied));
  EXPECT_THAT(Check(PrincipalOf("alice"), "cloudtrail:GetTrail"), IsOk());
}

TEST_F(AuthorizerTest, RootOfTheAccountIsAllowed) {
  auth::Principal root;
  root.type = auth::PrincipalType::kRoot;
  root.account_id = std::string(kAccount);
  root.arn = "arn:aws:iam::123456789012:root";

  EXPECT_THAT(Check(root, "cloudtrail:DeleteTrail"), IsOk());
}

TEST_F(AuthorizerTest, PolicyVariablesInResourcesAreResolved) {
  ASSERT_THAT(
      iam().PutInlinePolicy(
          false, "alice", "home",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]})"),
      IsOk());

  EXPECT_THAT(Check(alice_, "s3:GetObject", "arn:aws:s3:::b/home/alice/x"), IsOk());
  EXPECT_THAT(Check(alice_, "s3:GetObject", "arn:aws:s3:::b/home/bob/x"),
              HasError(Error::kAccessDenied));
}

// The keys are left out of the context only when no deciding policy reads them: a bucket policy
// with a condition still sees them, for the root of the account as for a user whose own policies
// have no condition.
TEST_F(AuthorizerTest, ResourcePolicyConditionsSeeTheKeys) {
  ASSERT_THAT(
      iam().PutInlinePolicy(
          false, "alice", "s3",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})"),
      IsOk());
  auto bucket_policy = auth::ParsePolicy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",)"
      R"("Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})",
      {.kind = auth::PolicyKind::kResource});
  ASSERT_THAT(bucket_policy, IsOk());
  auth::Principal root;
  root.type = auth::PrincipalType::kRoot;
  root.account_id = std::string(kAccount);
  root.arn = "arn:aws:iam::123456789012:root";
  for (const auth::Principal* p : {&alice_, &root}) {
    SCOPED_TRACE(p->arn);
    auth::AuthzRequest r(*p, "s3:GetObject", "arn:aws:s3:::b/k");
    r.now = clock_.Now();
    r.resource_policy = &*bucket_policy;
    r.resource_account = kAccount;
    r.secure_transport = true;
    EXPECT_THAT(authorizer_->Authorize(r), IsOk());
    r.secure_transport = false;
    EXPECT_THAT(authorizer_->Authorize(r), HasError(Error::kAccessDenied));
  }
}

TEST_F(AuthorizerTest, PermissionsBoundaryLimitsAllows) {
  ASSERT_THAT(
      iam().CreateUser("bounded", "/", {}, "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"),
      IsOk());
  ASSERT_THAT(iam().AttachPolicy(false, "bounded", "arn:aws:iam::aws:policy/AdministratorAccess"),
              IsOk());
  const auth::Principal p = PrincipalOf("bounded");

  EXPECT_THAT(Check(p, "cloudtrail:GetTrail"), IsOk());
  EXPECT_THAT(Check(p, "cloudtrail:DeleteTrail"), HasError(Error::kAccessDenied));
}

TEST_F(AuthorizerTest, SessionsWithoutMfaCannotCallIam) {
  ASSERT_THAT(iam().AttachPolicy(false, "alice", "arn:aws:iam::aws:policy/AdministratorAccess"),
              IsOk());
  auto s = iam().GetSessionToken(alice_, std::nullopt, std::nullopt, std::nullopt);
  ASSERT_THAT(s, IsOk());
  const auth::Principal session = credentials().Find(s->access_key_id)->principal;

  EXPECT_THAT(Check(session, "cloudtrail:GetTrail"), IsOk());
  EXPECT_THAT(Check(session, "iam:ListUsers", "*"), HasError(Error::kAccessDenied));
  EXPECT_THAT(Check(alice_, "iam:ListUsers", "*"), IsOk());
}

}  // namespace
}  // namespace ot::iam
