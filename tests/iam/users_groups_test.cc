#include <gmock/gmock.h>

#include <functional>

#include "iam_fixture.h"

namespace ot::iam {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Names(const Listed<User>& l) {
  std::vector<std::string> out;
  for (const User& u : l.items) out.push_back(u.name);
  return out;
}
std::vector<std::string> Names(const Listed<Group>& l) {
  std::vector<std::string> out;
  for (const Group& g : l.items) out.push_back(g.name);
  return out;
}

TEST_F(IamTest, CreateUserBuildsArnIdAndDate) {
  auto u = iam().CreateUser("alice", "/dev/", {{"team", "audit"}}, std::nullopt);

  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->arn, "arn:aws:iam::123456789012:user/dev/alice");
  EXPECT_EQ(u->path, "/dev/");
  EXPECT_EQ(u->id.size(), 21u);
  EXPECT_TRUE(u->id.starts_with("AIDA"));
  EXPECT_EQ(u->id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), std::string::npos);
  EXPECT_EQ(u->created, clock_.Now());
  EXPECT_EQ(u->tags, (std::vector<Tag>{{"team", "audit"}}));
  auto got = iam().GetUser("alice");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->id, u->id);
}

TEST_F(IamTest, UserNamesAreUniqueCaseInsensitively) {
  MakeUser("alice");

  auto dup = iam().CreateUser("ALICE", "/", {}, std::nullopt);

  EXPECT_THAT(dup, HasError(Error::kEntityAlreadyExists));
  EXPECT_EQ(dup.status().message(), "User with name ALICE already exists.");
  EXPECT_THAT(iam().GetUser("Alice"), IsOk());
}

TEST_F(IamTest, RecreatedUserGetsANewId) {
  const User first = MakeUser("bob");
  ASSERT_THAT(iam().DeleteUser("bob"), IsOk());

  const User second = MakeUser("bob");

  EXPECT_NE(first.id, second.id);
}

