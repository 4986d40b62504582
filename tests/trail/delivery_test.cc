#include "trail/delivery.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <set>

#include "common/gzip.h"
#include "common/time.h"
#include "events/record.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::trail {
namespace {

using ot::testing::IsOk;

constexpr std::string_view kAccount = "111122223333";

// A record of `name` in `region`, as the store keeps it.
store::NewEvent Event(int n, std::string_view name, std::string_view region, bool read_only) {
  std::string json =
      R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDA",)"
      R"("arn":"arn:aws:iam::111122223333:user/a","accountId":"111122223333"},)"
      R"("eventTime":"2024-05-01T12:00:00Z","eventSource":"ec2.amazonaws.com",)"
      R"("eventName":")" +
      std::string(name) + R"(","awsRegion":")" + std::string(region) +
      R"(","sourceIPAddress":"1.2.3.4","requestParameters":null,)"
      R"("responseElements":null,"eventID":"e)" +
      std::to_string(n) + R"(","readOnly":)" + (read_only ? "true" : "false") +
      R"(,"eventType":"AwsApiCall","managementEvent":true,)"
      R"("recipientAccountId":"111122223333","eventCategory":"Management"})";
  auto record = events::ParseRecord(json);
  OT_CHECK(record.ok());
  store::NewEvent e;
  e.attrs = events::DeriveLookupAttributes(*record);
  events::AppendSerializedRecord(*record, &e.json);
  return e;
}

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ot_delivery_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Open();
  }
  void TearDown() override {
    Close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void Open() {
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
    DeliveryOptions options;
    options.interval = std::chrono::seconds(1);
    options.max_events_per_file = 4;
    delivery_ = std::make_unique<Delivery>(
        *store_, *db_, *trails_,
        [this](std::string_view bucket, std::string_view key, std::string_view body,
               const Delivery::ObjectMetadata&, const Delivery::ObjectEncryption&) -> Status {
          if (fail_puts_ > 0) {
            --fail_puts_;
            return Status(Error::kUnavailable, "connection refused: test");
          }
          objects_[std::string(bucket) + "/" + std::string(key)] = std::string(body);
          return Status::Ok();
        },
        env_, options);
  }
  void Close() {
    delivery_.reset();
    trails_.reset();
    db_.reset();
    store_.reset();
  }
  // Appends events; returns the sequence of the last one.
  uint64_t Append(std::vector<store::NewEvent> batch) {
    auto r = store_->Append(std::move(batch));
    EXPECT_THAT(r, IsOk());
    return r.ok() ? r->sequences.back() : 0;
  }
  // eventIDs over every delivered file, with repetitions.
  std::multiset<std::string> Delivered() {
    std::multiset<std::string> ids;
    for (const auto& [key, body] : objects_) {
      auto json = GzipDecompress(body, 1 << 24);
      EXPECT_THAT(json, IsOk());
      size_t pos = 0;
      while ((pos = json->find("\"eventID\":\"", pos)) != std::string::npos) {
        pos += 11;
        ids.insert(json->substr(pos, json->find('"', pos) - pos));
      }
    }
    return ids;
  }

  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{5};
  Env env_{clock_, RealFileSystem(), random_};
  std::string dir_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<TrailRegistry> trails_;
  std::unique_ptr<Delivery> delivery_;
  std::map<std::string, std::string> objects_;
  int fail_puts_ = 0;
};

