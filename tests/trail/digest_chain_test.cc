// Digest production in the delivery pass (digest.md §4): windows, empty digests, chain starts and
// ends, restarts, crashes and key rotation. Digests are checked the way a validator would.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/gzip.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "crypto/rsa.h"
#include "events/record.h"
#include "support/matchers.h"
#include "support/temp_dir.h"
#include "support/test_env.h"
#include "trail/delivery.h"
#include "trail/signing_keys.h"

namespace ot::trail {
namespace {

using ot::testing::IsOk;

constexpr std::string_view kArn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/trl";

store::NewEvent Event(int n, std::string_view region) {
  std::string json =
      R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDA",)"
      R"("arn":"arn:aws:iam::111122223333:user/a","accountId":"111122223333"},)"
      R"("eventTime":"2024-05-01T12:00:0)" +
      std::to_string(n % 10) +
      R"(Z","eventSource":"ec2.amazonaws.com","eventName":"Run","awsRegion":")" +
      std::string(region) +
      R"(","sourceIPAddress":"1.2.3.4","requestParameters":null,"responseElements":null,)"
      R"("eventID":"e)" +
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

struct Object {
  std::string body;
  Delivery::ObjectMetadata metadata;
};

// A parsed digest.
struct Digest {
  std::string key, json, start, end, fingerprint, signature;
  std::optional<std::string> previous_key, previous_hash, previous_signature;
  std::vector<std::string> files;  // s3Object of each logFiles entry
};

class DigestChainTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }
  void Open() {
    store::StoreOptions so;
    so.dir = dir_.path() + "/events";
    so.token_key = std::string(32, 'k');
    auto s = store::EventStore::Open(so, env_);
    ASSERT_THAT(s, IsOk());
    store_ = std::move(*s);
    auto db = store::MetadataDb::Open(dir_.path() + "/metadata.db");
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    RegistryOptions ro;
    ro.account_id = "111122223333";
    auto r = TrailRegistry::Open(*db_, ro);
    ASSERT_THAT(r, IsOk());
    trails_ = std::move(*r);
    keys_ = std::make_unique<SigningKeys>(
        *db_, env_, SigningKeyOptions{std::string(32, 'm'), std::chrono::hours(24 * 30)});
    DeliveryOptions options;
    options.interval = std::chrono::seconds(1);
    options.signing_keys = keys_.get();
    options.digest_interval = std::chrono::seconds(10);
    delivery_ = std::make_unique<Delivery>(
        *store_, *db_, *trails_,
        [this](std::string_view bucket, std::string_view key, std::string_view body,
               const Delivery::ObjectMetadata& metadata,
               const Delivery::ObjectEncryption&) -> Status {
          if (fail_puts_ > 0) {
            --fail_puts_;
            return Status(Error::kUnavailable, "SlowDown: test");
          }
          objects_[std::string(bucket) + "/" + std::string(key)] = {std::string(body), metadata};
          return Status::Ok();
        },
        env_, options);
  }
  void Close() {
    delivery_.reset();
    keys_.reset();
    trails_.reset();
    db_.reset();
    store_.reset();
  }
  uint64_t Append(std::vector<store::NewEvent> batch) {
    auto r = store_->Append(std::move(batch));
    EXPECT_THAT(r, IsOk());
    return r.ok() ? r->sequences.back() : 0;
  }
  void CreateTrail(bool validation = true, bool multi_region = false) {
    TrailSpec spec;
    spec.name = "trl";
    spec.s3_bucket_name = "bkt";
    spec.enable_log_file_validation = validation;
    spec.is_multi_region_trail = multi_region;
    ASSERT_THAT(trails_->Create(spec, "us-east-1"), IsOk());
  }
  void StartLogging(int n) {
    ASSERT_THAT(trails_->StartLogging("trl", "us-east-1", clock_.Now()), IsOk());
    ASSERT_THAT(delivery_->LoggingStarted(kArn, Append({Event(n, "us-east-1")})), IsOk());
  }
  void StopLogging(int n) {
    ASSERT_THAT(trails_->StopLogging("trl", "us-east-1", clock_.Now()), IsOk());
    ASSERT_THAT(delivery_->LoggingStopped(kArn, Append({Event(n, "us-east-1")})), IsOk());
  }
  void Pass(std::chrono::milliseconds advance = std::chrono::seconds(0)) {
    clock_.Advance(advance);
    ASSERT_THAT(delivery_->RunOnce(/*force=*/true), IsOk());
  }
  std::vector<std::string> LogKeys() const {
    std::vector<std::string> out;
    for (const auto& [key, o] : objects_) {
      if (key.find("/CloudTrail/") != std::string::npos) out.push_back(key.substr(4));
    }
    return out;
  }
  // Every digest of `region`, oldest first, each checked: gzip, metadata, signature under a
  // listed key, and each named log file's hash.
  std::vector<Digest> Digests(std::string_view region = "us-east-1") {
    std::vector<Digest> out;
    auto keys = keys_->List(region, SysMillis(), SysMillis::max());
    EXPECT_THAT(keys, IsOk());
    for (const auto& [path, o] : objects_) {
      if (path.find("/CloudTrail-Digest/" + std::string(region) + "/") == std::string::npos) {
        continue;
      }
      Digest d;
      d.key = path.substr(4);
      auto json = GzipDecompress(o.body, 1 << 20);
      EXPECT_THAT(json, IsOk());
      d.json = *json;
      auto doc = api::JsonDocument::Parse(d.json);
      EXPECT_THAT(doc, IsOk());
      api::JsonValue root = (*doc)->root();
      auto str = [&](std::string_view k) { return std::string(root.Get(k)->AsString()); };
      auto opt = [&](std::string_view k) -> std::optional<std::string> {
        auto v = root.Get(k);
        EXPECT_TRUE(v.has_value()) << k;
        if (!v || v->is_null()) return std::nullopt;
        return std::string(v->AsString());
      };
      d.start = str("digestStartTime");
      d.end = str("digestEndTime");
      d.fingerprint = str("digestPublicKeyFingerprint");
      EXPECT_EQ(str("digestS3Bucket"), "bkt");
      EXPECT_EQ(str("digestS3Object"), d.key);
      d.previous_key = opt("previousDigestS3Object");
      d.previous_hash = opt("previousDigestHashValue");
      d.previous_signature = opt("previousDigestSignature");
      d.signature = o.metadata.at("signature");
      EXPECT_EQ(o.metadata.at("signature-algorithm"), "SHA256withRSA");
      std::string to_sign =
          DigestStringToSign(d.end, "bkt", d.key, crypto::Sha256Hex(d.json), d.previous_signature);
      bool verified = false;
      for (const PublicKeyInfo& k : *keys) {
        if (k.fingerprint == d.fingerprint) {
          verified = crypto::RsaVerifySha256(k.der, to_sign, *HexDecode(d.signature));
        }
      }
      EXPECT_TRUE(verified) << d.key;
      for (const api::JsonValue& f : root.Get("logFiles")->Items()) {
        std::string key(f.Get("s3Object")->AsString());
        auto log = objects_.find("bkt/" + key);
        EXPECT_NE(log, objects_.end()) << key;
        if (log == objects_.end()) continue;
        EXPECT_EQ(f.Get("hashValue")->AsString(),
                  crypto::Sha256Hex(*GzipDecompress(log->second.body, 1 << 24)));
        d.files.push_back(key);
      }
      out.push_back(std::move(d));
    }
    return out;  // keys sort by end time
  }
  // The digests form one chain (or several, `starts` of them, each starting with nulls).
  void ExpectChained(const std::vector<Digest>& digests, size_t starts = 1) {
    size_t seen_starts = 0;
    for (size_t i = 0; i < digests.size(); ++i) {
      const Digest& d = digests[i];
      if (!d.previous_key) {
        ++seen_starts;
        EXPECT_FALSE(d.previous_hash.has_value());
        continue;
      }
      ASSERT_GT(i, 0u);
      const Digest& p = digests[i - 1];
      EXPECT_EQ(*d.previous_key, p.key);
      EXPECT_EQ(*d.previous_hash, crypto::Sha256Hex(p.json));
      EXPECT_EQ(*d.previous_signature, p.signature);
      EXPECT_EQ(d.start, p.end);
    }
    EXPECT_EQ(seen_starts, starts);
  }
  // Each delivered log file is named by exactly one digest.
  void ExpectEachFileDigestedOnce(const std::vector<Digest>& digests) {
    std::multiset<std::string> named;
    for (const Digest& d : digests) named.insert(d.files.begin(), d.files.end());
    std::vector<std::string> logs = LogKeys();
    EXPECT_EQ(named.size(), logs.size());
    for (const std::string& k : logs) EXPECT_EQ(named.count(k), 1u) << k;
  }

  ot::testing::TempDir dir_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{7};
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<TrailRegistry> trails_;
  std::unique_ptr<SigningKeys> keys_;
  std::unique_ptr<Delivery> delivery_;
  std::map<std::string, Object> objects_;
  int fail_puts_ = 0;
};

