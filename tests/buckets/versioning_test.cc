// Versioning, MFA delete and object lock of local buckets (versioning.cc, object_lock.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>

#include "buckets/bucket_registry.h"
#include "buckets_test_util.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::buckets {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kBucket = "ver-b";
constexpr std::string_view kSerial = "arn:aws:iam::111122223333:mfa/root-phone";

class VersioningTest : public ::testing::Test {
 protected:
  VersioningTest() { Reopen(); }

  void Reopen() {
    reg_.reset();
    RegistryOptions options;
    options.dir = dir_.path() + "/buckets";
    options.meta_dir = dir_.path() + "/meta";
    auto r = BucketRegistry::Open(options, store_, env_);
    EXPECT_THAT(r, IsOk());
    reg_ = std::move(*r);
    if (!reg_->Get(kBucket).ok()) {
      EXPECT_THAT(reg_->Create(kBucket, "us-east-1", "111122223333"), IsOk());
    }
  }

  void SetStatus(VersioningStatus status, std::optional<bool> mfa_delete = std::nullopt,
                 std::optional<MfaProof> mfa = std::nullopt) {
    ASSERT_THAT(reg_->PutVersioning(kBucket, VersioningChange{status, mfa_delete}, mfa), IsOk());
  }

  std::string Put(std::string_view key, std::string_view body, ObjectRetention retention = {},
                  bool legal_hold = false) {
    std::string version;
    PutObjectRequest put;
    put.bucket = kBucket;
    put.key = key;
    put.body = body;
    put.retention = std::move(retention);
    put.legal_hold = legal_hold;
    put.version_id_out = &version;
    EXPECT_THAT(reg_->PutObject(put), IsOk()) << key;
    return version;
  }

  std::string Read(std::string_view key, std::string_view version = "") {
    auto reader = version.empty() ? reg_->OpenObject(kBucket, key)
                                  : reg_->OpenObjectVersion(kBucket, key, version);
    if (!reader.ok()) return "<" + std::string(ErrorWireName(reader.status().code())) + ">";
    std::string out;
    EXPECT_THAT(reader->file->Read(0, reader->info.size, &out), IsOk());
    return out;
  }

  Result<DeleteOutcome> Delete(std::string_view key, std::optional<std::string> version = {},
                               DeleteOptions options = {}) {
    return reg_->DeleteVersion(kBucket, key, version, options);
  }

  VersionListing Versions(ListVersionsOptions options = {}) {
    auto page = reg_->ListObjectVersions(kBucket, options);
    EXPECT_THAT(page, IsOk());
    return page.ok() ? *page : VersionListing{};
  }

  // "key@version" per entry, "!" marking delete markers and "*" the latest.
  static std::vector<std::string> Describe(const VersionListing& page) {
    std::vector<std::string> out;
    for (const VersionEntry& e : page.versions) {
      out.push_back(e.key + (e.delete_marker ? "!" : "") + (e.is_latest ? "*" : ""));
    }
    return out;
  }

  testing::TempDir dir_;
  testing::MemRegistryStore store_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_;
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<BucketRegistry> reg_;
};

