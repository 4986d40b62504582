#pragma once

#include <span>
#include <string_view>

namespace ot::auth {

// An AWS managed policy the server ships (iam.md §2.4, §5), with what GetPolicy, ListPolicies
// and GetPolicyVersion report about it. All fields are static text.
struct ManagedPolicy {
  std::string_view name;       // "AWSCloudTrail_ReadOnlyAccess"
  std::string_view arn;        // "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"
  std::string_view path;       // "/"
  std::string_view policy_id;  // "ANPA…", 21 characters, stable across restarts
  std::string_view description;
  std::string_view default_version_id;  // "v1"
  std::string_view create_date;         // "2022-06-14T17:19:05Z" (IAM's XML timestamp form)
  std::string_view update_date;
  std::string_view document;  // the default version's JSON; parses as an identity policy
};

// Every AWS managed policy the server ships, sorted by name.
std::span<const ManagedPolicy> AwsManagedPolicies();

// The policy with this exact ARN, or nullptr.
const ManagedPolicy* FindAwsManagedPolicy(std::string_view arn);

}  // namespace ot::auth
