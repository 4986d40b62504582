// PutEventSelectors, GetEventSelectors (api.md §4).

#include "api/handlers/operation.h"
#include "api/handlers/trail_util.h"
#include "common/json_writer.h"

namespace ot::api::handlers {
namespace {

// The compact JSON of a list member, "" when absent or null; kSerialization when not a list.
Result<std::string> ListJson(JsonValue input, std::string_view member) {
  auto v = input.Get(member);
  if (!v || v->is_null()) return std::string();
  if (!v->is_array()) {
    return Status(Error::kSerialization, "Expected list for member '" + std::string(member) +
                                             "' but found " + std::string(JsonTypeName(v->type())));
  }
  return v->Minified();
}

std::string SelectorsBody(const trail::Trail& t) {
  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Key("TrailARN").String(t.arn);
  trail::WriteSelectors(t.selectors, w);
  w.EndObject();
  return body;
}

}  // namespace

Result<Outcome> PutEventSelectors(const Services& services, const CallContext& ctx,
                                  JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, internal::Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("TrailName"));
  OT_ASSIGN_OR_RETURN(std::string basic, ListJson(input, "EventSelectors"));
  OT_ASSIGN_OR_RETURN(std::string advanced, ListJson(input, "AdvancedEventSelectors"));
  // Address the trail first: an unknown trail is reported before bad selectors.
  OT_ASSIGN_OR_RETURN(trail::Trail found, trails->Get(name, ctx.caller.region));
  OT_ASSIGN_OR_RETURN(trail::SelectorConfig config, trail::ParseEventSelectors(basic, advanced));
  OT_ASSIGN_OR_RETURN(trail::Trail t,
                      trails->PutEventSelectors(found.arn, ctx.caller.region, std::move(config)));
  Outcome out;
  out.body = SelectorsBody(t);
  out.response_elements = internal::ResponseElements(out.body);
  out.resources = internal::TrailResource(t);
  return out;
}

Result<Outcome> GetEventSelectors(const Services& services, const CallContext& ctx,
                                  JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, internal::Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("TrailName"));
  OT_ASSIGN_OR_RETURN(trail::Trail t, trails->Get(name, ctx.caller.region));
  Outcome out;
  out.body = SelectorsBody(t);
  out.resources = internal::TrailResource(t);
  return out;
}

}  // namespace ot::api::handlers
