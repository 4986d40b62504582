#include "iam/internal/codec.h"

#include "api/protocol/json_value.h"
#include "common/json_writer.h"

namespace ot::iam::internal {
namespace {

using api::JsonDocument;
using api::JsonValue;

int64_t Ms(SysMillis t) { return t.time_since_epoch().count(); }
SysMillis FromMs(int64_t ms) { return SysMillis(std::chrono::milliseconds(ms)); }

Status Bad(std::string_view what) {
  return Status(Error::kCorruption, "IAM document: bad or missing " + std::string(what));
}

// Typed readers over one object; each records the first problem.
class Reader {
 public:
  explicit Reader(JsonValue v) : v_(v) {}
  std::string Str(std::string_view name) {
    auto m = v_.Get(name);
    if (!m || !m->is_string()) {
      Fail(name);
      return {};
    }
    return std::string(m->AsString());
  }
  std::optional<std::string> OptStr(std::string_view name) {
    auto m = v_.Get(name);
    if (!m || m->is_null()) return std::nullopt;
    if (!m->is_string()) {
      Fail(name);
      return std::nullopt;
    }
    return std::string(m->AsString());
  }
  int64_t Int(std::string_view name) {
    auto m = v_.Get(name);
    std::optional<int64_t> i =
        m && m->type() == JsonValue::Type::kNumber ? m->AsInt() : std::nullopt;
    if (!i) {
      Fail(name);
      return 0;
    }
    return *i;
  }
  std::optional<int64_t> OptInt(std::string_view name) {
    auto m = v_.Get(name);
    if (!m || m->is_null()) return std::nullopt;
    return Int(name);
  }
  bool Bool(std::string_view name) {
    auto m = v_.Get(name);
    if (!m || m->type() != JsonValue::Type::kBool) {
      Fail(name);
      return false;
    }
    return m->AsBool();
  }
  std::vector<JsonValue> List(std::string_view name) {
    auto m = v_.Get(name);
    if (!m || m->is_null()) return {};
    if (!m->is_array()) {
      Fail(name);
      return {};
    }
    return m->Items();
  }
  std::vector<std::string> Strings(std::string_view name) {
    std::vector<std::string> out;
    for (JsonValue item : List(name)) {
      if (!item.is_string()) {
        Fail(name);
        return {};
      }
      out.emplace_back(item.AsString());
    }
    return out;
  }
  std::vector<Tag> Tags() {
    std::vector<Tag> out;
    for (JsonValue item : List("tags")) {
      Reader r(item);
      Tag t{r.Str("key"), r.Str("value")};
      if (!r.status().ok()) {
        Fail("tags");
        return {};
      }
      out.push_back(std::move(t));
    }
    return out;
  }
  const Status& status() const { return status_; }

