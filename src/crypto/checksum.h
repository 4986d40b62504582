#pragma once

// The whole-object checksums S3 clients send with uploads (protocols.md §5.4): CRC32, CRC32C,
// CRC64NVME, SHA-1, SHA-256, and Content-MD5. Each is computed incrementally, so a streamed
// (aws-chunked) body is hashed as it is decoded.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ot::crypto {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256, kMd5 };

// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "MD5" (x-amz-sdk-checksum-algorithm).
std::string_view ChecksumName(ChecksumAlgorithm algorithm);
// The algorithm of an `x-amz-checksum-<suffix>` header ("crc32", "crc64nvme", …; any case), or
// nullopt for a suffix S3 does not define. MD5 has no x-amz-checksum header (Content-MD5).
std::optional<ChecksumAlgorithm> ChecksumFromHeaderSuffix(std::string_view suffix);
// The same, by x-amz-sdk-checksum-algorithm value ("CRC32", "crc32c", …).
std::optional<ChecksumAlgorithm> ChecksumFromName(std::string_view name);

// Incremental checksum; Finish() returns the raw digest bytes (big-endian for the CRCs: 4 bytes
// for CRC32/CRC32C, 8 for CRC64NVME), which S3 transmits base64-encoded.
class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm algorithm);
  ~Checksummer();
  Checksummer(const Checksummer&) = delete;
  Checksummer& operator=(const Checksummer&) = delete;

  ChecksumAlgorithm algorithm() const { return algorithm_; }
  void Update(std::string_view data);
  // The raw digest; the checksummer must not be used afterwards.
  std::string Finish();

 private:
  ChecksumAlgorithm algorithm_;
  uint64_t crc_ = 0;
  void* ctx_ = nullptr;  // EVP_MD_CTX for SHA-1, SHA-256, MD5
};

// One-shot: base64 of the raw digest of `data` (the value an x-amz-checksum-* header carries).
std::string ChecksumBase64(ChecksumAlgorithm algorithm, std::string_view data);

// CRC-32C (Castagnoli) and CRC-64/NVME, continuing from `crc` (0 to start).
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);
uint64_t Crc64Nvme(std::string_view data, uint64_t crc = 0);

}  // namespace ot::crypto
