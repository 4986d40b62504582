#include "store/event_store.h"
#include "store_test_util.h"
#include "support/faulty_fs.h"

namespace ot::store {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace ::ot::store::testing;

constexpr int64_t kDay = 24 * 60;  // minutes

TEST(EventStoreRetention, HidesExpiredEventsEvenBeforeEnforcement) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("old", At(91 * kDay)), MakeEvent("new", At(89 * kDay))}),
              IsOk());
  LookupQuery from_epoch = Query();
  from_epoch.start_time = SysMillis{};

  EXPECT_THAT(Ids(*store->Lookup(Query())), ElementsAre("new"));
  EXPECT_THAT(Ids(*store->Lookup(from_epoch)), ElementsAre("new"));
  EXPECT_THAT(Ids(*store->Lookup(Query(LookupKey::kEventId, "old"))), IsEmpty());
}

TEST(EventStoreRetention, DropsOldPartitionsAndTheirSegments) {
  StoreEnv env;
  StoreOptions options = env.Options();
  options.segment_bytes = 600;
  auto store = env.Open(options);
  std::vector<NewEvent> old_events, new_events;
  for (int i = 0; i < 10; ++i)
    old_events.push_back(MakeEvent("old" + std::to_string(i), At(89 * kDay)));
  for (int i = 0; i < 10; ++i) new_events.push_back(MakeEvent("new" + std::to_string(i), At(1)));
  ASSERT_THAT(store->Append(old_events), IsOk());
  ASSERT_THAT(store->Append(new_events), IsOk());
  size_t segments_before = env.Segments().size();
  env.clock.Advance(std::chrono::days(2));

  ASSERT_THAT(store->EnforceRetention(), IsOk());

  EXPECT_EQ(store->Stats().stored_events, 10u);
  EXPECT_LT(env.Segments().size(), segments_before);
  EXPECT_EQ(store->Stats().journal_segments, env.Segments().size());
  for (int i = 0; i < 10; ++i) {
    auto page = store->Lookup(Query(LookupKey::kEventId, "new" + std::to_string(i)));
    ASSERT_THAT(page, IsOk());
    EXPECT_EQ(page->events.size(), 1u);
  }
  // Dedupe memory went with the dropped events: the id can be stored again.
  auto again = store->Append({MakeEvent("old0", At(0))});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->appended, 1u);
}

TEST(EventStoreRetention, KeepsTheActiveSegmentAndHoursNotYetFullyExpired) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("a", At(90 * kDay - 1))}), IsOk());
  size_t segments = env.Segments().size();

  ASSERT_THAT(store->EnforceRetention(), IsOk());

  EXPECT_EQ(env.Segments().size(), segments);
  EXPECT_EQ(store->Stats().events, 1u);
}

TEST(EventStoreRetention, ReopenSkipsExpiredHours) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("old", At(95 * kDay)), MakeEvent("new", At(1))}), IsOk());
  store.reset();

  store = env.Open();

  EXPECT_EQ(store->Stats().events, 1u);
}

TEST(EventStoreStats, CountsGroupCommits) {
  StoreEnv env;
  auto store = env.Open();

  ASSERT_THAT(store->Append({MakeEvent("a", At(1))}), IsOk());
  ASSERT_THAT(store->Append({MakeEvent("b", At(1)), MakeEvent("c", At(1))}), IsOk());
  ASSERT_THAT(store->Append({MakeEvent("a", At(1))}), IsOk());  // all duplicates: no write

  StoreStats stats = store->Stats();
  EXPECT_EQ(stats.fsyncs, 2u);
  EXPECT_EQ(stats.events, 3u);
  EXPECT_GT(stats.journal_bytes, 0u);
}

TEST(EventStoreFailures, AFailedFsyncFailsTheAppendAndEveryLaterOne) {
  StoreEnv env;
  ot::testing::FaultyFs faulty(RealFileSystem());
  Env faulty_env{env.clock, faulty, env.random};
  auto store = EventStore::Open(env.Options(), faulty_env);
  ASSERT_THAT(store, IsOk());
  ASSERT_THAT((*store)->Append({MakeEvent("a", At(1))}), IsOk());
  faulty.fail_syncs_after = faulty.syncs.load();

  auto failed = (*store)->Append({MakeEvent("b", At(1))});
  faulty.fail_syncs_after = -1;
  auto later = (*store)->Append({MakeEvent("c", At(1))});

  EXPECT_THAT(failed, HasError(Error::kIoError));
  EXPECT_THAT(later, HasError(Error::kIoError));
  EXPECT_THAT(Ids(*(*store)->Lookup(Query())), ElementsAre("a"));
}

TEST(EventStoreFailures, RejectsEventsWithoutAnId) {
  StoreEnv env;
  auto store = env.Open();

  auto r = store->Append({MakeEvent("", At(1))});

  EXPECT_THAT(r, HasError(Error::kValidation));
  EXPECT_THAT(store->Append({MakeEvent("a", At(1))}), IsOk());
}

}  // namespace
}  // namespace ot::store
