// What arrives in S3 request bodies (PrepareS3Body), client PutObject, the bucket-policy
// operations and CloudTrail's bucket-policy check (s3_upload.cc, s3_policy.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/handlers/s3_operations.h"
#include "auth/aws_chunked.h"
#include "auth/sigv4.h"
#include "buckets/buckets_test_util.h"
#include "common/encoding.h"
#include "crypto/checksum.h"
#include "crypto/hash.h"
#include "handler_test_util.h"

namespace ot::api::handlers {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::Contains;
using ::testing::ElementsAre;
using testing::HandlerEnv;
using ::testing::HasSubstr;
using ::testing::Pair;

using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

constexpr std::string_view kPolicy = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"Upload","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/admin"},
   "Action":"s3:PutObject","Resource":"arn:aws:s3:::up-b/uploads/*"}]})";

std::string Md5Base64(std::string_view body) {
  crypto::Md5Hasher h;
  h.Update(body);
  return Base64Encode(h.Finish());
}

class S3UploadTest : public ::testing::Test {
 protected:
  S3UploadTest() {
    buckets::RegistryOptions options;
    options.dir = h_.dir.path() + "/buckets";
    auto reg = buckets::BucketRegistry::Open(options, store_, h_.env);
    EXPECT_THAT(reg, IsOk());
    registry_ = std::move(*reg);
    h_.services->buckets = registry_.get();
    EXPECT_THAT(registry_->Create("up-b", "us-east-1", "111122223333"), IsOk());
    h_.caller.service = "s3";
  }

  // Runs PrepareS3Body like the dispatcher, then the routed handler.
  Result<S3Outcome> Call(std::string_view method, std::string_view path, std::string_view query,
                         Headers headers, std::string_view body,
                         std::string_view content_sha256 = "UNSIGNED-PAYLOAD") {
    request_ = ParseS3Path(method, path, query);
    request_.host = "127.0.0.1:8421";
    request_.body = body;
    request_.headers = std::move(headers);
    h_.caller.content_sha256 = content_sha256;
    OT_RETURN_IF_ERROR(PrepareS3Body(h_.caller, &request_, &storage_));
    const S3Operation& op = RouteS3(request_);
    if (op.handle == nullptr) return Status(Error::kS3NotImplemented, "");
    return op.handle(*h_.services, h_.Context(), request_);
  }

  static std::string_view HeaderOf(const S3Outcome& o, std::string_view name) {
    for (const auto& [k, v] : o.headers) {
      if (k == name) return v;
    }
    return {};
  }

  HandlerEnv h_;
  buckets::testing::MemRegistryStore store_;
  std::unique_ptr<buckets::BucketRegistry> registry_;
  S3Request request_;
  std::string storage_;
};

TEST_F(S3UploadTest, StreamingUnsignedTrailerUploadIsDecodedVerifiedAndStored) {
  std::string body = "c\r\nhello world\n\r\n0\r\nx-amz-checksum-crc32:rwg7LQ==\r\n\r\n";
  auto put = Call("PUT", "/up-b/uploads/hello.txt", "",
                  {{"Content-Encoding", "gzip,aws-chunked"},
                   {"X-Amz-Trailer", "x-amz-checksum-crc32"},
                   {"X-Amz-Decoded-Content-Length", "12"},
                   {"x-amz-sdk-checksum-algorithm", "CRC32"},
                   {"Content-Type", "text/plain"},
                   {"x-amz-meta-Team", "ops"}},
                  body, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");

  ASSERT_THAT(put, IsOk());
  EXPECT_EQ(HeaderOf(*put, "ETag"), "\"" + crypto::Md5Hex("hello world\n") + "\"");
  EXPECT_EQ(HeaderOf(*put, "x-amz-checksum-crc32"), "rwg7LQ==");
  auto info = registry_->HeadObject("up-b", "uploads/hello.txt");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 12u);
  EXPECT_EQ(info->content_encoding, "gzip");
  EXPECT_EQ(info->content_type, "text/plain");
  EXPECT_THAT(info->metadata, ElementsAre(Pair("team", "ops")));
  EXPECT_EQ(info->uploader, "arn:aws:iam::111122223333:user/admin");
}

