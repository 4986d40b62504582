#pragma once

#include <string_view>

namespace ot {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Structured one-line JSON logs to stderr: {"ts":…,"level":…,"msg":…,<fields>}.
// `fields_json` is either empty or the inside of a JSON object ("\"k\":1,\"j\":\"v\"").
void Log(LogLevel level, std::string_view msg, std::string_view fields_json = {});
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

}  // namespace ot
