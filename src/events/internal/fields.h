#pragma once

// The known members of a record and of userIdentity, for the codec's dispatch on keys.

#include <cstdint>
#include <string_view>

namespace ot::events::internal {

// Top-level record members. The enumerator order is not the serialisation order.
enum class Field : uint8_t {
  kUnknown,
  kEventVersion,
  kUserIdentity,
  kEventTime,
  kEventSource,
  kEventName,
  kAwsRegion,
  kSourceIpAddress,
  kUserAgent,
  kErrorCode,
  kErrorMessage,
  kRequestParameters,
  kResponseElements,
  kAdditionalEventData,
  kRequestId,
  kEventId,
  kReadOnly,
  kResources,
  kEventType,
  kApiVersion,
  kManagementEvent,
  kRecipientAccountId,
  kSharedEventId,
  kVpcEndpointId,
  kVpcEndpointAccountId,
  kServiceEventDetails,
  kEventCategory,
  kAddendum,
  kSessionCredentialFromConsole,
  kEdgeDeviceDetails,
  kTlsDetails,
  kEventContext,
  kInsightDetails,
};
inline constexpr int kFieldCount = static_cast<int>(Field::kInsightDetails) + 1;

enum class IdentityField : uint8_t {
  kUnknown,
  kType,
  kPrincipalId,
  kArn,
  kAccountId,
  kAccessKeyId,
  kUserName,
  kSessionContext,
  kInvokedBy,
  kIdentityProvider,
  kCredentialId,
  kOnBehalfOf,
};
inline constexpr int kIdentityFieldCount = static_cast<int>(IdentityField::kOnBehalfOf) + 1;

Field LookupField(std::string_view key);
IdentityField LookupIdentityField(std::string_view key);
std::string_view FieldName(Field field);
std::string_view IdentityFieldName(IdentityField field);

}  // namespace ot::events::internal
