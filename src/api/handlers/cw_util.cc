#include "api/handlers/cw_util.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "api/protocol/reply.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/time.h"

namespace ot::api::handlers::cw {
namespace {

constexpr size_t kMaxDepth = 32;  // dotted segments in one Query parameter name

struct QNode {
  std::optional<std::string> value;
  std::map<std::string, QNode> fields;
  std::map<long, QNode> members;
  std::map<long, QNode> entries;
};

std::optional<long> Index(std::string_view s) {
  long n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 1) return std::nullopt;
  return n;
}

void WriteQNode(JsonWriter& w, const QNode& n) {
  if (!n.members.empty()) {
    w.BeginArray();
    for (const auto& [i, item] : n.members) WriteQNode(w, item);
    w.EndArray();
  } else if (!n.entries.empty()) {
    w.BeginObject();
    for (const auto& [i, e] : n.entries) {
      auto k = e.fields.find("key");
      auto v = e.fields.find("value");
      if (k == e.fields.end() || !k->second.value) continue;
      w.Key(*k->second.value);
      if (v == e.fields.end()) {
        w.Null();
      } else {
        WriteQNode(w, v->second);
      }
    }
    w.EndObject();
  } else if (!n.fields.empty()) {
    w.BeginObject();
    for (const auto& [k, v] : n.fields) {
      w.Key(k);
      WriteQNode(w, v);
    }
    w.EndObject();
  } else {
    w.String(n.value.value_or(""));
  }
}

std::string Number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

void WriteJson(JsonWriter& w, const CwNode& n) {
  switch (n.kind) {
    case CwNode::Kind::kString:
      w.String(n.text);
      return;
    case CwNode::Kind::kNumber:
      w.Double(n.number);
      return;
    case CwNode::Kind::kInt:
      w.Int(n.integer);
      return;
    case CwNode::Kind::kBool:
      w.Bool(n.boolean);
      return;
    case CwNode::Kind::kTime:
      w.Number(FormatEpochSeconds(n.time));
      return;
    case CwNode::Kind::kList:
      w.BeginArray();
      for (const CwNode& item : n.items) WriteJson(w, item);
      w.EndArray();
      return;
    case CwNode::Kind::kStruct:
    case CwNode::Kind::kMap:
      w.BeginObject();
      for (const auto& [k, v] : n.fields) {
        w.Key(k);
        WriteJson(w, v);
      }
      w.EndObject();
      return;
  }
}

void WriteXml(std::string& out, const CwNode& n) {
  switch (n.kind) {
    case CwNode::Kind::kString:
      out += XmlEscape(n.text);
      return;
    case CwNode::Kind::kNumber:
      out += Number(n.number);
      return;
    case CwNode::Kind::kInt:
      out += std::to_string(n.integer);
      return;
    case CwNode::Kind::kBool:
      out += n.boolean ? "true" : "false";
      return;
    case CwNode::Kind::kTime:
      out += FormatIso8601Millis(n.time);
      return;
    case CwNode::Kind::kList:
      for (const CwNode& item : n.items) {
        out += "<member>";
        WriteXml(out, item);
        out += "</member>";
      }
      return;
    case CwNode::Kind::kStruct:
      for (const auto& [k, v] : n.fields) {
        if (v.kind == CwNode::Kind::kList && v.items.empty()) {
          out += "<" + k + "/>";
          continue;
        }
        out += "<" + k + ">";
        WriteXml(out, v);
        out += "</" + k + ">";
      }
      return;
    case CwNode::Kind::kMap:
      for (const auto& [k, v] : n.fields) {
        out += "<entry><key>" + XmlEscape(k) + "</key><value>";
        WriteXml(out, v);
        out += "</value></entry>";
      }
      return;
  }
}

Status WrongType(std::string_view name, std::string_view want) {
  return Invalid("The parameter " + std::string(name) + " must be " + std::string(want) + ".");
}

}  // namespace

