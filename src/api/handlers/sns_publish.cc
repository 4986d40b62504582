// SNS Publish (sns.md §2): validation of Message, Subject, MessageStructure and
// MessageAttributes, then fan-out to the topic's confirmed subscriptions.

#include <map>

#include "api/handlers/iam_util.h"
#include "api/handlers/sns_operations.h"
#include "api/handlers/sns_util.h"
#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/json_writer.h"

namespace ot::api::handlers {

using internal::Sns;
using internal::SnsInvalid;
using internal::Xml;

namespace {

constexpr size_t kMaxMessageBytes = 262144;

bool ValidSubject(std::string_view s) {
  if (s.empty() || s.size() >= 100 || s.front() == ' ') return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue / .Value.BinaryValue.
Result<std::vector<monitor::SnsMessageAttribute>> ReadAttributes(const QueryParams& params,
                                                                 size_t* bytes) {
  std::map<long, std::map<std::string, std::string>> entries;
  constexpr std::string_view kPrefix = "MessageAttributes.entry.";
  for (const auto& [k, v] : params.all()) {
    if (k.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    std::string_view rest = std::string_view(k).substr(kPrefix.size());
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 6)
      return SnsInvalid("MessageAttributes");
    std::string_view index = rest.substr(0, dot);
    for (char c : index) {
      if (c < '0' || c > '9') return SnsInvalid("MessageAttributes");
    }
    entries[std::stol(std::string(index))][std::string(rest.substr(dot + 1))] = v;
  }
  if (entries.size() > 10) {
    return SnsInvalid("MessageAttributes Reason: at most 10 message attributes");
  }
  std::vector<monitor::SnsMessageAttribute> out;
  for (auto& [i, fields] : entries) {
    monitor::SnsMessageAttribute a;
    a.name = fields["Name"];
    a.type = fields["Value.DataType"];
    if (a.name.empty() || a.name.size() > 256) return SnsInvalid("MessageAttributes Reason: Name");
    for (const auto& prev : out) {
      if (prev.name == a.name) {
        return SnsInvalid("MessageAttributes Reason: duplicate name " + a.name);
      }
    }
    const bool binary = a.type.rfind("Binary", 0) == 0;
    if (!binary && a.type.rfind("String", 0) != 0 && a.type.rfind("Number", 0) != 0) {
      return SnsInvalid("The message attribute '" + a.name +
                        "' has an invalid message attribute type, the set of supported type "
                        "prefixes is Binary, Number, and String.");
    }
    auto value = fields.find(binary ? "Value.BinaryValue" : "Value.StringValue");
    if (value == fields.end() || value->second.empty()) {
      return SnsInvalid("The message attribute '" + a.name +
                        "' must contain non-empty message attribute value for message "
                        "attribute type '" +
                        a.type + "'.");
    }
    if (binary && !Base64Decode(value->second)) {
      return SnsInvalid("The message attribute '" + a.name + "' has an invalid binary value");
    }
    a.value = value->second;
    *bytes += a.name.size() + a.type.size() + a.value.size();
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

Result<Outcome> Publish(const Services& services, const CallContext& ctx,
                        const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(monitor::SnsService * sns, Sns(services));
  monitor::SnsPublishRequest req;
  auto topic = params.Get("TopicArn");
  auto target = params.Get("TargetArn");
  if (topic && target) return SnsInvalid("TopicArn or TargetArn Reason: both were given");
  if (!topic && !target)
    return SnsInvalid("TopicArn or TargetArn Reason: no value for required parameter");
  OT_ASSIGN_OR_RETURN(req.topic_arn,
                      internal::SnsTopicArnMember(params, topic ? "TopicArn" : "TargetArn"));
  auto message = params.Get("Message");
  if (!message || message->empty()) return SnsInvalid("Empty message");
  req.message = std::string(*message);
  if (auto subject = params.Get("Subject")) {
    if (!ValidSubject(*subject)) return SnsInvalid("Subject");
    req.subject = std::string(*subject);
  }
  size_t bytes = req.message.size();
  OT_ASSIGN_OR_RETURN(req.attributes, ReadAttributes(params, &bytes));
  if (bytes > kMaxMessageBytes) return SnsInvalid("Message too long");
  if (auto structure = params.Get("MessageStructure")) {
    if (*structure != "json") return SnsInvalid("MessageStructure");
    auto doc = JsonDocument::Parse(req.message);
    if (!doc.ok() || !(*doc)->root().is_object()) {
      return SnsInvalid("Message Structure - JSON message body failed to parse");
    }
    auto def = (*doc)->root().Get("default");
    if (!def || !def->is_string()) {
      return SnsInvalid("Message Structure - No default entry in JSON message body");
    }
    std::string default_text(def->AsString());
    for (std::string_view protocol : {"http", "https"}) {
      if (auto v = (*doc)->root().Get(protocol); v && v->is_string()) {
        req.per_protocol.emplace(std::string(protocol), std::string(v->AsString()));
      }
    }
    req.message = std::move(default_text);
  }
  OT_ASSIGN_OR_RETURN(std::string message_id, sns->Publish(req, ctx.now));
  Outcome out;
  Xml x;
  x.Leaf("MessageId", message_id);
  out.body = x.Take();
  JsonWriter w;
  w.BeginObject().Key("messageId").String(message_id).EndObject();
  out.response_elements = w.Take();
  out.resources = internal::SnsTopicResource(req.topic_arn);
  return out;
}

}  // namespace ot::api::handlers
