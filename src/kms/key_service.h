#pragma once

// KMS keys (protocols.md §3): symmetric AES-256 keys with aliases, enable/disable, scheduled
// deletion, automatic rotation, and the Encrypt/Decrypt/GenerateDataKey operations that use them.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "store/metadata.h"

namespace ot::kms {

enum class KeyState { kEnabled, kDisabled, kPendingDeletion };
std::string_view KeyStateName(KeyState state);  // "Enabled", "Disabled", "PendingDeletion"

// An encryption context: authenticated with the ciphertext, required again to decrypt it.
using EncryptionContext = std::map<std::string, std::string>;

// What DescribeKey reports about one key.
struct KeyMetadata {
  std::string key_id;  // lowercase UUID
  std::string arn;     // arn:aws:kms:<region>:<account>:key/<key_id>
  std::string region;
  std::string description;
  SysMillis creation_date{};
  KeyState state = KeyState::kEnabled;
  std::optional<SysMillis> deletion_date;  // PendingDeletion only
  int pending_window_days = 0;             // PendingDeletion only
  bool rotation_enabled = false;
  int rotation_period_days = 365;
  std::optional<SysMillis> next_rotation;  // with rotation enabled
  int versions = 1;                        // key material versions (1 + rotations)
};

struct AliasInfo {
  std::string name;  // "alias/trail-logs"
  std::string arn;   // arn:aws:kms:<region>:<account>:alias/trail-logs
  std::string target_key_id;
  SysMillis creation_date{}, last_updated{};
};

struct Ciphertext {
  std::string blob;     // docs/formats/kms-ciphertext.md
  std::string key_arn;  // the key that encrypted it
};

struct Plaintext {
  std::string bytes;
  std::string key_arn;
};

struct DataKey {
  std::string plaintext;  // the data key; empty for GenerateDataKeyWithoutPlaintext
  std::string blob;       // the data key encrypted under the KMS key
  std::string key_arn;
};

struct KmsOptions {
  std::string account_id;
  std::string master_key;  // 32 bytes (DataDirState::master_key): seals the key material
};

// Which identifiers an operation accepts for its key (protocols.md §3).
enum class KeyRef {
  kKeyOnly,     // key id or key ARN (EnableKey, ScheduleKeyDeletion, rotation, CreateAlias target)
  kAnyOrAlias,  // also alias name or alias ARN (DescribeKey, Encrypt, GenerateDataKey, Decrypt)
};

// The keys and aliases of one account, in every region. Key material (32 random bytes per
// version) is stored only sealed under the server's master key (crypto::AeadSeal, aad
// "kms-key:<key id>:<version>"), in metadata documents kind "kms-key" (id: the key id) and
// "kms-alias" (id: "<region>/<alias name>"). Loaded once at Open; every change is written
// through before it is visible. Thread-safe.
//
// Errors (codes of errors.def): kKmsNotFound (unknown key or alias, or a key of another region
// or account), kKmsInvalidArn (a malformed ARN), kKmsDisabled (a disabled key used for
// cryptography), kKmsInvalidState (a key pending deletion), kKmsAlreadyExists,
// kKmsInvalidAliasName, kKmsInvalidCiphertext (a blob that is not ours, altered, of another region,
// or given the wrong encryption context), kKmsIncorrectKey, kValidation.
class KeyService {
 public:
  static Result<std::unique_ptr<KeyService>> Open(store::MetadataDb& db, Env& env,
                                                  KmsOptions options);

  Result<KeyMetadata> CreateKey(std::string_view region, std::string_view description);
  // The key `ref` names in `region` (key id, key ARN, alias name, alias ARN).
  Result<KeyMetadata> Describe(std::string_view region, std::string_view ref,
                               KeyRef accepts = KeyRef::kAnyOrAlias) const;
  // The key ARN `ref` names; aliases are resolved. For authorization: a ref that names nothing
  // still yields the ARN it would name (key or alias ARN), so the caller is authorized first.
  std::string ResourceArn(std::string_view region, std::string_view ref) const;
  // Keys of `region`, by key id.
  std::vector<KeyMetadata> ListKeys(std::string_view region) const;

