// The worked example of shared/spec/sns.md §6: a throwaway key and certificate, the strings to
// sign of a Notification and a SubscriptionConfirmation, and their signatures, which PKCS#1 v1.5
// makes deterministic (test only, never deploy).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"
#include "crypto/hash.h"
#include "crypto/rsa.h"
#include "monitor/sns_message.h"
#include "support/matchers.h"

namespace ot::monitor {
namespace {

using ::ot::testing::IsOk;

constexpr std::string_view kKeyPem = R"pem(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDE3rMPXoU+TMFI
KkyI1NJ0Er9+XZ044GRpkKlR2WjjFxK0T6+XQ6Pw6GOQdJt1bzpBi/iZFiJr8iKO
6ds7H/bK9sTolJ/fI57rvihCg2X4yM1WnYbHHyMmIO5Inrwyw88Ps94sXq5jnouF
sA7CHX5Kaa0x0k5v/X4IbjUreS0500j66UbIH2TTgBLmqpX1XFKUFQslIG/J/B2e
VNfQb+nbKD3MMxEyrGZt/VXQo22C47uWOxVFfvrG26iFk5/RxHvOGByAW8buYNHy
eVGbfbxS6vvRG9er7apcYFMJf9iypCfFZp71PB6gkr4UZftaWo+kbsV96LkvlNmN
4jPCVrOHAgMBAAECggEARcoOnv2qbW3nPM5l6EHNw0EcKk9EW3PMlNGn/HB+arZ0
tn/jJtPfK5kuJnj33TcLZ04X2CkNFcg18QS852ZK5iN5pVt+mys0/Kwh+IY9IWcJ
x9E7BJ6opq0Y25yN6c8ZOZ9RPNhpqL39BuzlJnIvIXD56UX88V1jDtkGtz0TR8Jc
CFxpYLk66KjmBEYeYWSRGBH49Ulot9TA2GhKjkRwjVZp205/IMvWP6hytDbBoEWE
4O/R8CMe4YFy9FDMMsk3BvEu0+ed4Yho4XAAnkD2kkIfs4219F2NAUl+jQYRwHqC
7gl2dPmwl8mxAcijahLU5JnGMk66G+DChQSpHg1QqQKBgQDnbuN+yAU7/X6pljpD
iP20kM2Oe6du4IbOCCRCi4xKn1lGb0r/7+iEwusQhNlltEkdeQKznEvlPWiyRNtB
1tVvTQ9aCfMj1ylj+0QZqqqL0eNSNfu45X/g/dU0+c3+LLoKGKBXTQL8Y6qDbqzf
i4FYxr6UFfLxYbLIy065MgGeXwKBgQDZxJFDYnqipEdXgWq7zci4Q6E2+YWhn0Gc
8xs77Q/X6wXPuZhHe3g1LRgNPCBEbvwOsjvvvxrR6smmMk9cZ1AEvUi3eb+E5C8i
FxZXsHTQMfMYjgZYuTNPWJ7l/Z3eFlUu+WnGa8EpwjfLXFtOivlV0E8tk3mipC7U
rmBOCJKr2QKBgCvHKRd5ZKwVZplTxo+x4TP/1DJop6JsrHNazOkdlpsjC3MsaEaD
rjs219pXFvyLHu2JT36ESUMC28QlDEinB9a2//lrOmgEMlssU5R7WSl7uYF6nrQ6
DXeU7HjJ7DJxaXuxbts0wSTXAZE9JUxgCkatya0ffcY1Uelzs9+KWw4HAoGAAerS
IJbAX6g0nJeeGfMw3jZyN+qwe4DMchZN2hQ3PH5sOaz3o0F6CHXSLWOnIRMdEwAM
uQqksM5xYg41VqnuMWx9NGhVAFWF+LXdU35ROPgHnOK7OZK/2eX82CeIeUkXDOfT
P5T5SWXVWewBPcrJcTD5UXxn6L+rTeIPJQC8UdkCgYEA06OC/cyoe99ikGbnWuM9
COWQU6JwqjZqARTeGJ9/za0DkSWl9gNefANsKEagbPyx9D4ij36NgGIDNK4TD2eV
h1zuw1eMIHkHTHP3jcWmqh8ETi/Njn9YbUT6E4sgi5Bksm146nu912/TfLhySwTk
LqwYceHeWCtG3aJN/poMcn0=
-----END PRIVATE KEY-----
)pem";
constexpr std::string_view kCertPem = R"pem(-----BEGIN CERTIFICATE-----
MIICzDCCAbSgAwIBAgIEXh8AVzANBgkqhkiG9w0BAQsFADAoMSYwJAYDVQQDDB1z
bnMudXMtZWFzdC0xLnNlbGZob3N0ZWQudGVzdDAeFw0yNDAxMDEwMDAwMDBaFw0z
NDAxMDEwMDAwMDBaMCgxJjAkBgNVBAMMHXNucy51cy1lYXN0LTEuc2VsZmhvc3Rl
ZC50ZXN0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxN6zD16FPkzB
SCpMiNTSdBK/fl2dOOBkaZCpUdlo4xcStE+vl0Oj8OhjkHSbdW86QYv4mRYia/Ii
junbOx/2yvbE6JSf3yOe674oQoNl+MjNVp2Gxx8jJiDuSJ68MsPPD7PeLF6uY56L
hbAOwh1+SmmtMdJOb/1+CG41K3ktOdNI+ulGyB9k04AS5qqV9VxSlBULJSBvyfwd
nlTX0G/p2yg9zDMRMqxmbf1V0KNtguO7ljsVRX76xtuohZOf0cR7zhgcgFvG7mDR
8nlRm328Uur70RvXq+2qXGBTCX/YsqQnxWae9TweoJK+FGX7WlqPpG7Ffei5L5TZ
jeIzwlazhwIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQA/huZDnDN9krAhLz4HUFVA
HyVgxWSGtGobs4yS20s8FRWtxklsRrfn1PvC/LQ0aHPB45AomloBY+XigqQp+W4U
U5f+AbCdkJzbvAfjEsglvQ3O8H2tySoFy760FmSr8sykrWaHyApXPgCXsZd7UMWm
qjWhnoipQh2dYSl2DIws6Kv/0vgkyhMag++HowvJuCtfBXh/BckPh/eNxVNoSQTY
871KpT3O39Hi4rVvoERm/zOLUNbehFU5JGY4PBsUG5FQV5GQBDCO0YIUMz/btXlf
dHIq3Lqc0EEr6m1z9b8pqOrG2zhaaqez0PvvaeZqaLSn3nSNDjpVYp5xJMshmHY/
-----END CERTIFICATE-----
)pem";

