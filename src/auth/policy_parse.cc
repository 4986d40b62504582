// Policy documents: grammar checks with IAM's messages, then compilation for Evaluate.
//
// IAM reports problems in a fixed order, whatever statement they sit in (observed answers are
// recorded in moto's tests/test_iam/test_iam_policies.py): structural problems first ("Syntax
// errors in policy."), then the Version requirement, then "legacy parsing" failures (wrong-case
// Effect, unparseable dates, truncated ARNs), then duplicate Sids, then per-statement checks of
// actions, resources and principals, and only then missing actions or resources.
#include <cctype>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/protocol/json_value.h"
#include "auth/internal/policy_data.h"
#include "auth/policy.h"

namespace ot::auth {
namespace {

using api::JsonValue;
using internal::Condition;
using internal::ConditionValue;
using internal::OpFamily;

constexpr std::string_view kSyntax = "Syntax errors in policy.";
constexpr std::string_view kLegacy = "The policy failed legacy parsing";
constexpr std::string_view kInvalidPrincipal = "Invalid principal in policy";

Status Malformed(std::string_view message) {
  return Status(Error::kMalformedPolicyDocument, std::string(message));
}

// A statement as written, checked only for structure; later phases validate and compile it.
struct RawCondition {
  internal::Operator op;
  std::string key;
  std::vector<std::string> values;  // strings as written, numbers minified, booleans "true"/…
};

struct RawStatement {
  std::optional<std::string_view> sid;
  std::optional<std::string_view> effect;
  bool has_action = false, not_action = false;
  std::vector<std::string_view> actions;
  bool has_resource = false, not_resource = false;
  std::vector<std::string_view> resources;
  bool has_principal = false, not_principal = false;
  std::optional<JsonValue> principal;
  std::vector<RawCondition> conditions;
};

// Object members, rejecting a repeated name (JSON parsers disagree on which one wins).
bool UniqueMembers(JsonValue object, std::vector<std::pair<std::string_view, JsonValue>>* out) {
  *out = object.Members();
  std::set<std::string_view> seen;
  for (const auto& member : *out) {
    if (!seen.insert(member.first).second) return false;
  }
  return true;
}

// "x" or ["x", "y"]: the shape AWS allows for Action, Resource and friends.
bool StringOrList(JsonValue v, std::vector<std::string_view>* out) {
  if (v.is_string()) {
    out->push_back(v.AsString());
    return true;
  }
  if (!v.is_array()) return false;
  for (JsonValue item : v.Items()) {
    if (!item.is_string()) return false;
    out->push_back(item.AsString());
  }
  return true;
}

bool ScalarText(JsonValue v, std::string* out) {
  switch (v.type()) {
    case JsonValue::Type::kString:
      *out = std::string(v.AsString());
      return true;
    case JsonValue::Type::kNumber:
      *out = v.Minified();
      return true;
    case JsonValue::Type::kBool:
      *out = v.AsBool() ? "true" : "false";
      return true;
    case JsonValue::Type::kNull:
    case JsonValue::Type::kArray:
    case JsonValue::Type::kObject:
      return false;
  }
  return false;
}

Status ParseConditionBlock(JsonValue block, RawStatement* st) {
  std::vector<std::pair<std::string_view, JsonValue>> ops;
  if (!block.is_object() || !UniqueMembers(block, &ops)) return Malformed(kSyntax);
  for (const auto& [name, keys_value] : ops) {
    std::vector<std::pair<std::string_view, JsonValue>> keys;
    if (!keys_value.is_object() || !UniqueMembers(keys_value, &keys)) return Malformed(kSyntax);
    internal::Operator op;
    if (!internal::ParseOperator(name, &op)) {
      if (keys.empty()) continue;  // IAM accepts an unknown operator with nothing under it
      return Malformed(kSyntax);
    }
    for (const auto& [key, values] : keys) {
      RawCondition c{op, std::string(key), {}};
      if (values.is_array()) {
        for (JsonValue item : values.Items()) {
          std::string text;
          if (!ScalarText(item, &text)) return Malformed(kSyntax);
          c.values.push_back(std::move(text));
        }
      } else {
        std::string text;
        if (!ScalarText(values, &text)) return Malformed(kSyntax);
        c.values.push_back(std::move(text));
      }
      st->conditions.push_back(std::move(c));
    }
  }
  return Status::Ok();
}

Status ParseStatement(JsonValue v, const ParseOptions& options, RawStatement* st) {
  std::vector<std::pair<std::string_view, JsonValue>> members;
  if (!v.is_object() || !UniqueMembers(v, &members)) return Malformed(kSyntax);
  for (const auto& [name, value] : members) {
    if (name == "Sid") {
      if (!value.is_string()) return Malformed(kSyntax);
      st->sid = value.AsString();
    } else if (name == "Effect") {
      if (!value.is_string()) return Malformed(kSyntax);
      st->effect = value.AsString();
    } else if (name == "Action" || name == "NotAction") {
      if (st->has_action || !StringOrList(value, &st->actions)) return Malformed(kSyntax);
      st->has_action = true;
      st->not_action = name == "NotAction";
    } else if (name == "Resource" || name == "NotResource") {
      if (st->has_resource || !StringOrList(value, &st->resources)) return Malformed(kSyntax);
      st->has_resource = true;
      st->not_resource = name == "NotResource";
    } else if (name == "Principal" || name == "NotPrincipal") {
      if (options.kind == PolicyKind::kIdentity) {
        return Malformed("Policy document should not specify a principal.");
      }
      if (st->has_principal) return Malformed(kSyntax);
      st->has_principal = true;
      st->not_principal = name == "NotPrincipal";
      st->principal = value;
    } else if (name == "Condition") {
      OT_RETURN_IF_ERROR(ParseConditionBlock(value, st));
    } else {
      return Malformed(kSyntax);
    }
  }
  if (!st->effect) {
    return Malformed(options.kind == PolicyKind::kResource ? "Missing required field Effect"
                                                           : kSyntax);
  }
  if (*st->effect != "Allow" && *st->effect != "Deny") {
    std::string lower;
    for (char c : *st->effect) lower.push_back(static_cast<char>(std::tolower(c)));
    if (lower != "allow" && lower != "deny") return Malformed(kSyntax);
  }
  return Status::Ok();
}

Status CheckText(std::string_view json, const ParseOptions& options) {
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return Malformed(kSyntax);
  size_t chars = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    auto c = static_cast<unsigned char>(json[i]);
    if ((c & 0xC0) != 0x80) ++chars;
    if (!options.latin1_only) continue;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return Malformed(kSyntax);
    if (c >= 0x80) {  // only U+0080–U+00FF, the two-byte sequences C2 xx and C3 xx
      if ((c != 0xC2 && c != 0xC3) || i + 1 >= json.size() ||
          (static_cast<unsigned char>(json[i + 1]) & 0xC0) != 0x80) {
        return Malformed(kSyntax);
      }
      ++i;
    }
  }
  if (options.max_chars != 0 && chars > options.max_chars) {
    return Malformed("Policy document exceeds the maximum size of " +
                     std::to_string(options.max_chars) + " characters.");
  }
  return Status::Ok();
}

bool ValidPartition(std::string_view p) {
  if (p.find_first_of("*?$") != p.npos) return true;
  for (std::string_view known : {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
                                 "aws-iso-f", "aws-eusc"}) {
    if (p == known) return true;
  }
  return false;
}

std::vector<std::string_view> SplitFields(std::string_view arn, size_t max) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < max) {
    size_t colon = arn.find(':');
    if (colon == arn.npos) break;
    fields.push_back(arn.substr(0, colon));
    arn.remove_prefix(colon + 1);
  }
  fields.push_back(arn);
  return fields;
}

