// Lifecycle of local buckets: the stored configuration, rule matching and due dates, object
// tags, transitions to the archive (packing, crash safety, encryption), RestoreObject and
// expiration by the lifecycle pass.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "buckets/archive.h"
#include "buckets/bucket_registry.h"
#include "buckets/lifecycle.h"
#include "buckets_test_util.h"
#include "common/gzip.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "support/faulty_fs.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::buckets {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kDay = seconds(10);  // a lifecycle "day" of the tests

// A CloudTrail-like log file as delivery writes it: gzip (libdeflate level 6) of JSON records.
std::string LogFile(int records) {
  std::string json = "{\"Records\":[";
  for (int i = 0; i < records; ++i) {
    if (i > 0) json += ",";
    json += R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDA0000)" +
            std::to_string(i % 7) +
            R"(","arn":"arn:aws:iam::111122223333:user/alice"},"eventTime":"2026-11-27T10:0)" +
            std::to_string(i % 10) +
            R"(:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",)" +
            R"("awsRegion":"us-east-1","sourceIPAddress":"10.0.0.)" + std::to_string(i % 250) +
            R"(","userAgent":"aws-cli/2.9.19","requestID":")" + std::to_string(1000000 + i * 7919) +
            R"(","eventID":"6f1c)" + std::to_string(i * 104729) + R"("})";
  }
  json += "]}";
  return GzipCompress(json, 6);
}

class LifecycleTest : public ::testing::Test {
 protected:
  LifecycleTest() { Reopen(RealFileSystem()); }

  void Reopen(FileSystem& fs) {
    reg_.reset();
    env_ = std::make_unique<Env>(Env{clock_, fs, random_});
    RegistryOptions options;
    options.dir = dir_.path() + "/buckets";
    options.meta_dir = dir_.path() + "/meta";
    options.archive_dir = dir_.path() + "/archive";
    options.sse_s3_key = std::string(32, 's');
    auto r = BucketRegistry::Open(options, store_, *env_);
    ASSERT_THAT(r, IsOk());
    reg_ = std::move(*r);
    if (!reg_->Get("logs").ok()) {
      ASSERT_THAT(reg_->Create("logs", "us-east-1", "111122223333"), IsOk());
    }
  }

  Status Put(std::string_view key, std::string_view body, std::string_view sse = {},
             std::map<std::string, std::string> tags = {}) {
    PutObjectRequest put;
    put.bucket = "logs";
    put.key = key;
    put.body = body;
    put.sse_algorithm = sse;
    put.tags = std::move(tags);
    return reg_->PutObject(put);
  }

  std::string Read(std::string_view key) {
    auto reader = reg_->OpenObject("logs", key);
    EXPECT_THAT(reader, IsOk());
    if (!reader.ok()) return {};
    std::string out;
    EXPECT_THAT(reader->file->Read(0, reader->info.size, &out), IsOk());
    return out;
  }

  uint64_t OnDisk(std::string_view key) {
    auto size = RealFileSystem().FileSize(dir_.path() + "/buckets/logs/" + std::string(key));
    return size.ok() ? *size : ~uint64_t{0};
  }

  // Bytes under the archive directory (all packed copies).
  std::vector<std::string> ArchiveFiles() {
    std::vector<std::string> out;
    std::function<void(const std::string&)> walk = [&](const std::string& d) {
      auto names = RealFileSystem().List(d);
      if (!names.ok()) return;
      for (const auto& n : *names) {
        std::string p = d + "/" + n;
        if (RealFileSystem().List(p).ok()) {
          walk(p);
        } else {
          out.push_back(p);
        }
      }
    };
    walk(dir_.path() + "/archive");
    return out;
  }

  Result<std::vector<LifecycleAction>> Pass(milliseconds restore_delay = milliseconds(0)) {
    LifecyclePassOptions options;
    options.day = kDay;
    options.restore_delay = restore_delay;
    return reg_->RunLifecycle(options);
  }

  static LifecycleConfiguration ArchiveRule(int64_t transition_days, int64_t expiration_days) {
    LifecycleRule rule;
    rule.id = "archive";
    rule.filter.form = LifecycleFilter::Form::kPrefix;
    rule.filter.prefix = "AWSLogs/";
    rule.transitions.push_back({transition_days, std::nullopt, "GLACIER"});
    rule.expiration = LifecycleExpiration{expiration_days, std::nullopt, std::nullopt};
    return LifecycleConfiguration{{rule}};
  }

