#include "monitor/sns_message.h"

#include "common/encoding.h"
#include "common/json_writer.h"
#include "crypto/rsa.h"

namespace ot::monitor {
namespace {

void Field(std::string* out, std::string_view name, std::string_view value) {
  out->append(name);
  out->push_back('\n');
  out->append(value);
  out->push_back('\n');
}

void JsonField(std::string* out, bool* first, std::string_view name, std::string_view value) {
  out->append(*first ? "\n  " : ",\n  ");
  *first = false;
  AppendJsonString(out, name);
  out->append(" : ");
  AppendJsonString(out, value);
}

}  // namespace

std::string_view SnsMessageTypeName(SnsMessageType type) {
  switch (type) {
    case SnsMessageType::kNotification:
      return "Notification";
    case SnsMessageType::kSubscriptionConfirmation:
      return "SubscriptionConfirmation";
    case SnsMessageType::kUnsubscribeConfirmation:
      return "UnsubscribeConfirmation";
  }
  return "Notification";
}

std::string SnsStringToSign(const SnsMessage& m) {
  std::string s;
  Field(&s, "Message", m.message);
  Field(&s, "MessageId", m.message_id);
  if (m.type == SnsMessageType::kNotification) {
    if (m.has_subject) Field(&s, "Subject", m.subject);
    Field(&s, "Timestamp", m.timestamp);
    Field(&s, "TopicArn", m.topic_arn);
  } else {
    Field(&s, "SubscribeURL", m.subscribe_url);
    Field(&s, "Timestamp", m.timestamp);
    Field(&s, "Token", m.token);
    Field(&s, "TopicArn", m.topic_arn);
  }
  Field(&s, "Type", SnsMessageTypeName(m.type));
  return s;
}

Status SignSnsMessage(SnsMessage* m, std::string_view private_pkcs8_der) {
  std::string to_sign = SnsStringToSign(*m);
  Result<std::string> sig =
      Status(Error::kInvalidParameter, "Invalid parameter: SignatureVersion must be 1 or 2");
  if (m->signature_version == "1") {
    sig = crypto::RsaSignSha1(private_pkcs8_der, to_sign);
  } else if (m->signature_version == "2") {
    sig = crypto::RsaSignSha256(private_pkcs8_der, to_sign);
  }
  if (!sig.ok()) return sig.status();
  m->signature = Base64Encode(*sig);
  return Status::Ok();
}

bool VerifySnsMessage(const SnsMessage& m, std::string_view public_pkcs1_der) {
  auto sig = Base64Decode(m.signature);
  if (!sig) return false;
  std::string to_sign = SnsStringToSign(m);
  if (m.signature_version == "1") return crypto::RsaVerifySha1(public_pkcs1_der, to_sign, *sig);
  if (m.signature_version == "2") return crypto::RsaVerifySha256(public_pkcs1_der, to_sign, *sig);
  return false;
}

std::string SnsMessageBody(const SnsMessage& m) {
  std::string out = "{";
  bool first = true;
  JsonField(&out, &first, "Type", SnsMessageTypeName(m.type));
  JsonField(&out, &first, "MessageId", m.message_id);
  if (m.type == SnsMessageType::kNotification) {
    JsonField(&out, &first, "TopicArn", m.topic_arn);
    if (m.has_subject) JsonField(&out, &first, "Subject", m.subject);
    JsonField(&out, &first, "Message", m.message);
    JsonField(&out, &first, "Timestamp", m.timestamp);
    JsonField(&out, &first, "SignatureVersion", m.signature_version);
    JsonField(&out, &first, "Signature", m.signature);
    JsonField(&out, &first, "SigningCertURL", m.signing_cert_url);
    JsonField(&out, &first, "UnsubscribeURL", m.unsubscribe_url);
    if (!m.attributes.empty()) {
      out.append(",\n  \"MessageAttributes\" : {");
      bool first_attr = true;
      for (const SnsMessageAttribute& a : m.attributes) {
        out.append(first_attr ? "\n    " : ",\n    ");
        first_attr = false;
        AppendJsonString(&out, a.name);
        out.append(" : {\"Type\":");
        AppendJsonString(&out, a.type);
        out.append(",\"Value\":");
        AppendJsonString(&out, a.value);
        out.append("}");
      }
      out.append("\n  }");
    }
  } else {
    JsonField(&out, &first, "Token", m.token);
    JsonField(&out, &first, "TopicArn", m.topic_arn);
    JsonField(&out, &first, "Message", m.message);
    JsonField(&out, &first, "SubscribeURL", m.subscribe_url);
    JsonField(&out, &first, "Timestamp", m.timestamp);
    JsonField(&out, &first, "SignatureVersion", m.signature_version);
    JsonField(&out, &first, "Signature", m.signature);
    JsonField(&out, &first, "SigningCertURL", m.signing_cert_url);
  }
  out.append("\n}");
  return out;
}

std::string SnsSubscribeText(std::string_view topic_arn) {
  return "You have chosen to subscribe to the topic " + std::string(topic_arn) +
         ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
}

std::string SnsUnsubscribeText(std::string_view subscription_arn) {
  return "You have chosen to deactivate subscription " + std::string(subscription_arn) +
         ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL "
         "included in this message.";
}

}  // namespace ot::monitor
