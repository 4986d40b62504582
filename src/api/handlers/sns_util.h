#pragma once

// Helpers shared by the SNS Query handlers (sns_*.cc).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/handlers/operation.h"
#include "api/protocol/query.h"
#include "monitor/sns_service.h"

namespace ot::api::handlers::internal {

// The service, or kInternal when the server runs without SNS.
Result<monitor::SnsService*> Sns(const Services& services);
// "Invalid parameter: <what>" (kInvalidParameter), SNS's wording for every rejected member.
Status SnsInvalid(std::string_view what);
// A required member: its value, or InvalidParameter naming it when absent or empty.
Result<std::string> SnsRequired(const QueryParams& params, std::string_view name);
// A required topic ARN member (TopicArn): "Invalid parameter: TopicArn" when absent/malformed.
Result<std::string> SnsTopicArnMember(const QueryParams& params, std::string_view name);
// A Query map `<name>.entry.<i>.key` / `.value` (sns.md §2), by key; a key given twice →
// InvalidParameter.
Result<std::map<std::string, std::string>> SnsMapMember(const QueryParams& params,
                                                        std::string_view name);
// Validates one writable topic attribute (Policy, DisplayName, DeliveryPolicy,
// SignatureVersion, KmsMasterKeyId, TracingConfig); InvalidParameter otherwise.
Status ValidateTopicAttribute(std::string_view name, std::string_view value);
// A Get*Attributes result: <Attributes><entry><key/><value/></entry>… in the given order.
Outcome SnsAttributesOutcome(const std::vector<std::pair<std::string, std::string>>& entries);
// The record's resources entry for a topic.
std::vector<events::Resource> SnsTopicResource(std::string_view arn);

}  // namespace ot::api::handlers::internal
