// Log groups, streams and metric filters: definitions, persistence and start-up.

#include "monitor/log_store.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "monitor/internal/log_file.h"
#include "monitor/internal/log_store_impl.h"

namespace ot::monitor {
namespace {

using internal::Filter;
using internal::Group;
using internal::Stream;

constexpr std::string_view kKind = "log-group";

Status Invalid(std::string message) { return Status(Error::kInvalidParameter, std::move(message)); }

Status LengthError(std::string_view value, std::string_view member, size_t min, size_t max) {
  if (value.size() < min) {
    return Invalid("1 validation error detected: Value '" + std::string(value) + "' at '" +
                   std::string(member) + "' failed to satisfy constraint: Member must have " +
                   "length greater than or equal to " + std::to_string(min));
  }
  if (value.size() > max) {
    return Invalid("1 validation error detected: Value at '" + std::string(member) +
                   "' failed to satisfy constraint: Member must have length less than or equal "
                   "to " +
                   std::to_string(max));
  }
  return Status::Ok();
}

Status PatternError(std::string_view value, std::string_view member, std::string_view pattern) {
  return Invalid("1 validation error detected: Value '" + std::string(value) + "' at '" +
                 std::string(member) +
                 "' failed to satisfy constraint: Member must satisfy regular expression "
                 "pattern: " +
                 std::string(pattern));
}

Status NoColonOrStar(std::string_view name, std::string_view member) {
  OT_RETURN_IF_ERROR(LengthError(name, member, 1, 512));
  if (name.find_first_of(":*") != std::string_view::npos) {
    return PatternError(name, member, "[^:*]*");
  }
  return Status::Ok();
}

std::string GroupId(std::string_view region, std::string_view name) {
  return std::string(region) + "/" + std::string(name);
}

std::string EncodeGroup(const Group& g) {
  JsonWriter w;
  w.BeginObject();
  w.Key("region").String(g.info.region).Key("name").String(g.info.name);
  w.Key("dir").String(g.dir).Key("created").Int(g.info.creation_time_ms);
  if (g.info.retention_in_days) w.Key("retention").Int(*g.info.retention_in_days);
  w.Key("nextFile").Uint(g.next_file_id);
  w.Key("tags").BeginObject();
  for (const auto& [k, v] : g.info.tags) w.Key(k).String(v);
  w.EndObject();
  w.Key("streams").BeginArray();
  for (const auto& [name, s] : g.streams) {
    w.BeginObject().Key("name").String(name).Key("file").Uint(s.file_id);
    w.Key("created").Int(s.creation_time_ms).EndObject();
  }
  w.EndArray();
  w.Key("filters").BeginArray();
  for (const auto& [name, f] : g.filters) {
    const MetricTransformation& t = f.def.transformation;
    w.BeginObject().Key("name").String(name).Key("pattern").String(f.def.pattern);
    w.Key("created").Int(f.def.creation_time_ms);
    w.Key("metricName").String(t.metric_name).Key("metricNamespace").String(t.metric_namespace);
    w.Key("metricValue").String(t.metric_value);
    if (t.default_value) w.Key("defaultValue").Double(*t.default_value);
    w.Key("dimensions").BeginArray();
    for (const auto& [k, v] : t.dimensions) w.BeginArray().String(k).String(v).EndArray();
    w.EndArray();
    w.Key("unit").String(t.unit).EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string Str(api::JsonValue v, std::string_view member) {
  auto m = v.Get(member);
  return m && m->is_string() ? std::string(m->AsString()) : std::string();
}

int64_t Int(api::JsonValue v, std::string_view member) {
  auto m = v.Get(member);
  return m && m->type() == api::JsonValue::Type::kNumber ? m->AsInt().value_or(0) : 0;
}

std::string GroupArn(std::string_view region, std::string_view account, std::string_view name) {
  return "arn:aws:logs:" + std::string(region) + ":" + std::string(account) +
         ":log-group:" + std::string(name) + ":*";
}

Result<std::unique_ptr<Filter>> CompileFilter(const MetricFilter& def) {
  OT_ASSIGN_OR_RETURN(FilterPattern pattern, CompileFilterPattern(def.pattern));
  OT_ASSIGN_OR_RETURN(CompiledTransformation t,
                      CompiledTransformation::Compile(def.transformation, pattern));
  return std::make_unique<Filter>(Filter{def, pattern, t});
}

}  // namespace

Status GroupNotFound() {
  return Status(Error::kResourceNotFound, "The specified log group does not exist.");
}
Status StreamNotFound() {
  return Status(Error::kResourceNotFound, "The specified log stream does not exist.");
}
Status InvalidToken() { return Invalid("The specified nextToken is invalid."); }

namespace {

// A paging token of the form hex("<tag><index>"); 0 for the first page (empty token).
Result<size_t> OffsetToken(std::string_view token, std::string_view tag) {
  if (token.empty()) return size_t{0};
  auto decoded = HexDecode(token);
  if (!decoded || !decoded->starts_with(tag)) return InvalidToken();
  try {
    return static_cast<size_t>(std::stoul(decoded->substr(tag.size())));
  } catch (...) {
    return InvalidToken();
  }
}

}  // namespace

std::string EventId(int64_t timestamp_ms, uint64_t file_id, uint64_t ordinal) {
  std::string ts = std::to_string(std::max<int64_t>(timestamp_ms, 0));
  std::string file = std::to_string(file_id % 10000000000ull);
  std::string ord = std::to_string(ordinal);
  return std::string(20 - std::min<size_t>(20, ts.size()), '0') + ts +
         std::string(10 - file.size(), '0') + file + std::string(26 - ord.size(), '0') + ord;
}

Status ValidateLogGroupName(std::string_view name, std::string_view member) {
  OT_RETURN_IF_ERROR(LengthError(name, member, 1, 512));
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == '/' || c == '#';
    if (!ok) return PatternError(name, member, "[\\.\\-_/#A-Za-z0-9]+");
  }
  return Status::Ok();
}

Status ValidateLogStreamName(std::string_view name, std::string_view member) {
  return NoColonOrStar(name, member);
}

Status ValidateFilterName(std::string_view name, std::string_view member) {
  return NoColonOrStar(name, member);
}

std::optional<std::pair<std::string, std::string>> ParseLogGroupArn(std::string_view arn) {
  // arn:<partition>:logs:<region>:<account>:log-group:<name>[:*]
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 6; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  std::string_view name = arn.substr(start);
  if (name.size() >= 2 && name.substr(name.size() - 2) == ":*") name.remove_suffix(2);
  if (parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" || parts[3].empty() ||
      !ValidateLogGroupName(name).ok()) {
    return std::nullopt;
  }
  return std::make_pair(std::string(parts[3]), std::string(name));
}

int64_t LogStore::Impl::NowMs() const { return env.clock.Now().time_since_epoch().count(); }

int64_t LogStore::Impl::Cutoff(const Group& g, int64_t now_ms) const {
  if (!g.info.retention_in_days) return INT64_MIN;
  return now_ms - int64_t{*g.info.retention_in_days} * 86400000;
}

Result<Group*> LogStore::Impl::Find(std::string_view region, std::string_view name) {
  auto it = groups.find(internal::GroupKey(region, name));
  if (it == groups.end()) return GroupNotFound();
  return &it->second;
}

Result<const Group*> LogStore::Impl::Find(std::string_view region, std::string_view name) const {
  auto it = groups.find(internal::GroupKey(region, name));
  if (it == groups.end()) return GroupNotFound();
  return &it->second;
}

Status LogStore::Impl::Persist(const Group& g) {
  return db.PutDocument(kKind, GroupId(g.info.region, g.info.name), EncodeGroup(g));
}

Status LogStore::Impl::OpenStreamFile(Group& g, Stream& s, bool load) {
  const std::string path = StreamPath(g, s);
  if (load && env.fs.Exists(path)) {
    OT_ASSIGN_OR_RETURN(std::string data, env.fs.ReadFile(path));
    size_t valid = internal::ParseRecords(data, [&](const internal::FileRecord& r) {
      internal::StoredEvent e{r.timestamp_ms, r.ingestion_ms, s.next_ordinal++,
                              internal::PaddedMessage(r.message)};
      s.bytes += e.message.size();
      s.last_ingestion_ms = std::max(s.last_ingestion_ms.value_or(INT64_MIN), r.ingestion_ms);
      if (!r.source.empty()) {
        uint64_t& hw = s.high_water[std::string(r.source)];
        hw = std::max(hw, r.sequence);
      }
      s.events.push_back(std::move(e));
    });
    if (valid < data.size()) {
      // A torn tail from a crash mid-append: never acknowledged, so cut off.
      Log(LogLevel::kWarn, "log stream file " + path + ": cutting a torn tail of " +
                               std::to_string(data.size() - valid) + " bytes");
      OT_RETURN_IF_ERROR(env.fs.Truncate(path, valid));
    }
    std::stable_sort(s.events.begin(), s.events.end(),
                     [](const internal::StoredEvent& a, const internal::StoredEvent& b) {
                       return a.timestamp_ms < b.timestamp_ms;
                     });
    g.info.stored_bytes += s.bytes;
  }
  OT_ASSIGN_OR_RETURN(s.file, env.fs.OpenAppend(path));
  return Status::Ok();
}

LogStore::LogStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LogStore::~LogStore() = default;

Result<std::unique_ptr<LogStore>> LogStore::Open(store::MetadataDb& db, Env& env,
                                                 LogStoreOptions options) {
  auto impl = std::make_unique<Impl>(db, env, std::move(options));
  OT_RETURN_IF_ERROR(env.fs.CreateDirs(impl->options.dir));
  OT_ASSIGN_OR_RETURN(auto docs, db.ListDocuments(kKind));
  std::set<std::string> dirs;
  for (const auto& [id, json] : docs) {
    OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(json));
    api::JsonValue root = doc->root();
    Group g;
    g.info.region = Str(root, "region");
    g.info.name = Str(root, "name");
    g.info.arn = GroupArn(g.info.region, impl->options.account_id, g.info.name);
    g.dir = Str(root, "dir");
    g.info.creation_time_ms = Int(root, "created");
    if (root.Get("retention")) g.info.retention_in_days = static_cast<int>(Int(root, "retention"));
    g.next_file_id = static_cast<uint64_t>(Int(root, "nextFile"));
    if (auto tags = root.Get("tags")) {
      for (const auto& [k, v] : tags->Members()) g.info.tags[std::string(k)] = v.AsString();
    }
    if (auto streams = root.Get("streams")) {
      for (const api::JsonValue& sv : streams->Items()) {
        Stream s;
        s.name = Str(sv, "name");
        s.file_id = static_cast<uint64_t>(Int(sv, "file"));
        s.creation_time_ms = Int(sv, "created");
        auto [it, inserted] = g.streams.emplace(s.name, std::move(s));
        OT_RETURN_IF_ERROR(impl->OpenStreamFile(g, it->second, /*load=*/true));
      }
    }
    if (auto filters = root.Get("filters")) {
      for (const api::JsonValue& fv : filters->Items()) {
        MetricFilter def;
        def.log_group = g.info.name;
        def.name = Str(fv, "name");
        def.pattern = Str(fv, "pattern");
        def.creation_time_ms = Int(fv, "created");
        def.transformation.metric_name = Str(fv, "metricName");
        def.transformation.metric_namespace = Str(fv, "metricNamespace");
        def.transformation.metric_value = Str(fv, "metricValue");
        if (auto d = fv.Get("defaultValue")) def.transformation.default_value = d->AsDouble();
        if (auto dims = fv.Get("dimensions")) {
          for (const api::JsonValue& pair : dims->Items()) {
            std::vector<api::JsonValue> kv = pair.Items();
            if (kv.size() == 2) {
              def.transformation.dimensions.emplace_back(kv[0].AsString(), kv[1].AsString());
            }
          }
        }
        def.transformation.unit = Str(fv, "unit");
        OT_ASSIGN_OR_RETURN(auto filter, CompileFilter(def));
        g.filters.emplace(def.name, std::move(*filter));
        g.filter_set_stale = true;
      }
    }
    g.info.metric_filter_count = g.filters.size();
    dirs.insert(g.dir);
    impl->groups.emplace(internal::GroupKey(g.info.region, g.info.name), std::move(g));
  }
  // Directories of groups whose deletion was interrupted after the document went.
  OT_ASSIGN_OR_RETURN(auto entries, env.fs.List(impl->options.dir));
  for (const std::string& entry : entries) {
    if (dirs.count(entry) != 0) continue;
    const std::string dir = impl->options.dir + "/" + entry;
    auto files = env.fs.List(dir);
    if (files.ok()) {
      for (const std::string& f : *files) OT_RETURN_IF_ERROR(env.fs.Remove(dir + "/" + f));
    }
    OT_RETURN_IF_ERROR(env.fs.Remove(dir));
  }
  // The metric aggregates are not stored: rebuild them from the events (docs/formats/logs.md).
  for (auto& [key, g] : impl->groups) {
    if (g.filters.empty()) continue;
    for (const auto& [name, s] : g.streams) {
      for (const internal::StoredEvent& e : s.events) impl->RunFilters(g, e);
    }
  }
  return std::unique_ptr<LogStore>(new LogStore(std::move(impl)));
}

Result<LogGroup> LogStore::CreateLogGroup(std::string_view region, std::string_view name,
                                          const std::map<std::string, std::string>& tags) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(name));
  if (tags.size() > 50) return Invalid("A log group can have at most 50 tags.");
  std::lock_guard lock(impl_->mu);
  const internal::GroupKey key(region, name);
  if (impl_->groups.count(key) != 0) {
    return Status(Error::kResourceAlreadyExists, "The specified log group already exists");
  }
  Group g;
  g.info.region = std::string(region);
  g.info.name = std::string(name);
  g.info.arn = GroupArn(region, impl_->options.account_id, name);
  g.info.creation_time_ms = impl_->NowMs();
  g.info.tags = tags;
  char dir[17];
  std::snprintf(dir, sizeof dir, "%016llx",
                static_cast<unsigned long long>(impl_->env.random.Next64()));
  g.dir = dir;
  OT_RETURN_IF_ERROR(impl_->env.fs.CreateDirs(impl_->GroupDir(g)));
  OT_RETURN_IF_ERROR(impl_->Persist(g));
  LogGroup out = g.info;
  impl_->groups.emplace(key, std::move(g));
  return out;
}