  ot::testing::TempDir dir_;
  testing::MemRegistryStore store_;
  ot::testing::FakeClock clock_{SysMillis(milliseconds(1800000000000))};  // a multiple of kDay
  ot::testing::SeededRandom random_{9};
  std::unique_ptr<Env> env_;
  std::unique_ptr<BucketRegistry> reg_;
};

TEST(LifecycleModelTest, JsonRoundTripKeepsEveryMember) {
  LifecycleRule a;
  a.id = "a";
  a.filter.form = LifecycleFilter::Form::kAnd;
  a.filter.prefix = "AWSLogs/";
  a.filter.tags = {{"class", "log"}, {"keep", "no"}};
  a.filter.size_greater_than = 10;
  a.filter.size_less_than = 1 << 20;
  a.transitions = {{30, std::nullopt, "STANDARD_IA"}, {90, std::nullopt, "GLACIER"}};
  a.expiration = LifecycleExpiration{2555, std::nullopt, std::nullopt};
  a.noncurrent_transitions = {{5, 2, "DEEP_ARCHIVE"}};
  a.noncurrent_expiration = NoncurrentVersionExpiration{30, std::nullopt};
  a.abort_incomplete_multipart_days = 7;
  LifecycleRule b;
  b.id = "b";
  b.enabled = false;
  b.filter.form = LifecycleFilter::Form::kLegacyPrefix;
  b.filter.prefix = "tmp/";
  b.transitions = {
      {std::nullopt, SysMillis(milliseconds(1800000000000 / 86400000 * 86400000)), "DEEP_ARCHIVE"}};
  b.expiration = LifecycleExpiration{std::nullopt, std::nullopt, true};
  LifecycleConfiguration config{{a, b}};
  auto back = ParseLifecycleJson(LifecycleJson(config));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, config);
  EXPECT_THAT(ParseLifecycleJson(R"({"Rules":[{"ID":"x","Filter":{"Form":"Nope"}}]})"),
              HasError(Error::kCorruption));
}

TEST(LifecycleModelTest, DueDatesRoundUpToTheNextMidnight) {
  SysMillis midnight(milliseconds(86400000LL * 20000));
  EXPECT_EQ(LifecycleDue(midnight, 1, hours(24)), midnight + hours(24));
  EXPECT_EQ(LifecycleDue(midnight + hours(5), 1, hours(24)), midnight + hours(48));
  EXPECT_EQ(LifecycleDue(midnight + hours(5), 0, hours(24)), midnight + hours(24));
  EXPECT_EQ(LifecycleDue(midnight + seconds(3), 2, seconds(10)), midnight + seconds(30));
}

TEST(LifecycleModelTest, DecisionsFollowFiltersStatusAndTheColdestDueClass) {
  LifecycleRule rule;
  rule.id = "r";
  rule.filter.form = LifecycleFilter::Form::kAnd;
  rule.filter.prefix = "AWSLogs/";
  rule.filter.tags = {{"class", "log"}};
  rule.filter.size_greater_than = 100;
  rule.transitions = {{1, std::nullopt, "STANDARD_IA"},
                      {2, std::nullopt, "GLACIER"},
                      {5, std::nullopt, "DEEP_ARCHIVE"}};
  rule.expiration = LifecycleExpiration{9, std::nullopt, std::nullopt};
  LifecycleConfiguration config{{rule}};
  SysMillis created(milliseconds(86400000LL * 20000));
  std::map<std::string, std::string> tags{{"class", "log"}};
  auto decide = [&](std::string_view key, uint64_t size, const auto& t, std::string_view current,
                    int day) {
    return DecideLifecycle(config, key, size, t, created, current, created + hours(24) * day,
                           hours(24));
  };
  EXPECT_EQ(decide("AWSLogs/a", 500, tags, "STANDARD", 0).kind, LifecycleDecision::Kind::kNone);
  auto d = decide("AWSLogs/a", 500, tags, "STANDARD", 1);
  EXPECT_EQ(d.kind, LifecycleDecision::Kind::kTransition);
  EXPECT_EQ(d.storage_class, "STANDARD_IA");
  // Days 1 and 2 both due: straight to the colder one.
  EXPECT_EQ(decide("AWSLogs/a", 500, tags, "STANDARD", 3).storage_class, "GLACIER");
  EXPECT_EQ(decide("AWSLogs/a", 500, tags, "GLACIER", 3).kind, LifecycleDecision::Kind::kNone);
  EXPECT_EQ(decide("AWSLogs/a", 500, tags, "GLACIER", 6).storage_class, "DEEP_ARCHIVE");
  d = decide("AWSLogs/a", 500, tags, "DEEP_ARCHIVE", 9);
  EXPECT_EQ(d.kind, LifecycleDecision::Kind::kExpire);
  EXPECT_EQ(d.rule_id, "r");
  // Filters: prefix, tag, size.
  EXPECT_EQ(decide("other/a", 500, tags, "STANDARD", 9).kind, LifecycleDecision::Kind::kNone);
  EXPECT_EQ(decide("AWSLogs/a", 500, std::map<std::string, std::string>{}, "STANDARD", 9).kind,
            LifecycleDecision::Kind::kNone);
  EXPECT_EQ(decide("AWSLogs/a", 100, tags, "STANDARD", 9).kind, LifecycleDecision::Kind::kNone);
  config.rules[0].enabled = false;
  EXPECT_EQ(decide("AWSLogs/a", 500, tags, "STANDARD", 9).kind, LifecycleDecision::Kind::kNone);
}

