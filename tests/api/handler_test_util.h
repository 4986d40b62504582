#pragma once

#include "support/temp_dir.h"

// A real EventStore in a temp dir, the Services and CallContext handlers take, and sample
// records, shared by the handler tests.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/handlers/operation.h"
#include "common/env.h"
#include "events/record.h"
#include "store/event_store.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::api::handlers::testing {

inline constexpr std::string_view kAccountId = "111122223333";
inline constexpr std::string_view kRegion = "us-east-1";

using TempDir = ::ot::testing::TempDir;

struct RecordSpec {
  std::string event_id;
  std::string event_time;  // ISO-8601, whole seconds
  std::string event_name = "DescribeTrails";
  bool read_only = true;
  std::string user_name = "alice";
  std::string access_key_id = "AKIDEXAMPLEKEY000001";
  std::string region = std::string(kRegion);
};

// A management-event record as CloudTrail writes it, with one resource.
inline std::string RecordJson(const RecordSpec& s) {
  return R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE0001",)"
         R"("arn":"arn:aws:iam::111122223333:user/)" +
         s.user_name + R"(","accountId":"111122223333","accessKeyId":")" + s.access_key_id +
         R"(","userName":")" + s.user_name + R"("},"eventTime":")" + s.event_time +
         R"(","eventSource":"cloudtrail.amazonaws.com","eventName":")" + s.event_name +
         R"(","awsRegion":")" + s.region +
         R"(","sourceIPAddress":"203.0.113.17","userAgent":"aws-cli/2.15.30",)"
         R"("requestParameters":null,"responseElements":null,"requestID":"req-)" +
         s.event_id + R"(","eventID":")" + s.event_id + R"(","readOnly":)" +
         (s.read_only ? "true" : "false") +
         R"(,"resources":[{"accountId":"111122223333","type":"AWS::CloudTrail::Trail",)"
         R"("ARN":"arn:aws:cloudtrail:us-east-1:111122223333:trail/audit"}],)"
         R"("eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333",)"
         R"("eventCategory":"Management"})";
}

// The NewEvent the server appends for `json`: parsed, attributes derived, serialised.
inline store::NewEvent NewEventFrom(std::string_view json) {
  auto record = events::ParseRecord(json);
  EXPECT_THAT(record, ot::testing::IsOk());
  store::NewEvent e;
  if (!record.ok()) return e;
  e.attrs = events::DeriveLookupAttributes(*record);
  e.json = events::SerializeRecord(*record);
  return e;
}

// Now = 2024-05-01T12:34:56Z (FakeClock's default).
struct HandlerEnv {
  ot::testing::FakeClock clock;
  ot::testing::SeededRandom random{11};
  Env env{clock, RealFileSystem(), random};
  TempDir dir;
  std::unique_ptr<store::EventStore> store;
  std::unique_ptr<Services> services;
  auth::Caller caller;

  HandlerEnv() {
    store::StoreOptions options;
    options.dir = dir.path() + "/events";
    options.token_key = std::string(32, 'k');
    auto opened = store::EventStore::Open(options, env);
    EXPECT_THAT(opened, ot::testing::IsOk());
    if (opened.ok()) store = std::move(opened).value();
    services = std::make_unique<Services>(
        Services{*store, env, std::string(kAccountId), std::string(kRegion)});
    caller.region = std::string(kRegion);
    caller.service = "cloudtrail";
    caller.principal.account_id = std::string(kAccountId);
    caller.principal.principal_id = "AIDAEXAMPLEADMIN0001";
    caller.principal.arn = "arn:aws:iam::111122223333:user/admin";
    caller.principal.user_name = "admin";
    caller.principal.access_key_id = "AKIDEXAMPLEADMIN0001";
  }

  CallContext Context() { return CallContext{caller, "req-under-test", clock.Now()}; }

  void Append(const std::vector<RecordSpec>& specs) {
    std::vector<store::NewEvent> batch;
    for (const RecordSpec& s : specs) batch.push_back(NewEventFrom(RecordJson(s)));
    EXPECT_THAT(store->Append(std::move(batch)), ot::testing::IsOk());
  }
};

}  // namespace ot::api::handlers::testing