Status LogStore::DeleteLogGroup(std::string_view region, std::string_view name) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(name));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, name));
  // The document goes first: a crash before the files are removed leaves an orphan directory,
  // which the next Open removes.
  OT_RETURN_IF_ERROR(impl_->db.DeleteDocument(kKind, GroupId(region, name)));
  const std::string dir = impl_->GroupDir(*g);
  for (auto& [stream_name, s] : g->streams) {
    if (s.file) (void)s.file->Close();
    OT_RETURN_IF_ERROR(impl_->env.fs.Remove(impl_->StreamPath(*g, s)));
  }
  OT_RETURN_IF_ERROR(impl_->env.fs.Remove(dir));
  impl_->groups.erase(internal::GroupKey(region, name));
  return Status::Ok();
}

Result<LogGroup> LogStore::GetLogGroup(std::string_view region, std::string_view name) const {
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(const Group* g, impl_->Find(region, name));
  return g->info;
}

Result<Page<LogGroup>> LogStore::DescribeLogGroups(std::string_view region,
                                                   const GroupQuery& query) const {
  if (!query.prefix.empty() && !query.pattern.empty()) {
    return Invalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.");
  }
  std::string after;
  if (!query.next_token.empty()) {
    auto decoded = HexDecode(query.next_token);
    if (!decoded || decoded->substr(0, 2) != "g:") return InvalidToken();
    after = decoded->substr(2);
  }
  Page<LogGroup> page;
  std::lock_guard lock(impl_->mu);
  for (auto it = impl_->groups.lower_bound(internal::GroupKey(region, after));
       it != impl_->groups.end() && it->first.first == region; ++it) {
    const std::string& name = it->first.second;
    if (!after.empty() && name <= after) continue;
    if (!query.prefix.empty() && name.substr(0, query.prefix.size()) != query.prefix) continue;
    if (!query.pattern.empty() && name.find(query.pattern) == std::string::npos) continue;
    if (page.items.size() == query.limit) {
      page.next_token = HexEncode("g:" + page.items.back().name);
      break;
    }
    page.items.push_back(it->second.info);
  }
  return page;
}

