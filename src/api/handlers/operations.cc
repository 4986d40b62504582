#include "api/handlers/operation.h"

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
};

constexpr JsonOperation kOpenTrailOperations[] = {
    // Bulk ingest of full CloudTrail records ({"Records":[…]}, optionally gzip-encoded).
    {"IngestEvents", kCloudTrail, "cloudtrail:IngestEvents", false, nullptr, &IngestEvents},
};

constexpr QueryOperation kQueryOperations[] = {
    {"GetCallerIdentity", "sts.amazonaws.com", "sts:GetCallerIdentity",
     "https://sts.amazonaws.com/doc/2011-06-15/", true, false, &GetCallerIdentity},
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
  return nullptr;
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
