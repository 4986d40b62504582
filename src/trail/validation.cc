#include "trail/validation.h"

#include <vector>

namespace ot::trail {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// ^\d{1,3}(\.\d{1,3}){3}$
bool LooksLikeIpv4(std::string_view s) {
  int groups = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == start || i - start > 3) return false;
    ++groups;
    if (i == s.size()) return groups == 4;
    if (s[i] != '.' || groups == 4) return false;
    ++i;
  }
}

std::vector<std::string_view> Split(std::string_view s, char sep, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    size_t p = s.find(sep);
    if (p == std::string_view::npos) break;
    parts.push_back(s.substr(0, p));
    s = s.substr(p + 1);
  }
  parts.push_back(s);
  return parts;
}

bool IsRegion(std::string_view r) {
  if (r.empty()) return false;
  for (char c : r) {
    if (!((c >= 'a' && c <= 'z') || IsDigit(c) || c == '-')) return false;
  }
  return true;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

bool IsAliasName(std::string_view s) {  // after "alias/"
  if (s.empty() || s.size() > 250) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '/' && c != '_' && c != '-') return false;
  }
  return true;
}

// arn:<partition>:<service>:<region>:<account>:<resource>; region may be empty when allowed.
bool ArnParts(std::string_view arn, std::string_view service, bool region_required,
              std::string_view* region, std::string_view* resource) {
  auto parts = Split(arn, ':', 6);
  if (parts.size() != 6 || parts[0] != "arn" || !IsPartition(parts[1]) || parts[2] != service) {
    return false;
  }
  if (region_required ? !IsRegion(parts[3]) : !parts[3].empty()) return false;
  if (!IsAccountId(parts[4])) return false;
  *region = parts[3];
  *resource = parts[5];
  return true;
}

}  // namespace

bool IsPartition(std::string_view p) { return p == "aws" || p == "aws-cn" || p == "aws-us-gov"; }

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

Status ValidateTrailName(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return Status(Error::kInvalidTrailName,
                  "Trail name " + std::string(name) + " is not valid: " + std::string(why));
  };
  if (name.size() < 3 || name.size() > 128) return bad("it must be 3 to 128 characters long.");
  for (char c : name) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') {
      return bad("use only letters, digits, periods, underscores and dashes.");
    }
  }
  if (!IsAlnum(name.front()) || !IsAlnum(name.back())) {
    return bad("it must start and end with a letter or digit.");
  }
  for (size_t i = 1; i < name.size(); ++i) {
    if (!IsAlnum(name[i]) && !IsAlnum(name[i - 1])) {
      return bad("it must not have adjacent periods, underscores or dashes.");
    }
  }
  if (LooksLikeIpv4(name)) return bad("it must not look like an IP address.");
  return Status::Ok();
}

Status ValidateBucketName(std::string_view b) {
  auto bad = [&](std::string_view why) {
    return Status(Error::kInvalidS3BucketName,
                  "Bucket name " + std::string(b) + " is not valid: " + std::string(why));
  };
  if (b.size() < 3 || b.size() > 63) return bad("it must be 3 to 63 characters long.");
  for (char c : b) {
    if (!((c >= 'a' && c <= 'z') || IsDigit(c) || c == '.' || c == '-')) {
      return bad("use only lowercase letters, digits, periods and dashes.");
    }
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || IsDigit(c); };
  if (!alnum(b.front()) || !alnum(b.back())) {
    return bad("it must start and end with a letter or digit.");
  }
  if (b.find("..") != std::string_view::npos || b.find(".-") != std::string_view::npos ||
      b.find("-.") != std::string_view::npos) {
    return bad("periods must not be adjacent to periods or dashes.");
  }
  if (LooksLikeIpv4(b)) return bad("it must not be formatted as an IP address.");
  return Status::Ok();
}

Status ValidateS3Prefix(std::string_view prefix) {
  if (prefix.size() > 200) {
    return Status(Error::kInvalidS3Prefix, "S3KeyPrefix is longer than 200 characters.");
  }
  return Status::Ok();
}

