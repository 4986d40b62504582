#include "trail/registry.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "support/matchers.h"

namespace ot::trail {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

constexpr std::string_view kAccount = "111122223333";
constexpr std::string_view kEast = "us-east-1";
constexpr std::string_view kWest = "eu-west-1";

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ot_trail_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Reopen();
  }
  void TearDown() override {
    registry_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Reopen() {
    registry_.reset();
    db_.reset();
    auto db = store::MetadataDb::Open(dir_ + "/metadata.db");
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    RegistryOptions options;
    options.account_id = std::string(kAccount);
    options.bucket_exists = [](std::string_view b) { return b != "missing-bucket"; };
    auto r = TrailRegistry::Open(*db_, options);
    ASSERT_THAT(r, IsOk());
    registry_ = std::move(*r);
  }
  Result<Trail> Create(std::string name, std::string_view region = kEast, bool multi = false) {
    TrailSpec spec;
    spec.name = std::move(name);
    spec.s3_bucket_name = "logs-bucket";
    spec.is_multi_region_trail = multi;
    return registry_->Create(spec, region);
  }

  std::string dir_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<TrailRegistry> registry_;
};

TEST_F(RegistryTest, CreateDefaultsAndErrors) {
  auto t = Create("audit");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->arn, "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit");
  EXPECT_TRUE(t->include_global_service_events);
  EXPECT_FALSE(t->status.is_logging);
  EXPECT_FALSE(t->has_custom_event_selectors());
  EXPECT_THAT(Create("audit"), HasError(Error::kTrailAlreadyExists));
  EXPECT_THAT(Create("audit", kWest), IsOk()) << "another region, another trail";
  EXPECT_THAT(Create("a--b"), HasError(Error::kInvalidTrailName));

  TrailSpec spec;
  spec.name = "other";
  spec.s3_bucket_name = "missing-bucket";
  EXPECT_THAT(registry_->Create(spec, kEast), HasError(Error::kS3BucketDoesNotExist));
  spec.s3_bucket_name = "logs-bucket";
  spec.is_multi_region_trail = true;
  spec.include_global_service_events = false;
  EXPECT_THAT(registry_->Create(spec, kEast), HasError(Error::kInvalidParameterCombination));
}

TEST_F(RegistryTest, NameAndArnResolutionWithShadowTrails) {
  ASSERT_THAT(Create("single"), IsOk());
  ASSERT_THAT(Create("multi", kEast, true), IsOk());
  std::string single_arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/single";
  std::string multi_arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/multi";

  EXPECT_THAT(registry_->Get("single", kEast), IsOk());
  EXPECT_THAT(registry_->Get(single_arn, kEast), IsOk());
  EXPECT_THAT(registry_->Get("multi", kWest), HasError(Error::kTrailNotFound))
      << "names match only home-region trails";
  EXPECT_THAT(registry_->Get(multi_arn, kWest), IsOk()) << "shadow trail by ARN";
  EXPECT_THAT(registry_->Get(single_arn, kWest), HasError(Error::kTrailNotFound));
  EXPECT_THAT(registry_->Get("arn:aws:s3:::x", kEast), HasError(Error::kCloudTrailARNInvalid));
  EXPECT_THAT(registry_->Get("no", kEast), HasError(Error::kInvalidTrailName));

  EXPECT_EQ(registry_->Visible(kWest).size(), 1u);
  EXPECT_EQ(registry_->Visible(kWest, false).size(), 0u);
  EXPECT_EQ(registry_->Visible(kEast).size(), 2u);

  SysMillis now{};
  EXPECT_THAT(registry_->StartLogging(multi_arn, kWest, now), HasError(Error::kInvalidHomeRegion));
  EXPECT_THAT(registry_->Delete(multi_arn, kWest), HasError(Error::kInvalidHomeRegion));
  EXPECT_THAT(registry_->AddTags(multi_arn, kWest, {{"k", "v"}}),
              HasError(Error::kInvalidHomeRegion));
  EXPECT_THAT(registry_->TagsOf(multi_arn, kWest), IsOk());
  EXPECT_THAT(registry_->TagsOf(single_arn, kWest), HasError(Error::kResourceNotFound));
}

TEST_F(RegistryTest, FiveTrailsPerRegionMultiRegionCountsEverywhere) {
  ASSERT_THAT(Create("multi-1", kEast, true), IsOk());
  for (int i = 0; i < 4; ++i) ASSERT_THAT(Create("west-" + std::to_string(i), kWest), IsOk());
  EXPECT_THAT(Create("west-4", kWest), HasError(Error::kMaximumNumberOfTrailsExceeded));
  EXPECT_THAT(Create("multi-2", kEast, true), HasError(Error::kMaximumNumberOfTrailsExceeded))
      << "eu-west-1 would hold six";
  for (int i = 0; i < 4; ++i) ASSERT_THAT(Create("east-" + std::to_string(i)), IsOk());
  EXPECT_THAT(Create("east-4"), HasError(Error::kMaximumNumberOfTrailsExceeded));
  TrailSpec to_multi;
  to_multi.is_multi_region_trail = true;
  EXPECT_THAT(registry_->Update("east-0", kEast, to_multi),
              HasError(Error::kMaximumNumberOfTrailsExceeded));
  ASSERT_THAT(registry_->Delete("west-0", kWest), IsOk());
  EXPECT_THAT(registry_->Update("east-0", kEast, to_multi), IsOk());
}

