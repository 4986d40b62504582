// GetTrailStatus, StartLogging, StopLogging (api.md §3).

#include "api/handlers/operation.h"
#include "api/handlers/trail_util.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/time.h"

namespace ot::api::handlers {
namespace {

void OptTime(JsonWriter& w, std::string_view key, const std::optional<SysMillis>& t) {
  if (t) w.Key(key).Number(FormatEpochSeconds(*t));
}

void OptError(JsonWriter& w, std::string_view key, const std::string& error) {
  if (!error.empty()) w.Key(key).String(error);
}

}  // namespace

Result<Outcome> GetTrailStatus(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, internal::Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("Name"));
  OT_ASSIGN_OR_RETURN(trail::Trail t, trails->Get(name, ctx.caller.region));
  const trail::TrailStatus& s = t.status;
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("IsLogging").Bool(s.is_logging);
  OptError(w, "LatestDeliveryError", s.latest_delivery_error);
  OptError(w, "LatestNotificationError", s.latest_notification_error);
  OptTime(w, "LatestDeliveryTime", s.latest_delivery_time);
  OptTime(w, "LatestNotificationTime", s.latest_notification_time);
  OptTime(w, "StartLoggingTime", s.start_logging_time);
  OptTime(w, "StopLoggingTime", s.stop_logging_time);
  OptError(w, "LatestCloudWatchLogsDeliveryError", s.latest_cloudwatch_logs_delivery_error);
  OptTime(w, "LatestCloudWatchLogsDeliveryTime", s.latest_cloudwatch_logs_delivery_time);
  OptTime(w, "LatestDigestDeliveryTime", s.latest_digest_delivery_time);
  OptError(w, "LatestDigestDeliveryError", s.latest_digest_delivery_error);
  w.EndObject();
  out.resources = internal::TrailResource(t);
  return out;
}

Result<Outcome> StartLogging(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, internal::Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("Name"));
  OT_ASSIGN_OR_RETURN(trail::Trail t, trails->StartLogging(name, ctx.caller.region, ctx.now));
  Outcome out;
  out.body = "{}";
  out.resources = internal::TrailResource(t);
  if (services.delivery != nullptr) {
    // The trail delivers from this call's own record on (it is the last event of the append).
    out.finish = [delivery = services.delivery, arn = t.arn](const store::AppendResult& r,
                                                             std::string*) {
      Status s = delivery->LoggingStarted(arn, r.sequences.back());
      if (!s.ok()) Log(LogLevel::kError, "recording StartLogging for delivery: " + s.ToString());
    };
  }
  return out;
}

Result<Outcome> StopLogging(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, internal::Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("Name"));
  OT_ASSIGN_OR_RETURN(trail::Trail t, trails->StopLogging(name, ctx.caller.region, ctx.now));
  Outcome out;
  out.body = "{}";
  out.resources = internal::TrailResource(t);
  if (services.delivery != nullptr) {
    // Events up to and including this call's own record are still delivered.
    out.finish = [delivery = services.delivery, arn = t.arn](const store::AppendResult& r,
                                                             std::string*) {
      Status s = delivery->LoggingStopped(arn, r.sequences.back());
      if (!s.ok()) Log(LogLevel::kError, "recording StopLogging for delivery: " + s.ToString());
    };
  }
  return out;
}

}  // namespace ot::api::handlers
