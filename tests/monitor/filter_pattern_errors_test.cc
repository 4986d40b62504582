// Every rejection CompileFilterPattern makes, with its message and 1-based position.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "monitor/filter_pattern.h"
#include "support/matchers.h"

namespace ot::monitor {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

struct Rejection {
  std::string_view pattern;
  std::string_view message;
};

void ExpectRejections(const Rejection* begin, const Rejection* end) {
  for (const Rejection* r = begin; r != end; ++r) {
    SCOPED_TRACE(r->pattern);
    Result<FilterPattern> p = CompileFilterPattern(r->pattern);
    ASSERT_THAT(p, HasError(Error::kInvalidParameter));
    EXPECT_EQ(p.status().message(), r->message);
  }
}

TEST(FilterPatternErrors, JsonPatternsNameTheProblemAndItsPosition) {
  const Rejection cases[] = {
      {"{ $.a = }", "Invalid filter pattern at position 9: expected a value after '='"},
      {"{ $.a != && $.b = 1 }",
       "Invalid filter pattern at position 10: expected a value after '!='"},
      {"{ $.a }", "Invalid filter pattern at position 7: expected an operator after '$.a'"},
      {"{ $.a == 1 }", "Invalid filter pattern at position 8: expected a value after '='"},
      {"{ $.a => 1 }", "Invalid filter pattern at position 8: expected a value after '='"},
      {"{ $.a IS NOT NULL }",
       "Invalid filter pattern at position 10: IS NOT is not supported (use NOT EXISTS or '!=')"},
      {"{ $.a EXISTS }",
       "Invalid filter pattern at position 7: EXISTS is not supported (use NOT EXISTS, or = "
       "\"*\")"},
      {"{ $.a NOT THERE }", "Invalid filter pattern at position 11: expected EXISTS after NOT"},
      {"{ $.a IS MAYBE }",
       "Invalid filter pattern at position 10: expected NULL, TRUE or FALSE after IS"},
      {"{ $.a LIKE 1 }", "Invalid filter pattern at position 7: expected an operator after '$.a'"},
      {"{ $.a > abc }", "Invalid filter pattern at position 9: expected a number after '>'"},
      {"{ $.a >= 1* }", "Invalid filter pattern at position 10: expected a number after '>='"},
      {"{ $.a < %x% }", "Invalid filter pattern at position 9: expected a number after '<'"},
      {"{ $.a <= \"x\" }", "Invalid filter pattern at position 10: expected a number after '<='"},
      {"{ $.a = \"abc }",
       "Invalid filter pattern at position 9: missing closing '\"' of the value"},
      {"{ $.a = %abc }",
       "Invalid filter pattern at position 9: missing closing '%' of the regular expression"},
      {"{ $.a = 1 && }",
       "Invalid filter pattern at position 14: expected a selector starting with '$.' or '('"},
      {"{ ($.a = 1 }",
       "Invalid filter pattern at position 12: missing ')' for the '(' at position 3"},
      {"{ ($.a = \"x\" $.b = 1) }",
       "Invalid filter pattern at position 14: expected '&&', '||' or ')'"},
      {"{ $.a = 1 ) }", "Invalid filter pattern at position 11: expected '&&', '||' or '}'"},
      {"{ $.a = \"x\" $.b = \"y\" }",
       "Invalid filter pattern at position 13: expected '&&', '||' or '}'"},
      {"{ $.a = 1",
       "Invalid filter pattern at position 10: expected '}' at the end of the pattern"},
      {"{ $.a = 1 } x", "Invalid filter pattern at position 13: unexpected text after '}'"},
      {"{ }", "Invalid filter pattern at position 3: expected a condition after '{'"},
      {"{ a = 1 }",
       "Invalid filter pattern at position 3: expected a selector starting with '$.' or '('"},
      {"{ $a = 1 }", "Invalid filter pattern at position 4: expected '.' after '$'"},
      {"{ $[0] = 1 }", "Invalid filter pattern at position 4: expected '.' after '$'"},
      {"{ $. = 1 }", "Invalid filter pattern at position 5: expected a field name after '.'"},
      {"{ $.a..b = 1 }", "Invalid filter pattern at position 7: expected a field name after '.'"},
      {"{ $.a[x] = 1 }", "Invalid filter pattern at position 7: expected an array index after '['"},
      {"{ $.a[1 = 1 }", "Invalid filter pattern at position 8: expected ']'"},
      {"{ $.a[99999999999] = 1 }", "Invalid filter pattern at position 7: array index too large"},
      {"{ $.a = %x% && $.b = %y% && $.c = %z% }",
       "Invalid filter pattern at position 35: at most 2 regular expressions are allowed in a "
       "pattern"},
      {"{ $.a = %a(b)% }",
       "Invalid filter pattern at position 11: groups '( )' are not supported in regular "
       "expressions"},
  };
  ExpectRejections(std::begin(cases), std::end(cases));
}

TEST(FilterPatternErrors, DeepParenthesesAreRefusedNotRecursed) {
  std::string pattern = "{ ";
  for (int i = 0; i < 100; ++i) pattern += "(";
  pattern += "$.a = 1";
  for (int i = 0; i < 100; ++i) pattern += ")";
  pattern += " }";

  Result<FilterPattern> p = CompileFilterPattern(pattern);

  ASSERT_THAT(p, HasError(Error::kInvalidParameter));
  EXPECT_EQ(p.status().message(),
            "Invalid filter pattern at position 67: parentheses nested too deeply");
}

TEST(FilterPatternErrors, TermPatterns) {
  const Rejection cases[] = {
      {"\"abc", "Invalid filter pattern at position 1: missing closing '\"' of the term"},
      {"ERROR \"a\\\"", "Invalid filter pattern at position 7: missing closing '\"' of the term"},
      {"ERROR -", "Invalid filter pattern at position 7: expected a term after '-'"},
      {"? x", "Invalid filter pattern at position 1: expected a term after '?'"},
  };
  ExpectRejections(std::begin(cases), std::end(cases));
}

TEST(FilterPatternErrors, SpaceDelimitedPatterns) {
  const Rejection cases[] = {
      {"[a, b", "Invalid filter pattern at position 6: expected ']' at the end of the pattern"},
      {"[a,, b]", "Invalid filter pattern at position 4: expected a field name or '...'"},
      {"[]", "Invalid filter pattern at position 2: expected a field name or '...'"},
      {"[a = ]", "Invalid filter pattern at position 6: expected a value after '='"},
      {"[a, a]", "Invalid filter pattern at position 5: duplicate field name 'a'"},
      {"[a = 1 || b = 2]",
       "Invalid filter pattern at position 11: expected 'a': conditions in a field name that "
       "field"},
      {"[a ~ 1]",
       "Invalid filter pattern at position 4: expected an operator, ',' or ']' after 'a'"},
      {"[a = \"x\" y]", "Invalid filter pattern at position 10: expected '&&', '||', ',' or ']'"},
      {"[a] x", "Invalid filter pattern at position 5: unexpected text after ']'"},
      {"[..., = 1]", "Invalid filter pattern at position 7: expected a field name or '...'"},
      {"[... = 1]", "Invalid filter pattern at position 6: expected ',' or ']'"},
      {"[a > x]", "Invalid filter pattern at position 6: expected a number after '>'"},
  };
  ExpectRejections(std::begin(cases), std::end(cases));
}

TEST(FilterPatternErrors, RegularExpressions) {
  const Rejection cases[] = {
      {"%%", "Invalid filter pattern at position 2: empty regular expression"},
      {"%a**%", "Invalid filter pattern at position 4: nested quantifier in a regular expression"},
      {"%[a-%", "Invalid filter pattern at position 2: unterminated '[' in a regular expression"},
      {"%[z-a]%", "Invalid filter pattern at position 4: invalid range in a regular expression"},
      {"%a{2,1}%",
       "Invalid filter pattern at position 3: invalid repeat range in a regular expression"},
      {"%a{x}%",
       "Invalid filter pattern at position 3: expected a count after '{' in a regular "
       "expression"},
      {"%a{2%", "Invalid filter pattern at position 3: unterminated '{' in a regular expression"},
      {"%a{1001}%",
       "Invalid filter pattern at position 3: repeat count above 1000 in a regular expression"},
      {"%a{999}b{999}%", "Invalid filter pattern at position 8: regular expression is too complex"},
      {"%\xc3\xa9%",
       "Invalid filter pattern at position 2: multibyte characters are not supported in regular "
       "expressions"},
      {"%a|%", "Invalid filter pattern at position 3: empty alternative in a regular expression"},
      {"%|a%", "Invalid filter pattern at position 2: empty alternative in a regular expression"},
      {"%*a%", "Invalid filter pattern at position 2: nothing to repeat before '*'"},
      {"%a$b%",
       "Invalid filter pattern at position 3: '$' is only allowed at the end of an alternative"},
      {"%a^b%",
       "Invalid filter pattern at position 3: '^' is only allowed at the start of an "
       "alternative"},
      {"%a\"b%",
       "Invalid filter pattern at position 3: unsupported character '\"' in a regular expression "
       "(escape it with '\\')"},
      {"%\\q%", "Invalid filter pattern at position 2: unsupported escape in a regular expression"},
      {"%a\\%", "Invalid filter pattern at position 3: '\\' at the end of a regular expression"},
      {"%(a)%",
       "Invalid filter pattern at position 2: groups '( )' are not supported in regular "
       "expressions"},
  };
  ExpectRejections(std::begin(cases), std::end(cases));
}

TEST(FilterPatternErrors, LengthLimitCountsCharactersNotBytes) {
  const std::string at_limit(kMaxFilterPatternLength, 'a');
  const std::string over_limit(kMaxFilterPatternLength + 1, 'a');
  std::string multibyte;
  for (size_t i = 0; i < kMaxFilterPatternLength; ++i) multibyte += "\xc3\xa9";

  EXPECT_THAT(CompileFilterPattern(at_limit), IsOk());
  EXPECT_THAT(CompileFilterPattern(multibyte), IsOk());
  Result<FilterPattern> p = CompileFilterPattern(over_limit);
  ASSERT_THAT(p, HasError(Error::kInvalidParameter));
  EXPECT_EQ(p.status().message(), "Invalid filter pattern: longer than 1024 characters");
}

TEST(FilterPatternErrors, ErrorMapsToInvalidParameterException) {
  EXPECT_EQ(ErrorWireName(Error::kInvalidParameter), "InvalidParameterException");
  EXPECT_EQ(ErrorHttpStatus(Error::kInvalidParameter), 400);
}

}  // namespace
}  // namespace ot::monitor