TEST_F(RegistryTest, UpdateLoggingSelectorsTagsPersistAcrossReopen) {
  ASSERT_THAT(Create("audit"), IsOk());
  TrailSpec update;
  update.s3_key_prefix = "pre";
  update.kms_key_id = "alias/k";
  update.enable_log_file_validation = true;
  ASSERT_THAT(registry_->Update("audit", kEast, update), IsOk());
  SysMillis start{std::chrono::milliseconds(1700000000000)};
  ASSERT_THAT(registry_->StartLogging("audit", kEast, start), IsOk());
  auto config = ParseEventSelectors(R"([{"ReadWriteType":"WriteOnly"}])", "");
  ASSERT_THAT(config, IsOk());
  ASSERT_THAT(registry_->PutEventSelectors("audit", kEast, *config), IsOk());
  std::string arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit";
  ASSERT_THAT(registry_->AddTags(arn, kEast, {{"a", "1"}, {"b", std::nullopt}}), IsOk());
  ASSERT_THAT(registry_->UpdateStatus(arn, [](TrailStatus& s) { s.latest_delivery_error = "X"; }),
              IsOk());
  auto before = registry_->Get("audit", kEast);
  ASSERT_THAT(before, IsOk());

  Reopen();
  auto after = registry_->Get("audit", kEast);
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(*after, *before);
  EXPECT_EQ(after->s3_key_prefix, "pre");
  EXPECT_EQ(after->kms_key_id, "arn:aws:kms:us-east-1:111122223333:alias/k");
  EXPECT_TRUE(after->status.is_logging);
  EXPECT_EQ(after->status.start_logging_time, start);
  EXPECT_TRUE(after->has_custom_event_selectors());
  EXPECT_EQ(after->tags.size(), 2u);

  auto logging = registry_->LoggingTrails();
  ASSERT_EQ(logging.size(), 1u);
  EventView read;
  read.read_only = true;
  EXPECT_FALSE(logging[0].selectors->Selects(read));
  read.read_only = false;
  EXPECT_TRUE(logging[0].selectors->Selects(read));

  ASSERT_THAT(registry_->StopLogging(arn, kEast, start), IsOk());
  EXPECT_TRUE(registry_->LoggingTrails().empty());
  ASSERT_THAT(registry_->Delete("audit", kEast), IsOk());
  Reopen();
  EXPECT_THAT(registry_->Get("audit", kEast), HasError(Error::kTrailNotFound));
}

TEST_F(RegistryTest, TagLimits) {
  ASSERT_THAT(Create("audit"), IsOk());
  std::string arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit";
  std::vector<Tag> tags;
  for (int i = 0; i < 50; ++i) tags.push_back({"k" + std::to_string(i), "v"});
  ASSERT_THAT(registry_->AddTags(arn, kEast, tags), IsOk());
  EXPECT_THAT(registry_->AddTags(arn, kEast, {{"k0", "new"}}), IsOk()) << "overwrite";
  EXPECT_THAT(registry_->AddTags(arn, kEast, {{"extra", "v"}}),
              HasError(Error::kTagsLimitExceeded));
  EXPECT_THAT(registry_->AddTags(arn, kEast, {{"", "v"}}), HasError(Error::kInvalidTagParameter));
  EXPECT_THAT(registry_->AddTags(arn, kEast, {{"d", "1"}, {"d", "2"}}),
              HasError(Error::kInvalidTagParameter));
  EXPECT_THAT(registry_->AddTags("arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/x",
                                 kEast, {{"a", "b"}}),
              HasError(Error::kResourceTypeNotSupported));
  EXPECT_THAT(registry_->AddTags(arn + "x", kEast, {{"a", "b"}}),
              HasError(Error::kResourceNotFound));
  ASSERT_THAT(registry_->RemoveTags(arn, kEast, {{"k1", std::nullopt}}), IsOk());
  EXPECT_EQ(registry_->TagsOf(arn, kEast)->tags.size(), 49u);
}

TEST(CoversRegionTest, SingleMultiAndGlobal) {
  Trail single;
  single.home_region = "eu-west-1";
  Trail east = single;
  east.home_region = "us-east-1";
  Trail multi = single;
  multi.is_multi_region_trail = true;
  Trail no_global = east;
  no_global.include_global_service_events = false;

  EXPECT_TRUE(CoversRegion(single, "eu-west-1", "ec2.amazonaws.com"));
  EXPECT_FALSE(CoversRegion(single, "us-west-2", "ec2.amazonaws.com"));
  EXPECT_TRUE(CoversRegion(multi, "us-west-2", "ec2.amazonaws.com"));
  EXPECT_FALSE(CoversRegion(single, "us-east-1", "iam.amazonaws.com"));
  EXPECT_TRUE(CoversRegion(east, "us-east-1", "iam.amazonaws.com"));
  EXPECT_TRUE(CoversRegion(multi, "us-east-1", "iam.amazonaws.com"));
  EXPECT_FALSE(CoversRegion(no_global, "us-east-1", "iam.amazonaws.com"));
  EXPECT_TRUE(CoversRegion(no_global, "us-east-1", "ec2.amazonaws.com"));
}

}  // namespace
}  // namespace ot::trail
