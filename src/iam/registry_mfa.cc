// IamRegistry: virtual MFA devices (iam.md §2.5) and STS GetSessionToken sessions
// (protocols.md §4, sigv4.md §6).
#include <algorithm>

#include "common/encoding.h"
#include "crypto/hash.h"
#include "crypto/totp.h"
#include "iam/internal/qr_png.h"
#include "iam/internal/registry_impl.h"
#include "iam/internal/rules.h"

namespace ot::iam::internal {
namespace {

constexpr size_t kSeedBytes = 40;  // 64 base32 characters, as AWS's seeds
constexpr size_t kMfaDevicesPerUser = 8;
constexpr std::string_view kKeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

Status InvalidCode() {
  return Status(Error::kInvalidAuthenticationCode, "Authentication code for device is not valid.");
}
Status MfaFailed() {
  return Status(Error::kAccessDenied,
                "MultiFactorAuthentication failed with invalid MFA one time pass code.");
}
Status NoDevice(std::string_view serial) {
  return Status(Error::kNoSuchEntity,
                "VirtualMFADevice with serial number " + std::string(serial) + " doesn't exist.");
}

Status ValidateSerial(std::string_view serial) {
  if (serial.size() < 9 || serial.size() > 256) {
    return ValidationError(serial, "serialNumber",
                           serial.size() < 9 ? "Member must have length greater than or equal to 9"
                                             : "Member must have length less than or equal to 256");
  }
  const bool ok = std::all_of(serial.begin(), serial.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_+=/:,.@-").find(c) != std::string_view::npos;
  });
  if (!ok) {
    return ValidationError(serial, "serialNumber",
                           "Member must satisfy regular expression pattern: [\\w+=/:,.@-]+");
  }
  return Status::Ok();
}

Status ValidateCode(std::string_view code, std::string_view member) {
  if (code.size() != 6) {
    return ValidationError(code, member,
                           code.size() < 6 ? "Member must have length greater than or equal to 6"
                                           : "Member must have length less than or equal to 6");
  }
  if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return ValidationError(code, member, "Member must satisfy regular expression pattern: [\\d]+");
  }
  return Status::Ok();
}

}  // namespace

std::optional<int64_t> IamRegistryImpl::AcceptCode(const MfaRec& m, std::string_view code) const {
  const int64_t now = static_cast<int64_t>(crypto::TotpStep(env_.clock.Now()));
  const int64_t w = options_.totp_window_steps;
  for (int64_t s = std::max<int64_t>(now - w, 0); s <= now + w; ++s) {
    if (s <= m.last_step) continue;
    if (crypto::ConstantTimeEquals(crypto::Hotp(m.seed, static_cast<uint64_t>(s)), code)) {
      return s;
    }
  }
  return std::nullopt;
}

Result<NewMfaDevice> IamRegistryImpl::CreateVirtualMfaDevice(std::string_view name,
                                                             std::string_view path,
                                                             const std::vector<Tag>& tags) {
  OT_RETURN_IF_ERROR(ValidateName(name, "virtualMFADeviceName", 128));
  if (path.empty()) path = "/";
  OT_RETURN_IF_ERROR(ValidatePath(path));
  OT_RETURN_IF_ERROR(ValidateTags(tags, "TagsPerMFADevice"));
  MfaRec m;
  m.name = name;
  m.path = path;
  m.device.serial_number =
      "arn:aws:iam::" + options_.account_id + ":mfa" + std::string(path) + std::string(name);
  m.device.tags = tags;
  m.seed.resize(kSeedBytes);
  env_.random.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(m.seed.data()), kSeedBytes));
  NewMfaDevice out;
  out.serial_number = m.device.serial_number;
  out.base32_seed = Base32Encode(m.seed);
  OT_ASSIGN_OR_RETURN(out.qr_code_png,
                      QrCodePng("otpauth://totp/" + std::string(name) + "@" + options_.account_id +
                                "?secret=" + out.base32_seed));
  std::lock_guard lock(mu_);
  if (mfa_.contains(m.device.serial_number)) {
    return Status(Error::kEntityAlreadyExists,
                  "MFADevice entity at the same path and name already exists.");
  }
  OT_RETURN_IF_ERROR(SaveMfa(m));
  mfa_.emplace(m.device.serial_number, std::move(m));
  Changed();
  return out;
}

