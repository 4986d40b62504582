#include "monitor/sns_topics.h"

#include <algorithm>

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "common/json_writer.h"

namespace ot::monitor {
namespace {

constexpr std::string_view kTopicKind = "sns-topic";
constexpr std::string_view kSubscriptionKind = "sns-subscription";

Status TopicNotFound() { return Status(Error::kNotFound, "Topic does not exist"); }
Status SubscriptionNotFound() { return Status(Error::kNotFound, "Subscription does not exist"); }
Status InvalidToken() { return Status(Error::kInvalidParameter, "Invalid token"); }

void WriteMap(JsonWriter& w, const std::map<std::string, std::string>& m) {
  w.BeginObject();
  for (const auto& [k, v] : m) w.Key(k).String(v);
  w.EndObject();
}

std::map<std::string, std::string> ReadMap(std::optional<api::JsonValue> v) {
  std::map<std::string, std::string> out;
  if (!v || !v->is_object()) return out;
  for (const auto& [k, val] : v->Members()) {
    if (val.is_string()) out.emplace(std::string(k), std::string(val.AsString()));
  }
  return out;
}

std::string Str(const api::JsonValue& obj, std::string_view name) {
  auto v = obj.Get(name);
  return v && v->is_string() ? std::string(v->AsString()) : std::string();
}

bool Bool(const api::JsonValue& obj, std::string_view name) {
  auto v = obj.Get(name);
  return v && v->type() == api::JsonValue::Type::kBool && v->AsBool();
}

int64_t Int(const api::JsonValue& obj, std::string_view name) {
  auto v = obj.Get(name);
  if (!v || v->type() != api::JsonValue::Type::kNumber) return 0;
  return v->AsInt().value_or(0);
}

// Page tokens are the base64 of the last ARN returned.
Result<std::string> DecodeToken(std::string_view token) {
  if (token.empty()) return std::string();
  auto decoded = Base64Decode(token);
  if (!decoded || decoded->substr(0, 8) != "arn:aws:") {
    return Status(Error::kInvalidParameter, "Invalid parameter: NextToken");
  }
  return *decoded;
}

}  // namespace

std::string SnsDefaultTopicPolicy(std::string_view topic_arn, std::string_view owner) {
  JsonWriter w;
  w.BeginObject();
  w.Key("Version").String("2008-10-17");
  w.Key("Id").String("__default_policy_ID");
  w.Key("Statement").BeginArray().BeginObject();
  w.Key("Sid").String("__default_statement_ID");
  w.Key("Effect").String("Allow");
  w.Key("Principal").BeginObject().Key("AWS").String("*").EndObject();
  w.Key("Action").BeginArray();
  for (std::string_view a : {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes",
                             "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic",
                             "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"}) {
    w.String(a);
  }
  w.EndArray();
  w.Key("Resource").String(topic_arn);
  w.Key("Condition").BeginObject().Key("StringEquals").BeginObject();
  w.Key("AWS:SourceOwner").String(owner);
  w.EndObject().EndObject();
  w.EndObject().EndArray();
  w.EndObject();
  return w.Take();
}

bool IsValidSnsTopicName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::optional<SnsTopicArnParts> ParseSnsTopicArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:sns:";
  if (arn.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = arn.substr(kPrefix.size());
  size_t a = rest.find(':');
  if (a == std::string_view::npos || a == 0) return std::nullopt;
  size_t b = rest.find(':', a + 1);
  if (b == std::string_view::npos || b - a - 1 != 12) return std::nullopt;
  SnsTopicArnParts parts{std::string(rest.substr(0, a)), std::string(rest.substr(a + 1, 12)),
                         std::string(rest.substr(b + 1))};
  if (!std::all_of(parts.account.begin(), parts.account.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      !IsValidSnsTopicName(parts.name)) {
    return std::nullopt;
  }
  return parts;
}

std::optional<std::string> TopicOfSubscriptionArn(std::string_view subscription_arn) {
  size_t colon = subscription_arn.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view id = subscription_arn.substr(colon + 1);
  if (id.size() != 36) return std::nullopt;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return std::nullopt;
    }
  }
  std::string topic(subscription_arn.substr(0, colon));
  if (!ParseSnsTopicArn(topic)) return std::nullopt;
  return topic;
}

