#include "api/protocol/s3_xml.h"

namespace ot::api {

std::string_view S3ErrorCode(Error code) {
  switch (code) {
    case Error::kMissingAuthenticationToken:
    case Error::kAccessDenied:
      return "AccessDenied";
    case Error::kIncompleteSignature:
      return "AuthorizationHeaderMalformed";
    case Error::kInvalidSignature:
      return "SignatureDoesNotMatch";
    case Error::kSignatureExpired:
      return "RequestTimeTooSkewed";
    case Error::kUnrecognizedClient:
      return "InvalidAccessKeyId";
    case Error::kExpiredToken:
      return "ExpiredToken";
    case Error::kSerialization:
    case Error::kValidation:
      return "InvalidRequest";
    case Error::kRequestTooLarge:
      return "EntityTooLarge";
    case Error::kUnavailable:
      return "ServiceUnavailable";
    default:
      break;
  }
  if (ErrorHttpStatus(code) >= 500 && code != Error::kS3NotImplemented) return "InternalError";
  return ErrorQueryCode(code);
}

std::string S3PublicMessage(const Status& status) {
  if (status.code() == Error::kS3NotImplemented) return status.message();
  return PublicMessage(status);
}

int S3ErrorStatus(Error code) {
  switch (code) {
    case Error::kMissingAuthenticationToken:
    case Error::kAccessDenied:
    case Error::kSignatureExpired:
    case Error::kUnrecognizedClient:
    case Error::kExpiredToken:
      return 403;
    default:
      return ErrorHttpStatus(code);
  }
}

void AddS3Headers(Reply* reply, const S3Ids& ids) {
  reply->headers.emplace_back("x-amz-request-id", ids.request_id);
  reply->headers.emplace_back("x-amz-id-2", ids.host_id);
}

Reply S3ErrorReply(const Status& status, const S3Ids& ids, std::string_view bucket_name, bool head,
                   std::string_view key) {
  Reply reply;
  reply.status = S3ErrorStatus(status.code());
  reply.content_type = "application/xml";
  AddS3Headers(&reply, ids);
  if (head) {
    reply.content_type.clear();
    return reply;
  }
  std::string& b = reply.body;
  b = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
  b += XmlEscape(S3ErrorCode(status.code()));
  b += "</Code><Message>" + XmlEscape(S3PublicMessage(status)) + "</Message>";
  if (!bucket_name.empty()) b += "<BucketName>" + XmlEscape(bucket_name) + "</BucketName>";
  if (status.code() == Error::kNoSuchKey && !key.empty()) {
    b += "<Key>" + XmlEscape(key) + "</Key>";
  }
  b += "<RequestId>" + XmlEscape(ids.request_id) + "</RequestId><HostId>";
  b += XmlEscape(ids.host_id) + "</HostId></Error>";
  return reply;
}

Reply S3Reply(int status, std::string_view xml, const S3Ids& ids) {
  Reply reply;
  reply.status = status;
  AddS3Headers(&reply, ids);
  if (xml.empty()) {
    reply.content_type.clear();
    return reply;
  }
  reply.content_type = "application/xml";
  reply.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  reply.body += xml;
  return reply;
}

}  // namespace ot::api