Status LogStore::PutRetentionPolicy(std::string_view region, std::string_view name, int days) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(name));
  if (std::find(std::begin(kRetentionDays), std::end(kRetentionDays), days) ==
      std::end(kRetentionDays)) {
    std::string allowed;
    for (int d : kRetentionDays) allowed += (allowed.empty() ? "" : ", ") + std::to_string(d);
    return Invalid("1 validation error detected: Value '" + std::to_string(days) +
                   "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy "
                   "enum value set: [" +
                   allowed + "]");
  }
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, name));
  std::optional<int> old = g->info.retention_in_days;
  g->info.retention_in_days = days;
  Status s = impl_->Persist(*g);
  if (!s.ok()) g->info.retention_in_days = old;
  return s;
}

Status LogStore::DeleteRetentionPolicy(std::string_view region, std::string_view name) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(name));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, name));
  std::optional<int> old = g->info.retention_in_days;
  g->info.retention_in_days.reset();
  Status s = impl_->Persist(*g);
  if (!s.ok()) g->info.retention_in_days = old;
  return s;
}

Status LogStore::TagLogGroup(std::string_view region, std::string_view name,
                             const std::map<std::string, std::string>& tags) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(name));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, name));
  std::map<std::string, std::string> merged = g->info.tags;
  for (const auto& [k, v] : tags) merged[k] = v;
  if (merged.size() > 50) return Invalid("A log group can have at most 50 tags.");
  std::swap(g->info.tags, merged);
  Status s = impl_->Persist(*g);
  if (!s.ok()) std::swap(g->info.tags, merged);
  return s;
}

