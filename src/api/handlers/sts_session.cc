// STS GetSessionToken (protocols.md §4): temporary credentials for the calling IAM user, with
// MFA when SerialNumber and TokenCode are given. Needs no IAM permission. A read-only call: its
// record has no responseElements (records.md §4), so the secret leaves the server only in the
// reply; query.cc keeps the MFA code out of requestParameters.

#include <chrono>

#include "api/handlers/iam_operations.h"
#include "api/handlers/iam_util.h"

namespace ot::api::handlers {

using internal::Validator;
using internal::Xml;

Result<Outcome> GetSessionToken(const Services& services, const CallContext& ctx,
                                const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, internal::Iam(services));
  Validator v;
  std::optional<long long> seconds =
      v.Integer("durationSeconds", params.Get("DurationSeconds"), 900, 129600);
  std::optional<std::string_view> serial = params.Get("SerialNumber");
  if (serial) v.Length("serialNumber", *serial, 9, 256);
  std::optional<std::string_view> code = params.Get("TokenCode");
  if (code) v.Code("tokenCode", code);
  OT_RETURN_IF_ERROR(v.Done());
  std::optional<std::chrono::seconds> duration;
  if (seconds) duration = std::chrono::seconds(*seconds);
  OT_ASSIGN_OR_RETURN(iam::SessionCredentials creds,
                      registry->GetSessionToken(ctx.caller.principal, duration, serial, code));
  Xml x;
  x.Open("Credentials");
  x.Leaf("AccessKeyId", creds.access_key_id).Leaf("SecretAccessKey", creds.secret_access_key);
  x.Leaf("SessionToken", creds.session_token);
  x.Leaf("Expiration", internal::IamTime(creds.expiration));
  x.Close("Credentials");
  Outcome out;
  out.body = x.Take();
  return out;
}

}  // namespace ot::api::handlers
