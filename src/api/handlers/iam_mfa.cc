// IAM virtual MFA devices (iam.md §2.5). The seed and QR code leave the server once, base64
// encoded, in CreateVirtualMFADevice's reply; neither they nor the authentication codes reach
// the call's record (query.cc leaves the codes out of requestParameters).

#include <algorithm>

#include "api/handlers/iam_operations.h"
#include "api/handlers/iam_util.h"
#include "common/encoding.h"
#include "common/json_writer.h"

namespace ot::api::handlers {

using internal::Iam;
using internal::Validator;
using internal::Xml;

namespace {

void CheckSerial(const QueryParams& params, Validator& v) {
  std::optional<std::string_view> serial = params.Get("SerialNumber");
  v.Required("serialNumber", serial);
  if (!serial) return;
  v.Length("serialNumber", *serial, 9, 256);
  bool ok = std::all_of(serial->begin(), serial->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_+=/:,.@-").find(c) != std::string_view::npos;
  });
  if (!ok) {
    v.Fail("serialNumber", serial,
           "Member must satisfy regular expression pattern: [\\w+=/:,.@-]+");
  }
}

void WriteDevice(Xml& x, const iam::IamRegistry& registry, const iam::MfaDevice& d) {
  x.Open("member");
  x.Leaf("SerialNumber", d.serial_number);
  if (d.user_name) {
    if (auto user = registry.GetUser(*d.user_name); user.ok()) {
      internal::WriteUser(x, "User", *user, /*full=*/false);
    }
  }
  if (d.enable_date) x.Leaf("EnableDate", internal::IamTime(*d.enable_date));
  internal::WriteTags(x, d.tags);
  x.Close("member");
}

}  // namespace

Result<Outcome> CreateVirtualMFADevice(const Services& services, const CallContext&,
                                       const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("virtualMFADeviceName", params.Get("VirtualMFADeviceName"), 128);
  v.Path("path", params.Get("Path"));
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(std::vector<iam::Tag> tags, internal::ReadTags(params, "MFADevice"));
  OT_ASSIGN_OR_RETURN(iam::NewMfaDevice device,
                      registry->CreateVirtualMfaDevice(*params.Get("VirtualMFADeviceName"),
                                                       params.Get("Path").value_or("/"), tags));
  Xml x;
  x.Open("VirtualMFADevice");
  x.Leaf("SerialNumber", device.serial_number);
  // Blobs travel as base64: the seed blob is the base32 text itself (iam.md §2.5).
  x.Leaf("Base32StringSeed", Base64Encode(device.base32_seed));
  x.Leaf("QRCodePNG", Base64Encode(device.qr_code_png));
  internal::WriteTags(x, tags);
  x.Close("VirtualMFADevice");
  Outcome out;
  out.body = x.Take();
  JsonWriter w;
  w.BeginObject().Key("virtualMFADevice").BeginObject();
  w.Key("serialNumber").String(device.serial_number);
  w.EndObject().EndObject();
  out.response_elements = w.Take();
  return out;
}

Result<Outcome> EnableMFADevice(const Services& services, const CallContext&,
                                const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("userName", params.Get("UserName"), 128);
  CheckSerial(params, v);
  v.Code("authenticationCode1", params.Get("AuthenticationCode1"));
  v.Code("authenticationCode2", params.Get("AuthenticationCode2"));
  OT_RETURN_IF_ERROR(v.Done());
  OT_RETURN_IF_ERROR(registry->EnableMfaDevice(*params.Get("UserName"), *params.Get("SerialNumber"),
                                               *params.Get("AuthenticationCode1"),
                                               *params.Get("AuthenticationCode2")));
  return Outcome{};
}

Result<Outcome> DeactivateMFADevice(const Services& services, const CallContext& ctx,
                                    const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("userName", params.Get("UserName"), 128, /*required=*/false);
  CheckSerial(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(std::string user,
                      internal::UserNameOrCaller(services, ctx, params.Get("UserName")));
  OT_RETURN_IF_ERROR(registry->DeactivateMfaDevice(user, *params.Get("SerialNumber")));
  return Outcome{};
}

Result<Outcome> ListMFADevices(const Services& services, const CallContext& ctx,
                               const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  v.Name("userName", params.Get("UserName"), 128, /*required=*/false);
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_ASSIGN_OR_RETURN(std::string user,
                      internal::UserNameOrCaller(services, ctx, params.Get("UserName")));
  OT_ASSIGN_OR_RETURN(iam::Listed<iam::MfaDevice> devices, registry->ListMfaDevices(user, page));
  Xml x;
  x.List("MFADevices", devices.items, [&user](Xml& xml, const iam::MfaDevice& d) {
    xml.Open("member");
    xml.Leaf("UserName", d.user_name.value_or(user)).Leaf("SerialNumber", d.serial_number);
    if (d.enable_date) xml.Leaf("EnableDate", internal::IamTime(*d.enable_date));
    xml.Close("member");
  });
  internal::WritePaging(x, devices);
  Outcome out;
  out.body = x.Take();
  return out;
}

Result<Outcome> ListVirtualMFADevices(const Services& services, const CallContext&,
                                      const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  std::optional<std::string_view> status = params.Get("AssignmentStatus");
  v.Enum("assignmentStatus", status, {"Assigned", "Unassigned", "Any"});
  iam::Page page = internal::ReadPage(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  iam::MfaAssignment assignment = status == "Assigned"     ? iam::MfaAssignment::kAssigned
                                  : status == "Unassigned" ? iam::MfaAssignment::kUnassigned
                                                           : iam::MfaAssignment::kAny;
  OT_ASSIGN_OR_RETURN(iam::Listed<iam::MfaDevice> devices,
                      registry->ListVirtualMfaDevices(assignment, page));
  Xml x;
  x.List("VirtualMFADevices", devices.items,
         [registry](Xml& xml, const iam::MfaDevice& d) { WriteDevice(xml, *registry, d); });
  internal::WritePaging(x, devices);
  Outcome out;
  out.body = x.Take();
  return out;
}

Result<Outcome> DeleteVirtualMFADevice(const Services& services, const CallContext&,
                                       const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(iam::IamRegistry * registry, Iam(services));
  Validator v;
  CheckSerial(params, v);
  OT_RETURN_IF_ERROR(v.Done());
  OT_RETURN_IF_ERROR(registry->DeleteVirtualMfaDevice(*params.Get("SerialNumber")));
  return Outcome{};
}

}  // namespace ot::api::handlers
