// Encryption at rest of local objects (SSE-KMS, SSE-S3) and the buckets' default encryption
// (PutBucketEncryption). Formats: docs/formats/buckets.md § Encryption at rest.

#include "api/protocol/json_value.h"
#include "buckets/bucket_registry.h"
#include "common/json_writer.h"
#include "crypto/aead.h"

namespace ot::buckets {
namespace {

constexpr std::string_view kEncryptionDir = "_encryption";

std::string ObjectAad(std::string_view bucket, std::string_view key) {
  return "s3-object:" + std::string(bucket) + "/" + std::string(key);
}

std::string SseS3Aad(std::string_view bucket, std::string_view key) {
  return "sse-s3:" + std::string(bucket) + "/" + std::string(key);
}

std::map<std::string, std::string> ContextOf(const PutObjectRequest& request) {
  if (!request.sse_context.empty()) return request.sse_context;
  return {{"aws:s3:arn",
           "arn:aws:s3:::" + std::string(request.bucket) + "/" + std::string(request.key)}};
}

}  // namespace

std::string BucketRegistry::EncryptionPath(std::string_view bucket) const {
  return options_.meta_dir + "/" + std::string(kEncryptionDir) + "/" + std::string(bucket) +
         ".json";
}

Result<BucketRegistry::Sealed> BucketRegistry::SealObject(const BucketInfo& bucket,
                                                          const PutObjectRequest& request,
                                                          std::string_view algorithm,
                                                          std::string_view kms_key_id) const {
  Sealed out;
  if (algorithm.empty()) return out;
  std::string data_key;
  if (algorithm == kSseKms) {
    if (options_.kms == nullptr) {
      return Status(Error::kKmsNotFound, "This server has no KMS keys for SSE-KMS.");
    }
    if (kms_key_id.empty()) {
      return Status(Error::kInvalidArgument,
                    "SSE-KMS needs a KMS key (x-amz-server-side-encryption-aws-kms-key-id).");
    }
    OT_ASSIGN_OR_RETURN(WrappedDataKey wrapped,
                        options_.kms->NewDataKey(kms_key_id, bucket.region, ContextOf(request)));
    data_key = std::move(wrapped.plaintext);
    out.wrapped_key = std::move(wrapped.wrapped);
    out.key_arn = std::move(wrapped.key_arn);
  } else if (algorithm == kSseS3) {
    if (options_.sse_s3_key.size() != crypto::kAeadKeyBytes) {
      return Status(Error::kInvalidArgument, "This server has no SSE-S3 key.");
    }
    data_key.resize(crypto::kAeadKeyBytes);
    env_.random.Fill(
        std::span<uint8_t>(reinterpret_cast<uint8_t*>(data_key.data()), data_key.size()));
    out.wrapped_key = crypto::AeadSeal(options_.sse_s3_key, env_.random, data_key,
                                       SseS3Aad(request.bucket, request.key));
  } else {
    return Status(Error::kInvalidArgument, "The encryption method specified is not supported");
  }
  out.algorithm = std::string(algorithm);
  out.bytes =
      crypto::AeadSeal(data_key, env_.random, request.body, ObjectAad(request.bucket, request.key));
  return out;
}

Result<std::string> BucketRegistry::OpenSealed(std::string_view bucket, std::string_view key,
                                               std::string_view algorithm, std::string_view key_arn,
                                               std::string_view wrapped_key,
                                               const std::map<std::string, std::string>& context,
                                               std::string_view bytes) const {
  OT_ASSIGN_OR_RETURN(std::string data_key,
                      OpenDataKey(bucket, key, algorithm, key_arn, wrapped_key, context));
  return crypto::AeadOpen(data_key, bytes, ObjectAad(bucket, key));
}

// Also used by lifecycle, which re-seals an archived object's packed bytes under its data key.
Result<std::string> BucketRegistry::OpenDataKey(
    std::string_view bucket, std::string_view key, std::string_view algorithm,
    std::string_view key_arn, std::string_view wrapped_key,
    const std::map<std::string, std::string>& context) const {
  if (algorithm == kSseKms) {
    if (options_.kms == nullptr) {
      return Status(Error::kKmsNotFound, "This server has no KMS keys for SSE-KMS.");
    }
    return options_.kms->OpenDataKey(key_arn, wrapped_key, context);
  }
  if (algorithm == kSseS3) {
    return crypto::AeadOpen(options_.sse_s3_key, wrapped_key, SseS3Aad(bucket, key));
  }
  return Status(Error::kCorruption, "unknown encryption " + std::string(algorithm) + " of " +
                                        std::string(bucket) + "/" + std::string(key));
}

Status BucketRegistry::PutEncryption(std::string_view bucket, const BucketEncryption& encryption) {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  JsonWriter w;
  w.BeginObject();
  w.Key("SSEAlgorithm").String(encryption.algorithm);
  if (!encryption.kms_key_id.empty()) w.Key("KMSMasterKeyID").String(encryption.kms_key_id);
  w.Key("BucketKeyEnabled").Bool(encryption.bucket_key_enabled);
  w.EndObject();
  OT_RETURN_IF_ERROR(env_.fs.CreateDirs(options_.meta_dir + "/" + std::string(kEncryptionDir)));
  return env_.fs.WriteFileAtomic(EncryptionPath(bucket), w.str());
}

Result<std::optional<BucketEncryption>> BucketRegistry::GetEncryption(
    std::string_view bucket) const {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  std::string path = EncryptionPath(bucket);
  if (!env_.fs.Exists(path)) return std::optional<BucketEncryption>();
  OT_ASSIGN_OR_RETURN(std::string text, env_.fs.ReadFile(path));
  OT_ASSIGN_OR_RETURN(auto doc, api::JsonDocument::Parse(text));
  api::Members m(doc->root(), "encryption");
  BucketEncryption out;
  OT_ASSIGN_OR_RETURN(out.algorithm, m.ReqString("SSEAlgorithm"));
  OT_ASSIGN_OR_RETURN(auto key, m.OptString("KMSMasterKeyID"));
  out.kms_key_id = key.value_or("");
  OT_ASSIGN_OR_RETURN(auto bucket_key, m.OptBool("BucketKeyEnabled"));
  out.bucket_key_enabled = bucket_key.value_or(false);
  return std::optional<BucketEncryption>(std::move(out));
}

Status BucketRegistry::DeleteEncryption(std::string_view bucket) {
  OT_RETURN_IF_ERROR(LocalBucket(bucket).status());
  return env_.fs.Remove(EncryptionPath(bucket));
}

}  // namespace ot::buckets