  Status CreateAlias(std::string_view region, std::string_view alias, std::string_view target);
  Status DeleteAlias(std::string_view region, std::string_view alias);
  // Aliases of `region` by name; only those of `key_ref`'s key when it is not empty.
  Result<std::vector<AliasInfo>> ListAliases(std::string_view region,
                                             std::string_view key_ref) const;

  Status EnableKey(std::string_view region, std::string_view ref);
  Status DisableKey(std::string_view region, std::string_view ref);
  // PendingWindowInDays 7–30 (kValidation otherwise); the key is unusable at once and deleted by
  // Maintain once the window has passed.
  Result<KeyMetadata> ScheduleKeyDeletion(std::string_view region, std::string_view ref,
                                          int pending_window_days);
  // Back to Disabled, as KMS does.
  Result<KeyMetadata> CancelKeyDeletion(std::string_view region, std::string_view ref);
  // RotationPeriodInDays 90–2560 (kValidation otherwise); the first rotation is due one period
  // from now.
  Status EnableKeyRotation(std::string_view region, std::string_view ref, int period_days);
  Status DisableKeyRotation(std::string_view region, std::string_view ref);

  // Plaintext 1–4096 bytes.
  Result<Ciphertext> Encrypt(std::string_view region, std::string_view ref,
                             std::string_view plaintext, const EncryptionContext& context);
  // `key_ref` may be empty (the blob names its key); when given it must name that key
  // (kKmsIncorrectKey). Every version of the key's material decrypts, rotated or not.
  Result<Plaintext> Decrypt(std::string_view region, std::string_view blob,
                            const EncryptionContext& context, std::string_view key_ref = {});
  // A fresh random data key of `bytes` bytes (1–1024) and its encryption under the key.
  Result<DataKey> GenerateDataKey(std::string_view region, std::string_view ref, size_t bytes,
                                  const EncryptionContext& context, bool with_plaintext = true);

  // The background pass: rotates keys whose rotation is due (a new version; older ones stay for
  // Decrypt) and deletes keys whose deletion date has passed, with their aliases. Returns how
  // many keys it rotated or deleted.
  Result<size_t> Maintain();

 private:
  struct Version {
    SysMillis created{};
    std::string sealed;  // the material, sealed under the master key
  };
  struct Key {
    KeyMetadata meta;
    std::vector<Version> versions;
  };
  struct Alias {
    AliasInfo info;
    std::string region;
  };
  KeyService(store::MetadataDb& db, Env& env, KmsOptions options);
  Status Load();
  Status Save(const Key& key);
  Status SaveAlias(const Alias& alias);
  // The key `ref` names (under mu_).
  Result<Key*> Find(std::string_view region, std::string_view ref, KeyRef accepts) const;
  // The key as usable for cryptography: enabled.
  Result<Key*> Usable(std::string_view region, std::string_view ref) const;
  Result<std::string> Material(const Key& key, size_t version) const;
  Status AddVersion(Key& key);
  std::string KeyArn(std::string_view region, std::string_view key_id) const;
  std::string AliasArn(std::string_view region, std::string_view alias) const;
  Result<Ciphertext> Seal(const Key& key, std::string_view plaintext,
                          const EncryptionContext& context);

  store::MetadataDb& db_;
  Env& env_;
  KmsOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Key>, std::less<>> keys_;  // by key id
  std::map<std::string, Alias, std::less<>> aliases_;              // by "<region>/<alias>"
};

// Checks an alias name (protocols.md §3): "alias/" + 1–250 of [a-zA-Z0-9:/_-], not "alias/aws/…".
Status ValidateAliasName(std::string_view alias);

}  // namespace ot::kms
