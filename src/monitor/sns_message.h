#pragma once

// The messages SNS POSTs to http/https subscribers (shared/spec/sns.md §4.2) and their
// signatures (§6): the JSON body, the byte-exact string to sign, and SignatureVersion 1
// (SHA1withRSA) / 2 (SHA256withRSA).

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ot::monitor {

enum class SnsMessageType { kNotification, kSubscriptionConfirmation, kUnsubscribeConfirmation };
std::string_view SnsMessageTypeName(SnsMessageType type);  // "Notification", …

struct SnsMessageAttribute {
  std::string name;
  std::string type;   // "String", "Number", "Binary", "String.Array"
  std::string value;  // binary values as base64
};

struct SnsMessage {
  SnsMessageType type = SnsMessageType::kNotification;
  std::string message_id;
  std::string topic_arn;
  bool has_subject = false;  // Notification only
  std::string subject;
  std::string message;
  std::string timestamp;        // ISO-8601 UTC with milliseconds
  std::string token;            // confirmations only
  std::string subscribe_url;    // confirmations only
  std::string unsubscribe_url;  // Notification only
  std::string signing_cert_url;
  std::string signature_version = "1";
  std::string signature;                        // base64; set by SignSnsMessage
  std::vector<SnsMessageAttribute> attributes;  // Notification only
};

// "<Name>\n<value>\n" for each signed field present, in the fixed order of §6.
std::string SnsStringToSign(const SnsMessage& message);

// Signs with the DER PKCS#8 RSA key: SHA-1 for version "1", SHA-256 for "2"; sets `signature`.
// kInvalidParameter for another version.
Status SignSnsMessage(SnsMessage* message, std::string_view private_pkcs8_der);

// Whether `message.signature` verifies under the DER PKCS#1 public key with its version's hash.
bool VerifySnsMessage(const SnsMessage& message, std::string_view public_pkcs1_der);

// The JSON body AWS sends: two-space indentation, `"Key" : "Value"`, fields in §4.2's order.
std::string SnsMessageBody(const SnsMessage& message);

// The confirmation texts of §4.2.
std::string SnsSubscribeText(std::string_view topic_arn);
std::string SnsUnsubscribeText(std::string_view subscription_arn);

}  // namespace ot::monitor
