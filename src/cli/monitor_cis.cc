#include "cli/monitor_cis.h"

#include <map>
#include <optional>
#include <vector>

#include "api/protocol/json_value.h"
#include "cli/http_client.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "monitor/cis_patterns.h"

namespace ot::cli {
namespace {

constexpr char kNamePrefix[] = "CIS-";

// What one control needs: a metric filter and an alarm, both named CIS-<id>-<metric>.
struct Desired {
  std::string name;
  std::string description;
  std::string metric;
  std::string pattern;
};

std::vector<Desired> DesiredControls() {
  std::vector<Desired> out;
  for (const monitor::CisControl& c : monitor::CisControls()) {
    Desired d;
    d.name = kNamePrefix + std::string(c.id) + "-" + std::string(c.metric);
    d.description =
        "CIS AWS Foundations Benchmark " + std::string(c.id) + ": " + std::string(c.title);
    d.metric = std::string(c.metric);
    // The v3.0 text of 4.1 ORs its exclusions and so matches nearly every event; the later
    // revision ANDs them. 4.10 later also watches ModifySecurityGroupRules.
    d.pattern = c.id == "4.1"    ? std::string(monitor::kCisUnauthorizedApiCallsV5)
                : c.id == "4.10" ? std::string(monitor::kCisSecurityGroupChangesV5)
                                 : std::string(c.pattern);
    out.push_back(std::move(d));
  }
  return out;
}

// The ':'-separated fields of an ARN.
std::vector<std::string_view> ArnFields(std::string_view arn) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t colon = arn.find(':', start);
    out.push_back(arn.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) return out;
    start = colon + 1;
  }
}

struct Counts {
  int created = 0, updated = 0, unchanged = 0;
};

class CisMonitor {
 public:
  CisMonitor(const MonitorCisOptions& options, Env& env, std::FILE* out, std::FILE* err,
             Endpoint endpoint, Credentials credentials, std::string region)
      : options_(options),
        env_(env),
        out_(out),
        err_(err),
        endpoint_(std::move(endpoint)),
        credentials_(std::move(credentials)),
        region_(std::move(region)),
        client_(endpoint_) {}

  Status Run() {
    OT_RETURN_IF_ERROR(CheckTopic());
    OT_ASSIGN_OR_RETURN(std::string group, WireLogGroup());
    OT_RETURN_IF_ERROR(CheckTrail());
    std::vector<Desired> controls = DesiredControls();
    Counts filters, alarms;
    OT_RETURN_IF_ERROR(PutFilters(group, controls, &filters));
    OT_RETURN_IF_ERROR(PutAlarms(controls, &alarms));
    auto line = [](const Counts& c) {
      return std::to_string(c.created) + " created, " + std::to_string(c.updated) + " updated, " +
             std::to_string(c.unchanged) + " unchanged";
    };
    std::fprintf(out_,
                 "CIS monitoring of trail %s: log group %s, %zu metric filters (%s), %zu alarms "
                 "(%s) notifying %s\n",
                 trail_name_.c_str(), group.c_str(), controls.size(), line(filters).c_str(),
                 controls.size(), line(alarms).c_str(), options_.topic_arn.c_str());
    return Status::Ok();
  }

 private:
  struct Reply {
    int status = 0;
    std::unique_ptr<api::JsonDocument> doc;  // JSON replies that parsed
    std::string body;
    std::string error;  // "<code>: <message>" when status is not 200
  };

  Result<Reply> Call(const std::string& service, const std::string& target, const std::string& body,
                     const std::string& content_type = {},
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    JsonCall c;
    c.service = service;
    c.target = target;
    c.body = body;
    if (!content_type.empty()) c.content_type = content_type;
    c.headers = std::move(headers);
    OT_ASSIGN_OR_RETURN(HttpResponse r,
                        SendJson(client_, endpoint_, credentials_, region_, c, env_.clock));
    Reply out;
    out.status = r.status;
    if (r.status != 200) out.error = DescribeJsonError(r);
    if (auto doc = api::JsonDocument::Parse(r.body); doc.ok()) out.doc = std::move(*doc);
    out.body = std::move(r.body);
    return out;
  }