Result<std::unique_ptr<SnsStore>> SnsStore::Open(store::MetadataDb& db, Env& env,
                                                 std::string account_id) {
  std::unique_ptr<SnsStore> s(new SnsStore(db, env, std::move(account_id)));
  OT_ASSIGN_OR_RETURN(auto topics, db.ListDocuments(kTopicKind));
  for (const auto& [id, text] : topics) {
    OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(text));
    api::JsonValue o = doc->root();
    SnsTopic t;
    t.arn = Str(o, "arn");
    t.name = Str(o, "name");
    t.region = Str(o, "region");
    t.owner = Str(o, "owner");
    t.attributes = ReadMap(o.Get("attributes"));
    t.subscriptions_deleted = static_cast<uint64_t>(Int(o, "deleted"));
    if (auto tags = o.Get("tags"); tags && tags->is_array()) {
      for (const api::JsonValue& pair : tags->Items()) {
        auto kv = pair.Items();
        if (kv.size() == 2 && kv[0].is_string() && kv[1].is_string()) {
          t.tags.emplace_back(std::string(kv[0].AsString()), std::string(kv[1].AsString()));
        }
      }
    }
    s->topics_.emplace(id, std::move(t));
  }
  OT_ASSIGN_OR_RETURN(auto subs, db.ListDocuments(kSubscriptionKind));
  const SysMillis now = env.clock.Now();
  for (const auto& [id, text] : subs) {
    OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(text));
    api::JsonValue o = doc->root();
    SnsSubscription sub;
    sub.arn = Str(o, "arn");
    sub.topic_arn = Str(o, "topicArn");
    sub.protocol = Str(o, "protocol");
    sub.endpoint = Str(o, "endpoint");
    sub.owner = Str(o, "owner");
    sub.pending = Bool(o, "pending");
    sub.token = Str(o, "token");
    sub.token_created = SysMillis(std::chrono::milliseconds(Int(o, "tokenCreated")));
    sub.confirmation_authenticated = Bool(o, "authenticated");
    sub.authenticate_on_unsubscribe = Bool(o, "authOnUnsubscribe");
    sub.unsubscribed = Bool(o, "unsubscribed");
    sub.attributes = ReadMap(o.Get("attributes"));
    if (sub.unsubscribed && now - sub.token_created > kSnsTokenLifetime) {
      OT_RETURN_IF_ERROR(db.DeleteDocument(kSubscriptionKind, id));
      continue;
    }
    s->subscriptions_.emplace(id, std::move(sub));
  }
  return s;
}

Status SnsStore::SaveTopic(const SnsTopic& t) {
  JsonWriter w;
  w.BeginObject();
  w.Key("arn").String(t.arn).Key("name").String(t.name).Key("region").String(t.region);
  w.Key("owner").String(t.owner);
  w.Key("attributes");
  WriteMap(w, t.attributes);
  w.Key("tags").BeginArray();
  for (const auto& [k, v] : t.tags) w.BeginArray().String(k).String(v).EndArray();
  w.EndArray();
  w.Key("deleted").Uint(t.subscriptions_deleted);
  w.EndObject();
  return db_.PutDocument(kTopicKind, t.arn, w.str());
}

Status SnsStore::SaveSubscription(const SnsSubscription& s) {
  JsonWriter w;
  w.BeginObject();
  w.Key("arn").String(s.arn).Key("topicArn").String(s.topic_arn);
  w.Key("protocol").String(s.protocol).Key("endpoint").String(s.endpoint);
  w.Key("owner").String(s.owner).Key("pending").Bool(s.pending).Key("token").String(s.token);
  w.Key("tokenCreated").Int(s.token_created.time_since_epoch().count());
  w.Key("authenticated").Bool(s.confirmation_authenticated);
  w.Key("authOnUnsubscribe").Bool(s.authenticate_on_unsubscribe);
  w.Key("unsubscribed").Bool(s.unsubscribed);
  w.Key("attributes");
  WriteMap(w, s.attributes);
  w.EndObject();
  return db_.PutDocument(kSubscriptionKind, s.arn, w.str());
}