// The "legacy parsing" checks: a resource ARN with a service but fewer than six fields.
bool LegacyResourceOk(std::string_view r) {
  if (r == "*" || !r.starts_with("arn:")) return true;
  std::vector<std::string_view> f = SplitFields(r, 6);
  if (f.size() < 3) return true;  // reported later as an unqualified vendor
  return f.size() != 4 && f.size() != 5 && !f[2].empty();
}

Status CheckResource(std::string_view r) {
  if (r == "*") return Status::Ok();
  if (!r.starts_with("arn:")) {
    return Malformed("Resource " + std::string(r) + " must be in ARN format or \"*\".");
  }
  std::vector<std::string_view> f = SplitFields(r, 6);
  if (f.size() < 3)
    return Malformed("Resource vendor must be fully qualified and cannot contain regexes.");
  if (!ValidPartition(f[1])) {
    return Malformed("Partition \"" + std::string(f[1]) + "\" is not valid for resource \"" +
                     std::string(r) + "\".");
  }
  if (f.size() == 6 && !f[3].empty()) {
    if (f[2] == "s3") {
      return Malformed("Resource " + std::string(r) + " can not contain region information.");
    }
    if (f[2] == "iam") {
      return Malformed("IAM resource " + std::string(r) + " cannot contain region information.");
    }
  }
  return Status::Ok();
}

