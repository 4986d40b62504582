// S3 object operations (s3_objects.cc) against a real local bucket.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/handlers/s3_operations.h"
#include "buckets/buckets_test_util.h"
#include "common/encoding.h"
#include "common/gzip.h"
#include "crypto/hash.h"
#include "handler_test_util.h"

namespace ot::api::handlers {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::Contains;
using testing::HandlerEnv;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

class S3ObjectsTest : public ::testing::Test {
 protected:
  S3ObjectsTest() {
    buckets::RegistryOptions options;
    options.dir = h_.dir.path() + "/buckets";
    auto reg = buckets::BucketRegistry::Open(options, store_, h_.env);
    EXPECT_THAT(reg, IsOk());
    registry_ = std::move(*reg);
    h_.services->buckets = registry_.get();
    EXPECT_THAT(registry_->Create("logs-b", "us-east-1", "111122223333"), IsOk());
    EXPECT_THAT(registry_->Create("eu-b", "eu-west-1", "111122223333"), IsOk());
  }

  void Put(std::string_view key, std::string_view body,
           std::map<std::string, std::string> metadata = {}) {
    buckets::PutObjectRequest put;
    put.bucket = "logs-b";
    put.key = key;
    put.body = body;
    put.content_type = "application/json";
    put.metadata = std::move(metadata);
    ASSERT_THAT(registry_->PutObject(put), IsOk());
  }

