#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ot::api {

// The decoded parameters of an AWS Query request (form body or URL query string), in order.
class QueryParams {
 public:
  // Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte); ill-formed
  // UTF-8 in names and values becomes U+FFFD, so they can go into JSON records as they are.
  static QueryParams Parse(std::string_view form);

  std::optional<std::string_view> Get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return params_; }
  // The parameters as a JSON object with lower-camel keys (CloudTrail's requestParameters for
  // Query calls), leaving out Action and Version; "null" when nothing else was sent.
  std::string ToRequestParametersJson() const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace ot::api
