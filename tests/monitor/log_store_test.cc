#include "monitor/log_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "monitor/metrics.h"
#include "store/metadata.h"
#include "support/matchers.h"
#include "support/temp_dir.h"
#include "support/test_env.h"

namespace ot::monitor {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

constexpr std::string_view kRegion = "us-east-1";
constexpr int64_t kMinute = 60000;
constexpr int64_t kDay = 86400000;

class LogStoreTest : public ::testing::Test {
 protected:
  LogStoreTest() {
    auto db = store::MetadataDb::Open(dir_.path() + "/metadata.db");
    EXPECT_THAT(db.status(), IsOk());
    db_ = std::move(*db);
    Reopen();
  }

  void Reopen() {
    logs_.reset();
    metrics_.Clear();
    LogStoreOptions options;
    options.dir = dir_.path() + "/logs";
    options.account_id = "111122223333";
    options.metrics = &metrics_;
    auto opened = LogStore::Open(*db_, env_, options);
    ASSERT_THAT(opened.status(), IsOk());
    logs_ = std::move(*opened);
  }

  int64_t Now() { return clock_.Now().time_since_epoch().count(); }

  void MakeStream(std::string_view group, std::string_view stream) {
    if (!logs_->GetLogGroup(kRegion, group).ok()) {
      ASSERT_THAT(logs_->CreateLogGroup(kRegion, group, {}).status(), IsOk());
    }
    ASSERT_THAT(logs_->CreateLogStream(kRegion, group, stream), IsOk());
  }

  void Put(std::string_view group, std::string_view stream, std::vector<InputLogEvent> events) {
    auto r = logs_->PutLogEvents(kRegion, group, stream, events);
    ASSERT_THAT(r.status(), IsOk());
    EXPECT_FALSE(r->any());
  }

  std::vector<std::string> Messages(const std::vector<LogEvent>& events) {
    std::vector<std::string> out;
    for (const LogEvent& e : events) out.push_back(e.message);
    return out;
  }

  std::vector<std::string> All(std::string_view group, std::string_view stream) {
    GetEventsQuery q;
    q.group = std::string(group);
    q.stream = std::string(stream);
    q.start_from_head = true;
    auto page = logs_->GetLogEvents(kRegion, q);
    EXPECT_THAT(page.status(), IsOk());
    return page.ok() ? Messages(page->events) : std::vector<std::string>{};
  }

  ::ot::testing::TempDir dir_;
  ::ot::testing::FakeClock clock_;
  ::ot::testing::SeededRandom random_{5};
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<store::MetadataDb> db_;
  MetricStore metrics_;
  std::unique_ptr<LogStore> logs_;
};

TEST_F(LogStoreTest, CreateTwiceIsResourceAlreadyExists) {
  ASSERT_THAT(logs_->CreateLogGroup(kRegion, "app", {}).status(), IsOk());

  auto again = logs_->CreateLogGroup(kRegion, "app", {});

  EXPECT_THAT(again.status(), HasError(Error::kResourceAlreadyExists));
  EXPECT_THAT(logs_->CreateLogGroup("eu-west-1", "app", {}).status(), IsOk());
}

TEST_F(LogStoreTest, RejectsBadNamesNamingTheMember) {
  auto bad = logs_->CreateLogGroup(kRegion, "has space", {});

  EXPECT_THAT(bad.status(), HasError(Error::kInvalidParameter));
  EXPECT_NE(bad.status().message().find("'logGroupName'"), std::string::npos);
  EXPECT_THAT(logs_->CreateLogGroup(kRegion, std::string(513, 'a'), {}).status(),
              HasError(Error::kInvalidParameter));
  ASSERT_THAT(logs_->CreateLogGroup(kRegion, "ok/Name_1.x-#", {}).status(), IsOk());
  EXPECT_THAT(logs_->CreateLogStream(kRegion, "ok/Name_1.x-#", "a:b"),
              HasError(Error::kInvalidParameter));
}

TEST_F(LogStoreTest, UnknownGroupAndStreamAreResourceNotFound) {
  EXPECT_THAT(logs_->DeleteLogGroup(kRegion, "nope"), HasError(Error::kResourceNotFound));
  ASSERT_THAT(logs_->CreateLogGroup(kRegion, "g", {}).status(), IsOk());
  std::vector<InputLogEvent> one = {{Now(), "x"}};

  auto r = logs_->PutLogEvents(kRegion, "g", "missing", one);

  EXPECT_THAT(r.status(), HasError(Error::kResourceNotFound));
  EXPECT_EQ(r.status().message(), "The specified log stream does not exist.");
}

TEST_F(LogStoreTest, EventsSurviveRestartInTimestampOrder) {
  MakeStream("g", "s");
  Put("g", "s", {{Now() - 3000, "a"}, {Now() - 1000, "c"}});
  Put("g", "s", {{Now() - 2000, "b"}});

  Reopen();

  EXPECT_EQ(All("g", "s"), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(LogStoreTest, TornTailIsCutOffAtOpen) {
  MakeStream("g", "s");
  Put("g", "s", {{Now(), "kept"}});
  Put("g", "s", {{Now(), "torn"}});
  // The stream's file is the only .log under the group's directory.
  std::string file;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path() + "/logs")) {
    if (e.path().extension() == ".log") file = e.path();
  }
  ASSERT_FALSE(file.empty());
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 3);

