// S3 object lock of local buckets: Put/GetObjectLockConfiguration, Put/GetObjectRetention,
// Put/GetObjectLegalHold, and the object-lock headers of PutObject and CreateBucket.
#include <charconv>

#include "api/handlers/s3_operations.h"
#include "api/protocol/reply.h"
#include "api/protocol/s3_xml.h"
#include "buckets/bucket_registry.h"
#include "common/time.h"

namespace ot::api::handlers {
namespace {

Status NoLockOnObject() {
  return Status(Error::kNoSuchObjectLockConfiguration,
                "The specified object does not have a ObjectLock configuration");
}

bool IsMode(std::string_view mode) {
  return mode == buckets::kLockGovernance || mode == buckets::kLockCompliance;
}

// x-amz-bypass-governance-retention: true, which also needs s3:BypassGovernanceRetention.
Result<bool> Bypass(const S3Request& request) {
  std::string_view v = request.Header("x-amz-bypass-governance-retention");
  if (v != "true" && v != "True" && v != "TRUE") return false;
  std::string arn = "arn:aws:s3:::" + request.bucket + "/" + request.key;
  Status allowed = request.authorize ? request.authorize("s3:BypassGovernanceRetention", arn)
                                     : Status(Error::kAccessDenied, "Access Denied");
  if (!allowed.ok()) return allowed;
  return true;
}

// The versionId parameter ("" when absent).
std::string VersionParam(const S3Request& request) {
  return request.Param("versionId").value_or("");
}

Result<SysMillis> RetainUntil(std::string_view text) {
  auto t = ParseIso8601(text);
  if (!t.ok()) {
    return Status(Error::kInvalidArgument,
                  "The retain until date is not a valid ISO 8601 date: " + std::string(text));
  }
  return *t;
}

}  // namespace

Result<S3Outcome> PutObjectLockConfiguration(const Services& services, const CallContext&,
                                             const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->GetVersioning(request.bucket).status());
  OT_RETURN_IF_ERROR(RequireChecksum(request));
  if (request.body.find("<ObjectLockConfiguration") == std::string_view::npos)
    return S3MalformedXml();
  auto enabled = XmlChild(request.body, "ObjectLockEnabled");
  if (!enabled || *enabled != "Enabled") return S3MalformedXml();
  std::optional<buckets::DefaultRetention> rule;
  if (auto r = XmlChild(request.body, "DefaultRetention")) {
    buckets::DefaultRetention d;
    auto mode = XmlChild(*r, "Mode");
    auto days = XmlChild(*r, "Days");
    auto years = XmlChild(*r, "Years");
    if (!mode || !IsMode(*mode) || days.has_value() == years.has_value()) return S3MalformedXml();
    d.mode = std::string(*mode);
    std::string_view n = days ? *days : *years;
    int value = 0;
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), value);
    if (ec != std::errc() || end != n.data() + n.size() || value <= 0 ||
        value > (days ? 36500 : 100)) {
      return Status(Error::kInvalidArgument,
                    "Default retention period must be a positive integer value");
    }
    (days ? d.days : d.years) = value;
    rule = d;
  } else if (XmlChild(request.body, "Rule")) {
    return S3MalformedXml();
  }
  OT_RETURN_IF_ERROR(services.buckets->PutObjectLock(request.bucket, rule));
  return S3Recorded(request);
}

Result<S3Outcome> GetObjectLockConfiguration(const Services& services, const CallContext&,
                                             const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::VersioningConfig config,
                      services.buckets->GetVersioning(request.bucket));
  if (!config.object_lock) {
    return Status(Error::kObjectLockConfigurationNotFound,
                  "Object Lock configuration does not exist for this bucket");
  }
  S3Outcome out = S3Recorded(request);
  std::string& b = out.outcome.body;
  b = "<ObjectLockConfiguration xmlns=\"" + std::string(kS3Xmlns) + "\">";
  b += S3XmlElement("ObjectLockEnabled", "Enabled");
  if (const auto& d = config.default_retention) {
    b += "<Rule><DefaultRetention>" + S3XmlElement("Mode", d->mode);
    b += d->days > 0 ? S3XmlElement("Days", std::to_string(d->days))
                     : S3XmlElement("Years", std::to_string(d->years));
    b += "</DefaultRetention></Rule>";
  }
  b += "</ObjectLockConfiguration>";
  return out;
}

Result<S3Outcome> PutObjectRetention(const Services& services, const CallContext& ctx,
                                     const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->GetVersioning(request.bucket).status());
  OT_RETURN_IF_ERROR(RequireChecksum(request));
  if (request.body.find("<Retention") == std::string_view::npos) return S3MalformedXml();
  buckets::ObjectRetention retention;
  auto mode = XmlChild(request.body, "Mode");
  auto until = XmlChild(request.body, "RetainUntilDate");
  if (mode.has_value() != until.has_value()) {
    return Status(Error::kInvalidArgument,
                  "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be "
                  "supplied");
  }
  if (mode) {
    if (!IsMode(*mode)) return Status(Error::kInvalidArgument, "Unknown wormMode directive.");
    retention.mode = std::string(*mode);
    OT_ASSIGN_OR_RETURN(retention.retain_until, RetainUntil(*until));
    if (retention.retain_until <= ctx.now) {
      return Status(Error::kInvalidArgument, "The retain until date must be in the future!");
    }
  }
  OT_ASSIGN_OR_RETURN(bool bypass, Bypass(request));
  OT_RETURN_IF_ERROR(services.buckets->PutRetention(request.bucket, request.key,
                                                    VersionParam(request), retention, bypass));
  return S3Recorded(request);
}

