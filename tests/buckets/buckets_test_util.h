#pragma once

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>

#include "buckets/bucket_registry.h"

namespace ot::buckets::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ot_buckets_test_XXXXXX";
    const char* made = mkdtemp(tmpl);
    path_ = made != nullptr ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A RegistryStore in memory that outlives registries, for persistence tests.
class MemRegistryStore final : public RegistryStore {
 public:
  Status Put(const BucketInfo& bucket) override {
    rows[bucket.name] = bucket;
    return Status::Ok();
  }
  Status Delete(std::string_view name) override {
    rows.erase(std::string(name));
    return Status::Ok();
  }
  Result<std::vector<BucketInfo>> List() override {
    std::vector<BucketInfo> out;
    for (const auto& [name, b] : rows) out.push_back(b);
    return out;
  }
  std::map<std::string, BucketInfo> rows;
};

}  // namespace ot::buckets::testing
