#include "api/handlers/operation.h"
#include "api/protocol/reply.h"

namespace ot::api::handlers {

// STS GetCallerIdentity: needs no permission and cannot be denied (protocols.md §4).
Result<Outcome> GetCallerIdentity(const Services&, const CallContext& ctx, const QueryParams&) {
  const auth::Principal& p = ctx.caller.principal;
  Outcome out;
  out.body = "    <Arn>" + XmlEscape(p.arn) + "</Arn>\n    <UserId>" + XmlEscape(p.principal_id) +
             "</UserId>\n    <Account>" + XmlEscape(p.account_id) + "</Account>\n";
  return out;
}

}  // namespace ot::api::handlers
