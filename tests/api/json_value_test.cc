// Tests src/api/protocol/json_value.cc: parsing request bodies, typed member access and the
// lower-camel requestParameters of JSON-protocol calls (api.md §1, records.md §4).

#include "api/protocol/json_value.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/matchers.h"

namespace ot::api {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::HasSubstr;

std::unique_ptr<JsonDocument> ParseOrDie(std::string_view text) {
  auto doc = JsonDocument::Parse(text);
  EXPECT_THAT(doc, IsOk()) << text;
  return doc.ok() ? std::move(doc).value() : nullptr;
}

TEST(JsonDocument, EmptyBodyParsesAsEmptyObject) {
  for (std::string_view body : {"", "  ", "\r\n\t"}) {
    SCOPED_TRACE(::testing::PrintToString(std::string(body)));
    auto doc = ParseOrDie(body);

    ASSERT_NE(doc, nullptr);
    EXPECT_TRUE(doc->root().is_object());
    EXPECT_TRUE(doc->root().Members().empty());
  }
}

TEST(JsonDocument, MalformedBodyFailsWithSerialization) {
  for (std::string_view body : {"{not json", "{\"a\":}", "{\"a\":1} trailing", "[1,2", "\"open"}) {
    SCOPED_TRACE(body);
    EXPECT_THAT(JsonDocument::Parse(body), HasError(Error::kSerialization));
  }
}

TEST(JsonDocument, ParsesNonObjectRoots) {
  auto doc = ParseOrDie("[1,\"a\"]");

  ASSERT_NE(doc, nullptr);
  EXPECT_TRUE(doc->root().is_array());
  EXPECT_EQ(doc->root().Items().size(), 2u);
}

TEST(JsonValue, GetIsCaseSensitive) {
  auto doc = ParseOrDie(R"({"Name":"a"})");

  EXPECT_TRUE(doc->root().Get("Name").has_value());
  EXPECT_FALSE(doc->root().Get("name").has_value());
}

TEST(MemberNames, FindsEachNameByItsExactBytes) {
  const std::vector<std::string> names = {"a",
                                          "eventName",
                                          "eventSource",
                                          "additionalEventData",
                                          "sourceIPAddress",
                                          "0123456789abcdef",
                                          "0123456789abcdefg",
                                          "",
                                          "dup",
                                          "dup"};
  const MemberNames index(names);
  ASSERT_EQ(index.size(), names.size());
  EXPECT_EQ(index.Find("a"), 0);
  EXPECT_EQ(index.Find("eventName"), 1);
  EXPECT_EQ(index.Find("additionalEventData"), 3);
  EXPECT_EQ(index.Find("0123456789abcdef"), 5);   // 16 bytes: head and tail words only
  EXPECT_EQ(index.Find("0123456789abcdefg"), 6);  // 17: the middle byte compared too
  EXPECT_EQ(index.Find("dup"), 8);                // the first of equal names
  EXPECT_EQ(index.Find(""), -1);
  // Same size, same first and last eight bytes, different middle.
  EXPECT_EQ(index.Find("additionalXventData"), -1);
  EXPECT_EQ(index.Find("eventNamE"), -1);
  EXPECT_EQ(index.Find("eventNam"), -1);
  EXPECT_EQ(index.Find("b"), -1);
  EXPECT_EQ(index.Find(std::string_view("a\0", 2)), -1);
}

TEST(JsonValue, FindMembersReportsTheFirstOfDuplicateKeysOnce) {
  auto doc = JsonDocument::Parse(R"({"x":1,"eventName":"A","y":[2],"eventName":"B","z":{}})");
  ASSERT_THAT(doc, IsOk());
  const MemberNames names({"z", "eventName", "missing"});
  std::vector<std::pair<size_t, std::string>> found;
  (*doc)->root().FindMembers(
      names,
      [](void* ctx, size_t i, const JsonValue& v) {
        static_cast<std::vector<std::pair<size_t, std::string>>*>(ctx)->emplace_back(i,
                                                                                     v.Minified());
      },
      &found);
  EXPECT_THAT(found, ::testing::ElementsAre(std::make_pair(size_t{1}, std::string("\"A\"")),
                                            std::make_pair(size_t{0}, std::string("{}"))));
}

TEST(Members, ReadsEachTypedMember) {
  auto doc = ParseOrDie(R"({"S":"text","I":42,"B":true,"L":[1,2,3]})");
  Members in(doc->root(), "");

  auto s = in.OptString("S");
  auto i = in.OptInt("I");
  auto b = in.OptBool("B");
  auto l = in.OptList("L");

  ASSERT_THAT(s, IsOk());
  ASSERT_THAT(i, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(l, IsOk());
  EXPECT_EQ(*s, std::optional<std::string>("text"));
  EXPECT_EQ(*i, std::optional<int64_t>(42));
  EXPECT_EQ(*b, std::optional<bool>(true));
  ASSERT_TRUE(l->has_value());
  EXPECT_EQ((*l)->size(), 3u);
}

TEST(Members, AbsentOrNullOptionalMembersAreEmpty) {
  auto doc = ParseOrDie(R"({"S":null})");
  Members in(doc->root(), "");

  auto present_null = in.OptString("S");
  auto absent = in.OptInt("Missing");

  ASSERT_THAT(present_null, IsOk());
  ASSERT_THAT(absent, IsOk());
  EXPECT_FALSE(present_null->has_value());
  EXPECT_FALSE(absent->has_value());
}

TEST(Members, WrongTypeFailsWithSerializationNamingTheMemberPath) {
  auto doc = ParseOrDie(R"({"S":1,"I":"ten","B":"yes","L":{}})");
  Members in(doc->root(), "LookupAttributes[0]");

  struct Case {
    std::string_view member;
    Status status;
  };
  const Case cases[] = {
      {"S", in.OptString("S").status()},
      {"I", in.OptInt("I").status()},
      {"B", in.OptBool("B").status()},
      {"L", in.OptList("L").status()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.member);
    EXPECT_THAT(c.status, HasError(Error::kSerialization));
    EXPECT_THAT(c.status.message(), HasSubstr("LookupAttributes[0]." + std::string(c.member)));
  }
}

TEST(Members, TopLevelPathIsTheBareMemberName) {
  auto doc = ParseOrDie(R"({"MaxResults":"ten"})");
  Members in(doc->root(), "");

  auto r = in.OptInt("MaxResults");

  EXPECT_THAT(r, HasError(Error::kSerialization));
  EXPECT_THAT(r.status().message(), HasSubstr("'MaxResults'"));
}

TEST(Members, FractionalIntegerFailsWithSerialization) {
  auto doc = ParseOrDie(R"({"MaxResults":2.5})");

  EXPECT_THAT(Members(doc->root(), "").OptInt("MaxResults"), HasError(Error::kSerialization));
}

TEST(Members, MissingRequiredStringFailsWithValidationNamingThePath) {
  auto doc = ParseOrDie(R"({"Other":"x","Null":null})");
  Members in(doc->root(), "Trail");

  auto missing = in.ReqString("Name");
  auto null = in.ReqString("Null");

  EXPECT_THAT(missing, HasError(Error::kValidation));
  EXPECT_THAT(missing.status().message(), HasSubstr("Trail.Name"));
  EXPECT_THAT(null, HasError(Error::kValidation));
}

TEST(Members, RequiredStringOfWrongTypeIsASerializationError) {
  auto doc = ParseOrDie(R"({"Name":7})");

  EXPECT_THAT(Members(doc->root(), "").ReqString("Name"), HasError(Error::kSerialization));
}

TEST(Members, OptTimestampMillisAcceptsEpochSecondsAndIsoStrings) {
  struct Case {
    std::string_view body;
    int64_t millis;
  };
  const Case cases[] = {
      {R"({"T":1714566896})", 1714566896000},
      {R"({"T":1714566896.123})", 1714566896123},
      {R"({"T":1714566896.5})", 1714566896500},
      {R"({"T":0})", 0},
      {R"({"T":"2024-05-01T12:34:56Z"})", 1714566896000},
      {R"({"T":"2024-05-01T12:34:56.250Z"})", 1714566896250},
      {R"({"T":"2024-05-01T14:34:56+02:00"})", 1714566896000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    auto doc = ParseOrDie(c.body);

    auto t = Members(doc->root(), "").OptTimestampMillis("T");

    ASSERT_THAT(t, IsOk());
    EXPECT_EQ(*t, std::optional<int64_t>(c.millis));
  }
}

TEST(Members, OptTimestampMillisRejectsBadValuesNamingTheMember) {
  for (std::string_view body :
       {R"({"StartTime":"yesterday"})", R"({"StartTime":"2024-13-01T00:00:00Z"})",
        R"({"StartTime":true})", R"({"StartTime":[1]})", R"({"StartTime":1e300})"}) {
    SCOPED_TRACE(body);
    auto doc = ParseOrDie(body);

    auto t = Members(doc->root(), "").OptTimestampMillis("StartTime");

    EXPECT_THAT(t, HasError(Error::kSerialization));
    EXPECT_THAT(t.status().message(), HasSubstr("StartTime"));
  }
}

TEST(Members, OptTimestampMillisOfAbsentMemberIsEmpty) {
  auto doc = ParseOrDie(R"({"EndTime":null})");
  Members in(doc->root(), "");

  auto absent = in.OptTimestampMillis("StartTime");
  auto null = in.OptTimestampMillis("EndTime");

  ASSERT_THAT(absent, IsOk());
  ASSERT_THAT(null, IsOk());
  EXPECT_FALSE(absent->has_value());
  EXPECT_FALSE(null->has_value());
}

TEST(LowerCamelJson, LowersFirstLetterOfKeysAtEveryDepth) {
  auto doc = ParseOrDie(
      R"({"Name":"Trail","LookupAttributes":[{"AttributeKey":"EventName","Nested":{"Inner":[{"Deep":1}]}}],)"
      R"("lower":"x","URLs":["A","B"]})");

  std::string out = LowerCamelJson(doc->root());

  EXPECT_EQ(
      out,
      R"({"name":"Trail","lookupAttributes":[{"attributeKey":"EventName","nested":{"inner":[{"deep":1}]}}],)"
      R"("lower":"x","uRLs":["A","B"]})");
}

TEST(LowerCamelJson, PreservesScalarValues) {
  auto doc = ParseOrDie(
      R"({"MaxResults":12,"Big":12345678901234,"Neg":-7,"Ratio":3.25,"Flag":true,"Off":false,)"
      R"("None":null,"Text":"Say \"hi\"\n"})");

  std::string out = LowerCamelJson(doc->root());

  EXPECT_EQ(
      out, R"({"maxResults":12,"big":12345678901234,"neg":-7,"ratio":3.25,"flag":true,"off":false,)"
           R"("none":null,"text":"Say \"hi\"\n"})");
}

TEST(LowerCamelJson, EmptyContainersStayEmpty) {
  auto doc = ParseOrDie(R"({"A":{},"B":[]})");

  EXPECT_EQ(LowerCamelJson(doc->root()), R"({"a":{},"b":[]})");
}

TEST(JsonValue, MinifiedKeepsKeysAsSent) {
  auto doc = ParseOrDie(R"({ "Name" : [ 1 , {"X" : true} ] })");

  EXPECT_EQ(doc->root().Minified(), R"({"Name":[1,{"X":true}]})");
}

}  // namespace
}  // namespace ot::api
