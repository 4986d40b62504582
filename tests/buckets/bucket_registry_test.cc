#include "buckets/bucket_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "buckets_test_util.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::buckets {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct NameCase {
  const char* name;
  bool valid;
};

class BucketNameTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(BucketNameTest, FollowsS3Rules) {
  Status s = ValidateBucketName(GetParam().name);
  if (GetParam().valid) {
    EXPECT_THAT(s, IsOk()) << GetParam().name;
  } else {
    EXPECT_THAT(s, HasError(Error::kInvalidBucketName)) << GetParam().name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, BucketNameTest,
    ::testing::Values(NameCase{"abc", true}, NameCase{"org-trail-logs", true},
                      NameCase{"my.bucket.1", true}, NameCase{"1bucket9", true},
                      NameCase{"ab", false}, NameCase{"", false}, NameCase{"UpperCase", false},
                      NameCase{"under_score", false}, NameCase{"-leading", false},
                      NameCase{"trailing-", false}, NameCase{".dot", false},
                      NameCase{"dot.", false}, NameCase{"two..dots", false},
                      NameCase{"192.168.5.4", false}, NameCase{"192.168.5", true},
                      NameCase{"xn--punycode", false}, NameCase{"name-s3alias", false},
                      NameCase{"spa ce", false}, NameCase{"slash/name", false}));

TEST(BucketNameTest, LengthLimits) {
  EXPECT_THAT(ValidateBucketName(std::string(63, 'a')), IsOk());
  EXPECT_THAT(ValidateBucketName(std::string(64, 'a')), HasError(Error::kInvalidBucketName));
}

class RegistryTest : public ::testing::Test {
 protected:
  std::unique_ptr<BucketRegistry> Open() {
    RegistryOptions options;
    options.dir = dir_.path() + "/buckets";
    options.meta_dir = dir_.path() + "/meta";
    auto r = BucketRegistry::Open(options, store_, env_);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? std::move(*r) : nullptr;
  }

  testing::TempDir dir_;
  testing::MemRegistryStore store_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_;
  Env env_{clock_, RealFileSystem(), random_};
};

TEST_F(RegistryTest, CreateGetListDelete) {
  auto reg = Open();
  auto created = reg->Create("logs-b", "eu-west-1", "111122223333");
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->region, "eu-west-1");
  EXPECT_EQ(created->creation_date, clock_.Now());
  EXPECT_TRUE(std::filesystem::is_directory(dir_.path() + "/buckets/logs-b"));
  ASSERT_THAT(reg->Create("alpha-b", "us-east-1", "111122223333"), IsOk());

  std::vector<std::string> names;
  for (const BucketInfo& b : reg->List()) names.push_back(b.name);
  EXPECT_THAT(names, ElementsAre("alpha-b", "logs-b"));
  ASSERT_THAT(reg->Get("logs-b"), IsOk());
  EXPECT_EQ(reg->Get("logs-b")->owner_account, "111122223333");

  ASSERT_THAT(reg->Delete("logs-b"), IsOk());
  EXPECT_THAT(reg->Get("logs-b"), HasError(Error::kNoSuchBucket));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/buckets/logs-b"));
  EXPECT_THAT(reg->Delete("logs-b"), HasError(Error::kNoSuchBucket));
  EXPECT_EQ(store_.rows.size(), 1u);
}

TEST_F(RegistryTest, CreateErrors) {
  auto reg = Open();
  EXPECT_THAT(reg->Create("Bad_Name", "us-east-1", "111122223333"),
              HasError(Error::kInvalidBucketName));
  ASSERT_THAT(reg->Create("taken-b", "us-east-1", "111122223333"), IsOk());
  EXPECT_THAT(reg->Create("taken-b", "us-east-1", "111122223333"),
              HasError(Error::kBucketAlreadyOwnedByYou));
  EXPECT_THAT(reg->Create("taken-b", "us-east-1", "444455556666"),
              HasError(Error::kBucketAlreadyExists));
}

TEST_F(RegistryTest, PersistsAcrossReopen) {
  {
    auto reg = Open();
    ASSERT_THAT(reg->Create("keep-me", "ap-south-1", "111122223333"), IsOk());
    ASSERT_THAT(reg->Create("drop-me", "us-east-1", "111122223333"), IsOk());
    ASSERT_THAT(reg->Delete("drop-me"), IsOk());
  }
  auto reg = Open();
  ASSERT_EQ(reg->List().size(), 1u);
  EXPECT_EQ(reg->List()[0].name, "keep-me");
  EXPECT_EQ(reg->List()[0].region, "ap-south-1");
  EXPECT_EQ(reg->List()[0].creation_date, clock_.Now());
}

