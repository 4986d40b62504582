#include "monitor/filter_pattern.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "support/matchers.h"

namespace ot::monitor {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

bool MatchOrDie(std::string_view pattern, std::string_view event) {
  Result<FilterPattern> p = CompileFilterPattern(pattern);
  EXPECT_THAT(p, IsOk()) << pattern;
  if (!p.ok()) return false;
  return Matches(*p, EventFields(event));
}

struct Case {
  std::string_view pattern;
  bool match;
};

// spec §3, event E1.
constexpr std::string_view kE1 =
    R"({"eventType":"UpdateTrail","sourceIPAddress":"198.51.100.7","tags":["blue","green"],)"
    R"("items":[{"name":"a","id":1},{"name":"b","id":2}],"note":null,"size":80,"ok":true})";

TEST(FilterPattern, MatchesSpecVectorsForEventE1) {
  const Case cases[] = {
      {R"({ $.eventType = "UpdateTrail" })", true},
      {R"({ $.eventType = Update* })", true},
      {R"({ $.eventType = "update*" })", false},
      {R"({ $.sourceIPAddress != 203.0.* })", true},
      {R"({ $.tags[1] = "green" })", true},
      {R"({ $.items[1].id = 2 })", true},
      {R"({ $.items = "x" })", false},
      {R"({ $.items[0] = "x" })", false},
      {R"({ $.note IS NULL })", true},
      {R"({ $.missing NOT EXISTS })", true},
      {R"({ $.missing != "x" })", false},
      {R"({ $.size > 75 })", true},
      {R"({ $.size <= 8e1 })", true},
      {R"({ $.ok IS TRUE })", true},
      {R"({ $.eventType = %^Upd% })", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kE1), c.match);
  }
}

// spec §3, event E2.
constexpr std::string_view kE2 =
    R"({"user":{"id":1,"email":"ana@example.com"},"users":[{"id":2,"email":"bo@example.com"}],)"
    R"("actions":["GET","PUT","DELETE"],"grid":[[0,1,2],[4,5,6]]})";

TEST(FilterPattern, MatchesSpecVectorsForEventE2) {
  const Case cases[] = {
      {R"({ ($.user.id = 1) && ($.users[0].email = "bo@example.com") })", true},
      {R"({ $.user.email = "ana@example.com" || $.grid[0][1] = "x" && $.actions[2] = "x" })", true},
      {R"({ ($.user.email = "ana@example.com" || $.grid[0][1] = "x") && $.actions[2] = "x" })",
       false},
      {R"({ ($.user.id = 2 && $.users[0].email = "x") || $.actions[2] = "GET" })", false},
      {R"({ $.grid[1][2] = 6 })", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kE2), c.match);
  }
}

constexpr std::string_view kTyped =
    R"({"s":"abc","n":-12.5,"i":42,"big":1.5e3,"t":true,"f":false,"z":null,"o":{"k":"v"},)"
    R"("a":[1,2],"num_text":"42","star":"a*b","quote":"say \"hi\"","empty":"",)"
    R"("x-amz-id":"h","@timestamp":"now","ns:key":"v","u":"Ünïcode"})";