Status ValidateSnsTopic(std::string_view topic) {
  Status bad(Error::kInvalidSnsTopicName, "SNS topic " + std::string(topic) + " is not valid.");
  if (topic.empty() || topic.size() > 256) return bad;
  std::string_view name = topic;
  if (topic.substr(0, 4) == "arn:") {
    std::string_view region, resource;
    if (!ArnParts(topic, "sns", true, &region, &resource)) return bad;
    name = resource;
  }
  if (name.empty()) return bad;
  for (char c : name) {
    if (!IsAlnum(c) && c != '_' && c != '-' && c != '.') return bad;
  }
  return Status::Ok();
}

Status ValidateKmsKeyId(std::string_view id) {
  Status bad(Error::kInvalidKmsKeyId, "KMS key " + std::string(id) + " is not valid.");
  if (id.substr(0, 6) == "alias/") return IsAliasName(id.substr(6)) ? Status::Ok() : bad;
  if (IsUuid(id)) return Status::Ok();
  std::string_view region, resource;
  if (!ArnParts(id, "kms", true, &region, &resource)) return bad;
  if (resource.substr(0, 4) == "key/" && IsUuid(resource.substr(4))) return Status::Ok();
  if (resource.substr(0, 6) == "alias/" && IsAliasName(resource.substr(6))) return Status::Ok();
  return bad;
}

Status ValidateLogGroupArn(std::string_view arn) {
  Status bad(Error::kInvalidCloudWatchLogsLogGroupArn,
             "CloudWatch Logs log group ARN " + std::string(arn) + " is not valid.");
  std::string_view region, resource;
  if (!ArnParts(arn, "logs", true, &region, &resource)) return bad;
  if (resource.substr(0, 10) != "log-group:" || resource.size() < 13 ||
      resource.substr(resource.size() - 2) != ":*") {
    return bad;
  }
  return Status::Ok();
}

Status ValidateCloudWatchRoleArn(std::string_view arn) {
  Status bad(Error::kInvalidCloudWatchLogsRoleArn,
             "CloudWatch Logs role ARN " + std::string(arn) + " is not valid.");
  std::string_view region, resource;
  if (!ArnParts(arn, "iam", false, &region, &resource)) return bad;
  if (resource.substr(0, 5) != "role/" || resource.size() == 5) return bad;
  return Status::Ok();
}

Result<TrailArn> ParseTrailArn(std::string_view arn) {
  Status bad(Error::kCloudTrailARNInvalid,
             "ARN " + std::string(arn) +
                 " is not valid: use arn:aws:cloudtrail:<region>:<account>:trail/<name>.");
  std::string_view region, resource;
  if (!ArnParts(arn, "cloudtrail", true, &region, &resource)) return bad;
  if (resource.substr(0, 6) != "trail/") return bad;
  std::string_view name = resource.substr(6);
  if (!ValidateTrailName(name).ok()) return bad;
  auto parts = Split(arn, ':', 6);
  return TrailArn{std::string(parts[1]), std::string(region), std::string(parts[4]),
                  std::string(name)};
}

std::string MakeTrailArn(std::string_view region, std::string_view account_id,
                         std::string_view name) {
  return "arn:aws:cloudtrail:" + std::string(region) + ":" + std::string(account_id) + ":trail/" +
         std::string(name);
}

std::string KmsKeyArn(std::string_view id, std::string_view region, std::string_view account) {
  if (id.substr(0, 4) == "arn:") return std::string(id);
  std::string base = "arn:aws:kms:" + std::string(region) + ":" + std::string(account) + ":";
  return id.substr(0, 6) == "alias/" ? base + std::string(id) : base + "key/" + std::string(id);
}

std::string SnsTopicArn(std::string_view topic, std::string_view region, std::string_view account) {
  if (topic.substr(0, 4) == "arn:") return std::string(topic);
  return "arn:aws:sns:" + std::string(region) + ":" + std::string(account) + ":" +
         std::string(topic);
}

}  // namespace ot::trail
