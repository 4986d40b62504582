#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/json_writer.h"
#include "common/status.h"
#include "trail/selectors.h"

namespace ot::trail {

struct Tag {
  std::string key;
  std::optional<std::string> value;  // absent is not the same as ""
  friend bool operator==(const Tag&, const Tag&) = default;
};

// What GetTrailStatus reports. Delivery fields stay unset until delivery sets them.
struct TrailStatus {
  bool is_logging = false;
  std::optional<SysMillis> start_logging_time, stop_logging_time;
  std::optional<SysMillis> latest_delivery_time, latest_digest_delivery_time;
  std::optional<SysMillis> latest_notification_time, latest_cloudwatch_logs_delivery_time;
  std::string latest_delivery_error, latest_digest_delivery_error;  // S3 error codes; "" = none
  std::string latest_notification_error, latest_cloudwatch_logs_delivery_error;
  friend bool operator==(const TrailStatus&, const TrailStatus&) = default;
};

// A trail (api.md §3): configuration, status, tags and selectors.
struct Trail {
  std::string name;
  std::string account_id;
  std::string home_region;
  std::string arn;  // arn:aws:cloudtrail:<home region>:<account>:trail/<name>
  std::string s3_bucket_name;
  std::optional<std::string> s3_key_prefix;
  std::optional<std::string> sns_topic_name, sns_topic_arn;
  bool include_global_service_events = true;
  bool is_multi_region_trail = false;
  bool log_file_validation_enabled = false;
  std::optional<std::string> cloud_watch_logs_log_group_arn, cloud_watch_logs_role_arn;
  std::optional<std::string> kms_key_id;  // ARN form
  bool has_insight_selectors = false;
  bool is_organization_trail = false;
  SelectorConfig selectors;
  TrailStatus status;
  std::vector<Tag> tags;

  bool has_custom_event_selectors() const { return selectors.configured; }
  friend bool operator==(const Trail&, const Trail&) = default;
};

// Writes the members of the API's Trail structure (inside an open object), as GetTrail and
// DescribeTrails return them. `create_shape` = the CreateTrail/UpdateTrail response (no
// HomeRegion, HasCustomEventSelectors, HasInsightSelectors).
void WriteTrailMembers(const Trail& t, JsonWriter& w, bool create_shape = false);

// The registry's persisted document of a trail, and back.
std::string EncodeTrail(const Trail& t);
Result<Trail> DecodeTrail(std::string_view json);

// Global service events (IAM, STS, CloudFront, Route 53, …) are recorded in us-east-1.
bool IsGlobalServiceEvent(std::string_view event_source, std::string_view event_region);

// Whether `trail` receives an event of `event_source` recorded in `event_region`: a single-region
// trail gets its home region's events, a multi-region trail every region's; global service events
// only when IncludeGlobalServiceEvents (and, for a single-region trail, only in us-east-1).
bool CoversRegion(const Trail& trail, std::string_view event_region, std::string_view event_source);

}  // namespace ot::trail
