// Tests src/api/handlers/list_public_keys.cc over real signing keys: which keys a StartTime/EndTime
// window selects (per region, oldest first, defaults to now), the reply's exact shape, and the
// errors — InvalidTimeRangeException for a window that ends before it starts, bad member types.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/handlers/operation.h"
#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/time.h"
#include "handler_test_util.h"
#include "store/metadata.h"
#include "trail/signing_keys.h"

namespace ot::api::handlers {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using std::chrono::hours;
using testing::HandlerEnv;
using ::testing::HasSubstr;

int64_t EpochSeconds(SysMillis t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

class ListPublicKeysTest : public ::testing::Test {
 protected:
  // us-east-1: `first_` valid [t0, t0 + 2 h], then `second_` from t0 + 2 h (rotated on demand);
  // eu-west-1: `europe_` from t0. The handler runs at t0 + 1 h unless a test moves the clock.
  void SetUp() override {
    auto db = store::MetadataDb::Open(env_.dir.path() + "/metadata.db");
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    keys_ = std::make_unique<trail::SigningKeys>(
        *db_, env_.env, trail::SigningKeyOptions{std::string(32, 'm'), hours(24 * 30)});
    env_.services->signing_keys = keys_.get();
    t0_ = env_.clock.Now();
    ASSERT_THAT(keys_->Active("us-east-1", t0_), IsOk());
    ASSERT_THAT(keys_->Active("eu-west-1", t0_), IsOk());
    ASSERT_THAT(keys_->Rotate("us-east-1", t0_ + hours(2)), IsOk());
    auto us = keys_->List("us-east-1", t0_, t0_ + hours(24 * 40));
    auto eu = keys_->List("eu-west-1", t0_, t0_ + hours(24 * 40));
    ASSERT_THAT(us, IsOk());
    ASSERT_THAT(eu, IsOk());
    ASSERT_EQ(us->size(), 2u);
    ASSERT_EQ(eu->size(), 1u);
    first_ = (*us)[0];
    second_ = (*us)[1];
    europe_ = (*eu)[0];
    env_.clock.Set(t0_ + hours(1));
  }

  Result<Outcome> Call(std::string_view body) {
    auto doc = JsonDocument::Parse(body);
    EXPECT_THAT(doc, IsOk());
    docs_.push_back(std::move(*doc));
    return ListPublicKeys(*env_.services, env_.Context(), docs_.back()->root());
  }

  // Fingerprints of the reply's keys, in order; checks each entry's shape on the way.
  std::vector<std::string> Fingerprints(const Result<Outcome>& out) {
    std::vector<std::string> fingerprints;
    EXPECT_THAT(out, IsOk());
    if (!out.ok()) return fingerprints;
    auto doc = JsonDocument::Parse(out->body);
    EXPECT_THAT(doc, IsOk());
    if (!doc.ok()) return fingerprints;
    auto list = (*doc)->root().Get("PublicKeyList");
    EXPECT_TRUE(list && list->is_array()) << out->body;
    if (!list || !list->is_array()) return fingerprints;
    for (const JsonValue& k : list->Items()) {
      std::string fp(k.Get("Fingerprint")->AsString());
      const trail::PublicKeyInfo& want = fp == first_.fingerprint    ? first_
                                         : fp == second_.fingerprint ? second_
                                                                     : europe_;
      EXPECT_EQ(fp, want.fingerprint);
      EXPECT_EQ(k.Get("Value")->AsString(), Base64Encode(want.der));
      EXPECT_TRUE(k.Get("Value")->AsString().starts_with("MIIBCgKCAQEA"));  // PKCS#1, 2048 bits
      EXPECT_EQ(k.Get("ValidityStartTime")->AsDouble(), EpochSeconds(want.valid_from));
      EXPECT_EQ(k.Get("ValidityEndTime")->AsDouble(), EpochSeconds(want.valid_to));
      fingerprints.push_back(fp);
    }
    return fingerprints;
  }

  std::string Window(SysMillis from, SysMillis to) {
    return "{\"StartTime\":" + FormatEpochSeconds(from) + ",\"EndTime\":" + FormatEpochSeconds(to) +
           "}";
  }

  HandlerEnv env_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<trail::SigningKeys> keys_;
  std::vector<std::unique_ptr<JsonDocument>> docs_;
  SysMillis t0_;
  trail::PublicKeyInfo first_, second_, europe_;
};

TEST_F(ListPublicKeysTest, WithoutTimesListsTheKeyValidNowInTheCallersRegion) {
  EXPECT_EQ(Fingerprints(Call("{}")), std::vector<std::string>{first_.fingerprint});

  env_.clock.Set(t0_ + hours(3));
  EXPECT_EQ(Fingerprints(Call("{}")), std::vector<std::string>{second_.fingerprint});

  env_.caller.region = "eu-west-1";
  EXPECT_EQ(Fingerprints(Call("{}")), std::vector<std::string>{europe_.fingerprint});

  env_.caller.region = "ap-south-1";  // no key was ever made there
  auto none = Call("{}");
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(none->body, R"({"PublicKeyList":[]})");
}

TEST_F(ListPublicKeysTest, StartAndEndTimeSelectEveryKeyWhoseWindowIntersects) {
  // Both, oldest first.
  EXPECT_EQ(Fingerprints(Call(Window(t0_ - hours(1), t0_ + hours(5)))),
            (std::vector<std::string>{first_.fingerprint, second_.fingerprint}));
  // Inside one window each.
  EXPECT_EQ(Fingerprints(Call(Window(t0_ + hours(3), t0_ + hours(4)))),
            std::vector<std::string>{second_.fingerprint});
  EXPECT_EQ(Fingerprints(Call(Window(t0_, t0_ + hours(1)))),
            std::vector<std::string>{first_.fingerprint});
  // The rotation instant belongs to both windows (bounds are inclusive).
  EXPECT_EQ(Fingerprints(Call(Window(t0_ + hours(2), t0_ + hours(2)))),
            (std::vector<std::string>{first_.fingerprint, second_.fingerprint}));
  // Before the first key, and after the second one's 30 days.
  EXPECT_EQ(Call(Window(t0_ - hours(48), t0_ - hours(24)))->body, R"({"PublicKeyList":[]})");
  EXPECT_EQ(Call(Window(t0_ + hours(24 * 33), t0_ + hours(24 * 34)))->body,
            R"({"PublicKeyList":[]})");
  // Only one bound given: the other is now (t0 + 1 h).
  EXPECT_EQ(Fingerprints(Call("{\"StartTime\":" + FormatEpochSeconds(t0_ - hours(5)) + "}")),
            std::vector<std::string>{first_.fingerprint});
  EXPECT_EQ(Fingerprints(Call("{\"EndTime\":" + FormatEpochSeconds(t0_ + hours(3)) + "}")),
            (std::vector<std::string>{first_.fingerprint, second_.fingerprint}));
  // ISO 8601 strings are timestamps too; NextToken is accepted.
  EXPECT_EQ(
      Fingerprints(Call("{\"StartTime\":\"" + FormatIso8601(t0_ + hours(3)) + "\",\"EndTime\":\"" +
                        FormatIso8601(t0_ + hours(4)) + "\",\"NextToken\":\"x\"}")),
      std::vector<std::string>{second_.fingerprint});
}

TEST_F(ListPublicKeysTest, StartAfterEndIsInvalidTimeRange) {
  auto out = Call(Window(t0_ + hours(4), t0_ + hours(3)));
  ASSERT_THAT(out, HasError(Error::kInvalidTimeRange));
  EXPECT_EQ(ErrorWireName(out.status().code()), "InvalidTimeRangeException");
  EXPECT_EQ(ErrorHttpStatus(out.status().code()), 400);
  EXPECT_EQ(out.status().message(), "StartTime " + FormatIso8601(t0_ + hours(4)) +
                                        " is after EndTime " + FormatIso8601(t0_ + hours(3)) + ".");
  // A StartTime later than now with EndTime defaulting to now.
  auto future = Call("{\"StartTime\":" + FormatEpochSeconds(t0_ + hours(2)) + "}");
  EXPECT_THAT(future, HasError(Error::kInvalidTimeRange));
  // Equal bounds are a valid (instant) window.
  EXPECT_THAT(Call(Window(t0_, t0_)), IsOk());
}

TEST_F(ListPublicKeysTest, MalformedMembersAreSerializationErrors) {
  auto word = Call(R"({"StartTime":true})");
  ASSERT_THAT(word, HasError(Error::kSerialization));
  EXPECT_THAT(word.status().message(), HasSubstr("StartTime"));
  auto date = Call(R"({"EndTime":"yesterday"})");
  ASSERT_THAT(date, HasError(Error::kSerialization));
  EXPECT_THAT(date.status().message(), HasSubstr("EndTime"));
  EXPECT_THAT(Call(R"({"NextToken":5})"), HasError(Error::kSerialization));
}

TEST_F(ListPublicKeysTest, WithoutSigningKeysItIsAnInternalError) {
  env_.services->signing_keys = nullptr;
  EXPECT_THAT(Call("{}"), HasError(Error::kInternal));
}

}  // namespace
}  // namespace ot::api::handlers
