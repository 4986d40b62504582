#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4.h"

// Small text helpers shared by the SigV4 parser, canonicaliser and verifier.
namespace ot::auth::internal {

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// `s` without leading and trailing spaces and tabs.
std::string_view TrimSpaces(std::string_view s);

// The first value of header `lower_name` (compared case-insensitively), untrimmed.
std::optional<std::string_view> FirstHeader(const HttpRequestView& request,
                                            std::string_view lower_name);

// How many times header `lower_name` occurs.
size_t CountHeader(const HttpRequestView& request, std::string_view lower_name);

// At most `max` bytes of `s` for an error message: bytes outside printable ASCII become '?',
// and "..." marks a cut. Keeps hostile input out of logs and JSON replies.
std::string Quote(std::string_view s, size_t max = 256);

bool IsHex(std::string_view s);

}  // namespace ot::auth::internal