TEST_F(IamTest, GetUnknownUserNamesIt) {
  auto r = iam().GetUser("carol");

  EXPECT_THAT(r, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(r.status().message(), "The user with name carol cannot be found.");
}

TEST_F(IamTest, RejectsBadNamesAndPaths) {
  struct Case {
    std::string name, path;
    std::string message;
  };
  const Case cases[] = {
      {"a b", "/",
       "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: "
       "Member must satisfy regular expression pattern: [\\w+=,.@-]+"},
      {"", "/",
       "1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member "
       "must have length greater than or equal to 1"},
      {std::string(65, 'a'), "/",
       "1 validation error detected: Value '" + std::string(65, 'a') +
           "' at 'userName' failed to satisfy constraint: Member must have length less than or "
           "equal to 64"},
      {"ok", "dev/", ""},
      {"ok", "/dev", ""},
      {"ok", "/d ev/", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name + " " + c.path);
    auto r = iam().CreateUser(c.name, c.path, {}, std::nullopt);
    EXPECT_THAT(r, HasError(Error::kValidation));
    if (!c.message.empty()) {
      EXPECT_EQ(r.status().message(), c.message);
    }
  }
  EXPECT_THAT(iam().CreateUser(std::string(64, 'a'), "/", {}, std::nullopt), IsOk());
  EXPECT_THAT(iam().CreateUser("x+=,.@-_9", "/", {}, std::nullopt), IsOk());
}

TEST_F(IamTest, RejectsBadTags) {
  std::vector<Tag> many;
  for (int i = 0; i < 51; ++i) many.push_back({"k" + std::to_string(i), "v"});

  auto too_many = iam().CreateUser("u1", "/", many, std::nullopt);
  auto dup = iam().CreateUser("u2", "/", {{"Team", "a"}, {"team", "b"}}, std::nullopt);
  auto long_value = iam().CreateUser("u3", "/", {{"k", std::string(257, 'v')}}, std::nullopt);
  auto empty_key = iam().CreateUser("u4", "/", {{"", "v"}}, std::nullopt);

  EXPECT_THAT(too_many, HasError(Error::kLimitExceeded));
  EXPECT_EQ(too_many.status().message(), "Cannot exceed quota for TagsPerUser: 50");
  EXPECT_THAT(dup, HasError(Error::kInvalidInput));
  EXPECT_THAT(long_value, HasError(Error::kInvalidInput));
  EXPECT_THAT(empty_key, HasError(Error::kInvalidInput));
}

TEST_F(IamTest, PermissionsBoundaryMustExist) {
  auto missing = iam().CreateUser("u", "/", {}, "arn:aws:iam::aws:policy/Nope");
  auto malformed = iam().CreateUser("u", "/", {}, "nope");
  auto ok = iam().CreateUser("u", "/", {}, "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess");

  EXPECT_THAT(missing, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(missing.status().message(),
            "Scope ARN: arn:aws:iam::aws:policy/Nope does not exist or is not attachable.");
  EXPECT_THAT(malformed, HasError(Error::kInvalidInput));
  EXPECT_EQ(malformed.status().message(), "ARN nope is not valid.");
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->permissions_boundary, "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess");
}

TEST_F(IamTest, ListUsersSortsByNameFiltersByPathAndPages) {
  MakeUser("carol", "/ops/");
  MakeUser("alice", "/dev/");
  MakeUser("Bob", "/dev/");

  auto all = iam().ListUsers("", {});
  auto dev = iam().ListUsers("/dev/", {});
  auto first = iam().ListUsers("", {.marker = "", .max_items = 2});

  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(Names(*all), ElementsAre("admin", "alice", "Bob", "carol"));
  EXPECT_FALSE(all->marker.has_value());
  ASSERT_THAT(dev, IsOk());
  EXPECT_THAT(Names(*dev), ElementsAre("alice", "Bob"));
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(Names(*first), ElementsAre("admin", "alice"));
  ASSERT_TRUE(first->marker.has_value());
  auto second = iam().ListUsers("", {.marker = *first->marker, .max_items = 2});
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(Names(*second), ElementsAre("Bob", "carol"));
  EXPECT_FALSE(second->marker.has_value());
}

TEST_F(IamTest, ListUsersOmitsTagsAndBoundary) {
  ASSERT_THAT(iam().CreateUser("t", "/", {{"k", "v"}},
                               "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"),
              IsOk());

  auto all = iam().ListUsers("", {});

  ASSERT_THAT(all, IsOk());
  for (const User& u : all->items) {
    EXPECT_TRUE(u.tags.empty());
    EXPECT_FALSE(u.permissions_boundary.has_value());
  }
}

TEST_F(IamTest, PagingRejectsBadMaxItemsAndMarkers) {
  EXPECT_THAT(iam().ListUsers("", {.marker = "", .max_items = 0}), HasError(Error::kValidation));
  EXPECT_THAT(iam().ListUsers("", {.marker = "", .max_items = 1001}), HasError(Error::kValidation));
  EXPECT_THAT(iam().ListUsers("", {.marker = "!!!", .max_items = 10}),
              HasError(Error::kValidation));
  EXPECT_THAT(iam().ListUsers("", {.marker = "", .max_items = 1000}), IsOk());
  EXPECT_THAT(iam().ListUsers("dev", {}), HasError(Error::kValidation));
}

TEST_F(IamTest, GroupsCreateListMembersAndRemove) {
  auto g = iam().CreateGroup("admins", "/ops/");
  ASSERT_THAT(g, IsOk());
  EXPECT_EQ(g->arn, "arn:aws:iam::123456789012:group/ops/admins");
  EXPECT_TRUE(g->id.starts_with("AGPA"));
  MakeUser("zed");
  MakeUser("amy");

  ASSERT_THAT(iam().AddUserToGroup("admins", "zed"), IsOk());
  ASSERT_THAT(iam().AddUserToGroup("ADMINS", "amy"), IsOk());
  ASSERT_THAT(iam().AddUserToGroup("admins", "amy"), IsOk());  // no-op

  auto members = iam().GroupMembers("admins", {});
  ASSERT_THAT(members, IsOk());
  EXPECT_THAT(Names(*members), ElementsAre("amy", "zed"));
  auto of_amy = iam().ListGroupsForUser("amy", {});
  ASSERT_THAT(of_amy, IsOk());
  EXPECT_THAT(Names(*of_amy), ElementsAre("admins"));
  ASSERT_THAT(iam().RemoveUserFromGroup("admins", "amy"), IsOk());
  auto after = iam().GroupMembers("admins", {});
  ASSERT_THAT(after, IsOk());
  EXPECT_THAT(Names(*after), ElementsAre("zed"));
}

TEST_F(IamTest, GroupErrors) {
  ASSERT_THAT(iam().CreateGroup("admins", ""), IsOk());
  MakeUser("amy");

  auto dup = iam().CreateGroup("Admins", "/");
  auto unknown = iam().GetGroup("nope");
  auto not_member = iam().RemoveUserFromGroup("admins", "amy");

  EXPECT_THAT(dup, HasError(Error::kEntityAlreadyExists));
  EXPECT_EQ(dup.status().message(), "Group with name Admins already exists.");
  EXPECT_THAT(unknown, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(unknown.status().message(), "The group with name nope cannot be found.");
  EXPECT_THAT(not_member, HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().AddUserToGroup("nope", "amy"), HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().AddUserToGroup("admins", "nobody"), HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().ListGroupsForUser("nobody", {}), HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().CreateGroup(std::string(129, 'g'), "/"), HasError(Error::kValidation));
}

TEST_F(IamTest, GroupsPerUserQuota) {
  MakeUser("amy");
  for (int i = 0; i < 10; ++i) {
    const std::string name = "g" + std::to_string(i);
    ASSERT_THAT(iam().CreateGroup(name, "/"), IsOk());
    ASSERT_THAT(iam().AddUserToGroup(name, "amy"), IsOk());
  }
  ASSERT_THAT(iam().CreateGroup("g10", "/"), IsOk());

  Status s = iam().AddUserToGroup("g10", "amy");

  EXPECT_THAT(s, HasError(Error::kLimitExceeded));
  EXPECT_EQ(s.message(), "Cannot exceed quota for GroupsPerUser: 10");
}

TEST_F(IamTest, ListGroupsFiltersByPath) {
  ASSERT_THAT(iam().CreateGroup("b", "/x/"), IsOk());
  ASSERT_THAT(iam().CreateGroup("a", "/y/"), IsOk());

  auto all = iam().ListGroups("", {});
  auto x = iam().ListGroups("/x", {});

  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(Names(*all), ElementsAre("a", "b"));
  ASSERT_THAT(x, IsOk());
  EXPECT_THAT(Names(*x), ElementsAre("b"));
}

TEST_F(IamTest, DeleteUserConflictsInSpecOrder) {
  MakeUser("dan");
  ASSERT_THAT(iam().CreateGroup("g", "/"), IsOk());
  auto key = iam().CreateAccessKey("dan");
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(false, "dan", "p",
                                    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                    R"("Action":"s3:*","Resource":"*"}]})"),
              IsOk());
  ASSERT_THAT(
      iam().AttachPolicy(false, "dan", "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"),
      IsOk());
  ASSERT_THAT(iam().AddUserToGroup("g", "dan"), IsOk());
  EnabledDevice("dan", "dan-phone");
  auto serial = "arn:aws:iam::123456789012:mfa/dan-phone";

  struct Step {
    std::string message;
    std::function<Status()> remove;
  };
  const Step steps[] = {
      {"Cannot delete entity, must delete access keys first.",
       [&] { return iam().DeleteAccessKey("dan", key->info.access_key_id); }},
      {"Cannot delete entity, must delete policies first.",
       [&] { return iam().DeleteInlinePolicy(false, "dan", "p"); }},
      {"Cannot delete entity, must detach all policies first.",
       [&] {
         return iam().DetachPolicy(false, "dan",
                                   "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess");
       }},
      {"Cannot delete entity, must remove user from all groups first.",
       [&] { return iam().RemoveUserFromGroup("g", "dan"); }},
      {"Cannot delete entity, must delete MFA device first.",
       [&] { return iam().DeactivateMfaDevice("dan", serial); }},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(step.message);
    Status s = iam().DeleteUser("dan");
    EXPECT_THAT(s, HasError(Error::kDeleteConflict));
    EXPECT_EQ(s.message(), step.message);
    ASSERT_THAT(step.remove(), IsOk());
  }
  EXPECT_THAT(iam().DeleteUser("dan"), IsOk());
  EXPECT_THAT(iam().GetUser("dan"), HasError(Error::kNoSuchEntity));
  EXPECT_THAT(iam().DeleteUser("dan"), HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, DeleteGroupConflicts) {
  ASSERT_THAT(iam().CreateGroup("g", "/"), IsOk());
  MakeUser("amy");
  ASSERT_THAT(iam().AddUserToGroup("g", "amy"), IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(true, "g", "p",
                                    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                    R"("Action":"s3:*","Resource":"*"}]})"),
              IsOk());
  ASSERT_THAT(iam().AttachPolicy(true, "g", "arn:aws:iam::aws:policy/AdministratorAccess"), IsOk());

  Status members = iam().DeleteGroup("g");
  ASSERT_THAT(iam().RemoveUserFromGroup("g", "amy"), IsOk());
  Status inline_policies = iam().DeleteGroup("g");
  ASSERT_THAT(iam().DeleteInlinePolicy(true, "g", "p"), IsOk());
  Status attached = iam().DeleteGroup("g");
  ASSERT_THAT(iam().DetachPolicy(true, "g", "arn:aws:iam::aws:policy/AdministratorAccess"), IsOk());

  EXPECT_EQ(members.message(), "Cannot delete entity, must remove users from group first.");
  EXPECT_EQ(inline_policies.message(), "Cannot delete entity, must delete policies first.");
  EXPECT_EQ(attached.message(), "Cannot delete entity, must detach all policies first.");
  EXPECT_THAT(attached, HasError(Error::kDeleteConflict));
  EXPECT_THAT(iam().DeleteGroup("g"), IsOk());
  EXPECT_THAT(iam().DeleteGroup("g"), HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, BootstrapAdminHoldsAdministratorAccessAndItsKey) {
  auto admin = iam().GetUser("admin");
  auto attached = iam().ListAttachedPolicies(false, "admin", "", {});
  auto key = credentials().Find(kAdminKeyId);

  ASSERT_THAT(admin, IsOk());
  ASSERT_THAT(attached, IsOk());
  ASSERT_EQ(attached->items.size(), 1u);
  EXPECT_EQ(attached->items[0].arn, "arn:aws:iam::aws:policy/AdministratorAccess");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->secret_access_key, kAdminSecret);
  EXPECT_EQ(key->principal.arn, "arn:aws:iam::123456789012:user/admin");
  EXPECT_EQ(key->principal.principal_id, admin->id);
  EXPECT_EQ(key->principal.type, auth::PrincipalType::kIAMUser);
  auto owner = iam().UserOfAccessKey(kAdminKeyId);
  ASSERT_THAT(owner, IsOk());
  EXPECT_EQ(*owner, "admin");
}

}  // namespace
}  // namespace ot::iam
