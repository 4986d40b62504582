// SNS handler helpers, the resource and topic policy of each sns: action, and the anonymous
// caller of unsigned confirmation links.

#include "api/handlers/sns_util.h"

#include <algorithm>

#include "api/handlers/iam_util.h"
#include "api/handlers/sns_operations.h"
#include "monitor/sns_delivery.h"

namespace ot::api::handlers {
namespace internal {

Result<monitor::SnsService*> Sns(const Services& services) {
  if (services.sns == nullptr) return Status(Error::kInternal, "this server runs without SNS");
  return services.sns;
}

Status SnsInvalid(std::string_view what) {
  return Status(Error::kInvalidParameter, "Invalid parameter: " + std::string(what));
}

Outcome SnsAttributesOutcome(const std::vector<std::pair<std::string, std::string>>& entries) {
  Xml x;
  x.Open("Attributes");
  for (const auto& [k, v] : entries) {
    x.Open("entry").Leaf("key", k).Leaf("value", v).Close("entry");
  }
  x.Close("Attributes");
  Outcome out;
  out.body = x.Take();
  return out;
}

Result<std::string> SnsRequired(const QueryParams& params, std::string_view name) {
  auto v = params.Get(name);
  if (!v || v->empty()) return SnsInvalid(name);
  return std::string(*v);
}

Result<std::string> SnsTopicArnMember(const QueryParams& params, std::string_view name) {
  auto v = params.Get(name);
  if (!v || !monitor::ParseSnsTopicArn(*v)) return SnsInvalid(name);
  return std::string(*v);
}

Result<std::map<std::string, std::string>> SnsMapMember(const QueryParams& params,
                                                        std::string_view name) {
  // index → (key, value)
  std::map<long, std::pair<std::optional<std::string>, std::optional<std::string>>> entries;
  const std::string prefix = std::string(name) + ".entry.";
  for (const auto& [k, v] : params.all()) {
    if (k.compare(0, prefix.size(), prefix) != 0) continue;
    std::string_view rest = std::string_view(k).substr(prefix.size());
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 6) return SnsInvalid(name);
    std::string_view index = rest.substr(0, dot), field = rest.substr(dot + 1);
    if (!std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return SnsInvalid(name);
    }
    auto& e = entries[std::stol(std::string(index))];
    if (field == "key") {
      e.first = v;
    } else if (field == "value") {
      e.second = v;
    } else {
      return SnsInvalid(name);
    }
  }
  std::map<std::string, std::string> out;
  for (auto& [i, kv] : entries) {
    if (!kv.first) return SnsInvalid(std::string(name) + " Reason: an entry has no key");
    if (!out.emplace(*kv.first, kv.second.value_or("")).second) {
      return SnsInvalid(std::string(name) + " Reason: duplicate key " + *kv.first);
    }
  }
  return out;
}

Status ValidateTopicAttribute(std::string_view name, std::string_view value) {
  if (name == "Policy") {
    auth::ParseOptions options;
    options.kind = auth::PolicyKind::kResource;
    options.latin1_only = false;
    options.max_chars = 30720;
    auto parsed = auth::ParsePolicy(value, options);
    if (!parsed.ok()) return SnsInvalid("Policy Error: " + parsed.status().message());
    return Status::Ok();
  }
  if (name == "DisplayName") {
    if (value.size() > 100) return SnsInvalid("DisplayName");
    return Status::Ok();
  }
  if (name == "DeliveryPolicy") {
    if (value.empty()) return Status::Ok();
    return monitor::ParseSnsDeliveryPolicy(value, false).status();
  }
  if (name == "SignatureVersion") {
    if (value != "1" && value != "2") {
      return SnsInvalid("SignatureVersion: must be 1 or 2");
    }
    return Status::Ok();
  }
  if (name == "KmsMasterKeyId" || name == "TracingConfig") {
    if (name == "TracingConfig" && !value.empty() && value != "PassThrough" && value != "Active") {
      return SnsInvalid("TracingConfig");
    }
    return Status::Ok();
  }
  return SnsInvalid("AttributeName");
}

std::vector<events::Resource> SnsTopicResource(std::string_view arn) {
  events::Resource r;
  r.arn = std::string(arn);
  r.type = "AWS::SNS::Topic";
  r.has_arn = r.has_type = true;
  if (auto parts = monitor::ParseSnsTopicArn(arn)) {
    r.account_id = parts->account;
    r.has_account_id = true;
  }
  return {r};
}

}  // namespace internal

namespace {

bool Is(std::string_view action, std::string_view name) {
  if (action.size() != name.size()) return false;
  for (size_t i = 0; i < action.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(action[i])) !=
        std::tolower(static_cast<unsigned char>(name[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string SnsResource(const Services& services, const CallContext& ctx, std::string_view action,
                        const QueryParams& params) {
  auto get = [&](std::string_view name) { return std::string(params.Get(name).value_or("")); };
  if (Is(action, "sns:ListTopics") || Is(action, "sns:ListSubscriptions")) return "*";
  if (Is(action, "sns:CreateTopic")) {
    return "arn:aws:sns:" + ctx.caller.region + ":" + services.account_id + ":" + get("Name");
  }
  if (Is(action, "sns:Unsubscribe") || Is(action, "sns:GetSubscriptionAttributes") ||
      Is(action, "sns:SetSubscriptionAttributes")) {
    auto topic = monitor::TopicOfSubscriptionArn(get("SubscriptionArn"));
    return topic ? *topic : "*";
  }
  std::string arn = get("TopicArn");
  if (arn.empty() && Is(action, "sns:Publish")) arn = get("TargetArn");
  return monitor::ParseSnsTopicArn(arn) ? arn : "*";
}

std::optional<auth::Policy> SnsTopicPolicy(const Services& services, std::string_view action,
                                           std::string_view resource) {
  if (services.sns == nullptr || resource == "*") return std::nullopt;
  if (Is(action, "sns:CreateTopic") || Is(action, "sns:Unsubscribe") ||
      Is(action, "sns:GetSubscriptionAttributes") || Is(action, "sns:SetSubscriptionAttributes")) {
    return std::nullopt;
  }
  auto topic = services.sns->store().GetTopic(resource);
  if (!topic.ok()) return std::nullopt;
  auto text = topic->attributes.find("Policy");
  if (text == topic->attributes.end()) return std::nullopt;
  auth::ParseOptions options;
  options.kind = auth::PolicyKind::kResource;
  options.latin1_only = false;
  options.max_chars = 0;
  auto policy = auth::ParsePolicy(text->second, options);
  if (!policy.ok()) return std::nullopt;
  return std::move(*policy);
}

const auth::Caller& SnsAnonymousCaller() {
  static const auth::Caller caller = [] {
    auth::Caller c;
    c.service = "sns";
    return c;
  }();
  return caller;
}

}  // namespace ot::api::handlers
