#include "store/metadata.h"

#include <gtest/gtest.h>

#include "store_test_util.h"
#include "support/matchers.h"

namespace ot::store {
namespace {

using ::ot::testing::IsOk;

TEST(MetadataDb, DocumentsArePutListedReplacedAndDeletedByKind) {
  testing::TempDir dir;
  auto db = MetadataDb::Open(dir.path() + "/m.db");
  ASSERT_THAT(db, IsOk());

  ASSERT_THAT((*db)->PutDocument("trail", "b", R"({"n":2})"), IsOk());
  ASSERT_THAT((*db)->PutDocument("trail", "a", R"({"n":1})"), IsOk());
  ASSERT_THAT((*db)->PutDocument("bucket", "a", R"({"x":0})"), IsOk());
  ASSERT_THAT((*db)->PutDocument("trail", "b", R"({"n":3})"), IsOk());

  auto trails = (*db)->ListDocuments("trail");
  ASSERT_THAT(trails, IsOk());
  ASSERT_EQ(trails->size(), 2u);
  EXPECT_EQ((*trails)[0], std::make_pair(std::string("a"), std::string(R"({"n":1})")));
  EXPECT_EQ((*trails)[1], std::make_pair(std::string("b"), std::string(R"({"n":3})")));
  ASSERT_THAT((*db)->DeleteDocument("trail", "a"), IsOk());
  ASSERT_THAT((*db)->DeleteDocument("trail", "missing"), IsOk());
  auto gone = (*db)->GetDocument("trail", "a");
  ASSERT_THAT(gone, IsOk());
  EXPECT_FALSE(gone->has_value());
  auto other = (*db)->GetDocument("bucket", "a");
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(other->value(), R"({"x":0})");
}

TEST(MetadataDb, DocumentsSurviveReopen) {
  testing::TempDir dir;
  {
    auto db = MetadataDb::Open(dir.path() + "/m.db");
    ASSERT_THAT(db, IsOk());
    ASSERT_THAT((*db)->PutDocument("cursor", "t1", "42"), IsOk());
  }
  auto db = MetadataDb::Open(dir.path() + "/m.db");
  ASSERT_THAT(db, IsOk());
  auto v = (*db)->GetDocument("cursor", "t1");
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->value(), "42");
}

}  // namespace
}  // namespace ot::store
