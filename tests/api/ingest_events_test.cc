// Tests src/api/handlers/ingest_events.cc: all-or-nothing batches of external records.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "api/handlers/operation.h"
#include "api/protocol/json_value.h"
#include "handler_test_util.h"
#include "support/matchers.h"

namespace ot::api::handlers {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using testing::HandlerEnv;
using ::testing::HasSubstr;
using testing::RecordJson;

std::string RecordsBody(const std::vector<std::string>& records) {
  std::string body = R"({"Records":[)";
  for (size_t i = 0; i < records.size(); ++i) body += (i ? "," : "") + records[i];
  return body + "]}";
}

std::string Valid(int n) {
  return RecordJson({.event_id = "00000000-0000-4000-8000-00000000000" + std::to_string(n),
                     .event_time = "2024-05-01T12:00:0" + std::to_string(n) + "Z"});
}

TEST(IngestEvents, ParsesEveryRecordOfTheBatch) {
  HandlerEnv env;

  auto out = IngestEvents(*env.services, env.Context(), RecordsBody({Valid(1), Valid(2)}));

  ASSERT_THAT(out, IsOk());
  ASSERT_EQ(out->events.size(), 2u);
  EXPECT_EQ(out->events[0].attrs.event_id, "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(out->events[1].attrs.event_id, "00000000-0000-4000-8000-000000000002");
  EXPECT_EQ(out->events[0].json, testing::NewEventFrom(Valid(1)).json);
}

TEST(IngestEvents, AcceptsJsonLines) {
  HandlerEnv env;

  auto out = IngestEvents(*env.services, env.Context(), Valid(1) + "\n" + Valid(2) + "\n");

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->events.size(), 2u);
}

TEST(IngestEvents, RecordsTheRecordCountAsRequestParameters) {
  HandlerEnv env;

  auto out = IngestEvents(*env.services, env.Context(), RecordsBody({Valid(1), Valid(2)}));

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->request_parameters, R"({"recordCount":2})");
}

TEST(IngestEvents, FinishReportsReceivedIngestedAndDuplicates) {
  HandlerEnv env;
  auto out =
      IngestEvents(*env.services, env.Context(), RecordsBody({Valid(1), Valid(2), Valid(3)}));
  ASSERT_THAT(out, IsOk());
  ASSERT_TRUE(out->finish);
  store::AppendResult appended;
  appended.appended = 3;  // two new external events plus the call's own record
  appended.duplicates = 1;
  std::string body;

  out->finish(appended, &body);

  EXPECT_EQ(body, R"({"Received":3,"Ingested":2,"Duplicates":1})");
}

TEST(IngestEvents, FinishAfterARealAppendCountsStoredDuplicates) {
  HandlerEnv env;
  env.Append(
      {{.event_id = "00000000-0000-4000-8000-000000000001", .event_time = "2024-05-01T12:00:01Z"}});
  auto out = IngestEvents(*env.services, env.Context(), RecordsBody({Valid(1), Valid(2)}));
  ASSERT_THAT(out, IsOk());

  auto appended = env.store->Append(std::move(out->events));
  ASSERT_THAT(appended, IsOk());
  std::string body;
  out->finish(*appended, &body);

  EXPECT_EQ(body, R"({"Received":2,"Ingested":1,"Duplicates":1})");
}

TEST(IngestEvents, OneBadRecordRejectsTheBatchNamingRecordAndField) {
  HandlerEnv env;
  std::string bad = Valid(2);
  bad.replace(bad.find("2024-05-01T12:00:02Z"), 20, "yesterday");

  auto out = IngestEvents(*env.services, env.Context(), RecordsBody({Valid(1), bad, Valid(3)}));

  EXPECT_THAT(out, HasError(Error::kInvalidRecord));
  EXPECT_THAT(out.status().message(), HasSubstr("Records[1]"));
  EXPECT_THAT(out.status().message(), HasSubstr("eventTime"));
}

TEST(IngestEvents, MissingRequiredFieldIsNamed) {
  HandlerEnv env;
  std::string bad = Valid(1);
  bad.replace(bad.find(R"("type":"IAMUser",)"), 17, "");

  auto out = IngestEvents(*env.services, env.Context(), RecordsBody({bad}));

  EXPECT_THAT(out, HasError(Error::kInvalidRecord));
  EXPECT_THAT(out.status().message(), HasSubstr("Records[0]"));
  EXPECT_THAT(out.status().message(), HasSubstr("userIdentity.type"));
}

TEST(IngestEvents, MalformedBodyIsAnInvalidRecord) {
  HandlerEnv env;

  auto out = IngestEvents(*env.services, env.Context(), R"({"Records":[{"eventVersion":)");

  EXPECT_THAT(out, HasError(Error::kInvalidRecord));
}

TEST(IngestEvents, AcceptsExactlyMaxIngestRecords) {
  HandlerEnv env;
  env.services->max_ingest_records = 2;

  auto out = IngestEvents(*env.services, env.Context(), RecordsBody({Valid(1), Valid(2)}));

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->events.size(), 2u);
}

TEST(IngestEvents, RejectsMoreThanMaxIngestRecords) {
  HandlerEnv env;
  env.services->max_ingest_records = 2;

  auto out =
      IngestEvents(*env.services, env.Context(), RecordsBody({Valid(1), Valid(2), Valid(3)}));

  EXPECT_THAT(out, HasError(Error::kRequestTooLarge));
}

}  // namespace
}  // namespace ot::api::handlers
