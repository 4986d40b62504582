#include "kms/key_service.h"

#include <algorithm>

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "common/json_writer.h"
#include "crypto/aead.h"

namespace ot::kms {
namespace {

constexpr std::string_view kKeyKind = "kms-key";
constexpr std::string_view kAliasKind = "kms-alias";
constexpr uint8_t kBlobVersion = 1;
constexpr size_t kKeyIdBytes = 36;
constexpr size_t kHeaderBytes = 1 + kKeyIdBytes + 4;
constexpr size_t kMaterialBytes = 32;

int64_t Ms(SysMillis t) { return t.time_since_epoch().count(); }
SysMillis FromMs(int64_t ms) { return SysMillis(std::chrono::milliseconds(ms)); }
SysMillis Days(SysMillis from, int days) { return from + std::chrono::hours(24) * days; }

bool IsUuid(std::string_view s) {
  if (s.size() != kKeyIdBytes) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string MaterialAad(std::string_view key_id, size_t version) {
  return "kms-key:" + std::string(key_id) + ":" + std::to_string(version);
}

void AppendLength(std::string* out, size_t n) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((n >> shift) & 0xff));
}

// The associated data of a blob: its header, then each context pair (sorted by key) as
// length-prefixed bytes, so that {"a":"bc"} and {"ab":"c"} differ.
std::string BlobAad(std::string_view header, const EncryptionContext& context) {
  std::string aad(header);
  for (const auto& [k, v] : context) {
    AppendLength(&aad, k.size());
    aad += k;
    AppendLength(&aad, v.size());
    aad += v;
  }
  return aad;
}

std::string NotFoundKey(std::string_view arn) {
  return "Key '" + std::string(arn) + "' does not exist";
}

Status InvalidCiphertext() {
  return Status(Error::kKmsInvalidCiphertext,
                "The ciphertext is invalid, or was not encrypted with these parameters "
                "(encryption context, region).");
}

std::string_view StateOf(KeyState s) { return KeyStateName(s); }

Result<KeyState> ParseState(std::string_view s) {
  if (s == "Enabled") return KeyState::kEnabled;
  if (s == "Disabled") return KeyState::kDisabled;
  if (s == "PendingDeletion") return KeyState::kPendingDeletion;
  return Status(Error::kCorruption, "unknown KMS key state " + std::string(s));
}

}  // namespace

std::string_view KeyStateName(KeyState state) {
  switch (state) {
    case KeyState::kEnabled:
      return "Enabled";
    case KeyState::kDisabled:
      return "Disabled";
    case KeyState::kPendingDeletion:
      return "PendingDeletion";
  }
  return "Enabled";
}

Status ValidateAliasName(std::string_view alias) {
  if (alias.empty() || alias.size() > 256) {
    return Status(Error::kValidation,
                  "1 validation error detected: Value '" + std::string(alias) +
                      "' at 'aliasName' failed to satisfy constraint: Member must have length "
                      "less than or equal to 256 and greater than or equal to 1");
  }
  for (char c : alias) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == ':' || c == '/' || c == '_' || c == '-';
    if (!ok) {
      return Status(Error::kValidation,
                    "1 validation error detected: Value '" + std::string(alias) +
                        "' at 'aliasName' failed to satisfy constraint: Member must satisfy "
                        "regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
    }
  }
  if (!alias.starts_with("alias/") || alias.size() == 6) {
    return Status(Error::kKmsInvalidAliasName,
                  "Alias must start with the prefix \"alias/\" and name at least one character.");
  }
  if (alias.starts_with("alias/aws/")) {
    return Status(Error::kKmsInvalidAliasName,
                  "Alias names beginning with \"alias/aws/\" are reserved for AWS managed keys.");
  }
  return Status::Ok();
}

KeyService::KeyService(store::MetadataDb& db, Env& env, KmsOptions options)
    : db_(db), env_(env), options_(std::move(options)) {}

Result<std::unique_ptr<KeyService>> KeyService::Open(store::MetadataDb& db, Env& env,
                                                     KmsOptions options) {
  if (options.master_key.size() != crypto::kAeadKeyBytes) {
    return Status(Error::kInternal, "the KMS master key must be 32 bytes");
  }
  std::unique_ptr<KeyService> service(new KeyService(db, env, std::move(options)));
  OT_RETURN_IF_ERROR(service->Load());
  return service;
}

