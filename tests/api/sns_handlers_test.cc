// The SNS Query handlers over a real SnsStore and SnsService whose sender posts to an in-memory
// transport: result XML shapes, MessageStructure=json, resources and topic policies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "api/handler_test_util.h"
#include "api/handlers/sns_operations.h"
#include "api/protocol/json_value.h"
#include "monitor/sns_service.h"
#include "store/metadata.h"

namespace ot::api::handlers {
namespace {

using ::ot::testing::IsOk;
using ::testing::HasSubstr;

class Recorder final : public monitor::SnsTransport {
 public:
  monitor::SnsHttpResult Post(const std::string& url,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              const std::string& body, std::chrono::milliseconds,
                              const std::atomic<bool>&) override {
    std::lock_guard lock(mu);
    posts.push_back({url, headers, body});
    return {200, ""};
  }
  struct Post_ {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
  };
  std::vector<Post_> Wait(size_t n) {
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard lock(mu);
        if (posts.size() >= n) return posts;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::lock_guard lock(mu);
    return posts;
  }
  std::mutex mu;
  std::vector<Post_> posts;
};

class SnsHandlersTest : public ::testing::Test {
 protected:
  SnsHandlersTest() {
    auto db = store::MetadataDb::Open(env_.dir.path() + "/metadata.db");
    EXPECT_THAT(db.status(), IsOk());
    db_ = std::move(*db);
    auto store = monitor::SnsStore::Open(*db_, env_.env, std::string(testing::kAccountId));
    EXPECT_THAT(store.status(), IsOk());
    store_ = std::move(*store);
    auto key =
        monitor::LoadOrCreateSnsSigningKey(*db_, env_.env, std::string(32, 'm'), "us-east-1");
    EXPECT_THAT(key.status(), IsOk());
    sender_ =
        std::make_unique<monitor::SnsSender>(transport_, RealClock(), monitor::SnsSenderOptions{});
    monitor::SnsServiceOptions options;
    options.base_url = "http://ot.test";
    sns_ = std::make_unique<monitor::SnsService>(*store_, *sender_, *key, env_.env, options);
    env_.services->sns = sns_.get();
    env_.caller.service = "sns";
  }
  ~SnsHandlersTest() override { sender_.reset(); }

  Result<Outcome> Call(SnsHandler* handler, std::string_view form) {
    return handler(*env_.services, env_.Context(), QueryParams::Parse(form));
  }
  std::string MakeTopic(std::string_view name) {
    auto out = Call(&CreateTopic, "Action=CreateTopic&Name=" + std::string(name));
    EXPECT_THAT(out, IsOk());
    return "arn:aws:sns:us-east-1:111122223333:" + std::string(name);
  }
  // Subscribes an http endpoint and confirms it with the token it was sent.
  std::string Confirmed(const std::string& topic, std::string_view endpoint) {
    size_t before = transport_.Wait(0).size();
    EXPECT_THAT(
        Call(&Subscribe, "TopicArn=" + topic + "&Protocol=http&Endpoint=" + std::string(endpoint)),
        IsOk());
    auto posts = transport_.Wait(before + 1);
    EXPECT_EQ(posts.size(), before + 1);
    auto doc = JsonDocument::Parse(posts.back().body);
    std::string token(doc.ok() ? (*doc)->root().Get("Token")->AsString() : "");
    auto out = Call(&ConfirmSubscription, "TopicArn=" + topic + "&Token=" + token);
    EXPECT_THAT(out, IsOk());
    return out.ok() ? out->body : "";
  }

  testing::HandlerEnv env_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<monitor::SnsStore> store_;
  Recorder transport_;
  std::unique_ptr<monitor::SnsSender> sender_;
  std::unique_ptr<monitor::SnsService> sns_;
};

TEST_F(SnsHandlersTest, CreateTopicResultAndRecord) {
  auto out = Call(&CreateTopic,
                  "Action=CreateTopic&Name=alerts&Attributes.entry.1.key="
                  "DisplayName&Attributes.entry.1.value=A");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->body, "    <TopicArn>arn:aws:sns:us-east-1:111122223333:alerts</TopicArn>\n");
  EXPECT_EQ(out->response_elements, R"({"topicArn":"arn:aws:sns:us-east-1:111122223333:alerts"})");
  ASSERT_EQ(out->resources.size(), 1u);
  EXPECT_EQ(out->resources[0].type, "AWS::SNS::Topic");
  EXPECT_EQ(out->resources[0].account_id, "111122223333");
}

TEST_F(SnsHandlersTest, GetTopicAttributesEntriesInAwsOrder) {
  std::string topic = MakeTopic("alerts");
  auto out = Call(&GetTopicAttributes, "TopicArn=" + topic);
  ASSERT_THAT(out, IsOk());
  std::vector<std::string> keys;
  for (size_t at = out->body.find("<key>"); at != std::string::npos;
       at = out->body.find("<key>", at + 1)) {
    keys.push_back(out->body.substr(at + 5, out->body.find("</key>", at) - at - 5));
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"Policy", "Owner", "SubscriptionsPending", "TopicArn",
                                            "EffectiveDeliveryPolicy", "SubscriptionsConfirmed",
                                            "DisplayName", "SubscriptionsDeleted"}));
  EXPECT_THAT(out->body, HasSubstr("<value>{&quot;Version&quot;:&quot;2008-10-17&quot;"));
}

