// The trail handlers over a real registry: reply shapes, recorded responseElements and
// resources, and errors.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/handlers/operation.h"
#include "api/protocol/json_value.h"
#include "handler_test_util.h"
#include "store/metadata.h"
#include "trail/registry.h"

namespace ot::api::handlers {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using testing::HandlerEnv;

using Handler = Result<Outcome> (*)(const Services&, const CallContext&, JsonValue);

class TrailHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::MetadataDb::Open(env_.dir.path() + "/metadata.db");
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    trail::RegistryOptions options;
    options.account_id = std::string(testing::kAccountId);
    auto registry = trail::TrailRegistry::Open(*db_, options);
    ASSERT_THAT(registry, IsOk());
    registry_ = std::move(*registry);
    env_.services->trails = registry_.get();
  }

  Result<Outcome> Call(Handler handler, std::string_view body) {
    auto doc = JsonDocument::Parse(body);
    EXPECT_THAT(doc, IsOk());
    docs_.push_back(std::move(*doc));
    return handler(*env_.services, env_.Context(), docs_.back()->root());
  }

  HandlerEnv env_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<trail::TrailRegistry> registry_;
  std::vector<std::unique_ptr<JsonDocument>> docs_;
};

constexpr std::string_view kArn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/audit";

TEST_F(TrailHandlersTest, CreateTrailReplyAndRecord) {
  auto out =
      Call(&CreateTrail, R"({"Name":"audit","S3BucketName":"logs","IsMultiRegionTrail":true,)"
                         R"("TagsList":[{"Key":"k","Value":"v"}]})");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->body, R"({"Name":"audit","S3BucketName":"logs","IncludeGlobalServiceEvents":true,)"
                       R"("IsMultiRegionTrail":true,"TrailARN":")" +
                           std::string(kArn) +
                           R"(","LogFileValidationEnabled":false,"IsOrganizationTrail":false})");
  EXPECT_EQ(out->response_elements,
            R"({"name":"audit","s3BucketName":"logs","includeGlobalServiceEvents":true,)"
            R"("isMultiRegionTrail":true,"trailARN":")" +
                std::string(kArn) +
                R"(","logFileValidationEnabled":false,"isOrganizationTrail":false})");
  ASSERT_EQ(out->resources.size(), 1u);
  EXPECT_EQ(out->resources[0].arn, kArn);
  EXPECT_EQ(out->resources[0].type, "AWS::CloudTrail::Trail");
  EXPECT_THAT(Call(&CreateTrail, R"({"Name":"audit","S3BucketName":"logs"})"),
              HasError(Error::kTrailAlreadyExists));
  EXPECT_THAT(Call(&CreateTrail, R"({"S3BucketName":"logs"})"), HasError(Error::kValidation));
  EXPECT_THAT(Call(&CreateTrail, R"({"Name":5,"S3BucketName":"logs"})"),
              HasError(Error::kSerialization));
}

TEST_F(TrailHandlersTest, StatusSelectorsAndTags) {
  ASSERT_THAT(Call(&CreateTrail, R"({"Name":"audit","S3BucketName":"logs"})"), IsOk());
  auto status = Call(&GetTrailStatus, R"({"Name":"audit"})");
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(status->body, R"({"IsLogging":false})");
  auto started = Call(&StartLogging, R"({"Name":"audit"})");
  ASSERT_THAT(started, IsOk());
  EXPECT_EQ(started->body, "{}");
  EXPECT_EQ(started->response_elements, "");
  status = Call(&GetTrailStatus, R"({"Name":"audit"})");
  EXPECT_EQ(status->body, R"({"IsLogging":true,"StartLoggingTime":1714566896})");

  auto put = Call(&PutEventSelectors,
                  R"({"TrailName":"audit","AdvancedEventSelectors":[{"FieldSelectors":[)"
                  R"({"Field":"eventCategory","Equals":["Management"]}]}]})");
  ASSERT_THAT(put, IsOk());
  EXPECT_EQ(put->response_elements,
            R"({"trailARN":")" + std::string(kArn) +
                R"(","advancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory",)"
                R"("equals":["Management"]}]}]})");
  EXPECT_THAT(Call(&PutEventSelectors, R"({"TrailName":"audit"})"),
              HasError(Error::kInvalidEventSelectors));
  EXPECT_THAT(Call(&PutEventSelectors, R"({"TrailName":"other","EventSelectors":[]})"),
              HasError(Error::kTrailNotFound));
  EXPECT_THAT(Call(&PutEventSelectors, R"({"TrailName":"audit","EventSelectors":{}})"),
              HasError(Error::kSerialization));

  ASSERT_THAT(
      Call(&AddTags, R"({"ResourceId":")" + std::string(kArn) + R"(","TagsList":[{"Key":"a"}]})"),
      IsOk());
  auto tags = Call(&ListTags, R"({"ResourceIdList":[")" + std::string(kArn) + R"("]})");
  ASSERT_THAT(tags, IsOk());
  EXPECT_EQ(tags->body, R"({"ResourceTagList":[{"ResourceId":")" + std::string(kArn) +
                            R"(","TagsList":[{"Key":"a"}]}]})");
}

TEST_F(TrailHandlersTest, ListTrailsPagesWithFreshTokens) {
  for (std::string name : std::vector<std::string>{"t-a", "t-b", "t-c", "t-d"}) {
    ASSERT_THAT(Call(&CreateTrail, R"({"Name":")" + name + R"(","S3BucketName":"logs"})"), IsOk());
  }
  auto first = Call(&ListTrails, "{}");
  ASSERT_THAT(first, IsOk());
  auto doc = JsonDocument::Parse(first->body);
  ASSERT_THAT(doc, IsOk());
  auto token = (*doc)->root().Get("NextToken");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ((*doc)->root().Get("Trails")->Items().size(), 3u);
  auto second = Call(&ListTrails, R"({"NextToken":")" + std::string(token->AsString()) + R"("})");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->body.find("NextToken"), std::string::npos);
  EXPECT_NE(second->body.find("t-d"), std::string::npos);
  EXPECT_THAT(Call(&ListTrails, R"({"NextToken":"garbage"})"), HasError(Error::kInvalidNextToken));
}

TEST_F(TrailHandlersTest, OperationTableHasTheTrailApi) {
  for (std::string_view op :
       {"CreateTrail", "UpdateTrail", "DeleteTrail", "GetTrail", "DescribeTrails", "ListTrails",
        "GetTrailStatus", "StartLogging", "StopLogging", "PutEventSelectors", "GetEventSelectors",
        "AddTags", "RemoveTags", "ListTags"}) {
    const JsonOperation* found =
        FindJsonOperation(std::string(kCloudTrailTargetPrefix) + std::string(op));
    ASSERT_NE(found, nullptr) << op;
    EXPECT_EQ(found->action, "cloudtrail:" + std::string(op));
    bool reads = op.starts_with("Get") || op.starts_with("Describe") || op.starts_with("List");
    EXPECT_EQ(found->read_only, reads) << op;
  }
}

}  // namespace
}  // namespace ot::api::handlers
