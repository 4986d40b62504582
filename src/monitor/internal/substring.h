#pragma once

#include <string_view>

namespace ot::monitor::internal {

// Whether `needle` occurs in `haystack` (an empty needle always does). Term filters search every
// log event's whole message this way, once per distinct term.
bool ContainsSubstring(std::string_view haystack, std::string_view needle);

}  // namespace ot::monitor::internal
