#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "trail/signing_keys.h"

namespace ot::server {

struct RotateKeysOptions {
  std::string data_dir;
  std::string region;  // empty: every region that has keys (the home region when none has)
  std::chrono::milliseconds rotation{std::chrono::hours(24 * 30)};  // the new keys' lifetime
};

// `opentrail keys rotate`: ends the current digest-signing key of each chosen region now and
// makes a new one, directly in DIR/metadata.db (SQLite lets this run beside a serving server,
// whose next digest then signs with the new key). Returns the new keys. kNotFound when the data
// directory was never initialised.
Result<std::vector<trail::PublicKeyInfo>> RotateSigningKeys(const RotateKeysOptions& options,
                                                            Env& env);

}  // namespace ot::server
