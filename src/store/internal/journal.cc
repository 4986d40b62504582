#include "store/internal/journal.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <mutex>

#include "store/internal/format.h"

namespace ot::store::internal {
namespace {

constexpr std::string_view kSuffix = ".log";
constexpr uint64_t kMaxSegmentBytes = 1ull << 31;  // frame offsets must fit in u32

Status Corrupt(const std::string& path, uint64_t offset, std::string_view what) {
  return Status(Error::kCorruption,
                path + " at offset " + std::to_string(offset) + ": " + std::string(what));
}

// Parses "<20 digits>.log"; false for anything else (temporary or foreign files).
bool ParseSegmentName(const std::string& name, uint64_t* first_seq) {
  if (name.size() != 20 + kSuffix.size() || !name.ends_with(kSuffix)) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *first_seq = v;
  return true;
}

// Whether a well-formed frame with a plausible sequence starts anywhere in data[from..]: if one
// does, a bad frame before it is damage to acknowledged data, not a torn write.
bool ValidFrameAfter(std::string_view data, size_t from, uint64_t expect_seq) {
  for (size_t p = from; p + kFrameHeaderBytes <= data.size(); ++p) {
    FrameHeader h = ParseFrameHeader(data.data() + p);
    if (h.seq < expect_seq || h.seq - expect_seq > (1ull << 32)) continue;
    if (h.payload_size == 0 || h.payload_size > kMaxPayloadBytes) continue;
    if (h.payload_size > data.size() - p - kFrameHeaderBytes) continue;
    if (FrameCrcMatches(h, data.substr(p + kFrameHeaderBytes, h.payload_size))) return true;
  }
  return false;
}

}  // namespace

Journal::Journal(FileSystem& fs, Options options) : fs_(fs), options_(std::move(options)) {
  options_.segment_bytes = std::clamp<uint64_t>(options_.segment_bytes, 1, kMaxSegmentBytes);
}

Journal::~Journal() {
  if (active_) active_->Close().IgnoreError();
}

std::string Journal::SegmentPath(uint64_t first_seq) const {
  char name[32];
  std::snprintf(name, sizeof(name), "%020" PRIu64, first_seq);
  return options_.dir + "/" + name + std::string(kSuffix);
}

Result<std::unique_ptr<Journal>> Journal::Open(FileSystem& fs, Options options,
                                               const ReplayFn& replay) {
  std::unique_ptr<Journal> journal(new Journal(fs, std::move(options)));
  OT_RETURN_IF_ERROR(journal->Recover(replay));
  return journal;
}

Status Journal::Recover(const ReplayFn& replay) {
  OT_RETURN_IF_ERROR(fs_.CreateDirs(options_.dir));
  OT_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_.List(options_.dir));
  for (const std::string& name : names) {
    Segment seg;
    if (!ParseSegmentName(name, &seg.first_seq)) continue;
    seg.path = options_.dir + "/" + name;
    segments_.push_back(std::move(seg));
  }
  next_seq_ = segments_.empty() ? 1 : segments_.front().first_seq;
  for (size_t i = 0; i < segments_.size(); ++i) {
    Segment& seg = segments_[i];
    // Segments may be missing in between (retention), but sequences never go backwards.
    if (seg.first_seq < next_seq_) {
      return Corrupt(seg.path, 0, "segment overlaps the sequences of the previous one");
    }
    next_seq_ = seg.first_seq;
    OT_RETURN_IF_ERROR(ScanSegment(seg, i + 1 == segments_.size(), replay));
  }
  if (segments_.empty()) return StartSegment(next_seq_);
  Segment& last = segments_.back();
  OT_ASSIGN_OR_RETURN(active_, fs_.OpenAppend(last.path));
  active_size_ = active_->Size();
  if (active_size_ != last.size) return Corrupt(last.path, last.size, "size changed during open");
  return Status::Ok();
}

Status Journal::ScanSegment(Segment& seg, bool is_last, const ReplayFn& replay) {
  OT_ASSIGN_OR_RETURN(seg.reader, fs_.OpenRead(seg.path));
  std::string data;
  OT_RETURN_IF_ERROR(seg.reader->Read(0, seg.reader->Size(), &data));
  std::string_view view(data);
  size_t pos = 0;
  while (pos < view.size()) {
    const char* problem = nullptr;
    FrameHeader h{};
    if (view.size() - pos < kFrameHeaderBytes) {
      problem = "partial frame header";
    } else {
      h = ParseFrameHeader(view.data() + pos);
      if (h.payload_size == 0 || h.payload_size > kMaxPayloadBytes ||
          h.payload_size > view.size() - pos - kFrameHeaderBytes) {
        problem = "frame length out of range";
      } else if (h.seq != next_seq_) {
        problem = "unexpected sequence number";
      } else if (!FrameCrcMatches(h, view.substr(pos + kFrameHeaderBytes, h.payload_size))) {
        problem = "checksum mismatch";
      }
    }
    if (problem != nullptr) {
      // Only the end of the newest segment can hold a write that was cut short by a crash;
      // nothing after it was ever acknowledged.
      if (!is_last || ValidFrameAfter(view, pos + 1, next_seq_)) {
        return Corrupt(seg.path, pos, problem);
      }
      OT_RETURN_IF_ERROR(fs_.Truncate(seg.path, pos));
      break;
    }
    std::string_view payload = view.substr(pos + kFrameHeaderBytes, h.payload_size);
    int64_t time_ms = 0;
    if (!PeekEventTimeMs(payload, &time_ms)) return Corrupt(seg.path, pos, "bad payload");
    seg.max_event_time_ms = std::max(seg.max_event_time_ms, time_ms);
    OT_RETURN_IF_ERROR(replay(h.seq, static_cast<uint32_t>(pos), payload));
    pos += kFrameHeaderBytes + h.payload_size;
    ++next_seq_;
  }
  seg.size = pos;
  return Status::Ok();
}

