// SNS subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions(ByTopic),
// Get/SetSubscriptionAttributes (sns.md §2, §5).

#include "api/handlers/iam_util.h"
#include "api/handlers/sns_operations.h"
#include "api/handlers/sns_util.h"
#include "common/json_writer.h"
#include "monitor/sns_delivery.h"
#include "monitor/sns_email.h"

namespace ot::api::handlers {

using internal::Sns;
using internal::SnsInvalid;
using internal::Xml;

namespace {

constexpr size_t kPageSize = 100;

// http://host[:port][/…] or https://…: a scheme, then a non-empty host.
bool EndpointMatches(std::string_view protocol, std::string_view endpoint) {
  std::string prefix = std::string(protocol) + "://";
  if (endpoint.substr(0, prefix.size()) != prefix) return false;
  std::string_view rest = endpoint.substr(prefix.size());
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty() || host.front() == ':') return false;
  for (char c : endpoint) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return endpoint.size() <= 2048;
}

Status ValidateSubscriptionAttribute(std::string_view name, std::string_view value) {
  if (name == "RawMessageDelivery") {
    if (value != "true" && value != "false") return SnsInvalid("RawMessageDelivery");
    return Status::Ok();
  }
  if (name == "DeliveryPolicy") return monitor::ParseSnsDeliveryPolicy(value, true).status();
  if (name == "FilterPolicy" || name == "FilterPolicyScope" || name == "RedrivePolicy" ||
      name == "SubscriptionRoleArn") {
    return SnsInvalid("Attributes Reason: " + std::string(name) +
                      " is not supported by this server");
  }
  return SnsInvalid("Attributes Reason: Unknown attribute " + std::string(name));
}

std::string SubscriptionArnJson(std::string_view arn) {
  JsonWriter w;
  w.BeginObject().Key("subscriptionArn").String(arn).EndObject();
  return w.Take();
}

Result<std::string> SubscriptionArnMember(const QueryParams& params) {
  auto arn = params.Get("SubscriptionArn");
  if (!arn || !monitor::TopicOfSubscriptionArn(*arn)) return SnsInvalid("SubscriptionArn");
  return std::string(*arn);
}

void WriteSubscriptions(Xml& x, const monitor::SnsPage<monitor::SnsSubscription>& page) {
  x.List("Subscriptions", page.items, [](Xml& xml, const monitor::SnsSubscription& s) {
    xml.Open("member");
    xml.Leaf("TopicArn", s.topic_arn);
    xml.Leaf("Protocol", s.protocol);
    xml.Leaf("SubscriptionArn", s.pending ? "PendingConfirmation" : s.arn);
    xml.Leaf("Owner", s.owner);
    xml.Leaf("Endpoint", s.endpoint);
    xml.Close("member");
  });
  if (!page.next_token.empty()) x.Leaf("NextToken", page.next_token);
}

bool Signed(const CallContext& ctx) { return !ctx.caller.principal.arn.empty(); }

}  // namespace

Result<Outcome> Subscribe(const Services& services, const CallContext& ctx,
                          const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string topic, internal::SnsTopicArnMember(params, "TopicArn"));
  OT_ASSIGN_OR_RETURN(std::string protocol, internal::SnsRequired(params, "Protocol"));
  const bool email = protocol == "email" || protocol == "email-json";
  if (email && !sns->email_enabled()) {
    return SnsInvalid("Protocol Reason: " + protocol +
                      " subscriptions need an SMTP relay (serve --smtp-relay)");
  }
  if (protocol != "http" && protocol != "https" && !email) {
    static constexpr std::string_view kKnown[] = {"sqs", "lambda", "sms", "application",
                                                  "firehose"};
    for (std::string_view p : kKnown) {
      if (protocol == p) {
        return SnsInvalid("Protocol Reason: " + protocol +
                          " subscriptions are not supported by this server (http, https, email, "
                          "email-json)");
      }
    }
    return SnsInvalid("Invalid protocol type: " + protocol);
  }
  std::string endpoint(params.Get("Endpoint").value_or(""));
  if (email && !monitor::IsEmailAddress(endpoint)) return SnsInvalid("Email address");
  if (!email && !EndpointMatches(protocol, endpoint)) return SnsInvalid("Endpoint");
  OT_ASSIGN_OR_RETURN(auto attributes, internal::SnsMapMember(params, "Attributes"));
  for (const auto& [k, v] : attributes) OT_RETURN_IF_ERROR(ValidateSubscriptionAttribute(k, v));
  OT_ASSIGN_OR_RETURN(monitor::SnsSubscription sub,
                      sns->Subscribe(topic, protocol, endpoint, attributes, ctx.now));
  const bool return_arn = internal::BoolMember(params, "ReturnSubscriptionArn");
  std::string shown = sub.pending && !return_arn ? "pending confirmation" : sub.arn;
  Outcome out;
  Xml x;
  x.Leaf("SubscriptionArn", shown);
  out.body = x.Take();
  out.response_elements = SubscriptionArnJson(shown);
  out.resources = internal::SnsTopicResource(topic);
  return out;
}

