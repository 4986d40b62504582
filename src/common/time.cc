#include "common/time.h"

#include <cstdio>

namespace ot {
namespace {

struct Parts {
  CivilDate date;
  int hour, minute, second, millis;
};

Parts Split(SysMillis t) {
  int64_t ms = t.time_since_epoch().count();
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rem = ms - days * 86400000;
  Parts p;
  p.date = CivilFromDays(days);
  p.hour = static_cast<int>(rem / 3600000);
  p.minute = static_cast<int>(rem / 60000 % 60);
  p.second = static_cast<int>(rem / 1000 % 60);
  p.millis = static_cast<int>(rem % 1000);
  return p;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

Status Bad(std::string_view text) {
  return Status(Error::kValidation, "invalid timestamp '" + std::string(text.substr(0, 64)) +
                                        "': expected ISO-8601 such as 2024-05-01T12:34:56Z");
}

}  // namespace

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2)), m, d};
}

int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string FormatIso8601(SysMillis t) {
  Parts p = Split(t);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02dZ", p.date.year, p.date.month,
                p.date.day, p.hour, p.minute, p.second);
  return buf;
}

std::string FormatIso8601Millis(SysMillis t) {
  Parts p = Split(t);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", p.date.year, p.date.month,
                p.date.day, p.hour, p.minute, p.second, p.millis);
  return buf;
}

std::string FormatAmzDate(SysMillis t) {
  Parts p = Split(t);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d%02u%02uT%02d%02d%02dZ", p.date.year, p.date.month,
                p.date.day, p.hour, p.minute, p.second);
  return buf;
}

std::string FormatEpochSeconds(SysMillis t) {
  int64_t ms = t.time_since_epoch().count();
  char buf[40];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(ms / 1000));
  } else {
    std::snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(ms) / 1000.0);
  }
  return buf;
}

std::string FormatHttpDate(SysMillis t) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Parts p = Split(t);
  int64_t days = DaysFromCivil(p.date.year, p.date.month, p.date.day);
  int64_t weekday = ((days % 7) + 7) % 7;  // 1970-01-01 was a Thursday
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[weekday], p.date.day,
                kMonths[p.date.month - 1], p.date.year, p.hour, p.minute, p.second);
  return buf;
}

Result<SysMillis> ParseHttpDate(std::string_view text) {
  std::string_view s = text;
  if (size_t comma = s.find(", "); comma != s.npos) s.remove_prefix(comma + 2);
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int day, year, hour, minute, second;
  if (s.size() != 24 || !Digits(s, 0, 2, &day) || s[2] != ' ' || s[6] != ' ' ||
      !Digits(s, 7, 4, &year) || s[11] != ' ' || !Digits(s, 12, 2, &hour) || s[14] != ':' ||
      !Digits(s, 15, 2, &minute) || s[17] != ':' || !Digits(s, 18, 2, &second) ||
      s.substr(20) != " GMT") {
    return Bad(text);
  }
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (kMonths[i] == s.substr(3, 3)) month = i + 1;
  }
  if (month == 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return Bad(text);
  int64_t days = DaysFromCivil(year, month, static_cast<unsigned>(day));
  return SysMillis(std::chrono::seconds(days * 86400 + hour * 3600 + minute * 60 + second));
}

Result<SysMillis> ParseIso8601(std::string_view s) {
  int year, month, day, hour, minute, second;
  size_t pos;
  if (s.size() >= 16 && s[8] == 'T' && s[4] != '-') {  // basic form YYYYMMDDTHHMMSSZ
    if (!Digits(s, 0, 4, &year) || !Digits(s, 4, 2, &month) || !Digits(s, 6, 2, &day) ||
        !Digits(s, 9, 2, &hour) || !Digits(s, 11, 2, &minute) || !Digits(s, 13, 2, &second)) {
      return Bad(s);
    }
    pos = 15;
  } else {
    if (s.size() < 19 || !Digits(s, 0, 4, &year) || s[4] != '-' || !Digits(s, 5, 2, &month) ||
        s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
        !Digits(s, 17, 2, &second)) {
      return Bad(s);
    }
    pos = 19;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return Bad(s);
  }
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return Bad(s);
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh)) return Bad(s);
    size_t mpos = pos + 3;
    if (mpos < s.size() && s[mpos] == ':') ++mpos;
    if (!Digits(s, mpos, 2, &om)) return Bad(s);
    offset_minutes = sign * (oh * 60 + om);
    pos = mpos + 2;
  } else if (pos != s.size()) {
    return Bad(s);
  }
  if (pos != s.size()) return Bad(s);
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return SysMillis(std::chrono::milliseconds(secs * 1000 + millis));
}

}  // namespace ot