std::string QueryParamsToJson(const QueryParams& params) {
  QNode root;
  for (const auto& [name, value] : params.all()) {
    if (name == "Action" || name == "Version") continue;
    std::vector<std::string_view> parts;
    std::string_view rest = name;
    while (true) {
      size_t dot = rest.find('.');
      parts.push_back(rest.substr(0, dot));
      if (dot == std::string_view::npos) break;
      rest = rest.substr(dot + 1);
    }
    // No CloudWatch member nests this deep; a longer name is not one of theirs, and building
    // (and later destroying) the tree recursively must not run out of stack.
    if (parts.size() > kMaxDepth) continue;
    QNode* node = &root;
    for (size_t i = 0; i < parts.size(); ++i) {
      std::optional<long> idx = i + 1 < parts.size() ? Index(parts[i + 1]) : std::nullopt;
      if (parts[i] == "member" && idx) {
        node = &node->members[*idx];
        ++i;
      } else if (parts[i] == "entry" && idx) {
        node = &node->entries[*idx];
        ++i;
      } else {
        node = &node->fields[std::string(parts[i])];
      }
    }
    node->value = value;
  }
  JsonWriter w;
  if (root.fields.empty()) return "{}";
  WriteQNode(w, root);
  return w.Take();
}

Status Missing(std::string_view member) {
  return Status(Error::kMissingParameter, "The parameter " + std::string(member) + " is required.");
}

Status Invalid(std::string message) {
  return Status(Error::kInvalidParameterValue, std::move(message));
}

std::optional<JsonValue> CwInput::Raw(std::string_view name) const {
  if (!object_.is_object()) return std::nullopt;
  auto v = object_.Get(name);
  if (!v || v->is_null()) return std::nullopt;
  return v;
}

Result<std::optional<std::string>> CwInput::Str(std::string_view name) const {
  auto v = Raw(name);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(name, "a string");
  return std::optional<std::string>(std::string(v->AsString()));
}

Result<std::string> CwInput::ReqStr(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto s, Str(name));
  if (!s || s->empty()) return Missing(name);
  return *s;
}

Result<std::optional<double>> CwInput::Double(std::string_view name) const {
  auto v = Raw(name);
  if (!v) return std::optional<double>();
  if (v->type() == JsonValue::Type::kNumber) return std::optional<double>(v->AsDouble());
  if (v->is_string()) {
    std::string_view s = v->AsString();
    if (s == "NaN" || s == "Infinity" || s == "-Infinity") {
      return Invalid("The value " + std::string(s) + " for parameter " + std::string(name) +
                     " is invalid.");
    }
    double d = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) {
      return std::optional<double>(d);
    }
  }
  return WrongType(name, "a number");
}

Result<std::optional<int64_t>> CwInput::Int(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto d, Double(name));
  if (!d) return std::optional<int64_t>();
  if (*d != std::floor(*d) || std::fabs(*d) > 9e15) return WrongType(name, "an integer");
  return std::optional<int64_t>(static_cast<int64_t>(*d));
}

Result<std::optional<bool>> CwInput::Bool(std::string_view name) const {
  auto v = Raw(name);
  if (!v) return std::optional<bool>();
  if (v->type() == JsonValue::Type::kBool) return std::optional<bool>(v->AsBool());
  if (v->is_string() && (v->AsString() == "true" || v->AsString() == "false")) {
    return std::optional<bool>(v->AsString() == "true");
  }
  return WrongType(name, "true or false");
}

Result<std::optional<SysMillis>> CwInput::Time(std::string_view name) const {
  auto v = Raw(name);
  if (!v) return std::optional<SysMillis>();
  double secs = 0;
  if (v->type() == JsonValue::Type::kNumber) {
    secs = v->AsDouble();
  } else if (v->is_string()) {
    std::string_view s = v->AsString();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), secs);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
      auto t = ParseIso8601(s);
      if (!t.ok()) return WrongType(name, "an ISO 8601 timestamp");
      return std::optional<SysMillis>(*t);
    }
  } else {
    return WrongType(name, "a timestamp");
  }
  if (!std::isfinite(secs) || std::fabs(secs) > 1e11) return WrongType(name, "a timestamp");
  return std::optional<SysMillis>(
      SysMillis(std::chrono::milliseconds(static_cast<int64_t>(std::llround(secs * 1000)))));
}

