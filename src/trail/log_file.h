#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"

namespace ot::trail {

// Where one delivered log file goes (records.md §2):
// [prefix/]AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//   <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz
// `prefix` is the trail's S3KeyPrefix (leading and trailing '/' are dropped; empty → no segment);
// date folders and the timestamp are the UTC delivery time; `unique` is 16 chars [A-Za-z0-9].
struct LogFileName {
  std::string prefix;
  std::string organization_id;  // "o-…" for organization trails, else empty
  std::string account_id;
  std::string region;
  SysMillis delivery_time{};
  std::string unique;
};
std::string LogFileKey(const LogFileName& name);

// 16 characters from [A-Za-z0-9], as CloudTrail's file-name suffix.
std::string LogFileUnique(Random& random);

// The object body: one gzip member holding {"Records":[r1,r2,…]} (compact, records as given).
// With `sha256_hex`, also the SHA-256 of those inflated bytes (a digest's hashValue).
std::string BuildLogFile(const std::vector<std::string_view>& records, int gzip_level = 6,
                         std::string* sha256_hex = nullptr);

}  // namespace ot::trail
