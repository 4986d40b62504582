#include "monitor/internal/substring.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace ot::monitor::internal {
namespace {

#if defined(__x86_64__)
// The same scan 32 positions at a time, on CPUs with AVX2 (chosen once, at first use).
__attribute__((target("avx2"))) bool ContainsAvx2(std::string_view haystack,
                                                  std::string_view needle) {
  const size_t n = needle.size();
  const char* h = haystack.data();
  const __m256i first = _mm256_set1_epi8(needle[0]);
  const __m256i last = _mm256_set1_epi8(needle[n - 1]);
  size_t i = 0;
  for (; i + n - 1 + 32 <= haystack.size(); i += 32) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i + n - 1));
    auto mask = static_cast<uint32_t>(_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(a, first), _mm256_cmpeq_epi8(b, last))));
    while (mask != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(h + i + bit + 1, needle.data() + 1, n - 2) == 0) return true;
      mask &= mask - 1;
    }
  }
  return haystack.substr(i).find(needle) != std::string_view::npos;
}

const bool kHaveAvx2 = __builtin_cpu_supports("avx2");
#endif

}  // namespace

// Sixteen candidate positions at a time: a position is worth a full comparison only when the
// needle's first byte is there and its last byte is needle-length further on (SSE2, which every
// x86-64 has). On CloudTrail records, where a term's first letter recurs every few bytes, this
// is several times faster than glibc's memmem.
bool ContainsSubstring(std::string_view haystack, std::string_view needle) {
  const size_t n = needle.size();
  if (n == 0) return true;
  if (n > haystack.size()) return false;
  if (n == 1) return std::memchr(haystack.data(), needle[0], haystack.size()) != nullptr;
#if defined(__x86_64__)
  if (kHaveAvx2) return ContainsAvx2(haystack, needle);
#endif
  const char* h = haystack.data();
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(needle[0]);
  const __m128i last = _mm_set1_epi8(needle[n - 1]);
  for (; i + n - 1 + 16 <= haystack.size(); i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + n - 1));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last))));
    while (mask != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(h + i + bit + 1, needle.data() + 1, n - 2) == 0) return true;
      mask &= mask - 1;
    }
  }
#endif
  return haystack.substr(i).find(needle) != std::string_view::npos;
}

}  // namespace ot::monitor::internal
