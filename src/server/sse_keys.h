#pragma once

#include <string>
#include <string_view>

#include "buckets/bucket_registry.h"
#include "kms/key_service.h"

namespace ot::server {

// SSE-KMS for the bucket registry: data keys from KMS keys (GenerateDataKey / Decrypt with the
// object's encryption context).
class KmsDataKeys final : public buckets::DataKeyProvider {
 public:
  explicit KmsDataKeys(kms::KeyService& kms) : kms_(kms) {}
  Result<buckets::WrappedDataKey> NewDataKey(
      std::string_view key_id, std::string_view region,
      const std::map<std::string, std::string>& context) override;
  Result<std::string> OpenDataKey(std::string_view key_arn, std::string_view wrapped,
                                  const std::map<std::string, std::string>& context) override;

 private:
  kms::KeyService& kms_;
};

// The key that wraps SSE-S3 data keys, derived from the master key (never stored).
std::string SseS3Key(std::string_view master_key);

// A trail's KmsKeyId as CloudTrail checks it (api.md §3): the key ARN it names in `region`, or
// KmsKeyNotFoundException / KmsKeyDisabledException.
Result<std::string> TrailKmsKeyArn(kms::KeyService& kms, std::string_view key_id,
                                   std::string_view region);

}  // namespace ot::server