Status LogStore::UntagLogGroup(std::string_view region, std::string_view name,
                               const std::vector<std::string>& keys) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(name));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, name));
  std::map<std::string, std::string> kept = g->info.tags;
  for (const std::string& k : keys) kept.erase(k);
  std::swap(g->info.tags, kept);
  Status s = impl_->Persist(*g);
  if (!s.ok()) std::swap(g->info.tags, kept);
  return s;
}

Status LogStore::CreateLogStream(std::string_view region, std::string_view group,
                                 std::string_view stream) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(group));
  OT_RETURN_IF_ERROR(ValidateLogStreamName(stream));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, group));
  if (g->streams.count(stream) != 0) {
    return Status(Error::kResourceAlreadyExists, "The specified log stream already exists");
  }
  Stream s;
  s.name = std::string(stream);
  s.file_id = g->next_file_id++;
  s.creation_time_ms = impl_->NowMs();
  auto [it, inserted] = g->streams.emplace(s.name, std::move(s));
  Status st = impl_->OpenStreamFile(*g, it->second, /*load=*/false);
  if (st.ok()) st = impl_->Persist(*g);
  if (!st.ok()) g->streams.erase(it);
  return st;
}

Status LogStore::DeleteLogStream(std::string_view region, std::string_view group,
                                 std::string_view stream) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(group));
  OT_RETURN_IF_ERROR(ValidateLogStreamName(stream));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, group));
  auto it = g->streams.find(stream);
  if (it == g->streams.end()) return StreamNotFound();
  Stream removed = std::move(it->second);
  g->streams.erase(it);
  Status st = impl_->Persist(*g);
  if (!st.ok()) {
    g->streams.emplace(removed.name, std::move(removed));
    return st;
  }
  if (removed.file) (void)removed.file->Close();
  g->info.stored_bytes -= std::min(g->info.stored_bytes, removed.bytes);
  return impl_->env.fs.Remove(impl_->StreamPath(*g, removed));
}

