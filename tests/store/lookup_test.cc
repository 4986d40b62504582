#include <set>

#include "store/event_store.h"
#include "store_test_util.h"

namespace ot::store {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace ::ot::store::testing;

TEST(EventStoreLookup, FindsEventsByEachAttribute) {
  StoreEnv env;
  auto store = env.Open();
  NewEvent a = MakeEvent("a", At(10), "RunInstances");
  a.attrs.read_only = false;
  a.attrs.username = "bob";
  a.attrs.access_key_id = "AKIABOB";
  a.attrs.event_source = "iam.amazonaws.com";
  a.attrs.resources = {{"AWS::IAM::Role", "arn:aws:iam::1:role/r"}, {"AWS::IAM::Role", "other"}};
  NewEvent b = MakeEvent("b", At(5));
  ASSERT_THAT(store->Append({a, b}), IsOk());
  struct Case {
    LookupKey key;
    std::string value;
    std::vector<std::string> ids;
  };
  const Case cases[] = {
      {LookupKey::kEventId, "a", {"a"}},
      {LookupKey::kEventId, "b", {"b"}},
      {LookupKey::kEventId, "A", {}},
      {LookupKey::kEventName, "RunInstances", {"a"}},
      {LookupKey::kEventName, "DescribeInstances", {"b"}},
      {LookupKey::kEventName, "runinstances", {}},
      {LookupKey::kReadOnly, "false", {"a"}},
      {LookupKey::kReadOnly, "true", {"b"}},
      {LookupKey::kUsername, "bob", {"a"}},
      {LookupKey::kUsername, "alice", {"b"}},
      {LookupKey::kResourceType, "AWS::IAM::Role", {"a"}},
      {LookupKey::kResourceType, "AWS::EC2::Instance", {"b"}},
      {LookupKey::kResourceName, "other", {"a"}},
      {LookupKey::kResourceName, "i-123", {"b"}},
      {LookupKey::kEventSource, "iam.amazonaws.com", {"a"}},
      {LookupKey::kEventSource, "ec2.amazonaws.com", {"b"}},
      {LookupKey::kAccessKeyId, "AKIABOB", {"a"}},
      {LookupKey::kAccessKeyId, "AKIAEXAMPLE", {"b"}},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    auto page = store->Lookup(Query(c.key, c.value));
    ASSERT_THAT(page, IsOk());
    EXPECT_EQ(Ids(*page), c.ids);
  }
}

TEST(EventStoreLookup, ReturnsTheRecordAndItsAttributes) {
  StoreEnv env;
  auto store = env.Open();
  NewEvent e = MakeEvent("id-1", At(1));
  ASSERT_THAT(store->Append({e}), IsOk());

  auto page = store->Lookup(Query());

  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].json, e.json);
  EXPECT_EQ(page->events[0].attrs.event_time, e.attrs.event_time);
  EXPECT_EQ(page->events[0].attrs.resources.size(), 1u);
  EXPECT_EQ(page->events[0].attrs.read_only, std::optional<bool>(true));
  EXPECT_TRUE(page->next_token.empty());
}

TEST(EventStoreLookup, TimeRangeIsInclusiveAtBothEnds) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("early", At(30)), MakeEvent("start", At(20)),
                             MakeEvent("end", At(10)), MakeEvent("late", At(0))}),
              IsOk());
  LookupQuery q = Query();
  q.start_time = At(20);
  q.end_time = At(10);

  auto page = store->Lookup(q);

  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Ids(*page), ElementsAre("end", "start"));
}

TEST(EventStoreLookup, DefaultEndIsNowSoFutureEventsNeedAnExplicitEnd) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("now", At(0)), MakeEvent("future", At(-5))}), IsOk());
  LookupQuery explicit_end = Query();
  explicit_end.end_time = At(-10);

  auto by_default = store->Lookup(Query());
  auto with_end = store->Lookup(explicit_end);

  ASSERT_THAT(by_default, IsOk());
  ASSERT_THAT(with_end, IsOk());
  EXPECT_THAT(Ids(*by_default), ElementsAre("now"));
  EXPECT_THAT(Ids(*with_end), ElementsAre("future", "now"));
}

TEST(EventStoreLookup, OrdersNewestFirstThenByLatestAppendOnTies) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("old", At(120)), MakeEvent("tie-1", At(5)),
                             MakeEvent("new", At(1)), MakeEvent("tie-2", At(5))}),
              IsOk());

  auto page = store->Lookup(Query());

  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(Ids(*page), ElementsAre("new", "tie-2", "tie-1", "old"));
}

// Pages through `q` collecting ids; fails on a repeated token.
std::vector<std::string> PageAll(EventStore& store, LookupQuery q, size_t* pages) {
  std::vector<std::string> ids;
  std::set<std::string> tokens;
  *pages = 0;
  for (;;) {
    auto page = store.Lookup(q);
    EXPECT_THAT(page, IsOk());
    if (!page.ok()) break;
    ++*pages;
    for (auto& id : Ids(*page)) ids.push_back(id);
    if (page->next_token.empty()) break;
    EXPECT_TRUE(tokens.insert(page->next_token).second) << "repeated token";
    q.next_token = page->next_token;
  }
  return ids;
}