TEST_F(S3UploadTest, CorruptedTrailerChecksumIsBadDigest) {
  std::string body = "c\r\nhello world\n\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";

  auto put = Call("PUT", "/up-b/uploads/bad.txt", "",
                  {{"Content-Encoding", "aws-chunked"},
                   {"X-Amz-Trailer", "x-amz-checksum-crc32"},
                   {"X-Amz-Decoded-Content-Length", "12"}},
                  body, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");

  EXPECT_THAT(put, HasError(Error::kBadDigest));
  EXPECT_THAT(put.status().message(), HasSubstr("CRC32 you specified did not match"));
  EXPECT_THAT(registry_->HeadObject("up-b", "uploads/bad.txt"), HasError(Error::kNoSuchKey));
}

TEST_F(S3UploadTest, SignedChunksAreVerified) {
  auth::ChunkSigning signing;
  signing.signing_key = auth::DeriveSigningKey("secret", "20240501", "us-east-1", "s3");
  signing.amz_date = "20240501T123456Z";
  signing.scope = "20240501/us-east-1/s3/aws4_request";
  signing.seed_signature = std::string(64, 'a');
  h_.caller.chunk_signing = signing;
  std::string data(20000, 'z');
  std::string crc = crypto::ChecksumBase64(crypto::ChecksumAlgorithm::kCrc64Nvme, data);
  std::string body =
      auth::EncodeAwsChunked(data, 8192, &signing, {{"x-amz-checksum-crc64nvme", crc}});
  Headers headers = {{"Content-Encoding", "aws-chunked"},
                     {"X-Amz-Trailer", "x-amz-checksum-crc64nvme"},
                     {"X-Amz-Decoded-Content-Length", "20000"}};
  std::string tampered = body;
  tampered[100] = 'y';

  auto good = Call("PUT", "/up-b/uploads/signed", "", headers, body,
                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
  auto bad = Call("PUT", "/up-b/uploads/tampered", "", headers, tampered,
                  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");

  ASSERT_THAT(good, IsOk());
  EXPECT_EQ(HeaderOf(*good, "x-amz-checksum-crc64nvme"), crc);
  EXPECT_THAT(bad, HasError(Error::kInvalidSignature));
}

TEST_F(S3UploadTest, BodyChecksRefuseWithS3Errors) {
  std::string hello = "hello world\n";
  std::string md5 = Md5Base64(hello);
  std::string chunked = "c\r\nhello world\n\r\n0\r\n\r\n";
  struct Case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view body;
    std::string_view mode;
    Error error;
    std::string_view message;
  };
  const Case cases[] = {
      {"md5 not base64",
       {{"Content-MD5", "!!"}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kInvalidDigest,
       "Content-MD5"},
      {"md5 mismatch",
       {{"Content-MD5", Md5Base64("other")}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kBadDigest,
       "Content-MD5"},
      {"crc32c mismatch",
       {{"x-amz-checksum-crc32c", "AAAAAA=="}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kBadDigest,
       "CRC32C"},
      {"sha1 mismatch",
       {{"x-amz-checksum-sha1", Base64Encode(std::string(20, 'x'))}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kBadDigest,
       "SHA1"},
      {"sha256 mismatch",
       {{"x-amz-checksum-sha256", Base64Encode(std::string(32, 'x'))}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kBadDigest,
       "SHA256"},
      {"bad value",
       {{"x-amz-checksum-crc32", "abc"}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kValidation,
       "x-amz-checksum-crc32 header is invalid"},
      {"unknown algorithm",
       {{"x-amz-checksum-crc16", "AAA="}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kValidation,
       "unsupported"},
      {"unknown sdk algorithm",
       {{"x-amz-sdk-checksum-algorithm", "XXH3"}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kValidation,
       "unsupported"},
      {"sdk algorithm without checksum",
       {{"x-amz-sdk-checksum-algorithm", "CRC32"}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kValidation,
       "no corresponding x-amz-checksum"},
      {"two algorithms",
       {{"x-amz-checksum-crc32", "rwg7LQ=="},
        {"x-amz-checksum-sha1", crypto::ChecksumBase64(crypto::ChecksumAlgorithm::kSha1, hello)}},
       hello,
       "UNSIGNED-PAYLOAD",
       Error::kValidation,
       "Multiple checksum"},
      {"decoded length missing",
       {},
       chunked,
       "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
       Error::kValidation,
       "x-amz-decoded-content-length"},
      {"decoded length wrong",
       {{"X-Amz-Decoded-Content-Length", "13"}},
       chunked,
       "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
       Error::kIncompleteBody,
       "13 declared"},
      {"announced trailer missing",
       {{"X-Amz-Decoded-Content-Length", "12"}, {"X-Amz-Trailer", "x-amz-checksum-crc32"}},
       chunked,
       "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
       Error::kValidation,
       "no such trailer"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Headers headers(c.headers.begin(), c.headers.end());
    auto put = Call("PUT", "/up-b/uploads/x", "", headers, c.body, c.mode);
    EXPECT_THAT(put, HasError(c.error));
    EXPECT_THAT(put.status().message(), HasSubstr(c.message));
  }
  EXPECT_THAT(Call("PUT", "/up-b/uploads/md5", "", {{"Content-MD5", md5}}, hello), IsOk());
  EXPECT_THAT(request_.checksums, ElementsAre(Pair("md5", md5)));
}

TEST_F(S3UploadTest, PutObjectRefusals) {
  EXPECT_THAT(Call("PUT", "/nope-b/k", "", {}, "x"), HasError(Error::kNoSuchBucket));
  EXPECT_THAT(Call("PUT", "/up-b/AWSLogs/111122223333/forged.json.gz", "", {}, "x"),
              HasError(Error::kAccessDenied));
  // Object-lock headers need a bucket with object lock (InvalidRequest, as in S3).
  EXPECT_THAT(
      Call("PUT", "/up-b/uploads/lock", "", {{"x-amz-object-lock-mode", "GOVERNANCE"}}, "x"),
      HasError(Error::kValidation));
  std::string big(2100, 'v');
  EXPECT_THAT(Call("PUT", "/up-b/uploads/meta", "", {{"x-amz-meta-big", big}}, "x"),
              HasError(Error::kMetadataTooLarge));
  ASSERT_THAT(Call("PUT", "/up-b/uploads/once", "", {{"If-None-Match", "*"}}, "1"), IsOk());
  EXPECT_THAT(Call("PUT", "/up-b/uploads/once", "", {{"If-None-Match", "*"}}, "2"),
              HasError(Error::kPreconditionFailed));
}

TEST_F(S3UploadTest, BucketPolicyOperations) {
  std::string md5 = Md5Base64(kPolicy);
  EXPECT_THAT(Call("GET", "/up-b", "policy", {}, ""), HasError(Error::kNoSuchBucketPolicy));
  EXPECT_THAT(Call("PUT", "/up-b", "policy", {}, kPolicy), HasError(Error::kValidation));
  EXPECT_THAT(Call("PUT", "/up-b", "policy", {{"Content-MD5", Md5Base64("{")}}, "{"),
              HasError(Error::kMalformedPolicy));
  EXPECT_THAT(Call("PUT", "/nope-b", "policy", {{"Content-MD5", md5}}, kPolicy),
              HasError(Error::kNoSuchBucket));

  auto put = Call("PUT", "/up-b", "policy", {{"Content-MD5", md5}}, kPolicy);
  ASSERT_THAT(put, IsOk());
  EXPECT_EQ(put->status, 204);
  EXPECT_THAT(put->outcome.request_parameters, HasSubstr(R"("bucketPolicy":{"Version")"));
  EXPECT_THAT(put->outcome.request_parameters, HasSubstr(R"("bucketName":"up-b")"));
  auto get = Call("GET", "/up-b", "policy", {}, "");
  ASSERT_THAT(get, IsOk());
  EXPECT_TRUE(get->raw);
  EXPECT_EQ(get->content_type, "application/json");
  EXPECT_EQ(get->outcome.body, kPolicy);
  auto del = Call("DELETE", "/up-b", "policy", {}, "");
  ASSERT_THAT(del, IsOk());
  EXPECT_EQ(del->status, 204);
  EXPECT_THAT(Call("GET", "/up-b", "policy", {}, ""), HasError(Error::kNoSuchBucketPolicy));
}

TEST_F(S3UploadTest, APolicyThatLocksTheCallerOutNeedsConfirmation) {
  constexpr std::string_view kLockout = R"({"Statement":[{"Effect":"Deny","Principal":"*",
      "Action":"s3:*","Resource":["arn:aws:s3:::up-b","arn:aws:s3:::up-b/*"],
      "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})";
  std::string md5 = Md5Base64(kLockout);

  auto refused = Call("PUT", "/up-b", "policy", {{"Content-MD5", md5}}, kLockout);

  EXPECT_THAT(refused, HasError(Error::kAccessDenied));
  EXPECT_THAT(refused.status().message(), HasSubstr("x-amz-confirm-remove-self-bucket-access"));
  EXPECT_THAT(
      Call("PUT", "/up-b", "policy",
           {{"Content-MD5", md5}, {"x-amz-confirm-remove-self-bucket-access", "true"}}, kLockout),
      IsOk());
}

TEST_F(S3UploadTest, TrailBucketPolicyCheck) {
  constexpr std::string_view kTrail = R"({"Statement":[{"Effect":"Allow",
      "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
      "Resource":"arn:aws:s3:::up-b/logs/AWSLogs/111122223333/*",
      "Condition":{"StringEquals":{"aws:SourceArn":
        "arn:aws:cloudtrail:us-east-1:111122223333:trail/t1"}}}]})";
  const std::string t1 = "arn:aws:cloudtrail:us-east-1:111122223333:trail/t1";
  const std::string t2 = "arn:aws:cloudtrail:us-east-1:111122223333:trail/t2";
  EXPECT_THAT(CheckTrailBucketPolicy(*h_.services, "up-b", "", t2, "us-east-1"), IsOk());
  ASSERT_THAT(registry_->PutPolicy("up-b", kTrail), IsOk());

  EXPECT_THAT(CheckTrailBucketPolicy(*h_.services, "up-b", "logs", t1, "us-east-1"), IsOk());
  EXPECT_THAT(CheckTrailBucketPolicy(*h_.services, "up-b", "", t1, "us-east-1"),
              HasError(Error::kInsufficientS3BucketPolicy));
  EXPECT_THAT(CheckTrailBucketPolicy(*h_.services, "up-b", "logs", t2, "us-east-1"),
              HasError(Error::kInsufficientS3BucketPolicy));
  EXPECT_THAT(CheckTrailBucketPolicy(*h_.services, "nope-b", "", t1, "us-east-1"), IsOk());
}

TEST_F(S3UploadTest, ConditionKeysOfARequest) {
  S3Request r = ParseS3Path("GET", "/up-b", "list-type=2&prefix=AWSLogs%2F&delimiter=%2F");
  std::vector<std::pair<std::string_view, std::string_view>> headers = {{"x-amz-acl", "private"}};
  r.headers = headers;

  auto keys = S3ConditionKeys(r);

  EXPECT_THAT(keys, Contains(Pair("s3:prefix", "AWSLogs/")));
  EXPECT_THAT(keys, Contains(Pair("s3:delimiter", "/")));
  EXPECT_THAT(keys, Contains(Pair("s3:x-amz-acl", "private")));
  EXPECT_THAT(keys, Contains(Pair("s3:signatureversion", "AWS4-HMAC-SHA256")));
}

}  // namespace
}  // namespace ot::api::handlers
