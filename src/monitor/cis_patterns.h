#pragma once

#include <span>
#include <string_view>

// The metric-filter patterns of the CIS AWS Foundations Benchmark monitoring section
// (spec/filter-patterns.md §7), verbatim: what a CIS checker expects to find in
// DescribeMetricFilters, and a realistic workload for the filter-pattern engine.
namespace ot::monitor {

struct CisControl {
  std::string_view id;       // v3.0.0 numbering, "4.1" … "4.15"
  std::string_view title;    // what the control watches
  std::string_view metric;   // the metric name its filter emits (as AWS's CIS guidance names it)
  std::string_view pattern;  // the v3.0.0 filter pattern
};

// 4.1–4.15 in order. The first 14 are the classic set (v1.2.0 3.1–3.14); 4.15 (Organizations)
// came later.
std::span<const CisControl> CisControls();

// Later revisions of three controls (v4.0.0+ / v5.0.0+ text as transcribed in the spec).
inline constexpr std::string_view kCisUnauthorizedApiCallsV5 =
    "{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && "
    "($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }";
inline constexpr std::string_view kCisConsoleLoginWithoutMfaSso =
    "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && "
    "($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }";
inline constexpr std::string_view kCisSecurityGroupChangesV5 =
    "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = "
    "AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName "
    "= RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = "
    "DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }";

}  // namespace ot::monitor