TEST_F(VersioningTest, UnversionedBucketKeepsItsFormatAndHasOnlyTheNullVersion) {
  std::string version = Put("k", "one");

  EXPECT_EQ(version, "");
  auto text = env_.fs.ReadFile(dir_.path() + "/meta/ver-b/k.json");
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(text->find("VersionId"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/meta/_versions"));
  EXPECT_EQ(Read("k", "null"), "one");
  EXPECT_THAT(Describe(Versions()), ElementsAre("k*"));
  EXPECT_EQ(Versions().versions[0].version_id, "null");
}

TEST_F(VersioningTest, EveryPutKeepsTheOlderVersionsReadableById) {
  Put("k", "before");  // written before versioning: the null version
  SetStatus(VersioningStatus::kEnabled);

  std::string v1 = Put("k", "first");
  clock_.Advance(std::chrono::seconds(1));
  std::string v2 = Put("k", "second");

  EXPECT_EQ(v1.size(), 32u);
  EXPECT_NE(v1, v2);
  EXPECT_EQ(Read("k"), "second");
  EXPECT_EQ(Read("k", v1), "first");
  EXPECT_EQ(Read("k", "null"), "before");
  EXPECT_EQ(Read("k", v2), "second");
  EXPECT_EQ(Read("k", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "<NoSuchVersion>");
  VersionListing page = Versions();
  EXPECT_THAT(Describe(page), ElementsAre("k*", "k", "k"));
  EXPECT_EQ(page.versions[0].version_id, v2);
  EXPECT_EQ(page.versions[1].version_id, v1);
  EXPECT_EQ(page.versions[2].version_id, "null");
  EXPECT_EQ(page.versions[1].size, 5u);
}

TEST_F(VersioningTest, DeleteWithoutVersionAddsAMarkerAndRemovingItRestoresTheObject) {
  SetStatus(VersioningStatus::kEnabled);
  std::string v1 = Put("dir/k", "data");

  auto marker = Delete("dir/k");

  ASSERT_THAT(marker, IsOk());
  EXPECT_TRUE(marker->delete_marker);
  EXPECT_THAT(reg_->HeadObject(kBucket, "dir/k"), HasError(Error::kNoSuchKey));
  auto latest = reg_->LatestVersion(kBucket, "dir/k");
  ASSERT_THAT(latest, IsOk());
  EXPECT_TRUE(latest->delete_marker);
  EXPECT_EQ(latest->version_id, marker->version_id);
  EXPECT_THAT(Describe(Versions()), ElementsAre("dir/k!*", "dir/k"));
  ListObjectsOptions all;
  EXPECT_THAT(reg_->ListObjects(kBucket, all)->objects, IsEmpty());

  auto removed = Delete("dir/k", marker->version_id);

  ASSERT_THAT(removed, IsOk());
  EXPECT_TRUE(removed->delete_marker);
  EXPECT_EQ(Read("dir/k"), "data");
  EXPECT_EQ(reg_->HeadObject(kBucket, "dir/k")->version_id, v1);
  EXPECT_THAT(Describe(Versions()), ElementsAre("dir/k*"));
}

TEST_F(VersioningTest, DeletingTheCurrentVersionPromotesThePreviousOne) {
  SetStatus(VersioningStatus::kEnabled);
  std::string v1 = Put("k", "one");
  std::string v2 = Put("k", "two");

  ASSERT_THAT(Delete("k", v2), IsOk());

  EXPECT_EQ(Read("k"), "one");
  ASSERT_THAT(Delete("k", v1), IsOk());
  EXPECT_THAT(reg_->HeadObject(kBucket, "k"), HasError(Error::kNoSuchKey));
  EXPECT_THAT(Versions().versions, IsEmpty());
  // Nothing is left behind, so the bucket can go.
  EXPECT_THAT(reg_->Delete(kBucket), IsOk());
}

TEST_F(VersioningTest, BucketWithOlderVersionsIsNotEmpty) {
  SetStatus(VersioningStatus::kEnabled);
  Put("k", "one");
  ASSERT_THAT(Delete("k"), IsOk());

  EXPECT_THAT(reg_->Delete(kBucket), HasError(Error::kBucketNotEmpty));
}

TEST_F(VersioningTest, SuspendedBucketReplacesTheNullVersionAndKeepsRealOnes) {
  SetStatus(VersioningStatus::kEnabled);
  std::string v1 = Put("k", "kept");
  SetStatus(VersioningStatus::kSuspended);

  EXPECT_EQ(Put("k", "null-1"), "null");
  EXPECT_EQ(Put("k", "null-2"), "null");

  EXPECT_THAT(Describe(Versions()), ElementsAre("k*", "k"));
  EXPECT_EQ(Read("k", "null"), "null-2");
  EXPECT_EQ(Read("k", v1), "kept");
  auto marker = Delete("k");
  ASSERT_THAT(marker, IsOk());
  EXPECT_EQ(marker->version_id, "null");
  EXPECT_THAT(Describe(Versions()), ElementsAre("k!*", "k"));
}

TEST_F(VersioningTest, ListingPagesWithKeyAndVersionMarkersAndRollsUpPrefixes) {
  SetStatus(VersioningStatus::kEnabled);
  Put("a", "1");
  Put("a", "2");
  Put("b/x", "3");
  Put("c", "4");
  ListVersionsOptions o;
  o.max_keys = 1;

  VersionListing p1 = Versions(o);
  o.key_marker = p1.next_key_marker;
  o.version_id_marker = p1.next_version_id_marker;
  VersionListing p2 = Versions(o);
  o.key_marker = p2.next_key_marker;
  o.version_id_marker = p2.next_version_id_marker;
  o.max_keys = 10;
  o.delimiter = "/";
  VersionListing p3 = Versions(o);

  EXPECT_THAT(Describe(p1), ElementsAre("a*"));
  EXPECT_TRUE(p1.truncated);
  EXPECT_THAT(Describe(p2), ElementsAre("a"));
  EXPECT_THAT(Describe(p3), ElementsAre("c*"));
  EXPECT_THAT(p3.common_prefixes, ElementsAre("b/"));
  EXPECT_FALSE(p3.truncated);
  ListVersionsOptions bad;
  bad.version_id_marker = "x";
  EXPECT_THAT(reg_->ListObjectVersions(kBucket, bad), HasError(Error::kInvalidArgument));
}

TEST_F(VersioningTest, MfaDeleteNeedsTheBucketsDeviceForPermanentDeletesAndChanges) {
  SetStatus(VersioningStatus::kEnabled);
  EXPECT_THAT(reg_->PutVersioning(kBucket, {VersioningStatus::kEnabled, true}, std::nullopt),
              HasError(Error::kAccessDenied));
  SetStatus(VersioningStatus::kEnabled, true, MfaProof{std::string(kSerial)});
  std::string v1 = Put("k", "one");
  MfaProof other{"arn:aws:iam::111122223333:mfa/other"};

  EXPECT_THAT(Delete("k", v1), HasError(Error::kAccessDenied));
  EXPECT_THAT(Delete("k", v1, DeleteOptions{other, false}), HasError(Error::kAccessDenied));
  EXPECT_THAT(reg_->PutVersioning(kBucket, {VersioningStatus::kSuspended, {}}, std::nullopt),
              HasError(Error::kAccessDenied));
  // A delete marker removes nothing: no MFA needed.
  EXPECT_THAT(Delete("k"), IsOk());
  EXPECT_THAT(Delete("k", v1, DeleteOptions{MfaProof{std::string(kSerial)}, false}), IsOk());
  EXPECT_EQ(reg_->GetVersioning(kBucket)->mfa_serial, kSerial);
  // The setting survives a restart.
  Reopen();
  EXPECT_TRUE(reg_->GetVersioning(kBucket)->mfa_delete);
  EXPECT_THAT(reg_->PutVersioning(kBucket, {VersioningStatus::kEnabled, false},
                                  MfaProof{std::string(kSerial)}),
              IsOk());
  EXPECT_FALSE(reg_->GetVersioning(kBucket)->mfa_delete);
}

TEST_F(VersioningTest, ObjectLockNeedsVersioningAndForbidsSuspending) {
  EXPECT_THAT(reg_->PutObjectLock(kBucket, std::nullopt), HasError(Error::kInvalidBucketState));
  SetStatus(VersioningStatus::kEnabled);
  ASSERT_THAT(reg_->PutObjectLock(kBucket, DefaultRetention{"GOVERNANCE", 1, 0}), IsOk());

  EXPECT_THAT(reg_->PutVersioning(kBucket, {VersioningStatus::kSuspended, {}}, std::nullopt),
              HasError(Error::kInvalidBucketState));
  std::string v1 = Put("delivered.json.gz", "log");
  auto info = reg_->HeadObjectVersion(kBucket, "delivered.json.gz", v1);
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->retention.mode, "GOVERNANCE");
  EXPECT_EQ(info->retention.retain_until, clock_.Now() + std::chrono::days(1));
}

TEST_F(VersioningTest, ComplianceRetentionBlocksEveryoneUntilItEnds) {
  SetStatus(VersioningStatus::kEnabled);
  ASSERT_THAT(reg_->PutObjectLock(kBucket, std::nullopt), IsOk());
  SysMillis until = clock_.Now() + std::chrono::hours(2);
  std::string v1 = Put("k", "locked", ObjectRetention{"COMPLIANCE", until});

  EXPECT_THAT(Delete("k", v1, DeleteOptions{std::nullopt, true}), HasError(Error::kAccessDenied));
  EXPECT_THAT(
      reg_->PutRetention(kBucket, "k", v1, {"COMPLIANCE", until - std::chrono::hours(1)}, true),
      HasError(Error::kAccessDenied));
  EXPECT_THAT(reg_->PutRetention(kBucket, "k", v1, {"GOVERNANCE", until}, true),
              HasError(Error::kAccessDenied));
  // Extending is allowed; a delete marker may still be added.
  EXPECT_THAT(
      reg_->PutRetention(kBucket, "k", v1, {"COMPLIANCE", until + std::chrono::hours(1)}, false),
      IsOk());
  EXPECT_THAT(Delete("k"), IsOk());
  clock_.Advance(std::chrono::hours(4));
  EXPECT_THAT(Delete("k", v1), IsOk());
  EXPECT_EQ(Read("k", v1), "<NoSuchVersion>");
}

TEST_F(VersioningTest, GovernanceRetentionYieldsOnlyToTheBypass) {
  SetStatus(VersioningStatus::kEnabled);
  ASSERT_THAT(reg_->PutObjectLock(kBucket, std::nullopt), IsOk());
  std::string v1 =
      Put("k", "locked", ObjectRetention{"GOVERNANCE", clock_.Now() + std::chrono::hours(1)});

  EXPECT_THAT(Delete("k", v1), HasError(Error::kAccessDenied));
  EXPECT_THAT(reg_->PutRetention(kBucket, "k", v1, {}, false), HasError(Error::kAccessDenied));
  EXPECT_THAT(Delete("k", v1, DeleteOptions{std::nullopt, true}), IsOk());
}

TEST_F(VersioningTest, LegalHoldBlocksDeletionUntilLifted) {
  SetStatus(VersioningStatus::kEnabled);
  ASSERT_THAT(reg_->PutObjectLock(kBucket, std::nullopt), IsOk());
  std::string v1 = Put("k", "held");
  ASSERT_THAT(reg_->PutLegalHold(kBucket, "k", "", true), IsOk());

  EXPECT_THAT(Delete("k", v1, DeleteOptions{std::nullopt, true}), HasError(Error::kAccessDenied));
  EXPECT_TRUE(reg_->HeadObjectVersion(kBucket, "k", v1)->legal_hold);
  ASSERT_THAT(reg_->PutLegalHold(kBucket, "k", v1, false), IsOk());
  EXPECT_THAT(Delete("k", v1), IsOk());
}

TEST_F(VersioningTest, LockCallsNeedAnObjectLockBucket) {
  SetStatus(VersioningStatus::kEnabled);
  Put("k", "x");

  EXPECT_THAT(reg_->PutLegalHold(kBucket, "k", "", true), HasError(Error::kValidation));
  EXPECT_THAT(reg_->PutRetention(kBucket, "k", "", {"GOVERNANCE", clock_.Now()}, false),
              HasError(Error::kValidation));
}

TEST_F(VersioningTest, ExpireCurrentVersionAddsOneMarkerAndKeepsLockedData) {
  SetStatus(VersioningStatus::kEnabled);
  ASSERT_THAT(reg_->PutObjectLock(kBucket, DefaultRetention{"COMPLIANCE", 0, 1}), IsOk());
  std::string v1 = Put("old.gz", "log");

  auto first = reg_->ExpireCurrentVersion(kBucket, "old.gz");
  auto second = reg_->ExpireCurrentVersion(kBucket, "old.gz");

  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(first->delete_marker);
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->delete_marker);
  EXPECT_THAT(Describe(Versions()), ElementsAre("old.gz!*", "old.gz"));
  EXPECT_EQ(Read("old.gz", v1), "log");
}

TEST_F(VersioningTest, ExpireCurrentVersionRemovesObjectsOfUnversionedBuckets) {
  Put("old.gz", "log");

  ASSERT_THAT(reg_->ExpireCurrentVersion(kBucket, "old.gz"), IsOk());

  EXPECT_THAT(reg_->HeadObject(kBucket, "old.gz"), HasError(Error::kNoSuchKey));
}

TEST_F(VersioningTest, EncryptedVersionsStayEncryptedAndReadable) {
  RegistryOptions options;
  options.dir = dir_.path() + "/buckets";
  options.meta_dir = dir_.path() + "/meta";
  options.sse_s3_key = std::string(32, 'k');
  reg_.reset();
  auto r = BucketRegistry::Open(options, store_, env_);
  ASSERT_THAT(r, IsOk());
  reg_ = std::move(*r);
  ASSERT_THAT(reg_->PutEncryption(kBucket, BucketEncryption{"AES256", "", false}), IsOk());
  SetStatus(VersioningStatus::kEnabled);
  std::string v1 = Put("secret", "plain-one");
  Put("secret", "plain-two");

  auto stored = env_.fs.ReadFile(dir_.path() + "/meta/_versions/ver-b/secret.versions/" + v1);

  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->find("plain-one"), std::string::npos);
  EXPECT_EQ(Read("secret", v1), "plain-one");
  EXPECT_EQ(reg_->HeadObjectVersion(kBucket, "secret", v1)->sse_algorithm, "AES256");
  EXPECT_EQ(Versions().versions[1].size, 9u);
}

