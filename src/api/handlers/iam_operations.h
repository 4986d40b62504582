#pragma once

// The IAM (shared/spec/iam.md §2) and STS GetSessionToken (protocols.md §4) Query handlers.
// Each reads its members from the Query parameters, validates them with IAM's ValidationError
// messages, calls Services::iam, and returns the inner XML of its <{Op}Result> plus what the
// call's record keeps (never secrets: no SecretAccessKey, seed, QR code or MFA code).

#include "api/handlers/operation.h"
#include "api/protocol/query.h"

namespace ot::api::handlers {

using QueryHandler = Result<Outcome>(const Services&, const CallContext&, const QueryParams&);

// Users and groups (§2.1).
QueryHandler CreateUser, GetUser, ListUsers, DeleteUser;
QueryHandler CreateGroup, GetGroup, ListGroups, DeleteGroup;
QueryHandler AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser;
// Access keys (§2.2).
QueryHandler CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey;
// Inline policies (§2.3).
QueryHandler PutUserPolicy, GetUserPolicy, DeleteUserPolicy, ListUserPolicies;
QueryHandler PutGroupPolicy, GetGroupPolicy, DeleteGroupPolicy, ListGroupPolicies;
// Managed policies and attachment (§2.4).
QueryHandler CreatePolicy, GetPolicy, GetPolicyVersion, ListPolicies, DeletePolicy;
QueryHandler AttachUserPolicy, DetachUserPolicy, ListAttachedUserPolicies;
QueryHandler AttachGroupPolicy, DetachGroupPolicy, ListAttachedGroupPolicies;
// Virtual MFA devices (§2.5).
QueryHandler CreateVirtualMFADevice, EnableMFADevice, DeactivateMFADevice, ListMFADevices;
QueryHandler ListVirtualMFADevices, DeleteVirtualMFADevice;
// Policy simulation (§2.6).
QueryHandler SimulatePrincipalPolicy;
// STS temporary credentials.
QueryHandler GetSessionToken;

}  // namespace ot::api::handlers
