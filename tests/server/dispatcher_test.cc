// Tests src/server/dispatcher.cc through the whole in-process server: health and metrics,
// SigV4 failures, routing by protocol and the error shapes of each (api.md §1, protocols.md §1).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "server_test_util.h"

namespace ot::server {
namespace {

using ::testing::HasSubstr;
using testing::kLookupTarget;

class DispatcherTest : public testing::ServerTest {};

TEST_F(DispatcherTest, HealthAnswersOk) {
  auto [status, body] = testing::HttpGet(server_->port(), "/health");

  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, R"({"status":"ok"})");
}

TEST_F(DispatcherTest, PortFileHoldsTheBoundPort) {
  auto text = RealFileSystem().ReadFile(dir_.path() + "/port");

  ASSERT_THAT(text, ot::testing::IsOk());
  EXPECT_EQ(*text, std::to_string(server_->port()));
  EXPECT_NE(server_->port(), 0);
}

TEST_F(DispatcherTest, MetricsCountAnsweredRequests) {
  Json(kLookupTarget, "{}");

  auto [status, body] = testing::HttpGet(server_->port(), "/metrics");

  EXPECT_EQ(status, 200);
  EXPECT_THAT(body,
              HasSubstr("opentrail_requests_total{operation=\"LookupEvents\",status=\"200\"} 1\n"));
  EXPECT_THAT(body, HasSubstr("opentrail_events_recorded_total 1\n"));
}

TEST_F(DispatcherTest, SignedLookupEventsSucceeds) {
  cli::HttpResponse r = Json(kLookupTarget, "{}");

  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_FALSE(r.Header("x-amzn-RequestId").empty());
  EXPECT_TRUE(Parse(r.body).Get("Events").has_value());
}

TEST_F(DispatcherTest, ShortTargetPrefixIsAccepted) {
  cli::HttpResponse r = Json("CloudTrail_20131101.LookupEvents", "{}");

  EXPECT_EQ(r.status, 200);
}

TEST_F(DispatcherTest, UnsignedRequestIsMissingAuthenticationToken) {
  cli::HttpResponse r = Post({{"X-Amz-Target", std::string(kLookupTarget)},
                              {"Content-Type", "application/x-amz-json-1.1"}},
                             "{}");

  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "MissingAuthenticationTokenException");
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "MissingAuthenticationTokenException");
}

TEST_F(DispatcherTest, WrongSecretIsInvalidSignature) {
  credentials_.secret_access_key = std::string(40, 'A');

  cli::HttpResponse r = Json(kLookupTarget, "{}");

  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "InvalidSignatureException");
}

TEST_F(DispatcherTest, UnknownAccessKeyIsUnrecognizedClient) {
  credentials_.access_key_id = "AKIAUNKNOWNKEY000000";

  cli::HttpResponse r = Json(kLookupTarget, "{}");

  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "UnrecognizedClientException");
}

TEST_F(DispatcherTest, UnknownTargetIsUnknownOperation) {
  cli::HttpResponse r =
      Json("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.NoSuchThing", "{}");

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "UnknownOperationException");
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "UnknownOperationException");
}

TEST_F(DispatcherTest, RequestWithoutTargetOrActionIsS3) {
  cli::HttpResponse r = Post({{"Content-Type", "application/json"}}, "{}");

  // Unsigned S3 request: the S3 error document, with S3's request ids.
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Header("Content-Type"), "application/xml");
  EXPECT_THAT(r.body, HasSubstr("<Error><Code>AccessDenied</Code>"));
  EXPECT_EQ(r.Header("x-amz-request-id").size(), 16u);
  EXPECT_FALSE(r.Header("x-amz-id-2").empty());
}

TEST_F(DispatcherTest, MalformedJsonIsSerializationException) {
  cli::HttpResponse r = Json(kLookupTarget, "{not json");

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "SerializationException");
}

TEST_F(DispatcherTest, NonObjectJsonBodyIsSerializationException) {
  cli::HttpResponse r = Json(kLookupTarget, "[1,2]");

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "SerializationException");
}

TEST_F(DispatcherTest, EmptyJsonBodyIsAnEmptyInput) {
  cli::HttpResponse r = Json(kLookupTarget, "");

  EXPECT_EQ(r.status, 200);
}

TEST_F(DispatcherTest, HandlerErrorsKeepTheirWireType) {
  cli::HttpResponse r = Json(kLookupTarget, R"({"MaxResults":51})");

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "InvalidMaxResultsException");
}

TEST_F(DispatcherTest, QueryGetCallerIdentityAnswersXml) {
  cli::HttpResponse r = Query("Action=GetCallerIdentity&Version=2011-06-15", credentials_);

  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/xml");
  EXPECT_THAT(r.body, HasSubstr("<GetCallerIdentityResult>"));
  EXPECT_THAT(r.body, HasSubstr("<Arn>arn:aws:iam::123456789012:user/admin</Arn>"));
  EXPECT_THAT(r.body, HasSubstr("<UserId>AIDA"));
  EXPECT_THAT(r.body, HasSubstr("<Account>123456789012</Account>"));
  EXPECT_THAT(r.body, HasSubstr("<RequestId>" + std::string(r.Header("x-amzn-RequestId")) +
                                "</RequestId>"));
}

TEST_F(DispatcherTest, QueryWithBadSignatureIsSignatureDoesNotMatch) {
  cli::Credentials bad = credentials_;
  bad.secret_access_key = std::string(40, 'A');

  cli::HttpResponse r = Query("Action=GetCallerIdentity&Version=2011-06-15", bad);

  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("<Code>SignatureDoesNotMatch</Code>"));
  EXPECT_THAT(r.body, HasSubstr("<Type>Sender</Type>"));
}

TEST_F(DispatcherTest, QueryWithUnknownKeyIsInvalidClientTokenId) {
  cli::Credentials bad = credentials_;
  bad.access_key_id = "AKIAUNKNOWNKEY000000";

  cli::HttpResponse r = Query("Action=GetCallerIdentity&Version=2011-06-15", bad);

  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("<Code>InvalidClientTokenId</Code>"));
}

TEST_F(DispatcherTest, QueryWithoutActionIsMissingAction) {
  cli::HttpResponse r = Query("Version=2011-06-15", credentials_);

  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>MissingAction</Code>"));
}

TEST_F(DispatcherTest, QueryWithUnknownActionIsInvalidAction) {
  cli::HttpResponse r = Query("Action=NoSuchAction&Version=2011-06-15", credentials_);

  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("<Code>InvalidAction</Code>"));
}

TEST_F(DispatcherTest, OversizedBodyIs413) {
  cli::JsonCall call;
  call.target = std::string(kLookupTarget);
  call.body = std::string(20 << 10, ' ');

  auto r = cli::SendJson(*client_, endpoint_, credentials_, "us-east-1", call, clock_);

  ASSERT_THAT(r, ot::testing::IsOk());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Member(Parse(r->body), "__type"), "RequestEntityTooLargeException");
}

TEST_F(DispatcherTest, UnsupportedContentEncodingIsRejected) {
  cli::HttpResponse r = Json(kLookupTarget, "{}", "us-east-1", "br");

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Member(Parse(r.body), "__type"), "SerializationException");
}

}  // namespace
}  // namespace ot::server
