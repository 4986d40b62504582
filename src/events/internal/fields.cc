#include "events/internal/fields.h"

#include <array>

namespace ot::events::internal {
namespace {

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "",
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "readOnly",
    "resources",
    "eventType",
    "apiVersion",
    "managementEvent",
    "recipientAccountId",
    "sharedEventID",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "serviceEventDetails",
    "eventCategory",
    "addendum",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails",
    "tlsDetails",
    "eventContext",
    "insightDetails",
};

constexpr std::array<std::string_view, kIdentityFieldCount> kIdentityNames = {
    "",
    "type",
    "principalId",
    "arn",
    "accountId",
    "accessKeyId",
    "userName",
    "sessionContext",
    "invokedBy",
    "identityProvider",
    "credentialId",
    "onBehalfOf",
};

// A linear scan that compares lengths first: most candidates are rejected on length alone, so
// this costs about as much as hashing the key would.
template <typename E, size_t N>
E Lookup(const std::array<std::string_view, N>& names, std::string_view key) {
  for (size_t i = 1; i < N; ++i) {
    if (names[i].size() == key.size() && names[i] == key) return static_cast<E>(i);
  }
  return static_cast<E>(0);
}

}  // namespace

Field LookupField(std::string_view key) { return Lookup<Field>(kFieldNames, key); }

IdentityField LookupIdentityField(std::string_view key) {
  return Lookup<IdentityField>(kIdentityNames, key);
}

std::string_view FieldName(Field field) { return kFieldNames[static_cast<size_t>(field)]; }

std::string_view IdentityFieldName(IdentityField field) {
  return kIdentityNames[static_cast<size_t>(field)];
}

}  // namespace ot::events::internal
