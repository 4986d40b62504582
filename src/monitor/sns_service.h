#pragma once

// SNS behaviour on top of the registry (shared/spec/sns.md §4–§6): the signing key and its
// certificate, confirmation requests on Subscribe, UnsubscribeConfirmation on Unsubscribe, and
// Publish fanning a message out to the confirmed subscriptions through the sender.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "monitor/sns_delivery.h"
#include "monitor/sns_message.h"
#include "monitor/sns_topics.h"
#include "store/metadata.h"

namespace ot::monitor {

// The RSA key that signs messages and its self-signed certificate, served at
// `<base>/SimpleNotificationService-<id>.pem`. Stored as the metadata document kind
// "sns-signing-key", id "current": {"id","certificate" (PEM),"sealedPrivateKey" (base64 of
// crypto::AeadSeal under the data dir's master key, aad "sns-signing-key:<id>")}.
struct SnsSigningKey {
  std::string id;           // 32 lowercase hex (the start of the certificate's SHA-256)
  std::string private_der;  // DER PKCS#8
  std::string cert_pem;
};
// Loads the key, or makes and stores one on first use (RSA-2048, certificate CN
// "sns.<region>.opentrail", valid ten years).
Result<SnsSigningKey> LoadOrCreateSnsSigningKey(store::MetadataDb& db, Env& env,
                                                std::string_view master_key,
                                                std::string_view region);

struct SnsServiceOptions {
  std::string base_url;  // "https://host:port": SubscribeURL, UnsubscribeURL, SigningCertURL
  // The sender of email/email-json mails; empty = no SMTP relay, such subscriptions refused.
  std::string email_from;
};

struct SnsPublishRequest {
  std::string topic_arn;
  std::string message;  // the default text
  // MessageStructure=json: per-protocol texts ("http", "https") that override `message`.
  std::map<std::string, std::string> per_protocol;
  std::optional<std::string> subject;
  std::vector<SnsMessageAttribute> attributes;
};

class SnsService {
 public:
  SnsService(SnsStore& store, SnsSender& sender, SnsSigningKey key, Env& env,
             SnsServiceOptions options);

  SnsStore& store() { return store_; }
  // "/SimpleNotificationService-<id>.pem" and the certificate served there.
  std::string CertificatePath() const;
  const std::string& CertificatePem() const { return key_.cert_pem; }
  std::string SigningCertUrl() const { return options_.base_url + CertificatePath(); }
  // Queues again the deliveries the outbox kept (SnsQueuedJson documents) when the server last
  // stopped; unreadable ones are logged and skipped.
  void Resume(const std::vector<std::string>& queued);
  // Whether email and email-json subscriptions can be served (an SMTP relay is configured).
  bool email_enabled() const { return !options_.email_from.empty(); }

  // Store::Subscribe, then a SubscriptionConfirmation to the endpoint when needed.
  Result<SnsSubscription> Subscribe(std::string_view topic_arn, std::string_view protocol,
                                    std::string_view endpoint,
                                    const std::map<std::string, std::string>& attributes,
                                    SysMillis now);
  // Store::Unsubscribe, then an UnsubscribeConfirmation whose SubscribeURL restores it.
  Status Unsubscribe(std::string_view subscription_arn, SysMillis now);
  // Queues a Notification to each confirmed subscription; returns the MessageId. kNotFound for
  // an unknown topic.
  Result<std::string> Publish(const SnsPublishRequest& request, SysMillis now);

 private:
  // Signs `m` with the topic's SignatureVersion and queues it to `sub`.
  Status Send(const SnsTopic& topic, const SnsSubscription& sub, SnsMessage m, bool raw);
  // Retries of a notification stop once the subscription is gone or pending again; those of a
  // confirmation once it is gone.
  void SetStillWanted(SnsDelivery* d, SnsMessageType type, const std::string& arn);
  SnsRetryPolicy PolicyFor(const SnsTopic& topic, const SnsSubscription& sub) const;
  std::string SubscribeUrl(std::string_view topic_arn, std::string_view token) const;

  SnsStore& store_;
  SnsSender& sender_;
  SnsSigningKey key_;
  Env& env_;
  SnsServiceOptions options_;
};

}  // namespace ot::monitor
