// The reading API of local buckets: listings, object facts, ranged reads, deletes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "buckets/bucket_registry.h"
#include "buckets_test_util.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::buckets {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using testing::CountingFileSystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class ObjectsTest : public ::testing::Test {
 protected:
  ObjectsTest() {
    RegistryOptions options;
    options.dir = dir_.path() + "/buckets";
    options.meta_dir = dir_.path() + "/meta";
    auto r = BucketRegistry::Open(options, store_, env_);
    EXPECT_THAT(r, IsOk());
    reg_ = std::move(*r);
    EXPECT_THAT(reg_->Create("objs-b", "us-east-1", "111122223333"), IsOk());
  }

  void Put(std::string_view key, std::string_view body = "x",
           std::map<std::string, std::string> metadata = {}) {
    PutObjectRequest put;
    put.bucket = "objs-b";
    put.key = key;
    put.body = body;
    put.content_type = "application/x-gzip";
    put.metadata = std::move(metadata);
    ASSERT_THAT(reg_->PutObject(put), IsOk()) << key;
  }

  ObjectListing List(std::string prefix, std::string delimiter = "", std::string after = "",
                     int max_keys = 1000) {
    ListObjectsOptions o;
    o.prefix = std::move(prefix);
    o.delimiter = std::move(delimiter);
    o.after = std::move(after);
    o.max_keys = max_keys;
    auto page = reg_->ListObjects("objs-b", o);
    EXPECT_THAT(page, IsOk());
    return page.ok() ? *page : ObjectListing{};
  }

  static std::vector<std::string> Keys(const ObjectListing& page) {
    std::vector<std::string> out;
    for (const ObjectInfo& o : page.objects) out.push_back(o.key);
    return out;
  }

  testing::TempDir dir_;
  testing::MemRegistryStore store_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_;
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<BucketRegistry> reg_;
};

TEST_F(ObjectsTest, ListsInByteOrderWithFacts) {
  Put("b/2", "hello world\n");
  Put("a-b", "12");
  Put("a/1");
  Put("a/z/deep");
  ObjectListing page = List("");
  // Byte order, not directory order: "a-b" < "a/1" because '-' < '/'.
  EXPECT_THAT(Keys(page), ElementsAre("a-b", "a/1", "a/z/deep", "b/2"));
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.last, "b/2");
  const ObjectInfo& b2 = page.objects[3];
  EXPECT_EQ(b2.size, 12u);
  EXPECT_EQ(b2.etag, "\"6f5902ac237024bdd0c176cb93063dc4\"");
  EXPECT_EQ(b2.last_modified, clock_.Now());
}

TEST_F(ObjectsTest, PrefixAndDelimiterRollUpCommonPrefixes) {
  for (const char* k : {"AWSLogs/1/a.gz", "AWSLogs/1/b.gz", "AWSLogs/2/c.gz", "AWSLogs/top.gz",
                        "AWSLogsX/other", "root.txt"}) {
    Put(k);
  }
  ObjectListing top = List("", "/");
  EXPECT_THAT(Keys(top), ElementsAre("root.txt"));
  EXPECT_THAT(top.common_prefixes, ElementsAre("AWSLogs/", "AWSLogsX/"));

  ObjectListing logs = List("AWSLogs/", "/");
  EXPECT_THAT(Keys(logs), ElementsAre("AWSLogs/top.gz"));
  EXPECT_THAT(logs.common_prefixes, ElementsAre("AWSLogs/1/", "AWSLogs/2/"));

  // A prefix that ends inside a name still matches across directories.
  EXPECT_THAT(Keys(List("AWSLogs/1/a")), ElementsAre("AWSLogs/1/a.gz"));
  EXPECT_THAT(Keys(List("AWSLogs")),
              ElementsAre("AWSLogs/1/a.gz", "AWSLogs/1/b.gz", "AWSLogs/2/c.gz", "AWSLogs/top.gz",
                          "AWSLogsX/other"));
  // Prefixes naming nothing, or no storable key, list nothing (and never escape the bucket).
  EXPECT_THAT(Keys(List("nope/")), IsEmpty());
  EXPECT_THAT(Keys(List("../")), IsEmpty());
  EXPECT_THAT(Keys(List("root.txt/")), IsEmpty());
  // A delimiter other than '/'.
  ObjectListing dash = List("", "g");
  EXPECT_THAT(dash.common_prefixes, ElementsAre("AWSLog"));
  EXPECT_THAT(Keys(dash), ElementsAre("root.txt"));
}

