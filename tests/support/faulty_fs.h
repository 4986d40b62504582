#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/env.h"

namespace ot::testing {

// Wraps a FileSystem and fails chosen operations with kIoError: every file Sync after
// `fail_syncs_after` successful ones (or SyncDir likewise). Thread-safe.
class FaultyFs final : public FileSystem {
 public:
  explicit FaultyFs(FileSystem& base) : base_(base) {}

  std::atomic<int64_t> fail_syncs_after{-1};  // -1: never fail
  std::atomic<int64_t> syncs{0};

  Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override {
    return base_.OpenRead(path);
  }
  Result<std::string> ReadFile(const std::string& path) override { return base_.ReadFile(path); }
  Status WriteFileAtomic(const std::string& path, std::string_view data, uint32_t mode) override {
    return base_.WriteFileAtomic(path, data, mode);
  }
  Status Truncate(const std::string& path, uint64_t size) override {
    return base_.Truncate(path, size);
  }
  Status Remove(const std::string& path) override { return base_.Remove(path); }
  Status Rename(const std::string& from, const std::string& to) override {
    return base_.Rename(from, to);
  }
  Status SyncDir(const std::string& dir) override;
  Status CreateDirs(const std::string& dir) override { return base_.CreateDirs(dir); }
  Result<std::vector<std::string>> List(const std::string& dir) override { return base_.List(dir); }
  bool Exists(const std::string& path) override { return base_.Exists(path); }
  Result<uint64_t> FileSize(const std::string& path) override { return base_.FileSize(path); }

  // Counts a sync and says whether it must fail.
  bool NextSyncFails();

 private:
  FileSystem& base_;
};

}  // namespace ot::testing