std::string KeyService::KeyArn(std::string_view region, std::string_view key_id) const {
  return "arn:aws:kms:" + std::string(region) + ":" + options_.account_id + ":key/" +
         std::string(key_id);
}

std::string KeyService::AliasArn(std::string_view region, std::string_view alias) const {
  return "arn:aws:kms:" + std::string(region) + ":" + options_.account_id + ":" +
         std::string(alias);
}

Status KeyService::Load() {
  OT_ASSIGN_OR_RETURN(auto docs, db_.ListDocuments(kKeyKind));
  for (auto& [id, json] : docs) {
    OT_ASSIGN_OR_RETURN(auto parsed, api::JsonDocument::Parse(json));
    api::Members m(parsed->root(), "kms-key");
    auto key = std::make_unique<Key>();
    KeyMetadata& meta = key->meta;
    meta.key_id = id;
    OT_ASSIGN_OR_RETURN(meta.region, m.ReqString("region"));
    meta.arn = KeyArn(meta.region, id);
    OT_ASSIGN_OR_RETURN(auto description, m.OptString("description"));
    meta.description = description.value_or("");
    OT_ASSIGN_OR_RETURN(auto created, m.OptInt("created"));
    meta.creation_date = FromMs(created.value_or(0));
    OT_ASSIGN_OR_RETURN(std::string state, m.ReqString("state"));
    OT_ASSIGN_OR_RETURN(meta.state, ParseState(state));
    OT_ASSIGN_OR_RETURN(auto deletion, m.OptInt("deletionDate"));
    if (deletion) meta.deletion_date = FromMs(*deletion);
    OT_ASSIGN_OR_RETURN(auto window, m.OptInt("pendingWindowInDays"));
    meta.pending_window_days = static_cast<int>(window.value_or(0));
    OT_ASSIGN_OR_RETURN(auto rotation, m.OptBool("rotation"));
    meta.rotation_enabled = rotation.value_or(false);
    OT_ASSIGN_OR_RETURN(auto period, m.OptInt("rotationPeriodInDays"));
    meta.rotation_period_days = static_cast<int>(period.value_or(365));
    OT_ASSIGN_OR_RETURN(auto next, m.OptInt("nextRotation"));
    if (next) meta.next_rotation = FromMs(*next);
    OT_ASSIGN_OR_RETURN(auto versions, m.OptList("versions"));
    for (api::JsonValue v : versions.value_or(std::vector<api::JsonValue>{})) {
      api::Members vm(v, "kms-key.versions");
      OT_ASSIGN_OR_RETURN(auto vcreated, vm.OptInt("created"));
      OT_ASSIGN_OR_RETURN(std::string sealed, vm.ReqString("sealedMaterial"));
      auto raw = Base64Decode(sealed);
      if (!raw) return Status(Error::kCorruption, "KMS key " + id + " has malformed material");
      key->versions.push_back({FromMs(vcreated.value_or(0)), std::move(*raw)});
    }
    if (key->versions.empty())
      return Status(Error::kCorruption, "KMS key " + id + " has no material");
    meta.versions = static_cast<int>(key->versions.size());
    keys_.emplace(id, std::move(key));
  }
  OT_ASSIGN_OR_RETURN(auto alias_docs, db_.ListDocuments(kAliasKind));
  for (auto& [id, json] : alias_docs) {
    OT_ASSIGN_OR_RETURN(auto parsed, api::JsonDocument::Parse(json));
    api::Members m(parsed->root(), "kms-alias");
    Alias a;
    size_t slash = id.find('/');
    if (slash == std::string::npos) return Status(Error::kCorruption, "bad KMS alias id " + id);
    a.region = id.substr(0, slash);
    a.info.name = id.substr(slash + 1);
    a.info.arn = AliasArn(a.region, a.info.name);
    OT_ASSIGN_OR_RETURN(a.info.target_key_id, m.ReqString("targetKeyId"));
    OT_ASSIGN_OR_RETURN(auto created, m.OptInt("created"));
    OT_ASSIGN_OR_RETURN(auto updated, m.OptInt("updated"));
    a.info.creation_date = FromMs(created.value_or(0));
    a.info.last_updated = FromMs(updated.value_or(0));
    aliases_.emplace(id, std::move(a));
  }
  return Status::Ok();
}

