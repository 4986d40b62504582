#pragma once

// The cold copy of an object in an archive storage class (GLACIER, DEEP_ARCHIVE): its bytes
// recompressed as small as we can while still giving back the very same bytes (ETag and
// checksums unchanged). Format: docs/formats/buckets.md § Archive.

#include <string>
#include <string_view>

#include "common/status.h"

namespace ot::buckets {

// How an archived object's bytes were packed.
inline constexpr std::string_view kCodecGzipXz = "gzip-xz";  // gzip re-made from xz'd content
inline constexpr std::string_view kCodecXz = "xz";           // the bytes themselves, xz'd
inline constexpr std::string_view kCodecStored = "stored";   // as they are: packing gained nothing

struct PackedObject {
  std::string codec;   // kCodecGzipXz or kCodecXz
  int gzip_level = 0;  // kCodecGzipXz: the libdeflate level that reproduces the gzip member
  std::string bytes;
};

// Packs an object's bytes. A gzip file that libdeflate wrote (every log and digest file the
// server delivers) is stored as the xz of its content plus the level that re-makes the identical
// gzip member; anything else as the xz of its bytes; and either only when that is smaller (a
// tiny or incompressible object is kept as it is).
PackedObject PackForArchive(std::string_view object);

// The object's bytes back. kCorruption when the packed bytes do not decode.
Result<std::string> UnpackFromArchive(std::string_view codec, int gzip_level,
                                      std::string_view packed);

}  // namespace ot::buckets
