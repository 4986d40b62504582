#include <gmock/gmock.h>

#include <fstream>
#include <iterator>

#include "iam_fixture.h"

namespace ot::iam {
namespace {

constexpr std::string_view kDoc =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*"}]})";

// Every byte of the database and its WAL, as a string to search.
std::string ReadDatabaseBytes(const std::string& path) {
  std::string all;
  for (const std::string& p : {path, path + "-wal"}) {
    std::ifstream in(p, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

TEST_F(IamTest, EverythingSurvivesReopen) {
  const User alice = MakeUser("alice", "/dev/");
  ASSERT_THAT(iam().CreateGroup("g", "/"), IsOk());
  ASSERT_THAT(iam().AddUserToGroup("g", "alice"), IsOk());
  auto key = iam().CreateAccessKey("alice");
  ASSERT_THAT(iam().PutInlinePolicy(false, "alice", "p", kDoc), IsOk());
  ASSERT_THAT(iam().PutInlinePolicy(true, "g", "gp", kDoc), IsOk());
  auto mine = iam().CreatePolicy("mine", "/", "desc", kDoc, {{"a", "b"}});
  ASSERT_THAT(iam().AttachPolicy(true, "g", mine->arn), IsOk());
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);

  Reopen();

  auto u = iam().GetUser("alice");
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->id, alice.id);
  EXPECT_EQ(u->arn, alice.arn);
  EXPECT_EQ(u->created, alice.created);
  EXPECT_EQ(iam().GroupMembers("g", {})->items.size(), 1u);
  EXPECT_EQ(*iam().GetInlinePolicy(false, "alice", "p"), kDoc);
  EXPECT_EQ(*iam().GetInlinePolicy(true, "g", "gp"), kDoc);
  auto p = iam().GetPolicy(mine->arn);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->description, "desc");
  EXPECT_EQ(p->attachment_count, 1);
  auto stored = credentials().Find(key->info.access_key_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->secret_access_key, key->secret_access_key);
  EXPECT_EQ(stored->principal.principal_id, alice.id);
  EXPECT_EQ(iam().ListMfaDevices("alice", {})->items.size(), 1u);
  // The seed was unsealed: a fresh code opens a session.
  EXPECT_THAT(iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, Code(seed)),
              IsOk());
  auto policies = iam().PoliciesOf(PrincipalOf("alice"));
  ASSERT_THAT(policies, IsOk());
  EXPECT_EQ(policies->size(), 3u);
}

TEST_F(IamTest, AdminIsNotRecreatedOnReopen) {
  const std::string id = iam().GetUser("admin")->id;

  Reopen();

  EXPECT_EQ(iam().GetUser("admin")->id, id);
  EXPECT_TRUE(credentials().Find(kAdminKeyId).has_value());
}

TEST_F(IamTest, SecretsAreNotInTheDatabaseInPlainText) {
  MakeUser("alice");
  auto key = iam().CreateAccessKey("alice");
  ASSERT_THAT(key, IsOk());
  auto device = iam().CreateVirtualMfaDevice("phone", "/", {});
  ASSERT_THAT(device, IsOk());
  auto session =
      iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, std::nullopt, std::nullopt);
  ASSERT_THAT(session, IsOk());
  auto raw_seed = Base32Decode(device->base32_seed);
  registry_.reset();
  db_.reset();  // closes the database, checkpointing the WAL

  const std::string bytes = ReadDatabaseBytes(DbPath());

  ASSERT_FALSE(bytes.empty());
  EXPECT_NE(bytes.find(key->info.access_key_id), std::string::npos);  // ids are not secret
  EXPECT_EQ(bytes.find(key->secret_access_key), std::string::npos);
  EXPECT_EQ(bytes.find(kAdminSecret), std::string::npos);
  EXPECT_EQ(bytes.find(device->base32_seed), std::string::npos);
  EXPECT_EQ(bytes.find(Base64Encode(*raw_seed)), std::string::npos);
  EXPECT_EQ(bytes.find(session->secret_access_key), std::string::npos);
  EXPECT_EQ(bytes.find(session->session_token.substr(0, 40)), std::string::npos);
}

TEST_F(IamTest, WrongMasterKeyFailsToOpen) {
  MakeUser("alice");
  ASSERT_THAT(iam().CreateAccessKey("alice"), IsOk());
  registry_.reset();
  IamOptions options = Options();
  options.master_key = std::string(32, 'X');
  auth::CredentialStore fresh;

  auto r = IamRegistry::Open(*db_, fresh, env_, options);

  EXPECT_THAT(r, HasError(Error::kCorruption));
}

TEST_F(IamTest, MasterKeyMustBe32Bytes) {
  IamOptions options = Options();
  options.master_key = "short";
  auth::CredentialStore fresh;

  EXPECT_THAT(IamRegistry::Open(*db_, fresh, env_, options), HasError(Error::kInvalidInput));
}

}  // namespace
}  // namespace ot::iam
