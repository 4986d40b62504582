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