std::string SnsStore::NewToken() {
  uint8_t bytes[64];
  env_.random.Fill(bytes);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

Result<std::string> SnsStore::CreateTopic(
    std::string_view region, std::string_view name,
    const std::map<std::string, std::string>& attributes,
    const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string arn =
      "arn:aws:sns:" + std::string(region) + ":" + account_id_ + ":" + std::string(name);
  std::lock_guard lock(mu_);
  if (auto it = topics_.find(arn); it != topics_.end()) {
    for (const auto& [k, v] : attributes) {
      auto have = it->second.attributes.find(k);
      if (have == it->second.attributes.end() || have->second != v) {
        return Status(Error::kInvalidParameter,
                      "Invalid parameter: Attributes Reason: Topic already exists with different "
                      "attributes");
      }
    }
    return arn;
  }
  SnsTopic t;
  t.arn = arn;
  t.name = std::string(name);
  t.region = std::string(region);
  t.owner = account_id_;
  t.attributes = attributes;
  if (!t.attributes.count("Policy")) t.attributes["Policy"] = SnsDefaultTopicPolicy(arn, t.owner);
  t.tags = tags;
  OT_RETURN_IF_ERROR(SaveTopic(t));
  topics_.emplace(arn, std::move(t));
  return arn;
}

Status SnsStore::DeleteTopic(std::string_view arn) {
  std::lock_guard lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end()) return TopicNotFound();
  for (auto s = subscriptions_.begin(); s != subscriptions_.end();) {
    if (s->second.topic_arn == arn) {
      OT_RETURN_IF_ERROR(db_.DeleteDocument(kSubscriptionKind, s->first));
      s = subscriptions_.erase(s);
    } else {
      ++s;
    }
  }
  OT_RETURN_IF_ERROR(db_.DeleteDocument(kTopicKind, arn));
  topics_.erase(it);
  return Status::Ok();
}

Result<SnsTopic> SnsStore::GetTopic(std::string_view arn) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end()) return TopicNotFound();
  return it->second;
}

SnsTopicCounts SnsStore::Counts(std::string_view topic_arn) const {
  std::lock_guard lock(mu_);
  SnsTopicCounts c;
  if (auto it = topics_.find(topic_arn); it != topics_.end()) {
    c.deleted = it->second.subscriptions_deleted;
  }
  for (const auto& [arn, s] : subscriptions_) {
    if (s.topic_arn != topic_arn || s.unsubscribed) continue;
    (s.pending ? c.pending : c.confirmed)++;
  }
  return c;
}

Status SnsStore::SetTopicAttribute(std::string_view arn, std::string_view name,
                                   std::string_view value) {
  std::lock_guard lock(mu_);
  auto it = topics_.find(arn);
  if (it == topics_.end()) return TopicNotFound();
  SnsTopic t = it->second;
  if (value.empty() && name != "DisplayName") {
    t.attributes.erase(std::string(name));
  } else {
    t.attributes[std::string(name)] = std::string(value);
  }
  OT_RETURN_IF_ERROR(SaveTopic(t));
  it->second = std::move(t);
  return Status::Ok();
}

Result<SnsPage<SnsTopic>> SnsStore::ListTopics(std::string_view region, std::string_view token,
                                               size_t limit) const {
  OT_ASSIGN_OR_RETURN(std::string after, DecodeToken(token));
  std::lock_guard lock(mu_);
  SnsPage<SnsTopic> page;
  auto it = after.empty() ? topics_.begin() : topics_.upper_bound(after);
  for (; it != topics_.end(); ++it) {
    if (it->second.region != region) continue;
    if (page.items.size() == limit) {
      page.next_token = Base64Encode(page.items.back().arn);
      break;
    }
    page.items.push_back(it->second);
  }
  return page;
}

Result<SnsStore::SubscribeResult> SnsStore::Subscribe(
    std::string_view topic_arn, std::string_view protocol, std::string_view endpoint,
    const std::map<std::string, std::string>& attributes, SysMillis now) {
  std::lock_guard lock(mu_);
  if (!topics_.count(topic_arn)) return TopicNotFound();
  for (auto& [arn, s] : subscriptions_) {
    if (s.topic_arn != topic_arn || s.protocol != protocol || s.endpoint != endpoint ||
        s.unsubscribed) {
      continue;
    }
    SubscribeResult r;
    if (s.pending) {
      SnsSubscription updated = s;
      updated.token = NewToken();
      updated.token_created = now;
      OT_RETURN_IF_ERROR(SaveSubscription(updated));
      s = std::move(updated);
      r.send_confirmation = true;
    }
    r.subscription = s;
    return r;
  }
  SnsSubscription s;
  s.arn = std::string(topic_arn) + ":" + NewUuid(env_.random);
  s.topic_arn = std::string(topic_arn);
  s.protocol = std::string(protocol);
  s.endpoint = std::string(endpoint);
  s.owner = account_id_;
  s.pending = true;
  s.token = NewToken();
  s.token_created = now;
  s.attributes = attributes;
  OT_RETURN_IF_ERROR(SaveSubscription(s));
  subscriptions_.emplace(s.arn, s);
  return SubscribeResult{std::move(s), true};
}

