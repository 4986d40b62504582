// AddTags, RemoveTags, ListTags on trails (api.md §7).

#include "api/handlers/operation.h"
#include "api/handlers/trail_util.h"
#include "common/json_writer.h"

namespace ot::api::handlers {
namespace {

constexpr size_t kMaxListTagsResources = 20;

Result<Outcome> ChangeTags(const Services& services, const CallContext& ctx, JsonValue input,
                           bool add) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, internal::Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string resource, in.ReqString("ResourceId"));
  OT_ASSIGN_OR_RETURN(auto list, in.OptList("TagsList"));
  if (!list) return Status(Error::kValidation, "TagsList is required.");
  OT_ASSIGN_OR_RETURN(std::vector<trail::Tag> tags, internal::ReadTags(in, "TagsList"));
  OT_ASSIGN_OR_RETURN(trail::Trail t, add ? trails->AddTags(resource, ctx.caller.region, tags)
                                          : trails->RemoveTags(resource, ctx.caller.region, tags));
  Outcome out;
  out.body = "{}";
  out.resources = internal::TrailResource(t);
  return out;
}

}  // namespace

Result<Outcome> AddTags(const Services& services, const CallContext& ctx, JsonValue input) {
  return ChangeTags(services, ctx, input, true);
}

Result<Outcome> RemoveTags(const Services& services, const CallContext& ctx, JsonValue input) {
  return ChangeTags(services, ctx, input, false);
}

Result<Outcome> ListTags(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, internal::Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto ids, in.OptList("ResourceIdList"));
  if (!ids) return Status(Error::kValidation, "ResourceIdList is required.");
  if (ids->size() > kMaxListTagsResources) {
    return Status(Error::kInvalidParameterValue, "ResourceIdList can name at most 20 resources; " +
                                                     std::to_string(ids->size()) + " were given.");
  }
  std::vector<trail::Trail> found;
  for (size_t i = 0; i < ids->size(); ++i) {
    if (!(*ids)[i].is_string()) {
      return Status(Error::kSerialization, "Expected string for member 'ResourceIdList[" +
                                               std::to_string(i) + "]' but found " +
                                               std::string(JsonTypeName((*ids)[i].type())));
    }
    OT_ASSIGN_OR_RETURN(trail::Trail t, trails->TagsOf((*ids)[i].AsString(), ctx.caller.region));
    found.push_back(std::move(t));
  }
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("ResourceTagList").BeginArray();
  for (const trail::Trail& t : found) {
    w.BeginObject().Key("ResourceId").String(t.arn).Key("TagsList");
    internal::WriteTags(t.tags, w);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

}  // namespace ot::api::handlers
