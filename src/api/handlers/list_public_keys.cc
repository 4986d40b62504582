// ListPublicKeys (api.md, digest.md §5): the digest-signing public keys of the caller's region
// whose validity window intersects [StartTime, EndTime] (both default to now).

#include "api/handlers/operation.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "trail/signing_keys.h"

namespace ot::api::handlers {

Result<Outcome> ListPublicKeys(const Services& services, const CallContext& ctx, JsonValue input) {
  if (services.signing_keys == nullptr) {
    return Status(Error::kInternal, "digest signing keys are not configured");
  }
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto start, in.OptTimestampMillis("StartTime"));
  OT_ASSIGN_OR_RETURN(auto end, in.OptTimestampMillis("EndTime"));
  OT_ASSIGN_OR_RETURN(auto token, in.OptString("NextToken"));  // reserved: one page holds all
  const SysMillis from = start ? SysMillis(std::chrono::milliseconds(*start)) : ctx.now;
  const SysMillis to = end ? SysMillis(std::chrono::milliseconds(*end)) : ctx.now;
  if (from > to) {
    return Status(Error::kInvalidTimeRange, "StartTime " + FormatIso8601(from) +
                                                " is after EndTime " + FormatIso8601(to) + ".");
  }
  OT_ASSIGN_OR_RETURN(auto keys, services.signing_keys->List(ctx.caller.region, from, to));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("PublicKeyList").BeginArray();
  for (const trail::PublicKeyInfo& k : keys) {
    w.BeginObject();
    w.Key("Value").String(Base64Encode(k.der));
    w.Key("ValidityStartTime").Number(FormatEpochSeconds(k.valid_from));
    w.Key("ValidityEndTime").Number(FormatEpochSeconds(k.valid_to));
    w.Key("Fingerprint").String(k.fingerprint);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

}  // namespace ot::api::handlers
