#include "trail/signing_keys.h"

#include <cstdio>

#include "api/protocol/json_value.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "crypto/aead.h"
#include "crypto/rsa.h"

namespace ot::trail {
namespace {

constexpr std::string_view kKind = "signing-key";

int64_t Ms(SysMillis t) { return t.time_since_epoch().count(); }
SysMillis FromMs(int64_t ms) { return SysMillis(std::chrono::milliseconds(ms)); }

// Ids sort by region, then by start of validity.
std::string KeyId(std::string_view region, SysMillis from) {
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%016lld", static_cast<long long>(Ms(from)));
  return std::string(region) + "/" + digits;
}

std::string Aad(std::string_view fingerprint) { return "signing-key:" + std::string(fingerprint); }

}  // namespace

SigningKeys::SigningKeys(store::MetadataDb& db, Env& env, SigningKeyOptions options)
    : db_(db), env_(env), options_(std::move(options)) {}

Result<std::vector<SigningKeys::Stored>> SigningKeys::Load(std::string_view region) {
  OT_ASSIGN_OR_RETURN(auto docs, db_.ListDocuments(kKind));
  std::vector<Stored> out;
  for (auto& [id, json] : docs) {
    if (!region.empty() && id.compare(0, region.size() + 1, std::string(region) + "/") != 0) {
      continue;
    }
    OT_ASSIGN_OR_RETURN(auto parsed, api::JsonDocument::Parse(json));
    api::Members m(parsed->root(), "signing-key");
    Stored s;
    s.id = id;
    OT_ASSIGN_OR_RETURN(s.info.region, m.ReqString("region"));
    OT_ASSIGN_OR_RETURN(std::string pub, m.ReqString("publicKey"));
    OT_ASSIGN_OR_RETURN(s.info.fingerprint, m.ReqString("fingerprint"));
    OT_ASSIGN_OR_RETURN(auto from, m.OptInt("validFrom"));
    OT_ASSIGN_OR_RETURN(auto to, m.OptInt("validTo"));
    OT_ASSIGN_OR_RETURN(std::string sealed, m.ReqString("sealedPrivateKey"));
    auto der = Base64Decode(pub);
    auto raw = Base64Decode(sealed);
    if (!der || !raw || !from || !to) {
      return Status(Error::kCorruption, "signing key " + id + " is malformed");
    }
    s.info.der = std::move(*der);
    s.sealed = std::move(*raw);
    s.info.valid_from = FromMs(*from);
    s.info.valid_to = FromMs(*to);
    out.push_back(std::move(s));
  }
  return out;  // by id: by region, then valid_from
}

Status SigningKeys::Put(const Stored& s) {
  JsonWriter w;
  w.BeginObject();
  w.Key("region").String(s.info.region);
  w.Key("publicKey").String(Base64Encode(s.info.der));
  w.Key("fingerprint").String(s.info.fingerprint);
  w.Key("validFrom").Int(Ms(s.info.valid_from));
  w.Key("validTo").Int(Ms(s.info.valid_to));
  w.Key("sealedPrivateKey").String(Base64Encode(s.sealed));
  w.EndObject();
  return db_.PutDocument(kKind, s.id, w.str());
}

Result<SigningKeys::Stored> SigningKeys::Create(std::string_view region, SysMillis now) {
  OT_ASSIGN_OR_RETURN(crypto::RsaKeyPair pair, crypto::GenerateRsaKeyPair(2048));
  Stored s;
  s.info.region = std::string(region);
  s.info.der = std::move(pair.public_pkcs1_der);
  s.info.fingerprint = crypto::PublicKeyFingerprint(s.info.der);
  s.info.valid_from = now;
  s.info.valid_to = now + options_.rotation;
  s.id = KeyId(region, now);
  s.sealed = crypto::AeadSeal(options_.master_key, env_.random, pair.private_pkcs8_der,
                              Aad(s.info.fingerprint));
  OT_RETURN_IF_ERROR(Put(s));
  return s;
}

Result<SigningKey> SigningKeys::Active(std::string_view region, SysMillis now) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(std::vector<Stored> keys, Load(region));
  const Stored* chosen = nullptr;
  for (const Stored& s : keys) {
    if (s.info.valid_from <= now && now < s.info.valid_to) chosen = &s;  // the newest wins
  }
  Stored made;
  if (chosen == nullptr) {
    OT_ASSIGN_OR_RETURN(made, Create(region, now));
    chosen = &made;
  }
  OT_ASSIGN_OR_RETURN(std::string der, crypto::AeadOpen(options_.master_key, chosen->sealed,
                                                        Aad(chosen->info.fingerprint)));
  return SigningKey{std::move(der), chosen->info.fingerprint};
}

Result<PublicKeyInfo> SigningKeys::Rotate(std::string_view region, SysMillis now) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(std::vector<Stored> keys, Load(region));
  for (Stored& s : keys) {
    if (s.info.valid_from <= now && now < s.info.valid_to) {
      s.info.valid_to = now;
      OT_RETURN_IF_ERROR(Put(s));
    }
  }
  // A key made in the same millisecond as the one it replaces would take its id.
  SysMillis from = now;
  while (!keys.empty() && KeyId(region, from) <= keys.back().id)
    from += std::chrono::milliseconds(1);
  OT_ASSIGN_OR_RETURN(Stored made, Create(region, from));
  return made.info;
}

Result<std::vector<PublicKeyInfo>> SigningKeys::List(std::string_view region, SysMillis from,
                                                     SysMillis to) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(std::vector<Stored> keys, Load(region));
  std::vector<PublicKeyInfo> out;
  for (Stored& s : keys) {
    if (s.info.valid_from <= to && from <= s.info.valid_to) out.push_back(std::move(s.info));
  }
  return out;
}

Result<std::vector<std::string>> SigningKeys::Regions() {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(std::vector<Stored> keys, Load(""));
  std::vector<std::string> out;
  for (const Stored& s : keys) {
    if (out.empty() || out.back() != s.info.region) out.push_back(s.info.region);
  }
  return out;
}

}  // namespace ot::trail
