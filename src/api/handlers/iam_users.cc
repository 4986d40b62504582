// IAM users and groups (iam.md §2.1).

#include "api/handlers/iam_operations.h"
#include "api/handlers/iam_util.h"

namespace ot::api::handlers {

using internal::Iam;
using internal::Validator;
using internal::Xml;

Result<Outcome> CreateUser(const Services& services, const CallContext&,
                           const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("userName", params.Get("UserName"), 64);
  v.Path("path", params.Get("Path"));
  if (auto boundary = params.Get("PermissionsBoundary")) {
    v.Length("permissionsBoundary", *boundary, 20, 2048);
  }
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(std::vector<iam::Tag> tags, internal::ReadTags(params, "User"));
  OT_ASSIGN_OR_RETURN(iam::User user, registry->CreateUser(*params.Get("UserName"),
                                                           params.Get("Path").value_or("/"), tags,
                                                           params.Get("PermissionsBoundary")));
  Outcome out;
  Xml x;
  internal::WriteUser(x, "User", user, /*full=*/true);
  out.body = x.Take();
  out.response_elements = internal::UserJson(user);
  out.resources = internal::IamResource("AWS::IAM::User", user.arn);
  return out;
}

Result<Outcome> GetUser(const Services& services, const CallContext& ctx,
                        const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("userName", params.Get("UserName"), 128, /*required=*/false);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(std::string name,
                      internal::UserNameOrCaller(services, ctx, params.Get("UserName")));
  OT_ASSIGN_OR_RETURN(iam::User user, registry->GetUser(name));
  Outcome out;
  Xml x;
  internal::WriteUser(x, "User", user, /*full=*/true);
  out.body = x.Take();
  return out;
}

Result<Outcome> ListUsers(const Services& services, const CallContext&, const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.PathPrefix("pathPrefix", params.Get("PathPrefix"));
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::Listed<iam::User> users,
                      registry->ListUsers(params.Get("PathPrefix").value_or("/"), page));
  Outcome out;
  Xml x;
  x.List("Users", users.items, [](Xml& xml, const iam::User& u) {
    internal::WriteUser(xml, "member", u, /*full=*/false);
  });
  internal::WritePaging(x, users);
  out.body = x.Take();
  return out;
}

Result<Outcome> DeleteUser(const Services& services, const CallContext&,
                           const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("userName", params.Get("UserName"), 128);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::User user, registry->GetUser(*params.Get("UserName")));
  OT_RETURN_IF_ERROR(registry->DeleteUser(user.name));
  Outcome out;
  out.resources = internal::IamResource("AWS::IAM::User", user.arn);
  return out;
}

Result<Outcome> CreateGroup(const Services& services, const CallContext&,
                            const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("groupName", params.Get("GroupName"), 128);
  v.Path("path", params.Get("Path"));
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::Group group, registry->CreateGroup(*params.Get("GroupName"),
                                                              params.Get("Path").value_or("/")));
  Outcome out;
  Xml x;
  internal::WriteGroup(x, "Group", group);
  out.body = x.Take();
  out.response_elements = internal::GroupJson(group);
  out.resources = internal::IamResource("AWS::IAM::Group", group.arn);
  return out;
}

Result<Outcome> GetGroup(const Services& services, const CallContext&, const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("groupName", params.Get("GroupName"), 128);
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::Group group, registry->GetGroup(*params.Get("GroupName")));
  OT_ASSIGN_OR_RETURN(iam::Listed<iam::User> members, registry->GroupMembers(group.name, page));
  Outcome out;
  Xml x;
  internal::WriteGroup(x, "Group", group);
  x.List("Users", members.items, [](Xml& xml, const iam::User& u) {
    internal::WriteUser(xml, "member", u, /*full=*/false);
  });
  internal::WritePaging(x, members);
  out.body = x.Take();
  return out;
}

namespace {

Result<Outcome> ListGroupsReply(const iam::Listed<iam::Group>& groups) {
  Outcome out;
  Xml x;
  x.List("Groups", groups.items,
         [](Xml& xml, const iam::Group& g) { internal::WriteGroup(xml, "member", g); });
  internal::WritePaging(x, groups);
  out.body = x.Take();
  return out;
}

}  // namespace

Result<Outcome> ListGroups(const Services& services, const CallContext&,
                           const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.PathPrefix("pathPrefix", params.Get("PathPrefix"));
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::Listed<iam::Group> groups,
                      registry->ListGroups(params.Get("PathPrefix").value_or("/"), page));
  return ListGroupsReply(groups);
}

Result<Outcome> DeleteGroup(const Services& services, const CallContext&,
                            const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("groupName", params.Get("GroupName"), 128);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::Group group, registry->GetGroup(*params.Get("GroupName")));
  OT_RETURN_IF_ERROR(registry->DeleteGroup(group.name));
  Outcome out;
  out.resources = internal::IamResource("AWS::IAM::Group", group.arn);
  return out;
}

namespace {

// AddUserToGroup / RemoveUserFromGroup: both members required, no result.
Result<Outcome> Membership(const Services& services, const QueryParams& params, bool add) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("groupName", params.Get("GroupName"), 128);
  v.Name("userName", params.Get("UserName"), 128);
  OT_RETURN_IF_ERROR(v.Done());
  std::string_view group = *params.Get("GroupName");
  std::string_view user = *params.Get("UserName");
  OT_RETURN_IF_ERROR(add ? registry->AddUserToGroup(group, user)
                         : registry->RemoveUserFromGroup(group, user));
  Outcome out;
  if (auto g = registry->GetGroup(group); g.ok()) {
    out.resources = internal::IamResource("AWS::IAM::Group", g->arn);
  }
  return out;
}

}  // namespace

Result<Outcome> AddUserToGroup(const Services& services, const CallContext&,
                               const QueryParams& params) {
  return Membership(services, params, /*add=*/true);
}

Result<Outcome> RemoveUserFromGroup(const Services& services, const CallContext&,
                                    const QueryParams& params) {
  return Membership(services, params, /*add=*/false);
}

Result<Outcome> ListGroupsForUser(const Services& services, const CallContext&,
                                  const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("userName", params.Get("UserName"), 128);
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(iam::Listed<iam::Group> groups,
                      registry->ListGroupsForUser(*params.Get("UserName"), page));
  return ListGroupsReply(groups);
}

}  // namespace ot::api::handlers
