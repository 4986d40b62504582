#include "monitor/internal/log_file.h"

#include <algorithm>
#include <cstring>

#include "common/gzip.h"

namespace ot::monitor::internal {
namespace {

template <typename T>
void Put(std::string* out, T v) {
  char buf[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) {
    buf[i] = static_cast<char>(static_cast<uint64_t>(v) >> (8 * i));
  }
  out->append(buf, sizeof(T));
}

template <typename T>
T Get(const char* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return static_cast<T>(v);
}

constexpr size_t kHeader = 8;
constexpr size_t kFixed = 8 + 8 + 8 + 2;

}  // namespace

void AppendRecord(const FileRecord& record, std::string* out) {
  const size_t source_size = std::min<size_t>(record.source.size(), 0xffff);
  const size_t payload = kFixed + source_size + record.message.size();
  const size_t start = out->size();
  Put<uint32_t>(out, static_cast<uint32_t>(payload));
  Put<uint32_t>(out, 0);  // CRC, filled in below
  Put<int64_t>(out, record.timestamp_ms);
  Put<int64_t>(out, record.ingestion_ms);
  Put<uint64_t>(out, record.sequence);
  Put<uint16_t>(out, static_cast<uint16_t>(source_size));
  out->append(record.source.substr(0, source_size));
  out->append(record.message);
  const uint32_t crc = Crc32(std::string_view(*out).substr(start + kHeader, payload));
  for (size_t i = 0; i < 4; ++i) (*out)[start + 4 + i] = static_cast<char>(crc >> (8 * i));
}

size_t ParseRecords(std::string_view data, const std::function<void(const FileRecord&)>& fn) {
  size_t at = 0;
  while (data.size() - at >= kHeader) {
    const uint32_t payload = Get<uint32_t>(data.data() + at);
    const uint32_t crc = Get<uint32_t>(data.data() + at + 4);
    if (payload < kFixed || data.size() - at - kHeader < payload) break;
    std::string_view body = data.substr(at + kHeader, payload);
    if (Crc32(body) != crc) break;
    FileRecord r;
    r.timestamp_ms = Get<int64_t>(body.data());
    r.ingestion_ms = Get<int64_t>(body.data() + 8);
    r.sequence = Get<uint64_t>(body.data() + 16);
    const uint16_t source_size = Get<uint16_t>(body.data() + 24);
    if (kFixed + source_size > payload) break;
    r.source = body.substr(kFixed, source_size);
    r.message = body.substr(kFixed + source_size);
    fn(r);
    at += kHeader + payload;
  }
  return at;
}

}  // namespace ot::monitor::internal
