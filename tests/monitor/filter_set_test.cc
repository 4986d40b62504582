// FilterSet must answer exactly what Matches answers for each of its patterns, on every event:
// fixed patterns and events covering each gate the planner builds, the CIS set over generated
// CloudTrail records, and random patterns over random events.

#include "monitor/filter_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/env.h"
#include "monitor/cis_patterns.h"
#include "monitor/filter_pattern.h"
#include "support/matchers.h"

namespace ot::monitor {
namespace {

using ::ot::testing::IsOk;

std::vector<FilterPattern> CompileAll(const std::vector<std::string>& texts) {
  std::vector<FilterPattern> out;
  for (const std::string& t : texts) {
    Result<FilterPattern> p = CompileFilterPattern(t);
    EXPECT_THAT(p, IsOk()) << t;
    if (p.ok()) out.push_back(*p);
  }
  return out;
}

// Every pattern of `set` against every event, the set's answer against Matches; returns how
// many (pattern, event) pairs matched, so callers can check the test exercised matches at all.
size_t ExpectSameAsMatches(const std::vector<FilterPattern>& patterns,
                           const std::vector<std::string>& events) {
  const FilterSet set(patterns);
  EXPECT_EQ(set.size(), patterns.size());
  EventFields fields("");
  std::vector<uint8_t> matched;
  size_t matches = 0;
  for (const std::string& event : events) {
    fields.Reset(event);
    set.Match(fields, &matched);
    EXPECT_EQ(matched.size(), patterns.size());
    for (size_t i = 0; i < patterns.size(); ++i) {
      const bool want = Matches(patterns[i], EventFields(event));
      EXPECT_EQ(matched[i] != 0, want) << "pattern " << patterns[i].text() << "\nevent " << event;
      matches += want ? 1 : 0;
    }
  }
  return matches;
}

const std::vector<std::string> kEvents = {
    R"({"eventName":"DeleteTrail","eventSource":"cloudtrail.amazonaws.com","errorCode":"AccessDenied"})",
    R"({"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"Root"}})",
    R"({"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"Yes"}})",
    R"({"eventName":"StopLogging","eventName":"DeleteTrail","n":5})",
    R"({"eventName":7,"n":"5","flag":true,"none":null,"list":["a","DeleteX"],"obj":{"k":"v"}})",
    R"({"eventName":"Delete","userIdentity":{"type":"IAMUser","userName":"ana"},"n":12.5})",
    R"({"eventName":"true","flag":"true","n":-3,"list":[{"id":1},{"id":2}]})",
    R"({"userIdentity":{"sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},"eventName":"DeleteBucket"})",
    R"({"errorCode":"Client.UnauthorizedOperation","sourceIPAddress":"10.0.3.7","userAgent":"Terraform/1.6"})",
    R"({"eventName":"Del\u0065teTrail","key\"quoted":"x","é":"ü"})",
    R"(["not","an","object"])",
    R"(plain text AccessDenied by user-3 at 10.0.0.1)",
    R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326)",
    R"({})",
    R"({"eventName":"DeleteTrail",)",  // malformed: not JSON
    R"(   {"eventName":"StopLogging"}   )",
};

TEST(FilterSet, AnswersAsMatchesForEveryKindOfGate) {
  const std::vector<std::string> texts = {
      // equality gates: one text, a folded set, an Or of two texts, the same text twice
      R"({ $.eventName = "DeleteTrail" })",
      R"({ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StopLogging) })",
      R"({ ($.eventName = DeleteTrail) || ($.eventName = StopLogging) })",
      R"({ $.eventName = "DeleteTrail" && $.eventName = "DeleteTrail" })",
      R"({ ($.eventName = "DeleteTrail" || $.eventName = "DeleteTrail" || $.eventName = "DeleteTrail") && $.errorCode = "AccessDenied" })",
      // numbers and booleans compare by text under `=`
      R"({ $.eventName = 7 })",
      R"({ $.eventName = "7" })",
      R"({ $.n = 5 })",
      R"({ $.flag = "true" })",
      R"({ $.flag IS TRUE })",
      R"({ $.eventName = true })",
      // prefix gates, alone and counted with an equality
      R"({ $.eventName = Delete* })",
      R"({ $.eventName = "Delete*" && $.userIdentity.type = "IAMUser" })",
      R"({ $.userIdentity.sessionContext.attributes.mfaAuthenticated = "false" && $.eventName = Delete* })",
      R"({ $.eventName = Delete*Trail })",
      R"({ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" })",
      // presence gates and conditions a missing field satisfies
      R"({ $.errorCode = * })",
      R"({ $.n > 4 })",
      R"({ $.n <= 5 && $.eventName != "DeleteTrail" })",
      R"({ $.none IS NULL })",
      R"({ $.missing NOT EXISTS })",
      R"({ $.errorCode NOT EXISTS && $.eventName = "ConsoleLogin" })",
      R"({ $.additionalEventData.MFAUsed != "Yes" && $.eventName = "ConsoleLogin" })",
      R"({ $.eventName != "HeadBucket" || $.sourceIPAddress != "delivery.logs.amazonaws.com" })",
      // arrays, objects, nesting, regexes
      R"({ $.list[1] = "DeleteX" })",
      R"({ $.list[1].id = 2 })",
      R"({ $.list[0] = "a" && $.list[1] = Delete* })",
      R"({ $.obj.k = "v" || $.userIdentity.userName = "ana" })",
      R"({ $.obj = "v" })",
      R"({ $.eventName = %^Del.*Trail$% })",
      R"({ $.sourceIPAddress = 10.0.3.* || $.userAgent = *Terraform* })",
      R"({ ($.eventName = "ConsoleLogin" && $.userIdentity.type = "Root") || $.errorCode = "AccessDenied" })",
      // other kinds, evaluated as single patterns
      R"("AccessDenied" ?"user-3")",
      R"(-AccessDenied)",
      R"(%user-[0-9]%)",
      R"([ip, id, user, ts, req, status = 200, size])",
      R"()",
  };
  const size_t matches = ExpectSameAsMatches(CompileAll(texts), kEvents);
  EXPECT_GT(matches, 40u);
}

