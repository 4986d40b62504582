#include "monitor/sns_email.h"

#include "common/encoding.h"

namespace ot::monitor {
namespace {

constexpr std::string_view kNoReply =
    "Please do not reply directly to this email. If you have any questions or comments regarding "
    "this email, please contact the administrator of this server.";

// A header value on one line: line breaks become spaces (no header injection); non-ASCII text
// as an RFC 2047 encoded word.
std::string HeaderText(std::string_view text) {
  std::string flat(text);
  bool ascii = true;
  for (char& c : flat) {
    if (c == '\r' || c == '\n') c = ' ';
    if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
  }
  if (ascii) return flat;
  return "=?UTF-8?B?" + Base64Encode(flat) + "?=";
}

std::string Body(const SnsMessage& m, std::string_view json_body) {
  if (!json_body.empty()) return std::string(json_body);
  std::string body;
  if (m.type == SnsMessageType::kSubscriptionConfirmation) {
    body = "You have chosen to subscribe to the topic:\n" + m.topic_arn +
           "\n\nTo confirm this subscription, click or visit the link below (If this was in "
           "error no action is necessary):\nConfirm subscription\n" +
           m.subscribe_url + "\n\n";
  } else {
    body = m.message +
           "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or "
           "visit the link below to unsubscribe:\n" +
           m.unsubscribe_url + "\n\n";
  }
  return body + std::string(kNoReply) + "\n";
}

}  // namespace

std::string SnsEmail(const SnsEmailEnvelope& e, const SnsMessage& m, std::string_view json_body) {
  std::string subject = m.type == SnsMessageType::kSubscriptionConfirmation
                            ? "AWS Notification - Subscription Confirmation"
                        : m.has_subject ? m.subject
                                        : "AWS Notification Message";
  std::string display = e.display_name.empty() ? "AWS Notifications" : e.display_name;
  std::string out;
  out += "From: " + HeaderText(display) + " <" + e.from + ">\r\n";
  out += "To: " + e.to + "\r\n";
  out += "Subject: " + HeaderText(subject) + "\r\n";
  out += "Date: " + FormatHttpDate(e.date) + "\r\n";
  out += "Message-ID: <" + e.message_id + "@" + e.from.substr(e.from.find('@') + 1) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  // base64 in lines of 76: no line-length limit or dot-stuffing question for any text.
  std::string encoded = Base64Encode(Body(m, json_body));
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

bool IsEmailAddress(std::string_view a) {
  size_t at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size() || a.size() > 254) {
    return false;
  }
  if (a.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : a) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == '(' || c == ')' ||
        c == ',' || c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']' ||
        c == 0x7f) {
      return false;
    }
  }
  std::string_view domain = a.substr(at + 1);
  return domain.find('.') != std::string_view::npos && domain.front() != '.' &&
         domain.back() != '.';
}

}  // namespace ot::monitor
