#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/sigv4.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kSig =
    "f911bbc74d45ea640dc41a4e267fc7c6020ce5527f2afac568654edcac701f1d";

std::string Header(std::string_view credential, std::string_view signed_headers,
                   std::string_view signature = kSig) {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(credential) +
         ", SignedHeaders=" + std::string(signed_headers) + ", Signature=" + std::string(signature);
}

const std::string kGood = Header("AKIDCTSERVERTEST0001/20240501/us-east-1/cloudtrail/aws4_request",
                                 "content-type;host;x-amz-date;x-amz-target");

TEST(ParseAuthorization, ParsesBotocoreHeader) {
  auto auth = ParseAuthorization(kGood);

  ASSERT_THAT(auth, IsOk());
  EXPECT_EQ(auth->access_key_id, "AKIDCTSERVERTEST0001");
  EXPECT_EQ(auth->date, "20240501");
  EXPECT_EQ(auth->region, "us-east-1");
  EXPECT_EQ(auth->service, "cloudtrail");
  EXPECT_THAT(auth->signed_headers,
              ElementsAre("content-type", "host", "x-amz-date", "x-amz-target"));
  EXPECT_EQ(auth->signed_headers_text, "content-type;host;x-amz-date;x-amz-target");
  EXPECT_EQ(auth->signature, kSig);
}

TEST(ParseAuthorization, AcceptsComponentsInAnyOrderWithOrWithoutSpaces) {
  const std::string headers[] = {
      "AWS4-HMAC-SHA256 Signature=" + std::string(kSig) +
          ",SignedHeaders=host;x-amz-date,Credential=AK/20240501/us-east-1/logs/aws4_request",
      "  AWS4-HMAC-SHA256   SignedHeaders=host;x-amz-date ,  Credential=AK/20240501/us-east-1/"
      "logs/aws4_request ,Signature=" +
          std::string(kSig) + "  ",
      "AWS4-HMAC-SHA256\tCredential = AK/20240501/us-east-1/logs/aws4_request,\tSignedHeaders="
      "host;x-amz-date, Signature=" +
          std::string(kSig),
  };
  for (const std::string& h : headers) {
    SCOPED_TRACE(h);

    auto auth = ParseAuthorization(h);

    ASSERT_THAT(auth, IsOk());
    EXPECT_EQ(auth->access_key_id, "AK");
    EXPECT_EQ(auth->service, "logs");
    EXPECT_EQ(auth->signed_headers_text, "host;x-amz-date");
    EXPECT_EQ(auth->signature, kSig);
  }
}

TEST(ParseAuthorization, LowercasesAnUppercaseSignature) {
  auto auth = ParseAuthorization(
      Header("AK/20240501/us-east-1/cloudtrail/aws4_request", "host",
             "F911BBC74D45EA640DC41A4E267FC7C6020CE5527F2AFAC568654EDCAC701F1D"));

  ASSERT_THAT(auth, IsOk());
  EXPECT_EQ(auth->signature, kSig);
}

TEST(ParseAuthorization, RejectsEveryMalformationAsIncompleteSignature) {
  const std::string cred = "AK/20240501/us-east-1/cloudtrail/aws4_request";
  const std::string sh = "host;x-amz-date";
  const std::string sig(kSig);
  const std::string cases[] = {
      "",
      "   ",
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 ",
      "Bearer abc",
      "AWS4-HMAC-SHA512 Credential=" + cred + ", SignedHeaders=" + sh + ", Signature=" + sig,
      "AWS4-HMAC-SHA256Credential=" + cred + ", SignedHeaders=" + sh + ", Signature=" + sig,
      "AWS4-HMAC-SHA256 SignedHeaders=" + sh + ", Signature=" + sig,
      "AWS4-HMAC-SHA256 Credential=" + cred + ", Signature=" + sig,
      "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=" + sh,
      "AWS4-HMAC-SHA256 Credential=" + cred + " SignedHeaders=" + sh + " Signature=" + sig,
      Header(cred, sh) + ",",
      Header(cred, sh) + ", Signature=" + sig,
      Header(cred, sh) + ", Foo=bar",
      Header(cred, sh) + ", junk",
      "AWS4-HMAC-SHA256 ,Credential=" + cred + ", SignedHeaders=" + sh + ", Signature=" + sig,
      Header("", sh),
      Header("AK/20240501/us-east-1/cloudtrail", sh),
      Header("AK/20240501/us-east-1/cloudtrail/aws4_request/x", sh),
      Header("AK/2024051/us-east-1/cloudtrail/aws4_request", sh),
      Header("AK/2024O501/us-east-1/cloudtrail/aws4_request", sh),
      Header("AK/20240501/us-east-1/cloudtrail/aws4_requesT", sh),
      Header("AK/20240501//cloudtrail/aws4_request", sh),
      Header("AK/20240501/us-east-1//aws4_request", sh),
      Header("/20240501/us-east-1/cloudtrail/aws4_request", sh),
      Header("A K/20240501/us-east-1/cloudtrail/aws4_request", sh),
      Header(cred, ""),
      Header(cred, "x-amz-date;host"),
      Header(cred, "Host;x-amz-date"),
      Header(cred, "x-amz-date"),
      Header(cred, "host;;x-amz-date"),
      Header(cred, "host;x-amz-date;"),
      Header(cred, ";host"),
      Header(cred, "host;host"),
      Header(cred, "host;x amz"),
      Header(cred, sh, sig.substr(1)),
      Header(cred, sh, sig + "0"),
      Header(cred, sh, sig.substr(1) + "g"),
      Header(cred, sh, ""),
      Header(cred, sh) + std::string("\0", 1),
  };
  for (const std::string& h : cases) {
    SCOPED_TRACE(h);

    auto auth = ParseAuthorization(h);

    EXPECT_THAT(auth, HasError(Error::kIncompleteSignature));
    EXPECT_FALSE(auth.status().message().empty());
  }
}

TEST(ParseAuthorization, NamesEachMissingParameterLikeAws) {
  auto auth = ParseAuthorization("AWS4-HMAC-SHA256 Credential=AK/20240501/r/s/aws4_request");

  ASSERT_THAT(auth, HasError(Error::kIncompleteSignature));
  EXPECT_THAT(auth.status().message(),
              HasSubstr("Authorization header requires 'SignedHeaders' parameter. "
                        "Authorization header requires 'Signature' parameter."));
}

TEST(ParseAuthorization, RequiresHostAmongSignedHeaders) {
  auto auth = ParseAuthorization(Header("AK/20240501/r/s/aws4_request", "x-amz-date"));

  ASSERT_THAT(auth, HasError(Error::kIncompleteSignature));
  EXPECT_THAT(auth.status().message(), HasSubstr("'Host'"));
}

TEST(ParseAuthorization, KeepsHostileBytesOutOfTheMessage) {
  std::string hostile = "AWS4-HMAC-SHA256 \x01\xff" + std::string(10000, 'x');

  auto auth = ParseAuthorization(hostile);

  ASSERT_THAT(auth, HasError(Error::kIncompleteSignature));
  EXPECT_LT(auth.status().message().size(), 800u);
  EXPECT_EQ(auth.status().message().find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace ot::auth
