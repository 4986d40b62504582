#pragma once

#include <string>

#include "auth/identity.h"
#include "common/env.h"
#include "common/status.h"
#include "store/metadata.h"

namespace ot::server {

// What a data directory holds besides events: the account, the home region, the administrator's
// key and the secret that signs pagination tokens.
struct DataDirState {
  std::string account_id;
  std::string home_region;
  std::string token_key;   // raw bytes
  std::string master_key;  // 32 raw bytes from DIR/keys/master.key: seals secrets at rest
  auth::AccessKey admin;
  bool created = false;          // true on the first start of this directory
  std::string credentials_path;  // DIR/credentials
};

struct DataDirOptions {
  std::string dir;
  std::string region;      // home region on first start (default us-east-1)
  std::string account_id;  // on first start: this id instead of a random one
};

// Initialises `options.dir` on first start (account id, home region, administrator key written to
// DIR/credentials with mode 0600, token key, master key in DIR/keys/master.key with mode 0600),
// or loads what an earlier start created. A restart with a different --account-id fails; a
// different --region keeps the stored home region. Secrets in metadata.db are sealed with the
// master key (AES-256-GCM), so the database alone reveals none; a plaintext secret left by an
// older version is sealed on load.
Result<DataDirState> OpenDataDir(const DataDirOptions& options, store::MetadataDb& db, Env& env);

// The shared-credentials file text for `key` (profile `default`).
std::string CredentialsFileText(const auth::AccessKey& key, const std::string& region);

// True for a plausible region name such as us-east-1 or eu-central-2.
bool IsValidRegion(std::string_view region);

}  // namespace ot::server
