#include "api/protocol/query.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/encoding.h"
#include "common/json_writer.h"

namespace ot::api {

namespace {

// Members whose values must never reach a record: MFA one-time codes (EnableMFADevice,
// GetSessionToken, AssumeRole) and passwords. CloudTrail leaves them out.
bool IsSecret(std::string_view name) {
  for (std::string_view secret : {"AuthenticationCode1", "AuthenticationCode2", "TokenCode",
                                  "Password", "OldPassword", "NewPassword"}) {
    if (name == secret) return true;
  }
  return false;
}

std::string LowerCamel(std::string_view name) {
  std::string key(name);
  if (!key.empty() && key[0] >= 'A' && key[0] <= 'Z') key[0] += 'a' - 'A';
  return key;
}

// The record's requestParameters rebuild the members the Query serializer flattened
// (protocols.md §1.1): "Tags.member.1.Key=k" becomes {"tags":[{"key":"k"}]}, list indexes
// ordered numerically ("entry" maps become lists of {key, value}). A name that collides with an
// earlier one, or nests too deeply, is kept flat as it arrived.
struct Node {
  std::string value;  // leaf
  bool leaf = false, array = false;
  // Object members, or "<index>" items. A struct rather than std::pair, which may not be
  // instantiated with the still-incomplete Node (clang with libstdc++ rejects it); the member
  // functions that touch it are defined once it is complete.
  struct Member;
  std::vector<Member> children;
  std::unordered_map<std::string, size_t> positions;  // into children

  Node* Child(const std::string& key);
  void Insert(std::string_view name, std::string_view v);
  void Write(JsonWriter& w);

  static bool IsIndex(std::string_view s) {
    return !s.empty() && s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
};

struct Node::Member {
  std::string first;
  Node second;
};

Node* Node::Child(const std::string& key) {
  auto [it, added] = positions.emplace(key, children.size());
  if (added) children.push_back(Member{key, Node{}});
  return &children[it->second].second;
}

void Node::Insert(std::string_view name, std::string_view v) {
  std::vector<std::string_view> parts;
  for (size_t pos = 0;;) {
    size_t dot = name.find('.', pos);
    parts.push_back(name.substr(pos, dot == std::string_view::npos ? dot : dot - pos));
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  Node* node = this;
  bool ok = parts.size() <= 16;
  for (size_t i = 0; ok && i < parts.size(); ++i) {
    std::string_view part = parts[i];
    bool list =
        (part == "member" || part == "entry") && i + 1 < parts.size() && IsIndex(parts[i + 1]);
    if (node->leaf || (!node->children.empty() && node->array != list)) {
      ok = false;
      break;
    }
    if (list && node == this) {  // the parameters themselves are never a list
      ok = false;
      break;
    }
    if (list) {
      node->array = true;
      part = parts[++i];
    }
    node = node->Child(list ? std::string(part) : LowerCamel(part));
  }
  if (ok && !node->leaf && node->children.empty()) {
    node->leaf = true;
    node->value = std::string(v);
    return;
  }
  Node* flat = Child(LowerCamel(name));
  if (flat->leaf || !flat->children.empty()) return;  // a repeated name: keep the first
  flat->leaf = true;
  flat->value = std::string(v);
}

void Node::Write(JsonWriter& w) {
  if (leaf) {
    w.String(value);
    return;
  }
  if (array) {
    std::stable_sort(children.begin(), children.end(), [](const Member& a, const Member& b) {
      return std::stoul(a.first) < std::stoul(b.first);
    });
    w.BeginArray();
    for (Member& m : children) m.second.Write(w);
    w.EndArray();
    return;
  }
  w.BeginObject();
  for (Member& m : children) {
    w.Key(m.first);
    m.second.Write(w);
  }
  w.EndObject();
}

}  // namespace

QueryParams QueryParams::Parse(std::string_view form) {
  QueryParams out;
  size_t pos = 0;
  while (pos <= form.size()) {
    size_t amp = form.find('&', pos);
    if (amp == std::string_view::npos) amp = form.size();
    std::string_view item = form.substr(pos, amp - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      std::string_view key = item.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
      out.params_.emplace_back(ToValidUtf8(UriDecode(key, true)),
                               ToValidUtf8(UriDecode(value, true)));
    }
    pos = amp + 1;
  }
  return out;
}

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string QueryParams::ToRequestParametersJson() const {
  Node root;
  for (const auto& [k, v] : params_) {
    if (k == "Action" || k == "Version" || IsSecret(k)) continue;
    root.Insert(k, v);
  }
  if (root.children.empty()) return "null";
  JsonWriter w;
  root.Write(w);
  return w.Take();
}

}  // namespace ot::api
