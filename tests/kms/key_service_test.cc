#include "kms/key_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/matchers.h"
#include "support/temp_dir.h"
#include "support/test_env.h"

namespace ot::kms {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::HasSubstr;

constexpr std::string_view kRegion = "us-east-1";

class KeyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::MetadataDb::Open(dir_.path() + "/metadata.db");
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    Reopen();
  }
  void Reopen() {
    kms_.reset();
    auto k = KeyService::Open(*db_, env_, {"123456789012", std::string(32, 'm')});
    ASSERT_THAT(k, IsOk());
    kms_ = std::move(*k);
  }
  KeyMetadata NewKey() {
    auto k = kms_->CreateKey(kRegion, "test key");
    EXPECT_THAT(k, IsOk());
    return *k;
  }

  ot::testing::TempDir dir_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{7};
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<KeyService> kms_;
};

TEST_F(KeyServiceTest, CreatesEnabledKeysWithUuidIdsAndArns) {
  KeyMetadata k = NewKey();
  EXPECT_EQ(k.key_id.size(), 36u);
  EXPECT_EQ(k.arn, "arn:aws:kms:us-east-1:123456789012:key/" + k.key_id);
  EXPECT_EQ(k.state, KeyState::kEnabled);
  EXPECT_EQ(k.description, "test key");
  EXPECT_EQ(k.creation_date, clock_.Now());
  ASSERT_EQ(kms_->ListKeys(kRegion).size(), 1u);
  EXPECT_TRUE(kms_->ListKeys("eu-west-1").empty());
}

TEST_F(KeyServiceTest, KeyMaterialIsNeverStoredInPlaintext) {
  KeyMetadata k = NewKey();
  auto doc = db_->GetDocument("kms-key", k.key_id);
  ASSERT_THAT(doc, IsOk());
  ASSERT_TRUE(doc->has_value());
  // The material decrypts a blob; if it were stored in the clear a blob made under it could be
  // opened without the master key. Instead: the document holds only the sealed form, which a
  // service with another master key cannot open.
  auto blob = kms_->Encrypt(kRegion, k.key_id, "secret", {});
  ASSERT_THAT(blob, IsOk());
  auto other = KeyService::Open(*db_, env_, {"123456789012", std::string(32, 'x')});
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT((*other)->Decrypt(kRegion, blob->blob, {}), HasError(Error::kKmsInvalidCiphertext));
  EXPECT_THAT(**doc, HasSubstr("sealedMaterial"));
  EXPECT_THAT(**doc, ::testing::Not(HasSubstr("\"material\"")));
}

TEST_F(KeyServiceTest, EncryptDecryptRoundTripsWithContextAsAad) {
  KeyMetadata k = NewKey();
  EncryptionContext ctx{{"aws:cloudtrail:arn", "arn:aws:cloudtrail:us-east-1:1:trail/t"}};
  auto c = kms_->Encrypt(kRegion, k.key_id, "hello world", ctx);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->key_arn, k.arn);
  EXPECT_EQ(c->blob.find("hello world"), std::string::npos);
  auto p = kms_->Decrypt(kRegion, c->blob, ctx);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->bytes, "hello world");
  EXPECT_EQ(p->key_arn, k.arn);
  // Another context, none, a key/value split differently, another region, an altered byte.
  EXPECT_THAT(kms_->Decrypt(kRegion, c->blob, {}), HasError(Error::kKmsInvalidCiphertext));
  EXPECT_THAT(kms_->Decrypt(kRegion, c->blob, {{"aws:cloudtrail:arn", "x"}}),
              HasError(Error::kKmsInvalidCiphertext));
  auto c2 = kms_->Encrypt(kRegion, k.key_id, "x", {{"a", "bc"}});
  ASSERT_THAT(c2, IsOk());
  EXPECT_THAT(kms_->Decrypt(kRegion, c2->blob, {{"ab", "c"}}),
              HasError(Error::kKmsInvalidCiphertext));
  EXPECT_THAT(kms_->Decrypt("eu-west-1", c->blob, ctx), HasError(Error::kKmsInvalidCiphertext));
  std::string bad = c->blob;
  bad[bad.size() - 1] ^= 1;
  EXPECT_THAT(kms_->Decrypt(kRegion, bad, ctx), HasError(Error::kKmsInvalidCiphertext));
  EXPECT_THAT(kms_->Decrypt(kRegion, "garbage", ctx), HasError(Error::kKmsInvalidCiphertext));
}

TEST_F(KeyServiceTest, DecryptWithAKeyIdMustNameTheEncryptingKey) {
  KeyMetadata a = NewKey();
  KeyMetadata b = NewKey();
  auto c = kms_->Encrypt(kRegion, a.key_id, "x", {});
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(kms_->Decrypt(kRegion, c->blob, {}, a.arn), IsOk());
  EXPECT_THAT(kms_->Decrypt(kRegion, c->blob, {}, b.key_id), HasError(Error::kKmsIncorrectKey));
}

