#include "common/time.h"

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace ot {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

TEST(Iso8601, FormatsWholeSecondsInUtc) {
  SysMillis t(std::chrono::milliseconds(1714566896123));

  EXPECT_EQ(FormatIso8601(t), "2024-05-01T12:34:56Z");
  EXPECT_EQ(FormatIso8601Millis(t), "2024-05-01T12:34:56.123Z");
  EXPECT_EQ(FormatAmzDate(t), "20240501T123456Z");
  EXPECT_EQ(FormatEpochSeconds(t), "1714566896.123");
}

TEST(Iso8601, ParsesTheFormsClientsSend) {
  struct Case {
    std::string_view text;
    int64_t millis;
  };
  const Case cases[] = {
      {"2024-05-01T12:34:56Z", 1714566896000},
      {"2024-05-01T12:34:56.123Z", 1714566896123},
      {"2024-05-01T12:34:56.123456Z", 1714566896123},
      {"2024-05-01T14:34:56+02:00", 1714566896000},
      {"2024-05-01T12:34:56+0000", 1714566896000},
      {"20240501T123456Z", 1714566896000},
      {"1969-12-31T23:59:59Z", -1000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = ParseIso8601(c.text);
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->time_since_epoch().count(), c.millis);
  }
}

TEST(Iso8601, RejectsMalformedText) {
  for (std::string_view text : {"", "2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T12:34:56Q",
                                "2024-05-01T12:34:56Z trailing", "yesterday"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(ParseIso8601(text), HasError(Error::kValidation));
  }
}

TEST(CivilDays, RoundTripsAcrossCenturies) {
  for (int64_t d = -800000; d < 800000; d += 997) {
    CivilDate c = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
}

}  // namespace
}  // namespace ot

namespace ot {
namespace {

TEST(HttpDate, FormatsImfFixdateAndRoundTrips) {
  auto t = ParseIso8601("2024-05-01T12:34:56.789Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatHttpDate(*t), "Wed, 01 May 2024 12:34:56 GMT");
  EXPECT_EQ(FormatHttpDate(SysMillis{}), "Thu, 01 Jan 1970 00:00:00 GMT");
  auto back = ParseHttpDate(FormatHttpDate(*t));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->time_since_epoch().count(), 1714566896000);
}

TEST(HttpDate, ParsesImfFixdateAndRejectsOtherForms) {
  auto t = ParseHttpDate("Wed, 01 May 2024 12:34:56 GMT");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->time_since_epoch().count(), 1714566896000);
  EXPECT_TRUE(ParseHttpDate("01 May 2024 12:34:56 GMT").ok());
  for (std::string_view bad : {"Wed, 01 Foo 2024 12:34:56 GMT", "Wed, 01 May 2024 12:34:56 UTC",
                               "2024-05-01T12:34:56Z", "Wed, 32 May 2024 12:34:56 GMT", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseHttpDate(bad).ok());
  }
}

}  // namespace
}  // namespace ot
