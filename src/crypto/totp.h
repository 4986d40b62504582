#pragma once

// One-time passwords for virtual MFA devices: RFC 4226 HOTP and RFC 6238 TOTP with HMAC-SHA-1,
// the algorithm every authenticator app implements for otpauth://totp URIs.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/env.h"

namespace ot::crypto {

std::string HmacSha1(std::string_view key, std::string_view data);  // 20 raw bytes

// RFC 4226: the `digits`-digit (6..8) code for `counter`, zero-padded decimal text.
std::string Hotp(std::string_view key, uint64_t counter, int digits = 6);

// RFC 6238 time step of `t`: floor(unix seconds / step).
uint64_t TotpStep(SysMillis t, std::chrono::seconds step = std::chrono::seconds(30));

// The TOTP code of the step containing `t` (HOTP of TotpStep(t)).
std::string Totp(std::string_view key, SysMillis t, int digits = 6);

}  // namespace ot::crypto
