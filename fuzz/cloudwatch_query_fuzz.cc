// Fuzzes how CloudWatch requests are read before any handler logic: a Query form turned into the
// JSON view the handlers read (QueryParamsToJson), the lenient typed reads of CwInput over it
// (numbers, booleans and timestamps as text, lists, dimensions), and the PutMetricData log's line
// decoder. Nothing may crash; the JSON view must always parse.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/handlers/cw_util.h"
#include "monitor/metric_data_log.h"

namespace {

void Read(const ot::api::handlers::cw::CwInput& in, int depth) {
  if (depth > 8) return;
  for (std::string_view name : {"AlarmName", "Namespace", "MetricName", "Threshold", "Period",
                                "ActionsEnabled", "StartTime", "Timestamp", "Value"}) {
    (void)in.Str(name);
    (void)in.Double(name);
    (void)in.Int(name);
    (void)in.Bool(name);
    (void)in.Time(name);
  }
  (void)in.StrList("AlarmNames");
  (void)in.Dimensions("Dimensions");
  (void)in.Dimensions("Dimensions", /*value_optional=*/true);
  for (std::string_view name : {"MetricData", "MetricDataQueries", "Values"}) {
    auto list = in.List(name);
    if (!list.ok() || !*list) continue;
    for (const ot::api::JsonValue& item : **list) {
      Read(ot::api::handlers::cw::CwInput(item), depth + 1);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ot::api::QueryParams params = ot::api::QueryParams::Parse(text);
  auto doc = ot::api::JsonDocument::Parse(ot::api::handlers::cw::QueryParamsToJson(params));
  OT_CHECK(doc.ok());
  Read(ot::api::handlers::cw::CwInput((*doc)->root()), 0);
  (void)ot::monitor::DecodeDatapoint(text);
  return 0;
}
