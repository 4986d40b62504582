// Fuzzes the LookupEvents NextToken decoder: any client-supplied text must be rejected cleanly
// unless it is a token this key issued for these parameters, and issued tokens must decode to
// the position they carry.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "store/internal/lookup_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ot::store::LookupKey;
  using ot::store::LookupQuery;
  const std::string key(32, 'k');
  std::string_view text(reinterpret_cast<const char*>(data), size);

  LookupQuery q;
  q.region = "us-east-1";
  q.key = LookupKey::kEventName;
  q.value = "ConsoleLogin";
  auto decoded = ot::store::internal::DecodeLookupToken(key, text, q);
  if (decoded.ok()) {
    // Only a token encoded with our key can pass; re-encoding must reproduce it.
    OT_CHECK(ot::store::internal::EncodeLookupToken(key, *decoded, q) == text);
  }

  // Round trip: a position made from the input decodes back to itself, and only for `q`.
  ot::store::internal::Position pos{};
  if (size >= 16) {
    std::memcpy(&pos.time_ms, data, 8);
    std::memcpy(&pos.seq, data + 8, 8);
  }
  std::string token = ot::store::internal::EncodeLookupToken(key, pos, q);
  auto back = ot::store::internal::DecodeLookupToken(key, token, q);
  OT_CHECK(back.ok() && back->time_ms == pos.time_ms && back->seq == pos.seq);
  LookupQuery other = q;
  other.value = "ConsoleLogout";
  OT_CHECK(!ot::store::internal::DecodeLookupToken(key, token, other).ok());
  return 0;
}
