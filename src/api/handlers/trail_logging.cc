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

namespace {

// StartLogging and StopLogging: change the trail, then tell delivery that its logging interval
// starts or ends at this call's own record (the last event of the call's append), so that the
// record itself is delivered either way.
Result<Outcome> SetLogging(const Services& services, const CallContext& ctx, JsonValue input,
                           bool start) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, internal::Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("Name"));
  OT_ASSIGN_OR_RETURN(trail::Trail t, start
                                          ? trails->StartLogging(name, ctx.caller.region, ctx.now)
                                          : trails->StopLogging(name, ctx.caller.region, ctx.now));
  Outcome out;
  out.body = "{}";
  out.resources = internal::TrailResource(t);
  if (services.delivery != nullptr) {
    out.finish = [delivery = services.delivery, arn = t.arn, start](const store::AppendResult& r,
                                                                    std::string*) {
      uint64_t own = r.sequences.back();
      Status s = start ? delivery->LoggingStarted(arn, own) : delivery->LoggingStopped(arn, own);
      if (!s.ok()) Log(LogLevel::kError, "telling delivery about logging: " + s.ToString());
    };
  }
  return out;
}

}  // namespace

Result<Outcome> StartLogging(const Services& services, const CallContext& ctx, JsonValue input) {
  return SetLogging(services, ctx, input, /*start=*/true);
}

Result<Outcome> StopLogging(const Services& services, const CallContext& ctx, JsonValue input) {
  return SetLogging(services, ctx, input, /*start=*/false);
}

}  // namespace ot::api::handlers
