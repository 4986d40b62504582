// libFuzzer target for the events codec: ParseRecord, SerializeRecord, ExtractLookupAttributes
// and ForEachRecordText on arbitrary bytes.
//
// Invariants checked: a parsed record re-serialises to text that parses again to the same
// record and the same text; the fast lookup-attribute reader agrees with the full parser; the
// log-file splitter hands out views inside the body.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "events/record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  ot::Result<ot::events::Record> record = ot::events::ParseRecord(input);
  if (record.ok()) {
    const std::string first = ot::events::SerializeRecord(*record);
    ot::Result<ot::events::Record> again = ot::events::ParseRecord(first);
    OT_CHECK(again.ok());
    OT_CHECK(*again == *record);
    OT_CHECK(ot::events::SerializeRecord(*again) == first);
    ot::Result<ot::events::LookupAttributes> attrs = ot::events::ExtractLookupAttributes(first);
    OT_CHECK(attrs.ok());
    OT_CHECK(*attrs == ot::events::DeriveLookupAttributes(*record));
  }

  size_t expected_index = 0;
  ot::Status split =
      ot::events::ForEachRecordText(input, [&](size_t index, std::string_view text) -> ot::Status {
        OT_CHECK(index == expected_index++);
        OT_CHECK(text.data() >= input.data());
        OT_CHECK(text.data() + text.size() <= input.data() + input.size());
        ot::events::ParseRecord(text).status().IgnoreError();
        return ot::Status::Ok();
      });
  split.IgnoreError();
  return 0;
}
