// Bucket policies evaluated with identity policies the way S3 combines them (iam.md §2.6).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/identity.h"
#include "auth/policy.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::HasSubstr;

constexpr std::string_view kAccount = "111122223333";

Principal User(std::string_view name, std::string_view account = kAccount) {
  Principal p;
  p.type = PrincipalType::kIAMUser;
  p.account_id = account;
  p.arn = "arn:aws:iam::" + std::string(account) + ":user/" + std::string(name);
  p.user_name = name;
  return p;
}

Policy BucketPolicy(std::string_view json) {
  ParseOptions options;
  options.kind = PolicyKind::kResource;
  auto p = ParsePolicy(json, options);
  EXPECT_THAT(p, IsOk());
  return p.ok() ? *p : Policy();
}

// An auditor may read, nobody may delete, plain HTTP is refused, the uploader may write uploads/.
constexpr std::string_view kPolicy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AuditorsRead", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:user/auditor"},
     "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]},
    {"Sid": "UploaderWrites", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/uploader",
                           "arn:aws:iam::444455556666:user/partner"]},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/uploads/*"},
    {"Sid": "NobodyDeletes", "Effect": "Deny", "Principal": "*",
     "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/*"},
    {"Sid": "RequireTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "OnlyListLogs", "Effect": "Deny", "Principal": "*", "Action": "s3:ListBucket",
     "Resource": "arn:aws:s3:::logs",
     "Condition": {"StringNotLike": {"s3:prefix": "AWSLogs/*"}}}
  ]})";

struct Case {
  std::string_view who;
  std::string_view account;
  Decision identity;  // what the caller's own policies say
  std::string_view action;
  std::string_view resource;
  bool must_allow;
  bool tls;
  std::string_view prefix;  // s3:prefix, empty = absent
  bool allowed;
  bool explicit_deny;
};

TEST(ResourcePolicy, EvaluationMatrix) {
  Policy policy = BucketPolicy(kPolicy);
  constexpr auto kA = Decision::kAllowed;
  constexpr auto kI = Decision::kImplicitDeny;
  constexpr auto kD = Decision::kExplicitDeny;
  const Case cases[] = {
      // The administrator's identity Allow suffices in its own account…
      {"admin", kAccount, kA, "s3:GetObject", "arn:aws:s3:::logs/AWSLogs/x.gz", false, true, "",
       true, false},
      // …but not for uploads, which only the bucket policy can open,
      {"admin", kAccount, kA, "s3:PutObject", "arn:aws:s3:::logs/uploads/a", true, true, "", false,
       false},
      // and never against an explicit Deny of the bucket policy.
      {"admin", kAccount, kA, "s3:DeleteObject", "arn:aws:s3:::logs/AWSLogs/x.gz", false, true, "",
       false, true},
      {"admin", kAccount, kA, "s3:GetObject", "arn:aws:s3:::logs/AWSLogs/x.gz", false, false, "",
       false, true},
      // The auditor has no identity policy: the bucket policy's Allow lets it read.
      {"auditor", kAccount, kI, "s3:GetObject", "arn:aws:s3:::logs/AWSLogs/x.gz", false, true, "",
       true, false},
      {"auditor", kAccount, kI, "s3:ListBucket", "arn:aws:s3:::logs", false, true, "AWSLogs/1/",
       true, false},
      {"auditor", kAccount, kI, "s3:ListBucket", "arn:aws:s3:::logs", false, true, "other/", false,
       true},
      {"auditor", kAccount, kI, "s3:PutObject", "arn:aws:s3:::logs/uploads/a", true, true, "",
       false, false},
      {"auditor", kAccount, kI, "s3:DeleteObject", "arn:aws:s3:::logs/AWSLogs/x.gz", false, true,
       "", false, true},
      // An identity Deny wins over the bucket policy's Allow.
      {"auditor", kAccount, kD, "s3:GetObject", "arn:aws:s3:::logs/AWSLogs/x.gz", false, true, "",
       false, true},
      // A stranger (no grants anywhere) gets nothing.
      {"stranger", kAccount, kI, "s3:GetObject", "arn:aws:s3:::logs/AWSLogs/x.gz", false, true, "",
       false, false},
      {"stranger", kAccount, kI, "s3:PutObject", "arn:aws:s3:::logs/uploads/a", true, true, "",
       false, false},
      // The uploader writes only where it was allowed to.
      {"uploader", kAccount, kI, "s3:PutObject", "arn:aws:s3:::logs/uploads/a", true, true, "",
       true, false},
      {"uploader", kAccount, kI, "s3:PutObject", "arn:aws:s3:::logs/other/a", true, true, "", false,
       false},
      {"uploader", kAccount, kA, "s3:PutObject", "arn:aws:s3:::logs/uploads/a", true, false, "",
       false, true},
      // Another account: its own Allow counts for nothing, the bucket policy decides.
      {"partner", "444455556666", kI, "s3:PutObject", "arn:aws:s3:::logs/uploads/a", true, true, "",
       true, false},
      {"partner", "444455556666", kA, "s3:GetObject", "arn:aws:s3:::logs/AWSLogs/x.gz", false, true,
       "", false, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.who) + " " + std::string(c.action) + " " + std::string(c.resource));
    Principal p = User(c.who, c.account);
    std::vector<std::pair<std::string, std::string>> keys;
    if (!c.prefix.empty()) keys.emplace_back("s3:prefix", std::string(c.prefix));
    AuthzRequest request(p, c.action, c.resource);
    request.secure_transport = c.tls;
    request.keys = &keys;
    request.resource_policy = &policy;
    request.resource_account = kAccount;
    request.resource_policy_must_allow = c.must_allow;

    Status s = DecideWithResourcePolicy(request, AuthzContext(request), c.identity);

    if (c.allowed) {
      EXPECT_THAT(s, IsOk());
    } else {
      EXPECT_THAT(s, HasError(Error::kAccessDenied));
      EXPECT_EQ(s.message().ends_with("with an explicit deny"), c.explicit_deny) << s.message();
    }
  }
}

TEST(ResourcePolicy, OwnerRootIsNeverLockedOutOfThePolicyActions) {
  Policy policy = BucketPolicy(R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",
      "Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]}]})");
  Principal root;
  root.type = PrincipalType::kRoot;
  root.account_id = kAccount;
  root.arn = "arn:aws:iam::111122223333:root";
  Principal admin = User("admin");

  auto decide = [&](const Principal& p, std::string_view action, std::string_view resource) {
    AuthzRequest r(p, action, resource);
    r.resource_policy = &policy;
    r.resource_account = kAccount;
    return DecideWithResourcePolicy(r, AuthzContext(r), Decision::kAllowed);
  };

  EXPECT_THAT(decide(root, "s3:DeleteBucketPolicy", "arn:aws:s3:::logs"), IsOk());
  EXPECT_THAT(decide(root, "s3:PutBucketPolicy", "arn:aws:s3:::logs"), IsOk());
  EXPECT_THAT(decide(root, "s3:GetObject", "arn:aws:s3:::logs/k"), HasError(Error::kAccessDenied));
  EXPECT_THAT(decide(admin, "s3:DeleteBucketPolicy", "arn:aws:s3:::logs"),
              HasError(Error::kAccessDenied));
}

TEST(ResourcePolicy, AccountAdminAuthorizerHonoursTheBucketPolicy) {
  auto authorizer = NewAccountAdminAuthorizer(std::string(kAccount));
  Policy policy = BucketPolicy(R"({"Statement":[{"Effect":"Deny","Principal":"*",
      "Action":"s3:DeleteObject","Resource":"arn:aws:s3:::logs/*"}]})");
  Principal admin = User("admin");
  AuthzRequest del(admin, "s3:DeleteObject", "arn:aws:s3:::logs/k");
  del.resource_policy = &policy;
  del.resource_account = kAccount;
  AuthzRequest get(admin, "s3:GetObject", "arn:aws:s3:::logs/k");
  get.resource_policy = &policy;
  get.resource_account = kAccount;
  AuthzRequest put(admin, "s3:PutObject", "arn:aws:s3:::logs/k");
  put.resource_policy_must_allow = true;
  put.resource_account = kAccount;

  Status denied = authorizer->Authorize(del);

  EXPECT_THAT(denied, HasError(Error::kAccessDenied));
  EXPECT_THAT(denied.message(), HasSubstr("explicit deny"));
  EXPECT_THAT(authorizer->Authorize(get), IsOk());
  EXPECT_THAT(authorizer->Authorize(put), HasError(Error::kAccessDenied));
}

}  // namespace
}  // namespace ot::auth
