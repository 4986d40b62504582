#pragma once

#include <string>
#include <string_view>

#include "api/protocol/reply.h"
#include "common/status.h"

namespace ot::api {

inline constexpr std::string_view kS3Xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

// The S3 <Code> of an error (protocols.md §5.3): the errors.def S3 rows, and S3's own names for
// the authentication errors (InvalidAccessKeyId, RequestTimeTooSkewed, AccessDenied, …).
std::string_view S3ErrorCode(Error code);
// The message S3 sends for `status`: PublicMessage, except that NotImplemented keeps its text.
std::string S3PublicMessage(const Status& status);
// The HTTP status S3 answers with for `code` (403 for AccessDenied, unlike the JSON table).
int S3ErrorStatus(Error code);

// The S3 request/host ids every S3 response carries.
struct S3Ids {
  std::string request_id;  // 16 uppercase hex: x-amz-request-id
  std::string host_id;     // x-amz-id-2
};

// Adds x-amz-request-id and x-amz-id-2.
void AddS3Headers(Reply* reply, const S3Ids& ids);

// The S3 error document: <Error><Code/><Message/>[<BucketName/>][<Key/>]<RequestId/><HostId/>
// </Error>; <Key> only for NoSuchKey. `head` → no body (HEAD responses never carry one; clients
// report the status number).
Reply S3ErrorReply(const Status& status, const S3Ids& ids, std::string_view bucket_name, bool head,
                   std::string_view key = "");

// A success reply: `xml` is the root element (without the XML declaration), or empty for no body.
Reply S3Reply(int status, std::string_view xml, const S3Ids& ids);

}  // namespace ot::api
