#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "events/record.h"

namespace ot::store::internal {

// The segmented, append-only journal (docs/formats/journal.md). One writer thread calls Add and
// Commit; Read, Stats and segment listing are safe from any thread.
class Journal {
 public:
  struct Options {
    std::string dir;  // the journal folder (segments are <20-digit first sequence>.log)
    uint64_t segment_bytes = 64ull << 20;
  };
  // Called once per record during Open, in sequence order. `offset` is the frame's offset in its
  // segment. A non-OK status stops the replay and fails Open.
  using ReplayFn = std::function<Status(uint64_t seq, uint32_t offset, std::string_view payload)>;

  // Scans every segment. A torn or garbage tail of the last segment is truncated away; any other
  // bad frame fails with kCorruption.
  static Result<std::unique_ptr<Journal>> Open(FileSystem& fs, Options options,
                                               const ReplayFn& replay);
  ~Journal();

  // Writer thread only. Frames the event as sequence next_seq() and buffers it; rolls to a new
  // segment first when the current one is full. Returns the frame's offset in its segment.
  Result<uint32_t> Add(const events::LookupAttributes& attrs, std::string_view json);
  // Writer thread only. Writes the buffered frames and fdatasyncs; directory is synced too when a
  // segment was created since the last commit. On failure the journal must not be used again.
  Status Commit();
  uint64_t next_seq() const { return next_seq_; }
  // True when frames are buffered but not yet committed.
  bool dirty() const { return !buf_.empty(); }

  // Reads the payload of the frame of `seq` at `offset`, verifying length, sequence and CRC.
  // kNotFound when the segment is gone (retention), kCorruption on a bad frame.
  Status Read(uint64_t seq, uint32_t offset, std::string* scratch, std::string_view* payload) const;

  // Where a forward reader stopped: the next frame's sequence and its place. Lets a consumer that
  // reads on from where it left off skip the scan to its first frame.
  struct TailHint {
    uint64_t seq = 0;
    uint64_t segment_first_seq = 0;
    uint64_t offset = 0;
  };
  using FrameFn = std::function<void(uint64_t seq, std::string_view payload)>;
  // Calls `fn` for committed frames with sequence >= `from_seq`, oldest first, until `max_frames`
  // frames or about `max_bytes` of payload. Sequences deleted by retention are skipped. Safe from
  // any thread, concurrently with the writer.
  Status ReadFrom(uint64_t from_seq, size_t max_frames, size_t max_bytes, TailHint* hint,
                  const FrameFn& fn) const;

  // Deletes sealed segments whose newest event is older than `cutoff_ms`. Returns the count.
  Result<size_t> DropSegmentsOlderThan(int64_t cutoff_ms);

  uint64_t total_bytes() const;
  size_t segment_count() const;

 private:
  struct Segment {
    uint64_t first_seq = 0;
    std::string path;
    std::shared_ptr<RandomAccessFile> reader;
    uint64_t size = 0;  // committed bytes
    int64_t max_event_time_ms = INT64_MIN;
  };

  Journal(FileSystem& fs, Options options);
  std::string SegmentPath(uint64_t first_seq) const;
  Status Recover(const ReplayFn& replay);
  Status ScanSegment(Segment& seg, bool is_last, const ReplayFn& replay);
  Status StartSegment(uint64_t first_seq);
  Status FlushBuffer();

  FileSystem& fs_;
  Options options_;

  mutable std::shared_mutex mu_;  // guards segments_ (the vector and each committed size)
  std::vector<Segment> segments_;

  // Writer state.
  std::unique_ptr<WritableFile> active_;
  uint64_t active_size_ = 0;  // including buffered frames
  std::string buf_;
  int64_t buf_max_time_ms_ = INT64_MIN;
  uint64_t next_seq_ = 0;
  bool need_dir_sync_ = false;
};

}  // namespace ot::store::internal