TEST_F(DeliveryTest, DeliversOnlyTheLoggingIntervalSplitByRegionAndSize) {
  TrailSpec spec;
  spec.name = "trl";
  spec.s3_bucket_name = "bkt";
  spec.is_multi_region_trail = true;
  ASSERT_THAT(trails_->Create(spec, "us-east-1"), IsOk());
  Append({Event(0, "Before", "us-east-1", true)});
  ASSERT_THAT(trails_->StartLogging("trl", "us-east-1", clock_.Now()), IsOk());
  uint64_t start = Append({Event(1, "StartLogging", "us-east-1", false)});
  ASSERT_THAT(
      delivery_->LoggingStarted("arn:aws:cloudtrail:us-east-1:111122223333:trail/trl", start),
      IsOk());
  std::vector<store::NewEvent> batch;
  for (int i = 2; i < 12; ++i)
    batch.push_back(Event(i, "Run", i % 2 ? "eu-west-1" : "us-east-1", false));
  Append(std::move(batch));
  ASSERT_THAT(trails_->StopLogging("trl", "us-east-1", clock_.Now()), IsOk());
  uint64_t stop = Append({Event(12, "StopLogging", "us-east-1", false)});
  ASSERT_THAT(
      delivery_->LoggingStopped("arn:aws:cloudtrail:us-east-1:111122223333:trail/trl", stop),
      IsOk());
  Append({Event(13, "After", "us-east-1", true)});

  auto files = delivery_->RunOnce(/*force=*/true);

  ASSERT_THAT(files, IsOk());
  std::multiset<std::string> ids = Delivered();
  EXPECT_EQ(ids.size(), 12u);
  for (int i = 1; i <= 12; ++i) EXPECT_EQ(ids.count("e" + std::to_string(i)), 1u) << i;
  EXPECT_EQ(ids.count("e0"), 0u);
  EXPECT_EQ(ids.count("e13"), 0u);
  // 7 events in us-east-1 (4 + 3) and 5 in eu-west-1 (4 + 1): four files of at most 4 records.
  EXPECT_EQ(*files, 4u);
  for (const auto& [key, body] : objects_) {
    EXPECT_EQ(key.rfind("bkt/AWSLogs/111122223333/CloudTrail/", 0), 0u) << key;
  }
  auto t = trails_->Get("trl", "us-east-1");
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->status.latest_delivery_time.has_value());
}

TEST_F(DeliveryTest, AFailedBatchIsRedoneUnderTheSameNamesAfterARestart) {
  TrailSpec spec;
  spec.name = "trl";
  spec.s3_bucket_name = "bkt";
  ASSERT_THAT(trails_->Create(spec, "us-east-1"), IsOk());
  ASSERT_THAT(trails_->StartLogging("trl", "us-east-1", clock_.Now()), IsOk());
  uint64_t start = Append({Event(0, "StartLogging", "us-east-1", false)});
  ASSERT_THAT(
      delivery_->LoggingStarted("arn:aws:cloudtrail:us-east-1:111122223333:trail/trl", start),
      IsOk());
  std::vector<store::NewEvent> batch;
  for (int i = 1; i < 10; ++i) batch.push_back(Event(i, "Run", "us-east-1", false));
  Append(std::move(batch));
  // The batch needs three files (4 + 4 + 2 records); the second write fails.
  int puts_before_failure = 1;
  delivery_ = std::make_unique<Delivery>(
      *store_, *db_, *trails_,
      [&](std::string_view bucket, std::string_view key, std::string_view body,
          const Delivery::ObjectMetadata&, const Delivery::ObjectEncryption&) -> Status {
        if (puts_before_failure-- == 0) return Status(Error::kUnavailable, "NoSuchBucket: gone");
        objects_[std::string(bucket) + "/" + std::string(key)] = std::string(body);
        return Status::Ok();
      },
      env_, DeliveryOptions{std::chrono::seconds(1), 4});

  ASSERT_THAT(delivery_->RunOnce(true), IsOk());  // the trail's error is recorded, not returned
  auto t = trails_->Get("trl", "us-east-1");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->status.latest_delivery_error, "NoSuchBucket");
  ASSERT_EQ(objects_.size(), 1u);
  std::string first_key = objects_.begin()->first;

  // Restart: the intent is redone under the same names, the first object is overwritten.
  Close();
  Open();
  auto again = delivery_->RunOnce(true);

  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(objects_.size(), 3u);
  EXPECT_EQ(objects_.count(first_key), 1u);
  std::multiset<std::string> ids = Delivered();
  EXPECT_EQ(ids.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(ids.count("e" + std::to_string(i)), 1u) << i;
  t = trails_->Get("trl", "us-east-1");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->status.latest_delivery_error, "");
}

