#include "auth/identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/auth_test_util.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

TEST(PrincipalTypeName, NamesEachTypeAsUserIdentityDoes) {
  EXPECT_EQ(PrincipalTypeName(PrincipalType::kRoot), "Root");
  EXPECT_EQ(PrincipalTypeName(PrincipalType::kIAMUser), "IAMUser");
  EXPECT_EQ(PrincipalTypeName(PrincipalType::kAssumedRole), "AssumedRole");
  EXPECT_EQ(PrincipalTypeName(PrincipalType::kFederatedUser), "FederatedUser");
}

TEST(CredentialStore, FindsWhatWasPutAndNothingElse) {
  CredentialStore store;
  store.Put(testing::ExampleKey());

  auto found = store.Find(testing::kAccessKeyId);

  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->secret_access_key, testing::kSecret);
  EXPECT_EQ(found->principal.user_name, "admin");
  EXPECT_FALSE(store.Find("AKIDUNKNOWN").has_value());
}

TEST(CredentialStore, PutReplacesAKeyWithTheSameId) {
  CredentialStore store;
  store.Put(testing::ExampleKey());
  AccessKey replacement = testing::ExampleKey();
  replacement.secret_access_key = "rotated";

  store.Put(replacement);

  EXPECT_EQ(store.Find(testing::kAccessKeyId)->secret_access_key, "rotated");
}

TEST(AccountAdminAuthorizer, AllowsPrincipalsOfTheAdminAccount) {
  auto authorizer = NewAccountAdminAuthorizer(std::string(testing::kAccountId));

  EXPECT_THAT(authorizer->Authorize({testing::AdminPrincipal(), "cloudtrail:LookupEvents", "*"}),
              IsOk());
}

TEST(AccountAdminAuthorizer, DeniesOtherAccountsWithAwsMessage) {
  auto authorizer = NewAccountAdminAuthorizer(std::string(testing::kAccountId));
  Principal other = testing::AdminPrincipal();
  other.account_id = "210987654321";
  other.arn = "arn:aws:iam::210987654321:user/mallory";

  Status s = authorizer->Authorize(
      {other, "cloudtrail:CreateTrail", "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"});

  ASSERT_THAT(s, HasError(Error::kAccessDenied));
  EXPECT_EQ(
      s.message(),
      "User: arn:aws:iam::210987654321:user/mallory is not authorized to perform: "
      "cloudtrail:CreateTrail on resource: arn:aws:cloudtrail:us-east-1:123456789012:trail/t");
}

TEST(AccountAdminAuthorizer, DeniesEveryoneWhenNoAccountIsConfigured) {
  auto authorizer = NewAccountAdminAuthorizer("");
  Principal nobody;

  EXPECT_THAT(authorizer->Authorize({nobody, "cloudtrail:GetTrail", "*"}),
              HasError(Error::kAccessDenied));
}

}  // namespace
}  // namespace ot::auth