Status CheckAction(std::string_view a) {
  if (a == "*") return Status::Ok();
  size_t colon = a.find(':');
  if (colon == a.npos) {
    return Malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  if (a.find(':', colon + 1) != a.npos) {
    return Malformed("Actions/Condition can contain only one colon.");
  }
  std::string_view vendor = a.substr(0, colon);
  bool ok = !vendor.empty();
  for (char c : vendor) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
                c == '*' || c == '?');
  }
  if (!ok) return Malformed("Vendor " + std::string(vendor) + " is not valid");
  return Status::Ok();
}

bool IsAccountId(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == s.npos;
}

Status CompilePrincipal(JsonValue v, internal::PrincipalSet* out) {
  if (v.is_string()) {
    if (v.AsString() != "*") return Malformed(kInvalidPrincipal);
    out->any = true;
    return Status::Ok();
  }
  std::vector<std::pair<std::string_view, JsonValue>> members;
  if (!v.is_object() || !UniqueMembers(v, &members) || members.empty()) {
    return Malformed(kInvalidPrincipal);
  }
  for (const auto& [type, value] : members) {
    std::vector<std::string_view> ids;
    if (!StringOrList(value, &ids) || ids.empty()) return Malformed(kInvalidPrincipal);
    for (std::string_view id : ids) {
      if (type == "AWS") {
        if (id == "*") {
          out->any = true;
        } else if (IsAccountId(id)) {
          out->accounts.emplace_back(id);
        } else if (id.starts_with("arn:") && id.find_first_of("*?") == id.npos &&
                   SplitFields(id, 6).size() == 6) {
          std::vector<std::string_view> f = SplitFields(id, 6);
          if (f[2] == "iam" && f[5] == "root" && IsAccountId(f[4])) {
            out->accounts.emplace_back(f[4]);
          } else {
            out->arns.emplace_back(id);
          }
        } else {
          return Malformed(kInvalidPrincipal);
        }
      } else if (type == "Service") {
        if (id.empty()) return Malformed(kInvalidPrincipal);
        std::string lower;
        for (char c : id) lower.push_back(static_cast<char>(std::tolower(c)));
        out->services.push_back(std::move(lower));
      } else if (type == "Federated" || type == "CanonicalUser") {
        if (id.empty()) return Malformed(kInvalidPrincipal);
        out->arns.emplace_back(id);
      } else {
        return Malformed(kInvalidPrincipal);
      }
    }
  }
  return Status::Ok();
}

// Compiles a condition value for its operator family; false when the value cannot be one.
bool CompileValue(const internal::Operator& op, std::string_view text, bool variables,
                  ConditionValue* out) {
  switch (op.family) {
    case OpFamily::kString:
    case OpFamily::kArn:
      out->pattern = internal::CompilePattern(text, variables, false, false);
      return true;
    case OpFamily::kBinary:
      out->pattern = internal::CompilePattern(text, false, false, false);
      return true;
    case OpFamily::kStringIgnoreCase:
      out->pattern = internal::CompilePattern(text, variables, false, true);
      return true;
    case OpFamily::kStringLike:
      out->pattern = internal::CompilePattern(text, variables, true, false);
      return true;
    case OpFamily::kBool:
      out->pattern = internal::CompilePattern(text, false, false, true);
      return true;
    case OpFamily::kNumeric:
      return internal::ParsePolicyNumber(text, &out->number);
    case OpFamily::kDate:
      return internal::ParsePolicyDate(text, &out->millis);
    case OpFamily::kIp:
      return internal::ParseIpNet(text, &out->net);
    case OpFamily::kNull: {
      std::string lower;
      for (char c : text) lower.push_back(static_cast<char>(std::tolower(c)));
      out->flag = lower == "true";
      return lower == "true" || lower == "false";
    }
  }
  return false;
}