TEST(FilterPattern, EqualityAndInequalityFollowTheFieldType) {
  const Case cases[] = {
      {R"({ $.s = "abc" })", true},
      {R"({ $.s = abc })", true},
      {R"({ $.s = "ab" })", false},
      {R"({ $.s != "ab" })", true},
      {R"({ $.s != "abc" })", false},
      {R"({ $.s = "ABC" })", false},
      {R"({ $.s = * })", true},
      {R"({ $.s = "*" })", true},
      {R"({ $.empty = "*" })", true},
      {R"({ $.empty = "" })", true},
      {R"({ $.s = a*c })", true},
      {R"({ $.s = *b* })", true},
      {R"({ $.s = *bc })", true},
      {R"({ $.s = ab*bc })", false},
      {R"({ $.s = a**c })", true},
      {R"({ $.star = "a\*b" })", true},
      {R"({ $.s = "a\*c" })", false},
      {R"({ $.quote = "say \"hi\"" })", true},
      {R"({ $.quote = say* })", true},
      {R"({ $.i = 42 })", true},
      {R"({ $.i = 42.0 })", true},
      {R"({ $.i = 4.2e1 })", true},
      {R"({ $.i != 42 })", false},
      {R"({ $.i != 41 })", true},
      {R"({ $.i = "42" })", true},
      {R"({ $.i = 4* })", true},
      {R"({ $.num_text = 42 })", true},
      {R"({ $.num_text = 42.0 })", false},
      {R"({ $.num_text != 42.0 })", true},
      {R"({ $.n = -12.5 })", true},
      {R"({ $.big = 1500 })", true},
      {R"({ $.t = true })", true},
      {R"({ $.t = false })", false},
      {R"({ $.t != false })", true},
      {R"({ $.t = "true" })", true},
      {R"({ $.f = false })", true},
      {R"({ $.z = null })", true},
      {R"({ $.z = "null" })", false},
      {R"({ $.z != "x" })", false},
      {R"({ $.s != null })", true},
      {R"({ $.o = "*" })", false},
      {R"({ $.o != "x" })", false},
      {R"({ $.a != "x" })", false},
      {R"({ $.a[5] != "x" })", false},
      {R"({ $.s.deeper != "x" })", false},
      {R"({ $.x-amz-id = h })", true},
      {R"({ $.@timestamp = now })", true},
      {R"({ $.ns:key = v })", true},
      {R"({ $.u = "Ünïcode" })", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kTyped), c.match);
  }
}

TEST(FilterPattern, NumericComparisonsNeedAJsonNumber) {
  const Case cases[] = {
      {R"({ $.i > 41 })", true},        {R"({ $.i > 42 })", false},
      {R"({ $.i >= 42 })", true},       {R"({ $.i < 43 })", true},
      {R"({ $.i < 42 })", false},       {R"({ $.i <= 42 })", true},
      {R"({ $.n < -12 })", true},       {R"({ $.n > -13 })", true},
      {R"({ $.n >= -1.25e1 })", true},  {R"({ $.big > 1.4E+3 })", true},
      {R"({ $.big < 1.4e3 })", false},  {R"({ $.i > +41 })", true},
      {R"({ $.num_text > 1 })", false}, {R"({ $.t > 0 })", false},
      {R"({ $.missing < 1 })", false},  {R"({ $.i > 1e400 })", false},
      {R"({ $.i > -1e400 })", true},    {R"({ $.i > "41" })", true},
      {R"({ $.i<43 })", true},          {R"({ $.i>=42&&$.n<0 })", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kTyped), c.match);
  }
}

TEST(FilterPattern, PostfixConditionsTestPresenceAndLiterals) {
  const Case cases[] = {
      {R"({ $.z IS NULL })", true},        {R"({ $.s IS NULL })", false},
      {R"({ $.missing IS NULL })", false}, {R"({ $.t IS TRUE })", true},
      {R"({ $.f IS TRUE })", false},       {R"({ $.f IS FALSE })", true},
      {R"({ $.s IS FALSE })", false},      {R"({ $.missing NOT EXISTS })", true},
      {R"({ $.z NOT EXISTS })", false},    {R"({ $.o.k NOT EXISTS })", false},
      {R"({ $.o.q NOT EXISTS })", true},   {R"({ $.a[2] NOT EXISTS })", true},
      {R"({ $.s is null })", false},       {R"({ $.missing not exists })", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kTyped), c.match);
  }
}

TEST(FilterPattern, RegexValuesSearchStringFields) {
  const Case cases[] = {
      {R"({ $.s = %b% })", true},           {R"({ $.s = %^b% })", false},
      {R"({ $.s = %^ab% })", true},         {R"({ $.s = %c$% })", true},
      {R"({ $.s = %^a.c$% })", true},       {R"({ $.s = %^[a-c]{3}$% })", true},
      {R"({ $.s = %^[a-c]{4}$% })", false}, {R"({ $.s != %x% })", true},
      {R"({ $.i = %42% })", false},         {R"({ $.num_text = %^\d+$% })", true},
      {R"({ $.s = %x|bc% })", true},        {R"({ $.missing != %x% })", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kTyped), c.match);
  }
}

