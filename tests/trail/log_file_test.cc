#include "trail/log_file.h"

#include <gtest/gtest.h>

#include "common/gzip.h"
#include "common/time.h"
#include "support/test_env.h"

namespace ot::trail {
namespace {

SysMillis T(std::string_view iso) { return *ParseIso8601(iso); }

TEST(LogFileKey, FollowsCloudTrailsLayout) {
  struct Case {
    LogFileName name;
    std::string_view key;
  };
  const Case cases[] = {
      {{"", "", "111122223333", "us-east-2", T("2015-08-01T02:10:59Z"), "Mu0KsOhtH1ar15ZZ"},
       "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/"
       "111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz"},
      {{"/logs/prod/", "", "111122223333", "eu-west-1", T("2026-01-09T23:05:00Z"), "A"},
       "logs/prod/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/09/"
       "111122223333_CloudTrail_eu-west-1_20260109T2305Z_A.json.gz"},
      {{"p", "o-a1b2c3d4e5", "444455556666", "ap-south-1", T("2026-12-31T00:00:00Z"), "B"},
       "p/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/ap-south-1/2026/12/31/"
       "444455556666_CloudTrail_ap-south-1_20261231T0000Z_B.json.gz"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(LogFileKey(c.name), c.key);
  }
}

TEST(LogFileUnique, IsSixteenAlphanumerics) {
  ot::testing::SeededRandom random(3);

  std::string u = LogFileUnique(random);

  ASSERT_EQ(u.size(), 16u);
  for (char c : u) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << u;
}

TEST(BuildLogFile, IsOneGzipMemberOfARecordsArray) {
  std::vector<std::string_view> records = {R"({"eventID":"a"})", R"({"eventID":"b"})"};

  std::string body = BuildLogFile(records);

  auto json = GzipDecompress(body, 1 << 20);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"Records":[{"eventID":"a"},{"eventID":"b"}]})");
}

}  // namespace
}  // namespace ot::trail
