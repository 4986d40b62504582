#include "buckets/archive.h"

#include <vector>

#include "common/gzip.h"
#include "common/xz.h"

namespace ot::buckets {
namespace {

// Objects are at most a few GiB; a corrupt archive must not make us allocate more.
constexpr size_t kMaxUnpacked = size_t{8} << 30;

// The libdeflate levels that could have written a gzip member with this header: libdeflate
// writes no name or time (FLG 0, MTIME 0), OS 255 and XFL 4 for levels 0-1, 2 for 8-12, else 0.
std::vector<int> CandidateLevels(std::string_view gz) {
  if (gz.size() < 18) return {};
  const auto* h = reinterpret_cast<const unsigned char*>(gz.data());
  if (h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || h[3] != 0 || h[4] != 0 || h[5] != 0 ||
      h[6] != 0 || h[7] != 0 || h[9] != 0xff) {
    return {};
  }
  switch (h[8]) {
    case 4:
      return {1, 0};
    case 2:
      return {9, 12, 8, 10, 11};
    case 0:
      return {6, 5, 7, 4, 3, 2};
    default:
      return {};
  }
}

}  // namespace

PackedObject PackForArchive(std::string_view object) {
  PackedObject out;
  std::vector<int> levels = CandidateLevels(object);
  if (!levels.empty()) {
    std::string content;
    size_t consumed = 0;
    if (InflateGzipMember(object, kMaxUnpacked, &content, &consumed) && consumed == object.size()) {
      for (int level : levels) {
        if (GzipCompress(content, level) == object) {
          out.codec = std::string(kCodecGzipXz);
          out.gzip_level = level;
          out.bytes = XzCompress(content);
          if (out.bytes.size() < object.size()) return out;
          break;
        }
      }
    }
  }
  out.codec = std::string(kCodecXz);
  out.gzip_level = 0;
  out.bytes = XzCompress(object);
  if (out.bytes.size() >= object.size()) {
    out.codec = std::string(kCodecStored);
    out.bytes = std::string(object);
  }
  return out;
}

Result<std::string> UnpackFromArchive(std::string_view codec, int gzip_level,
                                      std::string_view packed) {
  if (codec == kCodecStored) return std::string(packed);
  auto content = XzDecompress(packed, kMaxUnpacked);
  if (!content.ok()) {
    return Status(Error::kCorruption, "archived object: " + content.status().message());
  }
  if (codec == kCodecXz) return std::move(*content);
  if (codec == kCodecGzipXz && gzip_level >= 0 && gzip_level <= 12) {
    return GzipCompress(*content, gzip_level);
  }
  return Status(Error::kCorruption, "archived object: unknown codec '" + std::string(codec) + "'");
}

}  // namespace ot::buckets
