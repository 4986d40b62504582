#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/identity.h"
#include "common/env.h"
#include "store/event_store.h"

namespace ot::api::handlers {

// Everything known about one answered API call, to become its CloudTrail event.
struct CallFacts {
  const auth::Principal* principal = nullptr;  // null when authentication failed
  std::string access_key_id;                   // as presented, even if unknown
  std::string account_id;                      // the server's account (recipientAccountId)
  std::string region;
  std::string event_source;  // cloudtrail.amazonaws.com, sts.amazonaws.com
  std::string event_name;
  std::string source_ip;
  std::string user_agent;
  // Calls over HTTPS (records.md tlsDetails): "TLSv1.3", the OpenSSL/IANA suite name, the Host.
  std::string tls_version;
  std::string tls_cipher_suite;
  std::string host_header;
  std::string request_parameters;  // JSON object text or empty (→ null)
  std::string response_elements;   // JSON object text or empty (→ null)
  std::string error_code;          // empty on success
  std::string error_message;
  std::string request_id;
  bool read_only = false;
  // A data event (records.md §8: S3 object-level calls): eventCategory Data, managementEvent
  // false; never in LookupEvents, delivered only by trails whose selectors choose it.
  bool data_event = false;
  std::string additional_event_data;  // JSON object text or empty (absent)
  std::vector<events::Resource> resources;
  SysMillis event_time{};
};

// The record CloudTrail would write for the call (records.md §4 emission rules), serialised and
// with its lookup attributes. `random` supplies the eventID.
store::NewEvent BuildCallEvent(const CallFacts& facts, Random& random);

// readOnly by verb, as CloudTrail marks calls: Get*, Describe*, List*, Lookup*.
bool IsReadOnlyName(std::string_view event_name);

}  // namespace ot::api::handlers
