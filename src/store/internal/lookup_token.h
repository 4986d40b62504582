#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "store/event_store.h"
#include "store/internal/history_index.h"

namespace ot::store::internal {

// LookupEvents NextTokens: base64url(version, position of the last returned event, MAC), where
// MAC = HMAC-SHA256(key, position + region, attribute, value, start, end, category) truncated to
// 16 bytes. A token therefore only continues the query it was issued for and cannot be forged.
std::string EncodeLookupToken(std::string_view key, const Position& last, const LookupQuery& q);

// The position a token continues after; kInvalidNextToken when malformed, forged or issued for
// other parameters.
Result<Position> DecodeLookupToken(std::string_view key, std::string_view token,
                                   const LookupQuery& q);

}  // namespace ot::store::internal
