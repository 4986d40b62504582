// Tests src/server/data_dir.cc: first-start initialisation and restarts of a data directory.

#include "server/data_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "cli/aws_config.h"
#include "server_test_util.h"
#include "store/metadata.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::server {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::MatchesRegex;

class DataDirTest : public ::testing::Test {
 protected:
  Result<DataDirState> Open(std::string region = "", std::string account_id = "") {
    DataDirOptions options{dir_.path(), std::move(region), std::move(account_id)};
    if (!db_) {
      auto db = store::MetadataDb::Open(dir_.path() + "/metadata.db");
      EXPECT_THAT(db, IsOk());
      db_ = std::move(db).value();
    }
    return OpenDataDir(options, *db_, env_);
  }

  // Drops the metadata handle, as a server restart does.
  void Restart() { db_.reset(); }

  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{9};
  Env env_{clock_, RealFileSystem(), random_};
  testing::TempDir dir_;
  std::unique_ptr<store::MetadataDb> db_;
};

TEST_F(DataDirTest, FirstStartCreatesATwelveDigitAccount) {
  auto state = Open();

  ASSERT_THAT(state, IsOk());
  EXPECT_TRUE(state->created);
  EXPECT_THAT(state->account_id, MatchesRegex("[1-9][0-9]{11}"));
}

TEST_F(DataDirTest, FirstStartDefaultsToUsEast1) {
  auto state = Open();

  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->home_region, "us-east-1");
}

TEST_F(DataDirTest, FirstStartTakesTheGivenAccountAndRegion) {
  auto state = Open("eu-central-2", "123456789012");

  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->account_id, "123456789012");
  EXPECT_EQ(state->home_region, "eu-central-2");
}

TEST_F(DataDirTest, FirstStartCreatesAnAdministratorKey) {
  auto state = Open("", "123456789012");

  ASSERT_THAT(state, IsOk());
  const auth::AccessKey& admin = state->admin;
  EXPECT_THAT(admin.access_key_id, MatchesRegex("AKIA[A-Z2-7]{16}"));
  EXPECT_EQ(admin.secret_access_key.size(), 40u);
  EXPECT_EQ(admin.principal.account_id, "123456789012");
  EXPECT_EQ(admin.principal.arn, "arn:aws:iam::123456789012:user/admin");
  EXPECT_EQ(admin.principal.access_key_id, admin.access_key_id);
  EXPECT_EQ(state->token_key.size(), 32u);
}

TEST_F(DataDirTest, CredentialsFileIsPrivate) {
  auto state = Open();
  ASSERT_THAT(state, IsOk());

  struct stat st {};
  ASSERT_EQ(stat(state->credentials_path.c_str(), &st), 0);

  EXPECT_EQ(state->credentials_path, dir_.path() + "/credentials");
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(DataDirTest, CredentialsFileIsASharedCredentialsDefaultProfile) {
  auto state = Open();
  ASSERT_THAT(state, IsOk());

  auto text = RealFileSystem().ReadFile(state->credentials_path);
  ASSERT_THAT(text, IsOk());
  cli::IniFile ini = cli::ParseIni(*text);

  ASSERT_EQ(ini.count("default"), 1u);
  EXPECT_EQ(ini["default"]["aws_access_key_id"], state->admin.access_key_id);
  EXPECT_EQ(ini["default"]["aws_secret_access_key"], state->admin.secret_access_key);
}

TEST_F(DataDirTest, RestartReusesAccountAndKey) {
  auto first = Open();
  ASSERT_THAT(first, IsOk());
  Restart();

  auto second = Open();

  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->account_id, first->account_id);
  EXPECT_EQ(second->admin.access_key_id, first->admin.access_key_id);
  EXPECT_EQ(second->admin.secret_access_key, first->admin.secret_access_key);
  EXPECT_EQ(second->token_key, first->token_key);
}

// The whole metadata database file (and its WAL), as bytes.
std::string DatabaseBytes(const std::string& dir) {
  std::string all;
  for (const char* name : {"/metadata.db", "/metadata.db-wal"}) {
    auto text = RealFileSystem().ReadFile(dir + name);
    if (text.ok()) all += *text;
  }
  return all;
}

