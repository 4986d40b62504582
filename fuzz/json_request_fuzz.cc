// Fuzzes what the server does with a request body before any handler logic: JSON 1.1 parsing,
// typed member access with AWS errors, the lower-camel requestParameters copy, and Query form
// decoding. Nothing may crash; every produced JSON text must parse again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/protocol/json_value.h"
#include "api/protocol/query.h"

namespace {

void Walk(const ot::api::JsonValue& v, int depth) {
  if (depth > 64) return;
  ot::api::Members m(v, "root");
  (void)m.OptString("Name");
  (void)m.OptInt("MaxResults");
  (void)m.OptBool("IsLogging");
  (void)m.OptTimestampMillis("StartTime");
  (void)m.OptList("LookupAttributes");
  for (const auto& [key, child] : v.Members()) Walk(child, depth + 1);
  for (const auto& item : v.Items()) Walk(item, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ot::api::JsonDocument::Parse(text);
  if (doc.ok()) {
    ot::api::JsonValue root = (*doc)->root();
    Walk(root, 0);
    std::string lowered = ot::api::LowerCamelJson(root);
    OT_CHECK(ot::api::JsonDocument::Parse(lowered).ok());
    OT_CHECK(ot::api::JsonDocument::Parse(root.Minified()).ok());
  }
  ot::api::QueryParams params = ot::api::QueryParams::Parse(text);
  OT_CHECK(ot::api::JsonDocument::Parse(params.ToRequestParametersJson()).ok());
  return 0;
}