constexpr std::string_view kSigA =
    "gLQY2VnjInOcmPKIDU4JdoQAjB5HVi+8bmxBcqhZ73U2yH5rS5FnDgi8EBSKwAAp8z9yCxAOBiv8VfAvxyd8xD54eE+h/"
    "yc8rksUZUKECXrPQmXtA5gwUUeabq2l17S1Zt/uys57pla1YuA6B01ID7k8cIzY053e/Avf3q6Wi9zY+VuZ1cjTdtu0ui/"
    "fA3azlfxTHPETzUQUGngD0i+"
    "aZ8U2PbTbM6nbsSK1wD3RCJOcxIFjRvcO1QWnEgsOaBwkTpLvg4bVSclTZRP288cT5eLlWu8OoN5ZfPWyq3l3sLuODHcCt"
    "lRhYyU6wkggmhuIUtwDfDcPWLQetbw6ZjC8Uw==";
constexpr std::string_view kSigB =
    "V7OnS0flMOwbZ2ldb2n53nxEJnVJ3OUUFLvT1JLdp8YjNITarGTBErNCWQHcLuI0pdZ+VUKagy4Ttr+"
    "t4Dryi74cMOmzTvz5trR/tqh7qTRRmrfyf3m8/"
    "xTRKSUfkBREgChh9jHpCGrbaSaxjeNm4oeM359BA5n8pLmtAcaErLPtbU2s1OSUJaGx/F3PUdvgwhAtTB5+/"
    "V0OdYSoTzt5wqLuy8ohe162ik46xmW7dk0IPIsKkeIXXW1EFx+21En6DGjN+"
    "8jWKh4wMTj1cBgz8UhoTTo46cdOyZg5MTtsk5yp2qOAsEugx9eoo9i8OX5FFY3HCq11mpBkhBn6AkZzIA==";
constexpr std::string_view kSigC =
    "RxaZIJ4f8PVquXbxMvbwMNtnVrGLDgebQxpU18HTztk+UoGkQflot+"
    "SfOVN35RiKTLl1IV8czJXTL6g8IXbw7kkC2WJw4dHEli7dBZ5KdSgcOIur72qwXVGFsUvarsbqbPr7I4y1nx6JbfDTP/"
    "9YDVAtkl5Y3GjncCGXM7YYTQrodFQWO0NbnKKUZYdC+"
    "6KQyF94xoo5mcXfioTJzghDSw6XKHH4VEhZXum1WdNlyAgbMpQbIt9lL4RWhyu6xaZl5btWFkYPm4AqrUTnKSUpDxTVTy0"
    "NthBUc+g1FnTya4F49eMNruUmqE3Dmkz23crmHg1BT0ObnwjEEMs2/f2iuA==";
