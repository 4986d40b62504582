#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace ot::trail {

// Field rules of api.md §2. Each returns OK or the documented exception with a message.

// 3–128 chars of A-Z a-z 0-9 . _ -, alphanumeric at both ends, no two adjacent of ._-, not an
// IPv4 look-alike → kInvalidTrailName.
Status ValidateTrailName(std::string_view name);
// S3 bucket naming: 3–63, a-z 0-9 . -, alphanumeric at both ends, not an IP → kInvalidS3BucketName.
Status ValidateBucketName(std::string_view bucket);
// ≤ 200 chars → kInvalidS3Prefix.
Status ValidateS3Prefix(std::string_view prefix);
// A topic name (1–256 of A-Z a-z 0-9 _ -) or an SNS topic ARN → kInvalidSnsTopicName.
Status ValidateSnsTopic(std::string_view topic);
// alias/X, an alias ARN, a key ARN or a key UUID → kInvalidKmsKeyId.
Status ValidateKmsKeyId(std::string_view key_id);
// arn:<partition>:logs:<region>:<12 digits>:log-group:<name>:* → kInvalidCloudWatchLogsLogGroupArn.
Status ValidateLogGroupArn(std::string_view arn);
// arn:<partition>:iam::<12 digits>:role/<name> → kInvalidCloudWatchLogsRoleArn.
Status ValidateCloudWatchRoleArn(std::string_view arn);

bool IsPartition(std::string_view p);  // aws, aws-cn, aws-us-gov
bool IsAccountId(std::string_view s);  // 12 digits

// A parsed trail ARN: arn:<partition>:cloudtrail:<region>:<12 digits>:trail/<name>.
struct TrailArn {
  std::string partition, region, account_id, name;
};
// kCloudTrailARNInvalid when `arn` is not a trail ARN (wrong service or resource type included).
Result<TrailArn> ParseTrailArn(std::string_view arn);
std::string MakeTrailArn(std::string_view region, std::string_view account_id,
                         std::string_view name);

// The ARN form CloudTrail reports for a KMS key id / an SNS topic given by name or ARN.
std::string KmsKeyArn(std::string_view key_id, std::string_view region, std::string_view account);
std::string SnsTopicArn(std::string_view topic, std::string_view region, std::string_view account);

}  // namespace ot::trail
