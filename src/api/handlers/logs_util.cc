#include "api/handlers/logs_util.h"

namespace ot::api::handlers::logs {

Result<monitor::LogStore*> Store(const Services& services) {
  if (services.logs == nullptr) return Status(Error::kInternal, "no log store");
  return services.logs;
}

Status Missing(std::string_view member) {
  return Status(Error::kInvalidParameter, "1 validation error detected: Value null at '" +
                                              std::string(member) +
                                              "' failed to satisfy constraint: Member must not "
                                              "be null");
}

Result<std::string> Input::ReqString(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto v, members_.OptString(name));
  if (!v) return Missing(name);
  return std::move(*v);
}

Result<std::optional<std::string>> Input::OptString(std::string_view name) const {
  return members_.OptString(name);
}

Result<std::optional<int64_t>> Input::OptLong(std::string_view name) const {
  return members_.OptInt(name);
}

Result<std::optional<bool>> Input::OptBool(std::string_view name) const {
  return members_.OptBool(name);
}

Result<size_t> Input::Limit(std::string_view name, size_t min, size_t max, size_t fallback) const {
  OT_ASSIGN_OR_RETURN(auto v, members_.OptInt(name));
  if (!v) return fallback;
  if (*v < static_cast<int64_t>(min)) {
    return Status(Error::kInvalidParameter,
                  "1 validation error detected: Value '" + std::to_string(*v) + "' at '" +
                      std::string(name) +
                      "' failed to satisfy constraint: Member must have value greater than or "
                      "equal to " +
                      std::to_string(min));
  }
  if (*v > static_cast<int64_t>(max)) {
    return Status(Error::kInvalidParameter,
                  "1 validation error detected: Value '" + std::to_string(*v) + "' at '" +
                      std::string(name) +
                      "' failed to satisfy constraint: Member must have value less than or "
                      "equal to " +
                      std::to_string(max));
  }
  return static_cast<size_t>(*v);
}

Result<std::optional<std::vector<JsonValue>>> Input::OptList(std::string_view name) const {
  return members_.OptList(name);
}

Result<std::map<std::string, std::string>> Input::OptStringMap(std::string_view name) const {
  std::map<std::string, std::string> out;
  std::optional<JsonValue> v = root_.Get(name);
  if (!v || v->is_null()) return out;
  if (!v->is_object()) {
    return Status(Error::kSerialization, "Expected an object for '" + std::string(name) + "'.");
  }
  for (const auto& [k, val] : v->Members()) {
    if (!val.is_string()) {
      return Status(Error::kSerialization,
                    "Expected a string for '" + std::string(name) + "." + std::string(k) + "'.");
    }
    out[std::string(k)] = std::string(val.AsString());
  }
  return out;
}

Result<std::vector<std::string>> Input::OptStringList(std::string_view name) const {
  std::vector<std::string> out;
  OT_ASSIGN_OR_RETURN(auto list, members_.OptList(name));
  for (const JsonValue& item : list.value_or(std::vector<JsonValue>{})) {
    if (!item.is_string()) {
      return Status(Error::kSerialization,
                    "Expected a list of strings for '" + std::string(name) + "'.");
    }
    out.emplace_back(item.AsString());
  }
  return out;
}

std::vector<events::Resource> GroupResource(const Services& services, const CallContext& ctx,
                                            std::string_view group) {
  events::Resource r;
  r.arn = "arn:aws:logs:" + ctx.caller.region + ":" + services.account_id +
          ":log-group:" + std::string(group);
  r.account_id = services.account_id;
  r.type = "AWS::Logs::LogGroup";
  r.has_arn = r.has_account_id = r.has_type = true;
  return {r};
}

}  // namespace ot::api::handlers::logs
