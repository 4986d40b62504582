#include <sched.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "store/event_store.h"
#include "store_test_util.h"

namespace ot::store {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::ElementsAre;
using namespace ::ot::store::testing;

std::vector<NewEvent> Events(int from, int to, int minutes_ago = 1) {
  std::vector<NewEvent> out;
  for (int i = from; i < to; ++i)
    out.push_back(MakeEvent("e" + std::to_string(i), At(minutes_ago)));
  return out;
}

std::string LastSegment(StoreEnv& env) { return env.JournalDir() + "/" + env.Segments().back(); }

uint64_t SizeOf(const std::string& path) { return *RealFileSystem().FileSize(path); }

// How many of this process's threads run as SCHED_BATCH, once that is `want` (or after 5 s).
int BatchThreadsOnceThere(int want) {
  int n = -1;
  for (int attempt = 0; attempt < 500 && n != want; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    n = 0;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      if (sched_getscheduler(std::stoi(task.path().filename().string())) == SCHED_BATCH) ++n;
    }
  }
  return n;
}

// The writer runs as a batch thread while it commits small groups (a call that queues its
// record keeps its core, and the calls handled meanwhile share the fsync), and as a normal one
// after a bulk group, whose client waits for it.
TEST(EventStoreGroupCommit, WriterIsABatchThreadForSmallGroupsOnly) {
  StoreEnv env;
  ASSERT_EQ(BatchThreadsOnceThere(0), 0);
  auto store = env.Open();

  ASSERT_THAT(store->Append(Events(0, 1)), IsOk());
  EXPECT_EQ(BatchThreadsOnceThere(1), 1);
  ASSERT_THAT(store->Append(Events(1, 301)), IsOk());
  EXPECT_EQ(BatchThreadsOnceThere(0), 0);
  ASSERT_THAT(store->Append(Events(301, 303)), IsOk());
  EXPECT_EQ(BatchThreadsOnceThere(1), 1);
  store.reset();
  EXPECT_EQ(BatchThreadsOnceThere(0), 0);
}

TEST(EventStoreDedupe, SkipsRepeatsWithinABatch) {
  StoreEnv env;
  auto store = env.Open();

  auto r = store->Append({MakeEvent("x", At(1)), MakeEvent("y", At(1)), MakeEvent("x", At(2))});

  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->appended, 2u);
  EXPECT_EQ(r->duplicates, 1u);
  EXPECT_THAT(r->was_duplicate, ElementsAre(false, false, true));
}

TEST(EventStoreDedupe, SkipsEventsStoredEarlierAndAfterReopen) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append(Events(0, 3)), IsOk());

  auto again = store->Append(Events(2, 4));
  store.reset();
  store = env.Open();
  auto after_reopen = store->Append(Events(0, 5));

  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->was_duplicate, ElementsAre(true, false));
  ASSERT_THAT(after_reopen, IsOk());
  EXPECT_THAT(after_reopen->was_duplicate, ElementsAre(true, true, true, true, false));
  EXPECT_EQ(store->Stats().events, 5u);
}

TEST(EventStoreDedupe, ConcurrentAppendersStoreEachEventExactlyOnce) {
  StoreEnv env;
  auto store = env.Open();
  constexpr int kThreads = 4, kBatches = 25, kBatchSize = 20;
  std::atomic<size_t> appended{0}, duplicates{0};
  std::vector<std::thread> threads;

  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        // Threads overlap: thread t's batch b repeats ids of thread t-1's batch b.
        int base = ((t / 2) * kBatches + b) * kBatchSize;
        auto r = store->Append(Events(base, base + kBatchSize));
        ASSERT_THAT(r, IsOk());
        appended += r->appended;
        duplicates += r->duplicates;
      }
    });
  }
  for (auto& th : threads) th.join();

  constexpr size_t kDistinct = 2 * kBatches * kBatchSize;
  EXPECT_EQ(appended.load(), kDistinct);
  EXPECT_EQ(duplicates.load(), kThreads * kBatches * kBatchSize - kDistinct);
  EXPECT_EQ(store->Stats().events, kDistinct);
  EXPECT_LE(store->Stats().fsyncs, static_cast<uint64_t>(kThreads * kBatches));
}

TEST(EventStoreDurability, AsyncCallbacksRunAfterTheEventsAreVisible) {
  StoreEnv env;
  auto store = env.Open();
  std::promise<size_t> seen;

  store->AppendAsync(Events(0, 3), [&](Result<AppendResult> r) {
    ASSERT_THAT(r, IsOk());
    seen.set_value(store->Lookup(Query())->events.size());
  });

  EXPECT_EQ(seen.get_future().get(), 3u);
}

