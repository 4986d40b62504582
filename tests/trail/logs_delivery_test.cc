#include "trail/logs_delivery.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "events/record.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::trail {
namespace {

using ot::testing::IsOk;

constexpr std::string_view kAccount = "111122223333";
constexpr std::string_view kTrailArn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/trl";
constexpr std::string_view kGroupArn = "arn:aws:logs:us-east-1:111122223333:log-group:g:*";

store::NewEvent Event(int n, std::string_view name, std::string_view region) {
  std::string json =
      R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDA",)"
      R"("arn":"arn:aws:iam::111122223333:user/a","accountId":"111122223333"},)"
      R"("eventTime":"2024-05-01T12:00:00Z","eventSource":"ec2.amazonaws.com",)"
      R"("eventName":")" +
      std::string(name) + R"(","awsRegion":")" + std::string(region) +
      R"(","sourceIPAddress":"1.2.3.4","requestParameters":null,)"
      R"("responseElements":null,"eventID":"e)" +
      std::to_string(n) +
      R"(","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,)"
      R"("recipientAccountId":"111122223333","eventCategory":"Management"})";
  auto record = events::ParseRecord(json);
  OT_CHECK(record.ok());
  store::NewEvent e;
  e.attrs = events::DeriveLookupAttributes(*record);
  events::AppendSerializedRecord(*record, &e.json);
  return e;
}

struct Sent {
  std::string group, stream, trail, message;
  uint64_t sequence;
  int64_t timestamp_ms;
};

class LogsDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ot_logs_delivery_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store::StoreOptions so;
    so.dir = dir_ + "/events";
    so.token_key = std::string(32, 'k');
    auto s = store::EventStore::Open(so, env_);
    ASSERT_THAT(s, IsOk());
    store_ = std::move(*s);
    auto db = store::MetadataDb::Open(dir_ + "/metadata.db");
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    RegistryOptions ro;
    ro.account_id = std::string(kAccount);
    auto r = TrailRegistry::Open(*db_, ro);
    ASSERT_THAT(r, IsOk());
    trails_ = std::move(*r);
    delivery_ = std::make_unique<Delivery>(
        *store_, *db_, *trails_,
        [](std::string_view, std::string_view, std::string_view, const Delivery::ObjectMetadata&,
           const Delivery::ObjectEncryption&) { return Status::Ok(); },
        env_, DeliveryOptions{});
    logs_ = NewLogsDelivery();
  }
  void TearDown() override {
    logs_.reset();
    delivery_.reset();
    trails_.reset();
    db_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<LogsDelivery> NewLogsDelivery() {
    return std::make_unique<LogsDelivery>(
        *store_, *db_, *trails_, *delivery_,
        [this](std::string_view group, std::string_view stream, std::string_view trail,
               std::span<const LogsRecord> records) -> Status {
          if (!group_exists_) return Status(Error::kResourceNotFound, "gone");
          for (const LogsRecord& r : records) {
            std::string message(r.message);
            sent_.push_back({std::string(group), std::string(stream), std::string(trail),
                             message.substr(message.find("\"eventName\":\"") + 13,
                                            message.find("\",\"awsRegion\"") -
                                                message.find("\"eventName\":\"") - 13),
                             r.sequence, r.timestamp_ms});
          }
          return Status::Ok();
        },
        env_);
  }

  uint64_t Append(std::vector<store::NewEvent> batch) {
    auto r = store_->Append(std::move(batch));
    EXPECT_THAT(r, IsOk());
    return r.ok() ? r->sequences.back() : 0;
  }

  void MakeTrail(bool multi_region) {
    TrailSpec spec;
    spec.name = "trl";
    spec.s3_bucket_name = "bkt";
    spec.is_multi_region_trail = multi_region;
    spec.cloud_watch_logs_log_group_arn = std::string(kGroupArn);
    spec.cloud_watch_logs_role_arn = "arn:aws:iam::111122223333:role/cwl";
    ASSERT_THAT(trails_->Create(spec, "us-east-1"), IsOk());
  }

  void StartLogging() {
    ASSERT_THAT(trails_->StartLogging("trl", "us-east-1", clock_.Now()), IsOk());
    uint64_t seq = Append({Event(100, "StartLogging", "us-east-1")});
    ASSERT_THAT(delivery_->LoggingStarted(kTrailArn, seq), IsOk());
  }

  std::vector<std::string> Names() {
    std::vector<std::string> out;
    for (const Sent& s : sent_) out.push_back(s.message);
    return out;
  }

  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{5};
  Env env_{clock_, RealFileSystem(), random_};
  std::string dir_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<TrailRegistry> trails_;
  std::unique_ptr<Delivery> delivery_;
  std::unique_ptr<LogsDelivery> logs_;
  std::vector<Sent> sent_;
  bool group_exists_ = true;
};

