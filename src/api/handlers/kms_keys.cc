// KMS over JSON 1.1 (X-Amz-Target TrentService.<Op>, protocols.md §3): keys, aliases, state,
// rotation, and Encrypt/Decrypt/GenerateDataKey[WithoutPlaintext].

#include "api/handlers/kms_operations.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "kms/key_service.h"

namespace ot::api::handlers {
namespace {

Result<kms::KeyService*> Kms(const Services& services) {
  if (services.kms == nullptr) return Status(Error::kInternal, "no KMS key service");
  return services.kms;
}

Status Missing(std::string_view member) {
  return Status(Error::kValidation, "1 validation error detected: Value null at '" +
                                        std::string(member) +
                                        "' failed to satisfy constraint: Member must not be null");
}

Status Invalid(std::string_view value, std::string_view member, std::string_view constraint) {
  return Status(Error::kValidation,
                "1 validation error detected: Value '" + std::string(value) + "' at '" +
                    std::string(member) +
                    "' failed to satisfy constraint: " + std::string(constraint));
}

// The KeyId member (required), 1–2048 characters.
Result<std::string> KeyIdMember(const Members& in, std::string_view name = "KeyId") {
  OT_ASSIGN_OR_RETURN(auto id, in.OptString(name));
  std::string lower(name);
  lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
  if (!id) return Missing(lower);
  if (id->empty() || id->size() > 2048) {
    return Invalid(*id, lower,
                   "Member must have length less than or equal to 2048 and greater than or equal "
                   "to 1");
  }
  return std::move(*id);
}

Result<std::string> BlobMember(const Members& in, std::string_view name, bool required) {
  OT_ASSIGN_OR_RETURN(auto text, in.OptString(name));
  std::string lower(name);
  lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
  if (!text) {
    if (required) return Missing(lower);
    return std::string();
  }
  auto raw = Base64Decode(*text);
  if (!raw) {
    return Status(Error::kSerialization,
                  "Value of '" + std::string(name) + "' is not valid base64-encoded data.");
  }
  return std::move(*raw);
}

Result<kms::EncryptionContext> ContextMember(JsonValue input) {
  kms::EncryptionContext out;
  std::optional<JsonValue> v = input.Get("EncryptionContext");
  if (!v || v->is_null()) return out;
  if (!v->is_object()) {
    return Status(Error::kSerialization, "EncryptionContext must be a map of strings.");
  }
  for (const auto& [k, val] : v->Members()) {
    if (!val.is_string()) {
      return Status(Error::kSerialization, "EncryptionContext values must be strings.");
    }
    out.emplace(std::string(k), std::string(val.AsString()));
  }
  return out;
}

// EncryptionAlgorithm: only SYMMETRIC_DEFAULT suits our symmetric keys.
Status CheckAlgorithm(const Members& in, std::string_view key_arn_or_ref) {
  OT_ASSIGN_OR_RETURN(auto alg, in.OptString("EncryptionAlgorithm"));
  if (!alg || *alg == "SYMMETRIC_DEFAULT") return Status::Ok();
  if (*alg == "RSAES_OAEP_SHA_1" || *alg == "RSAES_OAEP_SHA_256" || *alg == "SM2PKE") {
    return Status(Error::kKmsInvalidKeyUsage,
                  "The encryption algorithm " + *alg + " is not supported by " +
                      std::string(key_arn_or_ref) + ", a SYMMETRIC_DEFAULT key.");
  }
  return Invalid(*alg, "encryptionAlgorithm",
                 "Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, "
                 "RSAES_OAEP_SHA_256, SM2PKE]");
}

void WriteKeyMetadata(JsonWriter& w, const kms::KeyMetadata& k, std::string_view account) {
  w.BeginObject();
  w.Key("AWSAccountId").String(account);
  w.Key("KeyId").String(k.key_id);
  w.Key("Arn").String(k.arn);
  w.Key("CreationDate").Raw(FormatEpochSeconds(k.creation_date));
  w.Key("Enabled").Bool(k.state == kms::KeyState::kEnabled);
  w.Key("Description").String(k.description);
  w.Key("KeyUsage").String("ENCRYPT_DECRYPT");
  w.Key("KeyState").String(kms::KeyStateName(k.state));
  if (k.deletion_date) {
    w.Key("DeletionDate").Raw(FormatEpochSeconds(*k.deletion_date));
    w.Key("PendingDeletionWindowInDays").Int(k.pending_window_days);
  }
  w.Key("Origin").String("AWS_KMS");
  w.Key("KeyManager").String("CUSTOMER");
  w.Key("CustomerMasterKeySpec").String("SYMMETRIC_DEFAULT");
  w.Key("KeySpec").String("SYMMETRIC_DEFAULT");
  w.Key("EncryptionAlgorithms").BeginArray().String("SYMMETRIC_DEFAULT").EndArray();
  w.Key("MultiRegion").Bool(false);
  w.EndObject();
}

std::vector<events::Resource> KeyResources(const Services& services, std::string_view arn) {
  events::Resource r;
  r.arn = std::string(arn);
  r.account_id = services.account_id;
  r.type = "AWS::KMS::Key";
  r.has_arn = r.has_account_id = r.has_type = true;
  return {r};
}

Outcome Done(const Services& services, std::string_view arn, std::string body = {}) {
  Outcome out;
  out.body = std::move(body);
  if (!arn.empty()) out.resources = KeyResources(services, arn);
  return out;
}

// For records: the response as CloudTrail writes it (first letters lowered).
std::string Lowered(const std::string& body) {
  auto doc = JsonDocument::Parse(body);
  return doc.ok() ? LowerCamelJson((*doc)->root()) : std::string();
}

// Limit (1–1000, default 100) and Marker of the List operations; the marker is the last item
// of the previous page.
Result<std::pair<size_t, std::string>> Paging(const Members& in) {
  OT_ASSIGN_OR_RETURN(auto limit, in.OptInt("Limit"));
  if (limit && (*limit < 1 || *limit > 1000)) {
    return Invalid(std::to_string(*limit), "limit",
                   "Member must have value less than or equal to 1000 and greater than or equal "
                   "to 1");
  }
  OT_ASSIGN_OR_RETURN(auto marker, in.OptString("Marker"));
  std::string after;
  if (marker) {
    auto raw = Base64Decode(*marker);
    if (!raw || !raw->starts_with("m1:")) {
      return Status(Error::kKmsInvalidMarker, "The marker '" + *marker + "' is not valid.");
    }
    after = raw->substr(3);
  }
  return std::pair<size_t, std::string>(static_cast<size_t>(limit.value_or(100)), after);
}

std::string MarkerFor(std::string_view last) { return Base64Encode("m1:" + std::string(last)); }

}  // namespace

std::string KmsResource(const Services& services, const CallContext& ctx, std::string_view action,
                        JsonValue input) {
  if (services.kms == nullptr || !input.is_object()) return "*";
  auto member = [&](std::string_view name) {
    std::optional<JsonValue> v = input.Get(name);
    return v && v->is_string() ? std::string(v->AsString()) : std::string();
  };
  const std::string& region = ctx.caller.region;
  if (action == "kms:CreateKey" || action == "kms:ListKeys" || action == "kms:ListAliases") {
    return "*";
  }
  if (action == "kms:CreateAlias") {
    std::string target = member("TargetKeyId");
    return target.empty() ? "*" : services.kms->ResourceArn(region, target);
  }
  if (action == "kms:DeleteAlias") {
    std::string alias = member("AliasName");
    return alias.empty() ? "*" : services.kms->ResourceArn(region, alias);
  }
  std::string key = member("KeyId");
  if (key.empty() && action == "kms:Decrypt") {
    // The blob names its key: bytes 1–36 (docs/formats/kms.md).
    auto blob = Base64Decode(member("CiphertextBlob"));
    if (blob && blob->size() > 37) key = blob->substr(1, 36);
  }
  return key.empty() ? "*" : services.kms->ResourceArn(region, key);
}

std::string KmsRecordParameters(JsonValue input) {
  // Never the plaintext or the ciphertext (CloudTrail records neither).
  JsonWriter w;
  w.BeginObject();
  for (const auto& [name, value] : input.Members()) {
    if (name == "Plaintext" || name == "CiphertextBlob") continue;
    std::string lower(name);
    if (!lower.empty()) {
      lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
    }
    // The encryption context's keys are the caller's own: kept as they are.
    w.Key(lower).Raw(name == "EncryptionContext" ? value.Minified() : LowerCamelJson(value));
  }
  w.EndObject();
  return w.str() == "{}" ? std::string() : w.Take();
}

Result<Outcome> KmsCreateKey(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto description, in.OptString("Description"));
  OT_ASSIGN_OR_RETURN(auto usage, in.OptString("KeyUsage"));
  OT_ASSIGN_OR_RETURN(auto spec, in.OptString("KeySpec"));
  OT_ASSIGN_OR_RETURN(auto cmk_spec, in.OptString("CustomerMasterKeySpec"));
  OT_ASSIGN_OR_RETURN(auto origin, in.OptString("Origin"));
  OT_ASSIGN_OR_RETURN(auto multi, in.OptBool("MultiRegion"));
  OT_ASSIGN_OR_RETURN(auto policy, in.OptString("Policy"));
  if (usage && *usage != "ENCRYPT_DECRYPT") {
    return Status(Error::kKmsUnsupportedOperation,
                  "KeyUsage " + *usage + " is not supported by this server; only ENCRYPT_DECRYPT.");
  }
  for (const auto& s : {spec, cmk_spec}) {
    if (s && *s != "SYMMETRIC_DEFAULT") {
      return Status(Error::kKmsUnsupportedOperation,
                    "KeySpec " + *s + " is not supported by this server; only SYMMETRIC_DEFAULT.");
    }
  }
  if (origin && *origin != "AWS_KMS") {
    return Status(Error::kKmsUnsupportedOperation,
                  "Origin " + *origin + " is not supported by this server; only AWS_KMS.");
  }
  if (multi.value_or(false)) {
    return Status(Error::kKmsUnsupportedOperation,
                  "Multi-Region keys are not supported by this server.");
  }
  if (policy) {
    // Key policies are not evaluated here (IAM policies decide); refuse rather than ignore one.
    return Status(Error::kKmsUnsupportedOperation,
                  "Key policies are not supported by this server; authorize kms: actions with IAM "
                  "policies instead.");
  }
  OT_ASSIGN_OR_RETURN(kms::KeyMetadata key,
                      kms->CreateKey(ctx.caller.region, description.value_or("")));
  Outcome out = Done(services, key.arn);
  JsonWriter w(&out.body);
  w.BeginObject().Key("KeyMetadata");
  WriteKeyMetadata(w, key, services.account_id);
  w.EndObject();
  out.response_elements = Lowered(out.body);
  return out;
}

