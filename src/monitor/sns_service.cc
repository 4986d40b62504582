#include "monitor/sns_service.h"

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/time.h"
#include "crypto/aead.h"
#include "crypto/rsa.h"
#include "crypto/x509.h"
#include "monitor/sns_email.h"

namespace ot::monitor {
namespace {

constexpr std::string_view kKeyKind = "sns-signing-key";
constexpr std::string_view kKeyId = "current";

}  // namespace

Result<SnsSigningKey> LoadOrCreateSnsSigningKey(store::MetadataDb& db, Env& env,
                                                std::string_view master_key,
                                                std::string_view region) {
  OT_ASSIGN_OR_RETURN(auto text, db.GetDocument(kKeyKind, kKeyId));
  if (text) {
    OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(*text));
    api::Members m(doc->root(), "");
    SnsSigningKey key;
    OT_ASSIGN_OR_RETURN(key.id, m.ReqString("id"));
    OT_ASSIGN_OR_RETURN(key.cert_pem, m.ReqString("certificate"));
    OT_ASSIGN_OR_RETURN(std::string sealed_b64, m.ReqString("sealedPrivateKey"));
    auto sealed = Base64Decode(sealed_b64);
    if (!sealed) return Status(Error::kCorruption, "sns-signing-key: bad sealedPrivateKey");
    OT_ASSIGN_OR_RETURN(key.private_der,
                        crypto::AeadOpen(master_key, *sealed, "sns-signing-key:" + key.id));
    return key;
  }
  OT_ASSIGN_OR_RETURN(crypto::RsaKeyPair pair, crypto::GenerateRsaKeyPair(2048));
  SnsSigningKey key;
  key.private_der = std::move(pair.private_pkcs8_der);
  auto now = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          env.clock.Now().time_since_epoch()));
  OT_ASSIGN_OR_RETURN(key.cert_pem,
                      crypto::MakeRsaSelfSignedCertificate(
                          key.private_der, "sns." + std::string(region) + ".opentrail", now, 3650));
  OT_ASSIGN_OR_RETURN(std::string fingerprint, crypto::CertificateFingerprint(key.cert_pem));
  key.id = fingerprint.substr(0, 32);
  std::string sealed =
      crypto::AeadSeal(master_key, env.random, key.private_der, "sns-signing-key:" + key.id);
  JsonWriter w;
  w.BeginObject();
  w.Key("id").String(key.id).Key("certificate").String(key.cert_pem);
  w.Key("sealedPrivateKey").String(Base64Encode(sealed));
  w.EndObject();
  OT_RETURN_IF_ERROR(db.PutDocument(kKeyKind, kKeyId, w.str()));
  return key;
}

SnsService::SnsService(SnsStore& store, SnsSender& sender, SnsSigningKey key, Env& env,
                       SnsServiceOptions options)
    : store_(store),
      sender_(sender),
      key_(std::move(key)),
      env_(env),
      options_(std::move(options)) {}

std::string SnsService::CertificatePath() const {
  return "/SimpleNotificationService-" + key_.id + ".pem";
}

std::string SnsService::SubscribeUrl(std::string_view topic_arn, std::string_view token) const {
  return options_.base_url + "/?Action=ConfirmSubscription&TopicArn=" + std::string(topic_arn) +
         "&Token=" + std::string(token);
}

SnsRetryPolicy SnsService::PolicyFor(const SnsTopic& topic, const SnsSubscription& sub) const {
  SnsRetryPolicy topic_policy;
  if (auto it = topic.attributes.find("DeliveryPolicy"); it != topic.attributes.end()) {
    if (auto p = ParseSnsDeliveryPolicy(it->second, false); p.ok()) topic_policy = *p;
  }
  if (topic_policy.disable_subscription_overrides) return topic_policy;
  if (auto it = sub.attributes.find("DeliveryPolicy"); it != sub.attributes.end()) {
    if (auto p = ParseSnsDeliveryPolicy(it->second, true); p.ok()) {
      if (p->header_content_type.empty()) p->header_content_type = topic_policy.header_content_type;
      return *p;
    }
  }
  return topic_policy;
}

void SnsService::SetStillWanted(SnsDelivery* d, SnsMessageType type, const std::string& arn) {
  SnsStore* store = &store_;
  if (type == SnsMessageType::kNotification) {
    d->still_wanted = [store, arn] {
      auto s = store->GetSubscription(arn);
      return s.ok() && !s->pending;
    };
  } else if (type == SnsMessageType::kSubscriptionConfirmation) {
    d->still_wanted = [store, arn] { return store->GetSubscription(arn).ok(); };
  }
}

void SnsService::Resume(const std::vector<std::string>& queued) {
  for (const std::string& json : queued) {
    auto q = ParseSnsQueued(json);
    if (!q.ok()) {
      Log(LogLevel::kError,
          "an unreadable queued SNS delivery was skipped: " + q.status().ToString());
      continue;
    }
    for (SnsMessageType type :
         {SnsMessageType::kNotification, SnsMessageType::kSubscriptionConfirmation,
          SnsMessageType::kUnsubscribeConfirmation}) {
      if (q->delivery.message_type == SnsMessageTypeName(type)) {
        SetStillWanted(&q->delivery, type, q->delivery.subscription_arn);
      }
    }
    sender_.Resume(std::move(*q));
  }
}