Result<Page<LogStream>> LogStore::DescribeLogStreams(std::string_view region,
                                                     const StreamQuery& query) const {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(query.group));
  if (query.order_by_last_event_time && !query.prefix.empty()) {
    return Invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  OT_ASSIGN_OR_RETURN(size_t offset, OffsetToken(query.next_token, "s:"));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(const Group* g, impl_->Find(region, query.group));
  const int64_t cutoff = impl_->Cutoff(*g, impl_->NowMs());
  std::vector<LogStream> all;
  for (const auto& [name, s] : g->streams) {
    if (!query.prefix.empty() && name.substr(0, query.prefix.size()) != query.prefix) continue;
    LogStream out;
    out.name = name;
    out.creation_time_ms = s.creation_time_ms;
    auto first = std::lower_bound(
        s.events.begin(), s.events.end(), cutoff,
        [](const internal::StoredEvent& e, int64_t t) { return e.timestamp_ms < t; });
    if (first != s.events.end()) {
      out.first_event_timestamp = first->timestamp_ms;
      out.last_event_timestamp = s.events.back().timestamp_ms;
    }
    out.last_ingestion_time = s.last_ingestion_ms;
    out.stored_bytes = s.bytes;
    out.arn = "arn:aws:logs:" + std::string(region) + ":" + impl_->options.account_id +
              ":log-group:" + g->info.name + ":log-stream:" + name;
    all.push_back(std::move(out));
  }
  if (query.order_by_last_event_time) {
    std::stable_sort(all.begin(), all.end(), [](const LogStream& a, const LogStream& b) {
      return a.last_event_timestamp.value_or(INT64_MIN) <
             b.last_event_timestamp.value_or(INT64_MIN);
    });
  }
  if (query.descending) std::reverse(all.begin(), all.end());
  Page<LogStream> page;
  for (size_t i = offset; i < all.size(); ++i) {
    if (page.items.size() == query.limit) {
      page.next_token = HexEncode("s:" + std::to_string(i));
      break;
    }
    page.items.push_back(std::move(all[i]));
  }
  return page;
}

