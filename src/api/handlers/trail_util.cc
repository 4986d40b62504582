#include "api/handlers/trail_util.h"

#include "common/json_writer.h"

namespace ot::api::handlers::internal {

Result<trail::TrailRegistry*> Trails(const Services& services) {
  if (services.trails == nullptr) {
    return Status(Error::kInternal, "the trail registry is not configured");
  }
  return services.trails;
}

Result<std::vector<trail::Tag>> ReadTags(const Members& in, std::string_view member) {
  std::vector<trail::Tag> tags;
  OT_ASSIGN_OR_RETURN(auto list, in.OptList(member));
  if (!list) return tags;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string path = in.PathOf(member) + "[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) {
      return Status(Error::kSerialization, "Expected structure for member '" + path +
                                               "' but found " +
                                               std::string(JsonTypeName((*list)[i].type())));
    }
    Members tag((*list)[i], path);
    OT_ASSIGN_OR_RETURN(auto key, tag.OptString("Key"));
    OT_ASSIGN_OR_RETURN(auto value, tag.OptString("Value"));
    if (!key) {
      return Status(Error::kInvalidTagParameter, path + ".Key is required.");
    }
    tags.push_back(trail::Tag{std::move(*key), std::move(value)});
  }
  return tags;
}

std::string ResponseElements(std::string_view body) {
  auto doc = JsonDocument::Parse(body);
  if (!doc.ok()) return "";
  return LowerCamelJson((*doc)->root());
}

std::vector<events::Resource> TrailResource(const trail::Trail& t) {
  events::Resource r;
  r.arn = t.arn;
  r.account_id = t.account_id;
  r.type = "AWS::CloudTrail::Trail";
  r.has_arn = r.has_account_id = r.has_type = true;
  return {r};
}

void WriteTags(const std::vector<trail::Tag>& tags, JsonWriter& w) {
  w.BeginArray();
  for (const trail::Tag& tag : tags) {
    w.BeginObject().Key("Key").String(tag.key);
    if (tag.value) w.Key("Value").String(*tag.value);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace ot::api::handlers::internal