Result<Outcome> KmsDescribeKey(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_ASSIGN_OR_RETURN(kms::KeyMetadata key, kms->Describe(ctx.caller.region, id));
  Outcome out = Done(services, key.arn);
  JsonWriter w(&out.body);
  w.BeginObject().Key("KeyMetadata");
  WriteKeyMetadata(w, key, services.account_id);
  w.EndObject();
  return out;
}

Result<Outcome> KmsListKeys(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto paging, Paging(in));
  std::vector<kms::KeyMetadata> keys = kms->ListKeys(ctx.caller.region);
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("Keys").BeginArray();
  size_t n = 0;
  std::string last;
  bool truncated = false;
  for (const kms::KeyMetadata& k : keys) {
    if (!paging.second.empty() && k.key_id <= paging.second) continue;
    if (n == paging.first) {
      truncated = true;
      break;
    }
    w.BeginObject().Key("KeyId").String(k.key_id).Key("KeyArn").String(k.arn).EndObject();
    last = k.key_id;
    ++n;
  }
  w.EndArray();
  if (truncated) w.Key("NextMarker").String(MarkerFor(last));
  w.Key("Truncated").Bool(truncated);
  w.EndObject();
  return out;
}

Result<Outcome> KmsCreateAlias(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto alias, in.OptString("AliasName"));
  if (!alias) return Missing("aliasName");
  OT_ASSIGN_OR_RETURN(std::string target, KeyIdMember(in, "TargetKeyId"));
  OT_RETURN_IF_ERROR(kms->CreateAlias(ctx.caller.region, *alias, target));
  return Done(services, kms->ResourceArn(ctx.caller.region, target));
}

