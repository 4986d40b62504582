// aws-chunked decoding and streaming signatures, against the AWS documentation's example
// requests (protocols.md §5.4, recomputed there independently).
#include "auth/aws_chunked.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/identity.h"
#include "auth/sigv4.h"
#include "common/time.h"
#include "crypto/checksum.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr std::string_view kAwsKeyId = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kAwsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kAmzDate = "20130524T000000Z";
constexpr std::string_view kScope = "20130524/us-east-1/s3/aws4_request";

ChunkSigning ExampleSigning(std::string_view seed) {
  ChunkSigning s;
  s.signing_key = DeriveSigningKey(kAwsSecret, "20130524", "us-east-1", "s3");
  s.amz_date = kAmzDate;
  s.scope = kScope;
  s.seed_signature = seed;
  return s;
}

// The example request of the AWS "sigv4-streaming" page, with `extra` headers and the signature.
struct ExampleRequest {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  HttpRequestView View() const {
    HttpRequestView v;
    v.method = "PUT";
    v.raw_path = "/examplebucket/chunkObject.txt";
    for (const auto& [k, val] : headers) v.headers.emplace_back(k, val);
    v.body = body;
    return v;
  }
};

void AddExampleKey(CredentialStore* store) {
  AccessKey key;
  key.access_key_id = kAwsKeyId;
  key.secret_access_key = kAwsSecret;
  key.principal.account_id = "111122223333";
  store->Put(key);
}

SysMillis ExampleNow() {
  auto t = ParseIso8601("2013-05-24T00:00:00Z");
  EXPECT_THAT(t, IsOk());
  return *t;
}

constexpr std::string_view kSeed =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr std::string_view kTrailerSeed =
    "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";

TEST(AwsChunked, SignedExampleSeedVerifiesAndHandsOverTheChunkChain) {
  ExampleRequest r;
  r.headers = {{"Host", "s3.amazonaws.com"},
               {"x-amz-date", std::string(kAmzDate)},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
               {"Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                "aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-"
                "sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=" +
                    std::string(kSeed)},
               {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
               {"Content-Encoding", "aws-chunked"},
               {"x-amz-decoded-content-length", "66560"},
               {"Content-Length", "66824"}};
  ChunkSigning signing = ExampleSigning(kSeed);
  r.body = EncodeAwsChunked(std::string(66560, 'a'), 65536, &signing, {});
  VerifyOptions options;
  options.s3 = true;
  CredentialStore credentials;
  AddExampleKey(&credentials);

  auto caller = VerifyRequest(r.View(), credentials, ExampleNow(), options);

  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->content_sha256, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  EXPECT_EQ(caller->chunk_signing.seed_signature, kSeed);
  EXPECT_EQ(caller->chunk_signing.scope, kScope);
  EXPECT_EQ(r.body.size(), 66824u);
  AwsChunkedOptions decode;
  decode.signing = &caller->chunk_signing;
  auto body = DecodeAwsChunked(r.body, decode);
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(body->data, std::string(66560, 'a'));
  EXPECT_TRUE(body->trailers.empty());
}

TEST(AwsChunked, SignedExampleChunkSignaturesMatchTheSpecVector) {
  ChunkSigning signing = ExampleSigning(kSeed);

  std::string encoded = EncodeAwsChunked(std::string(66560, 'a'), 65536, &signing, {});

  EXPECT_THAT(encoded, HasSubstr("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e23"
                                 "07b0ade35a65485a288648\r\n"));
  EXPECT_THAT(encoded, HasSubstr("400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b6"
                                 "12b7d234b86a503ef5497\r\n"));
  EXPECT_TRUE(encoded.ends_with(
      "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n"
      "\r\n"));
}

TEST(AwsChunked, SignedTrailerExampleMatchesTheSpecVector) {
  ChunkSigning signing = ExampleSigning(kTrailerSeed);
  std::string data(66560, 'a');
  std::string crc32c = crypto::ChecksumBase64(crypto::ChecksumAlgorithm::kCrc32c, data);
  ASSERT_EQ(crc32c, "sOO8/Q==");

  std::string encoded =
      EncodeAwsChunked(data, 65536, &signing, {{"x-amz-checksum-crc32c", crc32c}});

  for (std::string_view sig :
       {"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
        "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
        "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"}) {
    EXPECT_THAT(encoded, HasSubstr("chunk-signature=" + std::string(sig) + "\r\n"));
  }
  EXPECT_TRUE(encoded.ends_with(
      "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:"
      "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n"));
  AwsChunkedOptions decode;
  decode.signing = &signing;
  decode.trailer = true;
  auto body = DecodeAwsChunked(encoded, decode);
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(body->data, data);
  EXPECT_THAT(body->trailers, ElementsAre(Pair("x-amz-checksum-crc32c", "sOO8/Q==")));
}

TEST(AwsChunked, TamperedChunksAndTrailersFailTheSignature) {
  ChunkSigning signing = ExampleSigning(kTrailerSeed);
  std::string data(70000, 'a');
  std::string encoded = EncodeAwsChunked(data, 65536, &signing, {{"x-amz-checksum-crc32", "AAAA"}});
  AwsChunkedOptions decode;
  decode.signing = &signing;
  decode.trailer = true;
  ASSERT_THAT(DecodeAwsChunked(encoded, decode), IsOk());

  std::string flipped_data = encoded;
  flipped_data[200] = 'b';
  std::string flipped_trailer = encoded;
  flipped_trailer.replace(flipped_trailer.find("AAAA"), 4, "AAAB");
  ChunkSigning other_seed = ExampleSigning(kSeed);
  AwsChunkedOptions wrong_seed = decode;
  wrong_seed.signing = &other_seed;
  std::string no_trailer_sig = encoded.substr(0, encoded.find("x-amz-trailer-signature")) + "\r\n";

  EXPECT_THAT(DecodeAwsChunked(flipped_data, decode), HasError(Error::kInvalidSignature));
  EXPECT_THAT(DecodeAwsChunked(flipped_trailer, decode), HasError(Error::kInvalidSignature));
  EXPECT_THAT(DecodeAwsChunked(encoded, wrong_seed), HasError(Error::kInvalidSignature));
  EXPECT_THAT(DecodeAwsChunked(no_trailer_sig, decode), HasError(Error::kInvalidSignature));
}

TEST(AwsChunked, UnsignedTrailerBodyFromBotocoreDecodes) {
  // put_object(Body=b'hello world\n') over HTTPS, after the HTTP chunking (protocols.md §5.4).
  std::string body = "c\r\nhello world\n\r\n0\r\nx-amz-checksum-crc32:rwg7LQ==\r\n\r\n";
  AwsChunkedOptions options;
  options.trailer = true;

  auto decoded = DecodeAwsChunked(body, options);

  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->data, "hello world\n");
  EXPECT_THAT(decoded->trailers, ElementsAre(Pair("x-amz-checksum-crc32", "rwg7LQ==")));
  EXPECT_EQ(crypto::ChecksumBase64(crypto::ChecksumAlgorithm::kCrc32, decoded->data), "rwg7LQ==");
}

