#pragma once

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>

#include "buckets/bucket_registry.h"
#include "support/temp_dir.h"

namespace ot::buckets::testing {

using TempDir = ::ot::testing::TempDir;

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