Result<Outcome> KmsDeleteAlias(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto alias, in.OptString("AliasName"));
  if (!alias) return Missing("aliasName");
  std::string arn = kms->ResourceArn(ctx.caller.region, *alias);
  OT_RETURN_IF_ERROR(kms->DeleteAlias(ctx.caller.region, *alias));
  return Done(services, arn);
}

Result<Outcome> KmsListAliases(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto paging, Paging(in));
  OT_ASSIGN_OR_RETURN(auto key, in.OptString("KeyId"));
  OT_ASSIGN_OR_RETURN(auto aliases, kms->ListAliases(ctx.caller.region, key.value_or("")));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("Aliases").BeginArray();
  size_t n = 0;
  std::string last;
  bool truncated = false;
  for (const kms::AliasInfo& a : aliases) {
    if (!paging.second.empty() && a.name <= paging.second) continue;
    if (n == paging.first) {
      truncated = true;
      break;
    }
    w.BeginObject();
    w.Key("AliasName").String(a.name);
    w.Key("AliasArn").String(a.arn);
    w.Key("TargetKeyId").String(a.target_key_id);
    w.Key("CreationDate").Raw(FormatEpochSeconds(a.creation_date));
    w.Key("LastUpdatedDate").Raw(FormatEpochSeconds(a.last_updated));
    w.EndObject();
    last = a.name;
    ++n;
  }
  w.EndArray();
  if (truncated) w.Key("NextMarker").String(MarkerFor(last));
  w.Key("Truncated").Bool(truncated);
  w.EndObject();
  return out;
}