Status KeyService::Save(const Key& key) {
  const KeyMetadata& m = key.meta;
  JsonWriter w;
  w.BeginObject();
  w.Key("region").String(m.region);
  w.Key("description").String(m.description);
  w.Key("created").Int(Ms(m.creation_date));
  w.Key("state").String(StateOf(m.state));
  if (m.deletion_date) w.Key("deletionDate").Int(Ms(*m.deletion_date));
  if (m.pending_window_days != 0) w.Key("pendingWindowInDays").Int(m.pending_window_days);
  w.Key("rotation").Bool(m.rotation_enabled);
  w.Key("rotationPeriodInDays").Int(m.rotation_period_days);
  if (m.next_rotation) w.Key("nextRotation").Int(Ms(*m.next_rotation));
  w.Key("versions").BeginArray();
  for (const Version& v : key.versions) {
    w.BeginObject();
    w.Key("created").Int(Ms(v.created));
    w.Key("sealedMaterial").String(Base64Encode(v.sealed));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return db_.PutDocument(kKeyKind, m.key_id, w.str());
}

Status KeyService::SaveAlias(const Alias& a) {
  JsonWriter w;
  w.BeginObject();
  w.Key("targetKeyId").String(a.info.target_key_id);
  w.Key("created").Int(Ms(a.info.creation_date));
  w.Key("updated").Int(Ms(a.info.last_updated));
  w.EndObject();
  return db_.PutDocument(kAliasKind, a.region + "/" + a.info.name, w.str());
}

Status KeyService::AddVersion(Key& key) {
  std::string material(kMaterialBytes, '\0');
  env_.random.Fill(
      std::span<uint8_t>(reinterpret_cast<uint8_t*>(material.data()), material.size()));
  size_t version = key.versions.size() + 1;
  std::string sealed = crypto::AeadSeal(options_.master_key, env_.random, material,
                                        MaterialAad(key.meta.key_id, version));
  key.versions.push_back({env_.clock.Now(), std::move(sealed)});
  key.meta.versions = static_cast<int>(key.versions.size());
  return Status::Ok();
}

Result<std::string> KeyService::Material(const Key& key, size_t version) const {
  if (version < 1 || version > key.versions.size()) return InvalidCiphertext();
  return crypto::AeadOpen(options_.master_key, key.versions[version - 1].sealed,
                          MaterialAad(key.meta.key_id, version));
}

Result<KeyMetadata> KeyService::CreateKey(std::string_view region, std::string_view description) {
  if (description.size() > 8192) {
    return Status(Error::kValidation,
                  "1 validation error detected: Value at 'description' failed to satisfy "
                  "constraint: Member must have length less than or equal to 8192");
  }
  auto key = std::make_unique<Key>();
  key->meta.key_id = NewUuid(env_.random);
  key->meta.region = std::string(region);
  key->meta.arn = KeyArn(region, key->meta.key_id);
  key->meta.description = std::string(description);
  key->meta.creation_date = env_.clock.Now();
  OT_RETURN_IF_ERROR(AddVersion(*key));
  std::lock_guard lock(mu_);
  OT_RETURN_IF_ERROR(Save(*key));
  KeyMetadata out = key->meta;
  keys_.emplace(out.key_id, std::move(key));
  return out;
}

Result<KeyService::Key*> KeyService::Find(std::string_view region, std::string_view ref,
                                          KeyRef accepts) const {
  std::string_view id = ref;
  std::string alias;
  if (ref.starts_with("arn:")) {
    // arn:aws:kms:<region>:<account>:key/<id> | :alias/<name>
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (int i = 0; i < 5; ++i) {
      size_t colon = ref.find(':', start);
      if (colon == std::string_view::npos) break;
      parts.push_back(ref.substr(start, colon - start));
      start = colon + 1;
    }
    std::string_view resource = ref.substr(start);
    if (parts.size() != 5 || parts[1] != "aws" || parts[2] != "kms" || parts[3].empty() ||
        parts[4].empty() || !(resource.starts_with("key/") || resource.starts_with("alias/"))) {
      return Status(Error::kKmsInvalidArn, "Invalid arn " + std::string(ref));
    }
    if (parts[3] != region || parts[4] != options_.account_id) {
      return Status(Error::kKmsNotFound, NotFoundKey(ref));
    }
    if (resource.starts_with("key/")) {
      id = resource.substr(4);
    } else {
      alias = std::string(resource);
    }
  } else if (ref.starts_with("alias/")) {
    alias = std::string(ref);
  }
  if (!alias.empty()) {
    if (accepts == KeyRef::kKeyOnly) {
      return Status(Error::kKmsNotFound, "Invalid keyId '" + std::string(ref) +
                                             "': this operation takes a key id or key ARN, "
                                             "not an alias.");
    }
    auto it = aliases_.find(std::string(region) + "/" + alias);
    if (it == aliases_.end()) {
      return Status(Error::kKmsNotFound, "Alias " + AliasArn(region, alias) + " is not found.");
    }
    id = it->second.info.target_key_id;
  }
  auto it = keys_.find(id);
  if (it == keys_.end() || it->second->meta.region != region) {
    if (!IsUuid(id)) return Status(Error::kKmsNotFound, "Invalid keyId '" + std::string(ref) + "'");
    return Status(Error::kKmsNotFound, NotFoundKey(KeyArn(region, id)));
  }
  return it->second.get();
}

Result<KeyService::Key*> KeyService::Usable(std::string_view region, std::string_view ref) const {
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, ref, KeyRef::kAnyOrAlias));
  switch (key->meta.state) {
    case KeyState::kEnabled:
      return key;
    case KeyState::kDisabled:
      return Status(Error::kKmsDisabled, key->meta.arn + " is disabled.");
    case KeyState::kPendingDeletion:
      return Status(Error::kKmsInvalidState, key->meta.arn + " is pending deletion.");
  }
  return key;
}

