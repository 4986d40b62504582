#include "crypto/checksum.h"

#include <openssl/evp.h>

#include <array>

#include "common/encoding.h"
#include "common/gzip.h"
#include "common/status.h"

namespace ot::crypto {
namespace {

// Reflected CRCs, slicing-by-8 (Intel's method: eight bytes per step through eight tables); about
// 4x the byte-at-a-time loop. The tables are built once at compile time.
template <typename T, T kPoly>
constexpr std::array<std::array<T, 256>, 8> CrcTables() {
  std::array<std::array<T, 256>, 8> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    T c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
  return t;
}

constexpr auto kCrc32cTables = CrcTables<uint32_t, 0x82F63B78u>();
constexpr auto kCrc64NvmeTables = CrcTables<uint64_t, 0x9A6C9329AC4BC9B5ull>();

// `c` is the running (inverted) CRC; bytes are combined little-endian, as the tables expect.
template <typename T>
T CrcUpdate(const std::array<std::array<T, 256>, 8>& t, T c, std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  while (n >= 8) {
    uint64_t word = 0;
    for (int i = 7; i >= 0; --i) word = (word << 8) | p[i];
    word ^= static_cast<uint64_t>(c);
    T next = 0;
    for (size_t i = 0; i < 8; ++i) next ^= t[7 - i][(word >> (8 * i)) & 0xff];
    c = next;
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return c;
}

std::string BigEndian(uint64_t v, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

const EVP_MD* DigestOf(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kSha1:
      return EVP_sha1();
    case ChecksumAlgorithm::kSha256:
      return EVP_sha256();
    case ChecksumAlgorithm::kMd5:
      return EVP_md5();
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
    case ChecksumAlgorithm::kCrc64Nvme:
      break;
  }
  return nullptr;
}

bool EqualsFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

uint32_t Crc32c(std::string_view data, uint32_t crc) {
  return ~CrcUpdate<uint32_t>(kCrc32cTables, ~crc, data);
}

uint64_t Crc64Nvme(std::string_view data, uint64_t crc) {
  return ~CrcUpdate<uint64_t>(kCrc64NvmeTables, ~crc, data);
}

std::string_view ChecksumName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return "CRC32";
    case ChecksumAlgorithm::kCrc32c:
      return "CRC32C";
    case ChecksumAlgorithm::kCrc64Nvme:
      return "CRC64NVME";
    case ChecksumAlgorithm::kSha1:
      return "SHA1";
    case ChecksumAlgorithm::kSha256:
      return "SHA256";
    case ChecksumAlgorithm::kMd5:
      return "MD5";
  }
  return "";
}

std::optional<ChecksumAlgorithm> ChecksumFromName(std::string_view name) {
  for (ChecksumAlgorithm a :
       {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
        ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256}) {
    if (EqualsFold(name, ChecksumName(a))) return a;
  }
  return std::nullopt;
}

std::optional<ChecksumAlgorithm> ChecksumFromHeaderSuffix(std::string_view suffix) {
  return ChecksumFromName(suffix);
}

Checksummer::Checksummer(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {
  if (const EVP_MD* md = DigestOf(algorithm)) {
    ctx_ = EVP_MD_CTX_new();
    OT_CHECK(ctx_ != nullptr);
    OT_CHECK(EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), md, nullptr) == 1);
  }
}

Checksummer::~Checksummer() {
  if (ctx_ != nullptr) EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Checksummer::Update(std::string_view data) {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      crc_ = Crc32(data, static_cast<uint32_t>(crc_));
      return;
    case ChecksumAlgorithm::kCrc32c:
      crc_ = Crc32c(data, static_cast<uint32_t>(crc_));
      return;
    case ChecksumAlgorithm::kCrc64Nvme:
      crc_ = Crc64Nvme(data, crc_);
      return;
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
    case ChecksumAlgorithm::kMd5:
      OT_CHECK(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) == 1);
      return;
  }
}

std::string Checksummer::Finish() {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
      return BigEndian(crc_, 4);
    case ChecksumAlgorithm::kCrc64Nvme:
      return BigEndian(crc_, 8);
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
    case ChecksumAlgorithm::kMd5:
      break;
  }
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  OT_CHECK(EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_),
                              reinterpret_cast<unsigned char*>(out.data()), &len) == 1);
  out.resize(len);
  return out;
}

std::string ChecksumBase64(ChecksumAlgorithm algorithm, std::string_view data) {
  Checksummer c(algorithm);
  c.Update(data);
  return Base64Encode(c.Finish());
}

}  // namespace ot::crypto