TEST(EventStoreDurability, ReopenRebuildsTheIndex) {
  StoreEnv env;
  StoreOptions options = env.Options();
  options.segment_bytes = 1000;  // many segments
  auto store = env.Open(options);
  ASSERT_THAT(store->Append(Events(0, 40)), IsOk());
  ASSERT_THAT(store->Append(Events(40, 60, 90)), IsOk());
  store.reset();

  store = env.Open(options);

  EXPECT_GT(env.Segments().size(), 5u);
  EXPECT_EQ(store->Stats().events, 60u);
  auto page = store->Lookup(Query(LookupKey::kEventId, "e45"));
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Ids(*page), ElementsAre("e45"));
  ASSERT_THAT(store->Append(Events(60, 61)), IsOk());
  EXPECT_EQ(store->Stats().events, 61u);
}

TEST(EventStoreRecovery, CutsATornTailRecord) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append(Events(0, 3)), IsOk());
  store.reset();
  std::string seg = LastSegment(env);
  ASSERT_THAT(RealFileSystem().Truncate(seg, SizeOf(seg) - 5), IsOk());

  store = env.Open();

  EXPECT_EQ(store->Stats().events, 2u);
  EXPECT_THAT(Ids(*store->Lookup(Query(LookupKey::kEventId, "e2"))), ElementsAre());
  // The cut record can be appended again and the journal stays readable.
  ASSERT_THAT(store->Append(Events(2, 4)), IsOk());
  store.reset();
  store = env.Open();
  EXPECT_EQ(store->Stats().events, 4u);
}

TEST(EventStoreRecovery, CutsGarbageAfterTheLastRecord) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append(Events(0, 3)), IsOk());
  store.reset();
  std::string seg = LastSegment(env);
  uint64_t good = SizeOf(seg);
  auto file = RealFileSystem().OpenAppend(seg);
  ASSERT_THAT((*file)->Append(std::string(100, '\x7f')), IsOk());
  (*file)->Close().IgnoreError();

  store = env.Open();

  EXPECT_EQ(store->Stats().events, 3u);
  EXPECT_EQ(SizeOf(seg), good);
}

TEST(EventStoreRecovery, CutsAPartialFrameHeader) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append(Events(0, 3)), IsOk());
  store.reset();
  auto file = RealFileSystem().OpenAppend(LastSegment(env));
  ASSERT_THAT((*file)->Append(std::string("\x20\x00\x00", 3)), IsOk());
  (*file)->Close().IgnoreError();

  store = env.Open();

  EXPECT_EQ(store->Stats().events, 3u);
}

// Flips one byte at `offset` of `path`.
void Corrupt(const std::string& path, uint64_t offset) {
  auto data = RealFileSystem().ReadFile(path);
  ASSERT_THAT(data, IsOk());
  (*data)[offset] = static_cast<char>((*data)[offset] ^ 0x55);
  ASSERT_THAT(RealFileSystem().WriteFileAtomic(path, *data), IsOk());
}

TEST(EventStoreRecovery, FailsOnCorruptionBeforeTheTail) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append(Events(0, 3)), IsOk());
  store.reset();
  Corrupt(LastSegment(env), 30);  // inside the first record's payload

  EXPECT_THAT(EventStore::Open(env.Options(), env.env), HasError(Error::kCorruption));
}

TEST(EventStoreRecovery, FailsOnACorruptLengthBeforeTheTail) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append(Events(0, 3)), IsOk());
  store.reset();
  Corrupt(LastSegment(env), 2);  // the first record's length now points past the end

  EXPECT_THAT(EventStore::Open(env.Options(), env.env), HasError(Error::kCorruption));
}

TEST(EventStoreRecovery, FailsOnATornRecordInASealedSegment) {
  StoreEnv env;
  StoreOptions options = env.Options();
  options.segment_bytes = 400;
  auto store = env.Open(options);
  ASSERT_THAT(store->Append(Events(0, 10)), IsOk());
  store.reset();
  std::string first = env.JournalDir() + "/" + env.Segments().front();
  ASSERT_THAT(RealFileSystem().Truncate(first, SizeOf(first) - 1), IsOk());

  EXPECT_THAT(EventStore::Open(options, env.env), HasError(Error::kCorruption));
}

}  // namespace
}  // namespace ot::store