Result<KeyMetadata> KeyService::Describe(std::string_view region, std::string_view ref,
                                         KeyRef accepts) const {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, ref, accepts));
  return key->meta;
}

std::string KeyService::ResourceArn(std::string_view region, std::string_view ref) const {
  std::lock_guard lock(mu_);
  auto key = Find(region, ref, KeyRef::kAnyOrAlias);
  if (key.ok()) return (*key)->meta.arn;
  if (ref.starts_with("arn:")) return std::string(ref);
  if (ref.starts_with("alias/")) return AliasArn(region, ref);
  return KeyArn(region, ref);
}

std::vector<KeyMetadata> KeyService::ListKeys(std::string_view region) const {
  std::lock_guard lock(mu_);
  std::vector<KeyMetadata> out;
  for (const auto& [id, key] : keys_) {
    if (key->meta.region == region) out.push_back(key->meta);
  }
  return out;
}

Status KeyService::CreateAlias(std::string_view region, std::string_view alias,
                               std::string_view target) {
  OT_RETURN_IF_ERROR(ValidateAliasName(alias));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, target, KeyRef::kKeyOnly));
  std::string id = std::string(region) + "/" + std::string(alias);
  if (aliases_.contains(id)) {
    return Status(Error::kKmsAlreadyExists,
                  "An alias with the name " + AliasArn(region, alias) + " already exists");
  }
  if (key->meta.state == KeyState::kPendingDeletion) {
    return Status(Error::kKmsInvalidState, key->meta.arn + " is pending deletion.");
  }
  Alias a;
  a.region = std::string(region);
  a.info.name = std::string(alias);
  a.info.arn = AliasArn(region, alias);
  a.info.target_key_id = key->meta.key_id;
  a.info.creation_date = a.info.last_updated = env_.clock.Now();
  OT_RETURN_IF_ERROR(SaveAlias(a));
  aliases_.emplace(id, std::move(a));
  return Status::Ok();
}

Status KeyService::DeleteAlias(std::string_view region, std::string_view alias) {
  OT_RETURN_IF_ERROR(ValidateAliasName(alias));
  std::lock_guard lock(mu_);
  std::string id = std::string(region) + "/" + std::string(alias);
  if (!aliases_.contains(id)) {
    return Status(Error::kKmsNotFound, "Alias " + AliasArn(region, alias) + " is not found.");
  }
  OT_RETURN_IF_ERROR(db_.DeleteDocument(kAliasKind, id));
  aliases_.erase(id);
  return Status::Ok();
}

Result<std::vector<AliasInfo>> KeyService::ListAliases(std::string_view region,
                                                       std::string_view key_ref) const {
  std::lock_guard lock(mu_);
  std::string only;
  if (!key_ref.empty()) {
    OT_ASSIGN_OR_RETURN(Key * key, Find(region, key_ref, KeyRef::kKeyOnly));
    only = key->meta.key_id;
  }
  std::vector<AliasInfo> out;
  for (const auto& [id, a] : aliases_) {
    if (a.region != region || (!only.empty() && a.info.target_key_id != only)) continue;
    out.push_back(a.info);
  }
  return out;
}