TEST(ArchiveCodecTest, GzipLogFilesPackSmallerAndComeBackByteForByte) {
  std::string log = LogFile(400);
  PackedObject packed = PackForArchive(log);
  EXPECT_EQ(packed.codec, kCodecGzipXz);
  EXPECT_EQ(packed.gzip_level, 6);
  EXPECT_LT(packed.bytes.size(), log.size() * 3 / 4);
  auto back = UnpackFromArchive(packed.codec, packed.gzip_level, packed.bytes);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, log);
  // Other bytes (not libdeflate's gzip) are kept as they are, xz'd.
  std::string text(300, 'p');
  PackedObject other = PackForArchive(text);
  EXPECT_EQ(other.codec, kCodecXz);
  EXPECT_EQ(*UnpackFromArchive(other.codec, 0, other.bytes), text);
  EXPECT_THAT(UnpackFromArchive(kCodecXz, 0, "not xz"), HasError(Error::kCorruption));
  // Packing that would not gain (tiny or random bytes) keeps the bytes as they are.
  PackedObject tiny = PackForArchive(GzipCompress("{}", 6));
  EXPECT_EQ(tiny.codec, kCodecStored);
  EXPECT_EQ(*UnpackFromArchive(tiny.codec, 0, tiny.bytes), GzipCompress("{}", 6));
}

TEST_F(LifecycleTest, ConfigurationIsStoredPerBucketAndGoesWithIt) {
  EXPECT_THAT(reg_->GetLifecycle("logs"), HasError(Error::kNoSuchLifecycleConfiguration));
  EXPECT_THAT(reg_->GetLifecycle("nope"), HasError(Error::kNoSuchBucket));
  auto config = ArchiveRule(90, 2555);
  ASSERT_THAT(reg_->PutLifecycle("logs", config), IsOk());
  Reopen(RealFileSystem());
  auto got = reg_->GetLifecycle("logs");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, config);
  ASSERT_THAT(reg_->DeleteLifecycle("logs"), IsOk());
  EXPECT_THAT(reg_->GetLifecycle("logs"), HasError(Error::kNoSuchLifecycleConfiguration));
  ASSERT_THAT(reg_->DeleteLifecycle("logs"), IsOk());
  // Deleting the bucket removes its configuration: a new bucket of that name has none.
  ASSERT_THAT(reg_->PutLifecycle("logs", config), IsOk());
  ASSERT_THAT(reg_->Delete("logs"), IsOk());
  ASSERT_THAT(reg_->Create("logs", "us-east-1", "111122223333"), IsOk());
  EXPECT_THAT(reg_->GetLifecycle("logs"), HasError(Error::kNoSuchLifecycleConfiguration));
}