Status IamRegistryImpl::EnableMfaDevice(std::string_view user, std::string_view serial_number,
                                        std::string_view code1, std::string_view code2) {
  OT_RETURN_IF_ERROR(ValidateSerial(serial_number));
  OT_RETURN_IF_ERROR(ValidateCode(code1, "authenticationCode1"));
  OT_RETURN_IF_ERROR(ValidateCode(code2, "authenticationCode2"));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(user));
  auto it = mfa_.find(std::string(serial_number));
  if (it == mfa_.end()) return NoDevice(serial_number);
  MfaRec& m = it->second;
  if (m.device.user_name) {
    return Status(Error::kEntityAlreadyExists, "MFA Device is already in use.");
  }
  const std::string ukey = Lower(u->user.name);
  const auto in_use = std::count_if(mfa_.begin(), mfa_.end(), [&](const auto& kv) {
    return kv.second.device.user_name && Lower(*kv.second.device.user_name) == ukey;
  });
  if (static_cast<size_t>(in_use) >= kMfaDevicesPerUser) {
    return QuotaExceeded("MFADevicesInUsePerUser", static_cast<int>(kMfaDevicesPerUser));
  }
  // Two consecutive codes: code2 may be the current step's (the user waited for the next code)
  // or, within the window, a later one.
  const int64_t now = static_cast<int64_t>(crypto::TotpStep(env_.clock.Now()));
  const int64_t w = options_.totp_window_steps;
  std::optional<int64_t> second;
  for (int64_t s = std::max<int64_t>(now - w - 1, 0); s + 1 <= now + w; ++s) {
    if (s <= m.last_step) continue;
    if (crypto::ConstantTimeEquals(crypto::Hotp(m.seed, static_cast<uint64_t>(s)), code1) &&
        crypto::ConstantTimeEquals(crypto::Hotp(m.seed, static_cast<uint64_t>(s + 1)), code2)) {
      second = s + 1;
      break;
    }
  }
  if (!second) return InvalidCode();
  MfaRec updated = m;
  updated.device.user_name = u->user.name;
  updated.device.user_arn = u->user.arn;
  updated.device.enable_date = env_.clock.Now();
  updated.last_step = *second;
  OT_RETURN_IF_ERROR(SaveMfa(updated));
  m = std::move(updated);
  Changed();
  return Status::Ok();
}

Status IamRegistryImpl::DeactivateMfaDevice(std::string_view user, std::string_view serial_number) {
  OT_RETURN_IF_ERROR(ValidateSerial(serial_number));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(UserRec * u, FindUser(user));
  auto it = mfa_.find(std::string(serial_number));
  if (it == mfa_.end() || !it->second.device.user_name ||
      Lower(*it->second.device.user_name) != Lower(u->user.name)) {
    return Status(Error::kNoSuchEntity, "MFA Device with serial number " +
                                            std::string(serial_number) + " does not exist.");
  }
  MfaRec updated = it->second;
  updated.device.user_name.reset();
  updated.device.user_arn.reset();
  updated.device.enable_date.reset();
  OT_RETURN_IF_ERROR(SaveMfa(updated));
  it->second = std::move(updated);
  Changed();
  return Status::Ok();
}

Result<Listed<MfaDevice>> IamRegistryImpl::ListMfaDevices(std::string_view user,
                                                          const Page& page) const {
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(const UserRec* u, FindUser(user));
  const std::string ukey = Lower(u->user.name);
  std::vector<std::pair<std::string, MfaDevice>> sorted;
  for (const auto& [serial, m] : mfa_) {
    if (m.device.user_name && Lower(*m.device.user_name) == ukey) {
      sorted.emplace_back(serial, m.device);
    }
  }
  return TakePage(std::move(sorted), after, page.max_items);
}

Result<Listed<MfaDevice>> IamRegistryImpl::ListVirtualMfaDevices(MfaAssignment assignment,
                                                                 const Page& page) const {
  OT_ASSIGN_OR_RETURN(std::string after, StartAfter(page));
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, MfaDevice>> sorted;
  for (const auto& [serial, m] : mfa_) {
    const bool assigned = m.device.user_name.has_value();
    if ((assignment == MfaAssignment::kAssigned && !assigned) ||
        (assignment == MfaAssignment::kUnassigned && assigned)) {
      continue;
    }
    sorted.emplace_back(serial, m.device);
  }
  return TakePage(std::move(sorted), after, page.max_items);
}

Status IamRegistryImpl::DeleteVirtualMfaDevice(std::string_view serial_number) {
  OT_RETURN_IF_ERROR(ValidateSerial(serial_number));
  std::lock_guard lock(mu_);
  auto it = mfa_.find(std::string(serial_number));
  if (it == mfa_.end()) return NoDevice(serial_number);
  if (it->second.device.user_name) {
    return Status(Error::kDeleteConflict, "MFA device is still in use");
  }
  OT_RETURN_IF_ERROR(DeleteDoc(DocKind::kMfa, serial_number));
  mfa_.erase(it);
  Changed();
  return Status::Ok();
}