TEST_F(DigestChainTest, WritesAChainedDigestEveryIntervalAlsoWhenNothingWasDelivered) {
  CreateTrail();
  StartLogging(1);
  Append({Event(2, "us-east-1"), Event(3, "us-east-1")});
  Pass();                          // delivers; the chain starts
  Pass(std::chrono::seconds(10));  // first digest: both files' records
  Pass(std::chrono::seconds(10));  // nothing delivered: empty digest
  Append({Event(4, "us-east-1")});
  Pass(std::chrono::seconds(10));  // delivered at the window's end: in (start, end]
  Pass(std::chrono::seconds(10));

  std::vector<Digest> d = Digests();

  ASSERT_EQ(d.size(), 4u);
  EXPECT_FALSE(d[0].previous_key.has_value());
  EXPECT_EQ(d[0].files.size(), 1u);
  EXPECT_TRUE(d[1].files.empty());
  EXPECT_THAT(d[1].json, ::testing::HasSubstr(R"("newestEventTime":null,"oldestEventTime":null)"));
  EXPECT_EQ(d[2].files.size(), 1u);
  EXPECT_TRUE(d[3].files.empty());
  ExpectChained(d);
  ExpectEachFileDigestedOnce(d);
  auto t = trails_->Get("trl", "us-east-1");
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->status.latest_digest_delivery_time.has_value());
}

TEST_F(DigestChainTest, NoDigestsWithoutLogFileValidation) {
  CreateTrail(/*validation=*/false);
  StartLogging(1);
  Pass();
  Pass(std::chrono::seconds(30));

  EXPECT_TRUE(Digests().empty());
  EXPECT_EQ(LogKeys().size(), 1u);
}

TEST_F(DigestChainTest, StopLoggingWritesAFinalDigestAndStartLoggingANewChain) {
  CreateTrail();
  StartLogging(1);
  Pass();
  Pass(std::chrono::seconds(10));
  Append({Event(2, "us-east-1")});
  StopLogging(3);
  Pass(std::chrono::seconds(2));   // delivers the rest, then the final digest
  Pass(std::chrono::seconds(30));  // stopped: nothing more
  size_t after_stop = Digests().size();
  StartLogging(4);
  Pass(std::chrono::seconds(1));
  Pass(std::chrono::seconds(10));

  std::vector<Digest> d = Digests();

  EXPECT_EQ(after_stop, 2u);
  ASSERT_EQ(d.size(), 3u);
  ExpectChained(d, /*starts=*/2);
  EXPECT_FALSE(d[2].previous_key.has_value());
  ExpectEachFileDigestedOnce(d);
}

TEST_F(DigestChainTest, ARestartContinuesTheChain) {
  CreateTrail();
  StartLogging(1);
  Pass();
  Pass(std::chrono::seconds(10));
  Append({Event(2, "us-east-1")});
  Pass(std::chrono::seconds(1));
  Close();  // as after kill -9: only what was saved survives
  Open();
  Pass(std::chrono::seconds(10));
  Pass(std::chrono::seconds(10));

  std::vector<Digest> d = Digests();

  ASSERT_EQ(d.size(), 3u);
  ExpectChained(d);
  ExpectEachFileDigestedOnce(d);
}

TEST_F(DigestChainTest, AFailedDigestWriteIsRetriedWithoutForkingTheChain) {
  CreateTrail();
  StartLogging(1);
  Pass();
  Pass(std::chrono::seconds(10));
  Append({Event(2, "us-east-1")});
  Pass(std::chrono::seconds(1));
  fail_puts_ = 1;  // the digest's PutObject fails
  Pass(std::chrono::seconds(10));
  auto t = trails_->Get("trl", "us-east-1");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->status.latest_digest_delivery_error, "SlowDown");
  Close();
  Open();
  Pass(std::chrono::seconds(1));

  std::vector<Digest> d = Digests();

  ASSERT_EQ(d.size(), 2u);
  ExpectChained(d);
  ExpectEachFileDigestedOnce(d);
}

TEST_F(DigestChainTest, ALogFileWrittenBeforeACrashIsDigestedOnceAfterTheRedo) {
  CreateTrail();
  StartLogging(1);
  Pass();
  Append({Event(2, "us-east-1")});
  fail_puts_ = 1;  // the batch's file fails: the intent stays, the digest must wait for it
  Pass(std::chrono::seconds(10));
  EXPECT_TRUE(Digests().empty());
  Close();
  Open();
  Pass(std::chrono::seconds(1));
  Pass(std::chrono::seconds(10));

  std::vector<Digest> d = Digests();

  ASSERT_EQ(d.size(), 2u);
  ExpectChained(d);
  ExpectEachFileDigestedOnce(d);
}

