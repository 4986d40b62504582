#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"

namespace ot::bench {

// The real file system without fsync: for benchmarks that set up tens of thousands of objects
// before they measure (setup only: reads see the same files either way, and 100,000 fsyncs would
// take minutes on a VM).
class NoSyncFileSystem final : public ot::FileSystem {
 public:
  explicit NoSyncFileSystem(ot::FileSystem& real = ot::RealFileSystem()) : real_(real) {}

  class NoSyncFile final : public ot::WritableFile {
   public:
    explicit NoSyncFile(std::unique_ptr<ot::WritableFile> f) : f_(std::move(f)) {}
    ot::Status Append(std::string_view data) override { return f_->Append(data); }
    ot::Status Sync() override { return ot::Status::Ok(); }
    ot::Status Close() override { return f_->Close(); }
    uint64_t Size() const override { return f_->Size(); }

   private:
    std::unique_ptr<ot::WritableFile> f_;
  };

  ot::Result<std::unique_ptr<ot::WritableFile>> OpenAppend(const std::string& path) override {
    OT_ASSIGN_OR_RETURN(auto f, real_.OpenAppend(path));
    return std::unique_ptr<ot::WritableFile>(std::make_unique<NoSyncFile>(std::move(f)));
  }
  ot::Result<std::unique_ptr<ot::RandomAccessFile>> OpenRead(const std::string& path) override {
    return real_.OpenRead(path);
  }
  ot::Result<std::string> ReadFile(const std::string& path) override {
    return real_.ReadFile(path);
  }
  ot::Status WriteFileAtomic(const std::string& path, std::string_view data, uint32_t) override {
    std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
      if (!out) return ot::Status(ot::Error::kIoError, "write " + tmp);
    }
    return real_.Rename(tmp, path);
  }
  ot::Status Truncate(const std::string& path, uint64_t size) override {
    return real_.Truncate(path, size);
  }
  ot::Status Remove(const std::string& path) override { return real_.Remove(path); }
  ot::Status Rename(const std::string& from, const std::string& to) override {
    return real_.Rename(from, to);
  }
  ot::Status SyncDir(const std::string&) override { return ot::Status::Ok(); }
  ot::Status CreateDirs(const std::string& dir) override { return real_.CreateDirs(dir); }
  ot::Result<std::vector<std::string>> List(const std::string& dir) override {
    return real_.List(dir);
  }
  bool Exists(const std::string& path) override { return real_.Exists(path); }
  ot::Result<uint64_t> FileSize(const std::string& path) override { return real_.FileSize(path); }

 private:
  ot::FileSystem& real_;
};

}  // namespace ot::bench
