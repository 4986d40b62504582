#include "trail/trail.h"

#include <chrono>
#include <cmath>

#include "api/protocol/json_value.h"
#include "common/time.h"

namespace ot::trail {
namespace {

using api::JsonValue;

void OptMember(JsonWriter& w, std::string_view key, const std::optional<std::string>& v) {
  if (v) w.Key(key).String(*v);
}

void OptTime(JsonWriter& w, std::string_view key, const std::optional<SysMillis>& t) {
  if (t) w.Key(key).Int(t->time_since_epoch().count());
}

// The selector list's JSON array text ({"EventSelectors":[…]} without the wrapper).
std::string SelectorArray(const SelectorConfig& config) {
  std::string text;
  JsonWriter w(&text);
  w.BeginObject();
  WriteSelectors(config, w);
  w.EndObject();
  size_t colon = text.find(':');
  return text.substr(colon + 1, text.size() - colon - 2);
}

// Lenient readers: a member that is absent or of another type reads as absent (or `fallback`).
// Not api::Members, which refuses wrong types: documents from older runs must keep loading.
std::optional<std::string> Str(JsonValue obj, std::string_view key) {
  std::optional<JsonValue> v = obj.Get(key);
  if (!v || v->type() != JsonValue::Type::kString) return std::nullopt;
  return std::string(v->AsString());
}

bool Bool(JsonValue obj, std::string_view key, bool fallback) {
  std::optional<JsonValue> v = obj.Get(key);
  return v && v->type() == JsonValue::Type::kBool ? v->AsBool() : fallback;
}

// Epoch milliseconds; a fraction (never written) truncates toward zero.
std::optional<SysMillis> Time(JsonValue obj, std::string_view key) {
  std::optional<JsonValue> v = obj.Get(key);
  if (!v || v->type() != JsonValue::Type::kNumber) return std::nullopt;
  std::optional<int64_t> ms = v->AsInt();
  if (!ms) {
    double d = std::trunc(v->AsDouble());
    if (!(std::fabs(d) < 9.2e18)) return std::nullopt;
    ms = static_cast<int64_t>(d);
  }
  return SysMillis(std::chrono::milliseconds(*ms));
}

}  // namespace

void WriteTrailMembers(const Trail& t, JsonWriter& w, bool create_shape) {
  w.Key("Name").String(t.name);
  w.Key("S3BucketName").String(t.s3_bucket_name);
  OptMember(w, "S3KeyPrefix", t.s3_key_prefix);
  OptMember(w, "SnsTopicName", t.sns_topic_name);
  OptMember(w, "SnsTopicARN", t.sns_topic_arn);
  w.Key("IncludeGlobalServiceEvents").Bool(t.include_global_service_events);
  w.Key("IsMultiRegionTrail").Bool(t.is_multi_region_trail);
  if (!create_shape) w.Key("HomeRegion").String(t.home_region);
  w.Key("TrailARN").String(t.arn);
  w.Key("LogFileValidationEnabled").Bool(t.log_file_validation_enabled);
  OptMember(w, "CloudWatchLogsLogGroupArn", t.cloud_watch_logs_log_group_arn);
  OptMember(w, "CloudWatchLogsRoleArn", t.cloud_watch_logs_role_arn);
  OptMember(w, "KmsKeyId", t.kms_key_id);
  if (!create_shape) {
    w.Key("HasCustomEventSelectors").Bool(t.has_custom_event_selectors());
    w.Key("HasInsightSelectors").Bool(t.has_insight_selectors);
  }
  w.Key("IsOrganizationTrail").Bool(t.is_organization_trail);
}

std::string EncodeTrail(const Trail& t) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteTrailMembers(t, w);
  w.Key("AccountId").String(t.account_id);
  const TrailStatus& s = t.status;
  w.Key("Status").BeginObject();
  w.Key("IsLogging").Bool(s.is_logging);
  OptTime(w, "StartLoggingTime", s.start_logging_time);
  OptTime(w, "StopLoggingTime", s.stop_logging_time);
  OptTime(w, "LatestDeliveryTime", s.latest_delivery_time);
  OptTime(w, "LatestDigestDeliveryTime", s.latest_digest_delivery_time);
  OptTime(w, "LatestNotificationTime", s.latest_notification_time);
  OptTime(w, "LatestCloudWatchLogsDeliveryTime", s.latest_cloudwatch_logs_delivery_time);
  w.Key("LatestDeliveryError").String(s.latest_delivery_error);
  w.Key("LatestDigestDeliveryError").String(s.latest_digest_delivery_error);
  w.Key("LatestNotificationError").String(s.latest_notification_error);
  w.Key("LatestCloudWatchLogsDeliveryError").String(s.latest_cloudwatch_logs_delivery_error);
  w.EndObject();
  w.Key("Tags").BeginArray();
  for (const Tag& tag : t.tags) {
    w.BeginObject().Key("Key").String(tag.key);
    if (tag.value) w.Key("Value").String(*tag.value);
    w.EndObject();
  }
  w.EndArray();
  if (t.selectors.configured) {
    w.Key(t.selectors.advanced ? "AdvancedEventSelectors" : "EventSelectors")
        .String(SelectorArray(t.selectors));
  }
  w.EndObject();
  return out;
}

