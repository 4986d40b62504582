// Tests src/cli/aws_config.cc: INI parsing and the AWS CLI's credential, region and endpoint
// resolution order, with a fake environment.

#include "cli/aws_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "cli_test_util.h"
#include "common/env.h"
#include "support/matchers.h"

namespace ot::cli {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::HasSubstr;

// The fake environment: GetEnv is a plain function pointer, so it reads this map.
std::map<std::string, std::string>& FakeVars() {
  static std::map<std::string, std::string> vars;
  return vars;
}

std::optional<std::string> FakeEnv(const char* name) {
  auto it = FakeVars().find(name);
  if (it == FakeVars().end()) return std::nullopt;
  return it->second;
}

ClientOptions WithProfile(std::string profile) {
  ClientOptions o;
  o.profile = std::move(profile);
  return o;
}

ClientOptions WithRegion(std::string region) {
  ClientOptions o;
  o.region = std::move(region);
  return o;
}

ClientOptions WithEndpoint(std::string url) {
  ClientOptions o;
  o.endpoint_url = std::move(url);
  return o;
}

class AwsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeVars().clear();
    FakeVars()["HOME"] = home_.path();  // never the real ~/.aws
  }
  void TearDown() override { FakeVars().clear(); }

  std::string Write(std::string_view name, std::string_view text) {
    std::string path = home_.path() + "/" + std::string(name);
    EXPECT_THAT(RealFileSystem().WriteFileAtomic(path, text), IsOk());
    return path;
  }
  void WriteHomeFile(std::string_view name, std::string_view text) {
    EXPECT_THAT(RealFileSystem().CreateDirs(home_.path() + "/.aws"), IsOk());
    Write(".aws/" + std::string(name), text);
  }

  testing::TempDir home_;
};

TEST(ParseIni, ReadsSectionsAndKeys) {
  IniFile ini = ParseIni(
      "# comment\n"
      "; another\n"
      "[default]\n"
      "aws_access_key_id = AKIADEFAULT\n"
      "  aws_secret_access_key=secret/with=equals  \r\n"
      "\n"
      "[ profile dev ]\n"
      "region = eu-west-1\n");

  EXPECT_EQ(ini["default"]["aws_access_key_id"], "AKIADEFAULT");
  EXPECT_EQ(ini["default"]["aws_secret_access_key"], "secret/with=equals");
  EXPECT_EQ(ini["profile dev"]["region"], "eu-west-1");
  EXPECT_EQ(ini.size(), 2u);
}

TEST(ParseIni, IgnoresKeysOutsideSectionsAndLinesWithoutEquals) {
  IniFile ini = ParseIni("orphan = 1\n[s]\njunk line\nk = v");

  EXPECT_EQ(ini.size(), 1u);
  EXPECT_EQ(ini["s"].size(), 1u);
  EXPECT_EQ(ini["s"]["k"], "v");
}

TEST(ParseIni, KeepsEmptySections) {
  IniFile ini = ParseIni("[empty]\n");

  EXPECT_EQ(ini.count("empty"), 1u);
}

