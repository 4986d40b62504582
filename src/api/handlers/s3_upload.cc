// What arrives in an S3 request body (protocols.md §5.4): payload modes, aws-chunked decoding,
// checksums in headers and trailers; and client PutObject, which a bucket policy must allow.
#include <charconv>

#include "api/handlers/s3_operations.h"
#include "auth/aws_chunked.h"
#include "buckets/bucket_registry.h"
#include "common/encoding.h"
#include "crypto/checksum.h"
#include "crypto/hash.h"
#include "kms/key_service.h"

namespace ot::api::handlers {
namespace {

constexpr std::string_view kChecksumPrefix = "x-amz-checksum-";
constexpr size_t kMaxUserMetadataBytes = 2048;  // S3: names and values of x-amz-meta-* together

Status InvalidRequest(std::string message) {
  return Status(Error::kValidation, std::move(message));
}

Status UnsupportedAlgorithm() {
  return InvalidRequest(
      "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
      "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Comma-separated tokens, trimmed, empty ones dropped.
std::vector<std::string_view> Tokens(std::string_view list) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = std::min(list.find(',', start), list.size());
    std::string_view t = Trim(list.substr(start, comma - start));
    if (!t.empty()) out.push_back(t);
    start = comma + 1;
  }
  return out;
}

// x-amz-checksum-<alg> headers that are not checksums of the body.
bool IsChecksumControlHeader(std::string_view lower_name) {
  return lower_name == "x-amz-checksum-mode" || lower_name == "x-amz-checksum-type" ||
         lower_name == "x-amz-checksum-algorithm";
}

size_t DigestBytes(crypto::ChecksumAlgorithm a) {
  switch (a) {
    case crypto::ChecksumAlgorithm::kCrc32:
    case crypto::ChecksumAlgorithm::kCrc32c:
      return 4;
    case crypto::ChecksumAlgorithm::kCrc64Nvme:
      return 8;
    case crypto::ChecksumAlgorithm::kSha1:
      return 20;
    case crypto::ChecksumAlgorithm::kSha256:
      return 32;
    case crypto::ChecksumAlgorithm::kMd5:
      return 16;
  }
  return 0;
}

// Checks one flexible checksum (header or trailer `name`: value) against the decoded body.
Status VerifyChecksum(std::string_view lower_name, std::string_view value, std::string_view body,
                      std::map<std::string, std::string>* verified) {
  auto algorithm = crypto::ChecksumFromHeaderSuffix(lower_name.substr(kChecksumPrefix.size()));
  if (!algorithm) return UnsupportedAlgorithm();
  auto raw = Base64Decode(value);
  if (!raw || raw->size() != DigestBytes(*algorithm)) {
    return InvalidRequest("Value for " + std::string(lower_name) + " header is invalid.");
  }
  std::string alg = Lower(crypto::ChecksumName(*algorithm));
  if (!verified->empty() && !(verified->size() == 1 && verified->contains("md5"))) {
    return InvalidRequest(
        "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  }
  if (crypto::ChecksumBase64(*algorithm, body) != value) {
    return Status(Error::kBadDigest, "The " + std::string(crypto::ChecksumName(*algorithm)) +
                                         " you specified did not match the calculated checksum.");
  }
  verified->emplace(std::move(alg), std::string(value));
  return Status::Ok();
}

// Decodes an aws-chunked body in place of the raw one; checks the decoded length and that the
// trailer carries what X-Amz-Trailer announced.
Status DecodeStreaming(const auth::Caller& caller, S3Request* request, std::string* storage,
                       std::vector<std::pair<std::string, std::string>>* trailers) {
  std::string_view mode = caller.content_sha256;
  auth::AwsChunkedOptions options;
  options.trailer = mode.ends_with("-TRAILER");
  if (mode.starts_with("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"))
    options.signing = &caller.chunk_signing;
  std::string_view declared_length = request->Header("x-amz-decoded-content-length");
  if (declared_length.empty()) {
    return Status(Error::kValidation,
                  "Missing required header for this request: x-amz-decoded-content-length");
  }
  uint64_t length = 0;
  auto [end, ec] = std::from_chars(declared_length.data(),
                                   declared_length.data() + declared_length.size(), length);
  if (ec != std::errc() || end != declared_length.data() + declared_length.size()) {
    return Status(Error::kInvalidArgument,
                  "x-amz-decoded-content-length must be a number of bytes, not '" +
                      ToValidUtf8(declared_length.substr(0, 32)) + "'.");
  }
  OT_ASSIGN_OR_RETURN(auth::AwsChunkedBody decoded, auth::DecodeAwsChunked(request->body, options));
  if (decoded.data.size() != length) {
    return Status(Error::kIncompleteBody,
                  "You did not provide the number of bytes specified by the "
                  "X-Amz-Decoded-Content-Length HTTP header (" +
                      std::to_string(length) + " declared, " + std::to_string(decoded.data.size()) +
                      " received).");
  }
  std::vector<std::string> announced;
  for (std::string_view t : Tokens(request->Header("x-amz-trailer"))) announced.push_back(Lower(t));
  for (const auto& [name, value] : decoded.trailers) {
    if (std::find(announced.begin(), announced.end(), name) == announced.end()) {
      return InvalidRequest("The trailer " + ToValidUtf8(name) +
                            " was not announced in the x-amz-trailer header.");
    }
  }
  for (const std::string& name : announced) {
    bool sent = std::any_of(decoded.trailers.begin(), decoded.trailers.end(),
                            [&](const auto& t) { return t.first == name; });
    if (!sent) {
      return InvalidRequest("x-amz-trailer announced " + ToValidUtf8(name) +
                            ", but the request body has no such trailer.");
    }
  }
  *storage = std::move(decoded.data);
  request->body = *storage;
  *trailers = std::move(decoded.trailers);
  return Status::Ok();
}

}  // namespace

Status PrepareS3Body(const auth::Caller& caller, S3Request* request, std::string* storage) {
  // Content-Encoding: the aws-chunked token describes the transfer, the rest the object
  // ("gzip,aws-chunked" from botocore over HTTPS is stored as "gzip").
  std::string encoding;
  for (std::string_view t : Tokens(request->Header("Content-Encoding"))) {
    if (Lower(t) == "aws-chunked") continue;
    if (!encoding.empty()) encoding += ",";
    encoding += t;
  }
  request->content_encoding = std::move(encoding);

  std::vector<std::pair<std::string, std::string>> trailers;
  if (std::string_view(caller.content_sha256).starts_with("STREAMING-")) {
    OT_RETURN_IF_ERROR(DecodeStreaming(caller, request, storage, &trailers));
  }

  std::map<std::string, std::string> verified;
  std::string_view md5 = request->Header("Content-MD5");
  if (!md5.empty()) {
    auto raw = Base64Decode(Trim(md5));
    if (!raw || raw->size() != 16) {
      return Status(Error::kInvalidDigest, "The Content-MD5 you specified was invalid.");
    }
    crypto::Md5Hasher h;
    h.Update(request->body);
    if (h.Finish() != *raw) {
      return Status(Error::kBadDigest,
                    "The Content-MD5 you specified did not match what we received.");
    }
    verified.emplace("md5", std::string(Trim(md5)));
  }
  for (const auto& [name, value] : request->headers) {
    std::string lower = Lower(name);
    if (!lower.starts_with(kChecksumPrefix) || IsChecksumControlHeader(lower)) continue;
    OT_RETURN_IF_ERROR(VerifyChecksum(lower, Trim(value), request->body, &verified));
  }
  for (const auto& [name, value] : trailers) {
    if (!name.starts_with(kChecksumPrefix) || IsChecksumControlHeader(name)) {
      return InvalidRequest("The trailer " + ToValidUtf8(name) + " is not a checksum.");
    }
    OT_RETURN_IF_ERROR(VerifyChecksum(name, value, request->body, &verified));
  }
  std::string_view sdk = request->Header("x-amz-sdk-checksum-algorithm");
  if (!sdk.empty()) {
    auto algorithm = crypto::ChecksumFromName(Trim(sdk));
    if (!algorithm) return UnsupportedAlgorithm();
    if (!verified.contains(Lower(crypto::ChecksumName(*algorithm)))) {
      return InvalidRequest(
          "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or "
          "x-amz-trailer headers were found.");
    }
  }
  request->checksums = std::move(verified);
  return Status::Ok();
}

Status RequireChecksum(const S3Request& request) {
  if (!request.checksums.empty() || !request.Header("Content-MD5").empty()) return Status::Ok();
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    if (lower.starts_with(kChecksumPrefix) && !IsChecksumControlHeader(lower)) return Status::Ok();
  }
  return InvalidRequest("Missing required header for this request: Content-MD5");
}

Result<S3Outcome> PutObject(const Services& services, const CallContext& ctx,
                            const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::BucketInfo info, services.buckets->Get(request.bucket));
  if (info.remote) {
    return Status(Error::kS3NotImplemented,
                  "The bucket '" + info.name +
                      "' is a remote bucket; upload to it through its own S3 service.");
  }
  if (Trim(request.Header("If-None-Match")) == "*" &&
      services.buckets->HeadObject(request.bucket, request.key).ok()) {
    return Status(Error::kPreconditionFailed,
                  "At least one of the pre-conditions you specified did not hold");
  }
  buckets::PutObjectRequest put;
  OT_RETURN_IF_ERROR(ReadObjectLockHeaders(services, request, &put));
  std::string version_id;
  put.version_id_out = &version_id;
  put.bucket = request.bucket;
  put.key = request.key;
  put.body = request.body;
  std::string_view content_type = request.Header("Content-Type");
  put.content_type = content_type.empty() ? "binary/octet-stream" : content_type;
  put.content_encoding = request.content_encoding;
  put.client_upload = true;
  put.uploader = ctx.caller.principal.arn;
  // Lifecycle: x-amz-tagging and x-amz-storage-class (GLACIER/DEEP_ARCHIVE go to the archive).
  OT_ASSIGN_OR_RETURN(put.tags, ParseTaggingHeader(request.Header("x-amz-tagging")));
  std::string_view storage_class = Trim(request.Header("x-amz-storage-class"));
  if (!storage_class.empty() && buckets::StorageClassRank(storage_class) < 0) {
    return Status(Error::kInvalidStorageClass, "The storage class you specified is not valid");
  }
  put.storage_class = storage_class;
  size_t metadata_bytes = 0;
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    if (!lower.starts_with("x-amz-meta-")) continue;
    std::string key = lower.substr(11);
    metadata_bytes += key.size() + value.size();
    put.metadata[key] = std::string(Trim(value));
  }
  if (metadata_bytes > kMaxUserMetadataBytes) {
    return Status(Error::kMetadataTooLarge,
                  "Your metadata headers exceed the maximum allowed metadata size");
  }
  // The ETag is the body's MD5: one pass over the body, none when Content-MD5 was verified.
  std::string md5_hex;
  if (auto it = request.checksums.find("md5"); it != request.checksums.end()) {
    md5_hex = HexEncode(Base64Decode(it->second).value_or(""));
  }
  if (md5_hex.size() != 32) md5_hex = crypto::Md5Hex(request.body);
  put.md5_hex = md5_hex;
  // Server-side encryption the upload asks for (else the bucket's default applies).
  std::string_view sse = Trim(request.Header("x-amz-server-side-encryption"));
  std::string_view sse_key = Trim(request.Header("x-amz-server-side-encryption-aws-kms-key-id"));
  std::string sse_key_arn;
  if (!sse.empty() && sse != buckets::kSseS3 && sse != buckets::kSseKms) {
    return Status(Error::kInvalidArgument, "The encryption method specified is not supported");
  }
  if (!sse_key.empty() && sse != buckets::kSseKms) {
    return Status(Error::kInvalidArgument,
                  "Server Side Encryption with AWS KMS managed key requires HTTP header "
                  "x-amz-server-side-encryption : aws:kms");
  }
  if (sse == buckets::kSseKms) {
    if (sse_key.empty()) {
      return Status(Error::kInvalidArgument,
                    "This server has no AWS managed key (aws/s3): give "
                    "x-amz-server-side-encryption-aws-kms-key-id for aws:kms.");
    }
    if (services.kms == nullptr) return Status(Error::kKmsNotFound, "This server has no KMS.");
    OT_ASSIGN_OR_RETURN(buckets::BucketInfo bucket, services.buckets->Get(request.bucket));
    // The uploader needs kms:GenerateDataKey on the key, as in S3.
    sse_key_arn = services.kms->ResourceArn(bucket.region, sse_key);
    Status allowed = request.authorize ? request.authorize("kms:GenerateDataKey", sse_key_arn)
                                       : Status(Error::kAccessDenied, "not authorized");
    if (!allowed.ok()) {
      return Status(Error::kAccessDenied,
                    "The uploader is not allowed kms:GenerateDataKey on " + sse_key_arn + ".");
    }
    put.sse_kms_key_id = sse_key;
  }
  put.sse_algorithm = sse;
  S3Outcome out;
  for (const auto& [alg, value] : request.checksums) {
    if (alg == "md5") continue;
    put.checksums.emplace(alg, value);
    out.headers.emplace_back("x-amz-checksum-" + alg, value);
  }
  OT_RETURN_IF_ERROR(services.buckets->PutObject(put));
  if (!version_id.empty()) out.headers.emplace_back("x-amz-version-id", version_id);
  if (auto stored = services.buckets->HeadObject(request.bucket, request.key);
      stored.ok() && !stored->sse_algorithm.empty()) {
    out.headers.emplace_back("x-amz-server-side-encryption", stored->sse_algorithm);
    if (!stored->sse_kms_key_arn.empty()) {
      out.headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id",
                               stored->sse_kms_key_arn);
    }
  }
  out.outcome.request_parameters = S3RequestParameters(request);
  out.outcome.resources = S3Resources(request);
  out.headers.emplace_back("ETag", "\"" + md5_hex + "\"");
  return out;
}

}  // namespace ot::api::handlers
