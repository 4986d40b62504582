#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ot::api {

// An HTTP answer, independent of the HTTP library.
struct Reply {
  int status = 200;
  std::string content_type = "application/x-amz-json-1.1";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

// The one place a Status becomes a wire error. Internal codes leave as an opaque
// InternalFailure message; the real message is for the server's log only.
// JSON protocols: {"__type":…,"message":…} plus x-amzn-ErrorType.
Reply JsonErrorReply(const Status& status, std::string_view request_id);
// Query protocol (STS, IAM, SNS): <ErrorResponse><Error><Type/><Code/><Message/>… with the
// Query code of the error (SignatureDoesNotMatch, not InvalidSignatureException).
Reply QueryErrorReply(const Status& status, std::string_view request_id, std::string_view xmlns);

// AWS JSON 1.0 for a service marked awsQueryCompatible (CloudWatch, protocols.md §2): __type
// "com.amazonaws.cloudwatch#<shape>" and the header x-amzn-query-error "<Query code>;Sender"
// (";Receiver" for 5xx), which botocore maps to the modeled exception.
Reply CloudWatchJsonErrorReply(const Status& status, std::string_view request_id);

// A JSON 1.1 success reply carrying `body`.
Reply JsonReply(std::string body, std::string_view request_id);
// A Query success reply: <{op}Response xmlns><{op}Result>{result_xml}</…><ResponseMetadata>….
Reply QueryReply(std::string_view operation, std::string_view xmlns, std::string_view result_xml,
                 std::string_view request_id);

// The message sent to the client for `status` (opaque for internal errors).
std::string PublicMessage(const Status& status);

// Escapes & < > " ' for XML text and attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace ot::api
