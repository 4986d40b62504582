#include "server/data_dir.h"

#include "common/encoding.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/time.h"
#include "crypto/aead.h"

namespace ot::server {
namespace {

constexpr std::string_view kIdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";  // IAM-style ids
constexpr std::string_view kSecretChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kAdminUser = "admin";

constexpr std::string_view kSealedPrefix = "sealed:";

std::string Seal(const std::string& key, Random& random, std::string_view secret,
                 std::string_view id) {
  return std::string(kSealedPrefix) + Base64Encode(crypto::AeadSeal(key, random, secret, id));
}

Result<std::string> Unseal(const std::string& key, std::string_view stored, std::string_view id) {
  auto raw = Base64Decode(stored.substr(kSealedPrefix.size()));
  if (!raw)
    return Status(Error::kCorruption, "sealed secret of " + std::string(id) + " is not base64");
  auto secret = crypto::AeadOpen(key, *raw, id);
  if (!secret.ok()) {
    return Status(Error::kCorruption,
                  "the secret of " + std::string(id) +
                      " does not open with keys/master.key (wrong or replaced key?)");
  }
  return secret;
}

// DIR/keys/master.key, created when absent (first start, or a data dir from before secrets were
// sealed). If it is lost later, sealed secrets no longer open and the start fails saying so.
Result<std::string> MasterKey(const std::string& dir, Env& env) {
  const std::string path = dir + "/keys/master.key";
  if (!env.fs.Exists(path)) {
    OT_RETURN_IF_ERROR(env.fs.CreateDirs(dir + "/keys"));
    std::string key(crypto::kAeadKeyBytes, '\0');
    env.random.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(key.data()), key.size()));
    OT_RETURN_IF_ERROR(env.fs.WriteFileAtomic(path, key, 0600));
    return key;
  }
  OT_ASSIGN_OR_RETURN(std::string key, env.fs.ReadFile(path));
  if (key.size() != crypto::kAeadKeyBytes) {
    return Status(Error::kCorruption, path + " must hold exactly 32 bytes");
  }
  return key;
}

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool IsValidRegion(std::string_view region) {
  if (region.size() < 3 || region.size() > 32) return false;
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return region.front() != '-' && region.back() != '-';
}

std::string CredentialsFileText(const auth::AccessKey& key, const std::string& region) {
  return "# OpenTrail administrator (" + key.principal.arn + "), region " + region +
         "\n[default]\naws_access_key_id = " + key.access_key_id +
         "\naws_secret_access_key = " + key.secret_access_key + "\n";
}

Result<DataDirState> OpenDataDir(const DataDirOptions& options, store::MetadataDb& db, Env& env) {
  if (!options.account_id.empty() && !IsAccountId(options.account_id)) {
    return Status(Error::kValidation, "--account-id must be 12 digits");
  }
  if (!options.region.empty() && !IsValidRegion(options.region)) {
    return Status(Error::kValidation, "--region '" + options.region + "' is not a region name");
  }
  DataDirState state;
  state.credentials_path = options.dir + "/credentials";
  OT_ASSIGN_OR_RETURN(auto stored_account, db.GetSetting("account_id"));
  OT_ASSIGN_OR_RETURN(state.master_key, MasterKey(options.dir, env));
  if (!stored_account) {
    std::string account = options.account_id;
    if (account.empty())
      account =
          RandomString(env.random, 1, "123456789") + RandomString(env.random, 11, "0123456789");
    std::string token_key(32, '\0');
    env.random.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(token_key.data()), 32));
    OT_RETURN_IF_ERROR(db.PutSettingsIfAbsent({
        {"account_id", account},
        {"home_region", options.region.empty() ? "us-east-1" : options.region},
        {"token_key", HexEncode(token_key)},
        {"created", FormatIso8601(env.clock.Now())},
    }));
    store::AccessKeyRow row;
    row.access_key_id = "AKIA" + RandomString(env.random, 16, kIdChars);
    state.admin.secret_access_key = RandomString(env.random, 40, kSecretChars);
    row.secret_access_key =
        Seal(state.master_key, env.random, state.admin.secret_access_key, row.access_key_id);
    row.principal_type = "IAMUser";
    row.principal_id = "AIDA" + RandomString(env.random, 17, kIdChars);
    row.arn = "arn:aws:iam::" + account + ":user/" + std::string(kAdminUser);
    row.user_name = std::string(kAdminUser);
    row.created = FormatIso8601(env.clock.Now());
    OT_RETURN_IF_ERROR(db.PutAccessKey(row));
    OT_RETURN_IF_ERROR(db.PutSetting("admin_access_key_id", row.access_key_id));
    state.created = true;
    OT_ASSIGN_OR_RETURN(stored_account, db.GetSetting("account_id"));
  } else if (!options.account_id.empty() && options.account_id != *stored_account) {
    return Status(Error::kValidation, "--account-id " + options.account_id +
                                          " differs from this data directory's account " +
                                          *stored_account);
  }
  state.account_id = *stored_account;
  OT_ASSIGN_OR_RETURN(auto region, db.GetSetting("home_region"));
  OT_ASSIGN_OR_RETURN(auto token_hex, db.GetSetting("token_key"));
  OT_ASSIGN_OR_RETURN(auto admin_id, db.GetSetting("admin_access_key_id"));
  if (!region || !token_hex || !admin_id) {
    return Status(Error::kCorruption, "metadata of " + options.dir + " is incomplete");
  }
  state.home_region = *region;
  if (!options.region.empty() && options.region != *region) {
    Log(LogLevel::kWarn, "--region differs from the stored home region; keeping the stored one",
        "\"home_region\":\"" + *region + "\"");
  }
  auto token = HexDecode(*token_hex);
  if (!token) return Status(Error::kCorruption, "token key in metadata is not hex");
  state.token_key = *token;

  OT_ASSIGN_OR_RETURN(auto keys, db.ListAccessKeys());
  bool found = false;
  for (const store::AccessKeyRow& row : keys) {
    if (row.access_key_id != *admin_id) continue;
    found = true;
    state.admin.access_key_id = row.access_key_id;
    if (row.secret_access_key.starts_with(kSealedPrefix)) {
      OT_ASSIGN_OR_RETURN(state.admin.secret_access_key,
                          Unseal(state.master_key, row.secret_access_key, row.access_key_id));
    } else {  // written by an older version in plain text: seal it now
      state.admin.secret_access_key = row.secret_access_key;
      store::AccessKeyRow sealed = row;
      sealed.secret_access_key =
          Seal(state.master_key, env.random, row.secret_access_key, row.access_key_id);
      OT_RETURN_IF_ERROR(db.PutAccessKey(sealed));
    }
    auth::Principal& p = state.admin.principal;
    p.type =
        row.principal_type == "Root" ? auth::PrincipalType::kRoot : auth::PrincipalType::kIAMUser;
    p.account_id = state.account_id;
    p.principal_id = row.principal_id;
    p.arn = row.arn;
    p.user_name = row.user_name;
    p.access_key_id = row.access_key_id;
  }
  if (!found) return Status(Error::kCorruption, "administrator key missing from metadata");

  if (state.created || !env.fs.Exists(state.credentials_path)) {
    OT_RETURN_IF_ERROR(env.fs.WriteFileAtomic(
        state.credentials_path, CredentialsFileText(state.admin, state.home_region), 0600));
  }
  return state;
}

}  // namespace ot::server
