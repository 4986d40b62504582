#include "common/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ot {
namespace {

Status IoError(const std::string& what, const std::string& path, int err) {
  return Status(Error::kIoError, what + " " + path + ": " + std::strerror(err));
}

class SystemClock final : public Clock {
 public:
  SysMillis Now() override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
  std::chrono::steady_clock::time_point Mono() override { return std::chrono::steady_clock::now(); }
};

// getrandom(2) through a small per-thread buffer: cryptographically strong, few syscalls.
class SystemRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) override {
    thread_local uint8_t buf[4096];
    thread_local size_t avail = 0;
    size_t done = 0;
    while (done < out.size()) {
      if (avail == 0) {
        size_t got = 0;
        while (got < sizeof(buf)) {
          ssize_t n = getrandom(buf + got, sizeof(buf) - got, 0);
          if (n < 0) {
            if (errno == EINTR) continue;
            CheckFailed("getrandom", __FILE__, __LINE__);
          }
          got += static_cast<size_t>(n);
        }
        avail = sizeof(buf);
      }
      size_t take = std::min(avail, out.size() - done);
      std::memcpy(out.data() + done, buf + sizeof(buf) - avail, take);
      std::memset(buf + sizeof(buf) - avail, 0, take);  // never hand out the same bytes twice
      avail -= take;
      done += take;
    }
  }
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) return IoError("fdatasync", path_, errno);
    return Status::Ok();
  }
  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return IoError("close", path_, errno);
    return Status::Ok();
  }
  uint64_t Size() const override { return size_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }
  Status Read(uint64_t offset, size_t n, std::string* out) const override {
    out->resize(n);
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out->data() + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return IoError("pread", path_, errno);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    out->resize(done);
    return Status::Ok();
  }
  uint64_t Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return 0;
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  std::string path_;
  int fd_;
};

std::string DirName(const std::string& path) {
  auto pos = path.rfind('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return path.substr(0, pos);
}

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return IoError("open", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return IoError("fstat", path, err);
    }
    return std::unique_ptr<WritableFile>(
        new PosixWritableFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("open", path, errno);
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, fd));
  }
  Result<std::string> ReadFile(const std::string& path) override {
    OT_ASSIGN_OR_RETURN(auto file, OpenRead(path));
    std::string out;
    OT_RETURN_IF_ERROR(file->Read(0, file->Size(), &out));
    return out;
  }
  Status WriteFileAtomic(const std::string& path, std::string_view data, uint32_t mode) override {
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return IoError("open", tmp, errno);
    ::fchmod(fd, mode);
    PosixWritableFile file(tmp, fd, 0);
    OT_RETURN_IF_ERROR(file.Append(data));
    if (::fsync(fd) != 0) return IoError("fsync", tmp, errno);
    OT_RETURN_IF_ERROR(file.Close());
    OT_RETURN_IF_ERROR(Rename(tmp, path));
    return SyncDir(DirName(path));
  }
  Status Truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      return IoError("truncate", path, errno);
    }
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) == 0 || errno == ENOENT) return Status::Ok();
    if (errno == EISDIR && (::rmdir(path.c_str()) == 0 || errno == ENOENT)) return Status::Ok();
    return IoError("unlink", path, errno);
  }
  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return IoError("rename", from, errno);
    return Status::Ok();
  }
  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return IoError("open", dir, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return IoError("fsync", dir, err);
    return Status::Ok();
  }
  Status CreateDirs(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status(Error::kIoError, "mkdir " + dir + ": " + ec.message());
    return Status::Ok();
  }
  Result<std::vector<std::string>> List(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return IoError("opendir", dir, errno);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      names.emplace_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }
  bool Exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }
  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return IoError("stat", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }
  std::optional<FileStamp> Stamp(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    auto ns = [](const timespec& t) { return int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; };
    FileStamp stamp;
    stamp.device = static_cast<uint64_t>(st.st_dev);
    stamp.inode = static_cast<uint64_t>(st.st_ino);
    stamp.size = static_cast<uint64_t>(st.st_size);
    stamp.mtime_ns = ns(st.st_mtim);
    stamp.ctime_ns = ns(st.st_ctim);
    // The file system stamps ctime from the real clock, so it is judged against that clock.
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    stamp.settled = stamp.ctime_ns < ns(now) - 2'000'000'000;
    return stamp;
  }
};

}  // namespace

uint64_t Random::Next64() {
  uint64_t v = 0;
  Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&v), sizeof(v)));
  return v;
}

Clock& RealClock() {
  static SystemClock clock;
  return clock;
}
FileSystem& RealFileSystem() {
  static PosixFileSystem fs;
  return fs;
}
Random& RealRandom() {
  static SystemRandom random;
  return random;
}
Env& RealEnv() {
  static Env env{RealClock(), RealFileSystem(), RealRandom()};
  return env;
}

}  // namespace ot