constexpr std::string_view kToken =
    "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6"
    "ad02428b09ceece29417f1f02d609c582a";

constexpr std::string_view kTopic = "arn:aws:sns:us-east-1:123456789012:ct-topic";
constexpr std::string_view kBase = "https://sns.us-east-1.selfhosted.test:8443";

SnsMessage ExampleA() {
  SnsMessage m;
  m.type = SnsMessageType::kNotification;
  m.message_id = "5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c";
  m.topic_arn = std::string(kTopic);
  m.has_subject = true;
  m.subject = "ALARM: \"cis-4.5\" in US East (N. Virginia)";
  m.message = "line 1\nline 2 \"quoted\" caf\xC3\xA9";
  m.timestamp = "2024-05-01T12:34:56.789Z";
  m.signing_cert_url =
      std::string(kBase) + "/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";
  m.unsubscribe_url = std::string(kBase) +
                      "/?Action=Unsubscribe&SubscriptionArn=" + std::string(kTopic) +
                      ":6b0e71bd-7e97-4d97-80ce-4a0994e55286";
  return m;
}

SnsMessage ExampleC() {
  SnsMessage m;
  m.type = SnsMessageType::kSubscriptionConfirmation;
  m.message_id = "0d7f3b4a-6c2e-4e1b-9a8d-2f5c7e9b1a3d";
  m.topic_arn = std::string(kTopic);
  m.token = std::string(kToken);
  m.message = SnsSubscribeText(kTopic);
  m.subscribe_url = std::string(kBase) +
                    "/?Action=ConfirmSubscription&TopicArn=" + std::string(kTopic) +
                    "&Token=" + std::string(kToken);
  m.timestamp = "2024-05-01T12:30:00.000Z";
  m.signing_cert_url =
      std::string(kBase) + "/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";
  return m;
}

class SnsSignatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = crypto::RsaPrivateKeyFromPem(kKeyPem);
    ASSERT_THAT(key.status(), IsOk());
    key_ = *key;
    auto pub = crypto::RsaPublicKeyOfCertificate(kCertPem);
    ASSERT_THAT(pub.status(), IsOk());
    public_ = *pub;
  }
  std::string key_, public_;
};

TEST_F(SnsSignatureTest, NotificationStringToSignIsByteExact) {
  std::string s = SnsStringToSign(ExampleA());
  EXPECT_EQ(s,
            "Message\nline 1\nline 2 \"quoted\" caf\xC3\xA9\nMessageId\n"
            "5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c\nSubject\nALARM: \"cis-4.5\" in US East (N. "
            "Virginia)\nTimestamp\n2024-05-01T12:34:56.789Z\nTopicArn\n"
            "arn:aws:sns:us-east-1:123456789012:ct-topic\nType\nNotification\n");
  EXPECT_EQ(s.size(), 240u);
  EXPECT_EQ(crypto::Sha256Hex(s),
            "00b055d6f004e3de3bf71741c479b05fe980ce13a5492a84188f6e26ddf00cc0");
}

TEST_F(SnsSignatureTest, NotificationVersion1ReproducesTheWorkedExample) {
  SnsMessage m = ExampleA();
  ASSERT_THAT(SignSnsMessage(&m, key_), IsOk());
  EXPECT_EQ(m.signature, kSigA);
  EXPECT_TRUE(VerifySnsMessage(m, public_));
}

TEST_F(SnsSignatureTest, NotificationVersion2ReproducesTheWorkedExample) {
  SnsMessage m = ExampleA();
  m.signature_version = "2";
  ASSERT_THAT(SignSnsMessage(&m, key_), IsOk());
  EXPECT_EQ(m.signature, kSigB);
  EXPECT_TRUE(VerifySnsMessage(m, public_));
}

TEST_F(SnsSignatureTest, SubscriptionConfirmationReproducesTheWorkedExample) {
  SnsMessage m = ExampleC();
  std::string s = SnsStringToSign(m);
  EXPECT_EQ(s, "Message\n" + SnsSubscribeText(kTopic) + "\nMessageId\n" + m.message_id +
                   "\nSubscribeURL\n" + m.subscribe_url + "\nTimestamp\n" + m.timestamp +
                   "\nToken\n" + std::string(kToken) + "\nTopicArn\n" + std::string(kTopic) +
                   "\nType\nSubscriptionConfirmation\n");
  ASSERT_THAT(SignSnsMessage(&m, key_), IsOk());
  EXPECT_EQ(m.signature, kSigC);
  // The body carries the fields of §4.2 in order, JSON-escaped.
  std::string body = SnsMessageBody(m);
  EXPECT_EQ(body.substr(0, 66),
            "{\n  \"Type\" : \"SubscriptionConfirmation\",\n  \"MessageId\" : \"0d7f3b4a");
  EXPECT_NE(body.find("\"Signature\" : \"" + std::string(kSigC) + "\""), std::string::npos);
  EXPECT_NE(body.find("ct-topic.\\nTo confirm the subscription"), std::string::npos);
}

