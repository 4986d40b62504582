#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace ot {

// One .xz stream (liblzma, CRC-64 check) holding `data`, at preset `level` (0..9) with the
// "extreme" flag when `extreme` (the dictionary no larger than `data` needs): the archive codec of
// lifecycle transitions, which trades compression time for the smallest cold copy.
std::string XzCompress(std::string_view data, int level = 9, bool extreme = true);

// Decodes one or more concatenated .xz streams. Fails with kValidation on corrupt input, or
// when the output would exceed `max_bytes`.
Result<std::string> XzDecompress(std::string_view data, size_t max_bytes);

}  // namespace ot
