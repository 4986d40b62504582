// Tests src/server/buckets_setup.cc: the bucket registry's documents and --buckets-config.

#include "server/buckets_setup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server_test_util.h"
#include "support/matchers.h"

namespace ot::server {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

TEST(MetadataBucketStoreTest, RoundTripsBucketsAsDocuments) {
  testing::TempDir dir;
  auto db = store::MetadataDb::Open(dir.path() + "/metadata.db");
  ASSERT_THAT(db, IsOk());
  MetadataBucketStore bucket_store(**db);
  buckets::BucketInfo b;
  b.name = "org-trail-logs";
  b.creation_date = SysMillis(std::chrono::milliseconds(1714566896123));
  b.region = "eu-west-1";
  b.owner_account = "111122223333";
  ASSERT_THAT(bucket_store.Put(b), IsOk());
  auto doc = (*db)->GetDocument("bucket", "org-trail-logs");
  ASSERT_THAT(doc, IsOk());
  ASSERT_TRUE(doc->has_value());
  EXPECT_EQ(**doc, R"({"Name":"org-trail-logs","CreationDate":"2024-05-01T12:34:56.123Z",)"
                   R"("Region":"eu-west-1","Owner":"111122223333"})");

  auto listed = bucket_store.List();
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "org-trail-logs");
  EXPECT_EQ((*listed)[0].creation_date, b.creation_date);
  EXPECT_EQ((*listed)[0].region, "eu-west-1");
  EXPECT_EQ((*listed)[0].owner_account, "111122223333");

  ASSERT_THAT(bucket_store.Delete("org-trail-logs"), IsOk());
  ASSERT_THAT(bucket_store.Delete("org-trail-logs"), IsOk());
  EXPECT_TRUE(bucket_store.List()->empty());

  ASSERT_THAT((*db)->PutDocument("bucket", "broken-b", "[1]"), IsOk());
  EXPECT_THAT(bucket_store.List(), HasError(Error::kCorruption));
}

TEST(BucketsConfigTest, ParsesEntriesWithDefaults) {
  auto parsed = ParseBucketsConfig(R"([
    {"name":"remote-a","endpoint":"http://127.0.0.1:4568","region":"eu-west-2",
     "access_key_id":"AK","secret_access_key":"SK","path_style":false,"session_token":"T"},
    {"name":"remote-b","endpoint":"https://s3.example.com","access_key_id":"AK2",
     "secret_access_key":"SK2"}])");
  ASSERT_THAT(parsed, IsOk());
  ASSERT_EQ(parsed->size(), 2u);
  const auto& a = (*parsed)[0];
  EXPECT_EQ(a.name, "remote-a");
  EXPECT_EQ(a.endpoint, "http://127.0.0.1:4568");
  EXPECT_EQ(a.region, "eu-west-2");
  EXPECT_EQ(a.access_key_id, "AK");
  EXPECT_EQ(a.secret_access_key, "SK");
  EXPECT_EQ(a.session_token, "T");
  EXPECT_FALSE(a.path_style);
  EXPECT_EQ((*parsed)[1].region, "us-east-1");
  EXPECT_TRUE((*parsed)[1].path_style);
  EXPECT_TRUE((*parsed)[1].tls_verify);  // certificates are checked unless told otherwise
  EXPECT_EQ((*parsed)[1].ca_bundle, "");
}

TEST(BucketsConfigTest, ParsesTlsMembers) {
  auto parsed = ParseBucketsConfig(R"([
    {"name":"r","endpoint":"https://s3.internal:9000","access_key_id":"AK",
     "secret_access_key":"SK","ca_bundle":"/etc/ssl/private-ca.pem","tls_verify":false}])");

  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ((*parsed)[0].ca_bundle, "/etc/ssl/private-ca.pem");
  EXPECT_FALSE((*parsed)[0].tls_verify);
}

TEST(BucketsConfigTest, RejectsMalformedFiles) {
  for (const char* text : {"", "{}", "[1]", R"([{"name":"x"}])", R"([{"endpoint":"http://h"}])",
                           R"([{"name":"x","endpoint":"http://h","path_style":"yes"}])",
                           R"([{"name":"x","endpoint":"http://h","region":3}])",
                           R"([{"name":"x","endpoint":"http://h","tls_verify":"no"}])",
                           R"([{"name":"x","endpoint":"http://h","ca_bundle":true}])",
                           R"([{"name":"x","endpoint":"http://h","typo":"v"}])"}) {
    EXPECT_THAT(ParseBucketsConfig(text), HasError(Error::kValidation)) << text;
  }
  EXPECT_THAT(ParseBucketsConfig("[]"), IsOk());
}

}  // namespace
}  // namespace ot::server
