#include <gmock/gmock.h>

#include "iam_fixture.h"

namespace ot::iam {
namespace {

TEST_F(IamTest, CreateAccessKeyReturnsSecretAndRegistersCredential) {
  const User alice = MakeUser("alice");

  auto key = iam().CreateAccessKey("alice");

  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->info.user_name, "alice");
  EXPECT_EQ(key->info.status, KeyStatus::kActive);
  EXPECT_EQ(key->info.access_key_id.size(), 20u);
  EXPECT_TRUE(key->info.access_key_id.starts_with("AKIA"));
  EXPECT_EQ(key->secret_access_key.size(), 40u);
  EXPECT_EQ(key->secret_access_key.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"),
            std::string::npos);
  auto stored = credentials().Find(key->info.access_key_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->secret_access_key, key->secret_access_key);
  EXPECT_EQ(stored->principal.arn, alice.arn);
  EXPECT_EQ(stored->principal.principal_id, alice.id);
  EXPECT_EQ(stored->principal.user_name, "alice");
  EXPECT_EQ(stored->principal.account_id, kAccount);
  EXPECT_EQ(stored->principal.access_key_id, key->info.access_key_id);
  EXPECT_FALSE(stored->principal.temporary);
}

TEST_F(IamTest, AccessKeysPerUserQuotaIsTwo) {
  MakeUser("alice");
  ASSERT_THAT(iam().CreateAccessKey("alice"), IsOk());
  ASSERT_THAT(iam().CreateAccessKey("alice"), IsOk());

  auto third = iam().CreateAccessKey("alice");

  EXPECT_THAT(third, HasError(Error::kLimitExceeded));
  EXPECT_EQ(third.status().message(), "Cannot exceed quota for AccessKeysPerUser: 2");
  EXPECT_THAT(iam().CreateAccessKey("nobody"), HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, ListAccessKeysShowsOnlyTheUsersKeys) {
  MakeUser("alice");
  MakeUser("bob");
  auto a = iam().CreateAccessKey("alice");
  ASSERT_THAT(iam().CreateAccessKey("bob"), IsOk());

  auto listed = iam().ListAccessKeys("alice", {});

  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].access_key_id, a->info.access_key_id);
  EXPECT_EQ(listed->items[0].user_name, "alice");
}

TEST_F(IamTest, InactiveKeysLeaveTheCredentialStoreAndComeBack) {
  MakeUser("alice");
  auto key = iam().CreateAccessKey("alice");
  ASSERT_THAT(key, IsOk());
  const std::string id = key->info.access_key_id;

  ASSERT_THAT(iam().UpdateAccessKey("alice", id, KeyStatus::kInactive), IsOk());
  EXPECT_FALSE(credentials().Find(id).has_value());
  auto listed = iam().ListAccessKeys("alice", {});
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->items[0].status, KeyStatus::kInactive);

  ASSERT_THAT(iam().UpdateAccessKey("alice", id, KeyStatus::kActive), IsOk());
  auto back = credentials().Find(id);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->secret_access_key, key->secret_access_key);
}

TEST_F(IamTest, InactiveKeyStaysInactiveAfterReopen) {
  MakeUser("alice");
  auto key = iam().CreateAccessKey("alice");
  ASSERT_THAT(iam().UpdateAccessKey("alice", key->info.access_key_id, KeyStatus::kInactive),
              IsOk());

  Reopen();

  EXPECT_FALSE(credentials().Find(key->info.access_key_id).has_value());
}

TEST_F(IamTest, DeletedKeysLeaveTheCredentialStore) {
  MakeUser("alice");
  auto key = iam().CreateAccessKey("alice");
  ASSERT_THAT(key, IsOk());

  ASSERT_THAT(iam().DeleteAccessKey("alice", key->info.access_key_id), IsOk());

  EXPECT_FALSE(credentials().Find(key->info.access_key_id).has_value());
  EXPECT_THAT(iam().UserOfAccessKey(key->info.access_key_id), HasError(Error::kNoSuchEntity));
  Reopen();
  EXPECT_FALSE(credentials().Find(key->info.access_key_id).has_value());
}

TEST_F(IamTest, KeyOperationsRequireTheOwningUser) {
  MakeUser("alice");
  MakeUser("bob");
  auto key = iam().CreateAccessKey("alice");
  ASSERT_THAT(key, IsOk());

  Status update = iam().UpdateAccessKey("bob", key->info.access_key_id, KeyStatus::kInactive);
  Status del = iam().DeleteAccessKey("bob", key->info.access_key_id);

  EXPECT_THAT(update, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(update.message(),
            "The Access Key with id " + key->info.access_key_id + " cannot be found.");
  EXPECT_THAT(del, HasError(Error::kNoSuchEntity));
  EXPECT_TRUE(credentials().Find(key->info.access_key_id).has_value());
  EXPECT_THAT(iam().DeleteAccessKey("alice", "AKIANOPENOPENOPENOPE"),
              HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, UserOfAccessKeyNamesTheOwner) {
  MakeUser("alice");
  auto key = iam().CreateAccessKey("alice");

  auto owner = iam().UserOfAccessKey(key->info.access_key_id);

  ASSERT_THAT(owner, IsOk());
  EXPECT_EQ(*owner, "alice");
}

}  // namespace
}  // namespace ot::iam
