#include "common/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ot {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Writes the escape sequence of `c` (a quote, backslash or control character) at `w`.
char* WriteEscape(char* w, uint8_t c) {
  *w++ = '\\';
  switch (c) {
    case '"':
      *w++ = '"';
      break;
    case '\\':
      *w++ = '\\';
      break;
    case '\n':
      *w++ = 'n';
      break;
    case '\r':
      *w++ = 'r';
      break;
    case '\t':
      *w++ = 't';
      break;
    case '\b':
      *w++ = 'b';
      break;
    case '\f':
      *w++ = 'f';
      break;
    default:
      *w++ = 'u';
      *w++ = '0';
      *w++ = '0';
      *w++ = kHexDigits[c >> 4];
      *w++ = kHexDigits[c & 15];
  }
  return w;
}

size_t EscapedExtra(uint8_t c) {
  if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
    return 1;
  }
  return c < 0x20 ? 5 : 0;
}

#if defined(__SSE2__)
// Bytes of a 16-byte block that need escaping: quote, backslash, or below 0x20.
unsigned EscapeMask(__m128i x) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i max_control = _mm_set1_epi8(0x1f);
  __m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_min_epu8(x, max_control), x));
  return static_cast<unsigned>(_mm_movemask_epi8(m));
}
#endif

}  // namespace

// The hot path of LookupEvents, which embeds every record as a JSON string (CloudTrailEvent).
// Pass one sizes the output exactly; pass two copies 16-byte blocks and stops only at the bytes
// that need escaping (one every ~8 bytes in a record), writing each block whole and advancing
// past the clean prefix — the output keeps 16 bytes of slack for those overlapping stores.
void AppendJsonString(std::string* out, std::string_view s) {
  const auto* in = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t extra = 0;
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    unsigned mask = EscapeMask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i)));
    while (mask != 0) {
      extra += EscapedExtra(in[i + static_cast<unsigned>(__builtin_ctz(mask))]);
      mask &= mask - 1;
    }
  }
#endif
  for (; i < n; ++i) extra += EscapedExtra(in[i]);

  const size_t old = out->size();
  const size_t final_size = old + n + extra + 2;
  out->resize(final_size + 16);
  char* w = out->data() + old;
  *w++ = '"';
  i = 0;
#if defined(__SSE2__)
  while (i + 16 <= n) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    unsigned mask = EscapeMask(x);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), x);
    if (mask == 0) {
      w += 16;
      i += 16;
      continue;
    }
    unsigned clean = static_cast<unsigned>(__builtin_ctz(mask));
    w += clean;
    i += clean;
    uint8_t c = in[i++];
    if (c == '"' || c == '\\') {  // nearly every escape in a record: inline
      w[0] = '\\';
      w[1] = static_cast<char>(c);
      w += 2;
    } else {
      w = WriteEscape(w, c);
    }
  }
#endif
  for (; i < n; ++i) {
    if (EscapedExtra(in[i]) == 0) {
      *w++ = static_cast<char>(in[i]);
    } else {
      w = WriteEscape(w, in[i]);
    }
  }
  *w = '"';
  out->resize(final_size);
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_->push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_->push_back('{');
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  out_->push_back('}');
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_->push_back('[');
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  out_->push_back(']');
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::Key(std::string_view key) {
  Separate();
  AppendJsonString(out_, key);
  out_->push_back(':');
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  AppendJsonString(out_, value);
  return *this;
}
JsonWriter& JsonWriter::Int(int64_t value) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), value);
  out_->append(buf, r.ptr);
  return *this;
}
JsonWriter& JsonWriter::Uint(uint64_t value) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), value);
  out_->append(buf, r.ptr);
  return *this;
}
JsonWriter& JsonWriter::Double(double value) {
  Separate();
  if (!std::isfinite(value)) {
    out_->append("null");
    return *this;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), value);
  out_->append(buf, r.ptr);
  return *this;
}
JsonWriter& JsonWriter::Bool(bool value) {
  Separate();
  out_->append(value ? "true" : "false");
  return *this;
}
JsonWriter& JsonWriter::Null() {
  Separate();
  out_->append("null");
  return *this;
}
JsonWriter& JsonWriter::Raw(std::string_view json) {
  Separate();
  out_->append(json);
  return *this;
}

}  // namespace ot
