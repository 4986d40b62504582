#pragma once

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ot {

// Every failure the server knows, from errors.def. The wire name and HTTP status of each code
// are looked up with ErrorWireName/ErrorHttpStatus; they are never typed twice.
enum class Error {
#define OT_ERROR(name, type, status, query) name,
#include "common/errors.def"
#undef OT_ERROR
};

std::string_view ErrorName(Error e);       // the enumerator, e.g. "kInvalidTimeRange" (for logs)
std::string_view ErrorWireName(Error e);   // JSON "__type", e.g. "InvalidTimeRangeException"
std::string_view ErrorQueryCode(Error e);  // Query-protocol <Code>, e.g. "InvalidClientTokenId"
int ErrorHttpStatus(Error e);              // e.g. 400

// OK, or an Error with a human message (the message goes to the client for non-internal errors).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Error::kOk; }
  Error code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;  // "kInvalidTimeRange: message"

  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

 private:
  Error code_ = Error::kOk;
  std::string message_;
};

// A T or a non-OK Status. Our own because GCC 12 has no std::expected in C++20.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    if (std::get<1>(v_).ok()) std::abort();  // a Result never holds an OK status without a value
  }

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

// Aborts with a message when `cond` is false. Always on; for what cannot happen, never for input.
[[noreturn]] void CheckFailed(const char* cond, const char* file, int line);

}  // namespace ot

#define OT_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::ot::CheckFailed(#cond, __FILE__, __LINE__))

#define OT_CONCAT_INNER(a, b) a##b
#define OT_CONCAT(a, b) OT_CONCAT_INNER(a, b)

#define OT_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::ot::Status ot_status_ = (expr);        \
    if (!ot_status_.ok()) return ot_status_; \
  } while (0)

#define OT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

#define OT_ASSIGN_OR_RETURN(lhs, expr) \
  OT_ASSIGN_OR_RETURN_IMPL(OT_CONCAT(ot_result_, __LINE__), lhs, expr)