  // A JSON call that must succeed: its reply's root object.
  Result<api::JsonValue> Must(Result<Reply> reply, std::string_view operation,
                              std::unique_ptr<api::JsonDocument>* keep) {
    OT_RETURN_IF_ERROR(reply.status());
    if (reply->status != 200 || reply->doc == nullptr || !reply->doc->root().is_object()) {
      return Status(Error::kUnavailable,
                    "An error occurred when calling the " + std::string(operation) +
                        " operation: " + (reply->error.empty() ? "bad reply" : reply->error));
    }
    *keep = std::move(reply->doc);
    return (*keep)->root();
  }

  Result<api::JsonValue> CloudTrail(const std::string& operation, const std::string& body,
                                    std::unique_ptr<api::JsonDocument>* keep) {
    return Must(Call("cloudtrail", "CloudTrail_20131101." + operation, body), operation, keep);
  }
  Result<api::JsonValue> Logs(const std::string& operation, const std::string& body,
                              std::unique_ptr<api::JsonDocument>* keep) {
    return Must(Call("logs", "Logs_20140328." + operation, body), operation, keep);
  }
  Result<api::JsonValue> CloudWatch(const std::string& operation, const std::string& body,
                                    std::unique_ptr<api::JsonDocument>* keep) {
    return Must(Call("monitoring", "GraniteServiceVersion20100801." + operation, body,
                     "application/x-amz-json-1.0", {{"x-amzn-query-mode", "true"}}),
                operation, keep);
  }

  // The topic must exist; without a confirmed subscription nobody hears the alarms (warned).
  Status CheckTopic() {
    std::string form = "Action=ListSubscriptionsByTopic&Version=2010-03-31&TopicArn=" +
                       UriEncode(options_.topic_arn);
    OT_ASSIGN_OR_RETURN(Reply r,
                        Call("sns", "", form, "application/x-www-form-urlencoded; charset=utf-8"));
    if (r.status == 404) {
      return Status(Error::kNotFound, "topic " + options_.topic_arn + " does not exist");
    }
    if (r.status != 200) {
      // A Query error: <Code>…</Code> and <Message>…</Message>.
      auto element = [&](std::string_view tag) {
        std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
        size_t a = r.body.find(open), b = r.body.find(close);
        return a == std::string::npos || b == std::string::npos || b < a
                   ? std::string()
                   : r.body.substr(a + open.size(), b - a - open.size());
      };
      return Status(Error::kUnavailable,
                    "An error occurred when calling the ListSubscriptionsByTopic operation: " +
                        (element("Code").empty() ? "HTTP " + std::to_string(r.status)
                                                 : element("Code") + ": " + element("Message")));
    }
    if (r.body.find("<SubscriptionArn>arn:") == std::string::npos) {
      std::fprintf(err_,
                   "warning: topic %s has no confirmed subscription: nobody receives the "
                   "alarms until one is confirmed\n",
                   options_.topic_arn.c_str());
    }
    return Status::Ok();
  }