TEST_F(DeliveryTest, TheDeliveryHookNamesEveryFileOnceAllAreWritten) {
  TrailSpec spec;
  spec.name = "trl";
  spec.s3_bucket_name = "bkt";
  ASSERT_THAT(trails_->Create(spec, "us-east-1"), IsOk());
  ASSERT_THAT(trails_->StartLogging("trl", "us-east-1", clock_.Now()), IsOk());
  uint64_t start = Append({Event(0, "StartLogging", "us-east-1", false)});
  ASSERT_THAT(
      delivery_->LoggingStarted("arn:aws:cloudtrail:us-east-1:111122223333:trail/trl", start),
      IsOk());
  std::vector<store::NewEvent> batch;
  for (int i = 1; i < 10; ++i) batch.push_back(Event(i, "Run", "us-east-1", false));
  Append(std::move(batch));
  int puts_before_failure = 1;
  std::vector<std::vector<std::string>> notified;
  DeliveryOptions options;
  options.interval = std::chrono::seconds(1);
  options.max_events_per_file = 4;
  options.on_delivered = [&](const Trail& trail, const std::vector<std::string>& keys) {
    EXPECT_EQ(trail.name, "trl");
    notified.push_back(keys);
  };
  delivery_ = std::make_unique<Delivery>(
      *store_, *db_, *trails_,
      [&](std::string_view bucket, std::string_view key, std::string_view body,
          const Delivery::ObjectMetadata&, const Delivery::ObjectEncryption&) -> Status {
        if (puts_before_failure-- == 0) return Status(Error::kUnavailable, "NoSuchBucket: gone");
        objects_[std::string(bucket) + "/" + std::string(key)] = std::string(body);
        return Status::Ok();
      },
      env_, options);

  ASSERT_THAT(delivery_->RunOnce(true), IsOk());
  EXPECT_TRUE(notified.empty());  // a file failed: no notification for a partial batch
  ASSERT_THAT(delivery_->RunOnce(true), IsOk());  // redone under the same names

  ASSERT_EQ(notified.size(), 1u);
  ASSERT_EQ(notified[0].size(), 3u);  // 4 + 4 + 2 records
  for (const std::string& key : notified[0]) EXPECT_EQ(objects_.count("bkt/" + key), 1u) << key;
  ASSERT_THAT(delivery_->RunOnce(true), IsOk());
  EXPECT_EQ(notified.size(), 1u);  // nothing new: no notification
}

TEST_F(DeliveryTest, OnePassServesEveryTrailWithItsOwnSelection) {
  const std::string prefix = "arn:aws:cloudtrail:us-east-1:111122223333:trail/";
  for (std::string name : {"all", "writes", "idle"}) {
    TrailSpec spec;
    spec.name = name;
    spec.s3_bucket_name = "bkt-" + name;
    ASSERT_THAT(trails_->Create(spec, "us-east-1"), IsOk());
  }
  auto writes = ParseEventSelectors(
      "", R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},)"
          R"({"Field":"readOnly","Equals":["false"]}]}])");
  ASSERT_THAT(writes, IsOk());
  ASSERT_THAT(trails_->PutEventSelectors("writes", "us-east-1", *writes), IsOk());
  for (std::string name : {"all", "writes"}) {
    ASSERT_THAT(trails_->StartLogging(name, "us-east-1", clock_.Now()), IsOk());
    uint64_t start = Append({Event(name == "all" ? 100 : 101, "StartLogging", "us-east-1", false)});
    ASSERT_THAT(delivery_->LoggingStarted(prefix + name, start), IsOk());
  }
  std::vector<store::NewEvent> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(Event(i, "Op", "us-east-1", i % 2 == 0));
  Append(std::move(batch));

  ASSERT_THAT(delivery_->RunOnce(true), IsOk());

  std::map<std::string, std::multiset<std::string>> by_bucket;
  for (const auto& [key, body] : objects_) {
    auto json = GzipDecompress(body, 1 << 24);
    ASSERT_THAT(json, IsOk());
    size_t pos = 0;
    while ((pos = json->find("\"eventID\":\"", pos)) != std::string::npos) {
      pos += 11;
      by_bucket[key.substr(0, key.find('/'))].insert(json->substr(pos, json->find('"', pos) - pos));
    }
  }
  // "all" logs from its StartLogging on: e100, e101 (the other trail's start) and the 20 events.
  EXPECT_EQ(by_bucket["bkt-all"].size(), 22u);
  // "writes" logs from its own StartLogging (e101) on, and only the 10 write events.
  EXPECT_EQ(by_bucket["bkt-writes"].size(), 11u);
  EXPECT_EQ(by_bucket["bkt-writes"].count("e101"), 1u);
  EXPECT_EQ(by_bucket["bkt-writes"].count("e0"), 0u) << "read-only";
  EXPECT_EQ(by_bucket["bkt-writes"].count("e1"), 1u);
  EXPECT_EQ(by_bucket.count("bkt-idle"), 0u);
  DeliveryStats stats = delivery_->stats();
  EXPECT_EQ(stats.events, 33u);
  EXPECT_EQ(stats.files, objects_.size());
  EXPECT_GT(stats.bytes_out, 0u);
}