  Reopen();
  Put("g", "s", {{Now(), "after"}});
  Reopen();

  EXPECT_EQ(All("g", "s"), (std::vector<std::string>{"kept", "after"}));
}

TEST_F(LogStoreTest, PutLogEventsValidatesTheBatch) {
  MakeStream("g", "s");
  std::vector<InputLogEvent> unordered = {{Now(), "b"}, {Now() - 1, "a"}};
  std::vector<InputLogEvent> wide = {{Now() - 25 * 3600000, "a"}, {Now(), "b"}};
  std::vector<InputLogEvent> empty_message = {{Now(), ""}};

  EXPECT_THAT(logs_->PutLogEvents(kRegion, "g", "s", unordered).status(),
              HasError(Error::kInvalidParameter));
  EXPECT_THAT(logs_->PutLogEvents(kRegion, "g", "s", wide).status(),
              HasError(Error::kInvalidParameter));
  EXPECT_THAT(logs_->PutLogEvents(kRegion, "g", "s", empty_message).status(),
              HasError(Error::kInvalidParameter));
  EXPECT_THAT(logs_->PutLogEvents(kRegion, "g", "s", {}).status(),
              HasError(Error::kInvalidParameter));
}

TEST_F(LogStoreTest, TooOldAndTooNewEventsAreRejectedAndReported) {
  MakeStream("g", "s");
  const int64_t old = Now() - 14 * kDay - 3600000;
  std::vector<InputLogEvent> events = {{old, "old"}, {old + 1, "old2"}, {old + 7200000, "ok"}};

  auto r = logs_->PutLogEvents(kRegion, "g", "s", events);

  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ(r->too_old_end_index, 1u);
  EXPECT_FALSE(r->too_new_start_index);
  std::vector<InputLogEvent> future = {{Now(), "ok2"}, {Now() + 3 * 3600000, "future"}};
  auto f = logs_->PutLogEvents(kRegion, "g", "s", future);
  ASSERT_THAT(f.status(), IsOk());
  EXPECT_EQ(f->too_new_start_index, 1u);
  EXPECT_EQ(All("g", "s"), (std::vector<std::string>{"ok", "ok2"}));
}

