// SNS topics: CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes (sns.md §2, §3).

#include "api/handlers/iam_util.h"
#include "api/handlers/sns_operations.h"
#include "api/handlers/sns_util.h"
#include "common/json_writer.h"

namespace ot::api::handlers {

using internal::Sns;
using internal::SnsInvalid;
using internal::Xml;

namespace {

constexpr size_t kPageSize = 100;

// Names SetTopicAttributes may not change (sns.md §2).
bool ReadOnlyTopicAttribute(std::string_view name) {
  return name == "Owner" || name == "TopicArn" || name == "SubscriptionsPending" ||
         name == "SubscriptionsConfirmed" || name == "SubscriptionsDeleted" ||
         name == "EffectiveDeliveryPolicy";
}

std::string ArnJson(std::string_view key, std::string_view arn) {
  JsonWriter w;
  w.BeginObject().Key(key).String(arn).EndObject();
  return w.Take();
}

}  // namespace

Result<Outcome> CreateTopic(const Services& services, const CallContext& ctx,
                            const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  auto name = params.Get("Name");
  if (!name || !monitor::IsValidSnsTopicName(*name)) return SnsInvalid("Topic Name");
  OT_ASSIGN_OR_RETURN(auto attributes, internal::SnsMapMember(params, "Attributes"));
  for (const auto& [k, v] : attributes) {
    if (ReadOnlyTopicAttribute(k)) return SnsInvalid("Attributes Reason: " + k + " is read-only");
    Status valid = internal::ValidateTopicAttribute(k, v);
    if (!valid.ok() && valid.message() == "Invalid parameter: AttributeName") {
      return SnsInvalid("Attributes Reason: Unknown attribute " + k);
    }
    OT_RETURN_IF_ERROR(valid);
  }
  std::vector<std::pair<std::string, std::string>> tags;
  for (const auto& tag : internal::ListMembers(params.all(), "Tags")) {
    auto key = internal::Get(tag, "Key");
    if (!key || key->empty() || key->size() > 128) return SnsInvalid("Tags Reason: Tag key");
    auto value = internal::Get(tag, "Value");
    if (value && value->size() > 256) return SnsInvalid("Tags Reason: Tag value");
    tags.emplace_back(std::string(*key), std::string(value.value_or("")));
  }
  if (tags.size() > 50) return SnsInvalid("Tags Reason: at most 50 tags");
  OT_ASSIGN_OR_RETURN(std::string arn,
                      sns->store().CreateTopic(ctx.caller.region, *name, attributes, tags));
  Outcome out;
  Xml x;
  x.Leaf("TopicArn", arn);
  out.body = x.Take();
  out.response_elements = ArnJson("topicArn", arn);
  out.resources = internal::SnsTopicResource(arn);
  return out;
}

Result<Outcome> DeleteTopic(const Services& services, const CallContext&,
                            const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string arn, internal::SnsTopicArnMember(params, "TopicArn"));
  OT_RETURN_IF_ERROR(sns->store().DeleteTopic(arn));
  Outcome out;
  out.resources = internal::SnsTopicResource(arn);
  return out;
}

Result<Outcome> ListTopics(const Services& services, const CallContext& ctx,
                           const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(
      auto page,
      sns->store().ListTopics(ctx.caller.region, params.Get("NextToken").value_or(""), kPageSize));
  Outcome out;
  Xml x;
  x.List("Topics", page.items, [](Xml& xml, const monitor::SnsTopic& t) {
    xml.Open("member").Leaf("TopicArn", t.arn).Close("member");
  });
  if (!page.next_token.empty()) x.Leaf("NextToken", page.next_token);
  out.body = x.Take();
  return out;
}

Result<Outcome> GetTopicAttributes(const Services& services, const CallContext&,
                                   const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string arn, internal::SnsTopicArnMember(params, "TopicArn"));
  OT_ASSIGN_OR_RETURN(monitor::SnsTopic topic, sns->store().GetTopic(arn));
  monitor::SnsTopicCounts counts = sns->store().Counts(arn);
  auto attr = [&](std::string_view name) -> std::optional<std::string> {
    auto it = topic.attributes.find(std::string(name));
    if (it == topic.attributes.end()) return std::nullopt;
    return it->second;
  };
  std::vector<std::pair<std::string, std::string>> entries;
  if (auto p = attr("Policy")) entries.emplace_back("Policy", *p);
  entries.emplace_back("Owner", topic.owner);
  entries.emplace_back("SubscriptionsPending", std::to_string(counts.pending));
  entries.emplace_back("TopicArn", topic.arn);
  entries.emplace_back(
      "EffectiveDeliveryPolicy",
      attr("DeliveryPolicy").value_or(std::string(monitor::kSnsDefaultDeliveryPolicy)));
  entries.emplace_back("SubscriptionsConfirmed", std::to_string(counts.confirmed));
  entries.emplace_back("DisplayName", attr("DisplayName").value_or(""));
  entries.emplace_back("SubscriptionsDeleted", std::to_string(counts.deleted));
  for (std::string_view optional :
       {"DeliveryPolicy", "SignatureVersion", "KmsMasterKeyId", "TracingConfig"}) {
    if (auto v = attr(optional)) entries.emplace_back(std::string(optional), *v);
  }
  return internal::SnsAttributesOutcome(entries);
}

Result<Outcome> SetTopicAttributes(const Services& services, const CallContext&,
                                   const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string arn, internal::SnsTopicArnMember(params, "TopicArn"));
  OT_ASSIGN_OR_RETURN(std::string name, internal::SnsRequired(params, "AttributeName"));
  std::string value(params.Get("AttributeValue").value_or(""));
  if (ReadOnlyTopicAttribute(name)) return SnsInvalid("AttributeName");
  OT_RETURN_IF_ERROR(internal::ValidateTopicAttribute(name, value));
  OT_RETURN_IF_ERROR(sns->store().SetTopicAttribute(arn, name, value));
  Outcome out;
  out.resources = internal::SnsTopicResource(arn);
  return out;
}

}  // namespace ot::api::handlers
