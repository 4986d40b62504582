#include "monitor/internal/regex.h"

#include <algorithm>
#include <utility>

namespace ot::monitor::internal {
namespace {

// Positions (atoms after {n,m} expansion, plus one accept position per alternative) a regex may
// have. A pattern is at most 1024 characters, so this only bites on large {n,m} counts.
constexpr size_t kMaxPositions = 1024;
constexpr int kMaxRepeat = 1000;

bool IsAsciiPrint(unsigned char c) { return c >= 0x20 && c < 0x7f; }
bool IsAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Characters the spec allows unescaped as literals (plus space, accepted leniently).
bool IsPlainLiteral(unsigned char c) {
  return IsAlnum(c) || c == ':' || c == '_' || c == '#' || c == '=' || c == '@' || c == '/' ||
         c == ';' || c == ',' || c == '-' || c == ' ';
}

bool IsClassEscape(char c) {
  return c == 'd' || c == 'D' || c == 'w' || c == 'W' || c == 's' || c == 'S';
}

std::bitset<256> ClassEscape(char c) {
  std::bitset<256> s;
  for (unsigned b = 0; b < 256; ++b) {
    const bool digit = b >= '0' && b <= '9';
    const bool word = IsAlnum(static_cast<unsigned char>(b)) || b == '_';
    const bool space = b == ' ' || (b >= '\t' && b <= '\r');
    s[b] = (c == 'd' || c == 'D') ? digit : (c == 'w' || c == 'W') ? word : space;
  }
  if (c == 'D' || c == 'W' || c == 'S') s.flip();
  return s;
}

class RegexParser {
 public:
  RegexParser(std::string_view re, Regex* out) : re_(re), out_(out) {}

  std::string error;
  size_t error_offset = 0;

  bool Parse() {
    if (re_.empty()) return Fail(0, "empty regular expression");
    while (true) {
      if (!ParseAlternative()) return false;
      if (pos_ >= re_.size()) return true;
      ++pos_;  // '|'
      if (pos_ >= re_.size()) return Fail(pos_ - 1, "empty alternative in a regular expression");
    }
  }

 private:
  bool Fail(size_t at, std::string message) {
    error = std::move(message);
    error_offset = at;
    return false;
  }

  // re_[pos_] == '\\' and the next character is not a class escape: one literal byte.
  bool EscapedChar(unsigned char* out) {
    if (pos_ + 1 >= re_.size()) return Fail(pos_, "'\\' at the end of a regular expression");
    const unsigned char c = static_cast<unsigned char>(re_[pos_ + 1]);
    if (c == 't' || c == 'n' || c == 'r') {
      *out = c == 't' ? '\t' : c == 'n' ? '\n' : '\r';
    } else if (IsAsciiPrint(c) && !IsAlnum(c)) {
      *out = c;
    } else {
      return Fail(pos_, "unsupported escape in a regular expression");
    }
    pos_ += 2;
    return true;
  }

  // One class member at re_[pos_] (not ']'): a class escape, a character or a range a-z.
  bool ClassMember(std::bitset<256>* set) {
    unsigned char lo = 0;
    if (re_[pos_] == '\\') {
      if (pos_ + 1 < re_.size() && IsClassEscape(re_[pos_ + 1])) {
        *set |= ClassEscape(re_[pos_ + 1]);
        pos_ += 2;
        return true;
      }
      if (!EscapedChar(&lo)) return false;
    } else {
      lo = static_cast<unsigned char>(re_[pos_]);
      if (!IsAsciiPrint(lo)) return Fail(pos_, "unsupported character in a regular expression");
      ++pos_;
    }
    if (pos_ + 1 >= re_.size() || re_[pos_] != '-' || re_[pos_ + 1] == ']') {
      set->set(lo);
      return true;
    }
    const size_t range_at = pos_++;
    unsigned char hi = 0;
    if (re_[pos_] == '\\') {
      if (pos_ + 1 < re_.size() && IsClassEscape(re_[pos_ + 1])) {
        return Fail(range_at, "invalid range in a regular expression");
      }
      if (!EscapedChar(&hi)) return false;
    } else {
      hi = static_cast<unsigned char>(re_[pos_]);
      if (!IsAsciiPrint(hi)) return Fail(pos_, "unsupported character in a regular expression");
      ++pos_;
    }
    if (hi < lo) return Fail(range_at, "invalid range in a regular expression");
    for (unsigned v = lo; v <= hi; ++v) set->set(v);
    return true;
  }

