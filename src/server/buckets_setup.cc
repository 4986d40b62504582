#include "server/buckets_setup.h"

#include "api/protocol/json_value.h"
#include "common/json_writer.h"
#include "common/time.h"

namespace ot::server {

Status MetadataBucketStore::Put(const buckets::BucketInfo& bucket) {
  JsonWriter w;
  w.BeginObject();
  w.Key("Name").String(bucket.name);
  w.Key("CreationDate").String(FormatIso8601Millis(bucket.creation_date));
  w.Key("Region").String(bucket.region);
  w.Key("Owner").String(bucket.owner_account);
  w.EndObject();
  return db_.PutDocument("bucket", bucket.name, w.str());
}

Status MetadataBucketStore::Delete(std::string_view name) {
  return db_.DeleteDocument("bucket", name);
}

Result<std::vector<buckets::BucketInfo>> MetadataBucketStore::List() {
  OT_ASSIGN_OR_RETURN(auto docs, db_.ListDocuments("bucket"));
  std::vector<buckets::BucketInfo> out;
  for (const auto& [id, json] : docs) {
    auto bad = [&id = id](std::string_view why) {
      return Status(Error::kCorruption, "bucket document '" + id + "': " + std::string(why));
    };
    OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(json));
    api::JsonValue root = doc->root();
    if (!root.is_object()) return bad("not an object");
    auto text = [&](std::string_view member) -> std::string {
      auto v = root.Get(member);
      return v && v->is_string() ? std::string(v->AsString()) : std::string();
    };
    buckets::BucketInfo info;
    info.name = text("Name");
    if (info.name != id) return bad("Name does not match the id");
    auto created = ParseIso8601(text("CreationDate"));
    if (!created.ok()) return bad("bad CreationDate");
    info.creation_date = *created;
    info.region = text("Region");
    info.owner_account = text("Owner");
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<buckets::RemoteBucketConfig>> ParseBucketsConfig(std::string_view json) {
  auto parsed = api::JsonDocument::Parse(json);
  if (!parsed.ok()) {
    return Status(Error::kValidation, "--buckets-config: " + parsed.status().message());
  }
  api::JsonValue root = (*parsed)->root();
  if (!root.is_array()) {
    return Status(Error::kValidation, "--buckets-config: the file must hold a JSON array");
  }
  std::vector<buckets::RemoteBucketConfig> out;
  size_t index = 0;
  for (const api::JsonValue& item : root.Items()) {
    std::string where = "--buckets-config entry " + std::to_string(index++);
    if (!item.is_object()) return Status(Error::kValidation, where + ": not an object");
    buckets::RemoteBucketConfig c;
    for (const auto& [name, value] : item.Members()) {
      std::string member(name);
      if (member == "path_style") {
        if (value.type() != api::JsonValue::Type::kBool) {
          return Status(Error::kValidation, where + ": path_style must be true or false");
        }
        c.path_style = value.AsBool();
        continue;
      }
      if (member == "tls_verify") {
        if (value.type() != api::JsonValue::Type::kBool) {
          return Status(Error::kValidation, where + ": tls_verify must be true or false");
        }
        c.tls_verify = value.AsBool();
        continue;
      }
      if (!value.is_string()) {
        return Status(Error::kValidation, where + ": " + member + " must be a string");
      }
      std::string v(value.AsString());
      if (member == "name") {
        c.name = v;
      } else if (member == "endpoint") {
        c.endpoint = v;
      } else if (member == "region") {
        c.region = v;
      } else if (member == "access_key_id") {
        c.access_key_id = v;
      } else if (member == "secret_access_key") {
        c.secret_access_key = v;
      } else if (member == "session_token") {
        c.session_token = v;
      } else if (member == "ca_bundle") {
        c.ca_bundle = v;
      } else {
        return Status(Error::kValidation, where + ": unknown member '" + member + "'");
      }
    }
    if (c.name.empty() || c.endpoint.empty()) {
      return Status(Error::kValidation, where + ": name and endpoint are required");
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace ot::server
