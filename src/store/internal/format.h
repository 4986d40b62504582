#pragma once

// The journal's on-disk record layout (docs/formats/journal.md) and the hashing shared by the
// journal, the history index and the event store. Internal to store/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/record.h"

namespace ot::store::internal {

// Frame header: u32 payload length, u32 CRC-32 of (sequence bytes + payload), u64 sequence.
inline constexpr size_t kFrameHeaderBytes = 16;
// A payload larger than this is treated as a torn or corrupt length field.
inline constexpr uint32_t kMaxPayloadBytes = 16u << 20;
inline constexpr uint8_t kAttrsVersion = 1;

// LookupAttributes without owning its strings: the index and recovery work on views of either
// a NewEvent or a payload read back from disk.
struct AttrsView {
  std::string_view event_id, aws_region, event_name, event_source, username, access_key_id;
  int64_t event_time_ms = 0;
  std::optional<bool> read_only;
  events::Category category = events::Category::kManagement;
  std::vector<std::pair<std::string_view, std::string_view>> resources;  // (type, name)

  void Assign(const events::LookupAttributes& attrs);  // keeps `resources` capacity
  events::LookupAttributes ToAttributes() const;
};

// Bytes AppendPayload writes.
size_t PayloadSize(const events::LookupAttributes& attrs, std::string_view json);
// Appends the payload of one record: varint length of the attribute block, the block, the JSON.
void AppendPayload(const events::LookupAttributes& attrs, std::string_view json, std::string* out);

// Splits a payload written by AppendPayload. Returns false on malformed input.
bool DecodePayload(std::string_view payload, AttrsView* attrs, std::string_view* json);

// Reads only the eventTime of a payload. Returns false on malformed input.
bool PeekEventTimeMs(std::string_view payload, int64_t* time_ms);

// Appends a frame header for `payload_size` bytes of `seq`; FinishFrame fills in the CRC once
// the payload follows it in `buf` (frame starts at `frame_start`).
void AppendFrameHeader(uint64_t seq, uint32_t payload_size, std::string* buf);
void FinishFrame(size_t frame_start, std::string* buf);

struct FrameHeader {
  uint32_t payload_size;
  uint32_t crc;
  uint64_t seq;
};
FrameHeader ParseFrameHeader(const char* p);
// True when the CRC in `header` matches `payload`.
bool FrameCrcMatches(const FrameHeader& header, std::string_view payload);

uint64_t LoadU64(const char* p);
uint32_t LoadU32(const char* p);

// 64-bit hash (MurmurHash64A) used for event ids and attribute values.
uint64_t Hash64(std::string_view data, uint64_t seed = 0);

}  // namespace ot::store::internal