TEST(FilterPattern, AndBindsTighterThanOrAndParenthesesOverride) {
  const Case cases[] = {
      {R"({ $.s = "x" || $.i = 42 && $.t IS TRUE })", true},
      {R"({ $.s = "abc" || $.i = 0 && $.t IS FALSE })", true},
      {R"({ ($.s = "abc" || $.i = 0) && $.t IS FALSE })", false},
      {R"({ (($.s = "abc")) })", true},
      {R"({ ($.s = "x" || ($.i = 42 && ($.n < 0 || $.z = "y"))) })", true},
      {R"({ $.s = "abc" && $.i = 42 && $.t IS TRUE && $.f IS FALSE })", true},
      {R"({ $.s = "x" || $.i = 1 || $.n = 2 || $.z NOT EXISTS })", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kTyped), c.match);
  }
}

TEST(FilterPattern, BareValuesRunToTheNextOperatorAndAreTrimmed) {
  constexpr std::string_view kEvent =
      R"({"errorMessage":"Failed authentication","src":"kms.amazonaws.com","ip":"123.123.4.5",)"
      R"j("p":"f(x)"})j";
  const Case cases[] = {
      {R"({ $.errorMessage = Failed authentication })", true},
      {R"({ ($.errorMessage = Failed authentication) })", true},
      {R"({ $.src = kms.amazonaws.com && $.ip = 123.123.* })", true},
      {R"({ $.ip =123.123.*})", true},
      {R"({ $.p = f(x) })", true},
      {R"({ ($.p = f(x)) })", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kEvent), c.match);
  }
}

TEST(FilterPattern, NonJsonMessagesNeverMatchJsonPatterns) {
  const std::string_view patterns[] = {R"({ $.a NOT EXISTS })", R"({ $.a != "x" })"};
  const std::string_view messages[] = {"plain text", R"({"a":)", "[1,2]", "", "  ", "null"};
  for (std::string_view p : patterns) {
    for (std::string_view m : messages) {
      SCOPED_TRACE(std::string(p) + " on " + std::string(m));
      EXPECT_FALSE(MatchOrDie(p, m));
    }
  }
}

TEST(FilterPattern, EmptyPatternMatchesEverything) {
  for (std::string_view pattern : {"", "   ", "\t\n"}) {
    Result<FilterPattern> p = CompileFilterPattern(pattern);
    ASSERT_THAT(p, IsOk());

    EXPECT_EQ(p->kind(), PatternKind::kEmpty);
    EXPECT_TRUE(Matches(*p, EventFields("anything")));
    EXPECT_TRUE(Matches(*p, EventFields("")));
    EXPECT_TRUE(Matches(*p, EventFields(R"({"a":1})")));
  }
}

TEST(FilterPattern, TermsMatchSubstringsCaseSensitively) {
  constexpr std::string_view kLine = "2026-11-01 ERROR [main] Connection reset: peer=10.0.0.1";
  const Case cases[] = {
      {"ERROR", true},
      {"error", false},
      {"ERROR main", true},
      {"ERROR WARN", false},
      {"?ERROR ?WARN", true},
      {"?WARN ?FATAL", false},
      {"ERROR -WARN", true},
      {"ERROR -reset", false},
      {"ERROR -Connection", false},
      {R"("Connection reset")", true},
      {R"("reset Connection")", false},
      {R"("peer=10.0.0.1")", true},
      {R"(ERROR -"Connection reset")", false},
      {R"(?"Connection reset" ?WARN)", true},
      {R"(" ")", true},
      {"main]x", false},
      {"ERR", true},
      {R"("say \"x\"")", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kLine), c.match);
  }
}

