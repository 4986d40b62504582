#pragma once

// SNS topics and subscriptions (shared/spec/sns.md §1–§3, §5): the durable registry behind the
// SNS Query API. Topics are per region; http/https subscriptions start pending with a
// confirmation token and become confirmed through ConfirmSubscription.
//
// Stored as metadata documents: kind "sns-topic", id = topic ARN:
//   {"arn","name","region","owner","attributes":{…writable attributes…},"tags":[[k,v],…],
//    "deleted":N}
// kind "sns-subscription", id = subscription ARN:
//   {"arn","topicArn","protocol","endpoint","owner","pending","token","tokenCreated" (epoch ms),
//    "authenticated","authOnUnsubscribe","unsubscribed","attributes":{…}}
// An unsubscribed subscription is kept (flagged "unsubscribed") for the two days its token may
// restore it through the UnsubscribeConfirmation's SubscribeURL; it is dropped after that.
// Thread-safe: every method takes one mutex; writes reach the database before they return.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "store/metadata.h"

namespace ot::monitor {

// How long a confirmation token stays valid (sns.md §1).
inline constexpr std::chrono::hours kSnsTokenLifetime{48};

// The default EffectiveDeliveryPolicy (sns.md §3).
inline constexpr std::string_view kSnsDefaultDeliveryPolicy =
    R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,)"
    R"("numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,)"
    R"("backoffFunction":"linear"},"disableSubscriptionOverrides":false,)"
    R"("defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}})";

struct SnsTopic {
  std::string arn;
  std::string name;
  std::string region;
  std::string owner;  // account id
  // The writable attributes as set (Policy, DisplayName, DeliveryPolicy, SignatureVersion, …).
  std::map<std::string, std::string> attributes;
  std::vector<std::pair<std::string, std::string>> tags;
  uint64_t subscriptions_deleted = 0;
};

struct SnsSubscription {
  std::string arn;
  std::string topic_arn;
  std::string protocol;  // "http" | "https"
  std::string endpoint;
  std::string owner;
  bool pending = true;
  std::string token;  // the current confirmation token (empty once used)
  SysMillis token_created{};
  bool confirmation_authenticated = false;
  bool authenticate_on_unsubscribe = false;
  bool unsubscribed = false;
  std::map<std::string, std::string> attributes;  // RawMessageDelivery, DeliveryPolicy, …
};

struct SnsTopicCounts {
  uint64_t pending = 0, confirmed = 0, deleted = 0;
};

template <class T>
struct SnsPage {
  std::vector<T> items;
  std::string next_token;  // empty on the last page
};

// The default access policy of a new topic (sns.md §3), compact JSON.
std::string SnsDefaultTopicPolicy(std::string_view topic_arn, std::string_view owner);

// Topic names: 1–256 of A-Z a-z 0-9 _ - (sns.md §1).
bool IsValidSnsTopicName(std::string_view name);

// "arn:aws:sns:<region>:<account>:<name>" split into {region, account, name}; nullopt otherwise.
struct SnsTopicArnParts {
  std::string region, account, name;
};
std::optional<SnsTopicArnParts> ParseSnsTopicArn(std::string_view arn);
// The topic ARN of a subscription ARN ("<topic ARN>:<uuid>"); nullopt when malformed.
std::optional<std::string> TopicOfSubscriptionArn(std::string_view subscription_arn);

class SnsStore {
 public:
  // Loads every topic and subscription; drops unsubscribed ones whose token expired.
  static Result<std::unique_ptr<SnsStore>> Open(store::MetadataDb& db, Env& env,
                                                std::string account_id);

  const std::string& account_id() const { return account_id_; }

  // Idempotent: an existing name returns its ARN, unless `attributes` name a value different
  // from the topic's (kInvalidParameter "Invalid parameter: Attributes Reason: Topic already
  // exists with different attributes"). A new topic gets the default Policy unless given one.
  // The caller validates names and attribute values.
  Result<std::string> CreateTopic(std::string_view region, std::string_view name,
                                  const std::map<std::string, std::string>& attributes,
                                  const std::vector<std::pair<std::string, std::string>>& tags);
  // Removes the topic and all its subscriptions. kNotFound "Topic does not exist".
  Status DeleteTopic(std::string_view arn);
  Result<SnsTopic> GetTopic(std::string_view arn) const;
  SnsTopicCounts Counts(std::string_view topic_arn) const;
  // Sets (or, with an empty value for optional attributes, clears) one attribute.
  Status SetTopicAttribute(std::string_view arn, std::string_view name, std::string_view value);
  // Topics of `region` in ARN order, `limit` per page; `token` from the previous page
  // (kInvalidParameter "Invalid parameter: NextToken" when not one we issued).
  Result<SnsPage<SnsTopic>> ListTopics(std::string_view region, std::string_view token,
                                       size_t limit) const;

  struct SubscribeResult {
    SnsSubscription subscription;
    bool send_confirmation = false;  // new, or a pending one re-subscribed (with a fresh token)
  };
  // A (topic, protocol, endpoint) already subscribed returns that subscription; a pending one
  // gets a fresh token. kNotFound for an unknown topic.
  Result<SubscribeResult> Subscribe(std::string_view topic_arn, std::string_view protocol,
                                    std::string_view endpoint,
                                    const std::map<std::string, std::string>& attributes,
                                    SysMillis now);
  // Confirms the subscription holding `token` on `topic_arn` (or restores an unsubscribed one
  // whose UnsubscribeConfirmation carried it). kInvalidParameter "Invalid token" for an unknown,
  // expired or other topic's token. A confirmed subscription's token confirms it again.
  Result<SnsSubscription> Confirm(std::string_view topic_arn, std::string_view token,
                                  bool authenticated, bool authenticate_on_unsubscribe,
                                  SysMillis now);
  // Marks the subscription unsubscribed with a fresh restore token (returned in the result).
  // kNotFound "Subscription does not exist".
  Result<SnsSubscription> Unsubscribe(std::string_view subscription_arn, SysMillis now);
  // kNotFound "Subscription does not exist" (also for unsubscribed ones).
  Result<SnsSubscription> GetSubscription(std::string_view subscription_arn) const;
  Status SetSubscriptionAttribute(std::string_view subscription_arn, std::string_view name,
                                  std::string_view value);
  // Live subscriptions (pending and confirmed), of one topic when `topic_arn` is not empty, else
  // of `region`; in ARN order, paged like ListTopics.
  Result<SnsPage<SnsSubscription>> ListSubscriptions(std::string_view region,
                                                     std::string_view topic_arn,
                                                     std::string_view token, size_t limit) const;
  // The confirmed subscriptions of a topic (what Publish delivers to).
  std::vector<SnsSubscription> ConfirmedSubscriptions(std::string_view topic_arn) const;

 private:
  SnsStore(store::MetadataDb& db, Env& env, std::string account_id)
      : db_(db), env_(env), account_id_(std::move(account_id)) {}
  Status SaveTopic(const SnsTopic& topic);
  Status SaveSubscription(const SnsSubscription& sub);
  std::string NewToken();

  store::MetadataDb& db_;
  Env& env_;
  std::string account_id_;
  mutable std::mutex mu_;
  std::map<std::string, SnsTopic, std::less<>> topics_;                // by ARN
  std::map<std::string, SnsSubscription, std::less<>> subscriptions_;  // by ARN
};

}  // namespace ot::monitor