TEST_F(ObjectsTest, MaxKeysTruncatesAndMarkersResumeAcrossCommonPrefixes) {
  for (const char* k : {"a/1", "a/2", "b", "c/1", "c/2", "d"}) Put(k);
  // Entries: a/ b c/ d — common prefixes count toward max-keys.
  ObjectListing p1 = List("", "/", "", 2);
  EXPECT_THAT(p1.common_prefixes, ElementsAre("a/"));
  EXPECT_THAT(Keys(p1), ElementsAre("b"));
  EXPECT_TRUE(p1.truncated);
  EXPECT_EQ(p1.last, "b");
  ObjectListing p2 = List("", "/", p1.last, 1);
  EXPECT_THAT(p2.common_prefixes, ElementsAre("c/"));
  EXPECT_TRUE(p2.truncated);
  // Resuming after a common prefix skips every key under it.
  ObjectListing p3 = List("", "/", p2.last, 5);
  EXPECT_THAT(p3.common_prefixes, IsEmpty());
  EXPECT_THAT(Keys(p3), ElementsAre("d"));
  EXPECT_FALSE(p3.truncated);

  // Without a delimiter: every key, paged one by one, each exactly once.
  std::vector<std::string> all;
  std::string after;
  for (int guard = 0; guard < 20; ++guard) {
    ObjectListing p = List("", "", after, 1);
    for (auto& k : Keys(p)) all.push_back(k);
    if (!p.truncated) break;
    after = p.last;
  }
  EXPECT_THAT(all, ElementsAre("a/1", "a/2", "b", "c/1", "c/2", "d"));
  // Exactly max-keys entries left: not truncated.
  EXPECT_FALSE(List("", "", "c/2", 1).truncated);
  // max-keys 0: an empty, complete page; a marker past the end: nothing.
  ObjectListing zero = List("", "", "", 0);
  EXPECT_THAT(Keys(zero), IsEmpty());
  EXPECT_FALSE(zero.truncated);
  EXPECT_THAT(Keys(List("", "", "zzz")), IsEmpty());
}

// A registry over the real file system that counts what reads cost (CountingFileSystem), with
// one bucket.
struct CountingRegistry {
  Status Open(std::string_view bucket) {
    RegistryOptions options;
    options.dir = dir.path() + "/buckets";
    options.meta_dir = dir.path() + "/meta";
    reg = BucketRegistry::Open(options, store, env);
    if (!reg.ok()) return reg.status();
    return (*reg)->Create(std::string(bucket), "us-east-1", "111122223333").status();
  }

  testing::TempDir dir;
  testing::MemRegistryStore store;
  ot::testing::FakeClock clock;
  ot::testing::SeededRandom random;
  CountingFileSystem fs;
  Env env{clock, fs, random};
  Result<std::unique_ptr<BucketRegistry>> reg = Status(Error::kInternal, "not opened");
};

