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
  // Any other members (e.g. "ARNPrefix" on S3 ListObjects data events), in arrival order, as
  // (key, raw JSON value). Serialised after accountId, type and ARN.
  std::vector<std::pair<std::string, RawJson>> extra;

  friend bool operator==(const Resource&, const Resource&) = default;
};

// userIdentity (records.md §5). Absent string fields are std::nullopt; sessionContext and other
// nested objects are kept as compact JSON.
struct UserIdentity {
  // Root, IAMUser, AssumedRole, ... Required when userIdentity is present, except on
  // AwsServiceEvent records, whose identity may be just {accountId, invokedBy}: there an empty
  // `type` means "absent" (a present type is never empty).
  std::string type;
  std::optional<std::string> principal_id, arn, account_id, access_key_id, user_name, invoked_by,
      identity_provider, credential_id;
  std::optional<std::string> on_behalf_of_json;  // "onBehalfOf": compact JSON object
  RawJson session_context;                       // object or empty
  // Any other members, in arrival order, as (key, raw JSON value).
  std::vector<std::pair<std::string, RawJson>> extra;

  friend bool operator==(const UserIdentity&, const UserIdentity&) = default;
};

// One CloudTrail record, every field of records.md §4 and §9. Serialising a parsed record gives
// the same members in CloudTrail's order; unknown top-level members are kept (in `extra`).
// Nested objects (RawJson) are compact JSON with their numbers' original text; strings inside
// them are re-escaped canonically (as AppendJsonString does).
struct Record {
  std::string event_version;                  // "1.11"
  std::optional<UserIdentity> user_identity;  // absent only for Insights records
  // Serialised as YYYY-MM-DDTHH:MM:SSZ (whole seconds) unless event_time_text is set, so set
  // whole seconds when building a record, or ParseRecord(SerializeRecord(r)) != r.
  SysMillis event_time{};
  // The text as received, kept only when FormatIso8601(event_time) would differ from it
  // (fractional seconds, an offset, ...); serialised verbatim then. Empty otherwise.
  std::string event_time_text;
  std::optional<std::string> event_source, event_name;  // absent only for Insights records
  std::string aws_region;
  std::optional<std::string> source_ip_address, user_agent, error_code, error_message;
  RawJson request_parameters;  // object or "null"; empty = absent
  RawJson response_elements;   // object or "null"; empty = absent
  RawJson additional_event_data;
  std::optional<std::string> request_id;
  std::string event_id;  // UUID; derived from the content when the input had none
  std::optional<bool> read_only;
  std::optional<std::vector<Resource>> resources;
  std::string event_type;  // AwsApiCall, ..., AwsCloudTrailInsight; empty = absent (v1.0x)
  std::optional<std::string> api_version;
  std::optional<bool> management_event;
  std::optional<std::string> recipient_account_id;
  std::optional<std::string> shared_event_id, vpc_endpoint_id, vpc_endpoint_account_id;
  RawJson service_event_details;
  std::optional<std::string> event_category;  // Management, Data, NetworkActivity, Insight
  RawJson addendum;
  RawJson session_credential_from_console;  // JSON string or bool, as received
  RawJson edge_device_details, tls_details, event_context, insight_details;
  std::vector<std::pair<std::string, RawJson>> extra;  // unknown members, arrival order

  friend bool operator==(const Record&, const Record&) = default;
};

// Records larger than this are rejected (records.md §1: max record size 256 KB).
inline constexpr size_t kMaxRecordBytes = 256 * 1024;

// What LookupEvents filters and answers on, derived from a record (api.md §6).
enum class Category { kManagement, kData, kNetworkActivity, kInsight };

struct LookupResource {
  std::string type;  // ResourceType
  std::string name;  // ResourceName

  friend bool operator==(const LookupResource&, const LookupResource&) = default;
};

struct LookupAttributes {
  std::string event_id;
  SysMillis event_time{};
  std::string event_name;
  std::string event_source;
  std::optional<bool> read_only;
  std::string username;  // see DeriveLookupAttributes
  std::string access_key_id;
  std::vector<LookupResource> resources;
  std::string aws_region;
  Category category = Category::kManagement;

  friend bool operator==(const LookupAttributes&, const LookupAttributes&) = default;
};

// Parses and validates one record (a JSON object, at most kMaxRecordBytes). Errors are
// kInvalidRecord with a message naming the offending field, e.g.
// `eventTime: expected an ISO-8601 timestamp, got "yesterday"` or `userIdentity.type: required`.
// Records without an eventID get one derived from the SHA-256 of `json` (re-imports dedupe).
// Thread-safe (each thread reuses its own parser).
Result<Record> ParseRecord(std::string_view json);

// Compact JSON in CloudTrail's member order (records.md §4; insightDetails just before
// eventCategory and sessionCredentialFromConsole after tlsDetails, as AWS writes them), then
// `extra`. ParseRecord(SerializeRecord(r)) == r for any parsed record; for input already in
// that order, compact and canonically escaped (as CloudTrail and gen_cloudtrail.py write it),
// SerializeRecord(ParseRecord(x)) == x byte for byte.
std::string SerializeRecord(const Record& record);
void AppendSerializedRecord(const Record& record, std::string* out);

// LookupEvents attributes (api.md §6). username: userIdentity.userName if present; else the
// session name (last ARN segment) for AssumedRole; "root" for Root; the invokedBy service for
// AWSService callers (what the console's event history shows); else empty. Resources without
// an ARN are skipped. Insights records take eventName/eventSource from insightDetails.
LookupAttributes DeriveLookupAttributes(const Record& record);

// Fast path for recovery and indexing: reads only what LookupAttributes needs from a record
// previously written by SerializeRecord. Fails with kCorruption on unreadable input.
Result<LookupAttributes> ExtractLookupAttributes(std::string_view serialized_record);

// Splits a log-file body: {"Records":[...]} (one object; other members ignored), a JSON array of
// records, or JSON lines (one record per line, blank lines skipped); a lone object without
// "Records" is one record, an empty body none. Calls `fn(index, record_json)` for each record in
// order, `record_json` being the record's exact text (a view into `body`); stops at the first
// non-OK status fn returns. Fails with kInvalidRecord naming the index on malformed input.
// Only the splitting is checked here: fn should ParseRecord each text.
Status ForEachRecordText(std::string_view body,
                         const std::function<Status(size_t, std::string_view)>& fn);

}  // namespace ot::events
