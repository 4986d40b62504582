#pragma once

#include <map>
#include <mutex>
#include <string>

#include "common/env.h"

namespace ot::testing {

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(SysMillis start = SysMillis(std::chrono::milliseconds(1714566896000)))
      : now_(start) {}
  SysMillis Now() override { return now_; }
  std::chrono::steady_clock::time_point Mono() override {
    return std::chrono::steady_clock::time_point(now_.time_since_epoch());
  }
  void Advance(std::chrono::milliseconds d) { now_ += d; }
  void Set(SysMillis t) { now_ = t; }

 private:
  SysMillis now_;
};

// Deterministic randomness (splitmix64) from a seed.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed = 1) : state_(seed) {}
  void Fill(std::span<uint8_t> out) override;

 private:
  std::mutex mu_;
  uint64_t state_;
};

}  // namespace ot::testing