TEST_F(SnsSignatureTest, UnsubscribeConfirmationSignsTheConfirmationFields) {
  SnsMessage m = ExampleC();
  m.type = SnsMessageType::kUnsubscribeConfirmation;
  m.message = SnsUnsubscribeText(std::string(kTopic) + ":6b0e71bd-7e97-4d97-80ce-4a0994e55286");
  std::string s = SnsStringToSign(m);
  EXPECT_EQ(s.substr(0, 53), "Message\nYou have chosen to deactivate subscription ar");
  EXPECT_NE(s.find("\nSubscribeURL\n"), std::string::npos);
  EXPECT_NE(s.find("\nToken\n"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 30), "\nType\nUnsubscribeConfirmation\n");
  ASSERT_THAT(SignSnsMessage(&m, key_), IsOk());
  EXPECT_TRUE(VerifySnsMessage(m, public_));
}

TEST_F(SnsSignatureTest, TamperedMessagesDoNotVerify) {
  SnsMessage a = ExampleA();
  a.signature = std::string(kSigA);
  ASSERT_TRUE(VerifySnsMessage(a, public_));

  SnsMessage flipped = a;  // one byte of Message
  flipped.message[0] = 'L';
  EXPECT_FALSE(VerifySnsMessage(flipped, public_));

  SnsMessage no_subject = a;  // Subject dropped from the string to sign
  no_subject.has_subject = false;
  EXPECT_FALSE(VerifySnsMessage(no_subject, public_));

  SnsMessage escaped = a;  // "\n" as two characters instead of a newline
  escaped.message = "line 1\\nline 2 \"quoted\" caf\xC3\xA9";
  EXPECT_FALSE(VerifySnsMessage(escaped, public_));

  SnsMessage b_as_1 = a;  // B's signature under SHA-1
  b_as_1.signature = std::string(kSigB);
  EXPECT_FALSE(VerifySnsMessage(b_as_1, public_));

  SnsMessage a_as_2 = a;  // A's signature under SHA-256
  a_as_2.signature_version = "2";
  EXPECT_FALSE(VerifySnsMessage(a_as_2, public_));
}

TEST_F(SnsSignatureTest, UnknownSignatureVersionIsRefused) {
  SnsMessage m = ExampleA();
  m.signature_version = "3";
  Status s = SignSnsMessage(&m, key_);
  EXPECT_EQ(s.code(), Error::kInvalidParameter);
}

TEST_F(SnsSignatureTest, NotificationBodyHasTheFieldsInOrder) {
  SnsMessage m = ExampleA();
  ASSERT_THAT(SignSnsMessage(&m, key_), IsOk());
  m.attributes = {{"k1", "String", "v1"}, {"k2", "Binary", "AQID"}};
  std::string body = SnsMessageBody(m);
  std::vector<std::string> order = {
      "Type",           "MessageId",      "TopicArn",         "Subject",
      "Message",        "Timestamp",      "SignatureVersion", "Signature",
      "SigningCertURL", "UnsubscribeURL", "MessageAttributes"};
  size_t at = 0;
  for (const std::string& field : order) {
    size_t pos = body.find("\"" + field + "\" : ", at);
    ASSERT_NE(pos, std::string::npos) << field;
    at = pos;
  }
  EXPECT_NE(body.find(R"("Message" : "line 1\nline 2 \"quoted\" caf)"), std::string::npos);
  EXPECT_NE(body.find(R"("k2" : {"Type":"Binary","Value":"AQID"})"), std::string::npos);
}

TEST_F(SnsSignatureTest, SelfSignedCertificateVerifiesOwnSignatures) {
  auto now = std::chrono::system_clock::now();
  auto cert = crypto::MakeRsaSelfSignedCertificate(key_, "sns.us-east-1.opentrail", now, 10);
  ASSERT_THAT(cert.status(), IsOk());
  auto pub = crypto::RsaPublicKeyOfCertificate(*cert);
  ASSERT_THAT(pub.status(), IsOk());
  EXPECT_EQ(*pub, public_);
  EXPECT_FALSE(crypto::RsaPublicKeyOfCertificate("not a certificate").ok());
  EXPECT_FALSE(crypto::RsaPrivateKeyFromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n").ok());
}

}  // namespace
}  // namespace ot::monitor
