// IAM access keys (iam.md §2.2). The secret leaves the server once, in CreateAccessKey's reply;
// the call's record keeps the key's id and status only.

#include "api/handlers/iam_operations.h"
#include "api/handlers/iam_util.h"
#include "common/json_writer.h"

namespace ot::api::handlers {

using internal::Iam;
using internal::Validator;
using internal::Xml;

namespace {

std::string_view StatusName(iam::KeyStatus s) {
  switch (s) {
    case iam::KeyStatus::kActive:
      return "Active";
    case iam::KeyStatus::kInactive:
      return "Inactive";
  }
  return "Active";
}

// UserName (optional, the caller by default) and, for Update/Delete, AccessKeyId.
Status CheckKeyMembers(const QueryParams& params, bool needs_key_id, Validator& v) {
  v.Name("userName", params.Get("UserName"), 128, /*required=*/false);
  if (needs_key_id) {
    std::optional<std::string_view> id = params.Get("AccessKeyId");
    v.Required("accessKeyId", id);
    if (id) v.Length("accessKeyId", *id, 16, 128);
  }
  return v.Done();
}

}  // namespace

Result<Outcome> CreateAccessKey(const Services& services, const CallContext& ctx,
                                const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  OT_RETURN_IF_ERROR(CheckKeyMembers(params, /*needs_key_id=*/false, v));
  OT_ASSIGN_OR_RETURN(std::string user,
                      internal::UserNameOrCaller(services, ctx, params.Get("UserName")));
  OT_ASSIGN_OR_RETURN(iam::NewAccessKey key, registry->CreateAccessKey(user));
  const iam::AccessKeyInfo& info = key.info;
  Outcome out;
  Xml x;
  x.Open("AccessKey");
  x.Leaf("UserName", info.user_name).Leaf("AccessKeyId", info.access_key_id);
  x.Leaf("Status", StatusName(info.status)).Leaf("SecretAccessKey", key.secret_access_key);
  x.Leaf("CreateDate", internal::IamTime(info.created));
  x.Close("AccessKey");
  out.body = x.Take();
  JsonWriter w;
  w.BeginObject().Key("accessKey").BeginObject();
  w.Key("userName").String(info.user_name).Key("accessKeyId").String(info.access_key_id);
  w.Key("status").String(StatusName(info.status));
  w.Key("createDate").String(internal::IamTime(info.created));
  w.EndObject().EndObject();
  out.response_elements = w.Take();
  return out;
}

Result<Outcome> ListAccessKeys(const Services& services, const CallContext& ctx,
                               const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(CheckKeyMembers(params, /*needs_key_id=*/false, v));
  OT_ASSIGN_OR_RETURN(std::string user,
                      internal::UserNameOrCaller(services, ctx, params.Get("UserName")));
  OT_ASSIGN_OR_RETURN(iam::Listed<iam::AccessKeyInfo> keys, registry->ListAccessKeys(user, page));
  Outcome out;
  Xml x;
  x.List("AccessKeyMetadata", keys.items, [](Xml& xml, const iam::AccessKeyInfo& k) {
    xml.Open("member");
    xml.Leaf("UserName", k.user_name).Leaf("AccessKeyId", k.access_key_id);
    xml.Leaf("Status", StatusName(k.status)).Leaf("CreateDate", internal::IamTime(k.created));
    xml.Close("member");
  });
  internal::WritePaging(x, keys);
  out.body = x.Take();
  return out;
}

Result<Outcome> UpdateAccessKey(const Services& services, const CallContext& ctx,
                                const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Required("status", params.Get("Status"));
  v.Enum("status", params.Get("Status"), {"Active", "Inactive"});
  OT_RETURN_IF_ERROR(CheckKeyMembers(params, /*needs_key_id=*/true, v));
  OT_ASSIGN_OR_RETURN(std::string user,
                      internal::UserNameOrCaller(services, ctx, params.Get("UserName")));
  iam::KeyStatus status =
      *params.Get("Status") == "Active" ? iam::KeyStatus::kActive : iam::KeyStatus::kInactive;
  OT_RETURN_IF_ERROR(registry->UpdateAccessKey(user, *params.Get("AccessKeyId"), status));
  return Outcome{};
}

Result<Outcome> DeleteAccessKey(const Services& services, const CallContext& ctx,
                                const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  OT_RETURN_IF_ERROR(CheckKeyMembers(params, /*needs_key_id=*/true, v));
  OT_ASSIGN_OR_RETURN(std::string user,
                      internal::UserNameOrCaller(services, ctx, params.Get("UserName")));
  OT_RETURN_IF_ERROR(registry->DeleteAccessKey(user, *params.Get("AccessKeyId")));
  return Outcome{};
}

}  // namespace ot::api::handlers