TEST(AwsChunked, MalformedFramingIsRefusedByKind) {
  AwsChunkedOptions trailer;
  trailer.trailer = true;
  AwsChunkedOptions plain;
  struct Case {
    std::string body;
    const AwsChunkedOptions* options;
    Error error;
  };
  const Case cases[] = {
      {"", &plain, Error::kIncompleteBody},
      {"c\r\nhello", &plain, Error::kIncompleteBody},
      {"c\r\nhello world\n\r\n", &plain, Error::kIncompleteBody},
      {"zz\r\nab\r\n0\r\n\r\n", &plain, Error::kValidation},
      {"2\r\nabXX0\r\n\r\n", &plain, Error::kValidation},
      {"0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n", &plain, Error::kValidation},
      {"0\r\nnot-a-trailer\r\n\r\n", &trailer, Error::kValidation},
      {"0\r\n\r\nextra", &plain, Error::kValidation},
      {"ffffffffffffffff\r\nab\r\n0\r\n\r\n", &plain, Error::kIncompleteBody},
      {"11111111111111111\r\n", &plain, Error::kValidation},
      {"0\r\nx-amz-trailer-signature:" + std::string(64, 'a') + "\r\n\r\n", &trailer,
       Error::kValidation},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    EXPECT_THAT(DecodeAwsChunked(c.body, *c.options), HasError(c.error));
  }
}

TEST(AwsChunked, AcceptsAMissingFinalCrlfAndEmptyBodies) {
  AwsChunkedOptions trailer;
  trailer.trailer = true;

  auto no_final = DecodeAwsChunked("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAA", trailer);
  auto empty = DecodeAwsChunked("0\r\n\r\n", AwsChunkedOptions{});

  ASSERT_THAT(no_final, IsOk());
  EXPECT_EQ(no_final->data, "abc");
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(empty->data, "");
}

TEST(AwsChunked, RefusesBodiesAboveTheLimit) {
  AwsChunkedOptions options;
  options.max_decoded_bytes = 4;

  EXPECT_THAT(DecodeAwsChunked("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", options),
              HasError(Error::kRequestTooLarge));
}

TEST(AwsChunked, S3VerificationRefusesSigV4aAndMissingPayloadHash) {
  ExampleRequest r;
  r.headers = {{"Host", "s3.amazonaws.com"},
               {"x-amz-date", std::string(kAmzDate)},
               {"Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                "aws4_request,SignedHeaders=host;x-amz-date,Signature=" +
                    std::string(64, '0')}};
  ExampleRequest sigv4a = r;
  sigv4a.headers.emplace_back("x-amz-content-sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD");
  VerifyOptions options;
  options.s3 = true;
  CredentialStore credentials;
  AddExampleKey(&credentials);

  auto missing = VerifyRequest(r.View(), credentials, ExampleNow(), options);

  EXPECT_THAT(missing, HasError(Error::kValidation));
  EXPECT_THAT(missing.status().message(), HasSubstr("x-amz-content-sha256"));
  EXPECT_THAT(VerifyRequest(sigv4a.View(), credentials, ExampleNow(), options),
              HasError(Error::kS3NotImplemented));
}

}  // namespace
}  // namespace ot::auth