TEST_F(DigestChainTest, AMultiRegionTrailChainsEveryRegionItDeliveredTo) {
  CreateTrail(/*validation=*/true, /*multi_region=*/true);
  StartLogging(1);
  Pass();
  Append({Event(2, "eu-west-1")});
  Pass(std::chrono::seconds(1));
  Pass(std::chrono::seconds(10));
  Pass(std::chrono::seconds(10));

  std::vector<Digest> home = Digests("us-east-1");
  std::vector<Digest> eu = Digests("eu-west-1");

  ASSERT_EQ(home.size(), 2u);
  ASSERT_EQ(eu.size(), 2u);
  ExpectChained(home);
  ExpectChained(eu);
  EXPECT_EQ(eu[0].files.size(), 1u);
  EXPECT_NE(eu[0].key.find("_CloudTrail-Digest_eu-west-1_trl_us-east-1_"), std::string::npos);
  std::vector<Digest> all = home;
  all.insert(all.end(), eu.begin(), eu.end());
  ExpectEachFileDigestedOnce(all);
}

TEST_F(DigestChainTest, DigestsAfterARotationCarryTheNewFingerprintAndStillChain) {
  CreateTrail();
  StartLogging(1);
  Pass();
  Pass(std::chrono::seconds(10));
  auto rotated = keys_->Rotate("us-east-1", clock_.Now());
  ASSERT_THAT(rotated, IsOk());
  Pass(std::chrono::seconds(10));

  std::vector<Digest> d = Digests();  // verifies each under its own listed key

  ASSERT_EQ(d.size(), 2u);
  ExpectChained(d);
  EXPECT_NE(d[0].fingerprint, d[1].fingerprint);
  EXPECT_EQ(d[1].fingerprint, rotated->fingerprint);
  auto listed = keys_->List("us-east-1", clock_.Now() - std::chrono::minutes(1), clock_.Now());
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->size(), 2u);
}

// CloudTrail writes one digest per window (hourly); the AWS CLI lists only digests whose end lies
// in [start, end + 1 h]. So after the server was down, each missed window gets its own digest —
// the files delivered before the pause in theirs, the others empty — never one digest for all.
TEST_F(DigestChainTest, AfterDowntimeEveryMissedWindowGetsItsOwnDigest) {
  using std::chrono::seconds;
  CreateTrail();
  StartLogging(1);
  Pass();  // delivers; the chain starts at t0
  const SysMillis t0 = clock_.Now();
  Append({Event(2, "us-east-1")});
  Pass(seconds(3));  // delivered in the first window
  Close();           // down from t0 + 3 s to t0 + 55 s
  clock_.Advance(seconds(52));
  Open();
  Append({Event(3, "us-east-1")});
  Pass();  // delivers at t0 + 55 s, then writes the five windows missed

  std::vector<Digest> d = Digests();

  ASSERT_EQ(d.size(), 5u);
  ExpectChained(d);
  for (size_t i = 0; i < d.size(); ++i) {
    EXPECT_EQ(d[i].start, FormatIso8601(t0 + seconds(10 * i)));
    EXPECT_EQ(d[i].end, FormatIso8601(t0 + seconds(10 * (i + 1))));
    EXPECT_EQ(d[i].files.size(), i == 0 ? 2u : 0u) << i;
  }
  Pass(seconds(5));  // the window of the file delivered after the pause
  d = Digests();
  ASSERT_EQ(d.size(), 6u);
  EXPECT_EQ(d[5].files.size(), 1u);
  ExpectChained(d);
  ExpectEachFileDigestedOnce(d);
}

TEST_F(DigestChainTest, ALongDowntimeIsCaughtUpOverSeveralPasses) {
  CreateTrail();
  StartLogging(1);
  Pass();
  Close();
  clock_.Advance(std::chrono::seconds(2505));  // 250 windows
  Open();

  Pass();
  const size_t first_pass = Digests().size();
  Pass();
  Pass();
  Pass();
  std::vector<Digest> d = Digests();

  EXPECT_EQ(first_pass, 100u) << "a pass writes at most 100 windows";
  ASSERT_EQ(d.size(), 250u);
  ExpectChained(d);
  ExpectEachFileDigestedOnce(d);
}

TEST_F(DigestChainTest, DeleteTrailWritesAFinalDigest) {
  CreateTrail();
  StartLogging(1);
  Pass();
  Pass(std::chrono::seconds(10));
  Append({Event(2, "us-east-1")});
  auto deleted = trails_->Delete("trl", "us-east-1");
  ASSERT_THAT(deleted, IsOk());
  ASSERT_THAT(delivery_->TrailDeleted(*deleted, Append({Event(3, "us-east-1")})), IsOk());
  Pass(std::chrono::seconds(1));
  Pass(std::chrono::seconds(30));

  std::vector<Digest> d = Digests();

  ASSERT_EQ(d.size(), 2u);
  ExpectChained(d);
  EXPECT_EQ(d[1].files.size(), 1u);
  ExpectEachFileDigestedOnce(d);
}

}  // namespace
}  // namespace ot::trail
