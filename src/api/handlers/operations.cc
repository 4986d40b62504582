#include "api/handlers/cw_util.h"
#include "api/handlers/iam_operations.h"
#include "api/handlers/kms_operations.h"
#include "api/handlers/operation.h"
#include "api/handlers/sns_operations.h"

namespace ot::api::handlers {
namespace {

constexpr std::string_view kCloudTrail = "cloudtrail.amazonaws.com";

constexpr JsonOperation kCloudTrailOperations[] = {
    {"LookupEvents", kCloudTrail, "cloudtrail:LookupEvents", true, &LookupEvents, nullptr},
    {"CreateTrail", kCloudTrail, "cloudtrail:CreateTrail", false, &CreateTrail, nullptr},
    {"UpdateTrail", kCloudTrail, "cloudtrail:UpdateTrail", false, &UpdateTrail, nullptr},
    {"DeleteTrail", kCloudTrail, "cloudtrail:DeleteTrail", false, &DeleteTrail, nullptr},
    {"GetTrail", kCloudTrail, "cloudtrail:GetTrail", true, &GetTrail, nullptr},
    {"DescribeTrails", kCloudTrail, "cloudtrail:DescribeTrails", true, &DescribeTrails, nullptr},
    {"ListTrails", kCloudTrail, "cloudtrail:ListTrails", true, &ListTrails, nullptr},
    {"GetTrailStatus", kCloudTrail, "cloudtrail:GetTrailStatus", true, &GetTrailStatus, nullptr},
    {"StartLogging", kCloudTrail, "cloudtrail:StartLogging", false, &StartLogging, nullptr},
    {"StopLogging", kCloudTrail, "cloudtrail:StopLogging", false, &StopLogging, nullptr},
    {"PutEventSelectors", kCloudTrail, "cloudtrail:PutEventSelectors", false, &PutEventSelectors,
     nullptr},
    {"GetEventSelectors", kCloudTrail, "cloudtrail:GetEventSelectors", true, &GetEventSelectors,
     nullptr},
    {"AddTags", kCloudTrail, "cloudtrail:AddTags", false, &AddTags, nullptr},
    {"RemoveTags", kCloudTrail, "cloudtrail:RemoveTags", false, &RemoveTags, nullptr},
    {"ListTags", kCloudTrail, "cloudtrail:ListTags", true, &ListTags, nullptr},
    {"ListPublicKeys", kCloudTrail, "cloudtrail:ListPublicKeys", true, &ListPublicKeys, nullptr},
};

constexpr JsonOperation kOpenTrailOperations[] = {
    // Bulk ingest of full CloudTrail records ({"Records":[…]}, optionally gzip-encoded).
    {"IngestEvents", kCloudTrail, "cloudtrail:IngestEvents", false, nullptr, &IngestEvents},
};

constexpr std::string_view kLogs = "logs.amazonaws.com";

// {name, event_source, action, read_only, handler}: CloudWatch Logs (Logs_20140328).
constexpr JsonOperation kLogsOperations[] = {
    {"CreateLogGroup", kLogs, "logs:CreateLogGroup", false, &CreateLogGroup, nullptr},
    {"DeleteLogGroup", kLogs, "logs:DeleteLogGroup", false, &DeleteLogGroup, nullptr},
    {"DescribeLogGroups", kLogs, "logs:DescribeLogGroups", true, &DescribeLogGroups, nullptr},
    {"PutRetentionPolicy", kLogs, "logs:PutRetentionPolicy", false, &PutRetentionPolicy, nullptr},
    {"DeleteRetentionPolicy", kLogs, "logs:DeleteRetentionPolicy", false, &DeleteRetentionPolicy,
     nullptr},
    {"TagLogGroup", kLogs, "logs:TagLogGroup", false, &TagLogGroup, nullptr},
    {"UntagLogGroup", kLogs, "logs:UntagLogGroup", false, &UntagLogGroup, nullptr},
    {"ListTagsLogGroup", kLogs, "logs:ListTagsLogGroup", true, &ListTagsLogGroup, nullptr},
    {"CreateLogStream", kLogs, "logs:CreateLogStream", false, &CreateLogStream, nullptr},
    {"DeleteLogStream", kLogs, "logs:DeleteLogStream", false, &DeleteLogStream, nullptr},
    {"DescribeLogStreams", kLogs, "logs:DescribeLogStreams", true, &DescribeLogStreams, nullptr},
    {"PutLogEvents", kLogs, "logs:PutLogEvents", false, &PutLogEvents, nullptr},
    {"GetLogEvents", kLogs, "logs:GetLogEvents", true, &GetLogEvents, nullptr},
    {"FilterLogEvents", kLogs, "logs:FilterLogEvents", true, &FilterLogEvents, nullptr},
    {"PutMetricFilter", kLogs, "logs:PutMetricFilter", false, &PutMetricFilter, nullptr},
    {"DescribeMetricFilters", kLogs, "logs:DescribeMetricFilters", true, &DescribeMetricFilters,
     nullptr},
    {"DeleteMetricFilter", kLogs, "logs:DeleteMetricFilter", false, &DeleteMetricFilter, nullptr},
    {"TestMetricFilter", kLogs, "logs:TestMetricFilter", true, &TestMetricFilter, nullptr},
};

constexpr std::string_view kKms = "kms.amazonaws.com";

// KMS (TrentService, protocols.md §3): records never carry plaintext or ciphertext.
constexpr JsonOperation kKmsOperations[] = {
    {"CreateKey", kKms, "kms:CreateKey", false, &KmsCreateKey, nullptr, &KmsRecordParameters},
    {"DescribeKey", kKms, "kms:DescribeKey", true, &KmsDescribeKey, nullptr, &KmsRecordParameters},
    {"ListKeys", kKms, "kms:ListKeys", true, &KmsListKeys, nullptr, &KmsRecordParameters},
    {"CreateAlias", kKms, "kms:CreateAlias", false, &KmsCreateAlias, nullptr, &KmsRecordParameters},
    {"DeleteAlias", kKms, "kms:DeleteAlias", false, &KmsDeleteAlias, nullptr, &KmsRecordParameters},
    {"ListAliases", kKms, "kms:ListAliases", true, &KmsListAliases, nullptr, &KmsRecordParameters},
    {"EnableKey", kKms, "kms:EnableKey", false, &KmsEnableKey, nullptr, &KmsRecordParameters},
    {"DisableKey", kKms, "kms:DisableKey", false, &KmsDisableKey, nullptr, &KmsRecordParameters},
    {"ScheduleKeyDeletion", kKms, "kms:ScheduleKeyDeletion", false, &KmsScheduleKeyDeletion,
     nullptr, &KmsRecordParameters},
    {"CancelKeyDeletion", kKms, "kms:CancelKeyDeletion", false, &KmsCancelKeyDeletion, nullptr,
     &KmsRecordParameters},
    {"EnableKeyRotation", kKms, "kms:EnableKeyRotation", false, &KmsEnableKeyRotation, nullptr,
     &KmsRecordParameters},
    {"DisableKeyRotation", kKms, "kms:DisableKeyRotation", false, &KmsDisableKeyRotation, nullptr,
     &KmsRecordParameters},
    {"GetKeyRotationStatus", kKms, "kms:GetKeyRotationStatus", true, &KmsGetKeyRotationStatus,
     nullptr, &KmsRecordParameters},
    // CloudTrail counts the cryptographic operations as read-only events.
    {"Encrypt", kKms, "kms:Encrypt", true, &KmsEncrypt, nullptr, &KmsRecordParameters},
    {"Decrypt", kKms, "kms:Decrypt", true, &KmsDecrypt, nullptr, &KmsRecordParameters},
    {"GenerateDataKey", kKms, "kms:GenerateDataKey", true, &KmsGenerateDataKey, nullptr,
     &KmsRecordParameters},
    {"GenerateDataKeyWithoutPlaintext", kKms, "kms:GenerateDataKeyWithoutPlaintext", true,
     &KmsGenerateDataKeyWithoutPlaintext, nullptr, &KmsRecordParameters},
};

constexpr std::string_view kMonitoring = "monitoring.amazonaws.com";

// CloudWatch over JSON 1.0 (GraniteServiceVersion20100801, protocols.md §2); the same handlers
// serve the Query protocol below.
constexpr JsonOperation kCloudWatchOperations[] = {
    {"PutMetricData", kMonitoring, "cloudwatch:PutMetricData", false,
     &cw::ViaJson<&cw::PutMetricData>, nullptr},
    {"ListMetrics", kMonitoring, "cloudwatch:ListMetrics", true, &cw::ViaJson<&cw::ListMetrics>,
     nullptr},
    {"GetMetricStatistics", kMonitoring, "cloudwatch:GetMetricStatistics", true,
     &cw::ViaJson<&cw::GetMetricStatistics>, nullptr},
    {"GetMetricData", kMonitoring, "cloudwatch:GetMetricData", true,
     &cw::ViaJson<&cw::GetMetricData>, nullptr},
    {"PutMetricAlarm", kMonitoring, "cloudwatch:PutMetricAlarm", false,
     &cw::ViaJson<&cw::PutMetricAlarm>, nullptr},
    {"DescribeAlarms", kMonitoring, "cloudwatch:DescribeAlarms", true,
     &cw::ViaJson<&cw::DescribeAlarms>, nullptr},
    {"DescribeAlarmsForMetric", kMonitoring, "cloudwatch:DescribeAlarmsForMetric", true,
     &cw::ViaJson<&cw::DescribeAlarmsForMetric>, nullptr},
    {"DeleteAlarms", kMonitoring, "cloudwatch:DeleteAlarms", false, &cw::ViaJson<&cw::DeleteAlarms>,
     nullptr},
    {"SetAlarmState", kMonitoring, "cloudwatch:SetAlarmState", false,
     &cw::ViaJson<&cw::SetAlarmState>, nullptr},
    {"DescribeAlarmHistory", kMonitoring, "cloudwatch:DescribeAlarmHistory", true,
     &cw::ViaJson<&cw::DescribeAlarmHistory>, nullptr},
    {"EnableAlarmActions", kMonitoring, "cloudwatch:EnableAlarmActions", false,
     &cw::ViaJson<&cw::EnableAlarmActions>, nullptr},
    {"DisableAlarmActions", kMonitoring, "cloudwatch:DisableAlarmActions", false,
     &cw::ViaJson<&cw::DisableAlarmActions>, nullptr},
};

constexpr std::string_view kMonitoringXmlns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

constexpr std::string_view kSts = "sts.amazonaws.com";
constexpr std::string_view kStsXmlns = "https://sts.amazonaws.com/doc/2011-06-15/";
constexpr std::string_view kIam = "iam.amazonaws.com";
constexpr std::string_view kIamXmlns = "https://iam.amazonaws.com/doc/2010-05-08/";

constexpr std::string_view kSns = "sns.amazonaws.com";
constexpr std::string_view kSnsXmlns = "http://sns.amazonaws.com/doc/2010-03-31/";

// {name, event_source, action (iam.md §4.7), xmlns, read_only, needs_authorization, handler}.
constexpr QueryOperation kQueryOperations[] = {
    {"GetCallerIdentity", kSts, "sts:GetCallerIdentity", kStsXmlns, true, false,
     &GetCallerIdentity},
    // No permission needed: it is an authentication step (iam.md §4.7).
    {"GetSessionToken", kSts, "sts:GetSessionToken", kStsXmlns, true, false, &GetSessionToken},
    {"CreateUser", kIam, "iam:CreateUser", kIamXmlns, false, true, &CreateUser},
    {"GetUser", kIam, "iam:GetUser", kIamXmlns, true, true, &GetUser},
    {"ListUsers", kIam, "iam:ListUsers", kIamXmlns, true, true, &ListUsers},
    {"DeleteUser", kIam, "iam:DeleteUser", kIamXmlns, false, true, &DeleteUser},
    {"CreateGroup", kIam, "iam:CreateGroup", kIamXmlns, false, true, &CreateGroup},
    {"GetGroup", kIam, "iam:GetGroup", kIamXmlns, true, true, &GetGroup},
    {"ListGroups", kIam, "iam:ListGroups", kIamXmlns, true, true, &ListGroups},
    {"DeleteGroup", kIam, "iam:DeleteGroup", kIamXmlns, false, true, &DeleteGroup},
    {"AddUserToGroup", kIam, "iam:AddUserToGroup", kIamXmlns, false, true, &AddUserToGroup},
    {"RemoveUserFromGroup", kIam, "iam:RemoveUserFromGroup", kIamXmlns, false, true,
     &RemoveUserFromGroup},
    {"ListGroupsForUser", kIam, "iam:ListGroupsForUser", kIamXmlns, true, true, &ListGroupsForUser},
    {"CreateAccessKey", kIam, "iam:CreateAccessKey", kIamXmlns, false, true, &CreateAccessKey},
    {"ListAccessKeys", kIam, "iam:ListAccessKeys", kIamXmlns, true, true, &ListAccessKeys},
    {"UpdateAccessKey", kIam, "iam:UpdateAccessKey", kIamXmlns, false, true, &UpdateAccessKey},
    {"DeleteAccessKey", kIam, "iam:DeleteAccessKey", kIamXmlns, false, true, &DeleteAccessKey},
    {"PutUserPolicy", kIam, "iam:PutUserPolicy", kIamXmlns, false, true, &PutUserPolicy},
    {"GetUserPolicy", kIam, "iam:GetUserPolicy", kIamXmlns, true, true, &GetUserPolicy},
    {"DeleteUserPolicy", kIam, "iam:DeleteUserPolicy", kIamXmlns, false, true, &DeleteUserPolicy},
    {"ListUserPolicies", kIam, "iam:ListUserPolicies", kIamXmlns, true, true, &ListUserPolicies},
    {"PutGroupPolicy", kIam, "iam:PutGroupPolicy", kIamXmlns, false, true, &PutGroupPolicy},
    {"GetGroupPolicy", kIam, "iam:GetGroupPolicy", kIamXmlns, true, true, &GetGroupPolicy},
    {"DeleteGroupPolicy", kIam, "iam:DeleteGroupPolicy", kIamXmlns, false, true,
     &DeleteGroupPolicy},
    {"ListGroupPolicies", kIam, "iam:ListGroupPolicies", kIamXmlns, true, true, &ListGroupPolicies},
    {"CreatePolicy", kIam, "iam:CreatePolicy", kIamXmlns, false, true, &CreatePolicy},
    {"GetPolicy", kIam, "iam:GetPolicy", kIamXmlns, true, true, &GetPolicy},
    {"GetPolicyVersion", kIam, "iam:GetPolicyVersion", kIamXmlns, true, true, &GetPolicyVersion},
    {"ListPolicies", kIam, "iam:ListPolicies", kIamXmlns, true, true, &ListPolicies},
    {"DeletePolicy", kIam, "iam:DeletePolicy", kIamXmlns, false, true, &DeletePolicy},
    {"AttachUserPolicy", kIam, "iam:AttachUserPolicy", kIamXmlns, false, true, &AttachUserPolicy},
    {"DetachUserPolicy", kIam, "iam:DetachUserPolicy", kIamXmlns, false, true, &DetachUserPolicy},
    {"ListAttachedUserPolicies", kIam, "iam:ListAttachedUserPolicies", kIamXmlns, true, true,
     &ListAttachedUserPolicies},
    {"AttachGroupPolicy", kIam, "iam:AttachGroupPolicy", kIamXmlns, false, true,
     &AttachGroupPolicy},
    {"DetachGroupPolicy", kIam, "iam:DetachGroupPolicy", kIamXmlns, false, true,
     &DetachGroupPolicy},
    {"ListAttachedGroupPolicies", kIam, "iam:ListAttachedGroupPolicies", kIamXmlns, true, true,
     &ListAttachedGroupPolicies},
    {"CreateVirtualMFADevice", kIam, "iam:CreateVirtualMFADevice", kIamXmlns, false, true,
     &CreateVirtualMFADevice},
    {"EnableMFADevice", kIam, "iam:EnableMFADevice", kIamXmlns, false, true, &EnableMFADevice},
    {"DeactivateMFADevice", kIam, "iam:DeactivateMFADevice", kIamXmlns, false, true,
     &DeactivateMFADevice},
    {"ListMFADevices", kIam, "iam:ListMFADevices", kIamXmlns, true, true, &ListMFADevices},
    {"ListVirtualMFADevices", kIam, "iam:ListVirtualMFADevices", kIamXmlns, true, true,
     &ListVirtualMFADevices},
    {"DeleteVirtualMFADevice", kIam, "iam:DeleteVirtualMFADevice", kIamXmlns, false, true,
     &DeleteVirtualMFADevice},
    {"SimulatePrincipalPolicy", kIam, "iam:SimulatePrincipalPolicy", kIamXmlns, true, true,
     &SimulatePrincipalPolicy},
    // SNS (sns.md §2). ConfirmSubscription needs no permission: the token is the authority (it
    // may come unsigned through the SubscribeURL).
    {"CreateTopic", kSns, "sns:CreateTopic", kSnsXmlns, false, true, &CreateTopic},
    {"DeleteTopic", kSns, "sns:DeleteTopic", kSnsXmlns, false, true, &DeleteTopic},
    {"ListTopics", kSns, "sns:ListTopics", kSnsXmlns, true, true, &ListTopics},
    {"GetTopicAttributes", kSns, "sns:GetTopicAttributes", kSnsXmlns, true, true,
     &GetTopicAttributes},
    {"SetTopicAttributes", kSns, "sns:SetTopicAttributes", kSnsXmlns, false, true,
     &SetTopicAttributes},
    {"Subscribe", kSns, "sns:Subscribe", kSnsXmlns, false, true, &Subscribe},
    {"ConfirmSubscription", kSns, "sns:ConfirmSubscription", kSnsXmlns, false, false,
     &ConfirmSubscription},
    {"Unsubscribe", kSns, "sns:Unsubscribe", kSnsXmlns, false, true, &Unsubscribe},
    {"ListSubscriptions", kSns, "sns:ListSubscriptions", kSnsXmlns, true, true, &ListSubscriptions},
    {"ListSubscriptionsByTopic", kSns, "sns:ListSubscriptionsByTopic", kSnsXmlns, true, true,
     &ListSubscriptionsByTopic},
    {"GetSubscriptionAttributes", kSns, "sns:GetSubscriptionAttributes", kSnsXmlns, true, true,
     &GetSubscriptionAttributes},
    {"SetSubscriptionAttributes", kSns, "sns:SetSubscriptionAttributes", kSnsXmlns, false, true,
     &SetSubscriptionAttributes},
    {"Publish", kSns, "sns:Publish", kSnsXmlns, false, true, &Publish},
    // CloudWatch over the Query protocol (CLI v2 2.9); the handlers are the JSON 1.0 ones.
    {"PutMetricData", kMonitoring, "cloudwatch:PutMetricData", kMonitoringXmlns, false, true,
     &cw::ViaQuery<&cw::PutMetricData>},
    {"ListMetrics", kMonitoring, "cloudwatch:ListMetrics", kMonitoringXmlns, true, true,
     &cw::ViaQuery<&cw::ListMetrics>},
    {"GetMetricStatistics", kMonitoring, "cloudwatch:GetMetricStatistics", kMonitoringXmlns, true,
     true, &cw::ViaQuery<&cw::GetMetricStatistics>},
    {"GetMetricData", kMonitoring, "cloudwatch:GetMetricData", kMonitoringXmlns, true, true,
     &cw::ViaQuery<&cw::GetMetricData>},
    {"PutMetricAlarm", kMonitoring, "cloudwatch:PutMetricAlarm", kMonitoringXmlns, false, true,
     &cw::ViaQuery<&cw::PutMetricAlarm>},
    {"DescribeAlarms", kMonitoring, "cloudwatch:DescribeAlarms", kMonitoringXmlns, true, true,
     &cw::ViaQuery<&cw::DescribeAlarms>},
    {"DescribeAlarmsForMetric", kMonitoring, "cloudwatch:DescribeAlarmsForMetric", kMonitoringXmlns,
     true, true, &cw::ViaQuery<&cw::DescribeAlarmsForMetric>},
    {"DeleteAlarms", kMonitoring, "cloudwatch:DeleteAlarms", kMonitoringXmlns, false, true,
     &cw::ViaQuery<&cw::DeleteAlarms>},
    {"SetAlarmState", kMonitoring, "cloudwatch:SetAlarmState", kMonitoringXmlns, false, true,
     &cw::ViaQuery<&cw::SetAlarmState>},
    {"DescribeAlarmHistory", kMonitoring, "cloudwatch:DescribeAlarmHistory", kMonitoringXmlns, true,
     true, &cw::ViaQuery<&cw::DescribeAlarmHistory>},
    {"EnableAlarmActions", kMonitoring, "cloudwatch:EnableAlarmActions", kMonitoringXmlns, false,
     true, &cw::ViaQuery<&cw::EnableAlarmActions>},
    {"DisableAlarmActions", kMonitoring, "cloudwatch:DisableAlarmActions", kMonitoringXmlns, false,
     true, &cw::ViaQuery<&cw::DisableAlarmActions>},
};

template <size_t N>
const JsonOperation* Find(const JsonOperation (&table)[N], std::string_view name) {
  for (const JsonOperation& op : table) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

}  // namespace

std::string_view TargetOperationName(std::string_view target) {
  size_t dot = target.rfind('.');
  return dot == std::string_view::npos ? target : target.substr(dot + 1);
}

const JsonOperation* FindJsonOperation(std::string_view target) {
  for (std::string_view prefix : {kCloudTrailTargetPrefix, kCloudTrailShortTargetPrefix}) {
    if (target.substr(0, prefix.size()) == prefix) {
      return Find(kCloudTrailOperations, target.substr(prefix.size()));
    }
  }
  if (target.substr(0, kOpenTrailTargetPrefix.size()) == kOpenTrailTargetPrefix) {
    return Find(kOpenTrailOperations, target.substr(kOpenTrailTargetPrefix.size()));
  }
  if (target.substr(0, kLogsTargetPrefix.size()) == kLogsTargetPrefix) {
    return Find(kLogsOperations, target.substr(kLogsTargetPrefix.size()));
  }
  if (target.substr(0, kCloudWatchTargetPrefix.size()) == kCloudWatchTargetPrefix) {
    return Find(kCloudWatchOperations, target.substr(kCloudWatchTargetPrefix.size()));
  }
  if (target.substr(0, kKmsTargetPrefix.size()) == kKmsTargetPrefix) {
    return Find(kKmsOperations, target.substr(kKmsTargetPrefix.size()));
  }
  return nullptr;
}

std::string_view JsonSigningName(std::string_view target) {
  if (target.substr(0, kCloudWatchTargetPrefix.size()) == kCloudWatchTargetPrefix) {
    return "monitoring";
  }
  if (target.substr(0, kKmsTargetPrefix.size()) == kKmsTargetPrefix) return "kms";
  return target.substr(0, kLogsTargetPrefix.size()) == kLogsTargetPrefix ? "logs" : "cloudtrail";
}

const QueryOperation* FindQueryOperation(std::string_view service, std::string_view action) {
  for (const QueryOperation& op : kQueryOperations) {
    if (op.name == action && op.event_source.substr(0, service.size()) == service &&
        op.event_source[service.size()] == '.') {
      return &op;
    }
  }
  return nullptr;
}

}  // namespace ot::api::handlers
