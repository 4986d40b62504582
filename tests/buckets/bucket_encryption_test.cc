// Encryption at rest of local objects (SSE-KMS through a DataKeyProvider, SSE-S3) and buckets'
// default encryption.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "buckets/bucket_registry.h"
#include "buckets_test_util.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::buckets {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

// A key service stand-in: wraps data keys with AEAD under one fixed key, binding the context;
// can be switched off like a disabled KMS key.
class FakeKms final : public DataKeyProvider {
 public:
  explicit FakeKms(Random& random) : random_(random) {}
  Result<WrappedDataKey> NewDataKey(std::string_view key_id, std::string_view region,
                                    const std::map<std::string, std::string>& context) override {
    if (disabled) return Status(Error::kKmsDisabled, "disabled");
    if (key_id != "alias/logs") return Status(Error::kKmsNotFound, "no such key");
    last_region = std::string(region);
    std::string dk(32, '\0');
    random_.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(dk.data()), dk.size()));
    return WrappedDataKey{dk, crypto::AeadSeal(kWrap, random_, dk, Flatten(context)),
                          std::string(kArn)};
  }
  Result<std::string> OpenDataKey(std::string_view key_arn, std::string_view wrapped,
                                  const std::map<std::string, std::string>& context) override {
    if (disabled) return Status(Error::kKmsDisabled, "disabled");
    EXPECT_EQ(key_arn, kArn);
    return crypto::AeadOpen(kWrap, wrapped, Flatten(context));
  }
  static std::string Flatten(const std::map<std::string, std::string>& context) {
    std::string out;
    for (const auto& [k, v] : context) out += k + "=" + v + ";";
    return out;
  }
  static constexpr std::string_view kArn = "arn:aws:kms:eu-west-1:111122223333:key/k";
  const std::string kWrap = std::string(32, 'w');
  bool disabled = false;
  std::string last_region;

 private:
  Random& random_;
};

class EncryptionTest : public ::testing::Test {
 protected:
  EncryptionTest() {
    RegistryOptions options;
    options.dir = dir_.path() + "/buckets";
    options.meta_dir = dir_.path() + "/meta";
    options.kms = &kms_;
    options.sse_s3_key = std::string(32, 's');
    auto r = BucketRegistry::Open(options, store_, env_);
    EXPECT_THAT(r, IsOk());
    reg_ = std::move(*r);
    EXPECT_THAT(reg_->Create("enc-b", "eu-west-1", "111122223333"), IsOk());
  }
  Status Put(std::string_view key, std::string_view body, std::string_view algorithm = {},
             std::string_view kms_key = {}) {
    PutObjectRequest put;
    put.bucket = "enc-b";
    put.key = key;
    put.body = body;
    put.sse_algorithm = algorithm;
    put.sse_kms_key_id = kms_key;
    if (!kms_key.empty()) put.sse_context = {{"aws:cloudtrail:arn", "trail"}};
    return reg_->PutObject(put);
  }
  std::string OnDisk(std::string_view key) {
    auto bytes = RealFileSystem().ReadFile(dir_.path() + "/buckets/enc-b/" + std::string(key));
    EXPECT_THAT(bytes, IsOk());
    return bytes.ok() ? *bytes : std::string();
  }
  std::string Read(std::string_view key, uint64_t offset = 0, size_t n = 1 << 20) {
    auto reader = reg_->OpenObject("enc-b", key);
    EXPECT_THAT(reader, IsOk());
    if (!reader.ok()) return {};
    std::string out;
    EXPECT_THAT(reader->file->Read(offset, n, &out), IsOk());
    return out;
  }

  testing::TempDir dir_;
  testing::MemRegistryStore store_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{5};
  Env env_{clock_, RealFileSystem(), random_};
  FakeKms kms_{random_};
  std::unique_ptr<BucketRegistry> reg_;
};