Result<std::optional<std::vector<JsonValue>>> CwInput::List(std::string_view name) const {
  auto v = Raw(name);
  if (!v) return std::optional<std::vector<JsonValue>>();
  if (v->is_string() && v->AsString().empty()) {
    return std::optional<std::vector<JsonValue>>(std::vector<JsonValue>{});
  }
  if (!v->is_array()) return WrongType(name, "a list");
  return std::optional<std::vector<JsonValue>>(v->Items());
}

Result<std::vector<std::string>> CwInput::StrList(std::string_view name) const {
  OT_ASSIGN_OR_RETURN(auto list, List(name));
  std::vector<std::string> out;
  if (!list) return out;
  for (const JsonValue& item : *list) {
    if (!item.is_string()) return WrongType(name, "a list of strings");
    out.emplace_back(item.AsString());
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> CwInput::Dimensions(
    std::string_view name, bool value_optional) const {
  OT_ASSIGN_OR_RETURN(auto list, List(name));
  std::vector<std::pair<std::string, std::string>> out;
  if (!list) return out;
  if (list->size() > 30) {
    return Invalid("The collection " + std::string(name) + " must not have more than 30 members.");
  }
  for (const JsonValue& item : *list) {
    CwInput d(item);
    OT_ASSIGN_OR_RETURN(auto n, d.Str("Name"));
    OT_ASSIGN_OR_RETURN(auto v, d.Str("Value"));
    if (!n || n->empty()) return Missing(std::string(name) + ".Name");
    if (!value_optional && (!v || v->empty())) return Missing(std::string(name) + ".Value");
    if (n->size() > 255 || (v && v->size() > 1024)) {
      return Invalid("The dimension " + *n + " in " + std::string(name) + " is too long.");
    }
    out.emplace_back(*n, v.value_or(""));
  }
  std::sort(out.begin(), out.end());
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].first == out[i - 1].first) {
      return Invalid("The collection " + std::string(name) + " must not contain duplicate names (" +
                     out[i].first + ").");
    }
  }
  return out;
}