TEST_F(LifecycleTest, TagsAreKeptWithTheObject) {
  ASSERT_THAT(Put("a.txt", "x", {}, {{"class", "log"}}), IsOk());
  EXPECT_EQ(*reg_->GetObjectTags("logs", "a.txt"),
            (std::map<std::string, std::string>{{"class", "log"}}));
  ASSERT_THAT(reg_->PutObjectTags("logs", "a.txt", {{"k", "v"}, {"k2", ""}}), IsOk());
  EXPECT_EQ(reg_->HeadObject("logs", "a.txt")->tags.size(), 2u);
  ASSERT_THAT(reg_->PutObjectTags("logs", "a.txt", {}), IsOk());
  EXPECT_TRUE(reg_->GetObjectTags("logs", "a.txt")->empty());
  EXPECT_THAT(reg_->PutObjectTags("logs", "b.txt", {}), HasError(Error::kNoSuchKey));
  EXPECT_THAT(reg_->GetObjectTags("logs", "b.txt"), HasError(Error::kNoSuchKey));
}

TEST_F(LifecycleTest, DueTransitionArchivesALogFileThatRestoreMakesReadableAgain) {
  const std::string log = LogFile(300);
  const std::string key = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/27/f.json.gz";
  ASSERT_THAT(Put(key, log), IsOk());
  ASSERT_THAT(Put("other/keep.json.gz", log), IsOk());
  ASSERT_THAT(reg_->PutLifecycle("logs", ArchiveRule(2, 30)), IsOk());
  // Day 1: not due yet.
  clock_.Advance(kDay);
  ASSERT_THAT(Pass(), IsOk());
  EXPECT_EQ(reg_->HeadObject("logs", key)->storage_class, "STANDARD");
  clock_.Advance(kDay);
  auto actions = Pass();
  ASSERT_THAT(actions, IsOk());
  ASSERT_EQ(actions->size(), 1u);
  const LifecycleAction& a = (*actions)[0];
  EXPECT_EQ(a.kind, LifecycleAction::Kind::kTransition);
  EXPECT_EQ(a.key, key);
  EXPECT_EQ(a.rule_id, "archive");
  EXPECT_EQ(a.storage_class, "GLACIER");
  EXPECT_EQ(a.previous_class, "STANDARD");
  EXPECT_EQ(a.size, log.size());
  EXPECT_LT(a.stored_bytes, log.size() * 3 / 4);
  EXPECT_EQ(a.bucket, "logs");
  EXPECT_EQ(a.owner_account, "111122223333");

  auto head = reg_->HeadObject("logs", key);
  ASSERT_THAT(head, IsOk());
  EXPECT_EQ(head->storage_class, "GLACIER");
  EXPECT_TRUE(head->archived);
  EXPECT_EQ(head->size, log.size());
  EXPECT_EQ(head->etag, "\"" + crypto::Md5Hex(log) + "\"");
  EXPECT_EQ(head->restore, "");
  EXPECT_EQ(OnDisk(key), 0u);  // the hot copy is gone
  ASSERT_EQ(ArchiveFiles().size(), 1u);
  auto listing = reg_->ListObjects("logs", {});
  ASSERT_THAT(listing, IsOk());
  ASSERT_EQ(listing->objects.size(), 2u);
  EXPECT_EQ(listing->objects[0].storage_class, "GLACIER");
  EXPECT_EQ(listing->objects[0].size, log.size());
  EXPECT_EQ(listing->objects[1].storage_class, "STANDARD");
  EXPECT_THAT(reg_->OpenObject("logs", key), HasError(Error::kInvalidObjectState));

  // Restore: asked for (202), in progress until the pass, then readable with x-amz-restore.
  EXPECT_THAT(reg_->RestoreObject("logs", "other/keep.json.gz", 1, kDay),
              HasError(Error::kObjectAlreadyInActiveTier));
  EXPECT_THAT(reg_->RestoreObject("logs", "AWSLogs/none", 1, kDay), HasError(Error::kNoSuchKey));
  auto started = reg_->RestoreObject("logs", key, 2, kDay);
  ASSERT_THAT(started, IsOk());
  EXPECT_TRUE(*started);
  EXPECT_EQ(reg_->HeadObject("logs", key)->restore, "ongoing-request=\"true\"");
  EXPECT_THAT(reg_->RestoreObject("logs", key, 2, kDay),
              HasError(Error::kRestoreAlreadyInProgress));
  EXPECT_THAT(reg_->OpenObject("logs", key), HasError(Error::kInvalidObjectState));
  // A restore that takes longer than the pass interval stays in progress.
  ASSERT_THAT(Pass(hours(1)), IsOk());
  EXPECT_EQ(reg_->HeadObject("logs", key)->restore, "ongoing-request=\"true\"");
  actions = Pass();
  ASSERT_THAT(actions, IsOk());
  ASSERT_EQ(actions->size(), 1u);
  EXPECT_EQ((*actions)[0].kind, LifecycleAction::Kind::kRestoreComplete);
  SysMillis expiry = LifecycleDue(clock_.Now(), 2, kDay);
  EXPECT_EQ((*actions)[0].restore_expiry, expiry);
  head = reg_->HeadObject("logs", key);
  EXPECT_FALSE(head->archived);
  EXPECT_EQ(head->storage_class, "GLACIER");
  EXPECT_EQ(head->restore,
            "ongoing-request=\"false\", expiry-date=\"" + FormatHttpDate(expiry) + "\"");
  EXPECT_EQ(Read(key), log);
  // Restoring again extends the copy (S3's 200).
  auto again = reg_->RestoreObject("logs", key, 3, kDay);
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(*again);
  expiry = LifecycleDue(clock_.Now(), 3, kDay);
  // Its time up, the copy goes and the object is archived again.
  clock_.Set(expiry);
  actions = Pass();
  ASSERT_THAT(actions, IsOk());
  ASSERT_EQ(actions->size(), 1u);
  EXPECT_EQ((*actions)[0].kind, LifecycleAction::Kind::kRestoreExpired);
  EXPECT_TRUE(reg_->HeadObject("logs", key)->archived);
  EXPECT_EQ(OnDisk(key), 0u);
  EXPECT_THAT(reg_->OpenObject("logs", key), HasError(Error::kInvalidObjectState));
}

