// Tests src/api/protocol/reply.cc: the JSON 1.1 error envelope (api.md §1) and the Query
// success and error documents (protocols.md §1.2, §1.3).

#include "api/protocol/reply.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "api/protocol/json_value.h"

namespace ot::api {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::string_view kRequestId = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE";
constexpr std::string_view kStsXmlns = "https://sts.amazonaws.com/doc/2011-06-15/";

std::string HeaderOf(const Reply& reply, std::string_view name) {
  for (const auto& [k, v] : reply.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

std::string JsonMember(const Reply& reply, std::string_view member) {
  auto doc = JsonDocument::Parse(reply.body);
  if (!doc.ok()) return "<unparsable>";
  auto v = (*doc)->root().Get(member);
  return v && v->is_string() ? std::string(v->AsString()) : "<absent>";
}

TEST(JsonErrorReply, CarriesTypeMessageAndHeaders) {
  Reply r =
      JsonErrorReply(Status(Error::kInvalidTimeRange, "StartTime is after EndTime."), kRequestId);

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/x-amz-json-1.1");
  EXPECT_EQ(JsonMember(r, "__type"), "InvalidTimeRangeException");
  EXPECT_EQ(JsonMember(r, "message"), "StartTime is after EndTime.");
  EXPECT_EQ(HeaderOf(r, "x-amzn-ErrorType"), "InvalidTimeRangeException");
  EXPECT_EQ(HeaderOf(r, "x-amzn-RequestId"), kRequestId);
}

TEST(JsonErrorReply, MapsCodesToWireTypeAndStatus) {
  struct Case {
    Error code;
    int status;
    std::string_view type;
  };
  const Case cases[] = {
      {Error::kUnknownOperation, 400, "UnknownOperationException"},
      {Error::kSerialization, 400, "SerializationException"},
      {Error::kMissingAuthenticationToken, 403, "MissingAuthenticationTokenException"},
      {Error::kInvalidSignature, 403, "InvalidSignatureException"},
      {Error::kUnrecognizedClient, 403, "UnrecognizedClientException"},
      {Error::kIncompleteSignature, 400, "IncompleteSignatureException"},
      {Error::kRequestTooLarge, 413, "RequestEntityTooLargeException"},
      {Error::kInvalidNextToken, 400, "InvalidNextTokenException"},
      {Error::kCorruption, 500, "InternalFailure"},
      {Error::kUnavailable, 503, "ServiceUnavailableException"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(ErrorName(c.code)));

    Reply r = JsonErrorReply(Status(c.code, "m"), kRequestId);

    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(JsonMember(r, "__type"), c.type);
    EXPECT_EQ(HeaderOf(r, "x-amzn-ErrorType"), c.type);
  }
}

TEST(JsonErrorReply, InternalErrorsGetAnOpaqueMessage) {
  for (Error code : {Error::kCorruption, Error::kIoError, Error::kInternal}) {
    SCOPED_TRACE(std::string(ErrorName(code)));

    Reply r = JsonErrorReply(Status(code, "pread /var/lib/opentrail/seg-7: EIO"), kRequestId);

    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(JsonMember(r, "__type"), "InternalFailure");
    EXPECT_THAT(r.body, Not(HasSubstr("seg-7")));
    EXPECT_THAT(JsonMember(r, "message"), Not(::testing::IsEmpty()));
  }
}

TEST(JsonErrorReply, EscapesTheMessageAsJson) {
  Reply r = JsonErrorReply(Status(Error::kValidation, "bad \"name\"\n"), kRequestId);

  EXPECT_EQ(JsonMember(r, "message"), "bad \"name\"\n");
}

TEST(JsonReply, IsA200WithTheBodyAndRequestId) {
  Reply r = JsonReply(R"({"Events":[]})", kRequestId);

  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/x-amz-json-1.1");
  EXPECT_EQ(r.body, R"({"Events":[]})");
  EXPECT_EQ(HeaderOf(r, "x-amzn-RequestId"), kRequestId);
}

TEST(QueryErrorReply, UsesTheQueryCodeNotTheShapeName) {
  struct Case {
    Error code;
    int status;
    std::string_view query_code;
  };
  const Case cases[] = {
      {Error::kInvalidSignature, 403, "SignatureDoesNotMatch"},
      {Error::kUnrecognizedClient, 403, "InvalidClientTokenId"},
      {Error::kMissingAuthenticationToken, 403, "MissingAuthenticationToken"},
      {Error::kIncompleteSignature, 400, "IncompleteSignature"},
      {Error::kUnknownOperation, 400, "InvalidAction"},
      {Error::kMissingAction, 400, "MissingAction"},
      {Error::kAccessDenied, 403, "AccessDenied"},  // 400 on JSON services, 403 on Query
      {Error::kSignatureExpired, 403, "RequestExpired"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(ErrorName(c.code)));

    Reply r = QueryErrorReply(Status(c.code, "m"), kRequestId, kStsXmlns);

    EXPECT_EQ(r.status, c.status);
    EXPECT_THAT(r.body, HasSubstr("<Code>" + std::string(c.query_code) + "</Code>"));
  }
}

TEST(QueryErrorReply, ClientErrorsAreSenderAndServerErrorsReceiver) {
  Reply sender = QueryErrorReply(Status(Error::kInvalidSignature, "m"), kRequestId, kStsXmlns);
  Reply receiver = QueryErrorReply(Status(Error::kIoError, "m"), kRequestId, kStsXmlns);

  EXPECT_THAT(sender.body, HasSubstr("<Type>Sender</Type>"));
  EXPECT_THAT(receiver.body, HasSubstr("<Type>Receiver</Type>"));
  EXPECT_EQ(receiver.status, 500);
  EXPECT_THAT(receiver.body, HasSubstr("<Code>InternalFailure</Code>"));
}

TEST(QueryErrorReply, IsAnErrorResponseDocumentWithRequestId) {
  Reply r = QueryErrorReply(Status(Error::kInvalidSignature, "The signature does not match."),
                            kRequestId, kStsXmlns);

  EXPECT_EQ(r.content_type, "text/xml");
  EXPECT_THAT(r.body, StartsWith("<ErrorResponse xmlns=\"" + std::string(kStsXmlns) + "\">"));
  EXPECT_THAT(r.body, HasSubstr("<Error>"));
  EXPECT_THAT(r.body, HasSubstr("<Message>The signature does not match.</Message>"));
  EXPECT_THAT(r.body, HasSubstr("<RequestId>" + std::string(kRequestId) + "</RequestId>"));
  EXPECT_THAT(r.body, EndsWith("</ErrorResponse>\n"));
  EXPECT_EQ(HeaderOf(r, "x-amzn-RequestId"), kRequestId);
}

TEST(QueryErrorReply, EscapesTheMessage) {
  Reply r = QueryErrorReply(Status(Error::kValidation, "a < b & c"), kRequestId, kStsXmlns);

  EXPECT_THAT(r.body, HasSubstr("<Message>a &lt; b &amp; c</Message>"));
}

TEST(QueryErrorReply, InternalErrorsGetAnOpaqueMessage) {
  Reply r =
      QueryErrorReply(Status(Error::kCorruption, "segment 7 checksum"), kRequestId, kStsXmlns);

  EXPECT_THAT(r.body, Not(HasSubstr("segment 7")));
}

TEST(QueryReply, WrapsTheResultInResponseAndResultElements) {
  Reply r = QueryReply("GetCallerIdentity", kStsXmlns, "    <Account>123456789012</Account>\n",
                       kRequestId);

  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/xml");
  EXPECT_EQ(r.body,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <GetCallerIdentityResult>\n"
            "    <Account>123456789012</Account>\n"
            "  </GetCallerIdentityResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</GetCallerIdentityResponse>\n");
  EXPECT_EQ(HeaderOf(r, "x-amzn-RequestId"), kRequestId);
}

TEST(XmlEscape, EscapesMarkupCharacters) {
  struct Case {
    std::string_view in, out;
  };
  const Case cases[] = {
      {"plain text", "plain text"},
      {"a&b", "a&amp;b"},
      {"<tag>", "&lt;tag&gt;"},
      {R"("quoted")", "&quot;quoted&quot;"},
      {"it's", "it&apos;s"},
      {"&amp;", "&amp;amp;"},
      {"", ""},
      {"caf\xC3\xA9", "caf\xC3\xA9"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(XmlEscape(c.in), c.out);
  }
}

TEST(PublicMessage, KeepsClientAndUnavailableMessages) {
  EXPECT_EQ(PublicMessage(Status(Error::kInvalidMaxResults, "use 1 to 50")), "use 1 to 50");
  EXPECT_EQ(PublicMessage(Status(Error::kUnavailable, "not recorded")), "not recorded");
}

}  // namespace
}  // namespace ot::api
