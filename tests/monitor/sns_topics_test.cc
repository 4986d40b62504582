#include "monitor/sns_topics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/metadata.h"
#include "support/matchers.h"
#include "support/temp_dir.h"
#include "support/test_env.h"

namespace ot::monitor {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

// The error code and the exact message.
MATCHER_P2(FailsWith, code, message, "fails with " + std::string(ErrorName(code))) {
  const Status& s = ::ot::testing::GetStatus(arg);
  *result_listener << s.ToString();
  return s.code() == code && s.message() == message;
}

constexpr std::string_view kAccount = "111122223333";
constexpr std::string_view kArn = "arn:aws:sns:us-east-1:111122223333:alerts";

class SnsStoreTest : public ::testing::Test {
 protected:
  SnsStoreTest() {
    auto db = store::MetadataDb::Open(dir_.path() + "/metadata.db");
    EXPECT_THAT(db.status(), IsOk());
    db_ = std::move(*db);
    Reopen();
  }
  void Reopen() {
    store_.reset();
    auto opened = SnsStore::Open(*db_, env_, std::string(kAccount));
    ASSERT_THAT(opened.status(), IsOk());
    store_ = std::move(*opened);
  }
  SnsSubscription SubscribeHook(std::string_view endpoint = "http://127.0.0.1:9/hook") {
    auto r = store_->Subscribe(kArn, "http", endpoint, {}, clock_.Now());
    EXPECT_THAT(r.status(), IsOk());
    return r.ok() ? r->subscription : SnsSubscription{};
  }

  ::ot::testing::TempDir dir_;
  ::ot::testing::FakeClock clock_;
  ::ot::testing::SeededRandom random_{7};
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<SnsStore> store_;
};

TEST_F(SnsStoreTest, CreateTopicIsIdempotentAndGetsTheDefaultPolicy) {
  auto arn = store_->CreateTopic("us-east-1", "alerts", {{"DisplayName", "A"}}, {{"team", "sec"}});
  ASSERT_THAT(arn.status(), IsOk());
  EXPECT_EQ(*arn, kArn);
  EXPECT_EQ(*store_->CreateTopic("us-east-1", "alerts", {}, {}), kArn);
  EXPECT_EQ(*store_->CreateTopic("us-east-1", "alerts", {{"DisplayName", "A"}}, {}), kArn);
  EXPECT_THAT(store_->CreateTopic("us-east-1", "alerts", {{"DisplayName", "B"}}, {}).status(),
              FailsWith(Error::kInvalidParameter,
                        "Invalid parameter: Attributes Reason: Topic already exists with "
                        "different attributes"));
  auto topic = store_->GetTopic(kArn);
  ASSERT_THAT(topic.status(), IsOk());
  EXPECT_EQ(topic->attributes.at("Policy"),
            R"({"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":)"
            R"("__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":)"
            R"(["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission",)"
            R"("SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe",)"
            R"("SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":)"
            R"("arn:aws:sns:us-east-1:111122223333:alerts","Condition":{"StringEquals":)"
            R"({"AWS:SourceOwner":"111122223333"}}}]})");
  EXPECT_EQ(topic->owner, kAccount);
  EXPECT_EQ(topic->tags.size(), 1u);
}

TEST_F(SnsStoreTest, TopicNamesAndArns) {
  EXPECT_TRUE(IsValidSnsTopicName("a-B_9"));
  EXPECT_TRUE(IsValidSnsTopicName(std::string(256, 'x')));
  EXPECT_FALSE(IsValidSnsTopicName(std::string(257, 'x')));
  EXPECT_FALSE(IsValidSnsTopicName(""));
  EXPECT_FALSE(IsValidSnsTopicName("a.b"));
  EXPECT_FALSE(IsValidSnsTopicName("a b"));
  auto parts = ParseSnsTopicArn(kArn);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->region, "us-east-1");
  EXPECT_EQ(parts->account, kAccount);
  EXPECT_EQ(parts->name, "alerts");
  EXPECT_FALSE(ParseSnsTopicArn("arn:aws:sqs:us-east-1:111122223333:alerts"));
  EXPECT_FALSE(ParseSnsTopicArn("arn:aws:sns:us-east-1:1111:alerts"));
  EXPECT_EQ(TopicOfSubscriptionArn(std::string(kArn) + ":6b0e71bd-7e97-4d97-80ce-4a0994e55286"),
            std::string(kArn));
  EXPECT_FALSE(TopicOfSubscriptionArn(std::string(kArn) + ":not-a-uuid"));
  EXPECT_FALSE(TopicOfSubscriptionArn(kArn));
}

