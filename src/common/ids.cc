#include "common/ids.h"

#include <array>
#include <cstdint>

#include "common/encoding.h"

namespace ot {
namespace {

std::string Format(std::array<uint8_t, 16> b) {
  std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(b.data()), 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

}  // namespace

std::string NewUuid(Random& random) {
  std::array<uint8_t, 16> b;
  random.Fill(b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return Format(b);
}

std::string UuidFromDigest(std::string_view digest16) {
  std::array<uint8_t, 16> b{};
  for (size_t i = 0; i < 16 && i < digest16.size(); ++i) b[i] = static_cast<uint8_t>(digest16[i]);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x50);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return Format(b);
}

std::string RandomString(Random& random, size_t n, std::string_view alphabet) {
  std::string out;
  out.reserve(n);
  const size_t limit = 256 - 256 % alphabet.size();
  while (out.size() < n) {
    uint8_t buf[64];
    random.Fill(buf);
    for (uint8_t v : buf) {
      if (v >= limit) continue;
      out += alphabet[v % alphabet.size()];
      if (out.size() == n) break;
    }
  }
  return out;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace ot
