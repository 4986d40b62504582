#pragma once

#include <cstdint>
#include <string_view>

namespace ot::monitor::internal {

// Where the scan anchors in a needle: the positions of its two rarest bytes (first < second).
struct SubstringAnchors {
  uint32_t first = 0;
  uint32_t second = 1;
};
SubstringAnchors RareAnchors(std::string_view needle);

// Whether `needle` occurs in `haystack` (an empty needle always does). Term filters search every
// log event's whole message this way, once per distinct term; they compute the anchors once,
// when the pattern is compiled (`anchors` must be RareAnchors(needle)).
bool ContainsSubstring(std::string_view haystack, std::string_view needle);
bool ContainsSubstring(std::string_view haystack, std::string_view needle,
                       SubstringAnchors anchors);

}  // namespace ot::monitor::internal
