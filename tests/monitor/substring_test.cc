#include "monitor/internal/substring.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace ot::monitor::internal {
namespace {

TEST(ContainsSubstring, EdgeCases) {
  EXPECT_TRUE(ContainsSubstring("", ""));
  EXPECT_TRUE(ContainsSubstring("abc", ""));
  EXPECT_FALSE(ContainsSubstring("", "a"));
  EXPECT_FALSE(ContainsSubstring("ab", "abc"));
  EXPECT_TRUE(ContainsSubstring("abc", "abc"));
  EXPECT_TRUE(ContainsSubstring("xxabc", "c"));
  const std::string record(4000, 'A');
  EXPECT_FALSE(ContainsSubstring(record, "AccessDenied"));
  EXPECT_TRUE(ContainsSubstring(record + "AccessDenied", "AccessDenied"));
  EXPECT_TRUE(ContainsSubstring("AccessDenied" + record, "AccessDenied"));
  // A match that straddles the vector blocks and the scalar tail.
  for (size_t at = 0; at < 80; ++at) {
    std::string h(at, 'e');
    h += "user-3";
    h += std::string(70, 'e');
    EXPECT_TRUE(ContainsSubstring(h, "user-3")) << at;
    EXPECT_FALSE(ContainsSubstring(h, "user-4")) << at;
  }
}

// Against std::string_view::find on random text over a small alphabet (many near-matches).
TEST(ContainsSubstring, AgreesWithFindOnRandomText) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> letter(0, 3);
  auto text = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back("aAe\""[letter(rng)]);
    return s;
  };
  for (int round = 0; round < 3000; ++round) {
    const std::string hay = text(std::uniform_int_distribution<size_t>(0, 200)(rng));
    const std::string needle = text(std::uniform_int_distribution<size_t>(1, 8)(rng));
    EXPECT_EQ(ContainsSubstring(hay, needle), hay.find(needle) != std::string::npos)
        << hay << " / " << needle;
  }
}

}  // namespace
}  // namespace ot::monitor::internal