Result<Outcome> KmsEnableKey(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_RETURN_IF_ERROR(kms->EnableKey(ctx.caller.region, id));
  return Done(services, kms->ResourceArn(ctx.caller.region, id));
}

Result<Outcome> KmsDisableKey(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_RETURN_IF_ERROR(kms->DisableKey(ctx.caller.region, id));
  return Done(services, kms->ResourceArn(ctx.caller.region, id));
}

Result<Outcome> KmsScheduleKeyDeletion(const Services& services, const CallContext& ctx,
                                       JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_ASSIGN_OR_RETURN(auto days, in.OptInt("PendingWindowInDays"));
  OT_ASSIGN_OR_RETURN(
      kms::KeyMetadata key,
      kms->ScheduleKeyDeletion(ctx.caller.region, id, static_cast<int>(days.value_or(30))));
  Outcome out = Done(services, key.arn);
  JsonWriter w(&out.body);
  w.BeginObject();
  w.Key("KeyId").String(key.arn);
  w.Key("DeletionDate").Raw(FormatEpochSeconds(*key.deletion_date));
  w.Key("KeyState").String(kms::KeyStateName(key.state));
  w.Key("PendingWindowInDays").Int(key.pending_window_days);
  w.EndObject();
  out.response_elements = Lowered(out.body);
  return out;
}

Result<Outcome> KmsCancelKeyDeletion(const Services& services, const CallContext& ctx,
                                     JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_ASSIGN_OR_RETURN(kms::KeyMetadata key, kms->CancelKeyDeletion(ctx.caller.region, id));
  Outcome out = Done(services, key.arn);
  JsonWriter w(&out.body);
  w.BeginObject().Key("KeyId").String(key.arn).EndObject();
  out.response_elements = Lowered(out.body);
  return out;
}

Result<Outcome> KmsEnableKeyRotation(const Services& services, const CallContext& ctx,
                                     JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_ASSIGN_OR_RETURN(auto period, in.OptInt("RotationPeriodInDays"));
  OT_RETURN_IF_ERROR(
      kms->EnableKeyRotation(ctx.caller.region, id, static_cast<int>(period.value_or(365))));
  return Done(services, kms->ResourceArn(ctx.caller.region, id));
}

Result<Outcome> KmsDisableKeyRotation(const Services& services, const CallContext& ctx,
                                      JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_RETURN_IF_ERROR(kms->DisableKeyRotation(ctx.caller.region, id));
  return Done(services, kms->ResourceArn(ctx.caller.region, id));
}

Result<Outcome> KmsGetKeyRotationStatus(const Services& services, const CallContext& ctx,
                                        JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_ASSIGN_OR_RETURN(kms::KeyMetadata key,
                      kms->Describe(ctx.caller.region, id, kms::KeyRef::kKeyOnly));
  Outcome out = Done(services, key.arn);
  JsonWriter w(&out.body);
  w.BeginObject();
  w.Key("KeyRotationEnabled").Bool(key.rotation_enabled);
  w.Key("KeyId").String(key.arn);
  if (key.rotation_enabled) {
    w.Key("RotationPeriodInDays").Int(key.rotation_period_days);
    if (key.next_rotation) w.Key("NextRotationDate").Raw(FormatEpochSeconds(*key.next_rotation));
  }
  w.EndObject();
  return out;
}

