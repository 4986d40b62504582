#pragma once

// Helpers shared by the CloudWatch Logs handlers (logs_*.cc).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/handlers/operation.h"
#include "monitor/log_store.h"

namespace ot::api::handlers::logs {

// The log store, or kInternal when the server runs without one.
Result<monitor::LogStore*> Store(const Services& services);

// Typed members of a Logs request. Unlike CloudTrail's, the Logs API reports a missing or
// out-of-range member as InvalidParameterException ("1 validation error detected: …"); a
// member of the wrong JSON type is a SerializationException.
class Input {
 public:
  explicit Input(JsonValue root) : root_(root), members_(root, "") {}
  Result<std::string> ReqString(std::string_view name) const;
  Result<std::optional<std::string>> OptString(std::string_view name) const;
  Result<std::optional<int64_t>> OptLong(std::string_view name) const;
  Result<std::optional<bool>> OptBool(std::string_view name) const;
  // `limit`-like members: absent → `fallback`; outside [min, max] → InvalidParameterException.
  Result<size_t> Limit(std::string_view name, size_t min, size_t max, size_t fallback) const;
  Result<std::optional<std::vector<JsonValue>>> OptList(std::string_view name) const;
  // A map of strings (tags).
  Result<std::map<std::string, std::string>> OptStringMap(std::string_view name) const;
  // A list of strings.
  Result<std::vector<std::string>> OptStringList(std::string_view name) const;

 private:
  JsonValue root_;
  Members members_;
};

// "1 validation error detected: Value null at 'X' failed to satisfy constraint: Member must not
// be null".
Status Missing(std::string_view member);

// The record's resources entry for a log group.
std::vector<events::Resource> GroupResource(const Services& services, const CallContext& ctx,
                                            std::string_view group);

}  // namespace ot::api::handlers::logs