TEST_F(LogStoreTest, RetentionAcceptsOnlyTheListedDays) {
  ASSERT_THAT(logs_->CreateLogGroup(kRegion, "g", {}).status(), IsOk());

  EXPECT_THAT(logs_->PutRetentionPolicy(kRegion, "g", 4), HasError(Error::kInvalidParameter));
  EXPECT_THAT(logs_->PutRetentionPolicy(kRegion, "g", 3653), IsOk());
  EXPECT_THAT(logs_->PutRetentionPolicy(kRegion, "nope", 1), HasError(Error::kResourceNotFound));
  EXPECT_EQ(logs_->GetLogGroup(kRegion, "g")->retention_in_days, 3653);
}

TEST_F(LogStoreTest, RetentionHidesThenDropsExpiredEventsDurably) {
  MakeStream("g", "s");
  Put("g", "s", {{Now() - 2 * kDay, "old"}, {Now() - 2 * kDay + 1, "old2"}});
  Put("g", "s", {{Now(), "new"}});
  ASSERT_THAT(logs_->PutRetentionPolicy(kRegion, "g", 1), IsOk());

  EXPECT_EQ(All("g", "s"), (std::vector<std::string>{"new"}));
  ASSERT_THAT(logs_->EnforceRetention(), IsOk());
  ASSERT_THAT(logs_->DeleteRetentionPolicy(kRegion, "g"), IsOk());
  Reopen();

  EXPECT_EQ(All("g", "s"), (std::vector<std::string>{"new"}));
  EXPECT_EQ(logs_->GetLogGroup(kRegion, "g")->retention_in_days, std::nullopt);
}

TEST_F(LogStoreTest, GetLogEventsPagesForwardAndBackwardWithTokens) {
  MakeStream("g", "s");
  Put("g", "s", {{Now() - 4, "1"}, {Now() - 3, "2"}, {Now() - 2, "3"}, {Now() - 1, "4"}});
  GetEventsQuery q;
  q.group = "g";
  q.stream = "s";
  q.limit = 2;

  auto last = logs_->GetLogEvents(kRegion, q);  // no token, not from head: the newest two
  ASSERT_THAT(last.status(), IsOk());
  EXPECT_EQ(Messages(last->events), (std::vector<std::string>{"3", "4"}));
  q.token = last->next_backward_token;
  auto before = logs_->GetLogEvents(kRegion, q);
  ASSERT_THAT(before.status(), IsOk());
  EXPECT_EQ(Messages(before->events), (std::vector<std::string>{"1", "2"}));
  q.token = before->next_forward_token;
  auto forward = logs_->GetLogEvents(kRegion, q);
  ASSERT_THAT(forward.status(), IsOk());
  EXPECT_EQ(Messages(forward->events), (std::vector<std::string>{"3", "4"}));
  q.token = forward->next_forward_token;
  auto end = logs_->GetLogEvents(kRegion, q);
  ASSERT_THAT(end.status(), IsOk());
  EXPECT_TRUE(end->events.empty());
  EXPECT_EQ(end->next_forward_token, q.token);
  q.token = "garbage";
  EXPECT_THAT(logs_->GetLogEvents(kRegion, q).status(), HasError(Error::kInvalidParameter));
}

TEST_F(LogStoreTest, GetLogEventsTimeRangeIsStartInclusiveEndExclusive) {
  MakeStream("g", "s");
  const int64_t t = Now() - 10000;
  Put("g", "s", {{t, "a"}, {t + 1000, "b"}, {t + 2000, "c"}});
  GetEventsQuery q;
  q.group = "g";
  q.stream = "s";
  q.start_ms = t + 1000;
  q.end_ms = t + 2000;

  auto page = logs_->GetLogEvents(kRegion, q);

  ASSERT_THAT(page.status(), IsOk());
  EXPECT_EQ(Messages(page->events), (std::vector<std::string>{"b"}));
}

