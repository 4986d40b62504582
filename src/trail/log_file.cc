#include "trail/log_file.h"

#include <cstdio>

#include "common/gzip.h"
#include "common/ids.h"
#include "common/time.h"
#include "crypto/hash.h"

namespace ot::trail {

std::string LogFileKey(const LogFileName& n) {
  std::string_view prefix = n.prefix;
  while (!prefix.empty() && prefix.front() == '/') prefix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  std::string stamp = FormatAmzDate(n.delivery_time);  // YYYYMMDDTHHMMSSZ
  std::string minute = stamp.substr(0, 13) + "Z";      // YYYYMMDDTHHmmZ
  std::string key;
  if (!prefix.empty()) key += std::string(prefix) + "/";
  key += "AWSLogs/";
  if (!n.organization_id.empty()) key += n.organization_id + "/";
  key += n.account_id + "/CloudTrail/" + n.region + "/" + stamp.substr(0, 4) + "/" +
         stamp.substr(4, 2) + "/" + stamp.substr(6, 2) + "/";
  key += n.account_id + "_CloudTrail_" + n.region + "_" + minute + "_" + n.unique + ".json.gz";
  return key;
}

std::string LogFileUnique(Random& random) {
  return RandomString(random, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

std::string BuildLogFile(const std::vector<std::string_view>& records, int gzip_level,
                         std::string* sha256_hex) {
  size_t total = 16;
  for (std::string_view r : records) total += r.size() + 1;
  std::string json;
  json.reserve(total);
  json += "{\"Records\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) json += ',';
    json += records[i];
  }
  json += "]}";
  if (sha256_hex != nullptr) *sha256_hex = crypto::Sha256Hex(json);
  return GzipCompress(json, gzip_level);
}

}  // namespace ot::trail
