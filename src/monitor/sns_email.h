#pragma once

// The mails SNS sends to email and email-json subscriptions, as RFC 5322 messages for an SMTP
// relay: a subscription confirmation with its link, and notifications — the message text with an
// unsubscribe link for `email`, the signed JSON document (sns.md §4.2) for `email-json`.

#include <string>
#include <string_view>

#include "common/time.h"
#include "monitor/sns_message.h"

namespace ot::monitor {

struct SnsEmailEnvelope {
  std::string from;          // the relay's sender address
  std::string display_name;  // the topic's DisplayName, else "AWS Notifications"
  std::string to;            // the subscription's endpoint
  std::string message_id;    // unique per mail, for the Message-ID header
  SysMillis date{};
};

// The whole message: headers (From, To, Subject, Date, Message-ID, MIME, base64 UTF-8 text) and
// body, CRLF line ends. `json_body` is the signed SnsMessageBody text for email-json (empty for
// email, whose body is written here from `message`).
std::string SnsEmail(const SnsEmailEnvelope& envelope, const SnsMessage& message,
                     std::string_view json_body);

// Whether `address` is one mailbox: local@domain, no spaces, brackets or line breaks.
bool IsEmailAddress(std::string_view address);

}  // namespace ot::monitor
