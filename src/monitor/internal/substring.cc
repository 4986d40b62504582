#include "monitor/internal/substring.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace ot::monitor::internal {
namespace {

// How common each byte is in CloudTrail records (log2 of its share of the bytes of the generated
// test records, shifted to 1–255; 0 = never seen). The scan anchors on the needle's two rarest
// bytes, so that few positions need a full comparison.
constexpr uint8_t kByteRank[256] = {
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   39,  0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   95,  0,   185, 67,  1,   3,
    1,   0,   1,   1,   1,   62,  143, 143, 129, 118, 136, 144, 135, 137, 134, 139, 122, 122, 128,
    128, 162, 1,   0,   1,   0,   1,   1,   132, 85,  104, 106, 100, 86,  88,  97,  126, 79,  90,
    93,  96,  95,  99,  93,  79,  110, 119, 108, 82,  92,  86,  77,  79,  91,  40,  1,   40,  0,
    93,  0,   166, 118, 148, 145, 179, 113, 110, 99,  147, 76,  92,  138, 138, 157, 154, 129, 78,
    158, 164, 161, 138, 120, 115, 89,  116, 91,  107, 0,   107, 0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,
};

}  // namespace

SubstringAnchors RareAnchors(std::string_view needle) {
  if (needle.size() < 2) return {};
  size_t a = 0;
  for (size_t i = 1; i < needle.size(); ++i) {
    if (kByteRank[static_cast<unsigned char>(needle[i])] <
        kByteRank[static_cast<unsigned char>(needle[a])]) {
      a = i;
    }
  }
  size_t b = a == 0 ? 1 : 0;
  for (size_t i = 0; i < needle.size(); ++i) {
    if (i != a && kByteRank[static_cast<unsigned char>(needle[i])] <
                      kByteRank[static_cast<unsigned char>(needle[b])]) {
      b = i;
    }
  }
  return {static_cast<uint32_t>(std::min(a, b)), static_cast<uint32_t>(std::max(a, b))};
}

namespace {

#if defined(__x86_64__)
// The same scan 32 positions at a time, on CPUs with AVX2 (chosen once, at first use).
__attribute__((target("avx2"))) bool ContainsAvx2(std::string_view haystack,
                                                  std::string_view needle,
                                                  SubstringAnchors anchors) {
  const size_t n = needle.size();
  const char* h = haystack.data();
  const size_t p = anchors.first;
  const size_t q = anchors.second;
  const __m256i first = _mm256_set1_epi8(needle[p]);
  const __m256i second = _mm256_set1_epi8(needle[q]);
  size_t i = 0;
  // (Lambdas would not inherit the avx2 target; these are macros of two lines each.)
#define OT_CANDIDATES(at)                                                                   \
  static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(                              \
      _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + (at) + p)), \
                        first),                                                             \
      _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + (at) + q)), \
                        second))))
  auto verify = [&](size_t at, uint32_t mask) {
    while (mask != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(h + at + bit, needle.data(), n) == 0) return true;
      mask &= mask - 1;
    }
    return false;
  };
  // Two blocks per round: one well-predicted branch per 64 bytes.
  for (; i + n - 1 + 64 <= haystack.size(); i += 64) {
    const uint32_t m0 = OT_CANDIDATES(i);
    const uint32_t m1 = OT_CANDIDATES(i + 32);
    if ((m0 | m1) != 0 && (verify(i, m0) || verify(i + 32, m1))) return true;
  }
  for (; i + n - 1 + 32 <= haystack.size(); i += 32) {
    if (verify(i, OT_CANDIDATES(i))) return true;
  }
#undef OT_CANDIDATES
  return haystack.substr(i).find(needle) != std::string_view::npos;
}

const bool kHaveAvx2 = __builtin_cpu_supports("avx2");
#endif

}  // namespace

// Sixteen candidate positions at a time: a position is worth a full comparison only when the
// needle's two rarest bytes are where the needle has them (SSE2, which every x86-64 has). On
// CloudTrail records, where a term's first letter recurs every few bytes, this is several times
// faster than glibc's memmem.
bool ContainsSubstring(std::string_view haystack, std::string_view needle) {
  return ContainsSubstring(haystack, needle, RareAnchors(needle));
}

bool ContainsSubstring(std::string_view haystack, std::string_view needle,
                       SubstringAnchors anchors) {
  const size_t n = needle.size();
  if (n == 0) return true;
  if (n > haystack.size()) return false;
  if (n == 1) return std::memchr(haystack.data(), needle[0], haystack.size()) != nullptr;
#if defined(__x86_64__)
  if (kHaveAvx2) return ContainsAvx2(haystack, needle, anchors);
#endif
  const char* h = haystack.data();
  size_t i = 0;
#if defined(__SSE2__)
  const size_t p = anchors.first;
  const size_t q = anchors.second;
  const __m128i first = _mm_set1_epi8(needle[p]);
  const __m128i second = _mm_set1_epi8(needle[q]);
  for (; i + n - 1 + 16 <= haystack.size(); i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + p));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + q));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, second))));
    while (mask != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(h + i + bit, needle.data(), n) == 0) return true;
      mask &= mask - 1;
    }
  }
#endif
  return haystack.substr(i).find(needle) != std::string_view::npos;
}

}  // namespace ot::monitor::internal
