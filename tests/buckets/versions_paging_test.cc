// ListObjectVersions paging (issue 5): a page walks only the folders that can hold its keys, and
// paging in small pages gives exactly one unpaged listing, with and without prefix and delimiter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "buckets/bucket_registry.h"
#include "buckets_test_util.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::buckets {
namespace {

using ot::testing::IsOk;
using testing::CountingFileSystem;
using ::testing::ElementsAre;

constexpr std::string_view kBucket = "pages-b";

class VersionsPagingTest : public ::testing::Test {
 protected:
  VersionsPagingTest() {
    RegistryOptions options;
    options.dir = dir_.path() + "/buckets";
    options.meta_dir = dir_.path() + "/meta";
    auto r = BucketRegistry::Open(options, store_, env_);
    EXPECT_THAT(r, IsOk());
    reg_ = std::move(*r);
    EXPECT_THAT(reg_->Create(kBucket, "us-east-1", "111122223333"), IsOk());
  }

  void Enable() {
    ASSERT_THAT(reg_->PutVersioning(kBucket, {VersioningStatus::kEnabled, {}}, std::nullopt),
                IsOk());
  }

  // A new version of `key`; the model keeps every key's versions newest first.
  void Put(const std::string& key) {
    std::string version;
    const std::string body = key + "#" + std::to_string(model_[key].size());
    PutObjectRequest put;
    put.bucket = kBucket;
    put.key = key;
    put.body = body;  // a view: the string must outlive the call
    put.version_id_out = &version;
    ASSERT_THAT(reg_->PutObject(put), IsOk()) << key;
    Add(key, version.empty() ? "null" : version, false);
  }

  void DeleteMarker(const std::string& key) {
    auto out = reg_->DeleteVersion(kBucket, key, std::nullopt, {});
    ASSERT_THAT(out, IsOk()) << key;
    ASSERT_TRUE(out->delete_marker);
    Add(key, out->version_id, true);
  }

  void Add(const std::string& key, const std::string& version, bool marker) {
    auto& versions = model_[key];
    versions.insert(versions.begin(), {version, marker});
  }

  // "key@version" per entry, "!" marking delete markers and "*" the latest.
  static std::string Describe(const VersionEntry& e) {
    return e.key + "@" + e.version_id + (e.delete_marker ? "!" : "") + (e.is_latest ? "*" : "");
  }

  // The model's entries under `prefix` (no delimiter), key ascending, newest first.
  std::vector<std::string> Expected(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const auto& [key, versions] : model_) {
      if (!key.starts_with(prefix)) continue;
      for (size_t i = 0; i < versions.size(); ++i) {
        out.push_back(key + "@" + versions[i].first + (versions[i].second ? "!" : "") +
                      (i == 0 ? "*" : ""));
      }
    }
    return out;
  }

  struct Listing {
    std::vector<std::string> versions;
    std::vector<std::string> common_prefixes;
    int pages = 0;
    int splits = 0;  // page boundaries between two versions of one key
  };

  // Every page from the start, each continuing from the previous page's markers.
  Listing Page(const std::string& prefix, const std::string& delimiter, int max_keys) {
    Listing all;
    ListVersionsOptions o;
    o.prefix = prefix;
    o.delimiter = delimiter;
    o.max_keys = max_keys;
    while (true) {
      auto page = reg_->ListObjectVersions(kBucket, o);
      EXPECT_THAT(page, IsOk());
      if (!page.ok() || ++all.pages > 5000) break;
      const size_t shown = page->versions.size() + page->common_prefixes.size();
      EXPECT_LE(shown, static_cast<size_t>(max_keys));
      if (!o.version_id_marker.empty() && !page->versions.empty() &&
          page->versions.front().key == o.key_marker) {
        ++all.splits;  // this page goes on inside the key the previous one ended in
      }
      for (const VersionEntry& e : page->versions) all.versions.push_back(Describe(e));
      for (const std::string& p : page->common_prefixes) all.common_prefixes.push_back(p);
      if (!page->truncated) {
        EXPECT_EQ(page->next_key_marker, "");
        EXPECT_EQ(page->next_version_id_marker, "");
        break;
      }
      // A truncated page is full, and its markers name its last entry.
      EXPECT_EQ(shown, static_cast<size_t>(max_keys));
      EXPECT_FALSE(page->next_key_marker.empty());
      o.key_marker = page->next_key_marker;
      o.version_id_marker = page->next_version_id_marker;
    }
    return all;
  }

  testing::TempDir dir_;
  testing::MemRegistryStore store_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_;
  CountingFileSystem fs_{false};
  Env env_{clock_, fs_, random_};
  std::unique_ptr<BucketRegistry> reg_;
  std::map<std::string, std::vector<std::pair<std::string, bool>>> model_;
};

