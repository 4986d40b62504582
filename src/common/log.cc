#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "common/env.h"
#include "common/json_writer.h"
#include "common/time.h"

namespace ot {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};
}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

void Log(LogLevel level, std::string_view msg, std::string_view fields_json) {
  if (!LogEnabled(level)) return;
  std::string line = "{\"ts\":\"" + FormatIso8601Millis(RealClock().Now()) + "\",\"level\":\"";
  line += kNames[static_cast<int>(level)];
  line += "\",\"msg\":";
  AppendJsonString(&line, msg);
  if (!fields_json.empty()) {
    line += ',';
    line += fields_json;
  }
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace ot
