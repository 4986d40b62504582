#include "server/sse_keys.h"

#include "crypto/hash.h"

namespace ot::server {

Result<buckets::WrappedDataKey> KmsDataKeys::NewDataKey(
    std::string_view key_id, std::string_view region,
    const std::map<std::string, std::string>& context) {
  auto made = kms_.GenerateDataKey(region, key_id, 32, context);
  if (!made.ok()) {
    // "KMS.DisabledException: …": delivery reports the part before ':' as LatestDeliveryError.
    const Status& s = made.status();
    return Status(s.code(), std::string(ErrorQueryCode(s.code())) + ": " + s.message());
  }
  kms::DataKey key = std::move(*made);
  return buckets::WrappedDataKey{std::move(key.plaintext), std::move(key.blob),
                                 std::move(key.key_arn)};
}

Result<std::string> KmsDataKeys::OpenDataKey(std::string_view key_arn, std::string_view wrapped,
                                             const std::map<std::string, std::string>& context) {
  // arn:aws:kms:<region>:<account>:key/<id>: the blob is opened in its key's region.
  std::string_view rest = key_arn;
  for (int i = 0; i < 3 && !rest.empty(); ++i) {
    size_t colon = rest.find(':');
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  }
  std::string_view region = rest.substr(0, rest.find(':'));
  OT_ASSIGN_OR_RETURN(kms::Plaintext plain, kms_.Decrypt(region, wrapped, context, key_arn));
  return std::move(plain.bytes);
}

std::string SseS3Key(std::string_view master_key) {
  return crypto::HmacSha256(master_key, "opentrail sse-s3 data-key wrapping key v1");
}

Result<std::string> TrailKmsKeyArn(kms::KeyService& kms, std::string_view key_id,
                                   std::string_view region) {
  auto key = kms.Describe(region, key_id);
  if (!key.ok()) {
    if (key.status().code() == Error::kKmsNotFound ||
        key.status().code() == Error::kKmsInvalidArn) {
      return Status(Error::kKmsKeyNotFound, "KMS key " + std::string(key_id) +
                                                " does not exist in region " + std::string(region) +
                                                ".");
    }
    return key.status();
  }
  switch (key->state) {
    case kms::KeyState::kEnabled:
      return key->arn;
    case kms::KeyState::kDisabled:
      return Status(Error::kKmsKeyDisabled, "KMS key " + key->arn + " is disabled.");
    case kms::KeyState::kPendingDeletion:
      return Status(Error::kKmsKeyDisabled, "KMS key " + key->arn + " is pending deletion.");
  }
  return key->arn;
}

}  // namespace ot::server