Result<S3Outcome> GetObjectRetention(const Services& services, const CallContext&,
                                     const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::VersioningConfig config,
                      services.buckets->GetVersioning(request.bucket));
  if (!config.object_lock) {
    return Status(Error::kValidation, "Bucket is missing Object Lock Configuration");
  }
  std::string version = VersionParam(request);
  OT_ASSIGN_OR_RETURN(
      buckets::ObjectInfo info,
      version.empty() ? services.buckets->HeadObject(request.bucket, request.key)
                      : services.buckets->HeadObjectVersion(request.bucket, request.key, version));
  if (info.retention.mode.empty()) return NoLockOnObject();
  S3Outcome out = S3Recorded(request);
  out.outcome.body =
      "<Retention xmlns=\"" + std::string(kS3Xmlns) + "\">" +
      S3XmlElement("Mode", info.retention.mode) +
      S3XmlElement("RetainUntilDate", FormatIso8601Millis(info.retention.retain_until)) +
      "</Retention>";
  return out;
}

Result<S3Outcome> PutObjectLegalHold(const Services& services, const CallContext&,
                                     const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->GetVersioning(request.bucket).status());
  OT_RETURN_IF_ERROR(RequireChecksum(request));
  if (request.body.find("<LegalHold") == std::string_view::npos) return S3MalformedXml();
  auto status = XmlChild(request.body, "Status");
  if (!status || (*status != "ON" && *status != "OFF")) {
    return Status(Error::kInvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'");
  }
  OT_RETURN_IF_ERROR(services.buckets->PutLegalHold(request.bucket, request.key,
                                                    VersionParam(request), *status == "ON"));
  return S3Recorded(request);
}

Result<S3Outcome> GetObjectLegalHold(const Services& services, const CallContext&,
                                     const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::VersioningConfig config,
                      services.buckets->GetVersioning(request.bucket));
  if (!config.object_lock) {
    return Status(Error::kValidation, "Bucket is missing Object Lock Configuration");
  }
  std::string version = VersionParam(request);
  OT_ASSIGN_OR_RETURN(
      buckets::ObjectInfo info,
      version.empty() ? services.buckets->HeadObject(request.bucket, request.key)
                      : services.buckets->HeadObjectVersion(request.bucket, request.key, version));
  S3Outcome out = S3Recorded(request);
  out.outcome.body = "<LegalHold xmlns=\"" + std::string(kS3Xmlns) + "\">" +
                     S3XmlElement("Status", info.legal_hold ? "ON" : "OFF") + "</LegalHold>";
  return out;
}

Status ReadObjectLockHeaders(const Services& services, const S3Request& request,
                             buckets::PutObjectRequest* put) {
  std::string_view mode = request.Header("x-amz-object-lock-mode");
  std::string_view until = request.Header("x-amz-object-lock-retain-until-date");
  std::string_view hold = request.Header("x-amz-object-lock-legal-hold");
  if (mode.empty() && until.empty() && hold.empty()) return Status::Ok();
  OT_ASSIGN_OR_RETURN(buckets::VersioningConfig config,
                      services.buckets->GetVersioning(request.bucket));
  if (!config.object_lock) {
    return Status(Error::kValidation, "Bucket is missing Object Lock Configuration");
  }
  if (mode.empty() != until.empty()) {
    return Status(Error::kInvalidArgument,
                  "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be "
                  "supplied");
  }
  std::string arn = "arn:aws:s3:::" + request.bucket + "/" + request.key;
  auto allow = [&](std::string_view action) {
    return request.authorize ? request.authorize(action, arn)
                             : Status(Error::kAccessDenied, "Access Denied");
  };
  if (!mode.empty()) {
    if (!IsMode(mode)) return Status(Error::kInvalidArgument, "Unknown wormMode directive.");
    OT_ASSIGN_OR_RETURN(put->retention.retain_until, RetainUntil(until));
    if (put->retention.retain_until <= services.env.clock.Now()) {
      return Status(Error::kInvalidArgument, "The retain until date must be in the future!");
    }
    put->retention.mode = std::string(mode);
    OT_RETURN_IF_ERROR(allow("s3:PutObjectRetention"));
  }
  if (!hold.empty()) {
    if (hold != "ON" && hold != "OFF") {
      return Status(Error::kInvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'");
    }
    put->legal_hold = hold == "ON";
    OT_RETURN_IF_ERROR(allow("s3:PutObjectLegalHold"));
  }
  return Status::Ok();
}

}  // namespace ot::api::handlers
