// S3 versioning of local buckets: PutBucketVersioning (with MFA delete), GetBucketVersioning and
// ListObjectVersions; the x-amz-mfa check and the version headers the object calls share.
#include <charconv>

#include "api/handlers/s3_operations.h"
#include "api/protocol/reply.h"
#include "api/protocol/s3_xml.h"
#include "buckets/bucket_registry.h"
#include "common/encoding.h"
#include "common/time.h"
#include "iam/iam.h"

namespace ot::api::handlers {
namespace {

Status Malformed() {
  return Status(Error::kMalformedXml,
                "The XML you provided was not well-formed or did not validate against our "
                "published schema");
}

std::string Elem(std::string_view name, std::string_view escaped_value) {
  return "<" + std::string(name) + ">" + std::string(escaped_value) + "</" + std::string(name) +
         ">";
}

S3Outcome Recorded(const S3Request& request) {
  S3Outcome out;
  out.outcome.request_parameters = S3RequestParameters(request);
  out.outcome.resources = S3Resources(request);
  return out;
}

}  // namespace

std::optional<std::string_view> XmlChild(std::string_view xml, std::string_view name) {
  std::string open = "<" + std::string(name) + ">";
  size_t start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  start += open.size();
  size_t end = xml.find("</" + std::string(name) + ">", start);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view v = xml.substr(start, end - start);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\n' || v.front() == '\t')) {
    v.remove_prefix(1);
  }
  while (!v.empty() && (v.back() == ' ' || v.back() == '\n' || v.back() == '\t')) {
    v.remove_suffix(1);
  }
  return v;
}

Result<std::optional<buckets::MfaProof>> CheckMfaHeader(const Services& services,
                                                        const S3Request& request,
                                                        std::string* device_user) {
  std::string_view header = request.Header("x-amz-mfa");
  if (header.empty()) return std::optional<buckets::MfaProof>();
  // "<serial number> <code>": the serial is the device's ARN (virtual devices).
  size_t space = header.find(' ');
  std::string_view serial = header.substr(0, space);
  std::string_view code = space == std::string_view::npos ? "" : header.substr(space + 1);
  while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
  if (serial.empty() || code.empty()) {
    return Status(Error::kInvalidArgument,
                  "The x-amz-mfa header must be the MFA device's serial number, a space and "
                  "its current code.");
  }
  if (services.iam == nullptr) return Status(Error::kAccessDenied, "No MFA device is known.");
  OT_ASSIGN_OR_RETURN(std::string user, services.iam->CheckMfaCode(serial, code));
  if (device_user != nullptr) *device_user = std::move(user);
  return std::optional<buckets::MfaProof>(buckets::MfaProof{std::string(serial)});
}

void AddVersionHeaders(S3Outcome* out, const buckets::ObjectInfo& info) {
  if (!info.version_id.empty()) out->headers.emplace_back("x-amz-version-id", info.version_id);
  if (info.delete_marker) out->headers.emplace_back("x-amz-delete-marker", "true");
  if (!info.retention.mode.empty()) {
    out->headers.emplace_back("x-amz-object-lock-mode", info.retention.mode);
    out->headers.emplace_back("x-amz-object-lock-retain-until-date",
                              FormatIso8601Millis(info.retention.retain_until));
  }
  if (info.legal_hold) out->headers.emplace_back("x-amz-object-lock-legal-hold", "ON");
}

Result<S3Outcome> PutBucketVersioning(const Services& services, const CallContext& ctx,
                                      const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::VersioningConfig current,
                      services.buckets->GetVersioning(request.bucket));
  OT_RETURN_IF_ERROR(RequireChecksum(request));
  if (request.body.find("<VersioningConfiguration") == std::string_view::npos) return Malformed();
  buckets::VersioningChange change;
  change.status = current.status;
  if (auto status = XmlChild(request.body, "Status")) {
    if (*status == "Enabled") {
      change.status = buckets::VersioningStatus::kEnabled;
    } else if (*status == "Suspended") {
      change.status = buckets::VersioningStatus::kSuspended;
    } else {
      return Malformed();
    }
  }
  if (auto mfa_delete = XmlChild(request.body, "MfaDelete")) {
    if (*mfa_delete != "Enabled" && *mfa_delete != "Disabled") return Malformed();
    change.mfa_delete = *mfa_delete == "Enabled";
  }
  std::string device_user;
  OT_ASSIGN_OR_RETURN(auto mfa, CheckMfaHeader(services, request, &device_user));
  // As in S3, where only the owner's (root's) device counts: the device that turns MFA delete on
  // must be the caller's own.
  if (change.mfa_delete.value_or(false) && !current.mfa_delete && mfa &&
      device_user != ctx.caller.principal.arn &&
      ctx.caller.principal.type != auth::PrincipalType::kRoot) {
    return Status(Error::kAccessDenied,
                  "Access Denied: MFA delete must be enabled with an MFA device of the caller.");
  }
  OT_RETURN_IF_ERROR(services.buckets->PutVersioning(request.bucket, change, mfa));
  return Recorded(request);
}

