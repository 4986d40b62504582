#include "store/internal/lookup_token.h"

#include "common/encoding.h"
#include "crypto/hash.h"
#include "store/internal/format.h"

namespace ot::store::internal {
namespace {

constexpr char kVersion = 1;
constexpr size_t kMacBytes = 16;
constexpr size_t kTokenBytes = 1 + 8 + 8 + kMacBytes;

void PutU64(uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

void PutString(std::string_view s, std::string* out) {
  PutU64(s.size(), out);
  out->append(s);
}

void PutOptionalTime(const std::optional<SysMillis>& t, std::string* out) {
  out->push_back(t ? 1 : 0);
  PutU64(t ? static_cast<uint64_t>(t->time_since_epoch().count()) : 0, out);
}

// The token body (version + position) followed by everything the token is bound to.
std::string MacInput(std::string_view body, const LookupQuery& q) {
  std::string in = "opentrail/lookup-token";
  in.append(body);
  PutString(q.region, &in);
  in.push_back(q.key ? static_cast<char>(*q.key) : static_cast<char>(-1));
  PutString(q.value, &in);
  PutOptionalTime(q.start_time, &in);
  PutOptionalTime(q.end_time, &in);
  in.push_back(q.insights ? 1 : 0);
  return in;
}

Status Invalid() { return Status(Error::kInvalidNextToken, "Invalid NextToken."); }

}  // namespace

std::string EncodeLookupToken(std::string_view key, const Position& last, const LookupQuery& q) {
  std::string token(1, kVersion);
  PutU64(static_cast<uint64_t>(last.time_ms), &token);
  PutU64(last.seq, &token);
  token.append(crypto::HmacSha256(key, MacInput(token, q)).substr(0, kMacBytes));
  return Base64UrlEncode(token);
}

Result<Position> DecodeLookupToken(std::string_view key, std::string_view token,
                                   const LookupQuery& q) {
  std::optional<std::string> raw = Base64Decode(token);
  if (!raw || raw->size() != kTokenBytes || (*raw)[0] != kVersion) return Invalid();
  std::string_view body = std::string_view(*raw).substr(0, kTokenBytes - kMacBytes);
  std::string mac = crypto::HmacSha256(key, MacInput(body, q)).substr(0, kMacBytes);
  if (!crypto::ConstantTimeEquals(mac, std::string_view(*raw).substr(body.size()))) {
    return Invalid();
  }
  return Position{static_cast<int64_t>(LoadU64(body.data() + 1)), LoadU64(body.data() + 9)};
}

}  // namespace ot::store::internal