Result<Outcome> ConfirmSubscription(const Services& services, const CallContext& ctx,
                                    const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string topic, internal::SnsTopicArnMember(params, "TopicArn"));
  OT_ASSIGN_OR_RETURN(std::string token, internal::SnsRequired(params, "Token"));
  auto auth_on_unsub = params.Get("AuthenticateOnUnsubscribe");
  const bool want_auth = auth_on_unsub && *auth_on_unsub == "true";
  if (auth_on_unsub && *auth_on_unsub != "true" && *auth_on_unsub != "false") {
    return SnsInvalid("AuthenticateOnUnsubscribe");
  }
  if (want_auth && !Signed(ctx)) {
    return Status(Error::kSnsAuthorizationError,
                  "AuthenticateOnUnsubscribe requires a signed ConfirmSubscription call");
  }
  OT_ASSIGN_OR_RETURN(monitor::SnsSubscription sub,
                      sns->store().Confirm(topic, token, Signed(ctx), want_auth, ctx.now));
  Outcome out;
  Xml x;
  x.Leaf("SubscriptionArn", sub.arn);
  out.body = x.Take();
  out.response_elements = SubscriptionArnJson(sub.arn);
  out.resources = internal::SnsTopicResource(topic);
  return out;
}

Result<Outcome> Unsubscribe(const Services& services, const CallContext& ctx,
                            const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string arn, SubscriptionArnMember(params));
  if (!Signed(ctx)) {
    OT_ASSIGN_OR_RETURN(monitor::SnsSubscription sub, sns->store().GetSubscription(arn));
    if (sub.authenticate_on_unsubscribe) {
      return Status(Error::kSnsAuthorizationError,
                    "This subscription was confirmed with AuthenticateOnUnsubscribe: "
                    "Unsubscribe requires a signed request");
    }
  }
  OT_RETURN_IF_ERROR(sns->Unsubscribe(arn, ctx.now));
  Outcome out;
  out.resources = internal::SnsTopicResource(*monitor::TopicOfSubscriptionArn(arn));
  return out;
}

Result<Outcome> ListSubscriptions(const Services& services, const CallContext& ctx,
                                  const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(
      auto page, sns->store().ListSubscriptions(ctx.caller.region, "",
                                                params.Get("NextToken").value_or(""), kPageSize));
  Outcome out;
  Xml x;
  WriteSubscriptions(x, page);
  out.body = x.Take();
  return out;
}

Result<Outcome> ListSubscriptionsByTopic(const Services& services, const CallContext& ctx,
                                         const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string topic, internal::SnsTopicArnMember(params, "TopicArn"));
  OT_ASSIGN_OR_RETURN(
      auto page, sns->store().ListSubscriptions(ctx.caller.region, topic,
                                                params.Get("NextToken").value_or(""), kPageSize));
  Outcome out;
  Xml x;
  WriteSubscriptions(x, page);
  out.body = x.Take();
  return out;
}

Result<Outcome> GetSubscriptionAttributes(const Services& services, const CallContext&,
                                          const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string arn, SubscriptionArnMember(params));
  OT_ASSIGN_OR_RETURN(monitor::SnsSubscription sub, sns->store().GetSubscription(arn));
  auto attr = [&](std::string_view name) -> std::optional<std::string> {
    auto it = sub.attributes.find(std::string(name));
    if (it == sub.attributes.end()) return std::nullopt;
    return it->second;
  };
  std::string effective(monitor::kSnsDefaultDeliveryPolicy);
  if (auto p = attr("DeliveryPolicy")) {
    effective = *p;
  } else if (auto topic = sns->store().GetTopic(sub.topic_arn); topic.ok()) {
    if (auto it = topic->attributes.find("DeliveryPolicy"); it != topic->attributes.end()) {
      effective = it->second;
    }
  }
  std::vector<std::pair<std::string, std::string>> entries = {
      {"Owner", sub.owner},
      {"RawMessageDelivery", attr("RawMessageDelivery").value_or("false")},
      {"TopicArn", sub.topic_arn},
      {"Endpoint", sub.endpoint},
      {"Protocol", sub.protocol},
      {"PendingConfirmation", sub.pending ? "true" : "false"},
      {"ConfirmationWasAuthenticated", sub.confirmation_authenticated ? "true" : "false"},
      {"SubscriptionArn", sub.arn},
      {"EffectiveDeliveryPolicy", effective},
  };
  if (auto p = attr("DeliveryPolicy")) entries.emplace_back("DeliveryPolicy", *p);
  return internal::SnsAttributesOutcome(entries);
}

Result<Outcome> SetSubscriptionAttributes(const Services& services, const CallContext&,
                                          const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  OT_ASSIGN_OR_RETURN(std::string arn, SubscriptionArnMember(params));
  OT_ASSIGN_OR_RETURN(std::string name, internal::SnsRequired(params, "AttributeName"));
  std::string value(params.Get("AttributeValue").value_or(""));
  if (name != "RawMessageDelivery" && name != "DeliveryPolicy") {
    Status s = ValidateSubscriptionAttribute(name, value);
    return s.ok() ? SnsInvalid("AttributeName") : s;
  }
  OT_RETURN_IF_ERROR(ValidateSubscriptionAttribute(name, value));
  OT_RETURN_IF_ERROR(sns->store().SetSubscriptionAttribute(arn, name, value));
  Outcome out;
  out.resources = internal::SnsTopicResource(*monitor::TopicOfSubscriptionArn(arn));
  return out;
}

}  // namespace ot::api::handlers
