#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
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

// The real file system, counting directory listings and reads (what a listing page or a GET
// costs). With `sync` false it skips fsyncs, to set up thousands of versions quickly.
class CountingFileSystem final : public FileSystem {
 public:
  explicit CountingFileSystem(bool sync = true) : sync_(sync) {}

  Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string& p) override {
    OT_ASSIGN_OR_RETURN(auto f, real_.OpenAppend(p));
    if (sync_) return f;
    return std::unique_ptr<WritableFile>(std::make_unique<NoSyncFile>(std::move(f)));
  }
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& p) override {
    ++opens;
    return real_.OpenRead(p);
  }
  Result<std::string> ReadFile(const std::string& p) override {
    ++whole_reads;
    return real_.ReadFile(p);
  }
  Status WriteFileAtomic(const std::string& p, std::string_view data, uint32_t mode) override {
    if (sync_) return real_.WriteFileAtomic(p, data, mode);
    {
      std::ofstream out(p + ".tmp", std::ios::binary | std::ios::trunc);
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
      if (!out) return Status(Error::kIoError, "write " + p + ".tmp");
    }
    return real_.Rename(p + ".tmp", p);
  }
  Status Truncate(const std::string& p, uint64_t size) override { return real_.Truncate(p, size); }
  Status Remove(const std::string& p) override { return real_.Remove(p); }
  Status Rename(const std::string& a, const std::string& b) override { return real_.Rename(a, b); }
  Status SyncDir(const std::string& d) override { return sync_ ? real_.SyncDir(d) : Status::Ok(); }
  Status CreateDirs(const std::string& d) override { return real_.CreateDirs(d); }
  Result<std::vector<std::string>> List(const std::string& d) override {
    ++lists;
    return real_.List(d);
  }
  bool Exists(const std::string& p) override {
    ++exists;
    return real_.Exists(p);
  }
  Result<uint64_t> FileSize(const std::string& p) override {
    ++stats;
    return real_.FileSize(p);
  }
  // The real stamps; with `settle_all`, every file counts as settled however new it is.
  std::optional<FileStamp> Stamp(const std::string& p) override {
    ++stamps;
    std::optional<FileStamp> stamp = real_.Stamp(p);
    if (stamp && settle_all) stamp->settled = true;
    return stamp;
  }

  void Reset() { lists = opens = whole_reads = exists = stats = stamps = 0; }

  bool settle_all = false;

  int lists = 0;
  int opens = 0;        // OpenRead
  int whole_reads = 0;  // ReadFile (a sidecar)
  int exists = 0;
  int stats = 0;   // FileSize
  int stamps = 0;  // Stamp

 private:
  class NoSyncFile final : public WritableFile {
   public:
    explicit NoSyncFile(std::unique_ptr<WritableFile> f) : f_(std::move(f)) {}
    Status Append(std::string_view data) override { return f_->Append(data); }
    Status Sync() override { return Status::Ok(); }
    Status Close() override { return f_->Close(); }
    uint64_t Size() const override { return f_->Size(); }

   private:
    std::unique_ptr<WritableFile> f_;
  };

  FileSystem& real_ = RealFileSystem();
  bool sync_;
};

}  // namespace ot::buckets::testing
