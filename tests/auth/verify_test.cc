#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "auth/auth_test_util.h"
#include "auth/identity.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::auth {
namespace {

using ::testing::HasSubstr;
using namespace ot::auth::testing;  // NOLINT: test vocabulary
using ot::testing::FakeClock;
using ot::testing::HasError;
using ot::testing::IsOk;

class VerifyRequestTest : public ::testing::Test {
 protected:
  VerifyRequestTest() : clock_(ExampleTime()) { store_.Put(ExampleKey()); }

  Result<Caller> Verify(const TestRequest& r, const VerifyOptions& options = {}) {
    return VerifyRequest(r.View(), store_, clock_.Now(), options);
  }

  FakeClock clock_;
  CredentialStore store_;
};

TEST_F(VerifyRequestTest, AcceptsASignedRequestAndReportsTheCaller) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now());

  auto caller = Verify(r);

  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->principal.arn, "arn:aws:iam::123456789012:user/admin");
  EXPECT_EQ(caller->principal.access_key_id, kAccessKeyId);
  EXPECT_EQ(caller->region, "us-east-1");
  EXPECT_EQ(caller->service, "cloudtrail");
}

TEST_F(VerifyRequestTest, SignRequestProducesTheWorkedExampleAuthorization) {
  SignedHeaders s = SignRequest(GetTrailRequest().View(), kAccessKeyId, kSecret, {}, "us-east-1",
                                "cloudtrail", ExampleTime());

  EXPECT_EQ(s.amz_date, "20240501T123456Z");
  EXPECT_EQ(s.content_sha256, "53b52398cb60cd4b3566c9c3ad755d9758f8eaf9f744c155a1104c1ea1e413d5");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDCTSERVERTEST0001/20240501/us-east-1/cloudtrail/"
            "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
            "Signature=f911bbc74d45ea640dc41a4e267fc7c6020ce5527f2afac568654edcac701f1d");
}

TEST_F(VerifyRequestTest, RoundTripsSignedRequestsOfEveryShape) {
  TestRequest shapes[] = {
      GetTrailRequest(),
      GetTrailRequest().Method("GET").Body(""),
      TestRequest()
          .Path("/PutAuditEvents")
          .Query("channelArn=arn%3Aaws%3Acloudtrail%3Aus-east-1%3A1%3Achannel%2Fc&externalId=x")
          .Header("host", "localhost")
          .Header("Content-Type", "application/json")
          .Body(R"({"auditEvents":[]})"),
      TestRequest().Path("/a/./b/../%7Ec//d/").Query("z=1&b=a+b&a").Header("HOST", "h"),
      GetTrailRequest().Header("X-Multi", "one").Header("x-multi", " two  words "),
  };
  for (const TestRequest& shape : shapes) {
    SCOPED_TRACE(shape.View().raw_path);
    EXPECT_THAT(Verify(SignedWith(shape, clock_.Now())), IsOk());
  }
}

TEST_F(VerifyRequestTest, RoundTripsWithASessionToken) {
  store_.Put(ExampleKey(kSessionToken));

  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now(), kSecret, kSessionToken);

  EXPECT_THAT(Verify(r), IsOk());
}

TEST_F(VerifyRequestTest, RoundTripsAnS3RequestWithUnsignedPayload) {
  TestRequest r = TestRequest()
                      .Method("PUT")
                      .Path("/bucket/key%2Fwith/../dots")
                      .Header("Host", "s3.local")
                      .Header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
                      .Body("object bytes");
  VerifyOptions s3;
  s3.s3 = true;

  EXPECT_THAT(Verify(SignedWith(r, clock_.Now(), kSecret, {}, "s3"), s3), IsOk());
}

TEST_F(VerifyRequestTest, RejectsAWrongSecret) {
  auto caller = Verify(SignedWith(GetTrailRequest(), clock_.Now(), "not-the-secret"));

  ASSERT_THAT(caller, HasError(Error::kInvalidSignature));
  EXPECT_THAT(caller.status().message(),
              HasSubstr("The request signature we calculated does not match the signature you "
                        "provided. Check your AWS Secret Access Key and signing method."));
}

