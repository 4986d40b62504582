#include "common/status.h"

#include <cstdio>

namespace ot {
namespace {

struct ErrorInfo {
  std::string_view name;
  std::string_view wire;
  int http_status;
  std::string_view query;
};

constexpr ErrorInfo kErrors[] = {
#define OT_ERROR(name, type, status, query) {#name, type, status, query},
#include "common/errors.def"
#undef OT_ERROR
};

const ErrorInfo& Info(Error e) { return kErrors[static_cast<size_t>(e)]; }

}  // namespace

std::string_view ErrorName(Error e) { return Info(e).name; }
std::string_view ErrorWireName(Error e) { return Info(e).wire; }
std::string_view ErrorQueryCode(Error e) { return Info(e).query; }
int ErrorHttpStatus(Error e) { return Info(e).http_status; }

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(ErrorName(code_));
  out += ": ";
  out += message_;
  return out;
}

void CheckFailed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "OT_CHECK failed: %s at %s:%d\n", cond, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace ot
