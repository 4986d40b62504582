#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/handlers/operation.h"
#include "common/status.h"

namespace ot::api::handlers {

// One S3 REST request, addressed path-style (protocols.md §5.1).
struct S3Request {
  std::string_view method;
  std::string_view raw_query;  // without '?'
  std::string_view host;       // the Host header, for the record's requestParameters
  std::string_view body;
  std::string bucket;  // empty for the service (GET / → ListBuckets)
  std::string key;     // percent-decoded, empty for bucket operations
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // as received
  // Authorizes the caller for `action` on `resource` (set by the dispatcher). Handlers that
  // authorize per item (DeleteObjects: s3:DeleteObject per key) call it; null denies.
  std::function<Status(std::string_view action, std::string_view resource)> authorize;

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
};

// The operation a request names (the dispatch table of protocols.md §5.1). Never null.
const S3Operation& RouteS3(const S3Request& request);

// The record's requestParameters: {"bucketName":…,"Host":…[,"key":…]} ({"Host":…} for
// ListBuckets).
std::string S3RequestParameters(const S3Request& request);
// [{type AWS::S3::Bucket, ARN arn:aws:s3:::<bucket>}] (+ AWS::S3::Object for an object
// request), or empty without a bucket.
std::vector<events::Resource> S3Resources(const S3Request& request);
// The ARN the request is authorized on: the object's for object requests, else the bucket's
// ("*" for ListBuckets).
std::string S3ResourceArn(const S3Request& request);
// The canonical user id S3 reports as the owner of the account's buckets and objects.
std::string S3CanonicalUserId(std::string_view account_id);

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

}  // namespace ot::api::handlers
