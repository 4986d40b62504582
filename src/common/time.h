#pragma once

#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"

namespace ot {

// "2024-05-01T12:34:56Z" — CloudTrail's eventTime form (whole seconds, UTC).
std::string FormatIso8601(SysMillis t);
// "2024-05-01T12:34:56.123Z" — milliseconds always present.
std::string FormatIso8601Millis(SysMillis t);
// "20240501T123456Z" — SigV4's X-Amz-Date form.
std::string FormatAmzDate(SysMillis t);

// Parses ISO-8601 date-times: "YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM)" and the basic
// "YYYYMMDDTHHMMSSZ". Fractions finer than milliseconds are truncated. Fails with kValidation.
Result<SysMillis> ParseIso8601(std::string_view text);

// Parses an HTTP date in IMF-fixdate form, "Wed, 01 May 2024 12:34:56 GMT" (the weekday is
// optional and not checked). Fails with kValidation.
Result<SysMillis> ParseHttpDate(std::string_view text);

// "Wed, 01 May 2024 12:34:56 GMT" — IMF-fixdate (Last-Modified, Expires), whole seconds.
std::string FormatHttpDate(SysMillis t);

// Epoch seconds as AWS JSON protocols write timestamps: an integer when whole, else 3 decimals.
std::string FormatEpochSeconds(SysMillis t);

// Days since 1970-01-01 → civil date, and back (proleptic Gregorian).
struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
CivilDate CivilFromDays(int64_t days);
int64_t DaysFromCivil(int year, unsigned month, unsigned day);

}  // namespace ot