// A page walks only the directories that can hold its keys, and stops once it is full: over
// 20 folders of 20 keys, a 5-key page from the middle lists the bucket's root, one folder, and
// asks each entry of those two whether it is a folder (~45 listings), where listing everything
// would take over 400.
TEST(ObjectsListingCost, APageListsOnlyTheFoldersItShows) {
  CountingRegistry counted;
  ASSERT_THAT(counted.Open("cost-b"), IsOk());
  CountingFileSystem& fs = counted.fs;
  auto& reg = counted.reg;
  std::vector<std::string> all;
  for (int d = 0; d < 20; ++d) {
    for (int f = 0; f < 20; ++f) {
      char key[16];
      std::snprintf(key, sizeof(key), "d%02d/f%02d", d, f);
      PutObjectRequest put;
      put.bucket = "cost-b";
      put.key = key;
      put.body = "x";
      ASSERT_THAT((*reg)->PutObject(put), IsOk());
      all.push_back(key);
    }
  }
  ListObjectsOptions o;
  o.after = "d10/f05";
  o.max_keys = 5;
  fs.lists = 0;
  auto page = (*reg)->ListObjects("cost-b", o);
  ASSERT_THAT(page, IsOk());
  std::vector<std::string> keys;
  for (const ObjectInfo& i : page->objects) keys.push_back(i.key);
  EXPECT_THAT(keys, ElementsAre("d10/f06", "d10/f07", "d10/f08", "d10/f09", "d10/f10"));
  EXPECT_TRUE(page->truncated);
  EXPECT_LT(fs.lists, 60);

  // Paging through it all still gives every key once, in order.
  std::vector<std::string> paged;
  o.after.clear();
  o.max_keys = 7;
  while (true) {
    auto p = (*reg)->ListObjects("cost-b", o);
    ASSERT_THAT(p, IsOk());
    for (const ObjectInfo& i : p->objects) paged.push_back(i.key);
    if (!p->truncated) break;
    o.after = p->last;
  }
  EXPECT_EQ(paged, all);
}

// GetObject's open (validate-logs reads thousands of log files through it): the object is opened
// once and its size comes from that open file, the sidecar is read once, and no path is stat'ed
// besides; keys that cannot be opened still fail as they did.
TEST(ObjectsOpenCost, OpenObjectOpensOnceAndStatsNothing) {
  CountingRegistry counted;
  ASSERT_THAT(counted.Open("open-b"), IsOk());
  CountingFileSystem& fs = counted.fs;
  auto& reg = counted.reg;
  PutObjectRequest put;
  put.bucket = "open-b";
  put.key = "AWSLogs/1/f.json.gz";
  put.body = "0123456789abcdef";
  ASSERT_THAT((*reg)->PutObject(put), IsOk());

  fs.Reset();
  auto reader = (*reg)->OpenObject("open-b", "AWSLogs/1/f.json.gz");
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ(fs.opens, 1);
  EXPECT_EQ(fs.whole_reads, 1);
  EXPECT_EQ(fs.stats, 0);
  EXPECT_EQ(fs.exists, 0);
  EXPECT_EQ(reader->info.size, 16u);
  EXPECT_EQ(reader->info.etag, (*reg)->HeadObject("open-b", "AWSLogs/1/f.json.gz")->etag);
  std::string got;
  ASSERT_THAT(reader->file->Read(0, 16, &got), IsOk());
  EXPECT_EQ(got, "0123456789abcdef");

  // A folder opens (O_RDONLY) but has no sidecar; a traversal is refused before any open.
  EXPECT_THAT((*reg)->OpenObject("open-b", "AWSLogs/1"), HasError(Error::kNoSuchKey));
  EXPECT_THAT((*reg)->OpenObject("open-b", "AWSLogs/1/missing"), HasError(Error::kNoSuchKey));
  fs.Reset();
  EXPECT_THAT((*reg)->OpenObject("open-b", "../open-b/AWSLogs/1/f.json.gz"),
              HasError(Error::kNoSuchKey));
  EXPECT_EQ(fs.opens, 0);
  EXPECT_THAT((*reg)->OpenObject("no-such-b", "k"), HasError(Error::kNoSuchBucket));
}

