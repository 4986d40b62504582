// Wildcards, policy variables and the typed values of condition operators.
#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "auth/internal/policy_data.h"
#include "common/time.h"

namespace ot::auth::internal {
namespace {

char Fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Fold(c);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void AddText(std::vector<Pattern::Part>& parts, std::string_view text, bool glob) {
  for (char c : text) {
    if (glob && (c == '*' || c == '?')) {
      parts.push_back({c == '*' ? Pattern::Kind::kStar : Pattern::Kind::kQuestion, {}, false, {}});
      continue;
    }
    if (parts.empty() || parts.back().kind != Pattern::Kind::kText) {
      parts.push_back({Pattern::Kind::kText, {}, false, {}});
    }
    parts.back().text.push_back(c);
  }
}

// One resolved piece of a pattern: literal text (variables become literal text), '*' or '?'.
struct Piece {
  Pattern::Kind kind;
  std::string_view text;
};

// Greedy matching with backtracking to the last '*': linear in practice, O(n·m) worst case.
bool MatchPieces(std::span<const Piece> pieces, std::string_view text, bool fold) {
  const size_t n = pieces.size();
  size_t pi = 0, po = 0, t = 0;
  bool have_star = false;
  size_t star_pi = 0, star_t = 0;
  auto skip_empty = [&] {
    while (pi < n && pieces[pi].kind == Pattern::Kind::kText && po >= pieces[pi].text.size()) {
      ++pi;
      po = 0;
    }
  };
  while (true) {
    skip_empty();
    if (t == text.size()) {
      while (pi < n &&
             (pieces[pi].kind == Pattern::Kind::kStar ||
              (pieces[pi].kind == Pattern::Kind::kText && po >= pieces[pi].text.size()))) {
        ++pi;
        po = 0;
      }
      return pi == n;
    }
    if (pi < n) {
      const Piece& p = pieces[pi];
      if (p.kind == Pattern::Kind::kStar) {
        have_star = true;
        star_pi = ++pi;
        po = 0;
        star_t = t;
        continue;
      }
      if (p.kind == Pattern::Kind::kQuestion) {
        ++pi;
        po = 0;
        ++t;
        continue;
      }
      char a = p.text[po], b = text[t];
      if (fold ? Fold(a) == Fold(b) : a == b) {
        ++po;
        ++t;
        continue;
      }
    }
    if (!have_star) return false;
    t = ++star_t;
    pi = star_pi;
    po = 0;
  }
}

bool ResolveVariable(const Pattern::Part& part, const ContextKeys& keys, std::string_view* out) {
  auto it = keys.find(std::string_view(part.text));
  if (it != keys.end()) {
    if (it->second.size() != 1) return false;  // multivalued keys are not variables
    *out = it->second.front();
    return true;
  }
  if (!part.has_default) return false;
  *out = part.default_value;
  return true;
}

}  // namespace

Pattern CompilePattern(std::string_view text, bool variables, bool glob, bool fold) {
  Pattern p;
  p.raw = fold ? Lower(text) : std::string(text);
  if (!variables || text.find("${") == std::string_view::npos) return p;
  p.has_variables = true;
  std::string_view rest = p.raw;
  while (!rest.empty()) {
    size_t open = rest.find("${");
    size_t close = open == rest.npos ? rest.npos : rest.find('}', open);
    if (close == rest.npos) {
      AddText(p.parts, rest, glob);
      break;
    }
    AddText(p.parts, rest.substr(0, open), glob);
    std::string_view inner = Trim(rest.substr(open + 2, close - open - 2));
    rest.remove_prefix(close + 1);
    if (inner == "*" || inner == "?" || inner == "$") {
      AddText(p.parts, inner, /*glob=*/false);  // ${*} is a literal '*'
      continue;
    }
    Pattern::Part var{Pattern::Kind::kVariable, std::string(inner), false, {}};
    size_t comma = inner.find(',');
    if (comma != inner.npos) {
      std::string_view def = Trim(inner.substr(comma + 1));
      var.text = std::string(Trim(inner.substr(0, comma)));
      if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'') {
        var.has_default = true;
        var.default_value = std::string(def.substr(1, def.size() - 2));
      }
    }
    p.parts.push_back(std::move(var));
  }
  return p;
}

