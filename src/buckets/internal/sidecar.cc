#include "buckets/internal/sidecar.h"

#include <algorithm>

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/json_writer.h"

namespace ot::buckets::internal {

// The sidecar of an object: {"ContentType","LastModified","ETag","Metadata":{…}} and, when set,
// "ContentEncoding", "Checksums":{…} and "Uploader" (client uploads only).
std::string SidecarJson(const Sidecar& s) {
  JsonWriter w;
  w.BeginObject();
  w.Key("ContentType").String(s.content_type);
  w.Key("LastModified").String(s.last_modified);
  w.Key("ETag").String(s.etag_hex);
  w.Key("Metadata").BeginObject();
  for (const auto& [k, v] : s.metadata) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    w.Key(lower).String(v);
  }
  w.EndObject();
  if (!s.content_encoding.empty()) w.Key("ContentEncoding").String(s.content_encoding);
  if (!s.checksums.empty()) {
    w.Key("Checksums").BeginObject();
    for (const auto& [k, v] : s.checksums) w.Key(k).String(v);
    w.EndObject();
  }
  if (!s.uploader.empty()) w.Key("Uploader").String(s.uploader);
  if (!s.sse_algorithm.empty()) {
    w.Key("Encryption").BeginObject();
    w.Key("Algorithm").String(s.sse_algorithm);
    if (!s.sse_key_arn.empty()) w.Key("KeyArn").String(s.sse_key_arn);
    w.Key("WrappedKey").String(Base64Encode(s.sse_wrapped_key));
    w.Key("Context").BeginObject();
    for (const auto& [k, v] : s.sse_context) w.Key(k).String(v);
    w.EndObject();
    w.Key("Size").Uint(s.sse_size);
    w.EndObject();
  }
  if (!s.version_id.empty()) {
    w.Key("VersionId").String(s.version_id);
    w.Key("Seq").Uint(s.seq);
  }
  if (s.delete_marker) w.Key("DeleteMarker").Bool(true);
  if (!s.lock_mode.empty()) {
    w.Key("Retention").BeginObject();
    w.Key("Mode").String(s.lock_mode);
    w.Key("RetainUntil").String(s.lock_until);
    w.EndObject();
  }
  if (s.legal_hold) w.Key("LegalHold").Bool(true);
  // Lifecycle members
  if (!s.storage_class.empty()) w.Key("StorageClass").String(s.storage_class);
  if (!s.archive_codec.empty()) {
    w.Key("Archive").BeginObject();
    w.Key("Codec").String(s.archive_codec);
    w.Key("File").String(s.archive_file);
    w.Key("Level").Int(s.archive_level);
    w.Key("Size").Uint(s.archive_size);
    w.EndObject();
  }
  if (!s.restore_requested.empty() || !s.restore_expiry.empty()) {
    w.Key("Restore").BeginObject();
    if (!s.restore_requested.empty()) w.Key("Requested").String(s.restore_requested);
    w.Key("Days").Int(s.restore_days);
    if (!s.restore_expiry.empty()) w.Key("Expiry").String(s.restore_expiry);
    w.EndObject();
  }
  if (!s.tags.empty()) {
    w.Key("Tags").BeginObject();
    for (const auto& [k, v] : s.tags) w.Key(k).String(v);
    w.EndObject();
  }
  w.EndObject();
  return w.Take();
}

Sidecar ParseSidecar(std::string_view text) {
  Sidecar out;
  auto doc = api::JsonDocument::Parse(text);
  if (!doc.ok() || !(*doc)->root().is_object()) return out;
  api::JsonValue root = (*doc)->root();
  auto str = [&](std::string_view name) {
    auto v = root.Get(name);
    return v && v->is_string() ? std::string(v->AsString()) : std::string();
  };
  out.content_type = str("ContentType");
  out.last_modified = str("LastModified");
  out.etag_hex = str("ETag");
  if (auto m = root.Get("Metadata"); m && m->is_object()) {
    for (const auto& [k, v] : m->Members()) {
      if (v.is_string()) out.metadata.emplace(std::string(k), std::string(v.AsString()));
    }
  }
  out.content_encoding = str("ContentEncoding");
  if (auto c = root.Get("Checksums"); c && c->is_object()) {
    for (const auto& [k, v] : c->Members()) {
      if (v.is_string()) out.checksums.emplace(std::string(k), std::string(v.AsString()));
    }
  }
  out.uploader = str("Uploader");
  if (auto e = root.Get("Encryption"); e && e->is_object()) {
    auto member = [&](std::string_view name) {
      auto v = e->Get(name);
      return v && v->is_string() ? std::string(v->AsString()) : std::string();
    };
    out.sse_algorithm = member("Algorithm");
    out.sse_key_arn = member("KeyArn");
    out.sse_wrapped_key = Base64Decode(member("WrappedKey")).value_or("");
    if (auto c = e->Get("Context"); c && c->is_object()) {
      for (const auto& [k, v] : c->Members()) {
        if (v.is_string()) out.sse_context.emplace(std::string(k), std::string(v.AsString()));
      }
    }
    if (auto size = e->Get("Size"); size)
      out.sse_size = static_cast<uint64_t>(size->AsInt().value_or(0));
  }
  out.version_id = str("VersionId");
  if (auto seq = root.Get("Seq"); seq) out.seq = static_cast<uint64_t>(seq->AsInt().value_or(0));
  if (auto dm = root.Get("DeleteMarker"); dm && dm->type() == api::JsonValue::Type::kBool)
    out.delete_marker = dm->AsBool();
  if (auto r = root.Get("Retention"); r && r->is_object()) {
    auto mode = r->Get("Mode");
    auto until = r->Get("RetainUntil");
    if (mode && mode->is_string()) out.lock_mode = std::string(mode->AsString());
    if (until && until->is_string()) out.lock_until = std::string(until->AsString());
  }
  if (auto lh = root.Get("LegalHold"); lh && lh->type() == api::JsonValue::Type::kBool)
    out.legal_hold = lh->AsBool();
  // Lifecycle members
  out.storage_class = str("StorageClass");
  if (auto a = root.Get("Archive"); a && a->is_object()) {
    auto codec = a->Get("Codec");
    if (codec && codec->is_string()) out.archive_codec = std::string(codec->AsString());
    auto file = a->Get("File");
    if (file && file->is_string()) out.archive_file = std::string(file->AsString());
    if (auto level = a->Get("Level"))
      out.archive_level = static_cast<int>(level->AsInt().value_or(0));
    if (auto size = a->Get("Size"))
      out.archive_size = static_cast<uint64_t>(size->AsInt().value_or(0));
  }
  if (auto r = root.Get("Restore"); r && r->is_object()) {
    auto requested = r->Get("Requested");
    if (requested && requested->is_string())
      out.restore_requested = std::string(requested->AsString());
    if (auto days = r->Get("Days")) out.restore_days = days->AsInt().value_or(0);
    auto expiry = r->Get("Expiry");
    if (expiry && expiry->is_string()) out.restore_expiry = std::string(expiry->AsString());
  }
  if (auto t = root.Get("Tags"); t && t->is_object()) {
    for (const auto& [k, v] : t->Members()) {
      if (v.is_string()) out.tags.emplace(std::string(k), std::string(v.AsString()));
    }
  }
  return out;
}

}  // namespace ot::buckets::internal
