#include "monitor/sns_email.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"

namespace ot::monitor {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

SnsEmailEnvelope Envelope() {
  SnsEmailEnvelope e;
  e.from = "alerts@opentrail.test";
  e.to = "oncall@example.test";
  e.message_id = "m-1";
  e.date = SysMillis(std::chrono::milliseconds(1714566896000));  // 2024-05-01T12:34:56Z
  return e;
}

// The base64 body of a mail, decoded.
std::string BodyOf(const std::string& mail) {
  std::string b64;
  size_t start = mail.find("\r\n\r\n") + 4;
  for (size_t i = start; i < mail.size(); ++i) {
    if (mail[i] != '\r' && mail[i] != '\n') b64 += mail[i];
  }
  return *Base64Decode(b64);
}

TEST(SnsEmail, NotificationHeadersBodyAndUnsubscribeLink) {
  SnsMessage m;
  m.topic_arn = "arn:aws:sns:us-east-1:111122223333:alerts";
  m.has_subject = true;
  m.subject = "Root login\r\nBcc: evil@example.test";
  m.message = "root signed in";
  m.unsubscribe_url = "https://h/?Action=Unsubscribe&SubscriptionArn=x";
  SnsEmailEnvelope e = Envelope();
  e.display_name = "Security";

  std::string mail = SnsEmail(e, m, "");

  EXPECT_THAT(mail, StartsWith("From: Security <alerts@opentrail.test>\r\nTo: "
                               "oncall@example.test\r\nSubject: Root login  Bcc: "
                               "evil@example.test\r\nDate: Wed, 01 May 2024 12:34:56 GMT\r\n"
                               "Message-ID: <m-1@opentrail.test>\r\n"));
  EXPECT_THAT(mail, HasSubstr("Content-Transfer-Encoding: base64\r\n\r\n"));
  for (size_t at = mail.find("\r\n\r\n") + 4, end; at < mail.size(); at = end + 2) {
    end = mail.find("\r\n", at);
    EXPECT_LE(end - at, 76u);
  }
  std::string body = BodyOf(mail);
  EXPECT_THAT(body, StartsWith("root signed in\n\n--\n"));
  EXPECT_THAT(body, HasSubstr(m.unsubscribe_url));
}

TEST(SnsEmail, ConfirmationJsonAndEncodedSubjects) {
  SnsMessage m;
  m.type = SnsMessageType::kSubscriptionConfirmation;
  m.topic_arn = "arn:aws:sns:us-east-1:111122223333:alerts";
  m.subscribe_url = "https://h/?Action=ConfirmSubscription&Token=t";
  std::string mail = SnsEmail(Envelope(), m, "");
  EXPECT_THAT(mail, HasSubstr("From: AWS Notifications <alerts@opentrail.test>\r\n"));
  EXPECT_THAT(mail, HasSubstr("Subject: AWS Notification - Subscription Confirmation\r\n"));
  EXPECT_THAT(BodyOf(mail), HasSubstr("Confirm subscription\n" + m.subscribe_url + "\n"));

  SnsMessage n;
  n.has_subject = true;
  n.subject = "\xc3\xa9t\xc3\xa9";
  std::string json = SnsEmail(Envelope(), n, "{\"Type\" : \"Notification\"}");
  EXPECT_THAT(json, HasSubstr("Subject: =?UTF-8?B?w6l0w6k=?=\r\n"));
  EXPECT_EQ(BodyOf(json), "{\"Type\" : \"Notification\"}");
}

TEST(SnsEmail, Addresses) {
  EXPECT_TRUE(IsEmailAddress("oncall@example.test"));
  EXPECT_TRUE(IsEmailAddress("a.b+tag@sub.example.test"));
  for (const char* bad : {"", "no-at", "@example.test", "a@", "a@b", "a@@b.c", "a b@c.d",
                          "a@c.d\r\nBcc: x@y.z", "<a@c.d>", "a@.c", "a@c."}) {
    EXPECT_FALSE(IsEmailAddress(bad)) << bad;
  }
}

}  // namespace
}  // namespace ot::monitor
