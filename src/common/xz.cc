#include "common/xz.h"

#include <lzma.h>

#include <algorithm>

namespace ot {
namespace {

// Runs `strm` over all of `data` with LZMA_FINISH, appending its output to `out`. Returns
// LZMA_STREAM_END when done, LZMA_MEMLIMIT_ERROR when the output would pass `max_bytes`, or the
// coder's error.
lzma_ret Run(lzma_stream* strm, std::string_view data, size_t max_bytes, std::string* out) {
  strm->next_in = reinterpret_cast<const uint8_t*>(data.data());
  strm->avail_in = data.size();
  size_t chunk = std::clamp<size_t>(data.size(), 4096, 1 << 20);
  while (true) {
    size_t used = out->size();
    if (used >= max_bytes) return LZMA_MEMLIMIT_ERROR;
    size_t grow = std::min(chunk, max_bytes - used);
    out->resize(used + grow);
    strm->next_out = reinterpret_cast<uint8_t*>(out->data() + used);
    strm->avail_out = grow;
    lzma_ret r = lzma_code(strm, LZMA_FINISH);
    out->resize(used + grow - strm->avail_out);
    if (r != LZMA_OK) return r;
    chunk = std::min<size_t>(chunk * 2, 16 << 20);
  }
}

}  // namespace

std::string XzCompress(std::string_view data, int level, bool extreme) {
  lzma_stream strm = LZMA_STREAM_INIT;
  uint32_t preset = static_cast<uint32_t>(std::clamp(level, 0, 9));
  if (extreme) preset |= LZMA_PRESET_EXTREME;
  lzma_options_lzma options;
  OT_CHECK(!lzma_lzma_preset(&options, preset));
  // No larger dictionary than the input needs: the same output, without setting up (and
  // clearing) the preset's 64 MiB for every small log file — about 8x faster on them.
  uint32_t dict = LZMA_DICT_SIZE_MIN;
  while (dict < data.size() && dict < options.dict_size) dict *= 2;
  options.dict_size = std::min(dict, options.dict_size);
  lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
  lzma_ret r = lzma_stream_encoder(&strm, filters, LZMA_CHECK_CRC64);
  OT_CHECK(r == LZMA_OK);  // only fails for bad options or out of memory
  std::string out;
  out.reserve(data.size() / 4 + 64);
  r = Run(&strm, data, std::string::npos, &out);
  lzma_end(&strm);
  OT_CHECK(r == LZMA_STREAM_END);
  return out;
}

Result<std::string> XzDecompress(std::string_view data, size_t max_bytes) {
  lzma_stream strm = LZMA_STREAM_INIT;
  lzma_ret r = lzma_stream_decoder(&strm, UINT64_MAX, LZMA_CONCATENATED);
  if (r != LZMA_OK) return Status(Error::kInternal, "xz: cannot start the decoder");
  std::string out;
  r = Run(&strm, data, max_bytes, &out);
  lzma_end(&strm);
  if (r == LZMA_MEMLIMIT_ERROR) {
    return Status(Error::kValidation,
                  "xz: the data decompresses to more than " + std::to_string(max_bytes) + " bytes");
  }
  if (r != LZMA_STREAM_END) {
    return Status(Error::kValidation, "xz: corrupt or truncated data (" + std::to_string(r) + ")");
  }
  return out;
}

}  // namespace ot
