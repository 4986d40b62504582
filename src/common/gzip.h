#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ot {

// One gzip member (RFC 1952) holding `data`, compressed with libdeflate at `level` (1..12).
std::string GzipCompress(std::string_view data, int level = 6);

// Inflates every gzip member of `data` (concatenated members are joined, as gunzip does).
// Fails with kValidation on corrupt input, or when the output would exceed `max_bytes`.
Result<std::string> GzipDecompress(std::string_view data, size_t max_bytes);

// Inflates the gzip member at the start of `data` into `out` with libdeflate (several times
// faster than zlib) and sets `consumed` to the member's length, when the member is complete and
// intact and inflates to at most `max_bytes`. Returns false otherwise (truncated, corrupt, or
// larger — `out` is then unspecified): callers fall back to zlib, which tells those cases apart.
bool InflateGzipMember(std::string_view data, size_t max_bytes, std::string* out, size_t* consumed);

// Streaming inflater of ONE gzip member, with the semantics of Python's
// zlib.decompressobj(16 + MAX_WBITS) (what the AWS CLI validator uses): bytes after the end of the
// member are ignored, and input that ends early is not an error (the output is what was inflated
// so far). Only corrupt data fails (kValidation).
class GzipInflater {
 public:
  GzipInflater();
  ~GzipInflater();
  GzipInflater(const GzipInflater&) = delete;
  GzipInflater& operator=(const GzipInflater&) = delete;

  // Inflates `input`, handing each piece of output to `sink` (called zero or more times).
  template <typename Sink>
  Status Feed(std::string_view input, Sink&& sink) {
    while (!input.empty() && !done_) {
      std::string_view out;
      OT_RETURN_IF_ERROR(Step(input, out));
      if (!out.empty()) sink(out);
    }
    return Status::Ok();
  }

 private:
  // Consumes some of `input` (advancing it), sets `out` to the bytes produced.
  Status Step(std::string_view& input, std::string_view& out);
  void* zs_;  // z_stream
  bool done_ = false;
  std::string buffer_;
};

// A zlib stream (RFC 1950: header, deflate, Adler-32) holding `data`: PNG's IDAT format.
std::string ZlibCompress(std::string_view data, int level = 6);

// Inflates one zlib stream. Fails with kValidation on corrupt input, or when the output would
// exceed `max_bytes`.
Result<std::string> ZlibDecompress(std::string_view data, size_t max_bytes);

// True when `data` starts with the gzip magic bytes.
bool LooksGzipped(std::string_view data);

// CRC-32 (the gzip/zlib polynomial), continuing from `crc` (0 to start).
uint32_t Crc32(std::string_view data, uint32_t crc = 0);

}  // namespace ot