bool GlobMatch(std::string_view pattern, std::string_view text, bool fold_text) {
  size_t p = 0, t = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    char c = fold_text ? Fold(text[t]) : text[t];
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == c)) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_t = t;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool PatternMatch(const Pattern& pattern, std::string_view text, const ContextKeys& keys, bool glob,
                  bool fold) {
  if (!pattern.has_variables) {
    if (glob) return GlobMatch(pattern.raw, text, fold);
    if (pattern.raw.size() != text.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      if (pattern.raw[i] != (fold ? Fold(text[i]) : text[i])) return false;
    }
    return true;
  }
  // Policies rarely hold more than a few variables; the vector covers the rest.
  constexpr size_t kInline = 16;
  std::array<Piece, kInline> inline_pieces;
  std::vector<Piece> heap_pieces;
  std::span<Piece> pieces(inline_pieces.data(), pattern.parts.size());
  if (pattern.parts.size() > kInline) {
    heap_pieces.resize(pattern.parts.size());
    pieces = heap_pieces;
  }
  for (size_t i = 0; i < pattern.parts.size(); ++i) {
    const Pattern::Part& part = pattern.parts[i];
    if (part.kind == Pattern::Kind::kVariable) {
      std::string_view value;
      if (!ResolveVariable(part, keys, &value)) return false;
      pieces[i] = {Pattern::Kind::kText, value};
    } else {
      pieces[i] = {part.kind, part.text};
    }
  }
  return MatchPieces(pieces, text, fold);
}

bool ResolvePattern(const Pattern& pattern, const ContextKeys& keys, std::string* out) {
  out->clear();
  if (!pattern.has_variables) {
    *out = pattern.raw;
    return true;
  }
  for (const Pattern::Part& part : pattern.parts) {
    switch (part.kind) {
      case Pattern::Kind::kText:
        out->append(part.text);
        break;
      case Pattern::Kind::kStar:
        out->push_back('*');
        break;
      case Pattern::Kind::kQuestion:
        out->push_back('?');
        break;
      case Pattern::Kind::kVariable: {
        std::string_view value;
        if (!ResolveVariable(part, keys, &value)) return false;
        out->append(value);
        break;
      }
    }
  }
  return true;
}

bool ParseIpAddress(std::string_view text, IpNet* out) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  *out = IpNet{};
  if (inet_pton(AF_INET, buf, out->addr.data()) == 1) {
    out->prefix_bits = 32;
    return true;
  }
  if (inet_pton(AF_INET6, buf, out->addr.data()) == 1) {
    out->v6 = true;
    out->prefix_bits = 128;
    return true;
  }
  return false;
}

bool ParseIpNet(std::string_view text, IpNet* out) {
  size_t slash = text.find('/');
  if (!ParseIpAddress(text.substr(0, slash), out)) return false;
  if (slash == text.npos) return true;
  std::string_view bits = text.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (ec != std::errc() || end != bits.data() + bits.size() || bits.empty() || prefix < 0 ||
      prefix > (out->v6 ? 128 : 32)) {
    return false;
  }
  out->prefix_bits = prefix;
  return true;
}

bool IpNetContains(const IpNet& net, const IpNet& addr) {
  if (net.v6 != addr.v6) return false;
  int bits = net.prefix_bits;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((net.addr[i] & mask) != (addr.addr[i] & mask)) return false;
  }
  return true;
}

bool ParsePolicyDate(std::string_view text, int64_t* millis) {
  std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (!digits.empty() && digits.find_first_not_of("0123456789") == digits.npos) {
    int64_t secs = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), secs);
    // Keep far inside int64 milliseconds and inside what ParseIso8601 could produce.
    if (ec != std::errc() || end != text.data() + text.size() || secs > 253402300799 ||
        secs < -62135596800) {
      return false;
    }
    *millis = secs * 1000;
    return true;
  }
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {  // "2024-05-01": midnight UTC
    int y = 0;
    unsigned m = 0, d = 0;
    auto r1 = std::from_chars(text.data(), text.data() + 4, y);
    auto r2 = std::from_chars(text.data() + 5, text.data() + 7, m);
    auto r3 = std::from_chars(text.data() + 8, text.data() + 10, d);
    if (r1.ptr != text.data() + 4 || r2.ptr != text.data() + 7 || r3.ptr != text.data() + 10 ||
        m < 1 || m > 12 || d < 1 || d > 31) {
      return false;
    }
    *millis = DaysFromCivil(y, m, d) * 86400000;
    return true;
  }
  auto t = ParseIso8601(text);
  if (!t.ok()) return false;
  *millis = t->time_since_epoch().count();
  return true;
}

bool ParsePolicyNumber(std::string_view text, double* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*out);
}

}  // namespace ot::auth::internal
