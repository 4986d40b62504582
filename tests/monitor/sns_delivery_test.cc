#include "monitor/sns_delivery.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "support/matchers.h"

namespace ot::monitor {
namespace {

using ::ot::testing::IsOk;
using std::chrono::milliseconds;

std::vector<int64_t> Seconds(const std::vector<milliseconds>& delays) {
  std::vector<int64_t> out;
  for (auto d : delays) out.push_back(d.count() / 1000);
  return out;
}

TEST(SnsRetrySchedule, DefaultIsThreeRetriesTwentySecondsApart) {
  EXPECT_EQ(
      SnsRetrySchedule(SnsRetryPolicy{}),
      (std::vector<milliseconds>{milliseconds(20000), milliseconds(20000), milliseconds(20000)}));
}

TEST(SnsRetrySchedule, PhasesAndBackoffFunctions) {
  SnsRetryPolicy p;
  p.num_retries = 8;
  p.num_no_delay_retries = 1;
  p.num_min_delay_retries = 1;
  p.num_max_delay_retries = 1;
  p.min_delay_seconds = 10;
  p.max_delay_seconds = 50;
  p.backoff = "linear";
  EXPECT_EQ(Seconds(SnsRetrySchedule(p)), (std::vector<int64_t>{0, 10, 10, 20, 30, 40, 50, 50}));
  p.backoff = "exponential";  // (2^i - 1) / (2^4 - 1) of the range
  EXPECT_EQ(Seconds(SnsRetrySchedule(p)), (std::vector<int64_t>{0, 10, 10, 12, 18, 28, 50, 50}));
  p.backoff = "arithmetic";  // quadratic
  auto arithmetic = Seconds(SnsRetrySchedule(p));
  EXPECT_EQ(arithmetic.front(), 0);
  EXPECT_EQ(arithmetic[2], 10);
  EXPECT_EQ(arithmetic[6], 50);
  EXPECT_LT(arithmetic[3], 20);  // below linear in between
  p.backoff = "geometric";
  auto geometric = Seconds(SnsRetrySchedule(p));
  EXPECT_EQ(geometric[2], 10);
  EXPECT_EQ(geometric[6], 50);
  for (size_t i = 3; i < 7; ++i) EXPECT_GE(geometric[i], geometric[i - 1]);
  p = SnsRetryPolicy{};
  p.num_retries = 0;
  EXPECT_TRUE(SnsRetrySchedule(p).empty());
}

TEST(SnsDeliveryPolicy, ParsesTopicAndSubscriptionForms) {
  auto topic = ParseSnsDeliveryPolicy(
      R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":5,)"
      R"("numRetries":5,"backoffFunction":"exponential"}}})",
      false);
  ASSERT_THAT(topic.status(), IsOk());
  EXPECT_EQ(topic->num_retries, 5);
  EXPECT_EQ(topic->min_delay_seconds, 1);
  EXPECT_EQ(topic->max_delay_seconds, 5);
  EXPECT_EQ(topic->backoff, "exponential");
  EXPECT_FALSE(topic->disable_subscription_overrides);
  EXPECT_EQ(topic->header_content_type, "");
  auto sub = ParseSnsDeliveryPolicy(
      R"({"healthyRetryPolicy":{"numRetries":1},"requestPolicy":{"headerContentType":)"
      R"("application/json"}})",
      true);
  ASSERT_THAT(sub.status(), IsOk());
  EXPECT_EQ(sub->num_retries, 1);
  EXPECT_EQ(sub->min_delay_seconds, 20);
  EXPECT_EQ(sub->header_content_type, "application/json");
  auto locked = ParseSnsDeliveryPolicy(
      R"({"http":{"disableSubscriptionOverrides":true,"defaultRequestPolicy":)"
      R"({"headerContentType":"application/json"}}})",
      false);
  ASSERT_THAT(locked.status(), IsOk());
  EXPECT_TRUE(locked->disable_subscription_overrides);
  EXPECT_EQ(locked->header_content_type, "application/json");
  EXPECT_EQ(locked->num_retries, 3);
}

TEST(SnsDeliveryPolicy, RejectsOutOfRangeValues) {
  for (std::string_view bad : {
           R"(not json)",
           R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":101}}})",
           R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":0}}})",
           R"({"http":{"defaultHealthyRetryPolicy":{"maxDelayTarget":3601}}})",
           R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":20}}})",
           R"({"http":{"defaultHealthyRetryPolicy":{"backoffFunction":"cubic"}}})",
           R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":2,"numNoDelayRetries":3}}})",
           R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":"3"}}})",
           R"({"http":{"disableSubscriptionOverrides":"yes"}})",
           R"({"http":{"defaultRequestPolicy":{"headerContentType":7}}})",
       }) {
    auto r = ParseSnsDeliveryPolicy(bad, false);
    EXPECT_EQ(r.status().code(), Error::kInvalidParameter) << bad;
    EXPECT_EQ(r.status().message().rfind("Invalid parameter: DeliveryPolicy", 0), 0u) << bad;
  }
}

// Answers with the scripted statuses in turn (then 200), recording every body.
class ScriptedTransport final : public SnsTransport {
 public:
  explicit ScriptedTransport(std::vector<int> statuses) : statuses_(std::move(statuses)) {}
  SnsHttpResult Post(const std::string& url,
                     const std::vector<std::pair<std::string, std::string>>&,
                     const std::string& body, milliseconds, const std::atomic<bool>&) override {
    std::lock_guard lock(mu_);
    bodies_.push_back(url + " " + body);
    times_.push_back(std::chrono::steady_clock::now());
    int status = next_ < statuses_.size() ? statuses_[next_++] : 200;
    if (status == 0) return {0, "connection refused"};
    return {status, ""};
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<std::chrono::steady_clock::time_point> times() {
    std::lock_guard lock(mu_);
    return times_;
  }

 private:
  std::mutex mu_;
  std::vector<int> statuses_;
  size_t next_ = 0;
  std::vector<std::string> bodies_;
  std::vector<std::chrono::steady_clock::time_point> times_;
};

SnsDelivery Delivery(std::vector<milliseconds> delays) {
  SnsDelivery d;
  d.url = "http://127.0.0.1:9/hook";
  d.body = "{\"MessageId\":\"m1\"}";
  d.retry_delays = std::move(delays);
  return d;
}

bool WaitFor(SnsSender& sender, uint64_t done) {
  for (int i = 0; i < 500; ++i) {
    SnsSenderStats s = sender.stats();
    if (s.delivered + s.failed >= done) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

TEST(SnsSender, RetriesServerErrorsAndTransportFailuresThenDeliversOnce) {
  ScriptedTransport transport({500, 0, 503});
  SnsSender sender(transport, RealClock(), SnsSenderOptions{});
  sender.Enqueue(Delivery({milliseconds(30), milliseconds(30), milliseconds(30)}));
  ASSERT_TRUE(WaitFor(sender, 1));
  std::this_thread::sleep_for(milliseconds(100));  // nothing more arrives after success
  auto bodies = transport.bodies();
  ASSERT_EQ(bodies.size(), 4u);
  for (const auto& b : bodies) EXPECT_EQ(b, bodies[0]);  // the same body every time
  auto times = transport.times();
  for (size_t i = 1; i < times.size(); ++i) EXPECT_GE(times[i] - times[i - 1], milliseconds(30));
  SnsSenderStats s = sender.stats();
  EXPECT_EQ(s.delivered, 1u);
  EXPECT_EQ(s.retried, 3u);
  EXPECT_EQ(s.failed, 0u);
}

TEST(SnsSender, ClientErrorsArePermanent) {
  ScriptedTransport transport({404});
  SnsSender sender(transport, RealClock(), SnsSenderOptions{});
  sender.Enqueue(Delivery({milliseconds(10), milliseconds(10), milliseconds(10)}));
  ASSERT_TRUE(WaitFor(sender, 1));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(transport.bodies().size(), 1u);
  EXPECT_EQ(sender.stats().failed, 1u);
}

TEST(SnsSender, GivesUpAfterTheLastRetry) {
  ScriptedTransport transport({500, 500, 500, 500, 500});
  SnsSender sender(transport, RealClock(), SnsSenderOptions{});
  sender.Enqueue(Delivery({milliseconds(5), milliseconds(5)}));
  ASSERT_TRUE(WaitFor(sender, 1));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(transport.bodies().size(), 3u);  // the first attempt and two retries
  EXPECT_EQ(sender.stats().failed, 1u);
}

TEST(SnsSender, OverrideReplacesThePolicyDelays) {
  ScriptedTransport transport({500});
  SnsSenderOptions options;
  options.retry_delay_override = milliseconds(10);
  SnsSender sender(transport, RealClock(), options);
  auto start = std::chrono::steady_clock::now();
  sender.Enqueue(Delivery({milliseconds(20000)}));
  ASSERT_TRUE(WaitFor(sender, 1));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(5000));
  EXPECT_EQ(sender.stats().delivered, 1u);
}

TEST(SnsSender, DropsDeliveriesNoLongerWanted) {
  ScriptedTransport transport({500});
  SnsSender sender(transport, RealClock(), SnsSenderOptions{});
  std::atomic<bool> wanted{true};
  SnsDelivery d = Delivery({milliseconds(20)});
  d.still_wanted = [&wanted] { return wanted.load(); };
  sender.Enqueue(std::move(d));
  for (int i = 0; i < 200 && transport.bodies().empty(); ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  wanted = false;
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(transport.bodies().size(), 1u);
  EXPECT_EQ(sender.stats().delivered, 0u);
}

// Hangs like an endpoint that never answers, until the sender cancels.
class HangingTransport final : public SnsTransport {
 public:
  SnsHttpResult Post(const std::string&, const std::vector<std::pair<std::string, std::string>>&,
                     const std::string&, milliseconds, const std::atomic<bool>& cancel) override {
    entered = true;
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!cancel && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    return {0, "cancelled"};
  }
  std::atomic<bool> entered{false};
};

TEST(SnsSender, StoppingCancelsPostsInFlight) {
  HangingTransport transport;
  auto sender = std::make_unique<SnsSender>(transport, RealClock(), SnsSenderOptions{});
  sender->Enqueue(Delivery({milliseconds(10)}));
  for (int i = 0; i < 400 && !transport.entered; ++i) std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(transport.entered);
  auto start = std::chrono::steady_clock::now();
  sender.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

}  // namespace
}  // namespace ot::monitor

namespace ot::monitor {
namespace {

class MemoryOutbox final : public SnsOutbox {
 public:
  Status Save(const std::string& id, const std::string& json) override {
    std::lock_guard lock(mu_);
    saved_[id] = json;
    saves_++;
    return Status::Ok();
  }
  void Remove(const std::string& id) override {
    std::lock_guard lock(mu_);
    saved_.erase(id);
  }
  std::map<std::string, std::string> saved() {
    std::lock_guard lock(mu_);
    return saved_;
  }
  int saves() {
    std::lock_guard lock(mu_);
    return saves_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> saved_;
  int saves_ = 0;
};

TEST(SnsOutbox, QueuedDeliveriesRoundTrip) {
  SnsQueued q;
  q.delivery = Delivery({milliseconds(20000), milliseconds(1)});
  q.delivery.id = "d-1";
  q.delivery.message_type = "Notification";
  q.delivery.subscription_arn = "arn:aws:sns:us-east-1:111122223333:t:s";
  q.delivery.headers = {{"x-amz-sns-message-type", "Notification"}, {"Content-Type", "a\"b"}};
  q.attempts = 2;
  q.first = SysMillis(milliseconds(1714566896123));
  q.next = SysMillis(milliseconds(1714566916123));

  auto back = ParseSnsQueued(SnsQueuedJson(q));

  ASSERT_THAT(back.status(), IsOk());
  EXPECT_EQ(back->delivery.id, "d-1");
  EXPECT_EQ(back->delivery.message_type, "Notification");
  EXPECT_EQ(back->delivery.url, q.delivery.url);
  EXPECT_EQ(back->delivery.body, q.delivery.body);
  EXPECT_EQ(back->delivery.headers, q.delivery.headers);
  EXPECT_EQ(back->delivery.retry_delays, q.delivery.retry_delays);
  EXPECT_EQ(back->delivery.subscription_arn, q.delivery.subscription_arn);
  EXPECT_EQ(back->attempts, 2u);
  EXPECT_EQ(back->first, q.first);
  EXPECT_EQ(back->next, q.next);
  EXPECT_FALSE(ParseSnsQueued("{}").ok());
  EXPECT_FALSE(ParseSnsQueued("not json").ok());
}

TEST(SnsOutbox, KeepsADeliveryUntilItIsDeliveredOrGivenUp) {
  MemoryOutbox outbox;
  ScriptedTransport transport({500, 500});
  SnsSenderOptions options;
  options.outbox = &outbox;
  {
    SnsSender sender(transport, RealClock(), options);
    SnsDelivery d = Delivery({milliseconds(20), milliseconds(20)});
    d.id = "kept";
    sender.Enqueue(d);
    EXPECT_EQ(outbox.saved().count("kept"), 1u);  // saved before the first attempt
    ASSERT_TRUE(WaitFor(sender, 1));
  }
  EXPECT_EQ(outbox.saves(), 3);         // queued, then after each of the two failures
  EXPECT_TRUE(outbox.saved().empty());  // delivered: forgotten
  // Given up (a 4xx) is forgotten too; a delivery without an id is never saved.
  ScriptedTransport refusing({404});
  SnsSender sender(refusing, RealClock(), options);
  SnsDelivery d = Delivery({milliseconds(20)});
  d.id = "refused";
  sender.Enqueue(d);
  sender.Enqueue(Delivery({}));
  ASSERT_TRUE(WaitFor(sender, 2));
  EXPECT_TRUE(outbox.saved().empty());
  EXPECT_EQ(outbox.saves(), 4);
}

TEST(SnsOutbox, AStoppedSenderLeavesRetriesSavedAndResumeFinishesThem) {
  MemoryOutbox outbox;
  SnsSenderOptions options;
  options.outbox = &outbox;
  ScriptedTransport failing({500});
  {
    SnsSender sender(failing, RealClock(), options);
    SnsDelivery d = Delivery({milliseconds(60000)});  // a retry a minute away
    d.id = "pending";
    sender.Enqueue(d);
    for (int i = 0; i < 500 && sender.stats().retried == 0; ++i) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    ASSERT_EQ(sender.stats().retried, 1u);
  }  // stopped with the retry queued
  auto saved = outbox.saved();
  ASSERT_EQ(saved.size(), 1u);
  auto queued = ParseSnsQueued(saved.at("pending"));
  ASSERT_THAT(queued.status(), IsOk());
  EXPECT_EQ(queued->attempts, 1u);
  EXPECT_GT(queued->next, queued->first + milliseconds(59000));

  queued->next = RealClock().Now();  // as if the minute had passed while the server was down
  ScriptedTransport healthy({});
  SnsSender sender(healthy, RealClock(), options);
  sender.Resume(*queued);
  ASSERT_TRUE(WaitFor(sender, 1));
  EXPECT_EQ(sender.stats().delivered, 1u);
  EXPECT_EQ(healthy.bodies().size(), 1u);
  EXPECT_TRUE(outbox.saved().empty());
}

}  // namespace
}  // namespace ot::monitor