TEST_F(LifecycleTest, ExpirationDeletesTheObjectAndItsArchiveCopy) {
  ASSERT_THAT(Put("AWSLogs/a.json.gz", LogFile(20)), IsOk());
  ASSERT_THAT(Put("AWSLogs/b.json.gz", LogFile(20)), IsOk());
  ASSERT_THAT(reg_->PutLifecycle("logs", ArchiveRule(1, 3)), IsOk());
  clock_.Advance(kDay);
  auto actions = Pass();
  ASSERT_THAT(actions, IsOk());
  EXPECT_EQ(actions->size(), 2u);
  EXPECT_EQ(ArchiveFiles().size(), 2u);
  clock_.Advance(kDay * 2);
  actions = Pass();
  ASSERT_THAT(actions, IsOk());
  ASSERT_EQ(actions->size(), 2u);
  EXPECT_EQ((*actions)[0].kind, LifecycleAction::Kind::kExpiration);
  EXPECT_EQ((*actions)[0].storage_class, "GLACIER");
  EXPECT_THAT(reg_->HeadObject("logs", "AWSLogs/a.json.gz"), HasError(Error::kNoSuchKey));
  EXPECT_TRUE(reg_->ListLocalKeys("logs")->empty());
  EXPECT_TRUE(ArchiveFiles().empty());
}

TEST_F(LifecycleTest, ExpirationInAVersionedBucketAddsADeleteMarker) {
  ASSERT_THAT(reg_->PutVersioning("logs", VersioningChange{}, std::nullopt), IsOk());
  ASSERT_THAT(Put("AWSLogs/v.json.gz", LogFile(5)), IsOk());
  ASSERT_THAT(reg_->PutLifecycle("logs", ArchiveRule(1, 2)), IsOk());
  clock_.Advance(kDay * 2);
  auto actions = Pass();
  ASSERT_THAT(actions, IsOk());
  ASSERT_EQ(actions->size(), 1u);
  EXPECT_EQ((*actions)[0].kind, LifecycleAction::Kind::kExpiration);
  EXPECT_FALSE((*actions)[0].version_id.empty());
  EXPECT_THAT(reg_->HeadObject("logs", "AWSLogs/v.json.gz"), HasError(Error::kNoSuchKey));
  auto versions = reg_->ListObjectVersions("logs", {});
  ASSERT_THAT(versions, IsOk());
  EXPECT_EQ(versions->versions.size(), 2u);  // the version is kept under its marker
  // Nothing more happens on the next pass: the key ends in its delete marker.
  clock_.Advance(kDay);
  EXPECT_TRUE(Pass()->empty());
}

