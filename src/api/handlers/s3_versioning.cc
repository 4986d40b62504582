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
namespace {}  // namespace

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
  if (request.body.find("<VersioningConfiguration") == std::string_view::npos)
    return S3MalformedXml();
  buckets::VersioningChange change;
  change.status = current.status;
  if (auto status = XmlChild(request.body, "Status")) {
    if (*status == "Enabled") {
      change.status = buckets::VersioningStatus::kEnabled;
    } else if (*status == "Suspended") {
      change.status = buckets::VersioningStatus::kSuspended;
    } else {
      return S3MalformedXml();
    }
  }
  if (auto mfa_delete = XmlChild(request.body, "MfaDelete")) {
    if (*mfa_delete != "Enabled" && *mfa_delete != "Disabled") return S3MalformedXml();
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
  return S3Recorded(request);
}

Result<S3Outcome> GetBucketVersioning(const Services& services, const CallContext&,
                                      const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::VersioningConfig config,
                      services.buckets->GetVersioning(request.bucket));
  S3Outcome out = S3Recorded(request);
  std::string& b = out.outcome.body;
  b = "<VersioningConfiguration xmlns=\"" + std::string(kS3Xmlns) + "\">";
  if (config.status == buckets::VersioningStatus::kEnabled) b += S3XmlElement("Status", "Enabled");
  if (config.status == buckets::VersioningStatus::kSuspended)
    b += S3XmlElement("Status", "Suspended");
  if (config.mfa_delete) b += S3XmlElement("MfaDelete", "Enabled");
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
  S3Outcome out = S3Recorded(request);
  std::string& b = out.outcome.body;
  b = "<ListVersionsResult xmlns=\"" + std::string(kS3Xmlns) + "\">";
  b += S3XmlElement("Name", XmlEscape(request.bucket)) +
       S3XmlElement("Prefix", name(options.prefix));
  b += S3XmlElement("KeyMarker", name(options.key_marker));
  b += S3XmlElement("VersionIdMarker", XmlEscape(options.version_id_marker));
  if (page.truncated) {
    b += S3XmlElement("NextKeyMarker", name(page.next_key_marker));
    if (!page.next_version_id_marker.empty()) {
      b += S3XmlElement("NextVersionIdMarker", XmlEscape(page.next_version_id_marker));
    }
  }
  b += S3XmlElement("MaxKeys", std::to_string(options.max_keys));
  if (!options.delimiter.empty()) b += S3XmlElement("Delimiter", name(options.delimiter));
  b += S3XmlElement("IsTruncated", page.truncated ? "true" : "false");
  if (url) b += S3XmlElement("EncodingType", "url");
  for (const buckets::VersionEntry& v : page.versions) {
    std::string_view tag = v.delete_marker ? "DeleteMarker" : "Version";
    b += "<" + std::string(tag) + ">" + S3XmlElement("Key", name(v.key));
    b += S3XmlElement("VersionId", XmlEscape(v.version_id));
    b += S3XmlElement("IsLatest", v.is_latest ? "true" : "false");
    b += S3XmlElement("LastModified", FormatIso8601Millis(v.last_modified));
    if (!v.delete_marker) {
      b += S3XmlElement("ETag", XmlEscape(v.etag)) + S3XmlElement("Size", std::to_string(v.size));
      b += S3XmlElement("StorageClass", "STANDARD");
    }
    b += owner + "</" + std::string(tag) + ">";
  }
  for (const std::string& cp : page.common_prefixes) {
    b += "<CommonPrefixes>" + S3XmlElement("Prefix", name(cp)) + "</CommonPrefixes>";
  }
  b += "</ListVersionsResult>";
  return out;
}

}  // namespace ot::api::handlers