TEST_F(AwsConfigTest, EnvironmentKeysAreUsedWithoutAProfile) {
  FakeVars()["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  FakeVars()["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  FakeVars()["AWS_SESSION_TOKEN"] = "envtoken";

  auto c = ResolveCredentials({}, FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIAENV");
  EXPECT_EQ(c->secret_access_key, "envsecret");
  EXPECT_EQ(c->session_token, "envtoken");
}

TEST_F(AwsConfigTest, ExplicitProfileBeatsEnvironmentKeys) {
  FakeVars()["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  FakeVars()["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  FakeVars()["AWS_SHARED_CREDENTIALS_FILE"] =
      Write("creds", "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n");

  auto c = ResolveCredentials(WithProfile("dev"), FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIADEV");
  EXPECT_EQ(c->secret_access_key, "devsecret");
}

TEST_F(AwsConfigTest, EnvironmentKeysBeatTheAwsProfileFileEntry) {
  FakeVars()["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  FakeVars()["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  FakeVars()["AWS_PROFILE"] = "dev";
  FakeVars()["AWS_SHARED_CREDENTIALS_FILE"] =
      Write("creds", "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n");

  auto c = ResolveCredentials({}, FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIAENV");
}

TEST_F(AwsConfigTest, AwsProfileSelectsTheFileEntry) {
  FakeVars()["AWS_PROFILE"] = "dev";
  FakeVars()["AWS_SHARED_CREDENTIALS_FILE"] =
      Write("creds",
            "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = defsecret\n"
            "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n");

  auto c = ResolveCredentials({}, FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIADEV");
}

TEST_F(AwsConfigTest, SharedCredentialsFileVariableReplacesTheHomeFile) {
  WriteHomeFile("credentials",
                "[default]\naws_access_key_id = AKIAHOME\naws_secret_access_key = homesecret\n");
  FakeVars()["AWS_SHARED_CREDENTIALS_FILE"] =
      Write("server-credentials",
            "[default]\naws_access_key_id = AKIASERVER\naws_secret_access_key = serversecret\n");

  auto c = ResolveCredentials({}, FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIASERVER");
}

TEST_F(AwsConfigTest, HomeCredentialsFileIsTheDefault) {
  WriteHomeFile("credentials",
                "[default]\naws_access_key_id = AKIAHOME\naws_secret_access_key = homesecret\n");

  auto c = ResolveCredentials({}, FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIAHOME");
}

TEST_F(AwsConfigTest, ConfigFileProfileSectionHoldsKeys) {
  FakeVars()["AWS_CONFIG_FILE"] = Write(
      "config",
      "[dev]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = wrong\n"
      "[profile dev]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = configsecret\n");

  auto c = ResolveCredentials(WithProfile("dev"), FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIACONFIG");
}

TEST_F(AwsConfigTest, ConfigFileDefaultSectionIsPlainDefault) {
  FakeVars()["AWS_CONFIG_FILE"] =
      Write("config", "[default]\naws_access_key_id = AKIACFGDEF\naws_secret_access_key = s\n");

  auto c = ResolveCredentials({}, FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIACFGDEF");
}

TEST_F(AwsConfigTest, CredentialsFileBeatsConfigFile) {
  FakeVars()["AWS_SHARED_CREDENTIALS_FILE"] =
      Write("creds", "[dev]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s1\n");
  FakeVars()["AWS_CONFIG_FILE"] = Write(
      "config", "[profile dev]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s2\n");

  auto c = ResolveCredentials(WithProfile("dev"), FakeEnv);

  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->access_key_id, "AKIACREDS");
}

TEST_F(AwsConfigTest, MissingProfileIsAnErrorNamingIt) {
  FakeVars()["AWS_SHARED_CREDENTIALS_FILE"] =
      Write("creds", "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = s\n");

  auto c = ResolveCredentials(WithProfile("nope"), FakeEnv);

  EXPECT_THAT(c, HasError(Error::kValidation));
  EXPECT_THAT(c.status().message(), HasSubstr("nope"));
}

TEST_F(AwsConfigTest, NoCredentialsAnywhereIsAClearError) {
  auto c = ResolveCredentials({}, FakeEnv);

  EXPECT_THAT(c, HasError(Error::kValidation));
  EXPECT_THAT(c.status().message(), HasSubstr("Unable to locate credentials"));
  EXPECT_THAT(c.status().message(), HasSubstr("AWS_ACCESS_KEY_ID"));
}

TEST_F(AwsConfigTest, HalfSetEnvironmentKeysAreNotUsed) {
  FakeVars()["AWS_ACCESS_KEY_ID"] = "AKIAENV";

  EXPECT_THAT(ResolveCredentials({}, FakeEnv), HasError(Error::kValidation));
}

TEST_F(AwsConfigTest, RegionComesFromFlagThenEnvironmentThenConfig) {
  struct Case {
    std::string_view name;
    std::string flag, aws_region, aws_default_region;
    std::string_view want;
  };
  const Case cases[] = {
      {"flag first", "ap-south-1", "eu-west-1", "eu-west-2", "ap-south-1"},
      {"AWS_REGION next", "", "eu-west-1", "eu-west-2", "eu-west-1"},
      {"AWS_DEFAULT_REGION next", "", "", "eu-west-2", "eu-west-2"},
      {"config last", "", "", "", "sa-east-1"},
  };
  FakeVars()["AWS_CONFIG_FILE"] = Write("config", "[default]\nregion = sa-east-1\n");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeVars().erase("AWS_REGION");
    FakeVars().erase("AWS_DEFAULT_REGION");
    if (!c.aws_region.empty()) FakeVars()["AWS_REGION"] = c.aws_region;
    if (!c.aws_default_region.empty()) FakeVars()["AWS_DEFAULT_REGION"] = c.aws_default_region;

    auto region = ResolveRegion(WithRegion(c.flag), FakeEnv);

    ASSERT_THAT(region, IsOk());
    EXPECT_EQ(*region, c.want);
  }
}

TEST_F(AwsConfigTest, RegionOfTheActiveProfileComesFromItsConfigSection) {
  FakeVars()["AWS_PROFILE"] = "dev";
  FakeVars()["AWS_CONFIG_FILE"] =
      Write("config", "[default]\nregion = sa-east-1\n[profile dev]\nregion = eu-north-1\n");

  auto region = ResolveRegion({}, FakeEnv);

  ASSERT_THAT(region, IsOk());
  EXPECT_EQ(*region, "eu-north-1");
}

TEST_F(AwsConfigTest, NoRegionIsAnError) {
  EXPECT_THAT(ResolveRegion({}, FakeEnv), HasError(Error::kValidation));
}

TEST_F(AwsConfigTest, EndpointComesFromFlagThenServiceThenGlobalVariable) {
  FakeVars()["AWS_ENDPOINT_URL_CLOUDTRAIL"] = "http://ct:1";
  FakeVars()["AWS_ENDPOINT_URL"] = "http://all:2";

  EXPECT_EQ(ResolveEndpoint(WithEndpoint("http://flag:3"), FakeEnv), "http://flag:3");
  EXPECT_EQ(ResolveEndpoint({}, FakeEnv), "http://ct:1");
  FakeVars().erase("AWS_ENDPOINT_URL_CLOUDTRAIL");
  EXPECT_EQ(ResolveEndpoint({}, FakeEnv), "http://all:2");
}

TEST_F(AwsConfigTest, EndpointDefaultsToTheLocalServer) {
  EXPECT_EQ(ResolveEndpoint({}, FakeEnv), "http://127.0.0.1:8421");
}

}  // namespace
}  // namespace ot::cli