TEST_F(LifecycleTest, NoncurrentVersionsExpireAndThenTheirLoneDeleteMarker) {
  ASSERT_THAT(reg_->PutVersioning("logs", VersioningChange{}, std::nullopt), IsOk());
  ASSERT_THAT(Put("k", "v1"), IsOk());
  clock_.Advance(kDay);
  ASSERT_THAT(Put("k", "v2"), IsOk());  // v1 noncurrent from now on
  ASSERT_THAT(Put("other", "o1"), IsOk());
  LifecycleRule rule;
  rule.id = "versions";
  rule.filter.form = LifecycleFilter::Form::kEmpty;
  rule.expiration = LifecycleExpiration{std::nullopt, std::nullopt, true};
  rule.noncurrent_expiration = NoncurrentVersionExpiration{2, std::nullopt};
  ASSERT_THAT(reg_->PutLifecycle("logs", LifecycleConfiguration{{rule}}), IsOk());
  clock_.Advance(kDay);
  EXPECT_TRUE(Pass()->empty());  // noncurrent for one day only
  clock_.Advance(kDay);
  auto actions = Pass();
  ASSERT_THAT(actions, IsOk());
  ASSERT_EQ(actions->size(), 1u);
  EXPECT_TRUE((*actions)[0].permanent);
  EXPECT_EQ((*actions)[0].key, "k");
  auto versions = reg_->ListObjectVersions("logs", {});
  ASSERT_EQ(versions->versions.size(), 2u);  // k's v2 and other
  EXPECT_EQ(Read("k"), "v2");
  // A delete leaves a marker over v2; once v2 has expired, the lone marker goes as well.
  ASSERT_THAT(reg_->DeleteObject("logs", "k"), IsOk());
  clock_.Advance(kDay * 3);
  actions = Pass();
  ASSERT_THAT(actions, IsOk());
  EXPECT_EQ(actions->size(), 2u);
  versions = reg_->ListObjectVersions("logs", {});
  ASSERT_EQ(versions->versions.size(), 1u);
  EXPECT_EQ(versions->versions[0].key, "other");
  EXPECT_TRUE(Pass()->empty());
}

TEST_F(LifecycleTest, TagFilteredRulesOnlyTouchTaggedObjects) {
  LifecycleRule rule;
  rule.id = "tagged";
  rule.filter.form = LifecycleFilter::Form::kTag;
  rule.filter.tags = {{"retention", "short"}};
  rule.expiration = LifecycleExpiration{1, std::nullopt, std::nullopt};
  ASSERT_THAT(reg_->PutLifecycle("logs", LifecycleConfiguration{{rule}}), IsOk());
  ASSERT_THAT(Put("a", "1", {}, {{"retention", "short"}}), IsOk());
  ASSERT_THAT(Put("b", "2", {}, {{"retention", "long"}}), IsOk());
  ASSERT_THAT(Put("c", "3"), IsOk());
  clock_.Advance(kDay);
  ASSERT_THAT(Pass(), IsOk());
  EXPECT_EQ(*reg_->ListLocalKeys("logs"), (std::vector<std::string>{"b", "c"}));
}