Status LogStore::PutMetricFilter(std::string_view region, const MetricFilter& filter) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(filter.log_group));
  OT_RETURN_IF_ERROR(ValidateFilterName(filter.name));
  MetricFilter def = filter;
  OT_ASSIGN_OR_RETURN(auto compiled, CompileFilter(def));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, filter.log_group));
  const bool replacing = g->filters.count(filter.name) != 0;
  if (!replacing && g->filters.size() >= kMaxMetricFiltersPerGroup) {
    return Status(Error::kLogsLimitExceeded, "Resource limit exceeded.");
  }
  if (compiled->pattern.regex_count() > 0) {
    size_t regex_filters = 0;
    for (const auto& [name, f] : g->filters) {
      if (name != filter.name && f.pattern.regex_count() > 0) ++regex_filters;
    }
    if (regex_filters >= kMaxRegexFiltersPerGroup) {
      return Status(Error::kLogsLimitExceeded, "A log group can have at most " +
                                                   std::to_string(kMaxRegexFiltersPerGroup) +
                                                   " metric filters that use regular expressions.");
    }
  }
  compiled->def.creation_time_ms = impl_->NowMs();
  compiled->def.log_group = g->info.name;
  std::optional<Filter> previous;
  if (replacing) previous.emplace(g->filters.at(filter.name));
  g->filters.insert_or_assign(filter.name, std::move(*compiled));
  g->filter_set_stale = true;
  Status st = impl_->Persist(*g);
  if (!st.ok()) {
    if (previous) {
      g->filters.insert_or_assign(filter.name, std::move(*previous));
    } else {
      g->filters.erase(filter.name);
    }
  }
  g->info.metric_filter_count = g->filters.size();
  return st;
}

Result<Page<MetricFilter>> LogStore::DescribeMetricFilters(std::string_view region,
                                                           const MetricFilterQuery& query) const {
  if (query.group) OT_RETURN_IF_ERROR(ValidateLogGroupName(*query.group));
  if (!query.name_prefix.empty() && !query.group) {
    return Invalid("If you specify filterNamePrefix, you must also specify logGroupName.");
  }
  if (query.metric_name.has_value() != query.metric_namespace.has_value()) {
    return Invalid("metricName and metricNamespace must be specified together.");
  }
  OT_ASSIGN_OR_RETURN(size_t offset, OffsetToken(query.next_token, "f:"));
  std::lock_guard lock(impl_->mu);
  std::vector<const Group*> groups;
  if (query.group) {
    OT_ASSIGN_OR_RETURN(const Group* g, impl_->Find(region, *query.group));
    groups.push_back(g);
  } else {
    for (const auto& [key, g] : impl_->groups) {
      if (key.first == region) groups.push_back(&g);
    }
  }
  Page<MetricFilter> page;
  size_t index = 0;
  for (const Group* g : groups) {
    for (const auto& [name, f] : g->filters) {
      if (!query.name_prefix.empty() &&
          name.substr(0, query.name_prefix.size()) != query.name_prefix) {
        continue;
      }
      if (query.metric_name && (f.def.transformation.metric_name != *query.metric_name ||
                                f.def.transformation.metric_namespace != *query.metric_namespace)) {
        continue;
      }
      if (index++ < offset) continue;
      if (page.items.size() == query.limit) {
        page.next_token = HexEncode("f:" + std::to_string(index - 1));
        return page;
      }
      page.items.push_back(f.def);
    }
  }
  return page;
}

Status LogStore::DeleteMetricFilter(std::string_view region, std::string_view group,
                                    std::string_view name) {
  OT_RETURN_IF_ERROR(ValidateLogGroupName(group));
  OT_RETURN_IF_ERROR(ValidateFilterName(name));
  std::lock_guard lock(impl_->mu);
  OT_ASSIGN_OR_RETURN(Group * g, impl_->Find(region, group));
  auto it = g->filters.find(name);
  if (it == g->filters.end()) {
    return Status(Error::kResourceNotFound, "The specified metric filter does not exist.");
  }
  Filter removed = std::move(it->second);
  g->filters.erase(it);
  g->filter_set_stale = true;
  Status st = impl_->Persist(*g);
  if (!st.ok()) g->filters.emplace(removed.def.name, std::move(removed));
  g->info.metric_filter_count = g->filters.size();
  return st;
}

}  // namespace ot::monitor
