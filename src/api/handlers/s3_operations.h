#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/handlers/operation.h"
#include "buckets/lifecycle.h"
#include "buckets/versioning.h"
#include "common/status.h"

namespace ot::api::handlers {

// One S3 REST request, addressed path-style (protocols.md §5.1).
struct S3Request {
  std::string_view method;
  std::string_view raw_query;  // without '?'
  std::string_view host;       // the Host header, for the record's requestParameters
  std::string_view body;       // decoded by PrepareS3Body: the object bytes, never aws-chunked
  std::string bucket;          // empty for the service (GET / → ListBuckets)
  std::string key;             // percent-decoded, empty for bucket operations
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // as received
  // Authorizes the caller for `action` on `resource` (set by the dispatcher). Handlers that
  // authorize per item (DeleteObjects: s3:DeleteObject per key) call it; null denies.
  std::function<Status(std::string_view action, std::string_view resource)> authorize;
  // Set by PrepareS3Body: the body's checksums that were sent (Content-MD5 as "md5", and
  // x-amz-checksum-<alg> headers or trailers as "<alg>") and verified, base64 values; and the
  // Content-Encoding without its aws-chunked token.
  std::map<std::string, std::string> checksums;
  std::string content_encoding;
  // The transport facts, for handlers that evaluate policies themselves.
  std::string_view source_ip;
  bool secure_transport = false;
  // Headers an error reply carries too (a delete marker's x-amz-delete-marker and
  // x-amz-version-id on 404/405), set by the handler that fails.
  mutable std::vector<std::pair<std::string, std::string>> error_headers;

