#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "events/record.h"
#include "events/test_records.h"
#include "support/matchers.h"

namespace ot::events {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Collects the record texts ForEachRecordText hands out, checking they are views into `body`.
Result<std::vector<std::string>> Split(std::string_view body) {
  std::vector<std::string> texts;
  Status s = ForEachRecordText(body, [&](size_t index, std::string_view text) {
    EXPECT_EQ(index, texts.size());
    EXPECT_GE(text.data(), body.data());
    EXPECT_LE(text.data() + text.size(), body.data() + body.size());
    texts.emplace_back(text);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return texts;
}

TEST(ForEachRecordText, SplitsACompactLogFile) {
  auto texts = Split(R"({"Records":[{"a":1},{"b":{"c":[2]}}]})");

  ASSERT_THAT(texts, IsOk());
  EXPECT_THAT(*texts, ElementsAre(R"({"a":1})", R"({"b":{"c":[2]}})"));
}

TEST(ForEachRecordText, SplitsAPrettyLogFileIgnoringOtherMembers) {
  auto texts = Split(
      "\xEF\xBB\xBF {\n  \"Version\": 2,\n  \"Records\": [\n    {\"a\": 1},\n"
      "    { \"b\" : 2 }\n  ],\n  \"Other\": {\"Records\": 3}\n}\n");

  ASSERT_THAT(texts, IsOk());
  EXPECT_THAT(*texts, ElementsAre(R"({"a": 1})", R"({ "b" : 2 })"));
}

TEST(ForEachRecordText, SplitsATopLevelArray) {
  auto texts = Split(" [ {\"a\":1} ,\n{\"b\":2} ] ");

  ASSERT_THAT(texts, IsOk());
  EXPECT_THAT(*texts, ElementsAre(R"({"a":1})", R"({"b":2})"));
}

TEST(ForEachRecordText, SplitsJsonLinesSkippingBlankLines) {
  auto texts = Split("{\"a\":1}\r\n\n   \n {\"b\":[1,2]} \n{\"c\":3}");

  ASSERT_THAT(texts, IsOk());
  EXPECT_THAT(*texts, ElementsAre(R"({"a":1})", R"({"b":[1,2]})", R"({"c":3})"));
}

TEST(ForEachRecordText, TakesALoneObjectAsOneRecord) {
  for (std::string_view body : {"{\"a\":1}\n", "{\n  \"a\": 1\n}\n"}) {
    SCOPED_TRACE(body);

    auto texts = Split(body);

    ASSERT_THAT(texts, IsOk());
    ASSERT_EQ(texts->size(), 1u);
    EXPECT_EQ((*texts)[0].front(), '{');
    EXPECT_EQ((*texts)[0].back(), '}');
  }
}

TEST(ForEachRecordText, AcceptsAnEmptyBody) {
  for (std::string_view body : {"", " \n ", R"({"Records":[]})", "[]"}) {
    SCOPED_TRACE(body);

    auto texts = Split(body);

    ASSERT_THAT(texts, IsOk());
    EXPECT_TRUE(texts->empty());
  }
}

TEST(ForEachRecordText, RejectsMalformedBodiesNamingTheRecord) {
  struct Case {
    std::string_view body, message;
  };
  const Case cases[] = {
      {"x", "record 0: expected a JSON object or array"},
      {R"({"Records":{}})", "Records: expected an array"},
      {R"({"Records":[{"a":1},2]})", "record 1: expected a JSON object"},
      {R"({"Records":[{"a":1},{"b":)", "record 1: malformed JSON"},
      {R"({"Records":[{"a":1}]} {})", "unexpected content after the object"},
      {R"([{"a":1},{"b":2},"c"])", "record 2: expected a JSON object"},
      {"{\"a\":1}\n{\"b\":2}\n[3]\n", "record 2: line 3: expected a JSON object"},
      {"{\"a\":1}\n\n{\"b\":2} {}\n", "record 1: line 3: more than one JSON value"},
      {"{\"a\":1}\n{\"b\":\n", "record 1: line 2: malformed JSON"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);

    auto texts = Split(c.body);

    ASSERT_THAT(texts, HasError(Error::kInvalidRecord));
    EXPECT_THAT(texts.status().message(), HasSubstr(std::string(c.message)));
  }
}

TEST(ForEachRecordText, StopsAtTheFirstCallbackError) {
  size_t calls = 0;

  Status s = ForEachRecordText("[{},{},{}]", [&](size_t index, std::string_view) {
    ++calls;
    return index == 1 ? Status(Error::kValidation, "stop") : Status::Ok();
  });

  EXPECT_THAT(s, HasError(Error::kValidation));
  EXPECT_EQ(calls, 2u);
}

TEST(ForEachRecordText, HandsOutEveryGeneratedRecordInEachForm) {
  const std::vector<std::string> records = testing::GeneratedRecords();
  std::string lines, log_file = R"({"Records":[)", array = "[";
  for (size_t i = 0; i < records.size(); ++i) {
    lines += records[i] + "\n";
    log_file += (i ? "," : "") + records[i];
    array += (i ? ",\n" : "") + records[i];
  }
  log_file += "]}";
  array += "]";

  for (const std::string& body : {lines, log_file, array}) {
    auto texts = Split(body);

    ASSERT_THAT(texts, IsOk());
    EXPECT_EQ(*texts, records);
  }
}

TEST(ForEachRecordText, LetsTheCallbackParseEachRecord) {
  const std::string body = "{\"Records\":[" + std::string(testing::kManagementEvent) + "," +
                           std::string(testing::kInsightEvent) + "]}";
  std::vector<std::string> ids;

  Status s = ForEachRecordText(body, [&](size_t, std::string_view text) {
    Result<Record> r = ParseRecord(text);
    if (!r.ok()) return r.status();
    ids.push_back(r->event_id);
    return Status::Ok();
  });

  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(ids, ElementsAre("0f2b6a9e-7c84-4d1f-bb0e-6a8d2f4c9b30",
                               "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
}

}  // namespace
}  // namespace ot::events
