#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/handlers/s3_operations.h"
#include "buckets/buckets_test_util.h"
#include "handler_test_util.h"

namespace ot::api::handlers {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::Contains;
using testing::HandlerEnv;
using ::testing::HasSubstr;
using ::testing::Pair;

class S3BucketsTest : public ::testing::Test {
 protected:
  S3BucketsTest() {
    buckets::RegistryOptions options;
    options.dir = h_.dir.path() + "/buckets";
    auto reg = buckets::BucketRegistry::Open(options, store_, h_.env);
    EXPECT_THAT(reg, IsOk());
    registry_ = std::move(*reg);
    h_.services->buckets = registry_.get();
  }

  Result<S3Outcome> Call(std::string_view method, std::string_view path, std::string_view body = "",
                         std::string_view query = "") {
    S3Request r = ParseS3Path(method, path, query);
    r.host = "127.0.0.1:8421";
    r.body = body;
    const S3Operation& op = RouteS3(r);
    EXPECT_NE(op.handle, nullptr) << method << " " << path;
    if (op.handle == nullptr) return Status(Error::kS3NotImplemented, "");
    return op.handle(*h_.services, h_.Context(), r);
  }

  HandlerEnv h_;
  buckets::testing::MemRegistryStore store_;
  std::unique_ptr<buckets::BucketRegistry> registry_;
};

TEST(S3RouteTest, DispatchTable) {
  struct Row {
    const char* method;
    const char* path;
    const char* query;
    const char* name;
    bool implemented;
  };
  for (const Row& row : {
           Row{"GET", "/", "", "ListBuckets", true},
           Row{"GET", "/", "x-id=ListBuckets", "ListBuckets", true},
           Row{"PUT", "/b1", "", "CreateBucket", true},
           Row{"HEAD", "/b1", "", "HeadBucket", true},
           Row{"DELETE", "/b1", "", "DeleteBucket", true},
           Row{"GET", "/b1", "list-type=2&prefix=a", "ListObjectsV2", true},
           Row{"GET", "/b1", "", "ListObjects", true},
           Row{"GET", "/b1", "prefix=a&marker=b&encoding-type=url", "ListObjects", true},
           Row{"GET", "/b1/k", "versionId=null", "GetObject", true},
           Row{"GET", "/b1", "location", "GetBucketLocation", true},
           Row{"PUT", "/b1", "policy", "PutBucketPolicy", true},
           Row{"GET", "/b1", "policy", "GetBucketPolicy", true},
           Row{"DELETE", "/b1", "policy", "DeleteBucketPolicy", true},
           Row{"DELETE", "/b1", "lifecycle", "DeleteBucketLifecycle", true},
           Row{"POST", "/b1", "delete", "DeleteObjects", true},
           Row{"PUT", "/b1/dir/key", "", "PutObject", true},
           Row{"GET", "/b1/k", "", "GetObject", true},
           Row{"HEAD", "/b1/k", "", "HeadObject", true},
           Row{"DELETE", "/b1/k", "", "DeleteObject", true},
           Row{"PUT", "/b1/k", "retention", "PutObjectRetention", true},
           Row{"GET", "/b1/k", "legal-hold", "GetObjectLegalHold", true},
           Row{"GET", "/b1", "versions&prefix=a", "ListObjectVersions", true},
           Row{"PUT", "/b1", "versioning", "PutBucketVersioning", true},
           Row{"GET", "/b1", "object-lock", "GetObjectLockConfiguration", true},
           Row{"POST", "/b1/k", "uploads", "CreateMultipartUpload", false},
           Row{"PUT", "/b1/k", "partNumber=1&uploadId=u", "UploadPart", false},
           Row{"POST", "/", "", "Unknown", false},
       }) {
    S3Request r = ParseS3Path(row.method, row.path, row.query);
    const S3Operation& op = RouteS3(r);
    EXPECT_EQ(op.name, row.name) << row.method << " " << row.path << "?" << row.query;
    EXPECT_EQ(op.handle != nullptr, row.implemented) << row.name;
  }
}

TEST(S3RouteTest, NamingAVersionTakesTheVersionActions) {
  struct Row {
    const char *method, *query, *name, *action;
  };
  for (const Row& row : {
           Row{"GET", "versionId=v1", "GetObject", "s3:GetObjectVersion"},
           Row{"HEAD", "versionId=v1", "HeadObject", "s3:GetObjectVersion"},
           Row{"DELETE", "versionId=v1", "DeleteObject", "s3:DeleteObjectVersion"},
           Row{"GET", "", "GetObject", "s3:GetObject"},
           Row{"DELETE", "", "DeleteObject", "s3:DeleteObject"},
       }) {
    const S3Operation& op = RouteS3(ParseS3Path(row.method, "/b1/k", row.query));
    EXPECT_EQ(op.name, row.name) << row.method << " " << row.query;
    EXPECT_EQ(op.action, row.action) << row.method << " " << row.query;
  }
}

TEST(S3RouteTest, PathSplitsBucketAndDecodedKey) {
  S3Request r = ParseS3Path("PUT", "/bk1/dir/sp%20ace%2Bplus+.txt", "");
  EXPECT_EQ(r.bucket, "bk1");
  EXPECT_EQ(r.key, "dir/sp ace+plus+.txt");
  r = ParseS3Path("GET", "/", "");
  EXPECT_EQ(r.bucket, "");
  EXPECT_EQ(S3RequestParameters(ParseS3Path("PUT", "/b1", "")), R"({"bucketName":"b1","Host":""})");
  EXPECT_EQ(S3RequestParameters(ParseS3Path("DELETE", "/b1/k", "versionId=v%2B1")),
            R"({"bucketName":"b1","Host":"","key":"k","versionId":"v+1"})");
  auto resources = S3Resources(ParseS3Path("PUT", "/b1", ""));
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0].type, "AWS::S3::Bucket");
  EXPECT_EQ(resources[0].arn, "arn:aws:s3:::b1");
}

