#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace ot::events {

// A JSON value kept as compact, validated JSON text (objects such as requestParameters whose
// shape belongs to the calling service). Empty text means "absent"; "null" is a present null.
using RawJson = std::string;

struct Resource {
  std::string arn;         // "ARN"
  std::string account_id;  // "accountId"
  std::string type;        // "type"
  // Which keys were present (a resource entry may carry any subset).
  bool has_arn = false, has_account_id = false, has_type = false;
};

// userIdentity (records.md §5). Absent string fields are std::nullopt; sessionContext and other
// nested objects are kept verbatim.
struct UserIdentity {
  std::string type;  // Root, IAMUser, AssumedRole, ... (required when userIdentity is present)
  std::optional<std::string> principal_id, arn, account_id, access_key_id, user_name, invoked_by,
      identity_provider, credential_id, on_behalf_of_json;
  RawJson session_context;  // object or empty
  // Any other members, in arrival order, as (key, raw JSON value).
  std::vector<std::pair<std::string, RawJson>> extra;
};

// One CloudTrail record, every field of records.md §4 and §9. Serialising a parsed record gives
// the same members in CloudTrail's order; unknown top-level members are kept (in `extra`).
struct Record {
  std::string event_version;                 // "1.11"
  std::optional<UserIdentity> user_identity; // absent only for Insights records
  SysMillis event_time{};                    // serialised as YYYY-MM-DDTHH:MM:SSZ
  std::string event_time_text;               // the text as received (kept when it had fractions)
  std::optional<std::string> event_source, event_name;  // absent only for Insights records
  std::string aws_region;
  std::optional<std::string> source_ip_address, user_agent, error_code, error_message;
  RawJson request_parameters;   // object or "null"; empty = absent
  RawJson response_elements;    // object or "null"; empty = absent
  RawJson additional_event_data;
  std::optional<std::string> request_id;
  std::string event_id;         // UUID; derived from the content when the input had none
  std::optional<bool> read_only;
  std::optional<std::vector<Resource>> resources;
  std::string event_type;       // AwsApiCall, AwsServiceEvent, ..., AwsCloudTrailInsight
  std::optional<std::string> api_version;
  std::optional<bool> management_event;
  std::optional<std::string> recipient_account_id;
  std::optional<std::string> shared_event_id, vpc_endpoint_id, vpc_endpoint_account_id;
  RawJson service_event_details;
  std::optional<std::string> event_category;  // Management, Data, NetworkActivity, Insight
  RawJson addendum;
  RawJson session_credential_from_console;     // JSON string or bool, as received
  RawJson edge_device_details, tls_details, event_context, insight_details;
  std::vector<std::pair<std::string, RawJson>> extra;  // unknown members, arrival order
};

// What LookupEvents filters and answers on, derived from a record (api.md §6).
enum class Category { kManagement, kData, kNetworkActivity, kInsight };

struct LookupResource {
  std::string type;  // ResourceType
  std::string name;  // ResourceName
};

struct LookupAttributes {
  std::string event_id;
  SysMillis event_time{};
  std::string event_name;
  std::string event_source;
  std::optional<bool> read_only;
  std::string username;       // userName, AssumedRole session name, or "root"
  std::string access_key_id;
  std::vector<LookupResource> resources;
  std::string aws_region;
  Category category = Category::kManagement;
};

// Parses and validates one record (a JSON object). Errors are kInvalidRecord with a message
// naming the offending field, e.g. "eventTime: expected an ISO-8601 timestamp".
// Records without an eventID get one derived from their content (re-imports dedupe).
Result<Record> ParseRecord(std::string_view json);

// Compact JSON in CloudTrail's member order. ParseRecord(SerializeRecord(r)) == r.
std::string SerializeRecord(const Record& record);
void AppendSerializedRecord(const Record& record, std::string* out);

LookupAttributes DeriveLookupAttributes(const Record& record);

// Fast path for recovery and indexing: reads only what LookupAttributes needs from a record
// previously written by SerializeRecord. Fails with kCorruption on unreadable input.
Result<LookupAttributes> ExtractLookupAttributes(std::string_view serialized_record);

// Splits a log-file body: {"Records":[...]} (one object), a JSON array of records, or JSON lines
// (one record per line). Calls `fn(index, record_json)` for each record in order; stops at the
// first non-OK status fn returns. Fails with kInvalidRecord naming the index on malformed input.
Status ForEachRecordText(std::string_view body,
                         const std::function<Status(size_t, std::string_view)>& fn);

}  // namespace ot::events
