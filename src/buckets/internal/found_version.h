#pragma once

#include <string>

#include "buckets/bucket_registry.h"
#include "buckets/internal/sidecar.h"

namespace ot::buckets {

// One version of a key as found on disk (versioning.cc, object_lock.cc).
struct BucketRegistry::FoundVersion {
  internal::Sidecar sidecar;  // version_id set, "null" for the null version
  bool current = false;       // the object file at the key's own path
  std::string sidecar_path;
  std::string data_path;  // empty for delete markers
};

}  // namespace ot::buckets