 private:
  void Fail(std::string_view name) {
    if (status_.ok()) status_ = Bad(name);
  }
  JsonValue v_;
  Status status_;
};

void WriteTags(JsonWriter& w, const std::vector<Tag>& tags) {
  w.Key("tags").BeginArray();
  for (const Tag& t : tags)
    w.BeginObject().Key("key").String(t.key).Key("value").String(t.value).EndObject();
  w.EndArray();
}

void WriteInline(JsonWriter& w, const std::map<std::string, InlinePolicy>& policies) {
  w.Key("inline").BeginArray();
  for (const auto& [name, p] : policies) {
    w.BeginObject().Key("name").String(name).Key("document").String(p.document).EndObject();
  }
  w.EndArray();
}

void WriteStrings(JsonWriter& w, std::string_view key, const std::vector<std::string>& v) {
  w.Key(key).BeginArray();
  for (const std::string& s : v) w.String(s);
  w.EndArray();
}

Status ReadInline(Reader& r, std::map<std::string, InlinePolicy>* out) {
  for (JsonValue item : r.List("inline")) {
    Reader p(item);
    std::string name = p.Str("name");
    std::string doc = p.Str("document");
    OT_RETURN_IF_ERROR(p.status());
    auto compiled = auth::ParsePolicy(doc);
    if (!compiled.ok()) return Bad("inline policy " + name);
    (*out)[name] = InlinePolicy{std::move(doc), std::move(*compiled)};
  }
  return Status::Ok();
}

Result<std::unique_ptr<JsonDocument>> Parse(std::string_view json) {
  auto doc = JsonDocument::Parse(json);
  if (!doc.ok() || !(*doc)->root().is_object()) return Bad("JSON object");
  return std::move(*doc);
}

}  // namespace

std::string EncodeUser(const UserRec& u) {
  JsonWriter w;
  w.BeginObject();
  w.Key("name").String(u.user.name).Key("path").String(u.user.path);
  w.Key("id").String(u.user.id).Key("arn").String(u.user.arn);
  w.Key("created").Int(Ms(u.user.created));
  if (u.user.permissions_boundary) w.Key("boundary").String(*u.user.permissions_boundary);
  WriteTags(w, u.user.tags);
  WriteStrings(w, "groups", u.groups);
  WriteInline(w, u.inline_policies);
  WriteStrings(w, "attached", u.attached);
  w.EndObject();
  return w.Take();
}

Result<UserRec> DecodeUser(std::string_view json) {
  OT_ASSIGN_OR_RETURN(auto doc, Parse(json));
  Reader r(doc->root());
  UserRec u;
  u.user.name = r.Str("name");
  u.user.path = r.Str("path");
  u.user.id = r.Str("id");
  u.user.arn = r.Str("arn");
  u.user.created = FromMs(r.Int("created"));
  u.user.permissions_boundary = r.OptStr("boundary");
  u.user.tags = r.Tags();
  u.groups = r.Strings("groups");
  u.attached = r.Strings("attached");
  OT_RETURN_IF_ERROR(r.status());
  OT_RETURN_IF_ERROR(ReadInline(r, &u.inline_policies));
  OT_RETURN_IF_ERROR(r.status());
  return u;
}

std::string EncodeGroup(const GroupRec& g) {
  JsonWriter w;
  w.BeginObject();
  w.Key("name").String(g.group.name).Key("path").String(g.group.path);
  w.Key("id").String(g.group.id).Key("arn").String(g.group.arn);
  w.Key("created").Int(Ms(g.group.created));
  WriteInline(w, g.inline_policies);
  WriteStrings(w, "attached", g.attached);
  w.EndObject();
  return w.Take();
}

Result<GroupRec> DecodeGroup(std::string_view json) {
  OT_ASSIGN_OR_RETURN(auto doc, Parse(json));
  Reader r(doc->root());
  GroupRec g;
  g.group.name = r.Str("name");
  g.group.path = r.Str("path");
  g.group.id = r.Str("id");
  g.group.arn = r.Str("arn");
  g.group.created = FromMs(r.Int("created"));
  g.attached = r.Strings("attached");
  OT_RETURN_IF_ERROR(r.status());
  OT_RETURN_IF_ERROR(ReadInline(r, &g.inline_policies));
  OT_RETURN_IF_ERROR(r.status());
  return g;
}

std::string EncodeKey(const KeyRec& k, std::string_view sealed_secret) {
  JsonWriter w;
  w.BeginObject();
  w.Key("user").String(k.info.user_name).Key("id").String(k.info.access_key_id);
  w.Key("status").String(k.info.status == KeyStatus::kActive ? "Active" : "Inactive");
  w.Key("created").Int(Ms(k.info.created));
  w.Key("secret").String(sealed_secret);
  w.EndObject();
  return w.Take();
}

Result<KeyRec> DecodeKey(std::string_view json, std::string* sealed_secret) {
  OT_ASSIGN_OR_RETURN(auto doc, Parse(json));
  Reader r(doc->root());
  KeyRec k;
  k.info.user_name = r.Str("user");
  k.info.access_key_id = r.Str("id");
  std::string status = r.Str("status");
  k.info.created = FromMs(r.Int("created"));
  *sealed_secret = r.Str("secret");
  OT_RETURN_IF_ERROR(r.status());
  if (status != "Active" && status != "Inactive") return Bad("status");
  k.info.status = status == "Active" ? KeyStatus::kActive : KeyStatus::kInactive;
  return k;
}

std::string EncodePolicy(const PolicyRec& p) {
  JsonWriter w;
  w.BeginObject();
  w.Key("name").String(p.meta.name).Key("id").String(p.meta.id).Key("arn").String(p.meta.arn);
  w.Key("path").String(p.meta.path).Key("description").String(p.meta.description);
  w.Key("default").String(p.meta.default_version_id);
  w.Key("created").Int(Ms(p.meta.created)).Key("updated").Int(Ms(p.meta.updated));
  WriteTags(w, p.meta.tags);
  w.Key("versions").BeginArray();
  for (const PolicyVersion& v : p.versions) {
    w.BeginObject().Key("id").String(v.version_id).Key("document").String(v.document);
    w.Key("created").Int(Ms(v.created)).EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

Result<PolicyRec> DecodePolicy(std::string_view json) {
  OT_ASSIGN_OR_RETURN(auto doc, Parse(json));
  Reader r(doc->root());
  PolicyRec p;
  p.meta.name = r.Str("name");
  p.meta.id = r.Str("id");
  p.meta.arn = r.Str("arn");
  p.meta.path = r.Str("path");
  p.meta.description = r.Str("description");
  p.meta.default_version_id = r.Str("default");
  p.meta.created = FromMs(r.Int("created"));
  p.meta.updated = FromMs(r.Int("updated"));
  p.meta.tags = r.Tags();
  for (JsonValue item : r.List("versions")) {
    Reader v(item);
    PolicyVersion pv;
    pv.version_id = v.Str("id");
    pv.document = v.Str("document");
    pv.created = FromMs(v.Int("created"));
    OT_RETURN_IF_ERROR(v.status());
    pv.is_default = pv.version_id == p.meta.default_version_id;
    p.versions.push_back(std::move(pv));
  }
  OT_RETURN_IF_ERROR(r.status());
  for (const PolicyVersion& v : p.versions) {
    if (!v.is_default) continue;
    auto compiled = auth::ParsePolicy(v.document);
    if (!compiled.ok()) return Bad("policy document of " + p.meta.arn);
    p.compiled = std::move(*compiled);
  }
  return p;
}

std::string EncodeMfa(const MfaRec& m, std::string_view sealed_seed) {
  JsonWriter w;
  w.BeginObject();
  w.Key("serial").String(m.device.serial_number).Key("name").String(m.name);
  w.Key("path").String(m.path);
  if (m.device.user_name) w.Key("user").String(*m.device.user_name);
  if (m.device.user_arn) w.Key("user_arn").String(*m.device.user_arn);
  if (m.device.enable_date) w.Key("enabled").Int(Ms(*m.device.enable_date));
  WriteTags(w, m.device.tags);
  w.Key("last_step").Int(m.last_step);
  w.Key("seed").String(sealed_seed);
  w.EndObject();
  return w.Take();
}

Result<MfaRec> DecodeMfa(std::string_view json, std::string* sealed_seed) {
  OT_ASSIGN_OR_RETURN(auto doc, Parse(json));
  Reader r(doc->root());
  MfaRec m;
  m.device.serial_number = r.Str("serial");
  m.name = r.Str("name");
  m.path = r.Str("path");
  m.device.user_name = r.OptStr("user");
  m.device.user_arn = r.OptStr("user_arn");
  if (auto e = r.OptInt("enabled")) m.device.enable_date = FromMs(*e);
  m.device.tags = r.Tags();
  m.last_step = r.Int("last_step");
  *sealed_seed = r.Str("seed");
  OT_RETURN_IF_ERROR(r.status());
  return m;
}

std::string EncodeSession(const SessionRec& s, std::string_view sealed_secret,
                          std::string_view sealed_token) {
  const auth::Principal& p = s.principal;
  JsonWriter w;
  w.BeginObject();
  w.Key("id").String(s.creds.access_key_id);
  w.Key("type").String(auth::PrincipalTypeName(p.type));
  w.Key("principal_id").String(p.principal_id).Key("arn").String(p.arn);
  w.Key("user").String(p.user_name);
  w.Key("mfa").Bool(p.mfa_authenticated);
  if (p.mfa_auth_time) w.Key("mfa_time").Int(Ms(*p.mfa_auth_time));
  w.Key("expiration").Int(Ms(s.creds.expiration));
  w.Key("secret").String(sealed_secret).Key("token").String(sealed_token);
  w.EndObject();
  return w.Take();
}

Result<SessionRec> DecodeSession(std::string_view json, std::string* sealed_secret,
                                 std::string* sealed_token) {
  OT_ASSIGN_OR_RETURN(auto doc, Parse(json));
  Reader r(doc->root());
  SessionRec s;
  s.creds.access_key_id = r.Str("id");
  std::string type = r.Str("type");
  s.principal.principal_id = r.Str("principal_id");
  s.principal.arn = r.Str("arn");
  s.principal.user_name = r.Str("user");
  s.principal.mfa_authenticated = r.Bool("mfa");
  if (auto t = r.OptInt("mfa_time")) s.principal.mfa_auth_time = FromMs(*t);
  s.creds.expiration = FromMs(r.Int("expiration"));
  *sealed_secret = r.Str("secret");
  *sealed_token = r.Str("token");
  OT_RETURN_IF_ERROR(r.status());
  if (type == "Root") {
    s.principal.type = auth::PrincipalType::kRoot;
  } else if (type == "IAMUser") {
    s.principal.type = auth::PrincipalType::kIAMUser;
  } else {
    return Bad("session type");
  }
  s.principal.access_key_id = s.creds.access_key_id;
  s.principal.temporary = true;
  return s;
}

}  // namespace ot::iam::internal
