#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

// The record format of a log stream's file (docs/formats/logs.md): each record is
//   u32 payload length | u32 CRC-32 of the payload | payload
// and the payload is
//   i64 timestamp ms | i64 ingestion time ms | u64 source sequence | u16 source length |
//   source bytes | message bytes
// all little-endian. A record that is cut short or fails its CRC ends the valid prefix.
namespace ot::monitor::internal {

struct FileRecord {
  int64_t timestamp_ms = 0;
  int64_t ingestion_ms = 0;
  uint64_t sequence = 0;    // the journal sequence of a delivered record; 0 for PutLogEvents
  std::string_view source;  // the delivering trail's ARN; empty for PutLogEvents
  std::string_view message;
};

// Appends the encoding of `record` to `out`.
void AppendRecord(const FileRecord& record, std::string* out);

// Calls `fn` for each valid record of `data` in order; returns the length of the valid prefix
// (data.size() when the whole file is intact).
size_t ParseRecords(std::string_view data, const std::function<void(const FileRecord&)>& fn);

}  // namespace ot::monitor::internal