TEST_F(LogStoreTest, FilterLogEventsMatchesPatternAcrossStreamsAndPages) {
  MakeStream("g", "a");
  MakeStream("g", "b");
  const int64_t t = Now() - 10000;
  Put("g", "a", {{t, R"({"eventName":"ConsoleLogin","n":1})"}, {t + 2, R"({"eventName":"X"})"}});
  Put("g", "b",
      {{t + 1, R"({"eventName":"ConsoleLogin","n":2})"},
       {t + 3, R"({"eventName":"ConsoleLogin","n":3})"}});
  FilterQuery q;
  q.group = "g";
  q.pattern = R"({ $.eventName = "ConsoleLogin" })";
  q.limit = 2;

  auto first = logs_->FilterLogEvents(kRegion, q);
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_EQ(first->events.size(), 2u);
  EXPECT_EQ(first->events[0].stream, "a");
  EXPECT_EQ(first->events[1].stream, "b");
  ASSERT_FALSE(first->next_token.empty());
  q.next_token = first->next_token;
  auto second = logs_->FilterLogEvents(kRegion, q);

  ASSERT_THAT(second.status(), IsOk());
  EXPECT_EQ(Messages(second->events),
            (std::vector<std::string>{R"({"eventName":"ConsoleLogin","n":3})"}));
  EXPECT_TRUE(second->next_token.empty());
  q.next_token.clear();
  q.pattern = "{ $.eventName = ";
  EXPECT_THAT(logs_->FilterLogEvents(kRegion, q).status(), HasError(Error::kInvalidParameter));
}

TEST_F(LogStoreTest, MetricFiltersEmitPerMinuteAggregatesAndAreRebuiltOnOpen) {
  MakeStream("g", "s");
  MetricFilter f;
  f.log_group = "g";
  f.name = "bytes";
  f.pattern = R"({ $.eventName = "GetObject" })";
  f.transformation = {"Bytes", "App", "$.size", std::nullopt, {{"Who", "$.user"}}, "Bytes"};
  ASSERT_THAT(logs_->PutMetricFilter(kRegion, f), IsOk());
  const int64_t minute = (Now() - 10 * kMinute) / kMinute * kMinute;
  Put("g", "s",
      {{minute + 1, R"({"eventName":"GetObject","size":10,"user":"ana"})"},
       {minute + 2, R"({"eventName":"GetObject","size":30,"user":"ana"})"},
       {minute + 3, R"({"eventName":"PutObject","size":99,"user":"ana"})"},
       {minute + kMinute, R"({"eventName":"GetObject","size":5,"user":"ana"})"}});
  MetricId id{"us-east-1", "App", "Bytes", {{"Who", "ana"}}};

  auto before = metrics_.Query(id, 0, INT64_MAX);
  Reopen();
  auto after = metrics_.Query(id, 0, INT64_MAX);

  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0], (MinuteStats{minute, 40, 2, 10, 30, "Bytes"}));
  EXPECT_EQ(before[1], (MinuteStats{minute + kMinute, 5, 1, 5, 5, "Bytes"}));
  EXPECT_EQ(after, before);
}

TEST_F(LogStoreTest, DefaultValueIsEmittedForEventsThatDoNotMatch) {
  MakeStream("g", "s");
  MetricFilter f;
  f.log_group = "g";
  f.name = "errors";
  f.pattern = R"({ $.errorCode = * })";
  f.transformation = {"Errors", "App", "1", 0.0, {}, ""};
  ASSERT_THAT(logs_->PutMetricFilter(kRegion, f), IsOk());
  const int64_t minute = (Now() - 5 * kMinute) / kMinute * kMinute;

  Put("g", "s",
      {{minute, R"({"errorCode":"AccessDenied"})"},
       {minute + 1, R"({"ok":1})"},
       {minute + 2, "plain text"}});

  auto stats = metrics_.Query({"us-east-1", "App", "Errors", {}}, 0, INT64_MAX);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0], (MinuteStats{minute, 1, 3, 0, 1, "None"}));
}

