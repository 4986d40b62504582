#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/auth_test_util.h"
#include "auth/sigv4.h"
#include "crypto/hash.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ot::auth::testing::TestRequest;
using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::HasSubstr;

SigV4Authorization AuthSigning(std::string signed_headers) {
  auto auth = ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=AK/20240501/us-east-1/cloudtrail/aws4_request, "
      "SignedHeaders=" +
      signed_headers + ", Signature=" + std::string(64, '0'));
  OT_CHECK(auth.ok());
  return *auth;
}

// Line `n` (0-based) of the canonical request of `request`, signing only host.
std::string CanonicalLine(const TestRequest& request, size_t n, bool s3 = false) {
  auto canonical = CanonicalRequest(request.View(), AuthSigning("host"), s3);
  OT_CHECK(canonical.ok());
  std::string_view text = *canonical;
  for (size_t i = 0; i < n; ++i) text.remove_prefix(text.find('\n') + 1);
  return std::string(text.substr(0, text.find('\n')));
}

TestRequest WithHost() { return TestRequest().Header("Host", "h"); }

TEST(CanonicalRequest, NormalisesAndDoubleEncodesNonS3Paths) {
  struct Case {
    std::string_view raw, canonical;
  };
  const Case cases[] = {
      {"", "/"},
      {"/", "/"},
      {"/PutAuditEvents", "/PutAuditEvents"},
      {"/a/./b/../c", "/a/c"},
      {"//a//b//", "/a/b/"},
      {"/a/..", "/"},
      {"/../../a", "/a"},
      {"/foo/.", "/foo"},
      {"/a/./", "/a/"},
      {"/%41%2F", "/%2541%252F"},
      {"/c%20d/e%2Ff/", "/c%2520d/e%252Ff/"},
      {"/a b/~user", "/a%20b/~user"},
      {"/%2e%2e/x", "/%252e%252e/x"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.raw);
    EXPECT_EQ(CanonicalLine(WithHost().Path(std::string(c.raw)), 1), c.canonical);
  }
}

TEST(CanonicalRequest, UsesS3PathsVerbatim) {
  EXPECT_EQ(CanonicalLine(WithHost().Path("/bucket/a%2Fb/../c//d"), 1, /*s3=*/true),
            "/bucket/a%2Fb/../c//d");
}

TEST(CanonicalRequest, DecodesReencodesAndSortsTheQuery) {
  struct Case {
    std::string_view raw, canonical;
  };
  const Case cases[] = {
      {"", ""},
      {"b=2&a=x+y&c=%7e&a=%41&d&e=%zz", "a=A&a=x%2By&b=2&c=~&d=&e=%25zz"},
      {"z=1&a=2&a=1", "a=1&a=2&z=1"},
      {"k=a b&k2=%3a:/", "k=a%20b&k2=%3A%3A%2F"},
      {"channelArn=arn%3Aaws%3Acloudtrail&externalId=ext%20id",
       "channelArn=arn%3Aaws%3Acloudtrail&externalId=ext%20id"},
      {"a=1&&b=2&", "a=1&b=2"},
      {"=v&k=", "=v&k="},
      {"%E2%82%AC=%e2%82%ac", "%E2%82%AC=%E2%82%AC"},
      {"B=1&a=1&_=1", "B=1&_=1&a=1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.raw);
    EXPECT_EQ(CanonicalLine(WithHost().Query(std::string(c.raw)), 2), c.canonical);
  }
}

TEST(CanonicalRequest, UppercasesTheMethod) {
  EXPECT_EQ(CanonicalLine(WithHost().Method("post"), 0), "POST");
}

TEST(CanonicalRequest, JoinsDuplicateHeadersInArrivalOrderWithTrimmedValues) {
  TestRequest r = WithHost()
                      .Header("X-Custom", "  b   two\t\tsp  ")
                      .Header("x-other", "o")
                      .Header("x-CUSTOM", "a")
                      .Header("X-Empty", "   ");

  auto canonical = CanonicalRequest(r.View(), AuthSigning("host;x-custom;x-empty"), false);

  ASSERT_THAT(canonical, IsOk());
  EXPECT_THAT(*canonical, HasSubstr("\nhost:h\nx-custom:b two sp,a\nx-empty:\n\n"
                                    "host;x-custom;x-empty\n"));
}

TEST(CanonicalRequest, RejectsASignedHeaderMissingFromTheRequest) {
  auto canonical = CanonicalRequest(WithHost().View(), AuthSigning("host;x-amz-target"), false);

  ASSERT_THAT(canonical, HasError(Error::kIncompleteSignature));
  EXPECT_THAT(canonical.status().message(), HasSubstr("x-amz-target"));
}

TEST(CanonicalRequest, HashesTheBodyWhenNoContentHashHeaderIsSent) {
  std::string last = CanonicalLine(WithHost().Body("abc"), 6);

  EXPECT_EQ(last, crypto::Sha256Hex("abc"));
}

TEST(CanonicalRequest, UsesAMatchingContentHashHeader) {
  const std::string hash = crypto::Sha256Hex("abc");

  EXPECT_EQ(CanonicalLine(WithHost().Body("abc").Header("X-Amz-Content-SHA256", hash), 6), hash);
}

TEST(CanonicalRequest, RejectsAContentHashThatDoesNotMatchTheBody) {
  TestRequest r = WithHost().Body("abd").Header("x-amz-content-sha256", crypto::Sha256Hex("abc"));

  auto canonical = CanonicalRequest(r.View(), AuthSigning("host"), false);

  ASSERT_THAT(canonical, HasError(Error::kInvalidSignature));
  EXPECT_EQ(canonical.status().message(),
            "The provided 'x-amz-content-sha256' header does not match what was computed.");
}

TEST(CanonicalRequest, AcceptsUnsignedPayloadOnlyForS3) {
  TestRequest r = WithHost().Body("abc").Header("x-amz-content-sha256", "UNSIGNED-PAYLOAD");

  EXPECT_THAT(CanonicalRequest(r.View(), AuthSigning("host"), false),
              HasError(Error::kInvalidSignature));
  EXPECT_EQ(CanonicalLine(r, 6, /*s3=*/true), "UNSIGNED-PAYLOAD");
}

TEST(CanonicalRequest, StreamingPayloadsAreSignedLiteralsOnlyForS3) {
  for (std::string mode :
       {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}) {
    SCOPED_TRACE(mode);
    TestRequest r = WithHost().Header("x-amz-content-sha256", mode);

    auto s3 = CanonicalRequest(r.View(), AuthSigning("host"), true);

    ASSERT_THAT(s3, IsOk());
    EXPECT_TRUE(s3->ends_with("\n" + mode));
    EXPECT_THAT(CanonicalRequest(r.View(), AuthSigning("host"), false),
                HasError(Error::kInvalidSignature));
  }
  TestRequest sigv4a =
      WithHost().Header("x-amz-content-sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD");
  EXPECT_THAT(CanonicalRequest(sigv4a.View(), AuthSigning("host"), true),
              HasError(Error::kInvalidSignature));
}

TEST(CanonicalRequest, S3HexPayloadMismatchIsXAmzContentSha256Mismatch) {
  TestRequest r = WithHost().Body("abc").Header("x-amz-content-sha256", std::string(64, '0'));

  EXPECT_THAT(CanonicalRequest(r.View(), AuthSigning("host"), true),
              HasError(Error::kXAmzContentSha256Mismatch));
  EXPECT_THAT(CanonicalRequest(r.View(), AuthSigning("host"), false),
              HasError(Error::kInvalidSignature));
}

}  // namespace
}  // namespace ot::auth
