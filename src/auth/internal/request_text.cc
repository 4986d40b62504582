#include "auth/internal/request_text.h"

namespace ot::auth::internal {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string_view> FirstHeader(const HttpRequestView& request,
                                            std::string_view lower_name) {
  for (const auto& [name, value] : request.headers) {
    if (EqualsIgnoreCase(name, lower_name)) return value;
  }
  return std::nullopt;
}

size_t CountHeader(const HttpRequestView& request, std::string_view lower_name) {
  size_t n = 0;
  for (const auto& [name, value] : request.headers) {
    if (EqualsIgnoreCase(name, lower_name)) ++n;
  }
  return n;
}

std::string Quote(std::string_view s, size_t max) {
  std::string out;
  const bool cut = s.size() > max;
  if (cut) s = s.substr(0, max);
  out.reserve(s.size() + 3);
  for (char c : s) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (cut) out += "...";
  return out;
}

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace ot::auth::internal