TEST_F(S3BucketsTest, CreateHeadListDelete) {
  auto created = Call("PUT", "/logs-b");
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->status, 200);
  EXPECT_THAT(created->headers, Contains(Pair("Location", "/logs-b")));
  EXPECT_EQ(created->outcome.request_parameters,
            R"({"bucketName":"logs-b","Host":"127.0.0.1:8421"})");
  ASSERT_EQ(created->outcome.resources.size(), 1u);

  auto head = Call("HEAD", "/logs-b");
  ASSERT_THAT(head, IsOk());
  EXPECT_THAT(head->headers, Contains(Pair("x-amz-bucket-region", "us-east-1")));

  auto list = Call("GET", "/");
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(list->outcome.body,
              HasSubstr("<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                        "<Owner><ID>"));
  EXPECT_THAT(list->outcome.body,
              HasSubstr("<Buckets><Bucket><Name>logs-b</Name><CreationDate>"
                        "2024-05-01T12:34:56.000Z</CreationDate></Bucket></Buckets>"));

  auto deleted = Call("DELETE", "/logs-b");
  ASSERT_THAT(deleted, IsOk());
  EXPECT_EQ(deleted->status, 204);
  EXPECT_THAT(Call("HEAD", "/logs-b"), HasError(Error::kNoSuchBucket));
  EXPECT_THAT(Call("DELETE", "/logs-b"), HasError(Error::kNoSuchBucket));
}

TEST_F(S3BucketsTest, LocationConstraintSetsTheRegion) {
  ASSERT_THAT(Call("PUT", "/eu-b",
                   "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                   "<LocationConstraint>eu-west-1</LocationConstraint>"
                   "</CreateBucketConfiguration>"),
              IsOk());
  auto head = Call("HEAD", "/eu-b");
  ASSERT_THAT(head, IsOk());
  EXPECT_THAT(head->headers, Contains(Pair("x-amz-bucket-region", "eu-west-1")));
}

TEST_F(S3BucketsTest, Errors) {
  EXPECT_THAT(Call("PUT", "/Bad_Name"), HasError(Error::kInvalidBucketName));
  ASSERT_THAT(Call("PUT", "/dup-b"), IsOk());
  EXPECT_THAT(Call("PUT", "/dup-b"), HasError(Error::kBucketAlreadyOwnedByYou));
  buckets::PutObjectRequest put;
  put.bucket = "dup-b";
  put.key = "a/b";
  put.body = "x";
  ASSERT_THAT(registry_->PutObject(put), IsOk());
  EXPECT_THAT(Call("DELETE", "/dup-b"), HasError(Error::kBucketNotEmpty));
}

}  // namespace
}  // namespace ot::api::handlers
