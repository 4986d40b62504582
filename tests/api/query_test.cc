// Tests src/api/protocol/query.cc: AWS Query form decoding (protocols.md §1.1) and the
// requestParameters CloudTrail records for Query calls.

#include "api/protocol/query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace ot::api {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(QueryParams, DecodesFormBodies) {
  struct Case {
    std::string_view form;
    Params params;
  };
  const Case cases[] = {
      {"Action=GetCallerIdentity&Version=2011-06-15",
       {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}},
      {"Message=hello+%26+bye", {{"Message", "hello & bye"}}},
      {"Path=%2Fdev%2F&Name=a%2Ab~c", {{"Path", "/dev/"}, {"Name", "a*b~c"}}},
      {"Key%2B1=caf%C3%A9", {{"Key+1", "caf\xC3\xA9"}}},
      {"Plus=%2B", {{"Plus", "+"}}},
      {"AlarmNames=", {{"AlarmNames", ""}}},
      {"Flag", {{"Flag", ""}}},
      {"A=1=2", {{"A", "1=2"}}},
      {"&&A=1&&B=2&", {{"A", "1"}, {"B", "2"}}},
      {"", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.form);
    EXPECT_EQ(QueryParams::Parse(c.form).all(), c.params);
  }
}

TEST(QueryParams, KeepsArrivalOrder) {
  QueryParams p = QueryParams::Parse("Z=1&A=2&M=3");

  EXPECT_EQ(p.all(), (Params{{"Z", "1"}, {"A", "2"}, {"M", "3"}}));
}

TEST(QueryParams, GetFindsDecodedNamesCaseSensitively) {
  QueryParams p = QueryParams::Parse("Action=GetCallerIdentity&User+Name=a+b");

  EXPECT_EQ(p.Get("Action"), std::optional<std::string_view>("GetCallerIdentity"));
  EXPECT_EQ(p.Get("User Name"), std::optional<std::string_view>("a b"));
  EXPECT_EQ(p.Get("action"), std::nullopt);
  EXPECT_EQ(p.Get("Missing"), std::nullopt);
}

TEST(QueryParams, GetReturnsTheFirstOfRepeatedNames) {
  QueryParams p = QueryParams::Parse("A=1&A=2");

  EXPECT_EQ(p.Get("A"), std::optional<std::string_view>("1"));
}

TEST(QueryParams, RequestParametersLeaveOutActionAndVersionAndLowerKeys) {
  struct Case {
    std::string_view form;
    std::string_view json;
  };
  const Case cases[] = {
      {"Action=GetCallerIdentity&Version=2011-06-15", "null"},
      {"", "null"},
      {"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600",
       R"({"durationSeconds":"3600"})"},
      {"Action=CreateUser&UserName=alice&Path=%2Fdev%2F&Tags.member.1.Key=team",
       R"({"userName":"alice","path":"/dev/","tags":[{"key":"team"}]})"},
      {"Action=Publish&Message=say+%22hi%22", R"({"message":"say \"hi\""})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.form);
    EXPECT_EQ(QueryParams::Parse(c.form).ToRequestParametersJson(), c.json);
  }
}

TEST(QueryParams, RequestParametersRebuildListsAndStructures) {
  struct Case {
    std::string_view form;
    std::string_view json;
  };
  const Case cases[] = {
      {"Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1",
       R"({"tags":[{"key":"a","value":"1"},{"key":"b","value":"2"}]})"},
      {"ActionNames.member.10=x&ActionNames.member.9=y", R"({"actionNames":["y","x"]})"},
      {"ContextEntries.member.1.ContextKeyName=aws%3AMultiFactorAuthPresent"
       "&ContextEntries.member.1.ContextKeyValues.member.1=true"
       "&ContextEntries.member.1.ContextKeyType=boolean",
       R"({"contextEntries":[{"contextKeyName":"aws:MultiFactorAuthPresent",)"
       R"("contextKeyValues":["true"],"contextKeyType":"boolean"}]})"},
      {"Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=CT",
       R"({"attributes":[{"key":"DisplayName","value":"CT"}]})"},
      {"AlarmNames=", R"({"alarmNames":""})"},
      // Collisions and odd names stay flat, the first value wins.
      {"A=1&A.B=2", R"({"a":"1","a.B":"2"})"},
      {"A.B=1&A.member.1=2", R"({"a":{"b":"1"},"a.member.1":"2"})"},
      {"member.1=x", R"({"member.1":"x"})"},
      {"A=1&A=2", R"({"a":"1"})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.form);
    EXPECT_EQ(QueryParams::Parse(c.form).ToRequestParametersJson(), c.json);
  }
}

TEST(QueryParams, RequestParametersLeaveOutMfaCodesAndPasswords) {
  QueryParams p = QueryParams::Parse(
      "Action=EnableMFADevice&UserName=alice&SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fa"
      "&AuthenticationCode1=123456&AuthenticationCode2=654321&TokenCode=111111&Password=pw");

  std::string json = p.ToRequestParametersJson();

  EXPECT_EQ(json, R"({"userName":"alice","serialNumber":"arn:aws:iam::1:mfa/a"})");
}

}  // namespace
}  // namespace ot::api