TEST(EventStoreLookup, PagesOverManyEventsWithoutGapsOrDuplicates) {
  StoreEnv env;
  auto store = env.Open();
  std::vector<NewEvent> batch;
  std::vector<std::string> expected;
  // Out of time order, several hours, many ties.
  for (int i = 0; i < 640; ++i) {
    int minutes = (i * 37) % 300;
    batch.push_back(MakeEvent("e" + std::to_string(i), At(minutes, (i % 3) * 1000)));
  }
  ASSERT_THAT(store->Append(batch), IsOk());
  std::vector<std::pair<SysMillis, int>> order;
  for (int i = 0; i < 640; ++i) order.push_back({batch[i].attrs.event_time, i});
  std::sort(order.rbegin(), order.rend());
  for (auto& [t, i] : order) expected.push_back("e" + std::to_string(i));
  LookupQuery q = Query(LookupKey::kEventName, "DescribeInstances");
  q.max_results = 50;

  size_t pages = 0;
  std::vector<std::string> ids = PageAll(*store, q, &pages);

  EXPECT_EQ(ids, expected);
  EXPECT_EQ(pages, 13u);
}

TEST(EventStoreLookup, NoTokenWhenTheLastPageIsExactlyFull) {
  StoreEnv env;
  auto store = env.Open();
  std::vector<NewEvent> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(MakeEvent("e" + std::to_string(i), At(i)));
  ASSERT_THAT(store->Append(batch), IsOk());
  LookupQuery q = Query();
  q.max_results = 10;

  size_t pages = 0;
  auto ids = PageAll(*store, q, &pages);

  EXPECT_EQ(ids.size(), 20u);
  EXPECT_EQ(pages, 2u);
}

TEST(EventStoreLookup, PagesAcrossChunksOfOnePartition) {
  StoreEnv env;
  auto store = env.Open();
  std::vector<NewEvent> batch;
  for (int i = 0; i < 70000; ++i) {
    NewEvent e = MakeEvent("e" + std::to_string(i), At(30, (i * 7919) % 600000));
    e.json = "{}";
    batch.push_back(std::move(e));
  }
  ASSERT_THAT(store->Append(batch), IsOk());
  std::vector<std::pair<SysMillis, int>> order;
  for (int i = 0; i < 70000; ++i) order.push_back({batch[i].attrs.event_time, i});
  std::sort(order.rbegin(), order.rend());
  LookupQuery q = Query(LookupKey::kUsername, "alice");
  q.start_time = order[1200].first;

  size_t pages = 0;
  auto ids = PageAll(*store, q, &pages);

  ASSERT_GE(ids.size(), 1201u);
  for (size_t i = 0; i < 1201; ++i) ASSERT_EQ(ids[i], "e" + std::to_string(order[i].second));
}

TEST(EventStoreLookup, RejectsForgedOrReusedTokens) {
  StoreEnv env;
  auto store = env.Open();
  std::vector<NewEvent> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(MakeEvent("e" + std::to_string(i), At(i)));
  ASSERT_THAT(store->Append(batch), IsOk());
  LookupQuery q = Query(LookupKey::kEventName, "DescribeInstances");
  q.max_results = 2;
  auto first = store->Lookup(q);
  ASSERT_THAT(first, IsOk());
  ASSERT_FALSE(first->next_token.empty());
  std::string token = first->next_token;
  std::string flipped = token;
  flipped[3] = flipped[3] == 'A' ? 'B' : 'A';

  struct Case {
    const char* name;
    LookupQuery query;
  };
  std::vector<Case> cases;
  auto with = [&](const char* name, auto change) {
    LookupQuery c = q;
    c.next_token = token;
    change(c);
    cases.push_back({name, c});
  };
  with("garbage", [](LookupQuery& c) { c.next_token = "not a token!"; });
  with("flipped", [&](LookupQuery& c) { c.next_token = flipped; });
  with("truncated", [](LookupQuery& c) { c.next_token.pop_back(); });
  with("other value", [](LookupQuery& c) { c.value = "RunInstances"; });
  with("other key", [](LookupQuery& c) { c.key = LookupKey::kUsername; });
  with("other region", [](LookupQuery& c) { c.region = "eu-west-1"; });
  with("other start", [](LookupQuery& c) { c.start_time = At(100); });
  with("other end", [](LookupQuery& c) { c.end_time = At(0); });
  with("insights", [](LookupQuery& c) { c.insights = true; });

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(store->Lookup(c.query), HasError(Error::kInvalidNextToken));
  }
  q.next_token = token;
  EXPECT_THAT(store->Lookup(q), IsOk());
}