TEST_F(KeyServiceTest, AliasesResolveAndFollowKmsRules) {
  KeyMetadata k = NewKey();
  ASSERT_THAT(kms_->CreateAlias(kRegion, "alias/trail-logs", k.key_id), IsOk());
  EXPECT_THAT(kms_->CreateAlias(kRegion, "alias/trail-logs", k.key_id),
              HasError(Error::kKmsAlreadyExists));
  EXPECT_THAT(kms_->CreateAlias(kRegion, "trail-logs", k.key_id),
              HasError(Error::kKmsInvalidAliasName));
  EXPECT_THAT(kms_->CreateAlias(kRegion, "alias/aws/s3", k.key_id),
              HasError(Error::kKmsInvalidAliasName));
  EXPECT_THAT(kms_->CreateAlias(kRegion, "alias/bad name", k.key_id), HasError(Error::kValidation));
  // The target must be a key, not an alias.
  EXPECT_THAT(kms_->CreateAlias(kRegion, "alias/second", "alias/trail-logs"),
              HasError(Error::kKmsNotFound));

  for (std::string ref : {k.key_id, k.arn, std::string("alias/trail-logs"),
                          std::string("arn:aws:kms:us-east-1:123456789012:alias/trail-logs")}) {
    auto d = kms_->Describe(kRegion, ref);
    ASSERT_THAT(d, IsOk()) << ref;
    EXPECT_EQ(d->key_id, k.key_id);
  }
  EXPECT_THAT(kms_->Describe(kRegion, "alias/nope"), HasError(Error::kKmsNotFound));
  EXPECT_THAT(kms_->Describe(kRegion, "arn:aws:kms:us-east-1"), HasError(Error::kKmsInvalidArn));
  EXPECT_THAT(kms_->Describe("eu-west-1", k.key_id), HasError(Error::kKmsNotFound));
  EXPECT_THAT(kms_->Describe(kRegion, "not-a-key"), HasError(Error::kKmsNotFound));
  EXPECT_THAT(kms_->Describe(kRegion, "alias/trail-logs", KeyRef::kKeyOnly),
              HasError(Error::kKmsNotFound));
  EXPECT_EQ(kms_->ResourceArn(kRegion, "alias/trail-logs"), k.arn);
  EXPECT_EQ(kms_->ResourceArn(kRegion, "alias/nope"),
            "arn:aws:kms:us-east-1:123456789012:alias/nope");

  auto aliases = kms_->ListAliases(kRegion, "");
  ASSERT_THAT(aliases, IsOk());
  ASSERT_EQ(aliases->size(), 1u);
  EXPECT_EQ((*aliases)[0].arn, "arn:aws:kms:us-east-1:123456789012:alias/trail-logs");
  EXPECT_EQ((*aliases)[0].target_key_id, k.key_id);
  ASSERT_THAT(kms_->DeleteAlias(kRegion, "alias/trail-logs"), IsOk());
  EXPECT_THAT(kms_->DeleteAlias(kRegion, "alias/trail-logs"), HasError(Error::kKmsNotFound));
}

TEST_F(KeyServiceTest, DisabledKeysRefuseCryptographyUntilEnabled) {
  KeyMetadata k = NewKey();
  auto c = kms_->Encrypt(kRegion, k.key_id, "x", {});
  ASSERT_THAT(c, IsOk());
  ASSERT_THAT(kms_->DisableKey(kRegion, k.key_id), IsOk());
  EXPECT_THAT(kms_->Encrypt(kRegion, k.key_id, "x", {}), HasError(Error::kKmsDisabled));
  EXPECT_THAT(kms_->Decrypt(kRegion, c->blob, {}), HasError(Error::kKmsDisabled));
  EXPECT_THAT(kms_->GenerateDataKey(kRegion, k.key_id, 32, {}), HasError(Error::kKmsDisabled));
  EXPECT_THAT(kms_->EnableKeyRotation(kRegion, k.key_id, 365), HasError(Error::kKmsDisabled));
  ASSERT_THAT(kms_->EnableKey(kRegion, k.arn), IsOk());
  EXPECT_THAT(kms_->Decrypt(kRegion, c->blob, {}), IsOk());
}

