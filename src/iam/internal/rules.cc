#include "iam/internal/rules.h"

#include <algorithm>
#include <set>

#include "common/encoding.h"

namespace ot::iam::internal {
namespace {

// IAM's validator is Java: \w is [A-Za-z0-9_].
bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

Status LengthError(std::string_view value, std::string_view member, size_t max_len) {
  if (value.empty()) {
    return ValidationError(value, member, "Member must have length greater than or equal to 1");
  }
  return ValidationError(
      value, member, "Member must have length less than or equal to " + std::to_string(max_len));
}

}  // namespace

Status ValidationError(std::string_view value, std::string_view member, std::string_view what) {
  return Status(Error::kValidation, "1 validation error detected: Value '" + std::string(value) +
                                        "' at '" + std::string(member) +
                                        "' failed to satisfy constraint: " + std::string(what));
}

Status ValidateName(std::string_view name, std::string_view member, size_t max_len) {
  if (name.empty() || name.size() > max_len) return LengthError(name, member, max_len);
  if (!std::all_of(name.begin(), name.end(), IsNameChar)) {
    return ValidationError(name, member,
                           "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  }
  return Status::Ok();
}

Status ValidatePath(std::string_view path, std::string_view member) {
  if (path.empty() || path.size() > 512) return LengthError(path, member, 512);
  const bool chars_ok =
      std::all_of(path.begin(), path.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (!chars_ok || path.front() != '/' || path.back() != '/') {
    return ValidationError(
        path, member,
        "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+"
        "\\u002F)");
  }
  return Status::Ok();
}

Status ValidatePathPrefix(std::string_view prefix) {
  if (prefix.empty()) return Status::Ok();
  if (prefix.size() > 512) return LengthError(prefix, "pathPrefix", 512);
  const bool chars_ok = std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) <= 0x7f;
  });
  if (!chars_ok || prefix.front() != '/') {
    return ValidationError(
        prefix, "pathPrefix",
        "Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*");
  }
  return Status::Ok();
}

Status ValidateTags(const std::vector<Tag>& tags, std::string_view quota_name) {
  if (tags.size() > 50) return QuotaExceeded(quota_name, 50);
  std::set<std::string> keys;
  for (const Tag& t : tags) {
    if (t.key.empty() || t.key.size() > 128) {
      return Status(Error::kInvalidInput,
                    "The tag key '" + t.key + "' must be 1 to 128 characters long.");
    }
    if (t.value.size() > 256) {
      return Status(Error::kInvalidInput,
                    "The value of tag '" + t.key + "' must be at most 256 characters long.");
    }
    if (!keys.insert(Lower(t.key)).second) {
      return Status(Error::kInvalidInput,
                    "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }
  }
  return Status::Ok();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status QuotaExceeded(std::string_view quota, int n) {
  return Status(Error::kLimitExceeded,
                "Cannot exceed quota for " + std::string(quota) + ": " + std::to_string(n));
}

std::string RandomChars(Random& random, std::string_view alphabet, size_t n) {
  // Rejection sampling keeps every character equally likely.
  const unsigned limit = 256 - 256 % static_cast<unsigned>(alphabet.size());
  std::string out;
  out.reserve(n);
  uint8_t buf[64];
  while (out.size() < n) {
    random.Fill(buf);
    for (uint8_t b : buf) {
      if (b >= limit) continue;
      out += alphabet[b % alphabet.size()];
      if (out.size() == n) break;
    }
  }
  return out;
}

std::string NewUniqueId(Random& random, std::string_view prefix) {
  return std::string(prefix) + RandomChars(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 17);
}

Result<std::string> StartAfter(const Page& page) {
  if (page.max_items < 1) {
    return ValidationError(std::to_string(page.max_items), "maxItems",
                           "Member must have value greater than or equal to 1");
  }
  if (page.max_items > 1000) {
    return ValidationError(std::to_string(page.max_items), "maxItems",
                           "Member must have value less than or equal to 1000");
  }
  if (page.marker.empty()) return std::string();
  if (page.marker.size() > 320) {
    return ValidationError(page.marker, "marker",
                           "Member must have length less than or equal to 320");
  }
  auto key = Base64Decode(page.marker);
  if (!key || key->empty()) {
    return Status(Error::kValidation, "Invalid Marker: " + page.marker);
  }
  return *key;
}

std::string MarkerFor(std::string_view key) { return Base64UrlEncode(key); }

}  // namespace ot::iam::internal