Result<Trail> DecodeTrail(std::string_view json) {
  // JsonDocument reads blank text as {} (a request-body convention); a blank trail document is
  // malformed.
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status(Error::kSerialization, "Malformed JSON: no value");
  }
  OT_ASSIGN_OR_RETURN(auto parsed, api::JsonDocument::Parse(json));
  const JsonValue doc = parsed->root();
  Trail t;
  auto name = Str(doc, "Name");
  auto arn = Str(doc, "TrailARN");
  auto bucket = Str(doc, "S3BucketName");
  auto home = Str(doc, "HomeRegion");
  auto account = Str(doc, "AccountId");
  if (!name || !arn || !bucket || !home || !account) {
    return Status(Error::kCorruption,
                  "trail document lacks Name, TrailARN, S3BucketName, "
                  "HomeRegion or AccountId");
  }
  t.name = *name;
  t.arn = *arn;
  t.s3_bucket_name = *bucket;
  t.home_region = *home;
  t.account_id = *account;
  t.s3_key_prefix = Str(doc, "S3KeyPrefix");
  t.sns_topic_name = Str(doc, "SnsTopicName");
  t.sns_topic_arn = Str(doc, "SnsTopicARN");
  t.include_global_service_events = Bool(doc, "IncludeGlobalServiceEvents", true);
  t.is_multi_region_trail = Bool(doc, "IsMultiRegionTrail", false);
  t.log_file_validation_enabled = Bool(doc, "LogFileValidationEnabled", false);
  t.cloud_watch_logs_log_group_arn = Str(doc, "CloudWatchLogsLogGroupArn");
  t.cloud_watch_logs_role_arn = Str(doc, "CloudWatchLogsRoleArn");
  t.kms_key_id = Str(doc, "KmsKeyId");
  t.has_insight_selectors = Bool(doc, "HasInsightSelectors", false);
  t.is_organization_trail = Bool(doc, "IsOrganizationTrail", false);
  if (std::optional<JsonValue> s = doc.Get("Status")) {
    TrailStatus& st = t.status;
    st.is_logging = Bool(*s, "IsLogging", false);
    st.start_logging_time = Time(*s, "StartLoggingTime");
    st.stop_logging_time = Time(*s, "StopLoggingTime");
    st.latest_delivery_time = Time(*s, "LatestDeliveryTime");
    st.latest_digest_delivery_time = Time(*s, "LatestDigestDeliveryTime");
    st.latest_notification_time = Time(*s, "LatestNotificationTime");
    st.latest_cloudwatch_logs_delivery_time = Time(*s, "LatestCloudWatchLogsDeliveryTime");
    st.latest_delivery_error = Str(*s, "LatestDeliveryError").value_or("");
    st.latest_digest_delivery_error = Str(*s, "LatestDigestDeliveryError").value_or("");
    st.latest_notification_error = Str(*s, "LatestNotificationError").value_or("");
    st.latest_cloudwatch_logs_delivery_error =
        Str(*s, "LatestCloudWatchLogsDeliveryError").value_or("");
  }
  if (std::optional<JsonValue> tags = doc.Get("Tags")) {
    for (JsonValue tag : tags->Items()) {
      t.tags.push_back(Tag{Str(tag, "Key").value_or(""), Str(tag, "Value")});
    }
  }
  auto basic = Str(doc, "EventSelectors");
  auto advanced = Str(doc, "AdvancedEventSelectors");
  if (basic || advanced) {
    OT_ASSIGN_OR_RETURN(t.selectors,
                        ParseEventSelectors(basic.value_or(""), advanced.value_or("")));
  }
  return t;
}

bool IsGlobalServiceEvent(std::string_view event_source, std::string_view event_region) {
  if (event_region != "us-east-1") return false;
  constexpr std::string_view kGlobal[] = {
      "iam.amazonaws.com",
      "sts.amazonaws.com",
      "cloudfront.amazonaws.com",
      "route53.amazonaws.com",
      "organizations.amazonaws.com",
      "waf.amazonaws.com",
      "globalaccelerator.amazonaws.com",
      "shield.amazonaws.com",
      "signin.amazonaws.com",
  };
  for (std::string_view g : kGlobal) {
    if (event_source == g) return true;
  }
  return false;
}

bool CoversRegion(const Trail& trail, std::string_view event_region,
                  std::string_view event_source) {
  if (IsGlobalServiceEvent(event_source, event_region)) {
    return trail.include_global_service_events &&
           (trail.is_multi_region_trail || trail.home_region == event_region);
  }
  return trail.is_multi_region_trail || trail.home_region == event_region;
}

}  // namespace ot::trail