// A settled sidecar is parsed once and then only stat'ed, until anything rewrites it: a PutObject
// over the key, or another process renaming a new file over it. A sidecar still settling is read
// every time.
TEST(ObjectsOpenCost, SettledSidecarsAreReadOnceUntilTheyChange) {
  CountingRegistry counted;
  ASSERT_THAT(counted.Open("cache-b"), IsOk());
  CountingFileSystem& fs = counted.fs;
  auto& reg = counted.reg;
  auto put = [&](std::string body, std::map<std::string, std::string> metadata) {
    PutObjectRequest p;
    p.bucket = "cache-b";
    p.key = "AWSLogs/f.json.gz";
    p.body = std::move(body);
    p.metadata = std::move(metadata);
    ASSERT_THAT((*reg)->PutObject(p), IsOk());
  };
  auto head = [&] { return (*reg)->HeadObject("cache-b", "AWSLogs/f.json.gz"); };

  put("first", {{"n", "1"}});
  for (int i = 0; i < 2; ++i) {  // not settled: read every time
    fs.Reset();
    ASSERT_THAT((*reg)->OpenObject("cache-b", "AWSLogs/f.json.gz"), IsOk());
    EXPECT_EQ(fs.whole_reads, 1);
  }

  fs.settle_all = true;
  ASSERT_THAT(head(), IsOk());  // fills the cache
  fs.Reset();
  auto reader = (*reg)->OpenObject("cache-b", "AWSLogs/f.json.gz");
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ(fs.whole_reads, 0);
  EXPECT_EQ(fs.stamps, 1);
  EXPECT_THAT(reader->info.metadata, ElementsAre(Pair("n", "1")));
  EXPECT_EQ(reader->info.size, 5u);

  put("second", {{"n", "2"}});
  fs.Reset();
  auto info = head();
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(fs.whole_reads, 1);
  EXPECT_THAT(info->metadata, ElementsAre(Pair("n", "2")));
  EXPECT_EQ(info->size, 6u);
  const std::string etag = info->etag;

  // Another process puts a new sidecar in place (same size, new inode).
  const std::string meta = counted.dir.path() + "/meta/cache-b/AWSLogs/f.json.gz.json";
  std::string text;
  {
    std::ifstream in(meta);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const size_t at = text.find(R"("n":"2")");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 7, R"("n":"3")");
  {
    std::ofstream out(meta + ".new", std::ios::trunc);
    out << text;
  }
  std::filesystem::rename(meta + ".new", meta);
  info = head();
  ASSERT_THAT(info, IsOk());
  EXPECT_THAT(info->metadata, ElementsAre(Pair("n", "3")));
  EXPECT_EQ(info->etag, etag);

  ASSERT_THAT((*reg)->DeleteObject("cache-b", "AWSLogs/f.json.gz"), IsOk());
  EXPECT_THAT(head(), HasError(Error::kNoSuchKey));
}

TEST_F(ObjectsTest, KeysWithSpacesPlusAndUnicode) {
  Put("dir/sp ace+plus.txt");
  Put("dir/\xc3\xa9t\xc3\xa9.gz");
  EXPECT_THAT(Keys(List("dir/")), ElementsAre("dir/sp ace+plus.txt", "dir/\xc3\xa9t\xc3\xa9.gz"));
  EXPECT_THAT(reg_->HeadObject("objs-b", "dir/sp ace+plus.txt"), IsOk());
}

TEST_F(ObjectsTest, HeadAndOpenReportMetadataAndReadRanges) {
  Put("AWSLogs/d.json.gz", "0123456789", {{"Signature", "abc"}, {"signature-algorithm", "x"}});
  auto info = reg_->HeadObject("objs-b", "AWSLogs/d.json.gz");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 10u);
  EXPECT_EQ(info->content_type, "application/x-gzip");
  EXPECT_THAT(info->metadata,
              ElementsAre(Pair("signature", "abc"), Pair("signature-algorithm", "x")));
  auto reader = reg_->OpenObject("objs-b", "AWSLogs/d.json.gz");
  ASSERT_THAT(reader, IsOk());
  std::string got;
  ASSERT_THAT(reader->file->Read(3, 4, &got), IsOk());
  EXPECT_EQ(got, "3456");

  EXPECT_THAT(reg_->HeadObject("objs-b", "AWSLogs/missing"), HasError(Error::kNoSuchKey));
  EXPECT_THAT(reg_->HeadObject("objs-b", "AWSLogs"), HasError(Error::kNoSuchKey));  // a dir
  EXPECT_THAT(reg_->HeadObject("objs-b", "../objs-b/AWSLogs/d.json.gz"),
              HasError(Error::kNoSuchKey));
  EXPECT_THAT(reg_->OpenObject("objs-b", "nope"), HasError(Error::kNoSuchKey));
  EXPECT_THAT(reg_->HeadObject("no-such-b", "k"), HasError(Error::kNoSuchBucket));
  EXPECT_THAT(reg_->ListObjects("no-such-b", {}), HasError(Error::kNoSuchBucket));
}