  // `[...]` at re_[pos_]; advances past the closing bracket. A ']' right after '[' or '[^' is a
  // member, as in POSIX.
  bool Class(std::bitset<256>* out) {
    const size_t open = pos_++;
    bool negate = false;
    if (pos_ < re_.size() && re_[pos_] == '^') {
      negate = true;
      ++pos_;
    }
    std::bitset<256> set;
    for (bool first = true;; first = false) {
      if (pos_ >= re_.size()) return Fail(open, "unterminated '[' in a regular expression");
      if (re_[pos_] == ']' && !first) {
        ++pos_;
        break;
      }
      if (!ClassMember(&set)) return false;
    }
    *out = negate ? ~set : set;
    return true;
  }

  bool Number(int* v) {
    const size_t start = pos_;
    int n = 0;
    while (pos_ < re_.size() && re_[pos_] >= '0' && re_[pos_] <= '9') {
      n = std::min(n * 10 + (re_[pos_] - '0'), kMaxRepeat + 1);
      ++pos_;
    }
    *v = n;
    return pos_ > start;
  }

  // `{n}`, `{n,}` or `{n,m}` at re_[pos_]; max -1 = unbounded.
  bool Count(int* min, int* max) {
    const size_t open = pos_++;
    if (!Number(min)) return Fail(open, "expected a count after '{' in a regular expression");
    *max = *min;
    if (pos_ < re_.size() && re_[pos_] == ',') {
      ++pos_;
      if (!Number(max)) *max = -1;
    }
    if (pos_ >= re_.size() || re_[pos_] != '}') {
      return Fail(open, "unterminated '{' in a regular expression");
    }
    ++pos_;
    if (*min > kMaxRepeat || *max > kMaxRepeat) {
      return Fail(open, "repeat count above 1000 in a regular expression");
    }
    if (*max >= 0 && *max < *min) return Fail(open, "invalid repeat range in a regular expression");
    return true;
  }

  // One atom at re_[pos_] into *set.
  bool Atom(std::bitset<256>* set) {
    const unsigned char c = static_cast<unsigned char>(re_[pos_]);
    if (c == '(' || c == ')') {
      return Fail(pos_, "groups '( )' are not supported in regular expressions");
    }
    if (c == '^') return Fail(pos_, "'^' is only allowed at the start of an alternative");
    if (c == '*' || c == '+' || c == '?' || c == '{') {
      return Fail(pos_, std::string("nothing to repeat before '") + static_cast<char>(c) + "'");
    }
    if (c == '[') return Class(set);
    if (c == '.') {
      set->set();
      ++pos_;
      return true;
    }
    if (c == '\\') {
      if (pos_ + 1 < re_.size() && IsClassEscape(re_[pos_ + 1])) {
        *set = ClassEscape(re_[pos_ + 1]);
        pos_ += 2;
        return true;
      }
      unsigned char lit = 0;
      if (!EscapedChar(&lit)) return false;
      set->set(lit);
      return true;
    }
    if (c >= 0x80) {
      return Fail(pos_, "multibyte characters are not supported in regular expressions");
    }
    if (c == ']' || c == '}' || IsPlainLiteral(c)) {
      set->set(c);
      ++pos_;
      return true;
    }
    return Fail(pos_, std::string("unsupported character '") + static_cast<char>(c) +
                          "' in a regular expression (escape it with '\\')");
  }

