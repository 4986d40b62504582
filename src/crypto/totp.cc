#include "crypto/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/status.h"

namespace ot::crypto {

std::string HmacSha1(std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  unsigned char* r = HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                          reinterpret_cast<unsigned char*>(out.data()), &len);
  OT_CHECK(r != nullptr);
  out.resize(len);
  return out;
}

std::string Hotp(std::string_view key, uint64_t counter, int digits) {
  OT_CHECK(digits >= 6 && digits <= 8);
  char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<char>(counter & 0xff);
    counter >>= 8;
  }
  const std::string mac = HmacSha1(key, std::string_view(msg, sizeof(msg)));
  // Dynamic truncation (RFC 4226 §5.3): 31 bits at the offset named by the last nibble.
  const size_t offset = static_cast<uint8_t>(mac[19]) & 0x0f;
  const uint32_t bin = (static_cast<uint32_t>(static_cast<uint8_t>(mac[offset]) & 0x7f) << 24) |
                       (static_cast<uint32_t>(static_cast<uint8_t>(mac[offset + 1])) << 16) |
                       (static_cast<uint32_t>(static_cast<uint8_t>(mac[offset + 2])) << 8) |
                       static_cast<uint32_t>(static_cast<uint8_t>(mac[offset + 3]));
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(bin % modulus);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

uint64_t TotpStep(SysMillis t, std::chrono::seconds step) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  if (secs < 0) return 0;
  return static_cast<uint64_t>(secs) / static_cast<uint64_t>(step.count());
}

std::string Totp(std::string_view key, SysMillis t, int digits) {
  return Hotp(key, TotpStep(t), digits);
}

}  // namespace ot::crypto
