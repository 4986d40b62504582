#include "support/test_env.h"

namespace ot::testing {

void SeededRandom::Fill(std::span<uint8_t> out) {
  std::lock_guard lock(mu_);
  for (auto& b : out) {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    b = static_cast<uint8_t>(z ^ (z >> 31));
  }
}

}  // namespace ot::testing