Result<Outcome> KmsEncrypt(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_ASSIGN_OR_RETURN(std::string plaintext, BlobMember(in, "Plaintext", true));
  OT_ASSIGN_OR_RETURN(kms::EncryptionContext context, ContextMember(input));
  OT_RETURN_IF_ERROR(CheckAlgorithm(in, id));
  OT_ASSIGN_OR_RETURN(kms::Ciphertext c, kms->Encrypt(ctx.caller.region, id, plaintext, context));
  Outcome out = Done(services, c.key_arn);
  JsonWriter w(&out.body);
  w.BeginObject();
  w.Key("CiphertextBlob").String(Base64Encode(c.blob));
  w.Key("KeyId").String(c.key_arn);
  w.Key("EncryptionAlgorithm").String("SYMMETRIC_DEFAULT");
  w.EndObject();
  return out;  // responseElements stay null, as CloudTrail records Encrypt
}

Result<Outcome> KmsDecrypt(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string blob, BlobMember(in, "CiphertextBlob", true));
  OT_ASSIGN_OR_RETURN(auto key_id, in.OptString("KeyId"));
  OT_ASSIGN_OR_RETURN(kms::EncryptionContext context, ContextMember(input));
  OT_RETURN_IF_ERROR(CheckAlgorithm(in, key_id.value_or("the key")));
  OT_ASSIGN_OR_RETURN(kms::Plaintext p,
                      kms->Decrypt(ctx.caller.region, blob, context, key_id.value_or("")));
  Outcome out = Done(services, p.key_arn);
  JsonWriter w(&out.body);
  w.BeginObject();
  w.Key("KeyId").String(p.key_arn);
  w.Key("Plaintext").String(Base64Encode(p.bytes));
  w.Key("EncryptionAlgorithm").String("SYMMETRIC_DEFAULT");
  w.EndObject();
  return out;
}

namespace {

Result<Outcome> DataKey(const Services& services, const CallContext& ctx, JsonValue input,
                        bool with_plaintext) {
  OT_ASSIGN_OR_RETURN(kms::KeyService * kms, Kms(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string id, KeyIdMember(in));
  OT_ASSIGN_OR_RETURN(auto spec, in.OptString("KeySpec"));
  OT_ASSIGN_OR_RETURN(auto bytes, in.OptInt("NumberOfBytes"));
  OT_ASSIGN_OR_RETURN(kms::EncryptionContext context, ContextMember(input));
  if (spec.has_value() == bytes.has_value()) {
    return Status(Error::kValidation,
                  "Please specify either number of bytes or key spec (exactly one of "
                  "NumberOfBytes and KeySpec).");
  }
  size_t n = 0;
  if (spec) {
    if (*spec == "AES_256") {
      n = 32;
    } else if (*spec == "AES_128") {
      n = 16;
    } else {
      return Invalid(*spec, "keySpec", "Member must satisfy enum value set: [AES_256, AES_128]");
    }
  } else {
    if (*bytes < 1 || *bytes > 1024) {
      return Invalid(std::to_string(*bytes), "numberOfBytes",
                     "Member must have value less than or equal to 1024 and greater than or "
                     "equal to 1");
    }
    n = static_cast<size_t>(*bytes);
  }
  OT_ASSIGN_OR_RETURN(kms::DataKey dk,
                      kms->GenerateDataKey(ctx.caller.region, id, n, context, with_plaintext));
  Outcome out = Done(services, dk.key_arn);
  JsonWriter w(&out.body);
  w.BeginObject();
  w.Key("CiphertextBlob").String(Base64Encode(dk.blob));
  if (with_plaintext) w.Key("Plaintext").String(Base64Encode(dk.plaintext));
  w.Key("KeyId").String(dk.key_arn);
  w.EndObject();
  return out;
}

}  // namespace

Result<Outcome> KmsGenerateDataKey(const Services& services, const CallContext& ctx,
                                   JsonValue input) {
  return DataKey(services, ctx, input, true);
}

Result<Outcome> KmsGenerateDataKeyWithoutPlaintext(const Services& services, const CallContext& ctx,
                                                   JsonValue input) {
  return DataKey(services, ctx, input, false);
}

}  // namespace ot::api::handlers