TEST_F(LifecycleTest, EncryptedObjectsStayEncryptedInTheArchive) {
  const std::string log = LogFile(100);
  ASSERT_THAT(Put("AWSLogs/e.json.gz", log, kSseS3), IsOk());
  ASSERT_THAT(reg_->TransitionObject("logs", "AWSLogs/e.json.gz", "DEEP_ARCHIVE"), IsOk());
  auto files = ArchiveFiles();
  ASSERT_EQ(files.size(), 1u);
  std::string packed = *RealFileSystem().ReadFile(files[0]);
  // Sealed: neither the gzip nor an xz stream is visible.
  EXPECT_NE(packed.substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(packed.find("\xfd"
                        "7zXZ"),
            std::string::npos);
  auto head = reg_->HeadObject("logs", "AWSLogs/e.json.gz");
  EXPECT_EQ(head->storage_class, "DEEP_ARCHIVE");
  EXPECT_EQ(head->size, log.size());
  EXPECT_EQ(head->sse_algorithm, kSseS3);
  ASSERT_THAT(reg_->RestoreObject("logs", "AWSLogs/e.json.gz", 1, kDay), IsOk());
  ASSERT_THAT(Pass(), IsOk());
  EXPECT_EQ(Read("AWSLogs/e.json.gz"), log);
  std::string hot = *RealFileSystem().ReadFile(dir_.path() + "/buckets/logs/AWSLogs/e.json.gz");
  EXPECT_EQ(hot.find(log.substr(10, 40)), std::string::npos);  // the restored copy is sealed too
}

TEST_F(LifecycleTest, ColdButReadableClassesStayInPlaceAndOverwritesDropTheArchiveCopy) {
  ASSERT_THAT(Put("a", "bytes"), IsOk());
  ASSERT_THAT(reg_->TransitionObject("logs", "a", "STANDARD_IA"), IsOk());
  EXPECT_EQ(reg_->HeadObject("logs", "a")->storage_class, "STANDARD_IA");
  EXPECT_EQ(Read("a"), "bytes");
  EXPECT_TRUE(ArchiveFiles().empty());
  // Never warmer: a transition to a warmer class does nothing.
  ASSERT_THAT(reg_->TransitionObject("logs", "a", "INTELLIGENT_TIERING"), IsOk());
  EXPECT_EQ(reg_->HeadObject("logs", "a")->storage_class, "STANDARD_IA");
  EXPECT_THAT(reg_->TransitionObject("logs", "a", "STANDARD"),
              HasError(Error::kInvalidStorageClass));
  ASSERT_THAT(reg_->TransitionObject("logs", "a", "GLACIER"), IsOk());
  EXPECT_EQ(ArchiveFiles().size(), 1u);
  ASSERT_THAT(Put("a", "new bytes"), IsOk());  // an overwrite is STANDARD again
  EXPECT_TRUE(ArchiveFiles().empty());
  EXPECT_EQ(reg_->HeadObject("logs", "a")->storage_class, "STANDARD");
  EXPECT_EQ(Read("a"), "new bytes");
  // x-amz-storage-class GLACIER on upload archives at once.
  PutObjectRequest put;
  put.bucket = "logs";
  put.key = "cold";
  put.body = "cold bytes";
  put.storage_class = "GLACIER";
  ASSERT_THAT(reg_->PutObject(put), IsOk());
  EXPECT_TRUE(reg_->HeadObject("logs", "cold")->archived);
  ASSERT_THAT(reg_->DeleteObject("logs", "cold"), IsOk());
  EXPECT_TRUE(ArchiveFiles().empty());
}

// A crash at any durable step of a transition (the n-th sync fails and the registry is dropped
// there) never loses the object or leaves two readable copies: after a restart and a pass the
// object is archived once and restores to the same bytes.
TEST_F(LifecycleTest, ACrashAtAnyStepOfATransitionLosesAndDuplicatesNothing) {
  const std::string log = LogFile(50);
  ASSERT_THAT(reg_->PutLifecycle("logs", ArchiveRule(1, 1000)), IsOk());
  for (int crash_at = 0; crash_at < 6; ++crash_at) {
    SCOPED_TRACE(crash_at);
    std::string key = "AWSLogs/crash-" + std::to_string(crash_at) + ".json.gz";
    ASSERT_THAT(Put(key, log), IsOk());
    ot::testing::FaultyFs faulty(RealFileSystem());
    faulty.fail_syncs_after = crash_at;
    Reopen(faulty);
    (void)reg_->TransitionObject("logs", key, "GLACIER");  // fails at sync `crash_at`, or not
    Reopen(RealFileSystem());
    clock_.Advance(kDay);
    ASSERT_THAT(Pass(), IsOk());
    auto head = reg_->HeadObject("logs", key);
    ASSERT_THAT(head, IsOk());
    EXPECT_EQ(head->storage_class, "GLACIER");
    EXPECT_TRUE(head->archived);
    EXPECT_EQ(OnDisk(key), 0u);
    EXPECT_EQ(head->etag, "\"" + crypto::Md5Hex(log) + "\"");
    ASSERT_THAT(reg_->RestoreObject("logs", key, 1, kDay), IsOk());
    ASSERT_THAT(Pass(), IsOk());
    EXPECT_EQ(Read(key), log);
    ASSERT_THAT(reg_->DeleteObject("logs", key), IsOk());
  }
  // Every archive copy belonged to an object that is gone now, except leftovers of transitions
  // that crashed before their commit (harmless, never read).
  EXPECT_TRUE(reg_->ListLocalKeys("logs")->empty());
}

}  // namespace
}  // namespace ot::buckets