Result<std::string> IamRegistryImpl::CheckMfaCode(std::string_view serial_number,
                                                  std::string_view code) {
  const Status denied(Error::kAccessDenied,
                      "Access Denied: the x-amz-mfa device or code is not valid.");
  if (!ValidateSerial(serial_number).ok() || !ValidateCode(code, "tokenCode").ok()) return denied;
  std::lock_guard lock(mu_);
  auto it = mfa_.find(std::string(serial_number));
  if (it == mfa_.end() || !it->second.device.user_arn) return denied;
  std::optional<int64_t> step = AcceptCode(it->second, code);
  if (!step) return denied;
  MfaRec updated = it->second;
  updated.last_step = *step;
  OT_RETURN_IF_ERROR(SaveMfa(updated));
  it->second = std::move(updated);
  return *it->second.device.user_arn;
}

// ----------------------------------------------------------------------------------------------
// Sessions

Result<SessionCredentials> IamRegistryImpl::GetSessionToken(
    const auth::Principal& caller, std::optional<std::chrono::seconds> duration,
    std::optional<std::string_view> serial_number, std::optional<std::string_view> token_code) {
  if (caller.temporary) {
    return Status(Error::kAccessDenied, "Cannot call GetSessionToken with session credentials");
  }
  std::chrono::seconds d = duration.value_or(std::chrono::seconds(43200));
  if (d.count() < 900) {
    return ValidationError(std::to_string(d.count()), "durationSeconds",
                           "Member must have value greater than or equal to 900");
  }
  if (d.count() > 129600) {
    return ValidationError(std::to_string(d.count()), "durationSeconds",
                           "Member must have value less than or equal to 129600");
  }
  if (serial_number) OT_RETURN_IF_ERROR(ValidateSerial(*serial_number));
  if (token_code) OT_RETURN_IF_ERROR(ValidateCode(*token_code, "tokenCode"));
  const Status denied(Error::kAccessDenied, "User: " + caller.arn +
                                                " is not authorized to perform: "
                                                "sts:GetSessionToken");
  if (caller.account_id != options_.account_id) return denied;
  if (caller.type == auth::PrincipalType::kRoot) {
    d = std::min(d, std::chrono::seconds(3600));  // root sessions are capped at one hour
  } else if (caller.type != auth::PrincipalType::kIAMUser) {
    return denied;
  }

  std::lock_guard lock(mu_);
  const SysMillis now = env_.clock.Now();
  if (caller.type == auth::PrincipalType::kIAMUser) {
    auto u = users_.find(Lower(caller.user_name));
    if (u == users_.end() || u->second.user.id != caller.principal_id) return denied;
  }
  SessionRec s;
  s.principal = caller;
  s.principal.temporary = true;
  s.principal.mfa_authenticated = false;
  s.principal.mfa_auth_time.reset();
  if (serial_number || token_code) {
    if (!serial_number || !token_code) return MfaFailed();
    auto it = mfa_.find(std::string(*serial_number));
    if (it == mfa_.end() || !it->second.device.user_arn ||
        *it->second.device.user_arn != caller.arn) {
      return MfaFailed();
    }
    std::optional<int64_t> step = AcceptCode(it->second, *token_code);
    if (!step) return MfaFailed();
    MfaRec updated = it->second;
    updated.last_step = *step;
    OT_RETURN_IF_ERROR(SaveMfa(updated));
    it->second = std::move(updated);
    s.principal.mfa_authenticated = true;
    s.principal.mfa_auth_time = now;
  }

  // Housekeeping: expired sessions go from memory, the database and the credential store.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.creds.expiration <= now && DeleteDoc(DocKind::kSession, it->first).ok()) {
      credentials_.Remove(it->first);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }

  do {
    s.creds.access_key_id = "ASIA" + RandomChars(env_.random, kKeyIdAlphabet, 16);
  } while (sessions_.contains(s.creds.access_key_id) || keys_.contains(s.creds.access_key_id));
  s.creds.secret_access_key = RandomChars(env_.random, kSecretAlphabet, 40);
  std::string token_bytes(120, '\0');
  env_.random.Fill(
      std::span<uint8_t>(reinterpret_cast<uint8_t*>(token_bytes.data()), token_bytes.size()));
  s.creds.session_token = Base64Encode(token_bytes);
  s.creds.expiration = now + std::chrono::duration_cast<std::chrono::milliseconds>(d);
  s.principal.access_key_id = s.creds.access_key_id;
  OT_RETURN_IF_ERROR(SaveSession(s));
  PutSessionCredential(s);
  SessionCredentials out = s.creds;
  sessions_.emplace(s.creds.access_key_id, std::move(s));
  return out;
}

}  // namespace ot::iam::internal