TEST_F(LogStoreTest, MetricFilterLimitsAndErrors) {
  ASSERT_THAT(logs_->CreateLogGroup(kRegion, "g", {}).status(), IsOk());
  MetricFilter f;
  f.log_group = "g";
  f.transformation = {"M", "NS", "1", std::nullopt, {}, ""};
  for (int i = 0; i < 5; ++i) {
    f.name = "re" + std::to_string(i);
    f.pattern = "%err" + std::to_string(i) + "%";
    ASSERT_THAT(logs_->PutMetricFilter(kRegion, f), IsOk());
  }

  f.name = "re5";
  EXPECT_THAT(logs_->PutMetricFilter(kRegion, f), HasError(Error::kLogsLimitExceeded));
  f.name = "re0";  // replacing one of the five is allowed
  EXPECT_THAT(logs_->PutMetricFilter(kRegion, f), IsOk());
  f.name = "bad";
  f.pattern = "{ $.a = }";
  auto bad = logs_->PutMetricFilter(kRegion, f);
  EXPECT_THAT(bad, HasError(Error::kInvalidParameter));
  EXPECT_NE(bad.message().find("position"), std::string::npos);
  f.pattern = "";
  f.log_group = "nope";
  EXPECT_THAT(logs_->PutMetricFilter(kRegion, f), HasError(Error::kResourceNotFound));
  EXPECT_THAT(logs_->DeleteMetricFilter(kRegion, "g", "nope"), HasError(Error::kResourceNotFound));
}

TEST_F(LogStoreTest, AtMostOneHundredMetricFiltersPerGroup) {
  ASSERT_THAT(logs_->CreateLogGroup(kRegion, "g", {}).status(), IsOk());
  MetricFilter f;
  f.log_group = "g";
  f.pattern = "ERROR";
  f.transformation = {"M", "NS", "1", std::nullopt, {}, ""};
  for (int i = 0; i < 100; ++i) {
    f.name = "f" + std::to_string(i);
    ASSERT_THAT(logs_->PutMetricFilter(kRegion, f), IsOk());
  }

  f.name = "f100";

  EXPECT_THAT(logs_->PutMetricFilter(kRegion, f), HasError(Error::kLogsLimitExceeded));
}

TEST_F(LogStoreTest, DescribeMetricFiltersPagesAndFilters) {
  ASSERT_THAT(logs_->CreateLogGroup(kRegion, "g", {}).status(), IsOk());
  MetricFilter f;
  f.log_group = "g";
  f.pattern = "ERROR";
  for (std::string name : {"a1", "a2", "b1"}) {
    f.name = name;
    f.transformation = {"M" + name, "NS", "1", std::nullopt, {}, ""};
    ASSERT_THAT(logs_->PutMetricFilter(kRegion, f), IsOk());
  }
  Reopen();
  MetricFilterQuery q;
  q.group = "g";
  q.name_prefix = "a";
  q.limit = 1;

  auto first = logs_->DescribeMetricFilters(kRegion, q);
  ASSERT_THAT(first.status(), IsOk());
  q.next_token = first->next_token;
  auto second = logs_->DescribeMetricFilters(kRegion, q);

  ASSERT_THAT(second.status(), IsOk());
  ASSERT_EQ(first->items.size(), 1u);
  EXPECT_EQ(first->items[0].name, "a1");
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].name, "a2");
  EXPECT_TRUE(second->next_token.empty());
  MetricFilterQuery by_metric;
  by_metric.metric_name = "Mb1";
  by_metric.metric_namespace = "NS";
  auto found = logs_->DescribeMetricFilters(kRegion, by_metric);
  ASSERT_THAT(found.status(), IsOk());
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].pattern, "ERROR");
  by_metric.metric_namespace.reset();
  EXPECT_THAT(logs_->DescribeMetricFilters(kRegion, by_metric).status(),
              HasError(Error::kInvalidParameter));
}

