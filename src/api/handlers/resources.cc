// Which resource each call is authorized against (iam.md §4).

#include <string>

#include "api/handlers/cw_util.h"
#include "api/handlers/kms_operations.h"
#include "api/handlers/operation.h"
#include "api/handlers/sns_operations.h"
#include "iam/iam.h"

namespace ot::api::handlers {
namespace {

std::string StringMember(JsonValue input, std::string_view name) {
  if (!input.is_object()) return {};
  std::optional<JsonValue> v = input.Get(name);
  return v && v->is_string() ? std::string(v->AsString()) : std::string();
}

// A trail addressed by name or ARN; a name is a trail of the caller's region.
std::string TrailArn(const Services& services, const CallContext& ctx, std::string_view name) {
  if (name.empty()) return "*";
  if (name.starts_with("arn:")) return std::string(name);
  return "arn:aws:cloudtrail:" + ctx.caller.region + ":" + services.account_id + ":trail/" +
         std::string(name);
}

bool ActionIs(std::string_view action, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (action == n) return true;
  }
  return false;
}

// CloudWatch Logs: the log group (arn:…:log-group:NAME:*), or the log stream for the operations
// on one stream; DescribeLogGroups on every group (log-group:*); TestMetricFilter on "*".
std::string LogsResource(const Services& services, const CallContext& ctx, std::string_view action,
                         JsonValue input) {
  const std::string base = "arn:aws:logs:" + ctx.caller.region + ":" + services.account_id;
  if (action == "logs:TestMetricFilter") return "*";
  std::string group = StringMember(input, "logGroupName");
  if (group.empty()) return base + ":log-group:*";
  std::string stream = StringMember(input, "logStreamName");
  if (!stream.empty() && ActionIs(action, {"logs:CreateLogStream", "logs:DeleteLogStream",
                                           "logs:PutLogEvents", "logs:GetLogEvents"})) {
    return base + ":log-group:" + group + ":log-stream:" + stream;
  }
  return base + ":log-group:" + group + ":*";
}

}  // namespace

std::string JsonResource(const Services& services, const CallContext& ctx, std::string_view action,
                         JsonValue input) {
  if (action.starts_with("logs:")) return LogsResource(services, ctx, action, input);
  if (action.starts_with("cloudwatch:")) {
    return cw::CloudWatchResource(services, ctx, action, input);
  }
  if (action.starts_with("kms:")) return KmsResource(services, ctx, action, input);
  if (ActionIs(action,
               {"cloudtrail:CreateTrail", "cloudtrail:UpdateTrail", "cloudtrail:DeleteTrail",
                "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:StartLogging",
                "cloudtrail:StopLogging"})) {
    return TrailArn(services, ctx, StringMember(input, "Name"));
  }
  if (ActionIs(action, {"cloudtrail:PutEventSelectors", "cloudtrail:GetEventSelectors",
                        "cloudtrail:PutInsightSelectors", "cloudtrail:GetInsightSelectors"})) {
    return TrailArn(services, ctx, StringMember(input, "TrailName"));
  }
  if (ActionIs(action, {"cloudtrail:AddTags", "cloudtrail:RemoveTags"})) {
    std::string id = StringMember(input, "ResourceId");
    return id.empty() ? "*" : id;
  }
  if (action == "cloudtrail:ListTags" && input.is_object()) {
    std::optional<JsonValue> list = input.Get("ResourceIdList");
    if (list && list->is_array()) {
      std::vector<JsonValue> items = list->Items();
      if (items.size() == 1 && items[0].is_string()) return std::string(items[0].AsString());
    }
  }
  return "*";
}

std::string QueryResource(const Services& services, const CallContext& ctx, std::string_view action,
                          const QueryParams& params) {
  if (action.starts_with("sns:")) return SnsResource(services, ctx, action, params);
  if (action.starts_with("cloudwatch:")) {
    auto doc = JsonDocument::Parse(cw::QueryParamsToJson(params));
    return doc.ok() ? cw::CloudWatchResource(services, ctx, action, (*doc)->root()) : "*";
  }
  if (!action.starts_with("iam:")) return "*";
  const std::string account = services.account_id;
  auto get = [&](std::string_view name) { return std::string(params.Get(name).value_or("")); };
  if (ActionIs(action, {"iam:ListUsers", "iam:ListGroups", "iam:ListPolicies",
                        "iam:ListVirtualMFADevices"})) {
    return "*";
  }
  if (ActionIs(action, {"iam:CreatePolicy"})) {
    std::string path = get("Path");
    if (path.empty()) path = "/";
    return "arn:aws:iam::" + account + ":policy" + path + get("PolicyName");
  }
  if (ActionIs(action, {"iam:GetPolicy", "iam:GetPolicyVersion", "iam:DeletePolicy"})) {
    return get("PolicyArn").empty() ? "*" : get("PolicyArn");
  }
  if (ActionIs(action, {"iam:CreateVirtualMFADevice"})) {
    std::string path = get("Path");
    if (path.empty()) path = "/";
    return "arn:aws:iam::" + account + ":mfa" + path + get("VirtualMFADeviceName");
  }
  if (ActionIs(action, {"iam:DeleteVirtualMFADevice"})) return get("SerialNumber");
  if (action == "iam:SimulatePrincipalPolicy") return get("PolicySourceArn");
  if (ActionIs(action, {"iam:CreateGroup", "iam:GetGroup", "iam:DeleteGroup", "iam:PutGroupPolicy",
                        "iam:GetGroupPolicy", "iam:DeleteGroupPolicy", "iam:ListGroupPolicies",
                        "iam:AttachGroupPolicy", "iam:DetachGroupPolicy",
                        "iam:ListAttachedGroupPolicies"}) ||
      (ActionIs(action, {"iam:AddUserToGroup", "iam:RemoveUserFromGroup"}))) {
    std::string name = get("GroupName");
    if (services.iam != nullptr) {
      if (auto g = services.iam->GetGroup(name); g.ok()) return g->arn;
    }
    std::string path = get("Path");
    if (path.empty()) path = "/";
    return "arn:aws:iam::" + account + ":group" + path + name;
  }
  // Everything else addresses a user (or, without UserName, the calling user).
  std::string name = get("UserName");
  if (name.empty()) {
    // The calling user's own ARN, so "arn:aws:iam::*:user/${aws:username}" policies match.
    const auth::Principal& p = ctx.caller.principal;
    return p.type == auth::PrincipalType::kIAMUser && !p.arn.empty() ? p.arn : "*";
  }
  if (services.iam != nullptr) {
    if (auto u = services.iam->GetUser(name); u.ok()) return u->arn;
  }
  std::string path = get("Path");
  if (path.empty()) path = "/";
  return "arn:aws:iam::" + account + ":user" + path + name;
}

}  // namespace ot::api::handlers
