#pragma once

// KMS over JSON 1.1, X-Amz-Target TrentService.<Op> (protocols.md §3; kms_keys.cc).

#include <string>
#include <string_view>

#include "api/handlers/operation.h"

namespace ot::api::handlers {

inline constexpr std::string_view kKmsTargetPrefix = "TrentService.";

// The ARN a KMS call is authorized on (iam.md §4.3): the key's (aliases resolved; Decrypt
// without KeyId: the key its blob names), "*" for CreateKey, ListKeys and ListAliases.
std::string KmsResource(const Services& services, const CallContext& ctx, std::string_view action,
                        JsonValue input);
// The record's requestParameters of a KMS call: the input without Plaintext and CiphertextBlob.
std::string KmsRecordParameters(JsonValue input);

Result<Outcome> KmsCreateKey(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsDescribeKey(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsListKeys(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsCreateAlias(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsDeleteAlias(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsListAliases(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsEnableKey(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsDisableKey(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsScheduleKeyDeletion(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsCancelKeyDeletion(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsEnableKeyRotation(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsDisableKeyRotation(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsGetKeyRotationStatus(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsEncrypt(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsDecrypt(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsGenerateDataKey(const Services&, const CallContext&, JsonValue input);
Result<Outcome> KmsGenerateDataKeyWithoutPlaintext(const Services&, const CallContext&,
                                                   JsonValue input);

}  // namespace ot::api::handlers
