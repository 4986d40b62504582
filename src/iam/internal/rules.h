#pragma once

// IAM's name, path, tag and paging rules (iam.md §1, §2) and identifier generation, shared by
// the registry's operations.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "iam/iam.h"

namespace ot::iam::internal {

// "1 validation error detected: Value 'v' at 'member' failed to satisfy constraint: <what>".
Status ValidationError(std::string_view value, std::string_view member, std::string_view what);

// [\w+=,.@-]+ of 1..max_len characters (user names 64, everything else 128).
Status ValidateName(std::string_view name, std::string_view member, size_t max_len);
// "/" or "/…/" of 1..512 characters U+0021..U+007E.
Status ValidatePath(std::string_view path, std::string_view member = "path");
// "/" followed by U+0021..U+007F, 1..512 characters; empty means "/" and is accepted.
Status ValidatePathPrefix(std::string_view prefix);
// ≤ 50 tags (else LimitExceeded "Cannot exceed quota for <quota_name>: 50"), keys 1..128 and
// unique case-insensitively, values ≤ 256 (else InvalidInput).
Status ValidateTags(const std::vector<Tag>& tags, std::string_view quota_name);

std::string Lower(std::string_view s);

// "Cannot exceed quota for <quota>: <n>".
Status QuotaExceeded(std::string_view quota, int n);

// `n` characters from `alphabet`, uniformly, from `random`.
std::string RandomChars(Random& random, std::string_view alphabet, size_t n);
// Unique ids: the 4-letter prefix + 17 of [A-Z0-9] (AIDA…, AGPA…, ANPA…).
std::string NewUniqueId(Random& random, std::string_view prefix);

// Checks MaxItems (1..1000) and decodes the marker into the sort key to start after ("" = from
// the start). Markers are base64url of the last key returned.
Result<std::string> StartAfter(const Page& page);
std::string MarkerFor(std::string_view key);

// One page of `sorted` (ascending by key) after `start_after`.
template <typename T>
Listed<T> TakePage(std::vector<std::pair<std::string, T>> sorted, std::string_view start_after,
                   int max_items) {
  Listed<T> out;
  size_t i = 0;
  if (!start_after.empty()) {
    while (i < sorted.size() && sorted[i].first <= start_after) ++i;
  }
  for (; i < sorted.size(); ++i) {
    if (out.items.size() == static_cast<size_t>(max_items)) {
      out.marker = MarkerFor(sorted[i - 1].first);
      break;
    }
    out.items.push_back(std::move(sorted[i].second));
  }
  return out;
}

}  // namespace ot::iam::internal
