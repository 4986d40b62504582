#include "support/faulty_fs.h"

namespace ot::testing {
namespace {

class FaultyFile final : public WritableFile {
 public:
  FaultyFile(FaultyFs& fs, std::unique_ptr<WritableFile> base) : fs_(fs), base_(std::move(base)) {}
  Status Append(std::string_view data) override { return base_->Append(data); }
  Status Sync() override {
    if (fs_.NextSyncFails()) return Status(Error::kIoError, "injected fdatasync failure");
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  FaultyFs& fs_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

bool FaultyFs::NextSyncFails() {
  int64_t n = syncs++;
  int64_t limit = fail_syncs_after.load();
  return limit >= 0 && n >= limit;
}

Result<std::unique_ptr<WritableFile>> FaultyFs::OpenAppend(const std::string& path) {
  OT_ASSIGN_OR_RETURN(auto file, base_.OpenAppend(path));
  return std::unique_ptr<WritableFile>(new FaultyFile(*this, std::move(file)));
}

Status FaultyFs::SyncDir(const std::string& dir) {
  if (NextSyncFails()) return Status(Error::kIoError, "injected directory fsync failure");
  return base_.SyncDir(dir);
}

}  // namespace ot::testing
