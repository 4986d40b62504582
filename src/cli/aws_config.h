#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ot::cli {

// Options every client command takes, as the AWS CLI spells them.
struct ClientOptions {
  std::string endpoint_url;    // --endpoint-url
  std::string region;          // --region
  std::string profile;         // --profile
  std::string ca_bundle;       // --ca-bundle: CAs for an https endpoint (else $AWS_CA_BUNDLE)
  bool no_verify_ssl = false;  // --no-verify-ssl
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string source;  // where they came from, for messages
};

// Reads environment variables through this interface so tests can supply their own.
using GetEnv = std::optional<std::string> (*)(const char* name);
std::optional<std::string> ProcessEnv(const char* name);

// INI sections of an AWS shared-credentials or config file: section → key → value.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile ParseIni(std::string_view text);

// Finds credentials exactly as the AWS CLI does: an explicit --profile reads that profile from the
// shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials), then the config
// file (AWS_CONFIG_FILE or ~/.aws/config, section "profile NAME"); otherwise AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, then the profile named by AWS_PROFILE (or default).
Result<Credentials> ResolveCredentials(const ClientOptions& options, GetEnv env = ProcessEnv);

// --region, AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region` in the config file.
Result<std::string> ResolveRegion(const ClientOptions& options, GetEnv env = ProcessEnv);

// --endpoint-url, AWS_ENDPOINT_URL, else the local server's default.
std::string ResolveEndpoint(const ClientOptions& options, GetEnv env = ProcessEnv);

inline constexpr std::string_view kDefaultEndpoint = "http://127.0.0.1:8421";

}  // namespace ot::cli
