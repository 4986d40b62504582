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
       R"({"userName":"alice","path":"/dev/","tags.member.1.Key":"team"})"},
      {"Action=Publish&Message=say+%22hi%22", R"({"message":"say \"hi\""})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.form);
    EXPECT_EQ(QueryParams::Parse(c.form).ToRequestParametersJson(), c.json);
  }
}

}  // namespace
}  // namespace ot::api