Status Journal::StartSegment(uint64_t first_seq) {
  Segment seg;
  seg.first_seq = first_seq;
  seg.path = SegmentPath(first_seq);
  OT_ASSIGN_OR_RETURN(active_, fs_.OpenAppend(seg.path));
  OT_ASSIGN_OR_RETURN(seg.reader, fs_.OpenRead(seg.path));
  active_size_ = active_->Size();
  seg.size = active_size_;
  need_dir_sync_ = true;
  std::unique_lock lock(mu_);
  segments_.push_back(std::move(seg));
  return Status::Ok();
}

Status Journal::FlushBuffer() {
  if (buf_.empty()) return Status::Ok();
  OT_RETURN_IF_ERROR(active_->Append(buf_));
  buf_.clear();
  return Status::Ok();
}

Result<uint32_t> Journal::Add(const events::LookupAttributes& attrs, std::string_view json) {
  size_t payload_size = PayloadSize(attrs, json);
  if (payload_size > kMaxPayloadBytes) {
    return Status(Error::kValidation, "event too large for the journal");
  }
  uint64_t frame_size = kFrameHeaderBytes + payload_size;
  if (active_size_ > 0 && active_size_ + frame_size > options_.segment_bytes) {
    // Seal the full segment durably before the next one exists, so that recovery only ever
    // meets a torn frame in the newest segment.
    OT_RETURN_IF_ERROR(Commit());
    OT_RETURN_IF_ERROR(active_->Close());
    OT_RETURN_IF_ERROR(StartSegment(next_seq_));
  }
  auto offset = static_cast<uint32_t>(active_size_);
  size_t frame_start = buf_.size();
  AppendFrameHeader(next_seq_, static_cast<uint32_t>(payload_size), &buf_);
  AppendPayload(attrs, json, &buf_);
  FinishFrame(frame_start, &buf_);
  active_size_ += frame_size;
  buf_max_time_ms_ =
      std::max<int64_t>(buf_max_time_ms_, attrs.event_time.time_since_epoch().count());
  ++next_seq_;
  return offset;
}

Status Journal::Commit() {
  OT_RETURN_IF_ERROR(FlushBuffer());
  OT_RETURN_IF_ERROR(active_->Sync());
  if (need_dir_sync_) {
    // A new segment's directory entry must be durable before its events are acknowledged.
    OT_RETURN_IF_ERROR(fs_.SyncDir(options_.dir));
    need_dir_sync_ = false;
  }
  std::unique_lock lock(mu_);
  Segment& seg = segments_.back();
  seg.size = active_size_;
  seg.max_event_time_ms = std::max(seg.max_event_time_ms, buf_max_time_ms_);
  buf_max_time_ms_ = INT64_MIN;
  return Status::Ok();
}

Status Journal::Read(uint64_t seq, uint32_t offset, std::string* scratch,
                     std::string_view* payload) const {
  std::shared_ptr<RandomAccessFile> reader;
  uint64_t committed = 0;
  std::string path;
  {
    std::shared_lock lock(mu_);
    auto it = std::upper_bound(segments_.begin(), segments_.end(), seq,
                               [](uint64_t s, const Segment& seg) { return s < seg.first_seq; });
    if (it == segments_.begin()) return Status(Error::kNotFound, "journal segment deleted");
    --it;
    reader = it->reader;
    committed = it->size;
    path = it->path;
  }
  if (offset + kFrameHeaderBytes > committed) return Corrupt(path, offset, "offset past end");
  // One pread covers typical records; larger ones take a second.
  constexpr size_t kFirstRead = 4096;
  OT_RETURN_IF_ERROR(
      reader->Read(offset, std::min<uint64_t>(kFirstRead, committed - offset), scratch));
  if (scratch->size() < kFrameHeaderBytes) return Corrupt(path, offset, "short read");
  FrameHeader h = ParseFrameHeader(scratch->data());
  if (h.seq != seq || h.payload_size > committed - offset - kFrameHeaderBytes) {
    return Corrupt(path, offset, "frame does not match the index");
  }
  size_t frame_size = kFrameHeaderBytes + h.payload_size;
  if (scratch->size() < frame_size) {
    OT_RETURN_IF_ERROR(reader->Read(offset, frame_size, scratch));
    if (scratch->size() < frame_size) return Corrupt(path, offset, "short read");
  }
  *payload = std::string_view(*scratch).substr(kFrameHeaderBytes, h.payload_size);
  if (!FrameCrcMatches(h, *payload)) return Corrupt(path, offset, "checksum mismatch");
  return Status::Ok();
}

