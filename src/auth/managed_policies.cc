// The AWS managed policies of iam.md §5, written from the spec's description of their content
// (statement order and actions as described; Sids are ours).
#include "auth/managed_policies.h"

namespace ot::auth {
namespace {

constexpr std::string_view kFullAccessDocument = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "SNSTopicsForCloudTrail",
      "Effect": "Allow",
      "Action": ["sns:AddPermission", "sns:CreateTopic", "sns:SetTopicAttributes",
                 "sns:GetTopicAttributes"],
      "Resource": "arn:aws:sns:*:*:aws-cloudtrail-logs*"
    },
    {
      "Sid": "SNSListTopics",
      "Effect": "Allow",
      "Action": "sns:ListTopics",
      "Resource": "*"
    },
    {
      "Sid": "S3BucketsForCloudTrail",
      "Effect": "Allow",
      "Action": ["s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock"],
      "Resource": "arn:aws:s3:::aws-cloudtrail-logs*"
    },
    {
      "Sid": "S3ListAndLocate",
      "Effect": "Allow",
      "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"],
      "Resource": "*"
    },
    {
      "Sid": "CloudTrailEverything",
      "Effect": "Allow",
      "Action": "cloudtrail:*",
      "Resource": "*"
    },
    {
      "Sid": "LogGroupsForCloudTrail",
      "Effect": "Allow",
      "Action": "logs:CreateLogGroup",
      "Resource": "arn:aws:logs:*:*:log-group:aws-cloudtrail-logs*"
    },
    {
      "Sid": "IAMReadRolesAndUser",
      "Effect": "Allow",
      "Action": ["iam:ListRoles", "iam:GetRolePolicy", "iam:GetUser"],
      "Resource": "*"
    },
    {
      "Sid": "IAMPassRoleToCloudTrail",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "*",
      "Condition": {"StringEquals": {"iam:PassedToService": "cloudtrail.amazonaws.com"}}
    },
    {
      "Sid": "KMSKeysForCloudTrail",
      "Effect": "Allow",
      "Action": ["kms:CreateKey", "kms:CreateAlias", "kms:ListKeys", "kms:ListAliases"],
      "Resource": "*"
    },
    {
      "Sid": "LambdaListFunctions",
      "Effect": "Allow",
      "Action": "lambda:ListFunctions",
      "Resource": "*"
    },
    {
      "Sid": "DynamoDBListTables",
      "Effect": "Allow",
      "Action": ["dynamodb:ListGlobalTables", "dynamodb:ListTables"],
      "Resource": "*"
    }
  ]
})";

constexpr std::string_view kReadOnlyDocument = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["cloudtrail:Get*", "cloudtrail:Describe*", "cloudtrail:List*",
                 "cloudtrail:LookupEvents"],
      "Resource": "*"
    }
  ]
})";

// The bootstrap administrator's policy: everything, everywhere.
constexpr std::string_view kAdministratorDocument = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
})";

// Sorted by name (ListPolicies order).
constexpr ManagedPolicy kPolicies[] = {
    {
        .name = "AWSCloudTrail_FullAccess",
        .arn = "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess",
        .path = "/",
        .policy_id = "ANPAOTCLOUDTRAILFULL1",
        .description = "Provides full access to AWS CloudTrail.",
        .default_version_id = "v3",
        .create_date = "2020-10-08T00:00:00Z",
        .update_date = "2021-02-22T00:00:00Z",
        .document = kFullAccessDocument,
    },
    {
        .name = "AWSCloudTrail_ReadOnlyAccess",
        .arn = "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess",
        .path = "/",
        .policy_id = "ANPAOTCLOUDTRAILREAD1",
        .description = "Provides read only access to AWS CloudTrail.",
        .default_version_id = "v1",
        .create_date = "2022-06-14T17:19:05Z",
        .update_date = "2022-06-14T17:19:05Z",
        .document = kReadOnlyDocument,
    },
    {
        .name = "AdministratorAccess",
        .arn = "arn:aws:iam::aws:policy/AdministratorAccess",
        .path = "/",
        .policy_id = "ANPAOTADMINISTRATOR01",
        .description = "Provides full access to AWS services and resources.",
        .default_version_id = "v1",
        .create_date = "2015-02-06T18:39:46Z",
        .update_date = "2015-02-06T18:39:46Z",
        .document = kAdministratorDocument,
    },
};

}  // namespace

std::span<const ManagedPolicy> AwsManagedPolicies() { return kPolicies; }

const ManagedPolicy* FindAwsManagedPolicy(std::string_view arn) {
  for (const ManagedPolicy& p : kPolicies) {
    if (p.arn == arn) return &p;
  }
  return nullptr;
}

}  // namespace ot::auth