TEST_F(VerifyRequestTest, RejectsATamperedBody) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now()).Body(R"({"Name": "other"})");

  EXPECT_THAT(Verify(r), HasError(Error::kInvalidSignature));
}

TEST_F(VerifyRequestTest, RejectsASignatureMadeBeforeTheSecretWasRotated) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now());
  ASSERT_THAT(Verify(r), IsOk());  // warms the signing-key cache
  AccessKey rotated = ExampleKey();
  rotated.secret_access_key = "a-new-secret";
  store_.Put(rotated);

  EXPECT_THAT(Verify(r), HasError(Error::kInvalidSignature));
}

TEST_F(VerifyRequestTest, RejectsADateSixteenMinutesOld) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now());
  clock_.Advance(std::chrono::minutes(16));

  auto caller = Verify(r);

  ASSERT_THAT(caller, HasError(Error::kSignatureExpired));
  EXPECT_EQ(caller.status().message(),
            "Signature expired: 20240501T123456Z is now earlier than 20240501T123556Z "
            "(20240501T125056Z - 15 min.)");
}

TEST_F(VerifyRequestTest, RejectsADateSixteenMinutesAhead) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now() + std::chrono::minutes(16));

  auto caller = Verify(r);

  ASSERT_THAT(caller, HasError(Error::kSignatureExpired));
  EXPECT_EQ(caller.status().message(),
            "Signature not yet current: 20240501T125056Z is still later than 20240501T124956Z "
            "(20240501T123456Z + 15 min.)");
}

TEST_F(VerifyRequestTest, AcceptsExactlyFifteenMinutesOfSkewEitherWay) {
  TestRequest old_request = SignedWith(GetTrailRequest(), clock_.Now() - std::chrono::minutes(15));
  TestRequest new_request = SignedWith(GetTrailRequest(), clock_.Now() + std::chrono::minutes(15));

  EXPECT_THAT(Verify(old_request), IsOk());
  EXPECT_THAT(Verify(new_request), IsOk());
}

TEST_F(VerifyRequestTest, RejectsAMissingAuthorizationHeader) {
  auto caller = Verify(GetTrailRequest().Header("X-Amz-Date", "20240501T123456Z"));

  ASSERT_THAT(caller, HasError(Error::kMissingAuthenticationToken));
  EXPECT_EQ(caller.status().message(), "Missing Authentication Token");
}

TEST_F(VerifyRequestTest, RejectsAMalformedAuthorizationHeader) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now())
                      .Remove("Authorization")
                      .Header("Authorization", "AWS4-HMAC-SHA256 Credential=x");

  EXPECT_THAT(Verify(r), HasError(Error::kIncompleteSignature));
}

TEST_F(VerifyRequestTest, RejectsAnUnknownAccessKey) {
  CredentialStore empty;

  auto caller =
      VerifyRequest(SignedWith(GetTrailRequest(), clock_.Now()).View(), empty, clock_.Now());

  ASSERT_THAT(caller, HasError(Error::kUnrecognizedClient));
  EXPECT_EQ(caller.status().message(), "The security token included in the request is invalid.");
}

TEST_F(VerifyRequestTest, RejectsAHeaderListedButAbsent) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now()).Remove("X-Amz-Target");

  EXPECT_THAT(Verify(r), HasError(Error::kIncompleteSignature));
}

TEST_F(VerifyRequestTest, RejectsARequestWithoutADate) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now()).Remove("X-Amz-Date");

  EXPECT_THAT(Verify(r), HasError(Error::kIncompleteSignature));
}

TEST_F(VerifyRequestTest, RejectsAMalformedAmzDate) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now())
                      .Remove("X-Amz-Date")
                      .Header("X-Amz-Date", "2024-05-01T12:34:56Z");

  EXPECT_THAT(Verify(r), HasError(Error::kIncompleteSignature));
}

TEST_F(VerifyRequestTest, RejectsAScopeDateThatDiffersFromTheAmzDate) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now())
                      .Remove("X-Amz-Date")
                      .Header("X-Amz-Date", "20240502T000100Z");
  clock_.Set(*ParseIso8601("2024-05-02T00:01:00Z"));

  auto caller = Verify(r);

  ASSERT_THAT(caller, HasError(Error::kInvalidSignature));
  EXPECT_THAT(caller.status().message(), HasSubstr("'20240501' != '20240502'"));
}

