#include "api/protocol/query.h"

#include "common/encoding.h"
#include "common/json_writer.h"

namespace ot::api {

QueryParams QueryParams::Parse(std::string_view form) {
  QueryParams out;
  size_t pos = 0;
  while (pos <= form.size()) {
    size_t amp = form.find('&', pos);
    if (amp == std::string_view::npos) amp = form.size();
    std::string_view item = form.substr(pos, amp - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      std::string_view key = item.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
      out.params_.emplace_back(ToValidUtf8(UriDecode(key, true)),
                               ToValidUtf8(UriDecode(value, true)));
    }
    pos = amp + 1;
  }
  return out;
}

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string QueryParams::ToRequestParametersJson() const {
  JsonWriter w;
  bool any = false;
  w.BeginObject();
  for (const auto& [k, v] : params_) {
    if (k == "Action" || k == "Version") continue;
    std::string key = k;
    if (!key.empty() && key[0] >= 'A' && key[0] <= 'Z') key[0] += 'a' - 'A';
    w.Key(key).String(v);
    any = true;
  }
  w.EndObject();
  return any ? w.Take() : "null";
}

}  // namespace ot::api
