// Bucket default encryption: PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption
// (protocols.md §5), applied by the bucket registry to every new object (SSE-S3 or SSE-KMS).

#include "api/handlers/s3_operations.h"
#include "api/protocol/reply.h"
#include "api/protocol/s3_xml.h"
#include "buckets/bucket_registry.h"
#include "kms/key_service.h"

namespace ot::api::handlers {
namespace {

constexpr std::string_view kXmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

// The text of the first <name>…</name> in `xml`; nullopt when absent.
std::optional<std::string_view> Child(std::string_view xml, std::string_view name) {
  std::string open = "<" + std::string(name) + ">";
  size_t start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  start += open.size();
  size_t end = xml.find("</" + std::string(name) + ">", start);
  if (end == std::string_view::npos) return std::nullopt;
  return xml.substr(start, end - start);
}

}  // namespace

Result<S3Outcome> PutBucketEncryption(const Services& services, const CallContext&,
                                      const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::BucketInfo bucket, services.buckets->Get(request.bucket));
  OT_RETURN_IF_ERROR(RequireChecksum(request));
  auto config = Child(request.body, "ServerSideEncryptionConfiguration");
  if (!config) {
    // The root may carry attributes (xmlns): accept <ServerSideEncryptionConfiguration …>.
    size_t open = request.body.find("<ServerSideEncryptionConfiguration");
    size_t gt = open == std::string_view::npos ? open : request.body.find('>', open);
    size_t close = request.body.rfind("</ServerSideEncryptionConfiguration>");
    if (gt == std::string_view::npos || close == std::string_view::npos || close < gt) {
      return S3MalformedXml();
    }
    config = request.body.substr(gt + 1, close - gt - 1);
  }
  auto rule = Child(*config, "Rule");
  if (!rule) return S3MalformedXml();
  auto apply = Child(*rule, "ApplyServerSideEncryptionByDefault");
  if (!apply) return S3MalformedXml();
  auto algorithm = Child(*apply, "SSEAlgorithm");
  if (!algorithm) return S3MalformedXml();
  buckets::BucketEncryption encryption;
  encryption.algorithm = std::string(*algorithm);
  if (auto key = Child(*apply, "KMSMasterKeyID")) encryption.kms_key_id = std::string(*key);
  if (auto bucket_key = Child(*rule, "BucketKeyEnabled")) {
    if (*bucket_key != "true" && *bucket_key != "false") return S3MalformedXml();
    encryption.bucket_key_enabled = *bucket_key == "true";
  }
  if (encryption.algorithm == buckets::kSseS3) {
    if (!encryption.kms_key_id.empty()) {
      return Status(Error::kInvalidArgument,
                    "a KMSMasterKeyID is not applicable if the default sse algorithm is not "
                    "aws:kms or aws:kms:dsse");
    }
  } else if (encryption.algorithm == buckets::kSseKms) {
    if (encryption.kms_key_id.empty()) {
      return Status(Error::kInvalidArgument,
                    "This server has no AWS managed key (aws/s3): give the KMSMasterKeyID of a "
                    "customer managed key for aws:kms.");
    }
    if (encryption.kms_key_id.find_first_of("<&") != std::string::npos) return S3MalformedXml();
    if (services.kms == nullptr) return Status(Error::kKmsNotFound, "This server has no KMS.");
    // The key must exist in the bucket's region (its state is checked at each write).
    OT_RETURN_IF_ERROR(services.kms->Describe(bucket.region, encryption.kms_key_id).status());
  } else if (encryption.algorithm == "aws:kms:dsse") {
    return Status(Error::kS3NotImplemented,
                  "Dual-layer SSE-KMS (aws:kms:dsse) is not implemented by this server.");
  } else {
    return S3MalformedXml();
  }
  OT_RETURN_IF_ERROR(services.buckets->PutEncryption(request.bucket, encryption));
  return S3Recorded(request, 200);
}

Result<S3Outcome> GetBucketEncryption(const Services& services, const CallContext&,
                                      const S3Request& request) {
  OT_ASSIGN_OR_RETURN(auto encryption, services.buckets->GetEncryption(request.bucket));
  if (!encryption) {
    return Status(Error::kNoSuchEncryptionConfiguration,
                  "The server side encryption configuration was not found");
  }
  S3Outcome out = S3Recorded(request, 200);
  std::string& b = out.outcome.body;
  b = "<ServerSideEncryptionConfiguration xmlns=\"" + std::string(kXmlns) +
      "\"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>" +
      XmlEscape(encryption->algorithm) + "</SSEAlgorithm>";
  if (!encryption->kms_key_id.empty()) {
    b += "<KMSMasterKeyID>" + XmlEscape(encryption->kms_key_id) + "</KMSMasterKeyID>";
  }
  b += "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>";
  b += encryption->bucket_key_enabled ? "true" : "false";
  b += "</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>";
  return out;
}

Result<S3Outcome> DeleteBucketEncryption(const Services& services, const CallContext&,
                                         const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->DeleteEncryption(request.bucket));
  return S3Recorded(request, 204);
}

}  // namespace ot::api::handlers