  // Points the trail at its log group (created when missing); returns the group's name.
  Result<std::string> WireLogGroup() {
    JsonWriter get;
    get.BeginObject().Key("Name").String(options_.trail).EndObject();
    std::unique_ptr<api::JsonDocument> doc;
    OT_ASSIGN_OR_RETURN(api::JsonValue root, CloudTrail("GetTrail", get.Take(), &doc));
    auto trail = root.Get("Trail");
    if (!trail || !trail->is_object()) return Status(Error::kUnavailable, "GetTrail: no Trail");
    auto text = [&](std::string_view member) -> std::string {
      auto v = trail->Get(member);
      return v && v->is_string() ? std::string(v->AsString()) : std::string();
    };
    trail_name_ = text("Name");
    auto multi = trail->Get("IsMultiRegionTrail");
    multi_region_ = multi && multi->type() == api::JsonValue::Type::kBool && multi->AsBool();
    std::string trail_arn = text("TrailARN");
    trail_arn_ = trail_arn;
    std::vector<std::string_view> arn = ArnFields(trail_arn);
    if (arn.size() < 6) return Status(Error::kUnavailable, "GetTrail: bad TrailARN " + trail_arn);
    std::string region(arn[3]), account(arn[4]);
    // arn:aws:logs:<region>:<account>:log-group:<name>:*
    std::string current_arn = text("CloudWatchLogsLogGroupArn");
    std::vector<std::string_view> current = ArnFields(current_arn);
    std::string current_group = current.size() >= 7 ? std::string(current[6]) : std::string();
    std::string group = !options_.log_group.empty() ? options_.log_group
                        : !current_group.empty()    ? current_group
                                                    : "aws-cloudtrail-logs-" + trail_name_;
    if (group == current_group) {
      std::fprintf(out_, "trail %s: delivers to log group %s (unchanged)\n", trail_name_.c_str(),
                   group.c_str());
      return group;
    }
    JsonWriter create;
    create.BeginObject().Key("logGroupName").String(group).EndObject();
    OT_ASSIGN_OR_RETURN(Reply made, Call("logs", "Logs_20140328.CreateLogGroup", create.Take()));
    if (made.status == 200) {
      std::fprintf(out_, "log group %s: created\n", group.c_str());
    } else if (made.error.find("ResourceAlreadyExistsException") == std::string::npos) {
      return Status(Error::kUnavailable,
                    "An error occurred when calling the CreateLogGroup operation: " + made.error);
    }
    std::string role = !options_.role_arn.empty()
                           ? options_.role_arn
                           : "arn:aws:iam::" + account + ":role/CloudTrail_CloudWatchLogs_Role";
    JsonWriter update;
    update.BeginObject().Key("Name").String(trail_arn);
    update.Key("CloudWatchLogsLogGroupArn")
        .String("arn:aws:logs:" + region + ":" + account + ":log-group:" + group + ":*");
    update.Key("CloudWatchLogsRoleArn").String(role).EndObject();
    OT_RETURN_IF_ERROR(CloudTrail("UpdateTrail", update.Take(), &doc).status());
    std::fprintf(out_, "trail %s: delivers to log group %s (updated)\n", trail_name_.c_str(),
                 group.c_str());
    return group;
  }

  // What a CIS checker also asks of the trail (filter-patterns.md §7's audit chain): that it is
  // multi-region, logging, and selects every management event. Reported, not changed.
  Status CheckTrail() {
    auto warn = [&](const std::string& what) {
      std::fprintf(err_, "warning: trail %s %s\n", trail_name_.c_str(), what.c_str());
    };
    if (!multi_region_) {
      warn(
          "is not multi-region: CIS checks expect one (aws cloudtrail update-trail "
          "--is-multi-region-trail)");
    }
    JsonWriter w;
    w.BeginObject().Key("Name").String(trail_arn_).EndObject();
    std::unique_ptr<api::JsonDocument> doc;
    OT_ASSIGN_OR_RETURN(api::JsonValue status, CloudTrail("GetTrailStatus", w.str(), &doc));
    auto logging = status.Get("IsLogging");
    if (!logging || logging->type() != api::JsonValue::Type::kBool || !logging->AsBool()) {
      warn("is not logging: no event reaches the alarms until aws cloudtrail start-logging");
    }
    JsonWriter by_trail_name;
    by_trail_name.BeginObject().Key("TrailName").String(trail_arn_).EndObject();
    std::unique_ptr<api::JsonDocument> sel_doc;
    OT_ASSIGN_OR_RETURN(api::JsonValue selectors,
                        CloudTrail("GetEventSelectors", by_trail_name.str(), &sel_doc));
    bool all_management = false;
    if (auto basic = selectors.Get("EventSelectors"); basic && basic->is_array()) {
      for (const api::JsonValue& sel : basic->Items()) {
        auto include = sel.Get("IncludeManagementEvents");
        auto rw = sel.Get("ReadWriteType");
        all_management = all_management ||
                         (include && include->type() == api::JsonValue::Type::kBool &&
                          include->AsBool() && rw && rw->is_string() && rw->AsString() == "All");
      }
    }
    if (auto advanced = selectors.Get("AdvancedEventSelectors"); advanced && advanced->is_array()) {
      all_management = true;  // advanced selectors: not judged here
    }
    if (!all_management) {
      warn(
          "does not select all management events (ReadWriteType All): some controls would "
          "never see their events");
    }
    return Status::Ok();
  }