  // The first header named `name` (case-insensitive); empty when absent.
  std::string_view Header(std::string_view name) const;
  // The decoded value of query parameter `name` (nullopt when absent; "" for a bare marker).
  std::optional<std::string> Param(std::string_view name) const;
};

// Splits "/<bucket>[/<key>]" (key decoded with %XX only, '+' literal).
S3Request ParseS3Path(std::string_view method, std::string_view raw_path,
                      std::string_view raw_query);

// What an S3 handler produced: the status and headers besides the record's facts.
struct S3Outcome {
  Outcome outcome;  // body: the XML root element, or empty; raw bytes when `raw`
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  // GetObject/HeadObject: the body is object bytes sent as they are, typed `content_type`
  // (HEAD: no body; a Content-Length header then gives the size the GET would send).
  bool raw = false;
  std::string content_type;
};

struct S3Operation {
  std::string_view name;  // the record's eventName: "CreateBucket", "PutObject", …
  // IAM action: "s3:CreateBucket"; empty → the handler authorizes each item itself.
  std::string_view action;
  bool read_only;
  // nullptr: recognised but not implemented → 501 NotImplemented.
  Result<S3Outcome> (*handle)(const Services&, const CallContext&, const S3Request&);
  // Only the bucket policy can allow the operation (client PutObject into a log bucket: the
  // owner opts in; identity policies do not suffice).
  bool bucket_policy_required = false;
};

// The operation a request names (the dispatch table of protocols.md §5.1). Never null.
const S3Operation& RouteS3(const S3Request& request);

// The record's requestParameters: {"bucketName":…,"Host":…[,"key":…][,"versionId":…]}
// ({"Host":…} for ListBuckets).
std::string S3RequestParameters(const S3Request& request);
// [{type AWS::S3::Bucket, ARN arn:aws:s3:::<bucket>}] (+ AWS::S3::Object for an object
// request), or empty without a bucket.
std::vector<events::Resource> S3Resources(const S3Request& request);

// Helpers the S3 handlers share.
// S3's MalformedXML, for a request body that is not the XML the operation takes.
Status S3MalformedXml();
// "<name>escaped_value</name>"; the value must be XML-escaped already.
std::string S3XmlElement(std::string_view name, std::string_view escaped_value);
// An answer with `status` whose record carries the request's parameters and resources.
S3Outcome S3Recorded(const S3Request& request, int status = 200);

// Object-level calls (a key, or DeleteObjects) are data events (records.md §8).
bool IsS3DataEvent(const S3Request& request, std::string_view operation);
// A data event's resources: the object, then its bucket with the owner's account (when known).
std::vector<events::Resource> S3DataEventResources(const S3Request& request,
                                                   std::string_view bucket_owner);
// A data event's additionalEventData: signature version, cipher suite (over TLS), bytes in and
// out, authentication method and the reply's x-amz-id-2.
std::string S3AdditionalEventData(std::string_view cipher_suite, size_t bytes_in, size_t bytes_out,
                                  std::string_view host_id);
// The ARN the request is authorized on: the object's for object requests, else the bucket's
// ("*" for ListBuckets).
std::string S3ResourceArn(const S3Request& request);
// The canonical user id S3 reports as the owner of the account's buckets and objects.
std::string S3CanonicalUserId(std::string_view account_id);
// The S3 condition keys of the request (iam.md §4.2): s3:prefix, s3:delimiter, s3:max-keys,
// s3:x-amz-acl, s3:x-amz-content-sha256, s3:x-amz-server-side-encryption, s3:versionid when
// present, and s3:signatureversion / s3:authType always.
std::vector<std::pair<std::string, std::string>> S3ConditionKeys(const S3Request& request);

// Decodes and checks the request body before anything else looks at it (protocols.md §5.4):
// aws-chunked bodies (STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-
// TRAILER], with chunk and trailer signatures verified against `caller.chunk_signing`) are
// decoded into `*storage`, X-Amz-Decoded-Content-Length is enforced, and every Content-MD5 and
// x-amz-checksum-* (header or trailer) is verified. Sets request->body, ->checksums and
// ->content_encoding. Errors: kInvalidDigest (Content-MD5 not base64 of 16 bytes), kBadDigest
// (mismatch), kValidation (InvalidRequest: unknown checksum algorithm, malformed aws-chunked, a
// declared trailer missing), kIncompleteBody, kInvalidSignature (chunk/trailer signature).
Status PrepareS3Body(const auth::Caller& caller, S3Request* request, std::string* storage);

// For operations whose model has requestChecksumRequired: kValidation (InvalidRequest "Missing
// required header for this request: Content-MD5") unless PrepareS3Body saw a checksum.
Status RequireChecksum(const S3Request& request);

Result<S3Outcome> CreateBucket(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> HeadBucket(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> ListBuckets(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> DeleteBucket(const Services&, const CallContext&, const S3Request&);

// s3_objects.cc
Result<S3Outcome> ListObjects(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> ListObjectsV2(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetBucketLocation(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetObject(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> HeadObject(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> PutObject(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> DeleteObject(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> DeleteObjects(const Services&, const CallContext&, const S3Request&);

// s3_versioning.cc: versioning, MFA delete and the version listing (versioning.h).
Result<S3Outcome> PutBucketVersioning(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetBucketVersioning(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> ListObjectVersions(const Services&, const CallContext&, const S3Request&);
// The request's x-amz-mfa ("<device serial> <code>") checked with IAM: nullopt when absent;
// kInvalidArgument when malformed, kAccessDenied for an unknown or unassigned device or a code
// that is not valid (or used before). `device_user` gets the ARN of the device's user.
Result<std::optional<buckets::MfaProof>> CheckMfaHeader(const Services& services,
                                                        const S3Request& request,
                                                        std::string* device_user);
// x-amz-version-id, x-amz-delete-marker and the x-amz-object-lock-* headers of a version.
void AddVersionHeaders(S3Outcome* out, const buckets::ObjectInfo& info);
// The trimmed text of the first <name>…</name> in `xml` (nullopt when absent).
std::optional<std::string_view> XmlChild(std::string_view xml, std::string_view name);

// s3_object_lock.cc: object lock configuration, retention and legal hold of versions.
Result<S3Outcome> PutObjectLockConfiguration(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetObjectLockConfiguration(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> PutObjectRetention(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetObjectRetention(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> PutObjectLegalHold(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetObjectLegalHold(const Services&, const CallContext&, const S3Request&);
// PutObject's x-amz-object-lock-mode/-retain-until-date/-legal-hold into `put` (which need
// s3:PutObjectRetention / s3:PutObjectLegalHold too). InvalidRequest "Bucket is missing Object
// Lock Configuration" without object lock; kInvalidArgument for a bad mode, date or status.
Status ReadObjectLockHeaders(const Services& services, const S3Request& request,
                             buckets::PutObjectRequest* put);

// s3_encryption.cc: bucket default encryption (SSE-S3 or SSE-KMS for every new object).
Result<S3Outcome> PutBucketEncryption(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetBucketEncryption(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> DeleteBucketEncryption(const Services&, const CallContext&, const S3Request&);

// s3_lifecycle.cc: lifecycle configuration, object tags, RestoreObject, and the records of the
// lifecycle pass's actions (AwsServiceEvent by s3.amazonaws.com).
Result<S3Outcome> PutBucketLifecycleConfiguration(const Services&, const CallContext&,
                                                  const S3Request&);
Result<S3Outcome> GetBucketLifecycleConfiguration(const Services&, const CallContext&,
                                                  const S3Request&);
Result<S3Outcome> DeleteBucketLifecycle(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> PutObjectTagging(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetObjectTagging(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> DeleteObjectTagging(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> RestoreObject(const Services&, const CallContext&, const S3Request&);
// A LifecycleConfiguration body, validated as S3 does (MalformedXML, InvalidArgument and
// InvalidRequest naming the field); rules without an ID get a random one.
Result<buckets::LifecycleConfiguration> ParseLifecycleXml(std::string_view body, Random& random);
// PutObject's x-amz-tagging ("k1=v1&k2=v2", URL-encoded): InvalidTag past 10 tags, for repeated
// or aws: keys, keys over 128 and values over 256 characters.
Result<std::map<std::string, std::string>> ParseTaggingHeader(std::string_view header);
store::NewEvent BuildLifecycleEvent(const buckets::LifecycleAction& action,
                                    std::string_view account_id, Random& random);

// s3_policy.cc
Result<S3Outcome> PutBucketPolicy(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> GetBucketPolicy(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> DeleteBucketPolicy(const Services&, const CallContext&, const S3Request&);

// s3_policy.cc: CreateTrail/UpdateTrail into a local bucket that has a policy require it
// to allow cloudtrail.amazonaws.com s3:PutObject on [prefix/]AWSLogs/<account>/ (with
// x-amz-acl bucket-owner-full-control, aws:SourceArn = the trail, aws:SourceAccount); else
// kInsufficientS3BucketPolicy, as CloudTrail answers. OK for remote or unknown buckets (the trail
// registry judges those) and for buckets without a policy.
Status CheckTrailBucketPolicy(const Services& services, std::string_view bucket,
                              std::string_view prefix, std::string_view trail_arn,
                              std::string_view region);

}  // namespace ot::api::handlers
