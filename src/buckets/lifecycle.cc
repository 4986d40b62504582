#include "buckets/lifecycle.h"

#include <array>

#include "api/protocol/json_value.h"
#include "common/json_writer.h"
#include "common/time.h"

namespace ot::buckets {
namespace {

constexpr std::array<std::string_view, 7> kClassesByRank = {
    "STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR",
    "GLACIER",  "DEEP_ARCHIVE"};

constexpr std::array<std::pair<LifecycleFilter::Form, std::string_view>, 7> kForms = {{
    {LifecycleFilter::Form::kLegacyPrefix, "LegacyPrefix"},
    {LifecycleFilter::Form::kEmpty, "Empty"},
    {LifecycleFilter::Form::kPrefix, "Prefix"},
    {LifecycleFilter::Form::kTag, "Tag"},
    {LifecycleFilter::Form::kSizeGreater, "ObjectSizeGreaterThan"},
    {LifecycleFilter::Form::kSizeLess, "ObjectSizeLessThan"},
    {LifecycleFilter::Form::kAnd, "And"},
}};

void OptInt(JsonWriter& w, std::string_view name, const std::optional<int64_t>& v) {
  if (v) w.Key(name).Int(*v);
}

void OptDate(JsonWriter& w, std::string_view name, const std::optional<SysMillis>& v) {
  if (v) w.Key(name).String(FormatIso8601Millis(*v));
}

Status Corrupt(std::string_view what) {
  return Status(Error::kCorruption, "lifecycle configuration: " + std::string(what));
}

Result<std::optional<int64_t>> ReadInt(const api::JsonValue& o, std::string_view name) {
  auto v = o.Get(name);
  if (!v) return std::optional<int64_t>();
  auto i = v->AsInt();
  if (!i) return Corrupt(std::string(name) + " is not an integer");
  return std::optional<int64_t>(*i);
}

Result<std::optional<SysMillis>> ReadDate(const api::JsonValue& o, std::string_view name) {
  auto v = o.Get(name);
  if (!v) return std::optional<SysMillis>();
  if (!v->is_string()) return Corrupt(std::string(name) + " is not a date");
  OT_ASSIGN_OR_RETURN(SysMillis t, ParseIso8601(v->AsString()));
  return std::optional<SysMillis>(t);
}

std::string ReadString(const api::JsonValue& o, std::string_view name) {
  auto v = o.Get(name);
  return v && v->is_string() ? std::string(v->AsString()) : std::string();
}

}  // namespace

bool IsTransitionStorageClass(std::string_view storage_class) {
  return StorageClassRank(storage_class) > 0;
}

bool IsArchiveStorageClass(std::string_view storage_class) {
  return storage_class == "GLACIER" || storage_class == "DEEP_ARCHIVE";
}

int StorageClassRank(std::string_view storage_class) {
  for (size_t i = 0; i < kClassesByRank.size(); ++i) {
    if (kClassesByRank[i] == storage_class) return static_cast<int>(i);
  }
  return -1;
}

std::string LifecycleJson(const LifecycleConfiguration& config) {
  JsonWriter w;
  w.BeginObject().Key("Rules").BeginArray();
  for (const LifecycleRule& r : config.rules) {
    w.BeginObject();
    w.Key("ID").String(r.id);
    w.Key("Status").String(r.enabled ? "Enabled" : "Disabled");
    w.Key("Filter").BeginObject();
    for (const auto& [form, name] : kForms) {
      if (form == r.filter.form) w.Key("Form").String(name);
    }
    w.Key("Prefix").String(r.filter.prefix);
    w.Key("Tags").BeginArray();
    for (const LifecycleTag& t : r.filter.tags) {
      w.BeginObject().Key("Key").String(t.key).Key("Value").String(t.value).EndObject();
    }
    w.EndArray();
    if (r.filter.size_greater_than)
      w.Key("ObjectSizeGreaterThan").Uint(*r.filter.size_greater_than);
    if (r.filter.size_less_than) w.Key("ObjectSizeLessThan").Uint(*r.filter.size_less_than);
    w.EndObject();
    w.Key("Transitions").BeginArray();
    for (const LifecycleTransition& t : r.transitions) {
      w.BeginObject();
      OptInt(w, "Days", t.days);
      OptDate(w, "Date", t.date);
      w.Key("StorageClass").String(t.storage_class);
      w.EndObject();
    }
    w.EndArray();
    if (r.expiration) {
      w.Key("Expiration").BeginObject();
      OptInt(w, "Days", r.expiration->days);
      OptDate(w, "Date", r.expiration->date);
      if (r.expiration->expired_object_delete_marker) {
        w.Key("ExpiredObjectDeleteMarker").Bool(*r.expiration->expired_object_delete_marker);
      }
      w.EndObject();
    }
    w.Key("NoncurrentVersionTransitions").BeginArray();
    for (const NoncurrentVersionTransition& t : r.noncurrent_transitions) {
      w.BeginObject();
      w.Key("NoncurrentDays").Int(t.noncurrent_days);
      OptInt(w, "NewerNoncurrentVersions", t.newer_noncurrent_versions);
      w.Key("StorageClass").String(t.storage_class);
      w.EndObject();
    }
    w.EndArray();
    if (r.noncurrent_expiration) {
      w.Key("NoncurrentVersionExpiration").BeginObject();
      OptInt(w, "NoncurrentDays", r.noncurrent_expiration->noncurrent_days);
      OptInt(w, "NewerNoncurrentVersions", r.noncurrent_expiration->newer_noncurrent_versions);
      w.EndObject();
    }
    OptInt(w, "AbortIncompleteMultipartUploadDays", r.abort_incomplete_multipart_days);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

Result<LifecycleConfiguration> ParseLifecycleJson(std::string_view json) {
  OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(json));
  api::JsonValue root = doc->root();
  if (!root.is_object()) return Corrupt("not an object");
  auto rules = root.Get("Rules");
  if (!rules || !rules->is_array()) return Corrupt("no Rules");
  LifecycleConfiguration out;
  for (const api::JsonValue& rv : rules->Items()) {
    if (!rv.is_object()) return Corrupt("a rule is not an object");
    LifecycleRule r;
    r.id = ReadString(rv, "ID");
    r.enabled = ReadString(rv, "Status") == "Enabled";
    auto f = rv.Get("Filter");
    if (!f || !f->is_object()) return Corrupt("a rule has no Filter");
    std::string form = ReadString(*f, "Form");
    bool known = false;
    for (const auto& [value, name] : kForms) {
      if (name == form) {
        r.filter.form = value;
        known = true;
      }
    }
    if (!known) return Corrupt("unknown filter form '" + form + "'");
    r.filter.prefix = ReadString(*f, "Prefix");
    if (auto tags = f->Get("Tags"); tags && tags->is_array()) {
      for (const api::JsonValue& t : tags->Items()) {
        r.filter.tags.push_back({ReadString(t, "Key"), ReadString(t, "Value")});
      }
    }
    OT_ASSIGN_OR_RETURN(auto gt, ReadInt(*f, "ObjectSizeGreaterThan"));
    if (gt) r.filter.size_greater_than = static_cast<uint64_t>(*gt);
    OT_ASSIGN_OR_RETURN(auto lt, ReadInt(*f, "ObjectSizeLessThan"));
    if (lt) r.filter.size_less_than = static_cast<uint64_t>(*lt);
    if (auto ts = rv.Get("Transitions"); ts && ts->is_array()) {
      for (const api::JsonValue& t : ts->Items()) {
        LifecycleTransition tr;
        OT_ASSIGN_OR_RETURN(tr.days, ReadInt(t, "Days"));
        OT_ASSIGN_OR_RETURN(tr.date, ReadDate(t, "Date"));
        tr.storage_class = ReadString(t, "StorageClass");
        r.transitions.push_back(std::move(tr));
      }
    }
    if (auto e = rv.Get("Expiration"); e && e->is_object()) {
      LifecycleExpiration ex;
      OT_ASSIGN_OR_RETURN(ex.days, ReadInt(*e, "Days"));
      OT_ASSIGN_OR_RETURN(ex.date, ReadDate(*e, "Date"));
      if (auto m = e->Get("ExpiredObjectDeleteMarker"))
        ex.expired_object_delete_marker = m->AsBool();
      r.expiration = ex;
    }
    if (auto ts = rv.Get("NoncurrentVersionTransitions"); ts && ts->is_array()) {
      for (const api::JsonValue& t : ts->Items()) {
        NoncurrentVersionTransition tr;
        OT_ASSIGN_OR_RETURN(auto days, ReadInt(t, "NoncurrentDays"));
        tr.noncurrent_days = days.value_or(0);
        OT_ASSIGN_OR_RETURN(tr.newer_noncurrent_versions, ReadInt(t, "NewerNoncurrentVersions"));
        tr.storage_class = ReadString(t, "StorageClass");
        r.noncurrent_transitions.push_back(std::move(tr));
      }
    }
    if (auto e = rv.Get("NoncurrentVersionExpiration"); e && e->is_object()) {
      NoncurrentVersionExpiration ex;
      OT_ASSIGN_OR_RETURN(ex.noncurrent_days, ReadInt(*e, "NoncurrentDays"));
      OT_ASSIGN_OR_RETURN(ex.newer_noncurrent_versions, ReadInt(*e, "NewerNoncurrentVersions"));
      r.noncurrent_expiration = ex;
    }
    OT_ASSIGN_OR_RETURN(r.abort_incomplete_multipart_days,
                        ReadInt(rv, "AbortIncompleteMultipartUploadDays"));
    out.rules.push_back(std::move(r));
  }
  return out;
}

bool RuleSelects(const LifecycleRule& rule, std::string_view key, uint64_t size,
                 const std::map<std::string, std::string>& tags) {
  const LifecycleFilter& f = rule.filter;
  if (!key.starts_with(f.prefix)) return false;
  for (const LifecycleTag& t : f.tags) {
    auto it = tags.find(t.key);
    if (it == tags.end() || it->second != t.value) return false;
  }
  if (f.size_greater_than && !(size > *f.size_greater_than)) return false;
  if (f.size_less_than && !(size < *f.size_less_than)) return false;
  return true;
}

SysMillis LifecycleDue(SysMillis created, int64_t days, std::chrono::milliseconds day) {
  using std::chrono::milliseconds;
  int64_t d = std::max<int64_t>(day.count(), 1);
  int64_t t = created.time_since_epoch().count() + days * d;
  int64_t rounded = (t + d - 1) / d * d;  // the next "midnight" (t itself when it is one)
  return SysMillis(milliseconds(rounded));
}

LifecycleDecision DecideLifecycle(const LifecycleConfiguration& config, std::string_view key,
                                  uint64_t size, const std::map<std::string, std::string>& tags,
                                  SysMillis created, std::string_view current_class, SysMillis now,
                                  std::chrono::milliseconds day) {
  LifecycleDecision out;
  int best_rank = std::max(StorageClassRank(current_class), 0);
  for (const LifecycleRule& rule : config.rules) {
    if (!rule.enabled || !RuleSelects(rule, key, size, tags)) continue;
    if (rule.expiration && (rule.expiration->days || rule.expiration->date)) {
      SysMillis due = rule.expiration->days ? LifecycleDue(created, *rule.expiration->days, day)
                                            : *rule.expiration->date;
      if (now >= due) {
        out.kind = LifecycleDecision::Kind::kExpire;
        out.rule_id = rule.id;
        out.storage_class.clear();
        return out;
      }
    }
    for (const LifecycleTransition& t : rule.transitions) {
      SysMillis due =
          t.days ? LifecycleDue(created, *t.days, day) : t.date.value_or(SysMillis::max());
      int rank = StorageClassRank(t.storage_class);
      if (now >= due && rank > best_rank) {
        best_rank = rank;
        out.kind = LifecycleDecision::Kind::kTransition;
        out.rule_id = rule.id;
        out.storage_class = t.storage_class;
      }
    }
  }
  return out;
}

}  // namespace ot::buckets