TEST(FilterPattern, TermsAlsoSearchJsonMessagesAsText) {
  EXPECT_TRUE(MatchOrDie("ConsoleLogin", R"({"eventName":"ConsoleLogin"})"));
  EXPECT_TRUE(MatchOrDie(R"("\"eventName\"")", R"({"eventName":"ConsoleLogin"})"));
}

TEST(FilterPattern, RegexPatternSearchesTheWholeMessage) {
  constexpr std::string_view kLine = "user=alice action=DeleteBucket status=403";
  const Case cases[] = {
      {"%Delete[A-Za-z]+%", true}, {"%status=4\\d\\d%", true}, {"%status=5\\d\\d%", false},
      {"%^user=%", true},          {"%^action%", false},       {"%403$%", true},
      {"%user=(alice)%", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    if (c.pattern == "%user=(alice)%") {
      EXPECT_THAT(CompileFilterPattern(c.pattern), HasError(Error::kInvalidParameter));
      continue;
    }
    EXPECT_EQ(MatchOrDie(c.pattern, kLine), c.match);
  }
}

constexpr std::string_view kApacheLine =
    R"(127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534)";

TEST(FilterPattern, SpaceDelimitedMatchesColumnsByPosition) {
  const Case cases[] = {
      {"[ip, user, username, timestamp, request, status_code, bytes]", true},
      {"[ip, user, username, timestamp, request, status_code]", false},
      {"[ip, user, username, timestamp, request, status_code, bytes, extra]", false},
      {"[ip, user, username, timestamp, request, status_code = 200, bytes]", true},
      {"[ip, user, username, timestamp, request, status_code = 2*, bytes > 1000]", true},
      {"[ip, user, username, timestamp, request, status_code = 4*, bytes]", false},
      {"[ip, user, username, timestamp, request, status_code != 200, bytes]", false},
      {"[ip, user, username = frank, ...]", true},
      {"[ip = 127.0.0.*, ...]", true},
      {"[..., status_code, bytes < 1000]", false},
      {"[..., status_code, bytes >= 1534]", true},
      {"[ip, ..., bytes]", true},
      {"[..., timestamp = *2000*, ...]", true},
      {"[..., request = \"GET *\", ...]", true},
      {"[..., request = %apache_pb%, ...]", true},
      {"[...]", true},
      {"[ip, user, username, timestamp = \"10/Oct/2000:13:25:15 -0700\", ...]", true},
      {"[..., status_code = 404 || status_code = 200, bytes]", true},
      {"[..., status_code = 404 || status_code = 410, bytes]", false},
      {"[..., status_code >= 200 && status_code < 300, bytes]", true},
      {"[..., status_code > 200 && status_code < 300, bytes]", false},
      {"[a, b, ..., c = 200, d = 1534]", true},
      {"[a, ..., c = 1534, ..., d]", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(MatchOrDie(c.pattern, kApacheLine), c.match);
  }
}

TEST(FilterPattern, SpaceDelimitedExtractsNamedFields) {
  Result<FilterPattern> p = CompileFilterPattern("[ip, user, ..., request, status, bytes]");
  ASSERT_THAT(p, IsOk());
  EventFields event(kApacheLine);

  ASSERT_TRUE(Matches(*p, event));
  const std::vector<ExtractedValue> values = ExtractValues(*p, event);

  EXPECT_THAT(p->selectors(),
              ::testing::ElementsAre("$ip", "$user", "$request", "$status", "$bytes"));
  EXPECT_THAT(values, ::testing::ElementsAre(
                          ExtractedValue{"$ip", "127.0.0.1"}, ExtractedValue{"$user", "-"},
                          ExtractedValue{"$request", "GET /apache_pb.gif HTTP/1.0"},
                          ExtractedValue{"$status", "200"}, ExtractedValue{"$bytes", "1534"}));
}

TEST(FilterPattern, JsonExtractsReferencedSelectorsThatArePresent) {
  Result<FilterPattern> p = CompileFilterPattern(
      R"({ $.s = "abc" && ($.i > 1 || $.missing NOT EXISTS) && $.o.k = v && $.s != "q" && )"
      R"($.a[1] = 2 && $.o NOT EXISTS || $.z IS NULL })");
  ASSERT_THAT(p, IsOk());
  EventFields event(kTyped);

  const std::vector<ExtractedValue> values = ExtractValues(*p, event);

  EXPECT_THAT(p->selectors(),
              ::testing::ElementsAre("$.s", "$.i", "$.missing", "$.o.k", "$.a[1]", "$.o", "$.z"));
  EXPECT_THAT(values, ::testing::ElementsAre(
                          ExtractedValue{"$.s", "abc"}, ExtractedValue{"$.i", "42"},
                          ExtractedValue{"$.o.k", "v"}, ExtractedValue{"$.a[1]", "2"},
                          ExtractedValue{"$.o", R"({"k":"v"})"}, ExtractedValue{"$.z", "null"}));
}

TEST(FilterPattern, KeepsTheTextVerbatimAndReportsKindAndRegexCount) {
  const std::string text = "  {($.eventSource = kms.amazonaws.com) && ($.a = %x% || $.b = %y%)} ";

  Result<FilterPattern> p = CompileFilterPattern(text);

  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->text(), text);
  EXPECT_EQ(p->kind(), PatternKind::kJson);
  EXPECT_EQ(p->regex_count(), 2u);
}

TEST(FilterPattern, OneEventFieldsServesManyPatternsAndResets) {
  Result<FilterPattern> a = CompileFilterPattern(R"({ $.s = "abc" })");
  Result<FilterPattern> b = CompileFilterPattern(R"({ $.i = 42 && $.s = a* })");
  Result<FilterPattern> c = CompileFilterPattern("abc");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EventFields event(kTyped);

  EXPECT_TRUE(Matches(*a, event));
  EXPECT_TRUE(Matches(*b, event));
  EXPECT_TRUE(Matches(*c, event));
  event.Reset(R"({"s":"xyz","i":42})");
  EXPECT_FALSE(Matches(*a, event));
  EXPECT_FALSE(Matches(*b, event));
  EXPECT_FALSE(Matches(*c, event));
  EXPECT_TRUE(event.is_json());
}

// A message parsed in place (Reset with `readable`) ends where its view ends: what follows it in
// the buffer — here bytes that would complete or extend the JSON — is never part of the event.
TEST(FilterPattern, PaddedMessagesAreParsedInPlaceUpToTheirEnd) {
  Result<FilterPattern> a = CompileFilterPattern(R"({ $.s = "abc" })");
  ASSERT_THAT(a, IsOk());
  auto in_buffer = [](std::string_view message, std::string_view after) {
    std::string buffer(message);
    while (buffer.size() < message.size() + EventFields::kEventPadding) buffer.append(after);
    return buffer;
  };
  EventFields event("");

  const std::string whole = in_buffer(R"({"s":"abc"})", "}");
  event.Reset(std::string_view(whole.data(), 11), whole.size());
  EXPECT_TRUE(event.is_json());
  EXPECT_TRUE(Matches(*a, event));

  // Truncated: the closing brace after it in the buffer must not complete it.
  const std::string truncated = in_buffer(R"({"s":"abc")", "}");
  event.Reset(std::string_view(truncated.data(), 10), truncated.size());
  EXPECT_FALSE(event.is_json());
  EXPECT_FALSE(Matches(*a, event));

  // Followed by more members' worth of text: still the one object it is.
  const std::string followed = in_buffer(R"({"s":"abc"})", R"(,"s":"x"})");
  event.Reset(std::string_view(followed.data(), 11), followed.size());
  EXPECT_TRUE(Matches(*a, event));

  // Too little room after the message: parsed from a copy, same answers.
  const std::string tight = R"({"s":"abc"}})";
  event.Reset(std::string_view(tight.data(), 11), tight.size());
  EXPECT_TRUE(Matches(*a, event));
  event.Reset(std::string_view(tight.data(), 10), tight.size());
  EXPECT_FALSE(event.is_json());
}
TEST(FilterPattern, ResolvesManyDistinctSelectorsOnOneEvent) {
  std::string event = "{";
  std::string pattern = "{ ";
  for (int i = 0; i < 200; ++i) {
    if (i > 0) {
      event += ",";
      pattern += " && ";
    }
    event += "\"k" + std::to_string(i) + "\":" + std::to_string(i);
    pattern += "$.k" + std::to_string(i) + " = " + std::to_string(i);
  }
  event += "}";
  pattern += " }";
  ASSERT_LE(pattern.size(), 10000u);
  // Longer than a real pattern may be, so test the pieces: 200 selectors through one event.
  EventFields fields(event);
  for (int i = 0; i < 200; ++i) {
    const std::string one = "{ $.k" + std::to_string(i) + " = " + std::to_string(i) + " }";
    const std::string other = "{ $.k" + std::to_string(i) + " = " + std::to_string(i + 1) + " }";
    Result<FilterPattern> yes = CompileFilterPattern(one);
    Result<FilterPattern> no = CompileFilterPattern(other);
    ASSERT_THAT(yes, IsOk());
    ASSERT_THAT(no, IsOk());
    EXPECT_TRUE(Matches(*yes, fields)) << one;
    EXPECT_FALSE(Matches(*no, fields)) << other;
  }
}

TEST(FilterPattern, RegexCostStaysLinearOnHostileInput) {
  const std::string message(200000, 'a');

  // A backtracking engine takes exponential time here; the state-set simulation does not.
  EXPECT_FALSE(MatchOrDie("%a*a*a*a*a*a*a*a*a*a*a*a*b%", message));
  EXPECT_TRUE(MatchOrDie("%a{3,5}$%", message));
}

}  // namespace
}  // namespace ot::monitor
