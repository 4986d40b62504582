#pragma once

#include <gmock/gmock.h>

#include "common/status.h"

namespace ot::testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const Result<T>& r) {
  return r.status();
}

// EXPECT_THAT(result_or_status, IsOk());
MATCHER(IsOk, "is OK") {
  const Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << s.ToString();
  return s.ok();
}

// EXPECT_THAT(result_or_status, HasError(Error::kInvalidTimeRange));
MATCHER_P(HasError, code, "fails with " + std::string(ErrorName(code))) {
  const Status& s = GetStatus(arg);
  *result_listener << s.ToString();
  return s.code() == code;
}

}  // namespace ot::testing