// Skips one JSON value starting at text[i] (the text is known to be valid JSON).
size_t SkipValue(std::string_view text, size_t i) {
  int depth = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      if (depth == 0) return i + 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth <= 0) return i + 1;
    } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
      return i;
    }
  }
  return i;
}

size_t SkipSpace(std::string_view text, size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
                             text[i] == '\n' || text[i] == ',' || text[i] == ':')) {
    ++i;
  }
  return i;
}

// [offset of '{', offset of '}'] of each statement, found by a light scan of the raw text:
// the JSON library keeps no positions, and SimulatePrincipalPolicy reports them.
std::vector<std::pair<size_t, size_t>> StatementSpans(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t i = SkipSpace(text, 0);
  if (i >= text.size() || text[i] != '{') return spans;
  ++i;
  while (true) {
    i = SkipSpace(text, i);
    if (i >= text.size() || text[i] != '"') return spans;
    size_t key_end = SkipValue(text, i);
    bool is_statement = text.substr(i, key_end - i) == "\"Statement\"";
    i = SkipSpace(text, key_end);
    if (i >= text.size()) return spans;
    if (!is_statement) {
      i = SkipValue(text, i);
      continue;
    }
    if (text[i] == '{') {
      spans.emplace_back(i, SkipValue(text, i) - 1);
      return spans;
    }
    if (text[i] != '[') return spans;
    ++i;
    while (true) {
      i = SkipSpace(text, i);
      if (i >= text.size() || text[i] == ']') return spans;
      size_t end = SkipValue(text, i);
      if (text[i] == '{') spans.emplace_back(i, end - 1);
      i = end;
    }
  }
}