CwNode CwNode::Str(std::string s) {
  CwNode n;
  n.kind = Kind::kString;
  n.text = std::move(s);
  return n;
}
CwNode CwNode::Num(double d) {
  CwNode n;
  n.kind = Kind::kNumber;
  n.number = d;
  return n;
}
CwNode CwNode::Int(int64_t i) {
  CwNode n;
  n.kind = Kind::kInt;
  n.integer = i;
  return n;
}
CwNode CwNode::Bool(bool b) {
  CwNode n;
  n.kind = Kind::kBool;
  n.boolean = b;
  return n;
}
CwNode CwNode::Time(SysMillis t) {
  CwNode n;
  n.kind = Kind::kTime;
  n.time = t;
  return n;
}
CwNode CwNode::List(std::vector<CwNode> items) {
  CwNode n;
  n.kind = Kind::kList;
  n.items = std::move(items);
  return n;
}
CwNode CwNode::StrList(const std::vector<std::string>& items) {
  CwNode n = List();
  for (const std::string& s : items) n.items.push_back(Str(s));
  return n;
}
CwNode& CwNode::Add(std::string name, CwNode value) {
  fields.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::string ToJson(const CwNode& node) {
  JsonWriter w;
  WriteJson(w, node);
  return w.Take();
}

std::string ToQueryXml(const CwNode& result) {
  std::string out;
  WriteXml(out, result);
  if (!out.empty()) out += "\n";
  return out;
}

Result<monitor::AlarmStore*> Alarms(const Services& services) {
  if (services.alarms == nullptr || services.metric_store == nullptr) {
    return Status(Error::kInternal, "this server runs without CloudWatch");
  }
  return services.alarms;
}

std::string CloudWatchResource(const Services& services, const CallContext& ctx,
                               std::string_view action, JsonValue input) {
  CwInput in(input);
  auto arn = [&](std::string_view name) {
    return "arn:aws:cloudwatch:" + ctx.caller.region + ":" + services.account_id +
           ":alarm:" + std::string(name);
  };
  if (action == "cloudwatch:PutMetricAlarm" || action == "cloudwatch:SetAlarmState" ||
      action == "cloudwatch:DescribeAlarmHistory") {
    auto name = in.Str("AlarmName");
    if (name.ok() && *name && !(*name)->empty()) return arn(**name);
    return "*";
  }
  if (action == "cloudwatch:DeleteAlarms" || action == "cloudwatch:EnableAlarmActions" ||
      action == "cloudwatch:DisableAlarmActions" || action == "cloudwatch:DescribeAlarms") {
    auto names = in.StrList("AlarmNames");
    if (names.ok() && names->size() == 1) return arn((*names)[0]);
  }
  return "*";
}

std::string EncodeToken(std::string_view kind, std::string_view position) {
  return Base64Encode(std::string(kind) + ":" + std::string(position));
}

Result<std::string> DecodeToken(std::string_view kind, std::string_view token) {
  auto decoded = Base64Decode(token);
  if (!decoded || decoded->substr(0, kind.size() + 1) != std::string(kind) + ":") {
    return Status(Error::kInvalidNextToken,
                  "The service couldn't process your request because "
                  "the NextToken is invalid.");
  }
  return decoded->substr(kind.size() + 1);
}

CwNode AlarmNode(const monitor::MetricAlarm& a) {
  CwNode n;
  n.Add("AlarmName", CwNode::Str(a.name));
  n.Add("AlarmArn", CwNode::Str(a.arn));
  if (!a.description.empty()) n.Add("AlarmDescription", CwNode::Str(a.description));
  n.Add("AlarmConfigurationUpdatedTimestamp", CwNode::Time(a.configuration_updated));
  n.Add("ActionsEnabled", CwNode::Bool(a.actions_enabled));
  n.Add("OKActions", CwNode::StrList(a.ok_actions));
  n.Add("AlarmActions", CwNode::StrList(a.alarm_actions));
  n.Add("InsufficientDataActions", CwNode::StrList(a.insufficient_data_actions));
  n.Add("StateValue", CwNode::Str(std::string(monitor::AlarmStateName(a.state))));
  n.Add("StateReason", CwNode::Str(a.state_reason));
  if (!a.state_reason_data.empty()) n.Add("StateReasonData", CwNode::Str(a.state_reason_data));
  n.Add("StateUpdatedTimestamp", CwNode::Time(a.state_updated));
  n.Add("MetricName", CwNode::Str(a.metric.metric_name));
  n.Add("Namespace", CwNode::Str(a.metric.metric_namespace));
  if (!a.statistic.empty()) n.Add("Statistic", CwNode::Str(a.statistic));
  if (!a.extended_statistic.empty()) {
    n.Add("ExtendedStatistic", CwNode::Str(a.extended_statistic));
  }
  CwNode dims = CwNode::List();
  for (const auto& [k, v] : a.metric.dimensions) {
    CwNode d;
    d.Add("Name", CwNode::Str(k)).Add("Value", CwNode::Str(v));
    dims.items.push_back(std::move(d));
  }
  n.Add("Dimensions", std::move(dims));
  n.Add("Period", CwNode::Int(a.period_seconds));
  if (!a.unit.empty()) n.Add("Unit", CwNode::Str(a.unit));
  n.Add("EvaluationPeriods", CwNode::Int(a.evaluation_periods));
  n.Add("DatapointsToAlarm", CwNode::Int(a.datapoints_to_alarm));
  n.Add("Threshold", CwNode::Num(a.threshold));
  n.Add("ComparisonOperator", CwNode::Str(std::string(monitor::ComparisonName(a.comparison))));
  n.Add("TreatMissingData", CwNode::Str(std::string(monitor::TreatMissingName(a.treat_missing))));
  n.Add("StateTransitionedTimestamp", CwNode::Time(a.state_transitioned));
  return n;
}

}  // namespace ot::api::handlers::cw