TEST_F(SnsStoreTest, ListTopicsPagesByRegion) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(store_->CreateTopic("us-east-1", "t" + std::to_string(i), {}, {}).status(), IsOk());
  }
  ASSERT_THAT(store_->CreateTopic("eu-west-1", "other", {}, {}).status(), IsOk());
  auto p1 = store_->ListTopics("us-east-1", "", 2);
  ASSERT_THAT(p1.status(), IsOk());
  ASSERT_EQ(p1->items.size(), 2u);
  EXPECT_FALSE(p1->next_token.empty());
  auto p2 = store_->ListTopics("us-east-1", p1->next_token, 2);
  auto p3 = store_->ListTopics("us-east-1", p2->next_token, 2);
  ASSERT_EQ(p3->items.size(), 1u);
  EXPECT_EQ(p3->items[0].name, "t4");
  EXPECT_TRUE(p3->next_token.empty());
  EXPECT_EQ(store_->ListTopics("eu-west-1", "", 100)->items.size(), 1u);
  EXPECT_THAT(store_->ListTopics("us-east-1", "garbage!", 2).status(),
              FailsWith(Error::kInvalidParameter, "Invalid parameter: NextToken"));
}

TEST_F(SnsStoreTest, SubscriptionLifecycleSurvivesRestart) {
  ASSERT_THAT(store_->CreateTopic("us-east-1", "alerts", {}, {}).status(), IsOk());
  SnsSubscription sub = SubscribeHook();
  EXPECT_TRUE(sub.pending);
  EXPECT_EQ(sub.token.size(), 128u);
  EXPECT_EQ(*TopicOfSubscriptionArn(sub.arn), kArn);
  // Re-subscribing a pending one: same ARN, a fresh token to send again.
  auto again = store_->Subscribe(kArn, "http", "http://127.0.0.1:9/hook", {}, clock_.Now());
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->subscription.arn, sub.arn);
  EXPECT_TRUE(again->send_confirmation);
  EXPECT_NE(again->subscription.token, sub.token);
  EXPECT_THAT(store_->Confirm(kArn, sub.token, false, false, clock_.Now()).status(),
              FailsWith(Error::kInvalidParameter, "Invalid token"));
  EXPECT_EQ(store_->Counts(kArn).pending, 1u);
  EXPECT_TRUE(store_->ConfirmedSubscriptions(kArn).empty());

  Reopen();
  auto confirmed = store_->Confirm(kArn, again->subscription.token, false, false, clock_.Now());
  ASSERT_THAT(confirmed.status(), IsOk());
  EXPECT_FALSE(confirmed->pending);
  EXPECT_FALSE(confirmed->confirmation_authenticated);
  // Confirming again returns the same subscription.
  EXPECT_EQ(store_->Confirm(kArn, again->subscription.token, false, false, clock_.Now())->arn,
            sub.arn);
  // A confirmed one re-subscribed is returned as it is.
  auto third = store_->Subscribe(kArn, "http", "http://127.0.0.1:9/hook", {}, clock_.Now());
  EXPECT_FALSE(third->send_confirmation);
  EXPECT_FALSE(third->subscription.pending);

  Reopen();
  ASSERT_EQ(store_->ConfirmedSubscriptions(kArn).size(), 1u);
  EXPECT_EQ(store_->Counts(kArn).confirmed, 1u);
  auto page = store_->ListSubscriptions("us-east-1", kArn, "", 100);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].endpoint, "http://127.0.0.1:9/hook");

  auto gone = store_->Unsubscribe(sub.arn, clock_.Now());
  ASSERT_THAT(gone.status(), IsOk());
  EXPECT_THAT(store_->GetSubscription(sub.arn).status(),
              FailsWith(Error::kNotFound, "Subscription does not exist"));
  EXPECT_THAT(store_->Unsubscribe(sub.arn, clock_.Now()).status(), HasError(Error::kNotFound));
  EXPECT_EQ(store_->Counts(kArn).deleted, 1u);
  EXPECT_TRUE(store_->ListSubscriptions("us-east-1", "", "", 100)->items.empty());
  // The UnsubscribeConfirmation's token restores it (within two days).
  Reopen();
  auto restored = store_->Confirm(kArn, gone->token, true, false, clock_.Now());
  ASSERT_THAT(restored.status(), IsOk());
  EXPECT_EQ(restored->arn, sub.arn);
  EXPECT_TRUE(restored->confirmation_authenticated);
  EXPECT_EQ(store_->Counts(kArn).deleted, 0u);
  EXPECT_EQ(store_->ConfirmedSubscriptions(kArn).size(), 1u);
}