TEST_F(KeyServiceTest, ScheduledDeletionBlocksUseAndDeletesAfterTheWindow) {
  KeyMetadata k = NewKey();
  ASSERT_THAT(kms_->CreateAlias(kRegion, "alias/doomed", k.key_id), IsOk());
  EXPECT_THAT(kms_->ScheduleKeyDeletion(kRegion, k.key_id, 6), HasError(Error::kValidation));
  EXPECT_THAT(kms_->ScheduleKeyDeletion(kRegion, k.key_id, 31), HasError(Error::kValidation));
  auto s = kms_->ScheduleKeyDeletion(kRegion, k.key_id, 7);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->state, KeyState::kPendingDeletion);
  EXPECT_EQ(*s->deletion_date, clock_.Now() + std::chrono::hours(24 * 7));
  EXPECT_THAT(kms_->ScheduleKeyDeletion(kRegion, k.key_id, 7), HasError(Error::kKmsInvalidState));
  EXPECT_THAT(kms_->Encrypt(kRegion, "alias/doomed", "x", {}), HasError(Error::kKmsInvalidState));
  EXPECT_THAT(kms_->EnableKey(kRegion, k.key_id), HasError(Error::kKmsInvalidState));
  EXPECT_THAT(kms_->CreateAlias(kRegion, "alias/late", k.key_id),
              HasError(Error::kKmsInvalidState));

  // Cancelled: back to Disabled, as KMS does.
  auto c = kms_->CancelKeyDeletion(kRegion, k.key_id);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->state, KeyState::kDisabled);
  EXPECT_FALSE(c->deletion_date.has_value());
  EXPECT_THAT(kms_->CancelKeyDeletion(kRegion, k.key_id), HasError(Error::kKmsInvalidState));

  ASSERT_THAT(kms_->ScheduleKeyDeletion(kRegion, k.key_id, 7), IsOk());
  clock_.Advance(std::chrono::hours(24 * 7) - std::chrono::milliseconds(1));
  ASSERT_THAT(kms_->Maintain(), IsOk());
  EXPECT_THAT(kms_->Describe(kRegion, k.key_id), IsOk());
  clock_.Advance(std::chrono::milliseconds(1));
  auto n = kms_->Maintain();
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 1u);
  EXPECT_THAT(kms_->Describe(kRegion, k.key_id), HasError(Error::kKmsNotFound));
  EXPECT_TRUE(kms_->ListAliases(kRegion, "")->empty());
  Reopen();  // gone for good
  EXPECT_THAT(kms_->Describe(kRegion, k.key_id), HasError(Error::kKmsNotFound));
}

TEST_F(KeyServiceTest, RotationAddsVersionsAndOldCiphertextStillDecrypts) {
  KeyMetadata k = NewKey();
  EXPECT_THAT(kms_->EnableKeyRotation(kRegion, k.key_id, 89), HasError(Error::kValidation));
  EXPECT_THAT(kms_->EnableKeyRotation(kRegion, "alias/x", 90), HasError(Error::kKmsNotFound));
  ASSERT_THAT(kms_->EnableKeyRotation(kRegion, k.key_id, 90), IsOk());
  auto d = kms_->Describe(kRegion, k.key_id);
  ASSERT_TRUE(d->rotation_enabled);
  EXPECT_EQ(*d->next_rotation, clock_.Now() + std::chrono::hours(24 * 90));
  auto before = kms_->Encrypt(kRegion, k.key_id, "old", {});
  ASSERT_THAT(before, IsOk());

  clock_.Advance(std::chrono::hours(24 * 90));
  ASSERT_THAT(kms_->Maintain(), IsOk());
  d = kms_->Describe(kRegion, k.key_id);
  EXPECT_EQ(d->versions, 2);
  EXPECT_EQ(*d->next_rotation, clock_.Now() + std::chrono::hours(24 * 90));
  auto after = kms_->Encrypt(kRegion, k.key_id, "new", {});
  ASSERT_THAT(after, IsOk());
  EXPECT_NE(before->blob.substr(37, 4), after->blob.substr(37, 4));  // names version 2

  Reopen();  // versions persist
  EXPECT_EQ(kms_->Describe(kRegion, k.key_id)->versions, 2);
  EXPECT_EQ(kms_->Decrypt(kRegion, before->blob, {})->bytes, "old");
  EXPECT_EQ(kms_->Decrypt(kRegion, after->blob, {})->bytes, "new");

  ASSERT_THAT(kms_->DisableKeyRotation(kRegion, k.arn), IsOk());
  clock_.Advance(std::chrono::hours(24 * 365));
  ASSERT_THAT(kms_->Maintain(), IsOk());
  EXPECT_EQ(kms_->Describe(kRegion, k.key_id)->versions, 2);
}

TEST_F(KeyServiceTest, GenerateDataKeyReturnsAKeyItsBlobDecryptsTo) {
  KeyMetadata k = NewKey();
  EncryptionContext ctx{{"purpose", "test"}};
  auto dk = kms_->GenerateDataKey(kRegion, k.key_id, 32, ctx);
  ASSERT_THAT(dk, IsOk());
  EXPECT_EQ(dk->plaintext.size(), 32u);
  EXPECT_EQ(kms_->Decrypt(kRegion, dk->blob, ctx)->bytes, dk->plaintext);
  auto bare = kms_->GenerateDataKey(kRegion, k.key_id, 16, ctx, false);
  ASSERT_THAT(bare, IsOk());
  EXPECT_TRUE(bare->plaintext.empty());
  EXPECT_EQ(kms_->Decrypt(kRegion, bare->blob, ctx)->bytes.size(), 16u);
  EXPECT_THAT(kms_->GenerateDataKey(kRegion, k.key_id, 0, ctx), HasError(Error::kValidation));
  EXPECT_THAT(kms_->GenerateDataKey(kRegion, k.key_id, 1025, ctx), HasError(Error::kValidation));
  EXPECT_THAT(kms_->Encrypt(kRegion, k.key_id, "", ctx), HasError(Error::kValidation));
  EXPECT_THAT(kms_->Encrypt(kRegion, k.key_id, std::string(4097, 'a'), ctx),
              HasError(Error::kValidation));
}

}  // namespace
}  // namespace ot::kms
