// Or-lists of plain equalities on one selector are folded into one set lookup at compile time;
// these cases pin that the folded form answers exactly as the conditions would.

#include <gtest/gtest.h>

#include <string_view>

#include "monitor/filter_pattern.h"

namespace ot::monitor {
namespace {

bool MatchOrDie(std::string_view pattern, std::string_view event) {
  auto p = CompileFilterPattern(pattern);
  EXPECT_TRUE(p.ok()) << pattern;
  return p.ok() && Matches(*p, EventFields(event));
}

TEST(EqualitySets, FoldedOrListsMatchLikeTheirConditions) {
  constexpr std::string_view kList =
      "{ ($.e = A) || ($.e = \"Bb\") || ($.e = Ccc) || ($.e = D*) || ($.f = A) || ($.e = 7x) }";
  struct Case {
    std::string_view pattern, event;
    bool match;
  };
  const Case cases[] = {
      {kList, R"({"e":"A"})", true},
      {kList, R"({"e":"Bb"})", true},
      {kList, R"({"e":"Ccc"})", true},
      {kList, R"({"e":"7x"})", true},
      {kList, R"({"e":"Dzz"})", true},  // the wildcard stays a condition
      {kList, R"({"f":"A"})", true},    // another selector stays a condition
      {kList, R"({"e":"B"})", false},
      {kList, R"({"e":"bb"})", false},    // case-sensitive
      {kList, R"({"e":"Cccc"})", false},  // same prefix, other length
      {kList, R"({"e":["A"]})", false},   // arrays never equal a text
      {kList, R"({"e":null})", false},
      {kList, "A", false},  // not JSON
      {"{ $.n = a || $.n = true || $.n = b }", R"({"n":true})", true},
      {"{ $.n = a || $.n = 12x || $.n = b }", R"({"n":"12x"})", true},
      {"{ $.n = a || $.n = b || $.n = c && $.m = 1 }", R"({"n":"c","m":2})", false},
      {"{ $.n = a || $.n = b || $.n = c && $.m = 1 }", R"({"n":"b","m":2})", true},
      {"{ $.n != a || $.n = b || $.n = c }", R"({"n":"a"})", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.pattern) + " on " + std::string(c.event));
    EXPECT_EQ(MatchOrDie(c.pattern, c.event), c.match);
  }
}

}  // namespace
}  // namespace ot::monitor
