#include "api/protocol/reply.h"

#include "common/json_writer.h"

namespace ot::api {

std::string PublicMessage(const Status& status) {
  if (ErrorHttpStatus(status.code()) >= 500 && status.code() != Error::kUnavailable) {
    return "We encountered an internal error. Please try again.";
  }
  return status.message();
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Reply JsonErrorReply(const Status& status, std::string_view request_id) {
  Reply reply;
  reply.status = ErrorHttpStatus(status.code());
  std::string_view type = ErrorWireName(status.code());
  JsonWriter w;
  w.BeginObject().Key("__type").String(type).Key("message").String(PublicMessage(status));
  w.EndObject();
  reply.body = w.Take();
  reply.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  reply.headers.emplace_back("x-amzn-ErrorType", std::string(type));
  return reply;
}

Reply CloudWatchJsonErrorReply(const Status& status, std::string_view request_id) {
  Reply reply;
  reply.status = status.code() == Error::kAccessDenied ? 403 : ErrorHttpStatus(status.code());
  reply.content_type = "application/x-amz-json-1.0";
  const std::string_view code = ErrorQueryCode(status.code());
  // CloudWatch's shape names differ from the Query codes for these (protocols.md §2).
  constexpr std::pair<std::string_view, std::string_view> kShapes[] = {
      {"MissingParameter", "MissingRequiredParameterException"},
      {"InvalidParameterValue", "InvalidParameterValueException"},
      {"InvalidParameterCombination", "InvalidParameterCombinationException"},
      {"LimitExceeded", "LimitExceededFault"},
      {"InternalFailure", "InternalServiceFault"},
      {"InvalidFormat", "InvalidFormatFault"},
  };
  std::string_view shape = code;
  for (const auto& [c, name] : kShapes) {
    if (c == code) shape = name;
  }
  JsonWriter w;
  w.BeginObject().Key("__type").String("com.amazonaws.cloudwatch#" + std::string(shape));
  w.Key("message").String(PublicMessage(status)).EndObject();
  reply.body = w.Take();
  reply.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  reply.headers.emplace_back("x-amzn-query-error",
                             std::string(code) + (reply.status >= 500 ? ";Receiver" : ";Sender"));
  return reply;
}

Reply QueryErrorReply(const Status& status, std::string_view request_id, std::string_view xmlns) {
  Reply reply;
  // Query services (IAM, STS) answer AccessDenied with 403; JSON services with 400 (api.md §1).
  reply.status = status.code() == Error::kAccessDenied ? 403 : ErrorHttpStatus(status.code());
  reply.content_type = "text/xml";
  std::string& b = reply.body;
  b = "<ErrorResponse xmlns=\"" + std::string(xmlns) + "\">\n  <Error>\n    <Type>";
  b += reply.status >= 500 ? "Receiver" : "Sender";
  b += "</Type>\n    <Code>" + XmlEscape(ErrorQueryCode(status.code())) + "</Code>\n    <Message>";
  b += XmlEscape(PublicMessage(status)) + "</Message>\n  </Error>\n  <RequestId>";
  b += XmlEscape(request_id) + "</RequestId>\n</ErrorResponse>\n";
  reply.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  return reply;
}

Reply JsonReply(std::string body, std::string_view request_id) {
  Reply reply;
  reply.body = std::move(body);
  reply.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  return reply;
}

Reply QueryReply(std::string_view operation, std::string_view xmlns, std::string_view result_xml,
                 std::string_view request_id) {
  Reply reply;
  reply.content_type = "text/xml";
  std::string op(operation);
  std::string& b = reply.body;
  b = "<" + op + "Response xmlns=\"" + std::string(xmlns) + "\">\n  <" + op + "Result>\n";
  b += result_xml;
  b += "  </" + op + "Result>\n  <ResponseMetadata>\n    <RequestId>" + XmlEscape(request_id);
  b += "</RequestId>\n  </ResponseMetadata>\n</" + op + "Response>\n";
  reply.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  return reply;
}

}  // namespace ot::api
