#pragma once

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
};

// Splits "/<bucket>[/<key>]" (key decoded with %XX only, '+' literal).
S3Request ParseS3Path(std::string_view method, std::string_view raw_path,
                      std::string_view raw_query);

// What an S3 handler produced: the status and headers besides the record's facts.
struct S3Outcome {
  Outcome outcome;  // body: the XML root element, or empty
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct S3Operation {
  std::string_view name;    // the record's eventName: "CreateBucket", "PutObject", …
  std::string_view action;  // IAM action: "s3:CreateBucket"
  bool read_only;
  // nullptr: recognised but not implemented → 501 NotImplemented.
  Result<S3Outcome> (*handle)(const Services&, const CallContext&, const S3Request&);
};

// The operation a request names (the dispatch table of protocols.md §5.1). Never null.
const S3Operation& RouteS3(const S3Request& request);

// The record's requestParameters: {"bucketName":…,"Host":…} ({"Host":…} for ListBuckets).
std::string S3RequestParameters(const S3Request& request);
// [{type AWS::S3::Bucket, ARN arn:aws:s3:::<bucket>}] or empty without a bucket.
std::vector<events::Resource> S3Resources(const S3Request& request);

Result<S3Outcome> CreateBucket(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> HeadBucket(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> ListBuckets(const Services&, const CallContext&, const S3Request&);
Result<S3Outcome> DeleteBucket(const Services&, const CallContext&, const S3Request&);

}  // namespace ot::api::handlers