Result<SnsSubscription> SnsStore::Confirm(std::string_view topic_arn, std::string_view token,
                                          bool authenticated, bool authenticate_on_unsubscribe,
                                          SysMillis now) {
  std::lock_guard lock(mu_);
  if (token.empty()) return InvalidToken();
  for (auto& [arn, s] : subscriptions_) {
    if (s.token != token) continue;
    if (s.topic_arn != topic_arn || now - s.token_created > kSnsTokenLifetime) {
      return InvalidToken();
    }
    if (!s.pending && !s.unsubscribed) return s;  // already confirmed
    SnsSubscription updated = s;
    updated.pending = false;
    updated.unsubscribed = false;
    updated.confirmation_authenticated = authenticated;
    updated.authenticate_on_unsubscribe = authenticated && authenticate_on_unsubscribe;
    OT_RETURN_IF_ERROR(SaveSubscription(updated));
    if (s.unsubscribed) {
      if (auto t = topics_.find(topic_arn);
          t != topics_.end() && t->second.subscriptions_deleted > 0) {
        SnsTopic topic = t->second;
        topic.subscriptions_deleted--;
        OT_RETURN_IF_ERROR(SaveTopic(topic));
        t->second = std::move(topic);
      }
    }
    s = std::move(updated);
    return s;
  }
  return InvalidToken();
}

Result<SnsSubscription> SnsStore::Unsubscribe(std::string_view subscription_arn, SysMillis now) {
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(subscription_arn);
  if (it == subscriptions_.end() || it->second.unsubscribed) return SubscriptionNotFound();
  SnsSubscription updated = it->second;
  updated.unsubscribed = true;
  updated.token = NewToken();
  updated.token_created = now;
  OT_RETURN_IF_ERROR(SaveSubscription(updated));
  if (auto t = topics_.find(updated.topic_arn); t != topics_.end()) {
    SnsTopic topic = t->second;
    topic.subscriptions_deleted++;
    OT_RETURN_IF_ERROR(SaveTopic(topic));
    t->second = std::move(topic);
  }
  it->second = updated;
  return updated;
}

Result<SnsSubscription> SnsStore::GetSubscription(std::string_view subscription_arn) const {
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(subscription_arn);
  if (it == subscriptions_.end() || it->second.unsubscribed) return SubscriptionNotFound();
  return it->second;
}

Status SnsStore::SetSubscriptionAttribute(std::string_view subscription_arn, std::string_view name,
                                          std::string_view value) {
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(subscription_arn);
  if (it == subscriptions_.end() || it->second.unsubscribed) return SubscriptionNotFound();
  SnsSubscription updated = it->second;
  updated.attributes[std::string(name)] = std::string(value);
  OT_RETURN_IF_ERROR(SaveSubscription(updated));
  it->second = std::move(updated);
  return Status::Ok();
}

Result<SnsPage<SnsSubscription>> SnsStore::ListSubscriptions(std::string_view region,
                                                             std::string_view topic_arn,
                                                             std::string_view token,
                                                             size_t limit) const {
  OT_ASSIGN_OR_RETURN(std::string after, DecodeToken(token));
  std::lock_guard lock(mu_);
  if (!topic_arn.empty() && !topics_.count(topic_arn)) return TopicNotFound();
  SnsPage<SnsSubscription> page;
  auto it = after.empty() ? subscriptions_.begin() : subscriptions_.upper_bound(after);
  for (; it != subscriptions_.end(); ++it) {
    const SnsSubscription& s = it->second;
    if (s.unsubscribed) continue;
    if (!topic_arn.empty()
            ? s.topic_arn != topic_arn
            : ParseSnsTopicArn(s.topic_arn).value_or(SnsTopicArnParts{}).region != region) {
      continue;
    }
    if (page.items.size() == limit) {
      page.next_token = Base64Encode(page.items.back().arn);
      break;
    }
    page.items.push_back(s);
  }
  return page;
}

std::vector<SnsSubscription> SnsStore::ConfirmedSubscriptions(std::string_view topic_arn) const {
  std::lock_guard lock(mu_);
  std::vector<SnsSubscription> out;
  for (const auto& [arn, s] : subscriptions_) {
    if (s.topic_arn == topic_arn && !s.pending && !s.unsubscribed) out.push_back(s);
  }
  return out;
}

}  // namespace ot::monitor