  bool ParseAlternative() {
    const size_t start = pos_;
    Regex::Alternative alt;
    alt.first = static_cast<uint32_t>(out_->states.size());
    if (pos_ < re_.size() && re_[pos_] == '^') {
      alt.anchored_start = true;
      ++pos_;
    }
    while (pos_ < re_.size() && re_[pos_] != '|') {
      if (alt.anchored_end) {
        return Fail(pos_ - 1, "'$' is only allowed at the end of an alternative");
      }
      if (re_[pos_] == '$') {
        alt.anchored_end = true;
        ++pos_;
        continue;
      }
      const size_t at = pos_;
      std::bitset<256> set;
      if (!Atom(&set)) return false;
      int min = 1;
      int max = 1;
      if (pos_ < re_.size()) {
        const char q = re_[pos_];
        if (q == '*' || q == '+' || q == '?') {
          min = q == '+' ? 1 : 0;
          max = q == '?' ? 1 : -1;
          ++pos_;
        } else if (q == '{') {
          if (!Count(&min, &max)) return false;
        }
        // A lazy marker changes nothing for a yes/no search.
        if ((min != 1 || max != 1) && pos_ < re_.size() && re_[pos_] == '?') ++pos_;
        if (pos_ < re_.size() && (re_[pos_] == '*' || re_[pos_] == '+' || re_[pos_] == '{')) {
          return Fail(pos_, "nested quantifier in a regular expression");
        }
      }
      const size_t copies = static_cast<size_t>(max < 0 ? min + 1 : max);
      if (out_->states.size() + copies + 1 > kMaxPositions) {
        return Fail(at, "regular expression is too complex");
      }
      const auto atom = static_cast<uint32_t>(out_->atoms.size());
      out_->atoms.push_back(set);
      for (int i = 0; i < min; ++i) Push(atom, Regex::Repeat::kOne);
      if (max < 0) {
        Push(atom, Regex::Repeat::kStar);
      } else {
        for (int i = min; i < max; ++i) Push(atom, Regex::Repeat::kOptional);
      }
    }
    alt.length = static_cast<uint32_t>(out_->states.size()) - alt.first;
    if (alt.length == 0 && !alt.anchored_start && !alt.anchored_end) {
      return Fail(start, "empty alternative in a regular expression");
    }
    out_->states.push_back(Regex::State{0, Regex::Repeat::kOne});
    out_->accept.push_back(true);
    out_->alternatives.push_back(alt);
    return true;
  }

  void Push(uint32_t atom, Regex::Repeat repeat) {
    out_->states.push_back(Regex::State{atom, repeat});
    out_->accept.push_back(false);
  }

  std::string_view re_;
  Regex* out_;
  size_t pos_ = 0;
};

}  // namespace

bool Regex::Compile(std::string_view re, Regex* out, std::string* error, size_t* error_offset) {
  Regex r;
  RegexParser parser(re, &r);
  if (!parser.Parse()) {
    *error = parser.error;
    *error_offset = parser.error_offset;
    return false;
  }
  *out = std::move(r);
  return true;
}

bool Regex::Search(std::string_view text) const {
  const size_t n = states.size();
  const size_t words = (n + 63) / 64;
  std::vector<uint64_t> cur(words);
  std::vector<uint64_t> next(words);
  auto add = [](std::vector<uint64_t>& v, size_t i) { v[i / 64] |= uint64_t{1} << (i % 64); };
  auto has = [](const std::vector<uint64_t>& v, size_t i) {
    return (v[i / 64] >> (i % 64) & 1) != 0;
  };
  for (size_t pos = 0;; ++pos) {
    for (const Alternative& alt : alternatives) {
      if (!alt.anchored_start || pos == 0) add(cur, alt.first);
    }
    // Epsilon edges only go forward (skipping an optional or starred atom), so one ascending
    // pass closes the set.
    for (size_t i = 0; i < n; ++i) {
      if (!accept[i] && states[i].repeat != Repeat::kOne && has(cur, i)) add(cur, i + 1);
    }
    for (const Alternative& alt : alternatives) {
      if (has(cur, alt.first + alt.length) && (!alt.anchored_end || pos == text.size())) {
        return true;
      }
    }
    if (pos == text.size()) return false;
    const auto c = static_cast<unsigned char>(text[pos]);
    std::fill(next.begin(), next.end(), 0);
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t bits = cur[w]; bits != 0; bits &= bits - 1) {
        const size_t i = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
        if (accept[i] || !atoms[states[i].atom][c]) continue;
        add(next, states[i].repeat == Repeat::kStar ? i : i + 1);
      }
    }
    cur.swap(next);
  }
}

}  // namespace ot::monitor::internal
