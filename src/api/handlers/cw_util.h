#pragma once

// Helpers shared by the CloudWatch handlers (cw_*.cc). CloudWatch speaks two protocols
// (protocols.md §2): AWS Query (form parameters, XML results; AWS CLI v2 2.9) and JSON 1.0
// (X-Amz-Target GraniteServiceVersion20100801.*; current botocore). Each operation is written
// once against CwInput (a JSON view of either request) and returns a CwNode tree that becomes
// either the inner XML of <{Op}Result> or the JSON body.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/handlers/operation.h"
#include "api/protocol/json_value.h"
#include "api/protocol/query.h"
#include "monitor/alarm_engine.h"
#include "monitor/alarm_store.h"
#include "monitor/metric_data_log.h"
#include "monitor/metrics.h"

namespace ot::api::handlers::cw {

// The JSON text of a Query request's parameters: `X.member.N` become arrays (by N),
// `X.entry.N.key/value` objects, dotted names nested objects, every leaf a string; Action and
// Version are left out. A bare `X=` stays the empty string (CwInput reads it as an empty list).
std::string QueryParamsToJson(const QueryParams& params);

// Typed members of a CloudWatch request, lenient about the wire form: numbers, booleans and
// timestamps may be JSON values or (from Query) their text. Errors are CloudWatch's:
// MissingParameter "The parameter X is required.", InvalidParameterValue naming the member.
class CwInput {
 public:
  explicit CwInput(JsonValue object) : object_(object) {}
  std::optional<JsonValue> Raw(std::string_view name) const;
  Result<std::optional<std::string>> Str(std::string_view name) const;
  Result<std::string> ReqStr(std::string_view name) const;
  Result<std::optional<double>> Double(std::string_view name) const;
  Result<std::optional<int64_t>> Int(std::string_view name) const;
  Result<std::optional<bool>> Bool(std::string_view name) const;
  Result<std::optional<SysMillis>> Time(std::string_view name) const;
  // Absent → nullopt; "" (Query's empty list) → {}.
  Result<std::optional<std::vector<JsonValue>>> List(std::string_view name) const;
  Result<std::vector<std::string>> StrList(std::string_view name) const;
  // Dimensions [{Name, Value}] sorted by name; Value required unless `value_optional`.
  Result<std::vector<std::pair<std::string, std::string>>> Dimensions(
      std::string_view name, bool value_optional = false) const;

 private:
  JsonValue object_;
};

Status Missing(std::string_view member);
Status Invalid(std::string message);

// An output value: the members of a result, written as Query XML or JSON 1.0.
struct CwNode {
  enum class Kind { kString, kNumber, kInt, kBool, kTime, kList, kStruct, kMap };
  Kind kind = Kind::kStruct;
  std::string text;
  double number = 0;
  int64_t integer = 0;
  bool boolean = false;
  SysMillis time{};
  std::vector<CwNode> items;                           // kList
  std::vector<std::pair<std::string, CwNode>> fields;  // kStruct, kMap

  static CwNode Str(std::string s);
  static CwNode Num(double d);
  static CwNode Int(int64_t i);
  static CwNode Bool(bool b);
  static CwNode Time(SysMillis t);
  static CwNode List(std::vector<CwNode> items = {});
  static CwNode StrList(const std::vector<std::string>& items);
  static CwNode Struct() { return CwNode(); }
  CwNode& Add(std::string name, CwNode value);
};

std::string ToJson(const CwNode& node);
std::string ToQueryXml(const CwNode& result);  // the members of <{Op}Result>

// What an operation produced.
struct CwResult {
  CwNode output = CwNode::Struct();
  std::vector<events::Resource> resources;
};

using CwHandler = Result<CwResult> (*)(const Services&, const CallContext&, const CwInput&);

template <CwHandler H>
Result<Outcome> ViaJson(const Services& s, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(CwResult r, H(s, ctx, CwInput(input)));
  Outcome out;
  out.body = ToJson(r.output);
  out.resources = std::move(r.resources);
  return out;
}

template <CwHandler H>
Result<Outcome> ViaQuery(const Services& s, const CallContext& ctx, const QueryParams& params) {
  OT_ASSIGN_OR_RETURN(auto doc, JsonDocument::Parse(QueryParamsToJson(params)));
  OT_ASSIGN_OR_RETURN(CwResult r, H(s, ctx, CwInput(doc->root())));
  Outcome out;
  out.body = ToQueryXml(r.output);
  out.resources = std::move(r.resources);
  return out;
}

// The services CloudWatch needs, or kInternal when the server runs without them.
Result<monitor::AlarmStore*> Alarms(const Services& services);

// The ARN a cloudwatch: action is authorized on: the alarm's
// (arn:aws:cloudwatch:<region>:<account>:alarm:<name>) when the call names exactly one alarm,
// else "*".
std::string CloudWatchResource(const Services& services, const CallContext& ctx,
                               std::string_view action, JsonValue input);

// Page tokens: base64 of "<kind>:<position>"; kInvalidNextToken when not one we issued.
std::string EncodeToken(std::string_view kind, std::string_view position);
Result<std::string> DecodeToken(std::string_view kind, std::string_view token);

// The alarm as DescribeAlarms lists it.
CwNode AlarmNode(const monitor::MetricAlarm& alarm);

// CloudWatch operation handlers (cw_metrics.cc, cw_alarms.cc).
Result<CwResult> PutMetricData(const Services&, const CallContext&, const CwInput&);
Result<CwResult> ListMetrics(const Services&, const CallContext&, const CwInput&);
Result<CwResult> GetMetricStatistics(const Services&, const CallContext&, const CwInput&);
Result<CwResult> GetMetricData(const Services&, const CallContext&, const CwInput&);
Result<CwResult> PutMetricAlarm(const Services&, const CallContext&, const CwInput&);
Result<CwResult> DescribeAlarms(const Services&, const CallContext&, const CwInput&);
Result<CwResult> DescribeAlarmsForMetric(const Services&, const CallContext&, const CwInput&);
Result<CwResult> DeleteAlarms(const Services&, const CallContext&, const CwInput&);
Result<CwResult> SetAlarmState(const Services&, const CallContext&, const CwInput&);
Result<CwResult> DescribeAlarmHistory(const Services&, const CallContext&, const CwInput&);
Result<CwResult> EnableAlarmActions(const Services&, const CallContext&, const CwInput&);
Result<CwResult> DisableAlarmActions(const Services&, const CallContext&, const CwInput&);

}  // namespace ot::api::handlers::cw
