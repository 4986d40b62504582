#include "crypto/checksum.h"

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace ot::crypto {
namespace {

TEST(Checksum, StandardCheckValuesOf123456789) {
  struct Case {
    ChecksumAlgorithm algorithm;
    std::string_view hex;
  };
  const Case cases[] = {
      {ChecksumAlgorithm::kCrc32, "cbf43926"},
      {ChecksumAlgorithm::kCrc32c, "e3069283"},
      {ChecksumAlgorithm::kCrc64Nvme, "ae8b14860a799888"},
      {ChecksumAlgorithm::kSha1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441"},
      {ChecksumAlgorithm::kSha256,
       "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"},
      {ChecksumAlgorithm::kMd5, "25f9e794323b453885f5181f1b624d0b"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(ChecksumName(c.algorithm));
    Checksummer sum(c.algorithm);
    sum.Update("123456789");
    EXPECT_EQ(HexEncode(sum.Finish()), c.hex);
  }
}

TEST(Checksum, IncrementalEqualsOneShot) {
  const std::string data(100000, 'x');
  for (ChecksumAlgorithm a :
       {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
        ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256}) {
    SCOPED_TRACE(ChecksumName(a));
    Checksummer sum(a);
    sum.Update(std::string_view(data).substr(0, 12345));
    sum.Update(std::string_view(data).substr(12345));
    EXPECT_EQ(Base64Encode(sum.Finish()), ChecksumBase64(a, data));
  }
}

TEST(Checksum, ValuesBotocoreAndTheAwsExamplesSend) {
  EXPECT_EQ(ChecksumBase64(ChecksumAlgorithm::kCrc32, "hello world\n"), "rwg7LQ==");
  EXPECT_EQ(ChecksumBase64(ChecksumAlgorithm::kCrc32c, std::string(66560, 'a')), "sOO8/Q==");
}

TEST(Checksum, NamesAndHeaderSuffixes) {
  EXPECT_EQ(ChecksumFromHeaderSuffix("crc64nvme"), ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_EQ(ChecksumFromName("CRC32C"), ChecksumAlgorithm::kCrc32c);
  EXPECT_EQ(ChecksumFromName("sha1"), ChecksumAlgorithm::kSha1);
  EXPECT_EQ(ChecksumFromHeaderSuffix("md5"), std::nullopt);
  EXPECT_EQ(ChecksumFromHeaderSuffix("crc16"), std::nullopt);
}

}  // namespace
}  // namespace ot::crypto
