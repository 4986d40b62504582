#pragma once

// AES-256-GCM sealing of small secrets at rest (IAM secret keys, session secrets, MFA seeds).
//
// Sealed format, version 1 (all binary):
//   0x01 | nonce (12 bytes, random) | ciphertext (= plaintext length) | GCM tag (16 bytes)
// The version byte and the caller's associated data are authenticated, so a sealed value moved
// to another record (different `aad`) or altered in any byte fails to open.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"

namespace ot::crypto {

inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kAeadNonceBytes = 12;
inline constexpr size_t kAeadTagBytes = 16;
inline constexpr size_t kAeadOverheadBytes = 1 + kAeadNonceBytes + kAeadTagBytes;

// Seals `plaintext` under `key` (kAeadKeyBytes) with the given `nonce` (kAeadNonceBytes; never
// reuse one under the same key). Deterministic: for test vectors.
std::string AeadSealWithNonce(std::string_view key, std::string_view nonce,
                              std::string_view plaintext, std::string_view aad = {});

// Seals with a fresh nonce drawn from `random`.
std::string AeadSeal(std::string_view key, Random& random, std::string_view plaintext,
                     std::string_view aad = {});

// The plaintext of a sealed value. kCorruption when it is too short, of an unknown version, or
// fails authentication (wrong key, wrong aad, altered bytes).
Result<std::string> AeadOpen(std::string_view key, std::string_view sealed,
                             std::string_view aad = {});

}  // namespace ot::crypto
