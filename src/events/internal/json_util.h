#pragma once

// simdjson helpers shared by the events codec. Internal to src/events: simdjson stays here.

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

namespace ot::events::internal {

namespace od = simdjson::ondemand;

// Which cached parser a lease takes: log-file splitting hands records to callbacks that parse
// them, so the two uses need separate parsers to avoid clobbering each other.
enum class ParserSlot { kRecord, kFile };

// A thread's cached on-demand parser and padded input buffer, borrowed for one parse. If the
// slot is already in use on this thread (re-entrant use), a private parser is made instead.
class ParserLease {
 public:
  explicit ParserLease(ParserSlot slot);
  ~ParserLease();
  ParserLease(const ParserLease&) = delete;
  ParserLease& operator=(const ParserLease&) = delete;

  od::parser& parser();
  // Copies `text` into the lease's buffer, followed by SIMDJSON_PADDING spare bytes. The view
  // stays valid until the next Pad or the end of the lease.
  simdjson::padded_string_view Pad(std::string_view text);

  struct Cache;

 private:
  Cache* cache_;
  std::unique_ptr<Cache> own_;
};

// Appends `value` as compact JSON: strings re-escaped with AppendJsonString, numbers as their
// original text (validated against the JSON grammar). Returns a simdjson error on malformed
// input, DEPTH_ERROR past `max_depth` nested containers.
simdjson::error_code AppendCompactJson(od::value value, std::string* out, int max_depth = 128);

// The JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view text);

// The key of `field`, unescaped. Keys without a backslash (nearly all) are read in place and
// need no re-escaping (`*canonical` = true); others go through simdjson's unescaper.
simdjson::error_code FieldKey(od::field& field, std::string_view* key, bool* canonical);

// The scalar token of `value` without trailing whitespace.
std::string_view TrimmedToken(od::value& value);

// True when the whole document has been consumed: nothing follows the root value.
// (simdjson 3.0's on-demand document has no at_end().)
bool AtEnd(od::document& doc);

// "a string", "an object", ... for error messages; "malformed JSON" when the type is unknown.
std::string_view TypeName(od::value& value);

}  // namespace ot::events::internal
