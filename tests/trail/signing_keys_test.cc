#include "trail/signing_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/rsa.h"
#include "support/matchers.h"
#include "support/temp_dir.h"
#include "support/test_env.h"

namespace ot::trail {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

class SigningKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::MetadataDb::Open(dir_.path() + "/metadata.db");
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
  }
  SigningKeys Keys(std::string master = std::string(32, 'm')) {
    return SigningKeys(*db_, env_, {std::move(master), std::chrono::hours(24 * 30)});
  }

  ot::testing::TempDir dir_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{3};
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<store::MetadataDb> db_;
};

TEST_F(SigningKeysTest, MakesOneKeyPerRegionOnFirstNeedAndKeepsIt) {
  SigningKeys keys = Keys();

  auto a = keys.Active("us-east-1", clock_.Now());
  auto b = keys.Active("us-east-1", clock_.Now() + std::chrono::hours(1));
  auto c = keys.Active("eu-west-1", clock_.Now());

  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(a->fingerprint, b->fingerprint);
  EXPECT_NE(a->fingerprint, c->fingerprint);
  auto pub = crypto::RsaPublicKeyOf(a->private_der);
  ASSERT_THAT(pub, IsOk());
  EXPECT_EQ(crypto::PublicKeyFingerprint(*pub), a->fingerprint);
}

TEST_F(SigningKeysTest, RotatesWhenTheKeyExpiresAndKeepsTheOldOneListed) {
  SigningKeys keys = Keys();
  const SysMillis t0 = clock_.Now();
  auto first = keys.Active("us-east-1", t0);
  ASSERT_THAT(first, IsOk());

  auto later = keys.Active("us-east-1", t0 + std::chrono::hours(24 * 31));

  ASSERT_THAT(later, IsOk());
  EXPECT_NE(later->fingerprint, first->fingerprint);
  auto listed = keys.List("us-east-1", t0, t0 + std::chrono::hours(24 * 31));
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].fingerprint, first->fingerprint);
  EXPECT_EQ((*listed)[0].valid_to - (*listed)[0].valid_from, std::chrono::hours(24 * 30));
  auto old_only = keys.List("us-east-1", t0, t0 + std::chrono::hours(1));
  ASSERT_THAT(old_only, IsOk());
  EXPECT_EQ(old_only->size(), 1u);
}

TEST_F(SigningKeysTest, RotateEndsTheCurrentWindowNow) {
  SigningKeys keys = Keys();
  const SysMillis t0 = clock_.Now();
  auto first = keys.Active("us-east-1", t0);
  ASSERT_THAT(first, IsOk());

  auto made = keys.Rotate("us-east-1", t0 + std::chrono::hours(2));

  ASSERT_THAT(made, IsOk());
  auto active = keys.Active("us-east-1", t0 + std::chrono::hours(3));
  ASSERT_THAT(active, IsOk());
  EXPECT_EQ(active->fingerprint, made->fingerprint);
  auto listed = keys.List("us-east-1", t0, t0 + std::chrono::hours(3));
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].valid_to, t0 + std::chrono::hours(2));
  EXPECT_EQ((*listed)[1].valid_from, t0 + std::chrono::hours(2));
  auto regions = keys.Regions();
  ASSERT_THAT(regions, IsOk());
  EXPECT_EQ(*regions, std::vector<std::string>{"us-east-1"});
}

TEST_F(SigningKeysTest, PrivateKeysAreSealedUnderTheMasterKey) {
  SigningKeys keys = Keys();
  ASSERT_THAT(keys.Active("us-east-1", clock_.Now()), IsOk());

  auto other = Keys(std::string(32, 'x')).Active("us-east-1", clock_.Now());

  EXPECT_THAT(other, HasError(Error::kCorruption));
}

}  // namespace
}  // namespace ot::trail
