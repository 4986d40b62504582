#pragma once

// The SNS Query handlers (shared/spec/sns.md §2): each reads its members, validates them with
// SNS's InvalidParameter messages, calls Services::sns, and returns the inner XML of its
// <{Op}Result> plus what the call's record keeps.

#include <optional>
#include <string>
#include <string_view>

#include "api/handlers/operation.h"
#include "api/protocol/query.h"
#include "auth/policy.h"

namespace ot::api::handlers {

using SnsHandler = Result<Outcome>(const Services&, const CallContext&, const QueryParams&);

SnsHandler CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes, SetTopicAttributes;
SnsHandler Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions, ListSubscriptionsByTopic,
    GetSubscriptionAttributes, SetSubscriptionAttributes;
SnsHandler Publish;

// The ARN an sns: action is authorized on: the topic (named by TopicArn, TargetArn, Name for
// CreateTopic, or the topic of SubscriptionArn), "*" for the List operations.
std::string SnsResource(const Services& services, const CallContext& ctx, std::string_view action,
                        const QueryParams& params);
// The compiled access policy of the topic an action addresses, when the topic exists and the
// action is one its policy governs (not CreateTopic, the Lists, or subscription operations).
std::optional<auth::Policy> SnsTopicPolicy(const Services& services, std::string_view action,
                                           std::string_view resource);

// A caller with no identity, for the unsigned ConfirmSubscription / Unsubscribe links
// (protocols.md §0): handlers see an empty principal ARN.
const auth::Caller& SnsAnonymousCaller();

}  // namespace ot::api::handlers
