#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/env.h"
#include "store/event_store.h"
#include "support/matchers.h"
#include "support/temp_dir.h"
#include "support/test_env.h"

namespace ot::store::testing {

using TempDir = ::ot::testing::TempDir;

// Now = 2024-05-01T12:34:56Z (FakeClock's default).
inline SysMillis At(int64_t minutes_before_now, int64_t extra_ms = 0) {
  return SysMillis(std::chrono::milliseconds(1714566896000)) -
         std::chrono::minutes(minutes_before_now) + std::chrono::milliseconds(extra_ms);
}

inline NewEvent MakeEvent(std::string id, SysMillis time, std::string name = "DescribeInstances",
                          std::string region = "us-east-1",
                          events::Category category = events::Category::kManagement) {
  NewEvent e;
  e.attrs.event_id = std::move(id);
  e.attrs.event_time = time;
  e.attrs.event_name = std::move(name);
  e.attrs.event_source = "ec2.amazonaws.com";
  e.attrs.read_only = true;
  e.attrs.username = "alice";
  e.attrs.access_key_id = "AKIAEXAMPLE";
  e.attrs.resources = {{"AWS::EC2::Instance", "i-123"}};
  e.attrs.aws_region = std::move(region);
  e.attrs.category = category;
  e.json =
      R"({"eventID":")" + e.attrs.event_id + R"(","eventName":")" + e.attrs.event_name + R"("})";
  return e;
}

struct StoreEnv {
  ot::testing::FakeClock clock;
  ot::testing::SeededRandom random{7};
  Env env{clock, RealFileSystem(), random};
  TempDir dir;

  StoreOptions Options() const {
    StoreOptions o;
    o.dir = dir.path();
    o.token_key = std::string(32, 'k');
    return o;
  }
  std::unique_ptr<EventStore> Open(const StoreOptions& options) {
    auto store = EventStore::Open(options, env);
    EXPECT_THAT(store, ot::testing::IsOk());
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::unique_ptr<EventStore> Open() { return Open(Options()); }
  std::string JournalDir() const { return dir.path() + "/journal"; }
  std::vector<std::string> Segments() {
    auto names = RealFileSystem().List(JournalDir());
    return names.ok() ? *names : std::vector<std::string>{};
  }
};

inline std::vector<std::string> Ids(const EventPage& page) {
  std::vector<std::string> ids;
  for (const auto& e : page.events) ids.push_back(e.attrs.event_id);
  return ids;
}

inline LookupQuery Query(std::optional<LookupKey> key = std::nullopt, std::string value = "") {
  LookupQuery q;
  q.region = "us-east-1";
  q.key = key;
  q.value = std::move(value);
  return q;
}

}  // namespace ot::store::testing