TEST_F(RegistryTest, LocalPutObjectWritesFilesAtomically) {
  auto reg = Open();
  ASSERT_THAT(reg->Create("objs-b", "us-east-1", "111122223333"), IsOk());
  PutObjectRequest put;
  put.bucket = "objs-b";
  put.key = "AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/file.json.gz";
  put.body = "first";
  put.content_type = "application/x-gzip";
  put.metadata = {{"Signature", "abc"}};
  ASSERT_THAT(reg->PutObject(put), IsOk());
  std::string path = dir_.path() + "/buckets/objs-b/" + std::string(put.key);
  EXPECT_EQ(Slurp(path), "first");
  std::string meta = Slurp(dir_.path() + "/meta/objs-b/" + std::string(put.key) + ".json");
  EXPECT_THAT(meta, ::testing::HasSubstr("\"signature\":\"abc\""));
  EXPECT_THAT(meta, ::testing::HasSubstr("application/x-gzip"));

  put.body = "second, longer";
  ASSERT_THAT(reg->PutObject(put), IsOk());
  EXPECT_EQ(Slurp(path), "second, longer");
  // No temporary file is left next to the object.
  size_t entries = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
  EXPECT_THAT(reg->ListLocalKeys("objs-b"), IsOk());
  EXPECT_THAT(*reg->ListLocalKeys("objs-b"), ElementsAre(std::string(put.key)));
}

TEST_F(RegistryTest, LocalPutObjectRejectsKeysAFileSystemCannotHold) {
  auto reg = Open();
  ASSERT_THAT(reg->Create("objs-b", "us-east-1", "111122223333"), IsOk());
  for (const char* key : {"", "a//b", "a/../b", "./a", "dir/", "a/.ot-tmp-1"}) {
    PutObjectRequest put;
    put.bucket = "objs-b";
    put.key = key;
    put.body = "x";
    EXPECT_THAT(reg->PutObject(put), HasError(Error::kValidation)) << key;
  }
  PutObjectRequest missing;
  missing.bucket = "nope-b";
  missing.key = "k";
  EXPECT_THAT(reg->PutObject(missing), HasError(Error::kNoSuchBucket));
}

TEST_F(RegistryTest, ConcurrentWritersOfOneKeyLeaveOneWholeObject) {
  auto reg = Open();
  ASSERT_THAT(reg->Create("race-b", "us-east-1", "111122223333"), IsOk());
  std::string a(100000, 'a'), b(50000, 'b');
  auto writer = [&](const std::string& body) {
    for (int i = 0; i < 20; ++i) {
      PutObjectRequest put;
      put.bucket = "race-b";
      put.key = "k/obj";
      put.body = body;
      EXPECT_THAT(reg->PutObject(put), IsOk());
    }
  };
  std::thread t1(writer, a), t2(writer, b);
  t1.join();
  t2.join();
  std::string got = Slurp(dir_.path() + "/buckets/race-b/k/obj");
  EXPECT_TRUE(got == a || got == b);
  EXPECT_THAT(*reg->ListLocalKeys("race-b"), ElementsAre("k/obj"));
}

TEST_F(RegistryTest, LeftoverTemporaryFilesAreNotObjects) {
  auto reg = Open();
  ASSERT_THAT(reg->Create("tmp-b", "us-east-1", "111122223333"), IsOk());
  std::ofstream(dir_.path() + "/buckets/tmp-b/.ot-tmp-0123456789abcdef") << "partial";
  EXPECT_THAT(*reg->ListLocalKeys("tmp-b"), IsEmpty());
  EXPECT_THAT(reg->Delete("tmp-b"), IsOk());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/buckets/tmp-b"));
}

TEST_F(RegistryTest, DeleteRefusesNonEmptyBucket) {
  auto reg = Open();
  ASSERT_THAT(reg->Create("full-b", "us-east-1", "111122223333"), IsOk());
  PutObjectRequest put;
  put.bucket = "full-b";
  put.key = "deep/dir/object";
  put.body = "x";
  ASSERT_THAT(reg->PutObject(put), IsOk());
  EXPECT_THAT(reg->Delete("full-b"), HasError(Error::kBucketNotEmpty));
  std::filesystem::remove(dir_.path() + "/buckets/full-b/deep/dir/object");
  EXPECT_THAT(reg->ListLocalKeys("full-b"), IsOk());
  EXPECT_THAT(*reg->ListLocalKeys("full-b"), IsEmpty());
  EXPECT_THAT(reg->Delete("full-b"), IsOk());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/buckets/full-b"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/meta/full-b"));
}

TEST_F(RegistryTest, RemoteBuckets) {
  auto reg = Open();
  RemoteBucketConfig c;
  c.name = "remote-b";
  c.endpoint = "http://127.0.0.1:1/";
  c.region = "eu-central-1";
  c.access_key_id = "AKID";
  c.secret_access_key = "secret";
  ASSERT_THAT(reg->AddRemote(c), IsOk());
  auto info = reg->Get("remote-b");
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->remote);
  EXPECT_EQ(info->endpoint, "http://127.0.0.1:1");
  EXPECT_EQ(info->region, "eu-central-1");
  EXPECT_THAT(reg->AddRemote(c), HasError(Error::kBucketAlreadyExists));
  EXPECT_THAT(reg->Create("remote-b", "us-east-1", "111122223333"),
              HasError(Error::kBucketAlreadyExists));
  EXPECT_THAT(reg->Delete("remote-b"), HasError(Error::kAccessDenied));
  EXPECT_TRUE(store_.rows.empty());  // remote buckets come from the config file, not the store

  c.name = "other-b";
  c.endpoint = "ftp://x";
  EXPECT_THAT(reg->AddRemote(c), HasError(Error::kValidation));
  c.endpoint = "http://x";
  c.secret_access_key.clear();
  EXPECT_THAT(reg->AddRemote(c), HasError(Error::kValidation));
}

}  // namespace
}  // namespace ot::buckets
