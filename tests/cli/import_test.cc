// Tests src/cli/import.cc: which files `opentrail import` sends.

#include "cli/import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_test_util.h"
#include "common/env.h"
#include "support/matchers.h"

namespace ot::cli {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

class FindLogFilesTest : public ::testing::Test {
 protected:
  std::string Make(std::string_view rel) {
    std::string path = dir_.path() + "/" + std::string(rel);
    std::string parent = path.substr(0, path.rfind('/'));
    EXPECT_THAT(RealFileSystem().CreateDirs(parent), IsOk());
    EXPECT_THAT(RealFileSystem().WriteFileAtomic(path, "{}"), IsOk());
    return path;
  }
  std::string P(std::string_view rel) { return dir_.path() + "/" + std::string(rel); }

  testing::TempDir dir_;
};

TEST_F(FindLogFilesTest, WalksFoldersRecursivelyInSortedOrder) {
  Make("logs/2024/05/02/b.json.gz");
  Make("logs/2024/05/01/z.json.gz");
  Make("logs/2024/05/01/a.json");
  Make("logs/top.jsonl");

  auto files = FindLogFiles({P("logs")});

  ASSERT_THAT(files, IsOk());
  EXPECT_EQ(*files,
            (std::vector<std::string>{P("logs/2024/05/01/a.json"), P("logs/2024/05/01/z.json.gz"),
                                      P("logs/2024/05/02/b.json.gz"), P("logs/top.jsonl")}));
}

TEST_F(FindLogFilesTest, TakesOnlyLogFileSuffixesInFolders) {
  Make("logs/a.json.gz");
  Make("logs/b.jsonl.gz");
  Make("logs/c.ndjson");
  Make("logs/notes.txt");
  Make("logs/archive.tar.gz");
  Make("logs/json");

  auto files = FindLogFiles({P("logs")});

  ASSERT_THAT(files, IsOk());
  EXPECT_EQ(*files, (std::vector<std::string>{P("logs/a.json.gz"), P("logs/b.jsonl.gz"),
                                              P("logs/c.ndjson")}));
}

TEST_F(FindLogFilesTest, SkipsDigestFiles) {
  Make("logs/111122223333_CloudTrail_us-east-1_20240501T1235Z_abc.json.gz");
  Make("logs/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T1235Z.json.gz");
  Make("CloudTrail-Digest/111122223333_x.json.gz");

  auto files = FindLogFiles({P("logs"), P("CloudTrail-Digest")});

  ASSERT_THAT(files, IsOk());
  EXPECT_EQ(*files, (std::vector<std::string>{
                        P("logs/111122223333_CloudTrail_us-east-1_20240501T1235Z_abc.json.gz")}));
}

TEST_F(FindLogFilesTest, KeepsExplicitFilesWhateverTheSuffix) {
  std::string txt = Make("export.txt");
  std::string gz = Make("logs/a.json.gz");

  auto files = FindLogFiles({txt, gz});

  ASSERT_THAT(files, IsOk());
  EXPECT_EQ(*files, (std::vector<std::string>{txt, gz}));
}

TEST_F(FindLogFilesTest, ListsAFileNamedTwiceOnce) {
  std::string a = Make("logs/a.json");

  auto files = FindLogFiles({a, P("logs")});

  ASSERT_THAT(files, IsOk());
  EXPECT_EQ(*files, std::vector<std::string>{a});
}

TEST_F(FindLogFilesTest, EmptyFolderGivesNoFiles) {
  ASSERT_THAT(RealFileSystem().CreateDirs(P("empty")), IsOk());

  auto files = FindLogFiles({P("empty")});

  ASSERT_THAT(files, IsOk());
  EXPECT_TRUE(files->empty());
}

TEST_F(FindLogFilesTest, MissingPathIsAnError) {
  Make("logs/a.json");

  EXPECT_THAT(FindLogFiles({P("logs"), P("nope")}), HasError(Error::kNotFound));
}

}  // namespace
}  // namespace ot::cli