TEST_F(SnsStoreTest, TokensExpireAfterTwoDaysAndBelongToOneTopic) {
  ASSERT_THAT(store_->CreateTopic("us-east-1", "alerts", {}, {}).status(), IsOk());
  ASSERT_THAT(store_->CreateTopic("us-east-1", "other", {}, {}).status(), IsOk());
  SnsSubscription sub = SubscribeHook();
  EXPECT_THAT(store_
                  ->Confirm("arn:aws:sns:us-east-1:111122223333:other", sub.token, false, false,
                            clock_.Now())
                  .status(),
              FailsWith(Error::kInvalidParameter, "Invalid token"));
  EXPECT_THAT(store_->Confirm(kArn, "", false, false, clock_.Now()).status(),
              FailsWith(Error::kInvalidParameter, "Invalid token"));
  clock_.Advance(std::chrono::hours(49));
  EXPECT_THAT(store_->Confirm(kArn, sub.token, false, false, clock_.Now()).status(),
              FailsWith(Error::kInvalidParameter, "Invalid token"));
}

TEST_F(SnsStoreTest, DeleteTopicRemovesItsSubscriptions) {
  ASSERT_THAT(store_->CreateTopic("us-east-1", "alerts", {}, {}).status(), IsOk());
  SnsSubscription a = SubscribeHook("http://127.0.0.1:9/a");
  SnsSubscription b = SubscribeHook("https://example.com/b");
  ASSERT_THAT(store_->DeleteTopic(kArn), IsOk());
  EXPECT_THAT(store_->DeleteTopic(kArn), FailsWith(Error::kNotFound, "Topic does not exist"));
  EXPECT_THAT(store_->GetSubscription(a.arn).status(), HasError(Error::kNotFound));
  EXPECT_THAT(store_->Subscribe(kArn, "http", "http://x/", {}, clock_.Now()).status(),
              FailsWith(Error::kNotFound, "Topic does not exist"));
  Reopen();
  EXPECT_THAT(store_->GetTopic(kArn).status(), HasError(Error::kNotFound));
  EXPECT_THAT(store_->GetSubscription(b.arn).status(), HasError(Error::kNotFound));
  EXPECT_THAT(store_->ListSubscriptions("us-east-1", kArn, "", 100).status(),
              HasError(Error::kNotFound));
}

TEST_F(SnsStoreTest, TopicAttributesPersist) {
  ASSERT_THAT(store_->CreateTopic("us-east-1", "alerts", {}, {}).status(), IsOk());
  ASSERT_THAT(store_->SetTopicAttribute(kArn, "SignatureVersion", "2"), IsOk());
  ASSERT_THAT(store_->SetTopicAttribute(kArn, "DisplayName", "Alerts & more"), IsOk());
  Reopen();
  auto t = store_->GetTopic(kArn);
  EXPECT_EQ(t->attributes.at("SignatureVersion"), "2");
  EXPECT_EQ(t->attributes.at("DisplayName"), "Alerts & more");
  ASSERT_THAT(store_->SetTopicAttribute(kArn, "SignatureVersion", ""), IsOk());
  EXPECT_EQ(store_->GetTopic(kArn)->attributes.count("SignatureVersion"), 0u);
  EXPECT_THAT(
      store_->SetTopicAttribute("arn:aws:sns:us-east-1:111122223333:nope", "DisplayName", "x"),
      HasError(Error::kNotFound));
}

}  // namespace
}  // namespace ot::monitor
