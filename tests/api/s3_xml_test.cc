#include "api/protocol/s3_xml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ot::api {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

const S3Ids kIds{"4442587FB7D0A2F9", "aG9zdGlk"};

TEST(S3XmlTest, ErrorDocumentMatchesAws) {
  Reply r = S3ErrorReply(Status(Error::kNoSuchBucket, "The specified bucket does not exist"), kIds,
                         "nope-b", false);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/xml");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
            "<Message>The specified bucket does not exist</Message><BucketName>nope-b"
            "</BucketName><RequestId>4442587FB7D0A2F9</RequestId><HostId>aG9zdGlk</HostId>"
            "</Error>");
  EXPECT_THAT(r.headers, Contains(Pair("x-amz-request-id", "4442587FB7D0A2F9")));
  EXPECT_THAT(r.headers, Contains(Pair("x-amz-id-2", "aG9zdGlk")));
}

TEST(S3XmlTest, NoSuchKeyNamesTheKey) {
  Reply r = S3ErrorReply(Status(Error::kNoSuchKey, "The specified key does not exist."), kIds,
                         "logs-b", false, "a&b/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<Code>NoSuchKey</Code><Message>The specified key does not exist."
                        "</Message><BucketName>logs-b</BucketName><Key>a&amp;b/nope</Key>"),
            std::string::npos)
      << r.body;
  Reply other = S3ErrorReply(Status(Error::kAccessDenied, "no"), kIds, "logs-b", false, "k");
  EXPECT_EQ(other.body.find("<Key>"), std::string::npos);
}

TEST(S3XmlTest, HeadErrorsHaveNoBody) {
  Reply r = S3ErrorReply(Status(Error::kNoSuchBucket, "x"), kIds, "nope-b", true);
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.body.empty());
  EXPECT_THAT(r.headers, Contains(Pair("x-amz-request-id", "4442587FB7D0A2F9")));
}

TEST(S3XmlTest, CodesAndStatuses) {
  struct Row {
    Error code;
    std::string_view s3_code;
    int status;
  };
  for (const Row& row : {
           Row{Error::kBucketNotEmpty, "BucketNotEmpty", 409},
           Row{Error::kBucketAlreadyOwnedByYou, "BucketAlreadyOwnedByYou", 409},
           Row{Error::kBucketAlreadyExists, "BucketAlreadyExists", 409},
           Row{Error::kInvalidBucketName, "InvalidBucketName", 400},
           Row{Error::kS3NotImplemented, "NotImplemented", 501},
           Row{Error::kInvalidSignature, "SignatureDoesNotMatch", 403},
           Row{Error::kUnrecognizedClient, "InvalidAccessKeyId", 403},
           Row{Error::kSignatureExpired, "RequestTimeTooSkewed", 403},
           Row{Error::kMissingAuthenticationToken, "AccessDenied", 403},
           Row{Error::kAccessDenied, "AccessDenied", 403},
           Row{Error::kInternal, "InternalError", 500},
           Row{Error::kNoSuchKey, "NoSuchKey", 404},
           Row{Error::kNoSuchVersion, "NoSuchVersion", 404},
           Row{Error::kInvalidRange, "InvalidRange", 416},
           Row{Error::kPreconditionFailed, "PreconditionFailed", 412},
           Row{Error::kMalformedXml, "MalformedXML", 400},
           Row{Error::kInvalidArgument, "InvalidArgument", 400},
           Row{Error::kInvalidDigest, "InvalidDigest", 400},
           Row{Error::kBadDigest, "BadDigest", 400},
           Row{Error::kValidation, "InvalidRequest", 400},
       }) {
    EXPECT_EQ(S3ErrorCode(row.code), row.s3_code) << ErrorName(row.code);
    EXPECT_EQ(S3ErrorStatus(row.code), row.status) << ErrorName(row.code);
  }
}

TEST(S3XmlTest, MessagesOfInternalErrorsStayPrivateButNotImplementedIsShown) {
  Reply internal = S3ErrorReply(Status(Error::kInternal, "secret detail"), kIds, "", false);
  EXPECT_THAT(internal.body, ::testing::Not(HasSubstr("secret detail")));
  Reply ni = S3ErrorReply(Status(Error::kS3NotImplemented, "not here"), kIds, "", false);
  EXPECT_THAT(ni.body, HasSubstr("<Message>not here</Message>"));
  Reply escaped = S3ErrorReply(Status(Error::kInvalidBucketName, "a<b&c"), kIds, "", false);
  EXPECT_THAT(escaped.body, HasSubstr("<Message>a&lt;b&amp;c</Message>"));
}

TEST(S3XmlTest, SuccessReplies) {
  Reply empty = S3Reply(204, "", kIds);
  EXPECT_EQ(empty.status, 204);
  EXPECT_TRUE(empty.body.empty());
  EXPECT_TRUE(empty.content_type.empty());
  Reply xml = S3Reply(200, "<A/>", kIds);
  EXPECT_EQ(xml.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<A/>");
  EXPECT_EQ(xml.content_type, "application/xml");
  EXPECT_THAT(xml.headers, Contains(Pair("x-amz-id-2", "aG9zdGlk")));
}

}  // namespace
}  // namespace ot::api