TEST_F(DeliveryTest, ADeletedTrailDeliversWhatItLoggedThenIsForgotten) {
  const std::string arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/trl";
  TrailSpec spec;
  spec.name = "trl";
  spec.s3_bucket_name = "bkt";
  ASSERT_THAT(trails_->Create(spec, "us-east-1"), IsOk());
  ASSERT_THAT(trails_->StartLogging("trl", "us-east-1", clock_.Now()), IsOk());
  ASSERT_THAT(
      delivery_->LoggingStarted(arn, Append({Event(0, "StartLogging", "us-east-1", false)})),
      IsOk());
  ASSERT_THAT(delivery_->RunOnce(true), IsOk());  // e0 delivered: a cursor document exists
  Append({Event(1, "Op", "us-east-1", false), Event(2, "Op", "us-east-1", false)});
  auto deleted = trails_->Delete("trl", "us-east-1");
  ASSERT_THAT(deleted, IsOk());
  ASSERT_THAT(
      delivery_->TrailDeleted(*deleted, Append({Event(3, "DeleteTrail", "us-east-1", false)})),
      IsOk());
  Append({Event(4, "After", "us-east-1", false)});

  // A restart in between: the tombstone is durable.
  Close();
  Open();
  ASSERT_THAT(delivery_->RunOnce(false), IsOk());

  std::multiset<std::string> ids = Delivered();
  EXPECT_EQ(ids, (std::multiset<std::string>{"e0", "e1", "e2"}));
  for (std::string_view kind : {"delivery", "logging"}) {
    auto docs = db_->ListDocuments(kind);
    ASSERT_THAT(docs, IsOk());
    EXPECT_TRUE(docs->empty()) << kind;
  }

  // The same name again starts afresh: only what the new trail logs.
  ASSERT_THAT(trails_->Create(spec, "us-east-1"), IsOk());
  ASSERT_THAT(trails_->StartLogging("trl", "us-east-1", clock_.Now()), IsOk());
  ASSERT_THAT(
      delivery_->LoggingStarted(arn, Append({Event(5, "StartLogging", "us-east-1", false)})),
      IsOk());
  objects_.clear();
  ASSERT_THAT(delivery_->RunOnce(true), IsOk());
  EXPECT_EQ(Delivered(), (std::multiset<std::string>{"e5"}));
}

TEST(ParseDuration, ReadsUnits) {
  EXPECT_EQ(*ParseDuration("300ms"), std::chrono::milliseconds(300));
  EXPECT_EQ(*ParseDuration("2s"), std::chrono::milliseconds(2000));
  EXPECT_EQ(*ParseDuration("5m"), std::chrono::milliseconds(300000));
  EXPECT_EQ(*ParseDuration("1h"), std::chrono::milliseconds(3600000));
  EXPECT_FALSE(ParseDuration("5").ok());
  EXPECT_FALSE(ParseDuration("s").ok());
  EXPECT_FALSE(ParseDuration("2 weeks").ok());
}

}  // namespace
}  // namespace ot::trail