Result<size_t> Journal::DropSegmentsOlderThan(int64_t cutoff_ms) {
  std::vector<std::string> doomed;
  {
    std::unique_lock lock(mu_);
    // The newest segment is the active one and is never deleted.
    auto keep_end = segments_.end() - 1;
    auto it = std::stable_partition(segments_.begin(), keep_end, [&](const Segment& s) {
      return s.max_event_time_ms >= cutoff_ms;
    });
    for (auto d = it; d != keep_end; ++d) doomed.push_back(d->path);
    segments_.erase(it, keep_end);
  }
  for (const std::string& path : doomed) OT_RETURN_IF_ERROR(fs_.Remove(path));
  if (!doomed.empty()) OT_RETURN_IF_ERROR(fs_.SyncDir(options_.dir));
  return doomed.size();
}

Status Journal::ReadFrom(uint64_t from_seq, size_t max_frames, size_t max_bytes, TailHint* hint,
                         const FrameFn& fn) const {
  constexpr size_t kChunk = 1 << 20;
  uint64_t seq = from_seq;
  size_t frames = 0, bytes = 0;
  std::string data;
  while (frames < max_frames && bytes < max_bytes) {
    std::shared_ptr<RandomAccessFile> reader;
    uint64_t committed = 0, first_seq = 0;
    std::string path;
    bool later_segment = false;
    {
      std::shared_lock lock(mu_);
      if (segments_.empty()) return Status::Ok();
      auto it = std::upper_bound(segments_.begin(), segments_.end(), seq,
                                 [](uint64_t s, const Segment& seg) { return s < seg.first_seq; });
      if (it == segments_.begin()) {
        seq = it->first_seq;  // older sequences were deleted by retention
      } else {
        --it;
      }
      reader = it->reader;
      committed = it->size;
      first_seq = it->first_seq;
      path = it->path;
      later_segment = std::next(it) != segments_.end();
    }
    uint64_t offset = 0, at_seq = first_seq;
    if (hint->seq == seq && hint->segment_first_seq == first_seq) {
      offset = hint->offset;
      at_seq = seq;
    }
    bool progressed = false;
    while (offset < committed && frames < max_frames && bytes < max_bytes) {
      OT_RETURN_IF_ERROR(
          reader->Read(offset, std::min<uint64_t>(kChunk, committed - offset), &data));
      std::string_view view(data);
      size_t pos = 0;
      while (view.size() - pos >= kFrameHeaderBytes && frames < max_frames && bytes < max_bytes) {
        FrameHeader h = ParseFrameHeader(view.data() + pos);
        if (h.seq != at_seq || h.payload_size == 0 || h.payload_size > kMaxPayloadBytes ||
            offset + pos + kFrameHeaderBytes + h.payload_size > committed) {
          return Corrupt(path, offset + pos, "bad frame while reading forward");
        }
        if (view.size() - pos - kFrameHeaderBytes < h.payload_size) {
          if (pos == 0) {  // one frame larger than the chunk: read exactly it
            OT_RETURN_IF_ERROR(reader->Read(offset, kFrameHeaderBytes + h.payload_size, &data));
            view = data;
            if (view.size() < kFrameHeaderBytes + h.payload_size) {
              return Corrupt(path, offset, "short read");
            }
          } else {
            break;
          }
        }
        std::string_view payload = view.substr(pos + kFrameHeaderBytes, h.payload_size);
        if (!FrameCrcMatches(h, payload)) return Corrupt(path, offset + pos, "checksum mismatch");
        if (h.seq >= seq) {
          fn(h.seq, payload);
          ++frames;
          bytes += payload.size();
          seq = h.seq + 1;
        }
        ++at_seq;
        pos += kFrameHeaderBytes + h.payload_size;
        progressed = true;
      }
      offset += pos;
      if (pos == 0) break;
    }
    *hint = {seq, first_seq, offset};
    // Move to the next segment only when this one is exhausted and sealed.
    if (offset < committed || !later_segment) return Status::Ok();
    if (!progressed && seq < at_seq) seq = at_seq;
  }
  return Status::Ok();
}

uint64_t Journal::total_bytes() const {
  std::shared_lock lock(mu_);
  uint64_t total = 0;
  for (const Segment& s : segments_) total += s.size;
  return total;
}

size_t Journal::segment_count() const {
  std::shared_lock lock(mu_);
  return segments_.size();
}

}  // namespace ot::store::internal
