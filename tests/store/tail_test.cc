#include <thread>

#include "store/event_store.h"
#include "store_test_util.h"

namespace ot::store {
namespace {

using ::ot::testing::IsOk;
using namespace ::ot::store::testing;

std::vector<NewEvent> Batch(int first, int n) {
  std::vector<NewEvent> batch;
  for (int i = first; i < first + n; ++i)
    batch.push_back(MakeEvent("t" + std::to_string(i), At(i % 90)));
  return batch;
}

// Reads everything after `after` in steps of `step` events, checking the sequence is contiguous.
std::vector<std::string> ReadAll(EventStore& store, uint64_t after, size_t step) {
  auto reader = store.NewTailReader();
  std::vector<std::string> ids;
  while (true) {
    auto events = reader->ReadAfter(after, step, 1 << 20);
    EXPECT_THAT(events, IsOk());
    if (!events.ok() || events->empty()) break;
    for (const EventStore::TailEvent& e : *events) {
      EXPECT_EQ(e.sequence, after + 1);
      after = e.sequence;
      ids.push_back(e.attrs.event_id);
      EXPECT_NE(e.json.find(e.attrs.event_id), std::string::npos);
    }
  }
  return ids;
}

TEST(EventStoreTail, ReadsEveryEventInOrderAcrossSegments) {
  StoreEnv env;
  StoreOptions options = env.Options();
  options.segment_bytes = 4096;  // many segments
  auto store = env.Open(options);
  for (int b = 0; b < 10; ++b) ASSERT_THAT(store->Append(Batch(b * 37, 37)), IsOk());
  ASSERT_GT(env.Segments().size(), 5u);

  std::vector<std::string> ids = ReadAll(*store, 0, 16);

  ASSERT_EQ(ids.size(), 370u);
  for (int i = 0; i < 370; ++i) EXPECT_EQ(ids[i], "t" + std::to_string(i));
  EXPECT_EQ(store->LastSequence(), 370u);
}

TEST(EventStoreTail, ResumesFromAPersistedCursorAfterReopen) {
  StoreEnv env;
  StoreOptions options = env.Options();
  options.segment_bytes = 4096;
  {
    auto store = env.Open(options);
    ASSERT_THAT(store->Append(Batch(0, 200)), IsOk());
  }
  auto store = env.Open(options);

  std::vector<std::string> ids = ReadAll(*store, 123, 7);

  ASSERT_EQ(ids.size(), 77u);
  EXPECT_EQ(ids.front(), "t123");
  EXPECT_EQ(ids.back(), "t199");
  EXPECT_EQ(store->LastSequence(), 200u);
}

TEST(EventStoreTail, SeesOnlyCommittedEventsAndWakesWaiters) {
  StoreEnv env;
  auto store = env.Open();
  auto reader = store->NewTailReader();
  auto none = reader->ReadAfter(0, 10, 1 << 20);
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());

  std::thread appender([&] { EXPECT_THAT(store->Append(Batch(0, 5)), IsOk()); });
  store->WaitForEventsAfter(0, std::chrono::seconds(30));
  appender.join();

  EXPECT_GE(store->LastSequence(), 1u);
  auto some = reader->ReadAfter(0, 10, 1 << 20);
  ASSERT_THAT(some, IsOk());
  EXPECT_EQ(some->size(), 5u);
}

TEST(EventStoreTail, SkipsDuplicatesBecauseTheyAreNeverJournaled) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append(Batch(0, 3)), IsOk());
  ASSERT_THAT(store->Append(Batch(1, 3)), IsOk());  // t1, t2 again, t3 new

  std::vector<std::string> ids = ReadAll(*store, 0, 100);

  EXPECT_EQ(ids, (std::vector<std::string>{"t0", "t1", "t2", "t3"}));
}

}  // namespace
}  // namespace ot::store
