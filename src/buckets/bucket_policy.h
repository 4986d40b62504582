#pragma once

// S3 bucket policies (protocols.md §5.5 PutBucketPolicy; iam.md §4.2): validation with S3's
// MalformedPolicy messages, and the questions delivery asks of a policy.

#include <string>
#include <string_view>
#include <vector>

#include "auth/policy.h"
#include "common/env.h"
#include "common/status.h"

namespace ot::buckets {

// Largest bucket policy S3 accepts, in bytes.
inline constexpr size_t kMaxBucketPolicyBytes = 20 * 1024;

// Parses and validates `json` as the policy of `bucket`. Every rejection is kMalformedPolicy
// with S3's message: "This policy contains invalid Json", "Policies must be valid JSON and the
// first byte must be '{'", "Unknown field <name>", "Missing required field Principal" (also
// Effect, Action, Resource), "Invalid effect: <e>", "Policy has invalid action", "Policy has
// invalid resource" (every resource must be this bucket or an object in it), "Invalid principal
// in policy", "Could not parse the policy: Statement is empty!", "Policy exceeds the maximum
// allowed document size.", or the policy language's own message for a bad condition.
Result<auth::Policy> ParseBucketPolicy(std::string_view bucket, std::string_view json);

// The AWS principal ARNs and account ids a policy's statements name in "Principal"/"NotPrincipal"
// (so that a caller can check that they exist, as S3 does). Assumes a policy ParseBucketPolicy
// accepted.
std::vector<std::string> PolicyPrincipalArns(std::string_view json);

// What CloudTrail presents when it writes into a bucket (the service principal's request).
struct DeliveryFacts {
  std::string source_account;  // aws:SourceAccount: the trail's account
  std::string source_arn;      // aws:SourceArn: the trail's ARN; empty when unknown
  SysMillis now{};
};

// The decision of `policy` on cloudtrail.amazonaws.com calling s3:PutObject on `key` of `bucket`
// with x-amz-acl bucket-owner-full-control over TLS (the request CloudTrail makes).
auth::Decision DeliveryDecision(const auth::Policy& policy, std::string_view bucket,
                                std::string_view key, const DeliveryFacts& facts);

}  // namespace ot::buckets
