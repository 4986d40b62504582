#pragma once

#include <string>
#include <string_view>

namespace ot::crypto {

std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string Sha256Hex(std::string_view data);                         // 64 lowercase hex
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
// Constant-time comparison of equal-length strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Incremental SHA-256, for hashing streams (log files as they are inflated).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  // The 32 raw bytes of the digest; the hasher must not be used afterwards.
  std::string Finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};

// Incremental MD5, for S3 ETags and Content-MD5 checks (integrity, not security).
class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;

  void Update(std::string_view data);
  // The 16 raw bytes of the digest; the hasher must not be used afterwards.
  std::string Finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};

// Lowercase hex MD5 of `data` (an S3 ETag without its quotes).
std::string Md5Hex(std::string_view data);

}  // namespace ot::crypto
