#pragma once

#include <string>
#include <string_view>

namespace ot::crypto {

std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string Sha256Hex(std::string_view data);                         // 64 lowercase hex
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
// Constant-time comparison of equal-length strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ot::crypto