std::vector<std::string> GeneratedEvents() {
  Result<std::string> text = RealFileSystem().ReadFile(std::string(OT_SOURCE_DIR) +
                                                       "/tests/fixtures/events/generated.jsonl");
  EXPECT_THAT(text, IsOk());
  std::vector<std::string> lines;
  if (!text.ok()) return lines;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    if (end > start) lines.push_back(text->substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST(FilterSet, AnswersAsMatchesForTheCisSetOnGeneratedRecords) {
  std::vector<std::string> texts;
  for (const CisControl& c : CisControls()) texts.push_back(std::string(c.pattern));
  texts.push_back(R"({ $.eventName = "AssumeRole" })");
  texts.push_back(
      R"({ $.userIdentity.sessionContext.attributes.mfaAuthenticated = "false" && $.eventName = Get* })");
  texts.push_back(R"({ $.resources[0].ARN = "arn:aws:kms:*" })");
  texts.push_back(R"("AssumeRole" -"Decrypt")");
  std::vector<std::string> events = GeneratedEvents();
  ASSERT_GT(events.size(), 100u);
  const size_t matches = ExpectSameAsMatches(CompileAll(texts), events);
  EXPECT_GT(matches, events.size());
}

TEST(FilterSet, EmptySetAndNonJsonEvents) {
  const FilterSet empty;
  std::vector<uint8_t> matched{1, 1};
  empty.Match(EventFields(R"({"a":1})"), &matched);
  EXPECT_TRUE(matched.empty());
  ExpectSameAsMatches(CompileAll({R"({ $.a NOT EXISTS })", R"({ $.a != 1 })"}),
                      {"not json", "", "[1]", "null", "{\"a\":1}"});
}

// Random patterns built from a pool of conditions over random small events: the planner's
// analysis (gates, counted tests, shared conditions) must never change an answer.
TEST(FilterSet, AnswersAsMatchesForRandomPatternsAndEvents) {
  std::mt19937 rng(20261127);
  const std::vector<std::string> fields = {"$.a", "$.b", "$.c.d", "$.e[0]", "$.e[1].f"};
  const std::vector<std::string> values = {"x", "y", "xy", "1", "2"};
  const std::vector<std::string> ops = {"= \"x\"",  "= \"y\"", "= x*",     "= *y",    "= 1",
                                        "!= \"x\"", "> 1",     "<= 2",     "IS NULL", "NOT EXISTS",
                                        "IS TRUE",  "= *",     "= \"xy\"", "!= 2"};
  auto pick = [&rng](const auto& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  std::function<std::string(int)> expr = [&](int depth) -> std::string {
    const int kind = std::uniform_int_distribution<int>(0, depth > 2 ? 0 : 3)(rng);
    if (kind <= 1) return pick(fields) + " " + pick(ops);
    const int n = std::uniform_int_distribution<int>(2, 4)(rng);
    std::string out = "(";
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += kind == 2 ? " && " : " || ";
      out += expr(depth + 1);
    }
    return out + ")";
  };
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) texts.push_back("{ " + expr(0) + " }");
  auto value = [&]() -> std::string {
    switch (std::uniform_int_distribution<int>(0, 6)(rng)) {
      case 0:
        return "null";
      case 1:
        return "true";
      case 2:
        return pick(values);
      case 3:
        return "{\"d\":\"" + pick(values) + "\"}";
      default:
        return "\"" + pick(values) + "\"";
    }
  };
  std::vector<std::string> events;
  for (int i = 0; i < 300; ++i) {
    std::string e = "{";
    bool first = true;
    for (const char* key : {"a", "b", "c", "e", "a"}) {
      if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) continue;
      if (!first) e += ",";
      first = false;
      e += std::string("\"") + key + "\":";
      if (std::string_view(key) == "c") {
        e += "{\"d\":" + value() + "}";
      } else if (std::string_view(key) == "e") {
        e += "[" + value() + ",{\"f\":" + value() + "}]";
      } else {
        e += value();
      }
    }
    events.push_back(e + "}");
  }
  const size_t matches = ExpectSameAsMatches(CompileAll(texts), events);
  EXPECT_GT(matches, 1000u);
}

}  // namespace
}  // namespace ot::monitor