  Status PutFilters(const std::string& group, const std::vector<Desired>& controls,
                    Counts* counts) {
    // The CIS filters already on the group, by name: (pattern, metric name, namespace, value).
    std::map<std::string, std::string> have;
    std::string token;
    do {
      JsonWriter w;
      w.BeginObject().Key("logGroupName").String(group).Key("filterNamePrefix").String(kNamePrefix);
      if (!token.empty()) w.Key("nextToken").String(token);
      w.EndObject();
      std::unique_ptr<api::JsonDocument> doc;
      OT_ASSIGN_OR_RETURN(api::JsonValue root, Logs("DescribeMetricFilters", w.Take(), &doc));
      if (auto list = root.Get("metricFilters"); list && list->is_array()) {
        for (const api::JsonValue& f : list->Items()) {
          auto name = f.Get("filterName");
          if (name && name->is_string()) have[std::string(name->AsString())] = FilterKey(f);
        }
      }
      auto next = root.Get("nextToken");
      token = next && next->is_string() ? std::string(next->AsString()) : std::string();
    } while (!token.empty());

    for (const Desired& d : controls) {
      JsonWriter w;
      w.BeginObject();
      w.Key("logGroupName").String(group).Key("filterName").String(d.name);
      w.Key("filterPattern").String(d.pattern);
      w.Key("metricTransformations").BeginArray().BeginObject();
      w.Key("metricName").String(d.metric).Key("metricNamespace").String(options_.metric_namespace);
      w.Key("metricValue").String("1").EndObject().EndArray().EndObject();
      std::string body = w.Take();
      auto doc = api::JsonDocument::Parse(body);
      if (!doc.ok()) return doc.status();
      auto it = have.find(d.name);
      if (it != have.end() && it->second == FilterKey((*doc)->root())) {
        ++counts->unchanged;
        continue;
      }
      std::unique_ptr<api::JsonDocument> reply;
      OT_RETURN_IF_ERROR(Logs("PutMetricFilter", body, &reply).status());
      std::fprintf(out_, "metric filter %s: %s\n", d.name.c_str(),
                   it == have.end() ? "created" : "updated");
      ++(it == have.end() ? counts->created : counts->updated);
    }
    return Status::Ok();
  }

  // What decides whether a stored filter is the one wanted: its pattern and transformations.
  static std::string FilterKey(const api::JsonValue& filter) {
    std::string key;
    if (auto p = filter.Get("filterPattern"); p && p->is_string()) key = p->AsString();
    if (auto t = filter.Get("metricTransformations"); t && t->is_array()) {
      for (const api::JsonValue& m : t->Items()) {
        for (std::string_view member : {"metricName", "metricNamespace", "metricValue"}) {
          auto v = m.Get(member);
          key += '\n';
          if (v && v->is_string()) key += v->AsString();
        }
      }
    }
    return key;
  }