Status KeyService::EnableKey(std::string_view region, std::string_view ref) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, ref, KeyRef::kKeyOnly));
  if (key->meta.state == KeyState::kPendingDeletion) {
    return Status(Error::kKmsInvalidState, key->meta.arn + " is pending deletion.");
  }
  Key copy = *key;
  copy.meta.state = KeyState::kEnabled;
  OT_RETURN_IF_ERROR(Save(copy));
  *key = std::move(copy);
  return Status::Ok();
}

Status KeyService::DisableKey(std::string_view region, std::string_view ref) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, ref, KeyRef::kKeyOnly));
  if (key->meta.state == KeyState::kPendingDeletion) {
    return Status(Error::kKmsInvalidState, key->meta.arn + " is pending deletion.");
  }
  Key copy = *key;
  copy.meta.state = KeyState::kDisabled;
  OT_RETURN_IF_ERROR(Save(copy));
  *key = std::move(copy);
  return Status::Ok();
}

Result<KeyMetadata> KeyService::ScheduleKeyDeletion(std::string_view region, std::string_view ref,
                                                    int pending_window_days) {
  if (pending_window_days < 7 || pending_window_days > 30) {
    return Status(Error::kValidation,
                  "1 validation error detected: Value '" + std::to_string(pending_window_days) +
                      "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have "
                      "value less than or equal to 30 and greater than or equal to 7");
  }
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, ref, KeyRef::kKeyOnly));
  if (key->meta.state == KeyState::kPendingDeletion) {
    return Status(Error::kKmsInvalidState, key->meta.arn + " is pending deletion.");
  }
  Key copy = *key;
  copy.meta.state = KeyState::kPendingDeletion;
  copy.meta.pending_window_days = pending_window_days;
  copy.meta.deletion_date = Days(env_.clock.Now(), pending_window_days);
  OT_RETURN_IF_ERROR(Save(copy));
  *key = std::move(copy);
  return key->meta;
}

Result<KeyMetadata> KeyService::CancelKeyDeletion(std::string_view region, std::string_view ref) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, ref, KeyRef::kKeyOnly));
  if (key->meta.state != KeyState::kPendingDeletion) {
    return Status(Error::kKmsInvalidState, key->meta.arn + " is not pending deletion.");
  }
  Key copy = *key;
  copy.meta.state = KeyState::kDisabled;
  copy.meta.pending_window_days = 0;
  copy.meta.deletion_date.reset();
  OT_RETURN_IF_ERROR(Save(copy));
  *key = std::move(copy);
  return key->meta;
}

Status KeyService::EnableKeyRotation(std::string_view region, std::string_view ref,
                                     int period_days) {
  if (period_days < 90 || period_days > 2560) {
    return Status(Error::kValidation,
                  "1 validation error detected: Value '" + std::to_string(period_days) +
                      "' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have "
                      "value less than or equal to 2560 and greater than or equal to 90");
  }
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, ref, KeyRef::kKeyOnly));
  OT_RETURN_IF_ERROR(Usable(region, key->meta.key_id).status());
  Key copy = *key;
  copy.meta.rotation_enabled = true;
  copy.meta.rotation_period_days = period_days;
  copy.meta.next_rotation = Days(env_.clock.Now(), period_days);
  OT_RETURN_IF_ERROR(Save(copy));
  *key = std::move(copy);
  return Status::Ok();
}

Status KeyService::DisableKeyRotation(std::string_view region, std::string_view ref) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Find(region, ref, KeyRef::kKeyOnly));
  OT_RETURN_IF_ERROR(Usable(region, key->meta.key_id).status());
  Key copy = *key;
  copy.meta.rotation_enabled = false;
  copy.meta.next_rotation.reset();
  OT_RETURN_IF_ERROR(Save(copy));
  *key = std::move(copy);
  return Status::Ok();
}

Result<Ciphertext> KeyService::Seal(const Key& key, std::string_view plaintext,
                                    const EncryptionContext& context) {
  size_t version = key.versions.size();
  OT_ASSIGN_OR_RETURN(std::string material, Material(key, version));
  std::string header;
  header.push_back(static_cast<char>(kBlobVersion));
  header += key.meta.key_id;
  AppendLength(&header, version);
  std::string blob = header;
  blob += crypto::AeadSeal(material, env_.random, plaintext, BlobAad(header, context));
  return Ciphertext{std::move(blob), key.meta.arn};
}

