#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ot {

using SysMillis = std::chrono::sys_time<std::chrono::milliseconds>;

// Wall and monotonic time. Outside common/, nothing reads the system clocks directly.
struct Clock {
  virtual ~Clock() = default;
  virtual SysMillis Now() = 0;                               // eventTime, file names, tokens
  virtual std::chrono::steady_clock::time_point Mono() = 0;  // timeouts, latencies
};

// Randomness for ids, nonces and secrets. The real one is cryptographically strong.
struct Random {
  virtual ~Random() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;
  uint64_t Next64();
};

// An append-only file. Bytes are durable only after Sync() returns OK.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Sync() = 0;  // fdatasync
  virtual Status Close() = 0;
  virtual uint64_t Size() const = 0;  // bytes appended so far, including the pre-existing length
};

// A file read at arbitrary offsets; safe to call from many threads at once.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `out` (resized to what was read; short at EOF).
  virtual Status Read(uint64_t offset, size_t n, std::string* out) const = 0;
  virtual uint64_t Size() const = 0;
};

// What tells one state of a file from another: a rewrite, in place or by a rename over it, changes
// the inode, size, mtime or ctime. `settled`: the ctime is over two seconds old, so any later
// change sets a ctime that differs from it even on a file system with coarse timestamps, and even
// when a rename brings back a reused inode number with the same size.
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool settled = false;
  bool Same(const FileStamp& o) const {
    return device == o.device && inode == o.inode && size == o.size && mtime_ns == o.mtime_ns &&
           ctime_ns == o.ctime_ns;
  }
};

// The file operations the store and the server need; tests swap in MemFs / FaultyFs.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens for appending, creating the file if missing; existing bytes are kept.
  virtual Result<std::unique_ptr<WritableFile>> OpenAppend(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Writes `data` to a temporary file, syncs it, renames it over `path` and syncs the directory.
  // `mode` sets the permission bits of the new file (e.g. 0600 for secrets).
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data,
                                 uint32_t mode = 0644) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Removes a file or an empty directory; OK when `path` does not exist.
  virtual Status Remove(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Status CreateDirs(const std::string& dir) = 0;
  // Names (not paths) of the entries of `dir`, sorted.
  virtual Result<std::vector<std::string>> List(const std::string& dir) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // The file's stamp (one stat); nullopt when it cannot be stat'ed or this file system keeps no
  // stamps (then callers read the file instead of trusting what they cached).
  virtual std::optional<FileStamp> Stamp(const std::string& path) {
    (void)path;
    return std::nullopt;
  }
};

struct Env {
  Clock& clock;
  FileSystem& fs;
  Random& random;
};

// The process-wide real environment. Called from server/ and cli/ main only.
Env& RealEnv();
Clock& RealClock();
FileSystem& RealFileSystem();
Random& RealRandom();

}  // namespace ot