  Result<S3Outcome> Call(std::string_view method, std::string_view path,
                         std::string_view query = "", Headers headers = {},
                         std::string_view body = "") {
    S3Request r = ParseS3Path(method, path, query);
    r.host = "127.0.0.1:8421";
    r.body = body;
    r.headers = std::move(headers);
    r.authorize = [this](std::string_view action, std::string_view resource) {
      authorized.emplace_back(action, resource);
      if (resource.ends_with("/denied")) return Status(Error::kAccessDenied, "Access Denied");
      return Status::Ok();
    };
    const S3Operation& op = RouteS3(r);
    EXPECT_NE(op.handle, nullptr) << method << " " << path << "?" << query;
    if (op.handle == nullptr) return Status(Error::kS3NotImplemented, "");
    return op.handle(*h_.services, h_.Context(), r);
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
  std::vector<std::pair<std::string, std::string>> authorized;
};

TEST_F(S3ObjectsTest, ListObjectsV1WithDelimiterMarkerAndNextMarker) {
  for (const char* k : {"AWSLogs/a/1", "AWSLogs/a/2", "AWSLogs/b/1", "AWSLogs/c.gz"}) Put(k, "x");
  auto page = Call("GET", "/logs-b", "prefix=AWSLogs%2F&delimiter=%2F&max-keys=2");
  ASSERT_THAT(page, IsOk());
  const std::string& b = page->outcome.body;
  EXPECT_THAT(b, HasSubstr("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                           "<Name>logs-b</Name><Prefix>AWSLogs/</Prefix><Marker></Marker>"
                           "<NextMarker>AWSLogs/b/</NextMarker><MaxKeys>2</MaxKeys>"
                           "<Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>"));
  EXPECT_THAT(b, HasSubstr("<CommonPrefixes><Prefix>AWSLogs/a/</Prefix></CommonPrefixes>"
                           "<CommonPrefixes><Prefix>AWSLogs/b/</Prefix></CommonPrefixes>"));
  EXPECT_THAT(b, Not(HasSubstr("<Contents>")));
  EXPECT_EQ(page->outcome.request_parameters, R"({"bucketName":"logs-b","Host":"127.0.0.1:8421"})");

  auto next = Call("GET", "/logs-b", "prefix=AWSLogs%2F&delimiter=%2F&marker=AWSLogs%2Fb%2F");
  ASSERT_THAT(next, IsOk());
  EXPECT_THAT(next->outcome.body, HasSubstr("<IsTruncated>false</IsTruncated>"));
  EXPECT_THAT(next->outcome.body, Not(HasSubstr("NextMarker")));
  EXPECT_THAT(next->outcome.body,
              HasSubstr("<Contents><Key>AWSLogs/c.gz</Key><LastModified>2024-05-01T12:34:56.000Z"
                        "</LastModified><ETag>&quot;9dd4e461268c8034f5c8564e155c67a6&quot;</ETag>"
                        "<Size>1</Size><Owner><ID>"));
  EXPECT_THAT(next->outcome.body, HasSubstr("<StorageClass>STANDARD</StorageClass></Contents>"));

  // Without a delimiter a truncated v1 page has no NextMarker: clients use the last key.
  auto flat = Call("GET", "/logs-b", "max-keys=1");
  ASSERT_THAT(flat, IsOk());
  EXPECT_THAT(flat->outcome.body, HasSubstr("<IsTruncated>true</IsTruncated>"));
  EXPECT_THAT(flat->outcome.body, Not(HasSubstr("NextMarker")));
}

TEST_F(S3ObjectsTest, EncodingTypeUrlEncodesNamesAsBotocoreDecodesThem) {
  Put("dir/sp ace+plus.txt", "x");
  Put("dir/\xc3\xa9t\xc3\xa9/x", "x");
  auto page =
      Call("GET", "/logs-b", "prefix=dir%2F&delimiter=%2F&marker=dir%2Fa%20b&encoding-type=url");
  ASSERT_THAT(page, IsOk());
  const std::string& b = page->outcome.body;
  EXPECT_THAT(b, HasSubstr("<Prefix>dir/</Prefix><Marker>dir/a%20b</Marker>"));
  EXPECT_THAT(b, HasSubstr("<EncodingType>url</EncodingType>"));
  EXPECT_THAT(b, HasSubstr("<Key>dir/sp%20ace%2Bplus.txt</Key>"));
  EXPECT_THAT(b, HasSubstr("<CommonPrefixes><Prefix>dir/%C3%A9t%C3%A9/</Prefix>"));
  // Without it, names are XML text as they are.
  auto raw = Call("GET", "/logs-b", "prefix=dir%2F");
  ASSERT_THAT(raw, IsOk());
  EXPECT_THAT(raw->outcome.body, HasSubstr("<Key>dir/sp ace+plus.txt</Key>"));
  EXPECT_THAT(raw->outcome.body, Not(HasSubstr("EncodingType")));
  EXPECT_THAT(Call("GET", "/logs-b", "encoding-type=base64"), HasError(Error::kInvalidArgument));
  EXPECT_THAT(Call("GET", "/logs-b", "max-keys=x"), HasError(Error::kInvalidArgument));
  EXPECT_THAT(Call("GET", "/logs-b", "max-keys=-1"), HasError(Error::kInvalidArgument));
  EXPECT_THAT(Call("GET", "/nope-b", ""), HasError(Error::kNoSuchBucket));
}

TEST_F(S3ObjectsTest, ListObjectsV2PagesWithOpaqueTokens) {
  for (const char* k : {"a", "b", "c", "d", "e"}) Put(k, "x");
  std::vector<std::string> seen;
  std::string token;
  for (int guard = 0; guard < 10; ++guard) {
    std::string q = "list-type=2&max-keys=2&start-after=a&fetch-owner=true";
    if (!token.empty()) q += "&continuation-token=" + UriEncode(token);
    auto page = Call("GET", "/logs-b", q);
    ASSERT_THAT(page, IsOk());
    const std::string& b = page->outcome.body;
    EXPECT_THAT(b, HasSubstr("<StartAfter>a</StartAfter>"));
    EXPECT_THAT(b, Not(HasSubstr("<Owner>")));
    for (size_t pos = b.find("<Key>"); pos != std::string::npos; pos = b.find("<Key>", pos + 1)) {
      seen.push_back(b.substr(pos + 5, b.find("</Key>", pos) - pos - 5));
    }
    EXPECT_THAT(b, HasSubstr("<KeyCount>2</KeyCount>"));
    size_t t = b.find("<NextContinuationToken>");
    if (t == std::string::npos) {
      EXPECT_THAT(b, HasSubstr("<IsTruncated>false</IsTruncated>"));
      break;
    }
    token = b.substr(t + 23, b.find("</NextContinuationToken>") - t - 23);
    EXPECT_NE(token, seen.back());  // opaque, not the key itself
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("b", "c", "d", "e"));
  EXPECT_THAT(Call("GET", "/logs-b", "list-type=2&continuation-token=%21%21"),
              HasError(Error::kInvalidArgument));
}

TEST_F(S3ObjectsTest, GetBucketLocation) {
  auto us = Call("GET", "/logs-b", "location");
  ASSERT_THAT(us, IsOk());
  EXPECT_EQ(us->outcome.body,
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
  auto eu = Call("GET", "/eu-b", "location");
  ASSERT_THAT(eu, IsOk());
  EXPECT_EQ(eu->outcome.body,
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1"
            "</LocationConstraint>");
  EXPECT_THAT(Call("GET", "/nope-b", "location"), HasError(Error::kNoSuchBucket));
}

TEST_F(S3ObjectsTest, GetAndHeadObject) {
  Put("AWSLogs/f.json.gz", "0123456789", {{"Signature", "abc"}});
  auto get = Call("GET", "/logs-b/AWSLogs/f.json.gz", "", {{"x-amz-checksum-mode", "ENABLED"}});
  ASSERT_THAT(get, IsOk());
  EXPECT_EQ(get->status, 200);
  EXPECT_TRUE(get->raw);
  EXPECT_EQ(get->outcome.body, "0123456789");
  EXPECT_EQ(get->content_type, "application/json");
  std::string etag = "\"" + crypto::Md5Hex("0123456789") + "\"";
  EXPECT_THAT(get->headers, Contains(Pair("ETag", etag)));
  EXPECT_THAT(get->headers, Contains(Pair("Last-Modified", "Wed, 01 May 2024 12:34:56 GMT")));
  EXPECT_THAT(get->headers, Contains(Pair("Accept-Ranges", "bytes")));
  EXPECT_THAT(get->headers, Contains(Pair("x-amz-meta-signature", "abc")));
  EXPECT_EQ(HeaderOf(*get, "Content-Length"), "");  // the HTTP layer counts the body
  EXPECT_EQ(get->outcome.request_parameters,
            R"({"bucketName":"logs-b","Host":"127.0.0.1:8421","key":"AWSLogs/f.json.gz"})");
  ASSERT_EQ(get->outcome.resources.size(), 2u);
  EXPECT_EQ(get->outcome.resources[1].type, "AWS::S3::Object");
  EXPECT_EQ(get->outcome.resources[1].arn, "arn:aws:s3:::logs-b/AWSLogs/f.json.gz");

  auto head = Call("HEAD", "/logs-b/AWSLogs/f.json.gz");
  ASSERT_THAT(head, IsOk());
  EXPECT_EQ(head->outcome.body, "");
  EXPECT_EQ(HeaderOf(*head, "Content-Length"), "10");
  EXPECT_EQ(HeaderOf(*head, "ETag"), etag);
  EXPECT_EQ(head->content_type, "application/json");

  EXPECT_THAT(Call("GET", "/logs-b/AWSLogs/nope"), HasError(Error::kNoSuchKey));
  EXPECT_THAT(Call("HEAD", "/logs-b/AWSLogs/nope"), HasError(Error::kNoSuchKey));
  EXPECT_THAT(Call("GET", "/nope-b/k"), HasError(Error::kNoSuchBucket));
  EXPECT_THAT(Call("GET", "/logs-b/AWSLogs/f.json.gz", "versionId=null"), IsOk());
  EXPECT_THAT(Call("GET", "/logs-b/AWSLogs/f.json.gz", "versionId=3HL4kqtJ"),
              HasError(Error::kNoSuchVersion));
}

TEST_F(S3ObjectsTest, Ranges) {
  Put("k", "0123456789");
  struct Row {
    const char* range;
    int status;
    const char* body;
    const char* content_range;
  };
  for (const Row& row : {
           Row{"bytes=2-5", 206, "2345", "bytes 2-5/10"},
           Row{"bytes=7-", 206, "789", "bytes 7-9/10"}, Row{"bytes=-3", 206, "789", "bytes 7-9/10"},
           Row{"bytes=-30", 206, "0123456789", "bytes 0-9/10"},
           Row{"bytes=8-100", 206, "89", "bytes 8-9/10"},
           Row{"bytes=0-0", 206, "0", "bytes 0-0/10"},
           Row{"bytes=5-2", 200, "0123456789", ""},      // ill-formed: ignored
           Row{"items=0-1", 200, "0123456789", ""},      // not bytes: ignored
           Row{"bytes=0-1,3-4", 200, "0123456789", ""},  // several ranges: whole object
       }) {
    auto got = Call("GET", "/logs-b/k", "", {{"Range", row.range}});
    ASSERT_THAT(got, IsOk()) << row.range;
    EXPECT_EQ(got->status, row.status) << row.range;
    EXPECT_EQ(got->outcome.body, row.body) << row.range;
    EXPECT_EQ(HeaderOf(*got, "Content-Range"), row.content_range) << row.range;
  }
  EXPECT_THAT(Call("GET", "/logs-b/k", "", {{"Range", "bytes=10-"}}),
              HasError(Error::kInvalidRange));
  EXPECT_THAT(Call("GET", "/logs-b/k", "", {{"Range", "bytes=-0"}}),
              HasError(Error::kInvalidRange));
  auto head = Call("HEAD", "/logs-b/k", "", {{"Range", "bytes=2-5"}});
  ASSERT_THAT(head, IsOk());
  EXPECT_EQ(head->status, 206);
  EXPECT_EQ(HeaderOf(*head, "Content-Length"), "4");
  // A larger object, read across the handler's read pieces.
  std::string big(9 << 20, 'a');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('b' + i % 7);
  Put("big", big);
  auto whole = Call("GET", "/logs-b/big");
  ASSERT_THAT(whole, IsOk());
  EXPECT_TRUE(whole->outcome.body == big);
  auto tail = Call("GET", "/logs-b/big", "", {{"Range", "bytes=4194300-4194310"}});
  ASSERT_THAT(tail, IsOk());
  EXPECT_EQ(tail->outcome.body, big.substr(4194300, 11));
}

TEST_F(S3ObjectsTest, Conditionals) {
  Put("k", "data");
  std::string etag = "\"" + crypto::Md5Hex("data") + "\"";
  std::string before = "Wed, 01 May 2024 12:00:00 GMT";
  std::string same = "Wed, 01 May 2024 12:34:56 GMT";
  std::string after = "Wed, 01 May 2024 13:00:00 GMT";
  auto status = [&](Headers h) -> int {
    auto r = Call("GET", "/logs-b/k", "", std::move(h));
    if (!r.ok()) return ErrorHttpStatus(r.status().code());
    return r->status;
  };
  EXPECT_EQ(status({{"If-Match", etag}}), 200);
  EXPECT_EQ(status({{"If-Match", "\"other\", " + etag}}), 200);
  EXPECT_EQ(status({{"If-Match", "*"}}), 200);
  EXPECT_EQ(status({{"If-Match", "\"other\""}}), 412);
  EXPECT_EQ(status({{"If-None-Match", etag}}), 304);
  EXPECT_EQ(status({{"If-None-Match", "\"other\""}}), 200);
  EXPECT_EQ(status({{"If-Modified-Since", same}}), 304);
  EXPECT_EQ(status({{"If-Modified-Since", before}}), 200);
  EXPECT_EQ(status({{"If-Unmodified-Since", before}}), 412);
  EXPECT_EQ(status({{"If-Unmodified-Since", after}}), 200);
  // If-Match true wins over a failing If-Unmodified-Since; If-None-Match over If-Modified-Since.
  EXPECT_EQ(status({{"If-Match", etag}, {"If-Unmodified-Since", before}}), 200);
  EXPECT_EQ(status({{"If-None-Match", "\"other\""}, {"If-Modified-Since", same}}), 200);
  // 412 before 304; an unparsable date is ignored.
  EXPECT_EQ(status({{"If-Match", "\"other\""}, {"If-None-Match", etag}}), 412);
  EXPECT_EQ(status({{"If-Modified-Since", "yesterday"}}), 200);
  auto not_modified = Call("HEAD", "/logs-b/k", "", {{"if-none-match", etag}});
  ASSERT_THAT(not_modified, IsOk());
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_EQ(not_modified->outcome.body, "");
  EXPECT_THAT(not_modified->headers, Contains(Pair("ETag", etag)));
}

TEST_F(S3ObjectsTest, DeleteObjectAndPutObjectRefused) {
  Put("AWSLogs/x.gz", "x");
  auto del = Call("DELETE", "/logs-b/AWSLogs/x.gz");
  ASSERT_THAT(del, IsOk());
  EXPECT_EQ(del->status, 204);
  EXPECT_THAT(Call("GET", "/logs-b/AWSLogs/x.gz"), HasError(Error::kNoSuchKey));
  auto again = Call("DELETE", "/logs-b/AWSLogs/x.gz");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->status, 204);
  EXPECT_THAT(Call("DELETE", "/nope-b/k"), HasError(Error::kNoSuchBucket));

  Result<S3Outcome> put = Call("PUT", "/logs-b/AWSLogs/forged.gz", "", {}, "forged");
  EXPECT_THAT(put, HasError(Error::kAccessDenied));
  EXPECT_THAT(put.status().message(), HasSubstr("trail delivery"));
  EXPECT_THAT(Call("GET", "/logs-b/AWSLogs/forged.gz"), HasError(Error::kNoSuchKey));
  EXPECT_THAT(Call("PUT", "/nope-b/k", "", {}, "x"), HasError(Error::kNoSuchBucket));
}

std::string Md5Base64(std::string_view body) {
  crypto::Md5Hasher h;
  h.Update(body);
  return Base64Encode(h.Finish());
}

TEST_F(S3ObjectsTest, DeleteObjectsReportsEachKey) {
  Put("a.gz", "x");
  Put("dir/b&c.gz", "x");
  Put("denied", "x");
  std::string body =
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a.gz</Key></Object>"
      "<Object><Key>dir/b&amp;c.gz</Key><VersionId>null</VersionId></Object>"
      "<Object><Key>missing</Key></Object><Object><Key>denied</Key></Object>"
      "<Object><Key>a.gz</Key><VersionId>v9</VersionId></Object><Quiet>false</Quiet></Delete>";
  std::string md5 = Md5Base64(body);
  auto r = Call("POST", "/logs-b", "delete", {{"Content-MD5", md5}}, body);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->outcome.body,
            "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Deleted><Key>a.gz</Key></Deleted>"
            "<Deleted><Key>dir/b&amp;c.gz</Key><VersionId>null</VersionId></Deleted>"
            "<Deleted><Key>missing</Key></Deleted>"
            "<Error><Key>denied</Key><Code>AccessDenied</Code><Message>Access Denied</Message>"
            "</Error><Deleted><Key>a.gz</Key><VersionId>v9</VersionId></Deleted></DeleteResult>");
  // Naming a version is s3:DeleteObjectVersion; deleting one that is not there succeeds (S3).
  EXPECT_THAT(authorized,
              Contains(Pair("s3:DeleteObjectVersion", "arn:aws:s3:::logs-b/dir/b&c.gz")));
  EXPECT_THAT(Call("GET", "/logs-b/dir/b&c.gz"), HasError(Error::kNoSuchKey));
  EXPECT_THAT(Call("GET", "/logs-b/denied"), IsOk());

