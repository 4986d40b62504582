#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ot::events {

// One entry of a record's "resources" array, as selectors see it.
struct ResourceRef {
  std::string_view type;
  std::string_view arn;
};

// The routing fields of a stored record: what trail selectors, region coverage and log-file
// grouping look at. Absent fields are empty (event_category defaults to "Management", as
// CloudTrail treats records without it).
struct RecordFields {
  std::string_view event_category = "Management";
  std::string_view event_source, event_name, event_type, aws_region, recipient_account_id,
      error_code, vpc_endpoint_id, user_identity_arn;
  std::optional<bool> read_only;
  std::optional<bool> session_credential_from_console;
  std::vector<ResourceRef> resources;
};

// Reads RecordFields out of a record's JSON without building an events::Record: one on-demand
// pass that skips every other member (request parameters, response elements …) unread, several
// times faster than ParseRecord. For records that already passed validation (the journal's).
// Not thread-safe; one scanner per thread. The views stay valid until the next Scan.
class RecordScanner {
 public:
  RecordScanner();
  ~RecordScanner();
  RecordScanner(const RecordScanner&) = delete;
  RecordScanner& operator=(const RecordScanner&) = delete;

  // kSerialization when `json` is not a JSON object or a routing field has the wrong type.
  Result<const RecordFields*> Scan(std::string_view json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ot::events
