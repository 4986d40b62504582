#pragma once

// Helpers shared by the trail handlers (trail_*.cc, event_selectors.cc, tags.cc).

#include <string>
#include <string_view>
#include <vector>

#include "api/handlers/operation.h"
#include "trail/registry.h"

namespace ot::api::handlers::internal {

// The registry, or kInternal when the server runs without one.
Result<trail::TrailRegistry*> Trails(const Services& services);

// Reads a TagsList member ([{Key*, Value}]); absent → empty.
Result<std::vector<trail::Tag>> ReadTags(const Members& in, std::string_view member);

// The record's responseElements for a JSON response body: its lower-camel form.
std::string ResponseElements(std::string_view body);

// The record's resources entry for a trail (type AWS::CloudTrail::Trail).
std::vector<events::Resource> TrailResource(const trail::Trail& t);

// Writes the tags as [{Key, Value}] (Value omitted when absent).
void WriteTags(const std::vector<trail::Tag>& tags, JsonWriter& w);

}  // namespace ot::api::handlers::internal