TEST_F(EncryptionTest, SseKmsObjectsAreCiphertextOnDiskAndPlaintextThroughTheRegistry) {
  const std::string body = "\x1f\x8b plaintext log file bytes";
  ASSERT_THAT(Put("AWSLogs/a.json.gz", body, kSseKms, "alias/logs"), IsOk());
  EXPECT_EQ(kms_.last_region, "eu-west-1");  // the bucket's region
  std::string disk = OnDisk("AWSLogs/a.json.gz");
  EXPECT_EQ(disk.find("plaintext"), std::string::npos);
  EXPECT_EQ(disk.size(), body.size() + crypto::kAeadOverheadBytes);

  auto head = reg_->HeadObject("enc-b", "AWSLogs/a.json.gz");
  ASSERT_THAT(head, IsOk());
  EXPECT_EQ(head->size, body.size());
  EXPECT_EQ(head->sse_algorithm, kSseKms);
  EXPECT_EQ(head->sse_kms_key_arn, FakeKms::kArn);
  EXPECT_EQ(head->etag, "\"" + crypto::Md5Hex(body) + "\"");
  EXPECT_EQ(Read("AWSLogs/a.json.gz"), body);
  EXPECT_EQ(Read("AWSLogs/a.json.gz", 3, 9), "plaintext");
  auto listing = reg_->ListObjects("enc-b", {});
  ASSERT_THAT(listing, IsOk());
  ASSERT_EQ(listing->objects.size(), 1u);
  EXPECT_EQ(listing->objects[0].size, body.size());

  // The key switched off: the bytes stay unreadable, and new writes fail with KMS's error.
  kms_.disabled = true;
  EXPECT_THAT(reg_->OpenObject("enc-b", "AWSLogs/a.json.gz"), HasError(Error::kKmsDisabled));
  EXPECT_THAT(Put("AWSLogs/b.json.gz", body, kSseKms, "alias/logs"), HasError(Error::kKmsDisabled));
  EXPECT_THAT(Put("AWSLogs/c.json.gz", body, kSseKms, "alias/other"),
              HasError(Error::kKmsDisabled));
  kms_.disabled = false;
  EXPECT_THAT(Put("AWSLogs/c.json.gz", body, kSseKms, "alias/other"),
              HasError(Error::kKmsNotFound));
}

TEST_F(EncryptionTest, AlteredOrMovedCiphertextDoesNotOpen) {
  ASSERT_THAT(Put("a", "secret bytes", kSseS3), IsOk());
  ASSERT_THAT(Put("b", "other bytes", kSseS3), IsOk());
  std::string a = OnDisk("a");
  // b's file replaced by a's: bound to its own key, it fails to authenticate.
  ASSERT_THAT(RealFileSystem().WriteFileAtomic(dir_.path() + "/buckets/enc-b/b", a), IsOk());
  EXPECT_THAT(reg_->OpenObject("enc-b", "b"), HasError(Error::kCorruption));
  a[a.size() - 1] ^= 1;
  ASSERT_THAT(RealFileSystem().WriteFileAtomic(dir_.path() + "/buckets/enc-b/a", a), IsOk());
  EXPECT_THAT(reg_->OpenObject("enc-b", "a"), HasError(Error::kCorruption));
}

TEST_F(EncryptionTest, BucketDefaultEncryptionAppliesToNewObjectsOnly) {
  ASSERT_THAT(Put("before", "clear"), IsOk());
  EXPECT_THAT(reg_->GetEncryption("enc-b"), IsOk());
  EXPECT_FALSE(reg_->GetEncryption("enc-b")->has_value());
  ASSERT_THAT(reg_->PutEncryption("enc-b", {std::string(kSseKms), "alias/logs", true}), IsOk());
  auto got = reg_->GetEncryption("enc-b");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->kms_key_id, "alias/logs");
  EXPECT_TRUE((*got)->bucket_key_enabled);

  ASSERT_THAT(Put("after", "now encrypted"), IsOk());
  EXPECT_EQ(OnDisk("before"), "clear");
  EXPECT_EQ(OnDisk("after").find("encrypted"), std::string::npos);
  EXPECT_EQ(reg_->HeadObject("enc-b", "after")->sse_algorithm, kSseKms);
  EXPECT_TRUE(reg_->HeadObject("enc-b", "before")->sse_algorithm.empty());
  EXPECT_EQ(Read("after"), "now encrypted");
  // The writer's own choice wins over the default.
  ASSERT_THAT(Put("own", "sse-s3", kSseS3), IsOk());
  EXPECT_EQ(reg_->HeadObject("enc-b", "own")->sse_algorithm, kSseS3);
  EXPECT_EQ(Read("own"), "sse-s3");

  ASSERT_THAT(reg_->DeleteEncryption("enc-b"), IsOk());
  EXPECT_FALSE(reg_->GetEncryption("enc-b")->has_value());
  EXPECT_THAT(reg_->GetEncryption("nope-b"), HasError(Error::kNoSuchBucket));
}

}  // namespace
}  // namespace ot::buckets