TEST_F(VerifyRequestTest, RejectsAnUnexpectedScopeService) {
  VerifyOptions options;
  options.expected_service = "logs";

  EXPECT_THAT(Verify(SignedWith(GetTrailRequest(), clock_.Now()), options),
              HasError(Error::kIncompleteSignature));
}

TEST_F(VerifyRequestTest, AcceptsAnHttpDateHeaderInsteadOfAmzDate) {
  TestRequest r = GetTrailRequest().Header("Date", "Wed, 01 May 2024 12:34:56 GMT");
  auto auth = ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=AKIDCTSERVERTEST0001/20240501/us-east-1/cloudtrail/"
      "aws4_request, SignedHeaders=content-type;date;host;x-amz-target, Signature=" +
      std::string(64, '0'));
  ASSERT_THAT(auth, IsOk());
  auto canonical = CanonicalRequest(r.View(), *auth, false);
  ASSERT_THAT(canonical, IsOk());
  const std::string signature = Sign(
      kSecret, "20240501", "us-east-1", "cloudtrail",
      StringToSign("20240501T123456Z", "20240501/us-east-1/cloudtrail/aws4_request", *canonical));
  r.Header("Authorization",
           "AWS4-HMAC-SHA256 Credential=AKIDCTSERVERTEST0001/20240501/us-east-1/cloudtrail/"
           "aws4_request, SignedHeaders=content-type;date;host;x-amz-target, Signature=" +
               signature);

  EXPECT_THAT(Verify(r), IsOk());
}

TEST_F(VerifyRequestTest, RejectsAMismatchedContentHashHeader) {
  TestRequest r = GetTrailRequest().Header("X-Amz-Content-SHA256", crypto::Sha256Hex("other"));

  auto caller = Verify(SignedWith(r, clock_.Now()));

  ASSERT_THAT(caller, HasError(Error::kInvalidSignature));
  EXPECT_THAT(caller.status().message(), HasSubstr("'x-amz-content-sha256'"));
}

TEST_F(VerifyRequestTest, RejectsASessionKeyWithoutItsToken) {
  store_.Put(ExampleKey(kSessionToken));

  EXPECT_THAT(Verify(SignedWith(GetTrailRequest(), clock_.Now())),
              HasError(Error::kUnrecognizedClient));
}

TEST_F(VerifyRequestTest, RejectsASessionKeyWithAnotherToken) {
  store_.Put(ExampleKey(kSessionToken));

  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now(), kSecret, "AnotherToken==");

  EXPECT_THAT(Verify(r), HasError(Error::kUnrecognizedClient));
}

TEST_F(VerifyRequestTest, RejectsASessionTokenThatIsNotSigned) {
  store_.Put(ExampleKey(kSessionToken));

  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now())
                      .Header("X-Amz-Security-Token", std::string(kSessionToken));

  EXPECT_THAT(Verify(r), HasError(Error::kUnrecognizedClient));
}

TEST_F(VerifyRequestTest, RejectsATokenSentWithALongTermKey) {
  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now(), kSecret, kSessionToken);

  EXPECT_THAT(Verify(r), HasError(Error::kUnrecognizedClient));
}

TEST_F(VerifyRequestTest, RejectsAnExpiredSessionKey) {
  AccessKey key = ExampleKey(kSessionToken);
  key.expiration = clock_.Now() - std::chrono::seconds(1);
  store_.Put(key);

  TestRequest r = SignedWith(GetTrailRequest(), clock_.Now(), kSecret, kSessionToken);

  EXPECT_THAT(Verify(r), HasError(Error::kExpiredToken));
}

TEST_F(VerifyRequestTest, VerifiesConcurrentlyFromManyThreads) {
  const TestRequest good = SignedWith(GetTrailRequest(), clock_.Now());
  const TestRequest bad = SignedWith(GetTrailRequest(), clock_.Now(), "wrong");
  const SysMillis now = clock_.Now();
  std::atomic<int> failures{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (!VerifyRequest(good.View(), store_, now).ok()) ++failures;
        if (VerifyRequest(bad.View(), store_, now).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace ot::auth