TEST(EventStoreLookup, TokensFromAnotherKeyAreRejected) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("a", At(1)), MakeEvent("b", At(2))}), IsOk());
  LookupQuery q = Query();
  q.max_results = 1;
  auto first = store->Lookup(q);
  ASSERT_THAT(first, IsOk());
  store.reset();
  StoreOptions other = env.Options();
  other.token_key = std::string(32, 'x');
  auto reopened = env.Open(other);
  q.next_token = first->next_token;

  EXPECT_THAT(reopened->Lookup(q), HasError(Error::kInvalidNextToken));
}

TEST(EventStoreLookup, ManagementInsightAndDataEventsAreSeparated) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("mgmt", At(1)),
                             MakeEvent("insight", At(2), "DescribeInstances", "us-east-1",
                                       events::Category::kInsight),
                             MakeEvent("data", At(3), "DescribeInstances", "us-east-1",
                                       events::Category::kData),
                             MakeEvent("net", At(4), "DescribeInstances", "us-east-1",
                                       events::Category::kNetworkActivity)}),
              IsOk());
  LookupQuery insights = Query(LookupKey::kEventName, "DescribeInstances");
  insights.insights = true;
  LookupQuery data_by_id = Query(LookupKey::kEventId, "data");
  LookupQuery insight_by_id = Query(LookupKey::kEventId, "insight");

  auto management = store->Lookup(Query(LookupKey::kEventName, "DescribeInstances"));
  auto insight = store->Lookup(insights);
  auto data = store->Lookup(data_by_id);
  auto insight_as_management = store->Lookup(insight_by_id);

  ASSERT_THAT(management, IsOk());
  ASSERT_THAT(insight, IsOk());
  EXPECT_THAT(Ids(*management), ElementsAre("mgmt"));
  EXPECT_THAT(Ids(*insight), ElementsAre("insight"));
  EXPECT_THAT(Ids(*data), IsEmpty());
  EXPECT_THAT(Ids(*insight_as_management), IsEmpty());
  EXPECT_EQ(store->Stats().events, 2u);
}

TEST(EventStoreLookup, SeesOnlyTheRequestRegion) {
  StoreEnv env;
  auto store = env.Open();
  ASSERT_THAT(store->Append({MakeEvent("east", At(1)),
                             MakeEvent("west", At(2), "DescribeInstances", "eu-west-1")}),
              IsOk());
  LookupQuery west = Query();
  west.region = "eu-west-1";
  LookupQuery west_by_id = Query(LookupKey::kEventId, "east");
  west_by_id.region = "eu-west-1";
  LookupQuery nowhere = Query();
  nowhere.region = "ap-south-1";

  EXPECT_THAT(Ids(*store->Lookup(Query())), ElementsAre("east"));
  EXPECT_THAT(Ids(*store->Lookup(west)), ElementsAre("west"));
  EXPECT_THAT(Ids(*store->Lookup(west_by_id)), IsEmpty());
  EXPECT_THAT(Ids(*store->Lookup(nowhere)), IsEmpty());
}

}  // namespace
}  // namespace ot::store

namespace ot::store {
namespace {

using ::ot::testing::IsOk;
using namespace ::ot::store::testing;

// Lookups between appends see a chunk whose newest postings are not merged yet: they must still
// come back in order, interleaved with the merged ones, by attribute and without one.
TEST(EventStoreLookup, InterleavesUnmergedPostingsWithMergedOnes) {
  StoreEnv env;
  auto store = env.Open();
  std::vector<std::pair<SysMillis, std::string>> all;
  for (int round = 0; round < 40; ++round) {
    std::vector<NewEvent> batch;
    for (int i = 0; i < 37; ++i) {
      int n = round * 37 + i;
      SysMillis t = At((n * 53) % 600, n % 2);  // out of order within one day
      batch.push_back(MakeEvent("e" + std::to_string(n), t));
      all.push_back({t, "e" + std::to_string(n)});
    }
    ASSERT_THAT(store->Append(batch), IsOk());
    std::vector<std::string> expected;
    std::vector<std::pair<SysMillis, std::string>> sorted = all;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < std::min<size_t>(sorted.size(), 30); ++i) {
      expected.push_back(sorted[i].second);
    }
    for (std::optional<LookupKey> key :
         {std::optional<LookupKey>(LookupKey::kEventName), std::optional<LookupKey>()}) {
      LookupQuery q = Query(LookupKey::kEventName, "DescribeInstances");
      q.key = key;
      if (!key) q.value.clear();
      q.max_results = 30;

      auto page = store->Lookup(q);

      ASSERT_THAT(page, IsOk());
      std::vector<std::pair<SysMillis, std::string>> got;
      for (const StoredEvent& e : page->events)
        got.push_back({e.attrs.event_time, e.attrs.event_id});
      ASSERT_EQ(got.size(), expected.size()) << "round " << round;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].first, sorted[i].first) << "round " << round << " position " << i;
      }
    }
  }
}

}  // namespace
}  // namespace ot::store
