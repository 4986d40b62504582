#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ot {

std::string HexEncode(std::string_view bytes);  // lowercase
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);     // RFC 4648 standard alphabet, padded
std::string Base64UrlEncode(std::string_view bytes);  // URL-safe alphabet, no padding
// Accepts both alphabets, with or without padding; nullopt on any other character.
std::optional<std::string> Base64Decode(std::string_view text);

// RFC 4648 base32 (A-Z 2-7) without padding: the seed text of TOTP authenticators.
std::string Base32Encode(std::string_view bytes);
// Accepts upper and lower case, with or without trailing '=' padding; nullopt on any other
// character or on a length no encoding produces.
std::optional<std::string> Base32Decode(std::string_view text);

// Appends code point `cp` (≤ U+10FFFF) as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// RFC 3986 percent-encoding: unreserved A-Z a-z 0-9 - _ . ~ stay, the rest become %XX (uppercase).
// With keep_slash, '/' also stays (SigV4 canonical URIs).
std::string UriEncode(std::string_view s, bool keep_slash = false);
// Decodes %XX; with plus_as_space, '+' becomes ' ' (form bodies). Invalid escapes stay literal.
std::string UriDecode(std::string_view s, bool plus_as_space = false);

}  // namespace ot

namespace ot {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);
// `s` with every ill-formed sequence replaced by U+FFFD: what we do with text from headers and
// form bodies before it goes into JSON (records, logs), which must be valid UTF-8.
std::string ToValidUtf8(std::string_view s);

}  // namespace ot
