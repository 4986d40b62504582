#pragma once

#include <string>
#include <string_view>

#include "common/env.h"

namespace ot {

// A random (version 4) UUID, lowercase: "0f2b6a9e-7c84-4d1f-bb0e-6a8d2f4c9b30".
std::string NewUuid(Random& random);

// A name-based UUID (version 5 layout) from a 16+ byte digest: the same input, the same id.
std::string UuidFromDigest(std::string_view digest16);

// `n` characters from `alphabet`, uniformly (rejection sampling).
std::string RandomString(Random& random, size_t n, std::string_view alphabet);

// True for the canonical 8-4-4-4-12 hex form (either case).
bool IsUuid(std::string_view s);

}  // namespace ot
