#include "api/handlers/iam_util.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>

#include "api/protocol/reply.h"
#include "common/json_writer.h"
#include "common/time.h"

namespace ot::api::handlers::internal {
namespace {

// Characters, not bytes: IAM's lengths count code points.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

// "<name>.member.<i>" → i, with the rest after it ("" or ".Key").
std::optional<std::pair<uint64_t, std::string_view>> MemberIndex(std::string_view key,
                                                                 std::string_view name) {
  if (key.size() <= name.size() + 8 || key.substr(0, name.size()) != name ||
      key.substr(name.size(), 8) != ".member.") {
    return std::nullopt;
  }
  std::string_view tail = key.substr(name.size() + 8);
  uint64_t index = 0;
  auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), index);
  if (ec != std::errc() || end == tail.data()) return std::nullopt;
  std::string_view rest = tail.substr(end - tail.data());
  if (!rest.empty() && rest[0] != '.') return std::nullopt;
  return std::make_pair(index, rest.empty() ? rest : rest.substr(1));
}

}  // namespace

std::optional<std::string_view> Get(const QueryMembers& members, std::string_view name) {
  for (const auto& [k, v] : members) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<QueryMembers> ListMembers(const QueryMembers& members, std::string_view name) {
  std::map<uint64_t, QueryMembers> by_index;
  for (const auto& [k, v] : members) {
    if (auto m = MemberIndex(k, name)) by_index[m->first].emplace_back(m->second, v);
  }
  std::vector<QueryMembers> out;
  out.reserve(by_index.size());
  for (auto& [index, item] : by_index) out.push_back(std::move(item));
  return out;
}

std::vector<std::string> StringList(const QueryMembers& members, std::string_view name) {
  std::vector<std::string> out;
  for (const QueryMembers& item : ListMembers(members, name)) {
    if (auto v = Get(item, "")) out.emplace_back(*v);
  }
  return out;
}

Result<iam::IamRegistry*> Iam(const Services& services) {
  if (services.iam == nullptr) return Status(Error::kInternal, "This server has no IAM registry.");
  return services.iam;
}

void Validator::Fail(std::string_view member, const std::optional<std::string_view>& value,
                     std::string_view constraint) {
  std::string e = "Value ";
  e += value ? "'" + std::string(*value) + "'" : std::string("null");
  e += " at '" + std::string(member) + "' failed to satisfy constraint: ";
  e += constraint;
  errors_.push_back(std::move(e));
}

void Validator::Code(std::string_view member, const std::optional<std::string_view>& value) {
  if (!value) return Required(member, value);
  std::string prefix = "Value at '" + std::string(member) + "' failed to satisfy constraint: ";
  if (CodePoints(*value) != 6) {
    errors_.push_back(prefix + "Member must have length " +
                      (CodePoints(*value) < 6 ? "greater" : "less") + " than or equal to 6");
  } else if (!std::all_of(value->begin(), value->end(),
                          [](char c) { return c >= '0' && c <= '9'; })) {
    errors_.push_back(prefix + "Member must satisfy regular expression pattern: [\\d]+");
  }
}

void Validator::Required(std::string_view member, const std::optional<std::string_view>& value) {
  if (!value) Fail(member, value, "Member must not be null");
}

void Validator::Length(std::string_view member, std::string_view value, size_t min, size_t max) {
  size_t n = CodePoints(value);
  if (n < min) {
    Fail(member, value, "Member must have length greater than or equal to " + std::to_string(min));
  } else if (n > max) {
    Fail(member, value, "Member must have length less than or equal to " + std::to_string(max));
  }
}

void Validator::Name(std::string_view member, const std::optional<std::string_view>& value,
                     size_t max, bool required) {
  if (!value) {
    if (required) Required(member, value);
    return;
  }
  size_t before = errors_.size();
  Length(member, *value, 1, max);
  if (errors_.size() != before || value->empty()) return;
  if (!std::all_of(value->begin(), value->end(), IsNameChar)) {
    Fail(member, value, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  }
}

void Validator::Path(std::string_view member, const std::optional<std::string_view>& value) {
  if (!value) return;
  size_t before = errors_.size();
  Length(member, *value, 1, 512);
  if (errors_.size() != before) return;
  bool ok = value->front() == '/' && value->back() == '/' &&
            std::all_of(value->begin(), value->end(),
                        [](unsigned char c) { return c >= 0x21 && c <= 0x7E; });
  if (!ok) {
    Fail(member, value,
         "Member must satisfy regular expression pattern: "
         "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
  }
}

void Validator::PathPrefix(std::string_view member, const std::optional<std::string_view>& value) {
  if (!value) return;
  size_t before = errors_.size();
  Length(member, *value, 1, 512);
  if (errors_.size() != before) return;
  bool ok = value->front() == '/' && std::all_of(value->begin(), value->end(), [](unsigned char c) {
              return c >= 0x21 && c <= 0x7F;
            });
  if (!ok) {
    Fail(member, value,
         "Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*");
  }
}

void Validator::Enum(std::string_view member, const std::optional<std::string_view>& value,
                     std::initializer_list<std::string_view> allowed) {
  if (!value) return;
  std::string set;
  for (std::string_view a : allowed) {
    if (a == *value) return;
    set += set.empty() ? "" : ", ";
    set += a;
  }
  Fail(member, value, "Member must satisfy enum value set: [" + set + "]");
}

std::optional<long long> Validator::Integer(std::string_view member,
                                            const std::optional<std::string_view>& value,
                                            long long min, long long max) {
  if (!value) return std::nullopt;
  long long n = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  if (ec != std::errc() || end != value->data() + value->size()) {
    Fail(member, value, "Member must be an integer");
    return std::nullopt;
  }
  if (n < min) {
    Fail(member, value, "Member must have value greater than or equal to " + std::to_string(min));
    return std::nullopt;
  }
  if (n > max) {
    Fail(member, value, "Member must have value less than or equal to " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

Status Validator::Done() const {
  if (errors_.empty()) return Status::Ok();
  std::string message =
      std::to_string(errors_.size()) +
      (errors_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < errors_.size(); ++i) {
    if (i > 0) message += "; ";
    message += errors_[i];
  }
  return Status(Error::kValidation, message);
}

iam::Page ReadPage(const QueryParams& params, Validator& validator) {
  iam::Page page;
  if (auto marker = params.Get("Marker")) {
    validator.Length("marker", *marker, 1, 320);
    page.marker = std::string(*marker);
  }
  if (auto n = validator.Integer("maxItems", params.Get("MaxItems"), 1, 1000)) {
    page.max_items = static_cast<int>(*n);
  }
  return page;
}

Result<std::vector<iam::Tag>> ReadTags(const QueryParams& params, std::string_view owner_type) {
  std::vector<iam::Tag> tags;
  Validator v;
  for (const QueryMembers& item : ListMembers(params.all(), "Tags")) {
    std::optional<std::string_view> key = Get(item, "Key");
    std::string_view value = Get(item, "Value").value_or("");
    v.Required("tags.member.key", key);
    if (key) v.Length("tags.member.key", *key, 1, 128);
    v.Length("tags.member.value", value, 0, 256);
    tags.push_back(iam::Tag{std::string(key.value_or("")), std::string(value)});
  }
  OT_RETURN_IF_ERROR(v.Done());
  if (tags.size() > 50) {
    return Status(Error::kLimitExceeded,
                  "Cannot exceed quota for TagsPer" + std::string(owner_type) + ": 50");
  }
  return tags;
}

Result<std::string> UserNameOrCaller(const Services& services, const CallContext& ctx,
                                     const std::optional<std::string_view>& user_name) {
  if (user_name) return std::string(*user_name);
  const auth::Principal& p = ctx.caller.principal;
  if (p.type == auth::PrincipalType::kIAMUser && !p.user_name.empty()) return p.user_name;
  if (services.iam != nullptr && !p.temporary && p.type == auth::PrincipalType::kIAMUser) {
    if (auto owner = services.iam->UserOfAccessKey(p.access_key_id); owner.ok()) return *owner;
  }
  return Status(Error::kValidation, "Must specify userName when calling with non-User credentials");
}

std::string IamTime(SysMillis t) { return FormatIso8601(t); }

void Xml::Indent() { out_.append(static_cast<size_t>(depth_) * 2, ' '); }

Xml& Xml::Open(std::string_view name) {
  Indent();
  out_ += "<" + std::string(name) + ">\n";
  ++depth_;
  return *this;
}

Xml& Xml::Close(std::string_view name) {
  --depth_;
  Indent();
  out_ += "</" + std::string(name) + ">\n";
  return *this;
}

Xml& Xml::Leaf(std::string_view name, std::string_view text) {
  Indent();
  out_ += "<" + std::string(name) + ">" + XmlEscape(text) + "</" + std::string(name) + ">\n";
  return *this;
}

Xml& Xml::Bool(std::string_view name, bool value) { return Leaf(name, value ? "true" : "false"); }

Xml& Xml::Empty(std::string_view name) {
  Indent();
  out_ += "<" + std::string(name) + "/>\n";
  return *this;
}

void WriteTags(Xml& x, const std::vector<iam::Tag>& tags) {
  if (tags.empty()) return;
  x.Open("Tags");
  for (const iam::Tag& t : tags) {
    x.Open("member").Leaf("Key", t.key).Leaf("Value", t.value).Close("member");
  }
  x.Close("Tags");
}

void WriteUser(Xml& x, std::string_view element, const iam::User& u, bool full) {
  x.Open(element);
  x.Leaf("Path", u.path).Leaf("UserName", u.name).Leaf("UserId", u.id).Leaf("Arn", u.arn);
  x.Leaf("CreateDate", IamTime(u.created));
  if (full) {
    if (u.permissions_boundary) {
      x.Open("PermissionsBoundary")
          .Leaf("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
          .Leaf("PermissionsBoundaryArn", *u.permissions_boundary)
          .Close("PermissionsBoundary");
    }
    WriteTags(x, u.tags);
  }
  x.Close(element);
}

void WriteGroup(Xml& x, std::string_view element, const iam::Group& g) {
  x.Open(element);
  x.Leaf("Path", g.path).Leaf("GroupName", g.name).Leaf("GroupId", g.id).Leaf("Arn", g.arn);
  x.Leaf("CreateDate", IamTime(g.created));
  x.Close(element);
}

void WritePolicy(Xml& x, std::string_view element, const iam::ManagedPolicy& p, bool full) {
  x.Open(element);
  x.Leaf("PolicyName", p.name).Leaf("PolicyId", p.id).Leaf("Arn", p.arn).Leaf("Path", p.path);
  x.Leaf("DefaultVersionId", p.default_version_id);
  x.Leaf("AttachmentCount", std::to_string(p.attachment_count));
  x.Leaf("PermissionsBoundaryUsageCount", "0");
  x.Bool("IsAttachable", true);
  if (full && !p.description.empty()) x.Leaf("Description", p.description);
  x.Leaf("CreateDate", IamTime(p.created)).Leaf("UpdateDate", IamTime(p.updated));
  if (full) WriteTags(x, p.tags);
  x.Close(element);
}

std::string UserJson(const iam::User& u) {
  JsonWriter w;
  w.BeginObject().Key("user").BeginObject();
  w.Key("path").String(u.path).Key("userName").String(u.name).Key("userId").String(u.id);
  w.Key("arn").String(u.arn).Key("createDate").String(IamTime(u.created));
  w.EndObject().EndObject();
  return w.Take();
}

std::string GroupJson(const iam::Group& g) {
  JsonWriter w;
  w.BeginObject().Key("group").BeginObject();
  w.Key("path").String(g.path).Key("groupName").String(g.name).Key("groupId").String(g.id);
  w.Key("arn").String(g.arn).Key("createDate").String(IamTime(g.created));
  w.EndObject().EndObject();
  return w.Take();
}

std::string PolicyJson(const iam::ManagedPolicy& p) {
  JsonWriter w;
  w.BeginObject().Key("policy").BeginObject();
  w.Key("policyName").String(p.name).Key("policyId").String(p.id).Key("arn").String(p.arn);
  w.Key("path").String(p.path).Key("defaultVersionId").String(p.default_version_id);
  w.Key("attachmentCount").Int(p.attachment_count).Key("permissionsBoundaryUsageCount").Int(0);
  w.Key("isAttachable").Bool(true);
  w.Key("createDate").String(IamTime(p.created)).Key("updateDate").String(IamTime(p.updated));
  w.EndObject().EndObject();
  return w.Take();
}

std::vector<events::Resource> IamResource(std::string_view type, std::string_view arn) {
  events::Resource r;
  r.arn = std::string(arn);
  r.type = std::string(type);
  r.has_arn = r.has_type = true;
  // arn:aws:iam::<account>:…
  size_t start = 0;
  for (int field = 0; field < 4 && start != std::string_view::npos; ++field) {
    start = arn.find(':', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start != std::string_view::npos) {
    size_t end = arn.find(':', start);
    if (end != std::string_view::npos && end > start) {
      r.account_id = std::string(arn.substr(start, end - start));
      r.has_account_id = true;
    }
  }
  return {std::move(r)};
}

bool BoolMember(const QueryParams& params, std::string_view name) {
  return params.Get(name).value_or("") == "true";
}

}  // namespace ot::api::handlers::internal