TEST_F(LogsDeliveryTest, DeliversTheLoggingIntervalIntoRegionStreams) {
  MakeTrail(/*multi_region=*/true);
  Append({Event(0, "Before", "us-east-1")});
  StartLogging();
  Append({Event(1, "A", "us-east-1"), Event(2, "B", "eu-west-1")});

  auto n = logs_->RunOnce();

  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 3u);
  std::set<std::pair<std::string, std::string>> by_stream;
  for (const Sent& s : sent_) {
    by_stream.emplace(s.stream, s.message);
    EXPECT_EQ(s.group, kGroupArn);
    EXPECT_EQ(s.trail, kTrailArn);
    EXPECT_EQ(s.timestamp_ms, 1714564800000);
  }
  EXPECT_EQ(by_stream, (std::set<std::pair<std::string, std::string>>{
                           {"111122223333_CloudTrail_us-east-1", "StartLogging"},
                           {"111122223333_CloudTrail_us-east-1", "A"},
                           {"111122223333_CloudTrail_eu-west-1", "B"}}));
  EXPECT_TRUE(trails_->Get("trl", "us-east-1")->status.latest_cloudwatch_logs_delivery_time);
}

TEST_F(LogsDeliveryTest, ASingleRegionTrailSkipsOtherRegions) {
  MakeTrail(/*multi_region=*/false);
  StartLogging();
  Append({Event(1, "A", "us-east-1"), Event(2, "B", "eu-west-1")});

  ASSERT_THAT(logs_->RunOnce(), IsOk());

  EXPECT_EQ(Names(), (std::vector<std::string>{"StartLogging", "A"}));
}

TEST_F(LogsDeliveryTest, TheCursorSurvivesARestartSoNothingIsSentTwice) {
  MakeTrail(true);
  StartLogging();
  Append({Event(1, "A", "us-east-1")});
  ASSERT_THAT(logs_->RunOnce(), IsOk());

  logs_ = NewLogsDelivery();
  Append({Event(2, "B", "us-east-1")});
  ASSERT_THAT(logs_->RunOnce(), IsOk());

  EXPECT_EQ(Names(), (std::vector<std::string>{"StartLogging", "A", "B"}));
}

TEST_F(LogsDeliveryTest, WaitsForTheIntervalOfATrailThatJustStartedLogging) {
  MakeTrail(true);
  ASSERT_THAT(trails_->StartLogging("trl", "us-east-1", clock_.Now()), IsOk());
  uint64_t seq = Append({Event(100, "StartLogging", "us-east-1")});

  ASSERT_THAT(logs_->RunOnce(), IsOk());  // the interval is not recorded yet
  ASSERT_THAT(delivery_->LoggingStarted(kTrailArn, seq), IsOk());
  ASSERT_THAT(logs_->RunOnce(), IsOk());

  EXPECT_EQ(Names(), (std::vector<std::string>{"StartLogging"}));
}

TEST_F(LogsDeliveryTest, AMissingGroupIsReportedInTheTrailStatus) {
  MakeTrail(true);
  StartLogging();
  group_exists_ = false;

  ASSERT_THAT(logs_->RunOnce(), IsOk());

  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(trails_->Get("trl", "us-east-1")->status.latest_cloudwatch_logs_delivery_error,
            "ResourceNotFoundException");
}

}  // namespace
}  // namespace ot::trail

namespace ot::trail {
namespace {

TEST(TrailRegistryLogGroup, TheGroupMustExistAndThePairRuleComesFirst) {
  char tmpl[] = "/tmp/ot_registry_cwl_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  auto db = store::MetadataDb::Open(std::string(tmpl) + "/metadata.db");
  ASSERT_THAT(db, IsOk());
  RegistryOptions ro;
  ro.account_id = std::string(kAccount);
  ro.log_group_exists = [](std::string_view arn) { return arn == kGroupArn; };
  auto registry = TrailRegistry::Open(**db, ro);
  ASSERT_THAT(registry, IsOk());
  TrailSpec spec;
  spec.name = "trl";
  spec.s3_bucket_name = "bkt";
  spec.cloud_watch_logs_log_group_arn = "arn:aws:logs:us-east-1:111122223333:log-group:other:*";

  auto alone = (*registry)->Create(spec, "us-east-1");
  spec.cloud_watch_logs_role_arn = "arn:aws:iam::111122223333:role/cwl";
  auto missing = (*registry)->Create(spec, "us-east-1");
  spec.cloud_watch_logs_log_group_arn = std::string(kGroupArn);
  auto created = (*registry)->Create(spec, "us-east-1");

  EXPECT_THAT(alone, ot::testing::HasError(Error::kInvalidParameterCombination));
  EXPECT_THAT(missing, ot::testing::HasError(Error::kInvalidCloudWatchLogsLogGroupArn));
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->cloud_watch_logs_log_group_arn, std::string(kGroupArn));
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
}

}  // namespace
}  // namespace ot::trail
