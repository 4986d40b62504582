#include "cli/aws_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ot::cli {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::string HomePath(GetEnv env, const char* rel) {
  auto home = env("HOME");
  return (home ? *home : std::string(".")) + rel;
}

// The whole file, or nullopt when it cannot be read (a missing file is not an error here).
std::optional<std::string> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);  // client side only: the CLI reads user files
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ActiveProfile(const ClientOptions& options, GetEnv env) {
  if (!options.profile.empty()) return options.profile;
  if (auto p = env("AWS_PROFILE"); p && !p->empty()) return *p;
  if (auto p = env("AWS_DEFAULT_PROFILE"); p && !p->empty()) return *p;
  return "default";
}

std::string CredentialsPath(GetEnv env) {
  if (auto p = env("AWS_SHARED_CREDENTIALS_FILE"); p && !p->empty()) return *p;
  return HomePath(env, "/.aws/credentials");
}

std::string ConfigPath(GetEnv env) {
  if (auto p = env("AWS_CONFIG_FILE"); p && !p->empty()) return *p;
  return HomePath(env, "/.aws/config");
}

const std::map<std::string, std::string>* Section(const IniFile& ini, const std::string& name) {
  auto it = ini.find(name);
  return it == ini.end() ? nullptr : &it->second;
}

std::string Get(const std::map<std::string, std::string>& section, const char* key) {
  auto it = section.find(key);
  return it == section.end() ? "" : it->second;
}

}  // namespace

std::optional<std::string> ProcessEnv(const char* name) {
  const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start-up
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

IniFile ParseIni(std::string_view text) {
  IniFile ini;
  std::string section;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line = Trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = Trim(std::string_view(line).substr(1, line.size() - 2));
      ini[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    ini[section][Trim(std::string_view(line).substr(0, eq))] =
        Trim(std::string_view(line).substr(eq + 1));
  }
  return ini;
}

Result<Credentials> ResolveCredentials(const ClientOptions& options, GetEnv env) {
  if (options.profile.empty()) {
    auto id = env("AWS_ACCESS_KEY_ID");
    auto secret = env("AWS_SECRET_ACCESS_KEY");
    if (id && secret && !id->empty() && !secret->empty()) {
      Credentials c{*id, *secret, env("AWS_SESSION_TOKEN").value_or(""), "environment"};
      return c;
    }
  }
  std::string profile = ActiveProfile(options, env);
  std::string cred_path = CredentialsPath(env);
  if (auto text = Slurp(cred_path)) {
    IniFile ini = ParseIni(*text);
    if (const auto* s = Section(ini, profile)) {
      Credentials c{Get(*s, "aws_access_key_id"), Get(*s, "aws_secret_access_key"),
                    Get(*s, "aws_session_token"), cred_path + " [" + profile + "]"};
      if (!c.access_key_id.empty() && !c.secret_access_key.empty()) return c;
    }
  }
  std::string config_path = ConfigPath(env);
  if (auto text = Slurp(config_path)) {
    IniFile ini = ParseIni(*text);
    const auto* s = Section(ini, profile == "default" ? "default" : "profile " + profile);
    if (s != nullptr) {
      Credentials c{Get(*s, "aws_access_key_id"), Get(*s, "aws_secret_access_key"),
                    Get(*s, "aws_session_token"), config_path + " [" + profile + "]"};
      if (!c.access_key_id.empty() && !c.secret_access_key.empty()) return c;
    }
  }
  if (!options.profile.empty() || env("AWS_PROFILE")) {
    return Status(Error::kValidation, "The config profile (" + profile + ") could not be found");
  }
  return Status(Error::kValidation,
                "Unable to locate credentials. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "or AWS_SHARED_CREDENTIALS_FILE (the server writes DATA_DIR/credentials).");
}

Result<std::string> ResolveRegion(const ClientOptions& options, GetEnv env) {
  if (!options.region.empty()) return options.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto v = env(name); v && !v->empty()) return *v;
  }
  std::string profile = ActiveProfile(options, env);
  if (auto text = Slurp(ConfigPath(env))) {
    IniFile ini = ParseIni(*text);
    const auto* s = Section(ini, profile == "default" ? "default" : "profile " + profile);
    if (s != nullptr && !Get(*s, "region").empty()) return Get(*s, "region");
  }
  return Status(Error::kValidation,
                "You must specify a region: --region, AWS_REGION or AWS_DEFAULT_REGION.");
}

std::string ResolveEndpoint(const ClientOptions& options, GetEnv env) {
  if (!options.endpoint_url.empty()) return options.endpoint_url;
  for (const char* name : {"AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_ENDPOINT_URL"}) {
    if (auto v = env(name); v && !v->empty()) return *v;
  }
  return std::string(kDefaultEndpoint);
}

}  // namespace ot::cli