Result<Ciphertext> KeyService::Encrypt(std::string_view region, std::string_view ref,
                                       std::string_view plaintext,
                                       const EncryptionContext& context) {
  if (plaintext.empty() || plaintext.size() > 4096) {
    return Status(Error::kValidation,
                  "1 validation error detected: Value at 'plaintext' failed to satisfy "
                  "constraint: Member must have length less than or equal to 4096 and greater "
                  "than or equal to 1");
  }
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Usable(region, ref));
  return Seal(*key, plaintext, context);
}

Result<Plaintext> KeyService::Decrypt(std::string_view region, std::string_view blob,
                                      const EncryptionContext& context, std::string_view key_ref) {
  if (blob.size() < kHeaderBytes + crypto::kAeadOverheadBytes || blob[0] != kBlobVersion) {
    return InvalidCiphertext();
  }
  std::string key_id(blob.substr(1, kKeyIdBytes));
  size_t version = 0;
  for (size_t i = 0; i < 4; ++i) {
    version = (version << 8) | static_cast<uint8_t>(blob[1 + kKeyIdBytes + i]);
  }
  std::lock_guard lock(mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end() || it->second->meta.region != region) return InvalidCiphertext();
  Key& key = *it->second;
  if (!key_ref.empty()) {
    OT_ASSIGN_OR_RETURN(Key * named, Find(region, key_ref, KeyRef::kAnyOrAlias));
    if (named != &key) {
      return Status(Error::kKmsIncorrectKey,
                    "The key ID in the request does not identify the KMS key that encrypted the "
                    "ciphertext.");
    }
  }
  OT_RETURN_IF_ERROR(Usable(region, key.meta.key_id).status());
  auto material = Material(key, version);
  if (!material.ok()) return InvalidCiphertext();
  auto plain = crypto::AeadOpen(*material, blob.substr(kHeaderBytes),
                                BlobAad(blob.substr(0, kHeaderBytes), context));
  if (!plain.ok()) return InvalidCiphertext();
  return Plaintext{std::move(*plain), key.meta.arn};
}

Result<DataKey> KeyService::GenerateDataKey(std::string_view region, std::string_view ref,
                                            size_t bytes, const EncryptionContext& context,
                                            bool with_plaintext) {
  if (bytes < 1 || bytes > 1024) {
    return Status(Error::kValidation,
                  "1 validation error detected: Value '" + std::to_string(bytes) +
                      "' at 'numberOfBytes' failed to satisfy constraint: Member must have value "
                      "less than or equal to 1024 and greater than or equal to 1");
  }
  std::string plain(bytes, '\0');
  env_.random.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(plain.data()), plain.size()));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Key * key, Usable(region, ref));
  OT_ASSIGN_OR_RETURN(Ciphertext sealed, Seal(*key, plain, context));
  DataKey out;
  out.blob = std::move(sealed.blob);
  out.key_arn = std::move(sealed.key_arn);
  if (with_plaintext) out.plaintext = std::move(plain);
  return out;
}

Result<size_t> KeyService::Maintain() {
  SysMillis now = env_.clock.Now();
  std::lock_guard lock(mu_);
  size_t changed = 0;
  std::vector<std::string> gone;
  for (auto& [id, key] : keys_) {
    KeyMetadata& m = key->meta;
    if (m.state == KeyState::kPendingDeletion && m.deletion_date && *m.deletion_date <= now) {
      gone.push_back(id);
      continue;
    }
    if (m.state == KeyState::kEnabled && m.rotation_enabled && m.next_rotation &&
        *m.next_rotation <= now) {
      Key copy = *key;
      OT_RETURN_IF_ERROR(AddVersion(copy));
      while (*copy.meta.next_rotation <= now) {
        copy.meta.next_rotation = Days(*copy.meta.next_rotation, copy.meta.rotation_period_days);
      }
      OT_RETURN_IF_ERROR(Save(copy));
      *key = std::move(copy);
      ++changed;
    }
  }
  for (const std::string& id : gone) {
    for (auto it = aliases_.begin(); it != aliases_.end();) {
      if (it->second.info.target_key_id == id) {
        OT_RETURN_IF_ERROR(db_.DeleteDocument(kAliasKind, it->first));
        it = aliases_.erase(it);
      } else {
        ++it;
      }
    }
    OT_RETURN_IF_ERROR(db_.DeleteDocument(kKeyKind, id));
    keys_.erase(id);
    ++changed;
  }
  return changed;
}

}  // namespace ot::kms