Result<S3Outcome> GetBucketVersioning(const Services& services, const CallContext&,
                                      const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::VersioningConfig config,
                      services.buckets->GetVersioning(request.bucket));
  S3Outcome out = Recorded(request);
  std::string& b = out.outcome.body;
  b = "<VersioningConfiguration xmlns=\"" + std::string(kS3Xmlns) + "\">";
  if (config.status == buckets::VersioningStatus::kEnabled) b += Elem("Status", "Enabled");
  if (config.status == buckets::VersioningStatus::kSuspended) b += Elem("Status", "Suspended");
  if (config.mfa_delete) b += Elem("MfaDelete", "Enabled");
  b += "</VersioningConfiguration>";
  return out;
}

Result<S3Outcome> ListObjectVersions(const Services& services, const CallContext&,
                                     const S3Request& request) {
  buckets::ListVersionsOptions options;
  options.prefix = request.Param("prefix").value_or("");
  options.delimiter = request.Param("delimiter").value_or("");
  options.key_marker = request.Param("key-marker").value_or("");
  options.version_id_marker = request.Param("version-id-marker").value_or("");
  bool url = false;
  if (auto enc = request.Param("encoding-type")) {
    if (*enc != "url") {
      return Status(Error::kInvalidArgument, "Invalid Encoding Method specified in Request");
    }
    url = true;
  }
  if (auto mk = request.Param("max-keys")) {
    int v = -1;
    auto [end, ec] = std::from_chars(mk->data(), mk->data() + mk->size(), v);
    if (ec != std::errc() || end != mk->data() + mk->size() || v < 0) {
      return Status(Error::kInvalidArgument,
                    "Provided max-keys not an integer or within integer range");
    }
    options.max_keys = std::min(v, 1000);
  }
  OT_ASSIGN_OR_RETURN(buckets::VersionListing page,
                      services.buckets->ListObjectVersions(request.bucket, options));
  auto name = [&](std::string_view text) {
    return XmlEscape(url ? UriEncode(text, true) : std::string(text));
  };
  std::string owner = "<Owner><ID>" + S3CanonicalUserId(services.account_id) +
                      "</ID><DisplayName>" + XmlEscape(services.account_id) +
                      "</DisplayName></Owner>";
  S3Outcome out = Recorded(request);
  std::string& b = out.outcome.body;
  b = "<ListVersionsResult xmlns=\"" + std::string(kS3Xmlns) + "\">";
  b += Elem("Name", XmlEscape(request.bucket)) + Elem("Prefix", name(options.prefix));
  b += Elem("KeyMarker", name(options.key_marker));
  b += Elem("VersionIdMarker", XmlEscape(options.version_id_marker));
  if (page.truncated) {
    b += Elem("NextKeyMarker", name(page.next_key_marker));
    if (!page.next_version_id_marker.empty()) {
      b += Elem("NextVersionIdMarker", XmlEscape(page.next_version_id_marker));
    }
  }
  b += Elem("MaxKeys", std::to_string(options.max_keys));
  if (!options.delimiter.empty()) b += Elem("Delimiter", name(options.delimiter));
  b += Elem("IsTruncated", page.truncated ? "true" : "false");
  if (url) b += Elem("EncodingType", "url");
  for (const buckets::VersionEntry& v : page.versions) {
    std::string_view tag = v.delete_marker ? "DeleteMarker" : "Version";
    b += "<" + std::string(tag) + ">" + Elem("Key", name(v.key));
    b += Elem("VersionId", XmlEscape(v.version_id));
    b += Elem("IsLatest", v.is_latest ? "true" : "false");
    b += Elem("LastModified", FormatIso8601Millis(v.last_modified));
    if (!v.delete_marker) {
      b += Elem("ETag", XmlEscape(v.etag)) + Elem("Size", std::to_string(v.size));
      b += Elem("StorageClass", "STANDARD");
    }
    b += owner + "</" + std::string(tag) + ">";
  }
  for (const std::string& cp : page.common_prefixes) {
    b += "<CommonPrefixes>" + Elem("Prefix", name(cp)) + "</CommonPrefixes>";
  }
  b += "</ListVersionsResult>";
  return out;
}

}  // namespace ot::api::handlers