TEST_F(DataDirTest, TheAdministratorSecretIsSealedUnderAPrivateMasterKey) {
  auto state = Open();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->master_key.size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() + "/keys/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(DatabaseBytes(dir_.path()).find(state->admin.secret_access_key), std::string::npos);
  Restart();

  auto again = Open();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->admin.secret_access_key, state->admin.secret_access_key);
  EXPECT_EQ(again->master_key, state->master_key);
}

TEST_F(DataDirTest, APlaintextSecretFromAnOlderVersionIsSealedOnLoad) {
  auto state = Open();
  ASSERT_THAT(state, IsOk());
  auto rows = db_->ListAccessKeys();
  ASSERT_THAT(rows, IsOk());
  store::AccessKeyRow legacy = rows->front();
  legacy.secret_access_key = "plainSecretFromAnOlderVersionOfTheServer1";
  ASSERT_THAT(db_->PutAccessKey(legacy), IsOk());
  Restart();

  auto migrated = Open();
  ASSERT_THAT(migrated, IsOk());
  EXPECT_EQ(migrated->admin.secret_access_key, "plainSecretFromAnOlderVersionOfTheServer1");
  auto after = db_->ListAccessKeys();
  ASSERT_THAT(after, IsOk());
  EXPECT_TRUE(after->front().secret_access_key.starts_with("sealed:"));
}

TEST_F(DataDirTest, AReplacedMasterKeyFailsTheStartSayingSo) {
  ASSERT_THAT(Open(), IsOk());
  Restart();
  ASSERT_THAT(RealFileSystem().WriteFileAtomic(dir_.path() + "/keys/master.key",
                                               std::string(32, 'x'), 0600),
              IsOk());

  auto state = Open();
  ASSERT_THAT(state, HasError(Error::kCorruption));
  EXPECT_THAT(state.status().message(), ::testing::HasSubstr("master.key"));
}

TEST_F(DataDirTest, RestartWithTheSameAccountIdSucceeds) {
  ASSERT_THAT(Open("", "123456789012"), IsOk());
  Restart();

  EXPECT_THAT(Open("", "123456789012"), IsOk());
}

TEST_F(DataDirTest, RestartWithADifferentAccountIdFails) {
  ASSERT_THAT(Open("", "123456789012"), IsOk());
  Restart();

  EXPECT_THAT(Open("", "210987654321"), HasError(Error::kValidation));
}

TEST_F(DataDirTest, RestartKeepsTheStoredHomeRegion) {
  ASSERT_THAT(Open("eu-west-1"), IsOk());
  Restart();

  auto state = Open("ap-south-1");

  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->home_region, "eu-west-1");
}

TEST_F(DataDirTest, RestartRewritesAMissingCredentialsFile) {
  auto first = Open();
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(RealFileSystem().Remove(first->credentials_path), IsOk());
  Restart();

  ASSERT_THAT(Open(), IsOk());

  EXPECT_TRUE(RealFileSystem().Exists(first->credentials_path));
}

TEST_F(DataDirTest, RejectsInvalidAccountIds) {
  for (std::string_view id : {"12345678901", "1234567890123", "12345678901a", "abcdefghijkl"}) {
    SCOPED_TRACE(id);
    EXPECT_THAT(Open("", std::string(id)), HasError(Error::kValidation));
  }
}

TEST_F(DataDirTest, RejectsInvalidRegions) {
  for (std::string_view region : {"US-EAST-1", "us east 1", "-us-east-1", "../etc"}) {
    SCOPED_TRACE(region);
    EXPECT_THAT(Open(std::string(region)), HasError(Error::kValidation));
  }
}

TEST(IsValidRegion, AcceptsRegionNamesOnly) {
  struct Case {
    std::string_view region;
    bool valid;
  };
  const Case cases[] = {
      {"us-east-1", true},
      {"eu-central-2", true},
      {"ap-southeast-3", true},
      {"us-gov-west-1", true},
      {"cn-north-1", true},
      {"", false},
      {"US-EAST-1", false},
      {"us_east_1", false},
      {"us east 1", false},
      {"-us-east-1", false},
      {"us-east-1-", false},
      {"us-east-1/x", false},
      {"us-east-1\n", false},
      {std::string_view("aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-1"), false},  // 34 chars
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.region);
    EXPECT_EQ(IsValidRegion(c.region), c.valid);
  }
}

}  // namespace
}  // namespace ot::server
