#include "store/internal/format.h"

#include <cstring>

#include "common/gzip.h"

namespace ot::store::internal {
namespace {

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutU32(uint32_t v, char* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

void PutU64(uint64_t v, char* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

size_t StringSize(std::string_view s) { return VarintSize(s.size()) + s.size(); }

// A cursor over a byte range that fails sticky on overrun.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  std::string_view rest() const { return in_; }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) break;
      auto b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok_ = false;
    return 0;
  }
  uint8_t Byte() {
    if (in_.empty()) {
      ok_ = false;
      return 0;
    }
    auto b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return b;
  }
  std::string_view Bytes(uint64_t n) {
    if (n > in_.size()) {
      ok_ = false;
      return {};
    }
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  std::string_view String() { return Bytes(Varint()); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

uint8_t EncodeReadOnly(std::optional<bool> v) {
  if (!v) return 0;
  return *v ? 2 : 1;
}

}  // namespace

uint64_t LoadU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint32_t LoadU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void AttrsView::Assign(const events::LookupAttributes& a) {
  event_id = a.event_id;
  aws_region = a.aws_region;
  event_name = a.event_name;
  event_source = a.event_source;
  username = a.username;
  access_key_id = a.access_key_id;
  event_time_ms = a.event_time.time_since_epoch().count();
  read_only = a.read_only;
  category = a.category;
  resources.clear();
  for (const auto& r : a.resources) resources.emplace_back(r.type, r.name);
}

events::LookupAttributes AttrsView::ToAttributes() const {
  events::LookupAttributes a;
  a.event_id = event_id;
  a.event_time = SysMillis(std::chrono::milliseconds(event_time_ms));
  a.event_name = event_name;
  a.event_source = event_source;
  a.read_only = read_only;
  a.username = username;
  a.access_key_id = access_key_id;
  for (const auto& [type, name] : resources) {
    a.resources.push_back({std::string(type), std::string(name)});
  }
  a.aws_region = aws_region;
  a.category = category;
  return a;
}

namespace {

size_t AttrsSize(const events::LookupAttributes& a) {
  size_t attrs_size = 3 + 8 + StringSize(a.event_id) + StringSize(a.aws_region) +
                      StringSize(a.event_name) + StringSize(a.event_source) +
                      StringSize(a.username) + StringSize(a.access_key_id) +
                      VarintSize(a.resources.size());
  for (const auto& r : a.resources) attrs_size += StringSize(r.type) + StringSize(r.name);
  return attrs_size;
}

}  // namespace

size_t PayloadSize(const events::LookupAttributes& a, std::string_view json) {
  size_t attrs_size = AttrsSize(a);
  return VarintSize(attrs_size) + attrs_size + json.size();
}

void AppendPayload(const events::LookupAttributes& a, std::string_view json, std::string* out) {
  size_t attrs_size = AttrsSize(a);
  PutVarint(attrs_size, out);
  out->push_back(static_cast<char>(kAttrsVersion));
  out->push_back(static_cast<char>(a.category));
  out->push_back(static_cast<char>(EncodeReadOnly(a.read_only)));
  char time[8];
  PutU64(static_cast<uint64_t>(a.event_time.time_since_epoch().count()), time);
  out->append(time, sizeof(time));
  PutString(a.event_id, out);
  PutString(a.aws_region, out);
  PutString(a.event_name, out);
  PutString(a.event_source, out);
  PutString(a.username, out);
  PutString(a.access_key_id, out);
  PutVarint(a.resources.size(), out);
  for (const auto& r : a.resources) {
    PutString(r.type, out);
    PutString(r.name, out);
  }
  out->append(json);
}

bool DecodePayload(std::string_view payload, AttrsView* a, std::string_view* json) {
  Reader outer(payload);
  Reader r(outer.Bytes(outer.Varint()));
  if (!outer.ok()) return false;
  if (r.Byte() != kAttrsVersion) return false;
  uint8_t category = r.Byte();
  if (category > static_cast<uint8_t>(events::Category::kInsight)) return false;
  a->category = static_cast<events::Category>(category);
  uint8_t read_only = r.Byte();
  if (read_only > 2) return false;
  a->read_only = read_only == 0 ? std::nullopt : std::optional<bool>(read_only == 2);
  std::string_view time = r.Bytes(8);
  if (!r.ok()) return false;
  a->event_time_ms = static_cast<int64_t>(LoadU64(time.data()));
  a->event_id = r.String();
  a->aws_region = r.String();
  a->event_name = r.String();
  a->event_source = r.String();
  a->username = r.String();
  a->access_key_id = r.String();
  uint64_t n = r.Varint();
  if (!r.ok() || n > r.rest().size()) return false;
  a->resources.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view type = r.String();
    std::string_view name = r.String();
    a->resources.emplace_back(type, name);
  }
  if (!r.ok() || !r.rest().empty()) return false;
  *json = outer.rest();
  return true;
}

bool PeekEventTimeMs(std::string_view payload, int64_t* time_ms) {
  Reader r(payload);
  r.Varint();
  if (r.Byte() != kAttrsVersion) return false;
  r.Bytes(2);
  std::string_view time = r.Bytes(8);
  if (!r.ok()) return false;
  *time_ms = static_cast<int64_t>(LoadU64(time.data()));
  return true;
}

void AppendFrameHeader(uint64_t seq, uint32_t payload_size, std::string* buf) {
  char header[kFrameHeaderBytes];
  PutU32(payload_size, header);
  PutU32(0, header + 4);
  PutU64(seq, header + 8);
  buf->append(header, sizeof(header));
}

void FinishFrame(size_t frame_start, std::string* buf) {
  char* p = buf->data() + frame_start;
  uint32_t crc = Crc32(std::string_view(p + 8, buf->size() - frame_start - 8));
  PutU32(crc, p + 4);
}

FrameHeader ParseFrameHeader(const char* p) { return {LoadU32(p), LoadU32(p + 4), LoadU64(p + 8)}; }

bool FrameCrcMatches(const FrameHeader& h, std::string_view payload) {
  char seq[8];
  PutU64(h.seq, seq);
  return Crc32(payload, Crc32(std::string_view(seq, sizeof(seq)))) == h.crc;
}

uint64_t Hash64(std::string_view data, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  uint64_t h = seed ^ (data.size() * m);
  const char* p = data.data();
  size_t n = data.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  if (n > 0) {
    uint64_t k = 0;
    for (size_t i = 0; i < n; ++i)
      k |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
    h ^= k;
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

}  // namespace ot::store::internal