Status SnsService::Send(const SnsTopic& topic, const SnsSubscription& sub, SnsMessage m, bool raw) {
  SnsDelivery d;
  d.id = NewUuid(env_.random);
  d.message_type = std::string(SnsMessageTypeName(m.type));
  d.url = sub.endpoint;
  d.subscription_arn = sub.arn;
  SnsRetryPolicy policy = PolicyFor(topic, sub);
  d.retry_delays = SnsRetrySchedule(policy);
  if (sub.protocol == "email" || sub.protocol == "email-json") {
    // Mail through the relay (the transport sends mailto: URLs over SMTP). SNS mails no
    // confirmation of an unsubscription.
    if (m.type == SnsMessageType::kUnsubscribeConfirmation) return Status::Ok();
    std::string json;
    if (sub.protocol == "email-json") {
      auto version = topic.attributes.find("SignatureVersion");
      m.signature_version = version != topic.attributes.end() ? version->second : "1";
      m.signing_cert_url = SigningCertUrl();
      OT_RETURN_IF_ERROR(SignSnsMessage(&m, key_.private_der));
      json = SnsMessageBody(m);
    }
    SnsEmailEnvelope e;
    e.from = options_.email_from;
    if (auto name = topic.attributes.find("DisplayName"); name != topic.attributes.end()) {
      e.display_name = name->second;
    }
    e.to = sub.endpoint;
    e.message_id = NewUuid(env_.random);
    e.date = env_.clock.Now();
    d.url = "mailto:" + sub.endpoint;
    d.body = SnsEmail(e, m, json);
    SetStillWanted(&d, m.type, sub.arn);
    sender_.Enqueue(std::move(d));
    return Status::Ok();
  }
  d.headers = {{"Content-Type", policy.header_content_type.empty() ? "text/plain; charset=UTF-8"
                                                                   : policy.header_content_type},
               {"User-Agent", "Amazon Simple Notification Service Agent"},
               {"x-amz-sns-message-type", std::string(SnsMessageTypeName(m.type))},
               {"x-amz-sns-message-id", m.message_id},
               {"x-amz-sns-topic-arn", m.topic_arn}};
  if (m.type != SnsMessageType::kSubscriptionConfirmation) {
    d.headers.emplace_back("x-amz-sns-subscription-arn", sub.arn);
  }
  if (raw) {
    d.headers.emplace_back("x-amz-sns-rawdelivery", "true");
    d.body = m.message;
  } else {
    auto version = topic.attributes.find("SignatureVersion");
    m.signature_version = version != topic.attributes.end() ? version->second : "1";
    m.signing_cert_url = SigningCertUrl();
    OT_RETURN_IF_ERROR(SignSnsMessage(&m, key_.private_der));
    d.body = SnsMessageBody(m);
  }
  SetStillWanted(&d, m.type, sub.arn);
  sender_.Enqueue(std::move(d));
  return Status::Ok();
}

Result<SnsSubscription> SnsService::Subscribe(std::string_view topic_arn, std::string_view protocol,
                                              std::string_view endpoint,
                                              const std::map<std::string, std::string>& attributes,
                                              SysMillis now) {
  OT_ASSIGN_OR_RETURN(SnsTopic topic, store_.GetTopic(topic_arn));
  OT_ASSIGN_OR_RETURN(auto result,
                      store_.Subscribe(topic_arn, protocol, endpoint, attributes, now));
  if (result.send_confirmation) {
    SnsMessage m;
    m.type = SnsMessageType::kSubscriptionConfirmation;
    m.message_id = NewUuid(env_.random);
    m.topic_arn = std::string(topic_arn);
    m.token = result.subscription.token;
    m.message = SnsSubscribeText(topic_arn);
    m.subscribe_url = SubscribeUrl(topic_arn, m.token);
    m.timestamp = FormatIso8601Millis(now);
    OT_RETURN_IF_ERROR(Send(topic, result.subscription, std::move(m), false));
  }
  return result.subscription;
}

Status SnsService::Unsubscribe(std::string_view subscription_arn, SysMillis now) {
  OT_ASSIGN_OR_RETURN(SnsSubscription sub, store_.Unsubscribe(subscription_arn, now));
  auto topic = store_.GetTopic(sub.topic_arn);
  if (!topic.ok()) return Status::Ok();
  SnsMessage m;
  m.type = SnsMessageType::kUnsubscribeConfirmation;
  m.message_id = NewUuid(env_.random);
  m.topic_arn = sub.topic_arn;
  m.token = sub.token;
  m.message = SnsUnsubscribeText(sub.arn);
  m.subscribe_url = SubscribeUrl(sub.topic_arn, sub.token);
  m.timestamp = FormatIso8601Millis(now);
  return Send(*topic, sub, std::move(m), false);
}

Result<std::string> SnsService::Publish(const SnsPublishRequest& request, SysMillis now) {
  OT_ASSIGN_OR_RETURN(SnsTopic topic, store_.GetTopic(request.topic_arn));
  std::string message_id = NewUuid(env_.random);
  for (const SnsSubscription& sub : store_.ConfirmedSubscriptions(request.topic_arn)) {
    SnsMessage m;
    m.type = SnsMessageType::kNotification;
    m.message_id = message_id;
    m.topic_arn = request.topic_arn;
    auto text = request.per_protocol.find(sub.protocol);
    m.message = text != request.per_protocol.end() ? text->second : request.message;
    m.has_subject = request.subject.has_value();
    m.subject = request.subject.value_or("");
    m.timestamp = FormatIso8601Millis(now);
    m.unsubscribe_url = options_.base_url + "/?Action=Unsubscribe&SubscriptionArn=" + sub.arn;
    m.attributes = request.attributes;
    auto raw = sub.attributes.find("RawMessageDelivery");
    Status sent =
        Send(topic, sub, std::move(m), raw != sub.attributes.end() && raw->second == "true");
    if (!sent.ok()) {
      Log(LogLevel::kError, "SNS publish to " + sub.arn + " failed: " + sent.ToString());
    }
  }
  return message_id;
}

}  // namespace ot::monitor