TEST_F(VersioningTest, ArchivedVersionKeepsItsArchiveCopyUntilDeletedForGood) {
  SetStatus(VersioningStatus::kEnabled);
  std::string v1 = Put("cold.gz", "archived bytes");
  ASSERT_THAT(reg_->TransitionObject(kBucket, "cold.gz", "GLACIER"), IsOk());
  auto archive_files = [&] {
    size_t n = 0;
    std::error_code ec;
    for (auto it =
             std::filesystem::recursive_directory_iterator(dir_.path() + "/buckets-archive", ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file()) ++n;
    }
    return n;
  };
  ASSERT_EQ(archive_files(), 1u);

  ASSERT_THAT(Delete("cold.gz"), IsOk());  // a marker: the archived version stays whole

  EXPECT_EQ(archive_files(), 1u);
  auto info = reg_->HeadObjectVersion(kBucket, "cold.gz", v1);
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->storage_class, "GLACIER");
  EXPECT_EQ(info->size, 14u);
  EXPECT_THAT(reg_->OpenObjectVersion(kBucket, "cold.gz", v1),
              HasError(Error::kInvalidObjectState));
  ASSERT_THAT(Delete("cold.gz", v1), IsOk());
  EXPECT_EQ(archive_files(), 0u);
}

// A version id never begins with '-' or '_' (the AWS CLI would take "--version-id -…" for an
// option). 300 seeded draws hold several that would have.
TEST_F(VersioningTest, VersionIdsBeginWithALetterOrDigit) {
  SetStatus(VersioningStatus::kEnabled);
  for (int i = 0; i < 300; ++i) {
    std::string id = Put("k", "v" + std::to_string(i));
    ASSERT_FALSE(id.empty());
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(id[0]))) << id;
    EXPECT_EQ(id.size(), 32u) << id;
  }
}

}  // namespace
}  // namespace ot::buckets