  // Quiet: only errors are listed. The CRC32 form of current botocore is accepted too.
  Put("q", "x");
  std::string quiet =
      "<Delete><Object><Key>q</Key></Object><Object><Key>denied</Key></Object>"
      "<Quiet>true</Quiet></Delete>";
  uint32_t c = Crc32(quiet);
  char be[4] = {static_cast<char>(c >> 24), static_cast<char>(c >> 16), static_cast<char>(c >> 8),
                static_cast<char>(c)};
  auto q = Call("POST", "/logs-b", "delete",
                {{"x-amz-checksum-crc32", Base64Encode(std::string_view(be, 4))},
                 {"x-amz-sdk-checksum-algorithm", "CRC32"}},
                quiet);
  ASSERT_THAT(q, IsOk());
  EXPECT_THAT(q->outcome.body, Not(HasSubstr("<Deleted>")));
  EXPECT_THAT(q->outcome.body, HasSubstr("<Error><Key>denied</Key>"));
  EXPECT_THAT(Call("GET", "/logs-b/q"), HasError(Error::kNoSuchKey));
}

TEST_F(S3ObjectsTest, DeleteObjectsRequiresAChecksumAndWellFormedXml) {
  std::string body = "<Delete><Object><Key>a</Key></Object></Delete>";
  Result<S3Outcome> missing = Call("POST", "/logs-b", "delete", {}, body);
  EXPECT_THAT(missing, HasError(Error::kValidation));
  EXPECT_THAT(missing.status().message(), HasSubstr("Content-MD5"));
  EXPECT_THAT(Call("POST", "/logs-b", "delete", {{"Content-MD5", "!!"}}, body),
              HasError(Error::kInvalidDigest));
  EXPECT_THAT(Call("POST", "/logs-b", "delete", {{"Content-MD5", Md5Base64("other")}}, body),
              HasError(Error::kBadDigest));
  EXPECT_THAT(Call("POST", "/logs-b", "delete", {{"x-amz-checksum-crc32", "AAAAAA=="}}, body),
              HasError(Error::kBadDigest));
  for (std::string bad : {std::string("not xml"), std::string("<Delete></Delete>"),
                          std::string("<Delete><Object><Key></Key></Object></Delete>"),
                          std::string("<Delete><Object><Key>a&bogus;</Key></Object></Delete>")}) {
    EXPECT_THAT(Call("POST", "/logs-b", "delete", {{"Content-MD5", Md5Base64(bad)}}, bad),
                HasError(Error::kMalformedXml))
        << bad;
  }
  std::string many = "<Delete>";
  for (int i = 0; i < 1001; ++i) many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  many += "</Delete>";
  EXPECT_THAT(Call("POST", "/logs-b", "delete", {{"Content-MD5", Md5Base64(many)}}, many),
              HasError(Error::kMalformedXml));
  EXPECT_THAT(Call("POST", "/nope-b", "delete", {{"Content-MD5", Md5Base64(body)}}, body),
              HasError(Error::kNoSuchBucket));
}

}  // namespace
}  // namespace ot::api::handlers