TextPosition PositionOf(std::string_view text, size_t offset) {
  TextPosition p{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

}  // namespace

PolicyKind Policy::kind() const { return PolicyAccess::Data(*this).kind; }
const std::string& Policy::version() const { return PolicyAccess::Data(*this).version; }
const std::string& Policy::id() const { return PolicyAccess::Data(*this).id; }
const std::vector<StatementInfo>& Policy::statements() const {
  return PolicyAccess::Data(*this).infos;
}
bool Policy::UsesContextKeys() const {
  if (data_ == nullptr) return false;
  for (const internal::Statement& s : data_->statements) {
    if (!s.conditions.empty()) return true;
    for (const internal::Pattern& r : s.resources) {
      if (r.has_variables) return true;
    }
  }
  return false;
}

size_t PolicySizeForQuota(std::string_view json) {
  size_t n = 0;
  for (char c : json) n += (c != ' ' && c != '\t' && c != '\r' && c != '\n');
  return n;
}

Result<Policy> ParsePolicy(std::string_view json, const ParseOptions& options) {
  OT_RETURN_IF_ERROR(CheckText(json, options));
  auto doc = api::JsonDocument::Parse(json);
  if (!doc.ok()) return Malformed(kSyntax);
  JsonValue root = (*doc)->root();
  std::vector<std::pair<std::string_view, JsonValue>> top;
  if (!root.is_object() || !UniqueMembers(root, &top)) return Malformed(kSyntax);

  // Phase 1: structure.
  auto data = std::make_shared<internal::PolicyData>();
  data->kind = options.kind;
  std::optional<JsonValue> statement_value;
  for (const auto& [name, value] : top) {
    if (name == "Version") {
      if (!value.is_string()) return Malformed(kSyntax);
      data->version = std::string(value.AsString());
      if (data->version != "2012-10-17" && data->version != "2008-10-17") {
        return Malformed(kSyntax);
      }
    } else if (name == "Id") {
      if (!value.is_string()) return Malformed(kSyntax);
      data->id = std::string(value.AsString());
    } else if (name == "Statement") {
      statement_value = value;
    } else {
      return Malformed(kSyntax);
    }
  }
  if (!statement_value) {
    return Malformed(options.kind == PolicyKind::kResource ? "Missing required field Statement"
                                                           : kSyntax);
  }
  std::vector<JsonValue> items;
  if (statement_value->is_array()) {
    items = statement_value->Items();
  } else {
    items.push_back(*statement_value);
  }
  if (items.empty()) return Malformed(kSyntax);
  std::vector<RawStatement> raw(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    OT_RETURN_IF_ERROR(ParseStatement(items[i], options, &raw[i]));
  }

  // Phase 2: the Version requirement of managed policies.
  if (options.require_2012_version && data->version != "2012-10-17") {
    return Malformed("Policy document must be version 2012-10-17 or greater.");
  }

  // Phase 3: what IAM calls legacy parsing. Condition values are compiled here too.
  const bool variables = data->version == "2012-10-17";
  data->statements.resize(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const RawStatement& r = raw[i];
    if (*r.effect != "Allow" && *r.effect != "Deny") return Malformed(kLegacy);
    for (std::string_view res : r.resources) {
      if (!LegacyResourceOk(res)) return Malformed(kLegacy);
    }
    for (const RawCondition& rc : r.conditions) {
      Condition c{rc.op, rc.key, {}};
      for (const std::string& text : rc.values) {
        ConditionValue v;
        if (!CompileValue(rc.op, text, variables, &v)) return Malformed(kLegacy);
        c.values.push_back(std::move(v));
      }
      data->statements[i].conditions.push_back(std::move(c));
    }
  }

  // Phase 4: Sids.
  std::set<std::string_view> sids;
  for (const RawStatement& r : raw) {
    if (r.sid && !r.sid->empty() && !sids.insert(*r.sid).second) {
      return Malformed("Statement IDs (SID) in a single policy must be unique.");
    }
  }

  // Phase 5: elements, then their presence.
  for (size_t i = 0; i < raw.size(); ++i) {
    const RawStatement& r = raw[i];
    internal::Statement& s = data->statements[i];
    for (std::string_view a : r.actions) OT_RETURN_IF_ERROR(CheckAction(a));
    for (std::string_view res : r.resources) OT_RETURN_IF_ERROR(CheckResource(res));
    if (options.kind == PolicyKind::kResource) {
      if (!r.has_principal) return Malformed("Missing required field Principal");
      OT_RETURN_IF_ERROR(CompilePrincipal(*r.principal, &s.principals));
    }
  }
  for (const RawStatement& r : raw) {
    if (r.actions.empty()) return Malformed("Policy statement must contain actions.");
  }
  for (const RawStatement& r : raw) {
    if (r.resources.empty()) return Malformed("Policy statement must contain resources.");
  }

  // Compile.
  std::vector<std::pair<size_t, size_t>> spans = StatementSpans(json);
  if (spans.size() != raw.size()) spans.clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    const RawStatement& r = raw[i];
    internal::Statement& s = data->statements[i];
    s.info.sid = r.sid ? std::string(*r.sid) : std::string();
    s.info.effect = *r.effect == "Allow" ? Effect::kAllow : Effect::kDeny;
    if (!spans.empty()) {
      s.info.start = PositionOf(json, spans[i].first);
      s.info.end = PositionOf(json, spans[i].second);
    }
    s.not_action = r.not_action;
    for (std::string_view a : r.actions) {
      std::string lower;
      for (char c : a) lower.push_back(static_cast<char>(std::tolower(c)));
      s.actions.push_back(std::move(lower));
    }
    s.not_resource = r.not_resource;
    for (std::string_view res : r.resources) {
      s.resources.push_back(internal::CompilePattern(res, variables, true, false));
    }
    s.has_principal = r.has_principal;
    s.not_principal = r.not_principal;
    data->infos.push_back(s.info);
  }

  Policy policy;
  policy.data_ = std::move(data);
  return policy;
}

}  // namespace ot::auth
