#include "monitor/metric_data_log.h"

#include "api/protocol/json_value.h"
#include "common/json_writer.h"

namespace ot::monitor {

std::string EncodeDatapoint(const Datapoint& p) {
  JsonWriter w;
  w.BeginObject();
  w.Key("r").String(p.metric.region).Key("ns").String(p.metric.metric_namespace);
  w.Key("n").String(p.metric.metric_name);
  w.Key("d").BeginArray();
  for (const auto& [k, v] : p.metric.dimensions) w.BeginArray().String(k).String(v).EndArray();
  w.EndArray();
  w.Key("t").Int(p.timestamp_ms).Key("u").String(p.unit);
  if (p.stats) {
    w.Key("s").BeginArray().Double(p.stats->sample_count).Double(p.stats->sum);
    w.Double(p.stats->minimum).Double(p.stats->maximum).EndArray();
  } else {
    w.Key("v").Double(p.value).Key("c").Double(p.count);
  }
  w.EndObject();
  return w.Take();
}

Result<Datapoint> DecodeDatapoint(std::string_view line) {
  OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(line));
  api::JsonValue o = doc->root();
  auto str = [&](std::string_view k) -> Result<std::string> {
    auto v = o.Get(k);
    if (!v || !v->is_string())
      return Status(Error::kCorruption, "metric data: bad " + std::string(k));
    return std::string(v->AsString());
  };
  auto num = [](std::optional<api::JsonValue> v) -> Result<double> {
    if (!v || v->type() != api::JsonValue::Type::kNumber) {
      return Status(Error::kCorruption, "metric data: bad number");
    }
    return v->AsDouble();
  };
  Datapoint p;
  OT_ASSIGN_OR_RETURN(p.metric.region, str("r"));
  OT_ASSIGN_OR_RETURN(p.metric.metric_namespace, str("ns"));
  OT_ASSIGN_OR_RETURN(p.metric.metric_name, str("n"));
  OT_ASSIGN_OR_RETURN(p.unit, str("u"));
  if (auto d = o.Get("d"); d && d->is_array()) {
    for (const api::JsonValue& pair : d->Items()) {
      auto kv = pair.Items();
      if (kv.size() != 2 || !kv[0].is_string() || !kv[1].is_string()) {
        return Status(Error::kCorruption, "metric data: bad dimension");
      }
      p.metric.dimensions.emplace_back(std::string(kv[0].AsString()),
                                       std::string(kv[1].AsString()));
    }
  }
  OT_ASSIGN_OR_RETURN(double t, num(o.Get("t")));
  p.timestamp_ms = static_cast<int64_t>(t);
  if (auto s = o.Get("s"); s && s->is_array()) {
    auto items = s->Items();
    if (items.size() != 4) return Status(Error::kCorruption, "metric data: bad statistic set");
    StatisticSet st;
    OT_ASSIGN_OR_RETURN(st.sample_count, num(items[0]));
    OT_ASSIGN_OR_RETURN(st.sum, num(items[1]));
    OT_ASSIGN_OR_RETURN(st.minimum, num(items[2]));
    OT_ASSIGN_OR_RETURN(st.maximum, num(items[3]));
    p.stats = st;
  } else {
    OT_ASSIGN_OR_RETURN(p.value, num(o.Get("v")));
    OT_ASSIGN_OR_RETURN(p.count, num(o.Get("c")));
  }
  return p;
}

Result<std::unique_ptr<MetricDataLog>> MetricDataLog::Open(const std::string& path, Env& env,
                                                           MetricSink& sink,
                                                           std::chrono::hours retention) {
  std::unique_ptr<MetricDataLog> log(new MetricDataLog());
  if (env.fs.Exists(path)) {
    OT_ASSIGN_OR_RETURN(std::string text, env.fs.ReadFile(path));
    const int64_t cutoff = (env.clock.Now() - retention).time_since_epoch().count();
    std::string kept;
    bool dropped = false;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) {  // torn tail: never acknowledged
        dropped = true;
        break;
      }
      std::string_view line(text.data() + pos, nl - pos);
      pos = nl + 1;
      auto point = DecodeDatapoint(line);
      if (!point.ok()) return point.status();
      if (point->timestamp_ms < cutoff) {
        dropped = true;
        continue;
      }
      sink.Put(*point);
      kept.append(line).push_back('\n');
    }
    if (dropped) OT_RETURN_IF_ERROR(env.fs.WriteFileAtomic(path, kept));
  }
  OT_ASSIGN_OR_RETURN(log->file_, env.fs.OpenAppend(path));
  return log;
}

Status MetricDataLog::Append(const std::vector<Datapoint>& points) {
  std::string batch;
  for (const Datapoint& p : points) batch.append(EncodeDatapoint(p)).push_back('\n');
  std::lock_guard lock(mu_);
  OT_RETURN_IF_ERROR(file_->Append(batch));
  return file_->Sync();
}

}  // namespace ot::monitor