TEST_F(LogStoreTest, DeliveredRecordsAreAppendedExactlyOncePerTrail) {
  ASSERT_THAT(logs_->CreateLogGroup(kRegion, "trail", {}).status(), IsOk());
  std::vector<DeliveredRecord> batch = {{7, Now(), "r7"}, {9, Now(), "r9"}};
  std::vector<DeliveredRecord> redo = {{7, Now(), "r7"}, {9, Now(), "r9"}, {12, Now(), "r12"}};

  auto first = logs_->AppendDelivered(kRegion, "trail", "1_CloudTrail_us-east-1", "arn:t1", batch);
  Reopen();
  auto again = logs_->AppendDelivered(kRegion, "trail", "1_CloudTrail_us-east-1", "arn:t1", redo);
  auto other = logs_->AppendDelivered(kRegion, "trail", "1_CloudTrail_us-east-1", "arn:t2", batch);

  ASSERT_THAT(first.status(), IsOk());
  ASSERT_THAT(again.status(), IsOk());
  ASSERT_THAT(other.status(), IsOk());
  EXPECT_EQ(*first, 2u);
  EXPECT_EQ(*again, 1u);
  EXPECT_EQ(*other, 2u);
  EXPECT_EQ(All("trail", "1_CloudTrail_us-east-1"),
            (std::vector<std::string>{"r7", "r9", "r12", "r7", "r9"}));
}

TEST_F(LogStoreTest, DeleteLogGroupRemovesItsFiles) {
  MakeStream("g", "s");
  Put("g", "s", {{Now(), "x"}});

  ASSERT_THAT(logs_->DeleteLogGroup(kRegion, "g"), IsOk());
  Reopen();

  EXPECT_THAT(logs_->GetLogGroup(kRegion, "g").status(), HasError(Error::kResourceNotFound));
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() + "/logs"));
}

TEST_F(LogStoreTest, DescribeLogGroupsByPrefixPatternAndPages) {
  for (std::string name : {"/aws/a", "/aws/b", "/app/c", "other"}) {
    ASSERT_THAT(logs_->CreateLogGroup(kRegion, name, {{"k", "v"}}).status(), IsOk());
  }
  GroupQuery q;
  q.prefix = "/aws/";
  q.limit = 1;

  auto first = logs_->DescribeLogGroups(kRegion, q);
  ASSERT_THAT(first.status(), IsOk());
  q.next_token = first->next_token;
  auto second = logs_->DescribeLogGroups(kRegion, q);

  ASSERT_THAT(second.status(), IsOk());
  ASSERT_EQ(first->items.size(), 1u);
  EXPECT_EQ(first->items[0].name, "/aws/a");
  EXPECT_EQ(first->items[0].arn, "arn:aws:logs:us-east-1:111122223333:log-group:/aws/a:*");
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].name, "/aws/b");
  EXPECT_TRUE(second->next_token.empty());
  GroupQuery pattern;
  pattern.pattern = "pp";
  auto matched = logs_->DescribeLogGroups(kRegion, pattern);
  ASSERT_THAT(matched.status(), IsOk());
  ASSERT_EQ(matched->items.size(), 1u);
  EXPECT_EQ(matched->items[0].name, "/app/c");
  pattern.prefix = "/a";
  EXPECT_THAT(logs_->DescribeLogGroups(kRegion, pattern).status(),
              HasError(Error::kInvalidParameter));
}

TEST(LogGroupArn, ParsesWithAndWithoutTheStarSuffix) {
  auto a = ParseLogGroupArn("arn:aws:logs:us-east-1:111122223333:log-group:org/trail:*");
  auto b = ParseLogGroupArn("arn:aws:logs:eu-west-1:111122223333:log-group:x");

  ASSERT_TRUE(a);
  EXPECT_EQ(*a, std::make_pair(std::string("us-east-1"), std::string("org/trail")));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->second, "x");
  EXPECT_FALSE(ParseLogGroupArn("arn:aws:s3:us-east-1:111122223333:log-group:x"));
  EXPECT_FALSE(ParseLogGroupArn("arn:aws:logs:us-east-1:111122223333:log-group:bad name"));
}

}  // namespace
}  // namespace ot::monitor