TEST_F(ObjectsTest, EtagOfAnObjectWrittenWithoutOneIsComputedAndRemembered) {
  Put("old.gz", "hello world\n");
  // A sidecar as the server wrote them before ETags were stored.
  std::string meta = dir_.path() + "/meta/objs-b/old.gz.json";
  {
    std::ofstream out(meta, std::ios::trunc);
    out << R"({"ContentType":"application/json","LastModified":"2024-01-02T03:04:05.000Z",)"
        << R"("Metadata":{"k":"v"}})";
  }
  auto info = reg_->HeadObject("objs-b", "old.gz");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->etag, "\"6f5902ac237024bdd0c176cb93063dc4\"");
  EXPECT_EQ(info->content_type, "application/json");
  EXPECT_THAT(info->metadata, ElementsAre(Pair("k", "v")));
  std::ifstream in(meta);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, ::testing::HasSubstr("\"ETag\":\"6f5902ac237024bdd0c176cb93063dc4\""));
  EXPECT_THAT(text, ::testing::HasSubstr("2024-01-02T03:04:05.000Z"));
}

TEST_F(ObjectsTest, DeleteRemovesObjectSidecarAndEmptyDirectories) {
  Put("AWSLogs/1/a.gz");
  Put("AWSLogs/1/b.gz");
  Put("AWSLogs/2/c.gz");
  ASSERT_THAT(reg_->DeleteObject("objs-b", "AWSLogs/2/c.gz"), IsOk());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/buckets/objs-b/AWSLogs/2"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/meta/objs-b/AWSLogs/2"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/buckets/objs-b/AWSLogs/1/a.gz"));
  ASSERT_THAT(reg_->DeleteObject("objs-b", "AWSLogs/1/a.gz"), IsOk());
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/buckets/objs-b/AWSLogs/1"));
  ASSERT_THAT(reg_->DeleteObject("objs-b", "AWSLogs/1/b.gz"), IsOk());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/buckets/objs-b/AWSLogs"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/buckets/objs-b"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/meta/objs-b/AWSLogs"));
  // Missing keys, directories and unstorable keys: OK, nothing happens.
  Put("keep/x");
  EXPECT_THAT(reg_->DeleteObject("objs-b", "missing"), IsOk());
  EXPECT_THAT(reg_->DeleteObject("objs-b", "keep"), IsOk());
  EXPECT_THAT(reg_->DeleteObject("objs-b", "../objs-b/keep/x"), IsOk());
  EXPECT_THAT(Keys(List("")), ElementsAre("keep/x"));
  EXPECT_THAT(reg_->DeleteObject("no-such-b", "k"), HasError(Error::kNoSuchBucket));
  // The bucket is empty again once its last object is gone.
  ASSERT_THAT(reg_->DeleteObject("objs-b", "keep/x"), IsOk());
  EXPECT_THAT(reg_->Delete("objs-b"), IsOk());
}

TEST_F(ObjectsTest, RemoteBucketsAreNotReadHere) {
  RemoteBucketConfig c;
  c.name = "remote-b";
  c.endpoint = "http://127.0.0.1:1";
  c.access_key_id = "AKID";
  c.secret_access_key = "secret";
  ASSERT_THAT(reg_->AddRemote(c), IsOk());
  EXPECT_THAT(reg_->ListObjects("remote-b", {}), HasError(Error::kS3NotImplemented));
  EXPECT_THAT(reg_->HeadObject("remote-b", "k"), HasError(Error::kS3NotImplemented));
  EXPECT_THAT(reg_->DeleteObject("remote-b", "k"), HasError(Error::kS3NotImplemented));
}

}  // namespace
}  // namespace ot::buckets