  Status PutAlarms(const std::vector<Desired>& controls, Counts* counts) {
    std::map<std::string, std::string> have;
    std::string token;
    do {
      JsonWriter w;
      w.BeginObject().Key("AlarmNamePrefix").String(kNamePrefix).Key("MaxRecords").Int(100);
      if (!token.empty()) w.Key("NextToken").String(token);
      w.EndObject();
      std::unique_ptr<api::JsonDocument> doc;
      OT_ASSIGN_OR_RETURN(api::JsonValue root, CloudWatch("DescribeAlarms", w.Take(), &doc));
      if (auto list = root.Get("MetricAlarms"); list && list->is_array()) {
        for (const api::JsonValue& a : list->Items()) {
          auto name = a.Get("AlarmName");
          if (name && name->is_string()) have[std::string(name->AsString())] = AlarmKey(a);
        }
      }
      auto next = root.Get("NextToken");
      token = next && next->is_string() ? std::string(next->AsString()) : std::string();
    } while (!token.empty());

    for (const Desired& d : controls) {
      JsonWriter w;
      w.BeginObject();
      w.Key("AlarmName").String(d.name).Key("AlarmDescription").String(d.description);
      w.Key("ActionsEnabled").Bool(true);
      w.Key("AlarmActions").BeginArray().String(options_.topic_arn).EndArray();
      w.Key("MetricName").String(d.metric).Key("Namespace").String(options_.metric_namespace);
      w.Key("Statistic").String("Sum").Key("Period").Int(options_.period_seconds);
      w.Key("EvaluationPeriods").Int(1).Key("DatapointsToAlarm").Int(1);
      w.Key("Threshold").Double(1).Key("Dimensions").BeginArray().EndArray();
      w.Key("ComparisonOperator").String("GreaterThanOrEqualToThreshold");
      w.Key("TreatMissingData").String("notBreaching").EndObject();
      std::string body = w.Take();
      auto doc = api::JsonDocument::Parse(body);
      if (!doc.ok()) return doc.status();
      auto it = have.find(d.name);
      if (it != have.end() && it->second == AlarmKey((*doc)->root())) {
        ++counts->unchanged;
        continue;
      }
      std::unique_ptr<api::JsonDocument> reply;
      OT_RETURN_IF_ERROR(CloudWatch("PutMetricAlarm", body, &reply).status());
      std::fprintf(out_, "alarm %s: %s\n", d.name.c_str(),
                   it == have.end() ? "created" : "updated");
      ++(it == have.end() ? counts->created : counts->updated);
    }
    return Status::Ok();
  }

  // The members `monitor cis` sets, as text: equal keys mean nothing to change.
  static std::string AlarmKey(const api::JsonValue& alarm) {
    std::string key;
    for (std::string_view member :
         {"AlarmDescription", "MetricName", "Namespace", "Statistic", "ComparisonOperator",
          "TreatMissingData", "Period", "EvaluationPeriods", "Threshold", "ActionsEnabled",
          "AlarmActions", "Dimensions", "DatapointsToAlarm"}) {
      auto v = alarm.Get(member);
      key += member;
      key += '=';
      if (!v || v->is_null()) {
        key += '\n';
        continue;
      }
      if (v->is_string()) {
        key += v->AsString();
      } else if (v->is_array()) {
        for (const api::JsonValue& item : v->Items()) key += item.Minified() + ",";
      } else if (v->type() == api::JsonValue::Type::kBool) {
        key += v->AsBool() ? "true" : "false";
      } else {
        key += std::to_string(v->AsDouble());
      }
      key += '\n';
    }
    return key;
  }

  const MonitorCisOptions& options_;
  Env& env_;
  std::FILE* out_;
  std::FILE* err_;
  Endpoint endpoint_;
  Credentials credentials_;
  std::string region_;
  HttpClient client_;
  std::string trail_name_;
  std::string trail_arn_;
  bool multi_region_ = false;
};

}  // namespace

int RunMonitorCis(const MonitorCisOptions& options, Env& env, std::FILE* out, std::FILE* err) {
  auto fail = [&](const std::string& message) {
    std::fprintf(err, "opentrail monitor cis: %s\n", message.c_str());
    return 1;
  };
  if (options.trail.empty()) return fail("--trail is required");
  int p = options.period_seconds;
  if (!(p == 10 || p == 20 || p == 30 || (p > 0 && p % 60 == 0))) {
    return fail("--period must be 10, 20, 30 or a multiple of 60 seconds");
  }
  if (!options.topic_arn.starts_with("arn:aws:sns:")) {
    return fail("--topic must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");
  }
  auto credentials = ResolveCredentials(options.client);
  if (!credentials.ok()) return fail(credentials.status().message());
  auto region = ResolveRegion(options.client);
  if (!region.ok()) return fail(region.status().message());
  auto endpoint = ParseEndpoint(ResolveEndpoint(options.client));
  if (!endpoint.ok()) return fail(endpoint.status().message());
  CisMonitor monitor(options, env, out, err, std::move(*endpoint), std::move(*credentials),
                     std::move(*region));
  Status s = monitor.Run();
  if (!s.ok()) return fail(s.message());
  return 0;
}

}  // namespace ot::cli