// A page from the middle walks only the folders it shows: over 20 folders of 20 keys with two
// versions each, a 5-entry page lists the two trees' roots and one folder of each, asks their
// entries whether they are folders, and lists the versions of the three keys it shows (~100
// listings), where walking both trees whole takes over 2,500.
TEST_F(VersionsPagingTest, APageListsOnlyTheFoldersItShows) {
  Enable();
  for (int d = 0; d < 20; ++d) {
    for (int f = 0; f < 20; ++f) {
      char key[16];
      std::snprintf(key, sizeof(key), "d%02d/f%02d", d, f);
      Put(key);
      Put(key);
    }
  }
  ListVersionsOptions o;
  o.key_marker = "d10/f05";
  o.max_keys = 5;
  fs_.Reset();
  auto page = reg_->ListObjectVersions(kBucket, o);
  ASSERT_THAT(page, IsOk());
  std::vector<std::string> got;
  for (const VersionEntry& e : page->versions) got.push_back(Describe(e));
  const auto& f06 = model_["d10/f06"];
  const auto& f07 = model_["d10/f07"];
  const auto& f08 = model_["d10/f08"];
  EXPECT_THAT(got, ElementsAre("d10/f06@" + f06[0].first + "*", "d10/f06@" + f06[1].first,
                               "d10/f07@" + f07[0].first + "*", "d10/f07@" + f07[1].first,
                               "d10/f08@" + f08[0].first + "*"));
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_key_marker, "d10/f08");
  EXPECT_EQ(page->next_version_id_marker, f08[0].first);
  EXPECT_LT(fs_.lists, 150) << fs_.lists;

  // The next page goes on inside d10/f08's versions, as cheaply.
  o.key_marker = page->next_key_marker;
  o.version_id_marker = page->next_version_id_marker;
  o.max_keys = 2;
  fs_.Reset();
  page = reg_->ListObjectVersions(kBucket, o);
  ASSERT_THAT(page, IsOk());
  got.clear();
  for (const VersionEntry& e : page->versions) got.push_back(Describe(e));
  EXPECT_THAT(
      got, ElementsAre("d10/f08@" + f08[1].first, "d10/f09@" + model_["d10/f09"][0].first + "*"));
  EXPECT_LT(fs_.lists, 150) << fs_.lists;
}

// Several hundred keys with one to four versions each, delete markers (latest, and between
// versions), null versions from before versioning, a key that is only a delete marker, and
// names that meet the versions tree's own ("top.versions/y", whose folder is the versions
// directory of "top"): paging in small pages gives exactly the unpaged listing, which is
// the model's, with and without prefix and delimiter.
TEST_F(VersionsPagingTest, SmallPagesConcatenateToTheUnpagedListing) {
  std::vector<std::string> keys;
  for (int d = 0; d < 10; ++d) {
    for (int f = 0; f < 20; ++f) {
      char key[48];
      std::snprintf(key, sizeof(key), "logs/2026/11/%02d/f%02d.json.gz", d, f);
      keys.push_back(key);
    }
  }
  for (int i = 0; i < 40; ++i) keys.push_back("z/" + std::to_string(100 + i));
  for (int i = 0; i < 20; ++i) keys.push_back("z/deep/q/" + std::to_string(10 + i));
  for (int i = 0; i < 30; ++i) keys.push_back("r" + std::to_string(10 + i));
  for (const char* k : {"top", "top-b", "topdir/1", "top.versionsX", "top.versions/y", "logs-x",
                        "logs/2026/11-x", "a b/+c"}) {
    keys.push_back(k);
  }
  // The first keys' first versions are null versions, written before versioning.
  for (size_t i = 0; i < keys.size(); i += 9) Put(keys[i]);
  Enable();
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t v = 0; v <= i % 3; ++v) Put(keys[i]);
    if (i % 11 == 0) {  // a delete marker between versions
      DeleteMarker(keys[i]);
      Put(keys[i]);
    }
    if (i % 7 == 0) DeleteMarker(keys[i]);  // the latest is a delete marker
  }
  DeleteMarker("ghost/only-a-marker");

  const std::vector<std::string> everything = Expected("");
  ASSERT_GT(everything.size(), 700u);
  EXPECT_EQ(Page("", "", 100000).versions, everything);
  EXPECT_EQ(Page("top", "", 100000).versions, Expected("top"));
  EXPECT_EQ(Page("logs/2026/11/0", "", 100000).versions, Expected("logs/2026/11/0"));

  struct Case {
    std::string prefix;
    std::string delimiter;
  };
  for (const Case& c : std::vector<Case>{{"", ""},
                                         {"logs/", ""},
                                         {"", "/"},
                                         {"logs/2026/11/0", "/"},
                                         {"logs/2026/", "/"},
                                         {"top", ""},
                                         {"top", "/"},
                                         {"top.", "/"},
                                         {"z/", "/"},
                                         {"", "."}}) {
    const Listing whole = Page(c.prefix, c.delimiter, 100000);
    EXPECT_EQ(whole.pages, 1);
    for (int max_keys : {2, 7}) {
      SCOPED_TRACE("prefix '" + c.prefix + "' delimiter '" + c.delimiter + "' max-keys " +
                   std::to_string(max_keys));
      const Listing paged = Page(c.prefix, c.delimiter, max_keys);
      EXPECT_EQ(paged.versions, whole.versions);
      EXPECT_EQ(paged.common_prefixes, whole.common_prefixes);
      if (c.delimiter.empty()) {
        EXPECT_GT(paged.splits, 0);
      }
    }
  }
  // One entry a page, through the keys that meet the versions tree's names.
  const Listing ones = Page("top", "", 1);
  EXPECT_EQ(ones.versions, Expected("top"));
  EXPECT_EQ(static_cast<size_t>(ones.pages), ones.versions.size());
  EXPECT_EQ(
      Page("", "/", 3).common_prefixes,
      std::vector<std::string>({"a b/", "ghost/", "logs/", "top.versions/", "topdir/", "z/"}));
}

}  // namespace
}  // namespace ot::buckets
