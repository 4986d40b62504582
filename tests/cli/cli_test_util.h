#pragma once

#include "support/temp_dir.h"

// Shared by the CLI tests: a temp directory removed at the end of the test.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace ot::cli::testing {

using TempDir = ::ot::testing::TempDir;

}  // namespace ot::cli::testing