TEST_F(SnsHandlersTest, PendingSubscriptionsListAsPendingConfirmation) {
  std::string topic = MakeTopic("alerts");
  auto sub =
      Call(&Subscribe, "TopicArn=" + topic + "&Protocol=https&Endpoint=https%3A%2F%2Fh.test%2Fx");
  ASSERT_THAT(sub, IsOk());
  EXPECT_EQ(sub->body, "    <SubscriptionArn>pending confirmation</SubscriptionArn>\n");
  auto list = Call(&ListSubscriptionsByTopic, "TopicArn=" + topic);
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->body,
            "    <Subscriptions>\n      <member>\n        <TopicArn>" + topic +
                "</TopicArn>\n        <Protocol>https</Protocol>\n        "
                "<SubscriptionArn>PendingConfirmation</SubscriptionArn>\n        "
                "<Owner>111122223333</Owner>\n        <Endpoint>https://h.test/x</Endpoint>\n"
                "      </member>\n    </Subscriptions>\n");
  auto posts = transport_.Wait(1);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].url, "https://h.test/x");
  EXPECT_THAT(
      posts[0].body,
      HasSubstr("\"SubscribeURL\" : \"http://ot.test/?Action=ConfirmSubscription&TopicArn=" +
                topic + "&Token="));
}

TEST_F(SnsHandlersTest, MessageStructureJsonPicksTheProtocolsText) {
  std::string topic = MakeTopic("alerts");
  Confirmed(topic, "http%3A%2F%2Fh.test%2Fa");
  size_t before = transport_.Wait(0).size();
  auto out = Call(&Publish, "TopicArn=" + topic +
                                "&MessageStructure=json&Message=%7B%22default%22%3A%22d%22%2C%22"
                                "http%22%3A%22for+http%22%7D");
  ASSERT_THAT(out, IsOk());
  auto posts = transport_.Wait(before + 1);
  ASSERT_EQ(posts.size(), before + 1);
  EXPECT_THAT(posts.back().body, HasSubstr("\"Message\" : \"for http\""));
  EXPECT_THAT(out->body, HasSubstr("<MessageId>"));
}

TEST_F(SnsHandlersTest, ResourcesAndTopicPolicies) {
  std::string topic = MakeTopic("alerts");
  auto ctx = env_.Context();
  auto resource = [&](std::string_view action, std::string_view form) {
    return SnsResource(*env_.services, ctx, action, QueryParams::Parse(form));
  };
  EXPECT_EQ(resource("sns:CreateTopic", "Name=x"), "arn:aws:sns:us-east-1:111122223333:x");
  EXPECT_EQ(resource("sns:ListTopics", ""), "*");
  EXPECT_EQ(resource("sns:Publish", "TargetArn=" + topic), topic);
  EXPECT_EQ(resource("sns:Unsubscribe",
                     "SubscriptionArn=" + topic + ":6b0e71bd-7e97-4d97-80ce-4a0994e55286"),
            topic);
  EXPECT_EQ(resource("sns:GetTopicAttributes", "TopicArn=garbage"), "*");
  EXPECT_TRUE(SnsTopicPolicy(*env_.services, "sns:Publish", topic).has_value());
  EXPECT_FALSE(SnsTopicPolicy(*env_.services, "sns:Publish", topic + "-missing").has_value());
  EXPECT_FALSE(SnsTopicPolicy(*env_.services, "sns:CreateTopic", topic).has_value());
}

TEST_F(SnsHandlersTest, UnsignedUnsubscribeHonoursAuthenticateOnUnsubscribe) {
  std::string topic = MakeTopic("alerts");
  size_t before = transport_.Wait(0).size();
  ASSERT_THAT(Call(&Subscribe, "TopicArn=" + topic + "&Protocol=http&Endpoint=http%3A%2F%2Fh%2Fb"),
              IsOk());
  auto posts = transport_.Wait(before + 1);
  auto doc = JsonDocument::Parse(posts.back().body);
  ASSERT_THAT(doc, IsOk());
  std::string token((*doc)->root().Get("Token")->AsString());
  auto confirmed = Call(&ConfirmSubscription, "TopicArn=" + topic + "&Token=" + token +
                                                  "&AuthenticateOnUnsubscribe=true");
  ASSERT_THAT(confirmed, IsOk());
  std::string arn = confirmed->body.substr(confirmed->body.find('>') + 1);
  arn = arn.substr(0, arn.find('<'));
  auto anonymous =
      Unsubscribe(*env_.services, CallContext{SnsAnonymousCaller(), "req", env_.clock.Now()},
                  QueryParams::Parse("SubscriptionArn=" + arn));
  EXPECT_EQ(anonymous.status().code(), Error::kSnsAuthorizationError);
  EXPECT_THAT(Call(&Unsubscribe, "SubscriptionArn=" + arn), IsOk());
}

}  // namespace
}  // namespace ot::api::handlers
