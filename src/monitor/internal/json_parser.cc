// The JSON pattern grammar of spec §2: { expr } with || below && below ( ), conditions on
// $-selectors.

#include "monitor/internal/compiled_pattern.h"

namespace ot::monitor::internal {
namespace {

// Parentheses deeper than this are refused rather than recursed into.
constexpr int kMaxDepth = 64;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '@' || c == ':';
}
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool KeywordIs(std::string_view word, std::string_view keyword) {
  if (word.size() != keyword.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != keyword[i]) return false;
  }
  return true;
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3;
  }
  return h;
}

class JsonParser {
 public:
  JsonParser(size_t begin, size_t end, CompiledPattern* out)
      : t_(out->text), pos_(begin), end_(end), out_(out) {}

  Status Parse() {
    ++pos_;  // '{'
    SkipSpace();
    if (pos_ < end_ && t_[pos_] == '}') return PatternError(pos_, "expected a condition after '{'");
    OT_RETURN_IF_ERROR(Or(0, &out_->root));
    SkipSpace();
    if (pos_ >= end_) return PatternError(pos_, "expected '}' at the end of the pattern");
    if (t_[pos_] != '}') return PatternError(pos_, "expected '&&', '||' or '}'");
    ++pos_;
    SkipSpace();
    if (pos_ < end_) return PatternError(pos_, "unexpected text after '}'");
    return Status::Ok();
  }

  // A whole selector such as "$.a.b[0]" (metric transformations reuse the selector grammar).
  Status SelectorOnly(Selector* out) {
    OT_RETURN_IF_ERROR(ParseSelectorSteps(out));
    if (pos_ < end_) return PatternError(pos_, "unexpected text after the selector");
    return Status::Ok();
  }

 private:
  void SkipSpace() {
    while (pos_ < end_ && IsSpace(t_[pos_])) ++pos_;
  }
  bool At(std::string_view token) const { return t_.substr(pos_, token.size()) == token; }

  uint32_t AddNode(Node node) {
    out_->nodes.push_back(std::move(node));
    return static_cast<uint32_t>(out_->nodes.size() - 1);
  }

  // expr := and_expr { "||" and_expr }
  Status Or(int depth, uint32_t* node) {
    uint32_t first = 0;
    OT_RETURN_IF_ERROR(And(depth, &first));
    SkipSpace();
    if (!At("||")) {
      *node = first;
      return Status::Ok();
    }
    Node n;
    n.kind = Node::Kind::kOr;
    n.children = {first};
    while (At("||")) {
      pos_ += 2;
      uint32_t next = 0;
      OT_RETURN_IF_ERROR(And(depth, &next));
      n.children.push_back(next);
      SkipSpace();
    }
    *node = AddNode(std::move(n));
    return Status::Ok();
  }

  // and_expr := primary { "&&" primary }
  Status And(int depth, uint32_t* node) {
    uint32_t first = 0;
    OT_RETURN_IF_ERROR(Primary(depth, &first));
    SkipSpace();
    if (!At("&&")) {
      *node = first;
      return Status::Ok();
    }
    Node n;
    n.kind = Node::Kind::kAnd;
    n.children = {first};
    while (At("&&")) {
      pos_ += 2;
      uint32_t next = 0;
      OT_RETURN_IF_ERROR(Primary(depth, &next));
      n.children.push_back(next);
      SkipSpace();
    }
    *node = AddNode(std::move(n));
    return Status::Ok();
  }

  // primary := "(" expr ")" | condition
  Status Primary(int depth, uint32_t* node) {
    SkipSpace();
    if (pos_ < end_ && t_[pos_] == '(') {
      const size_t open = pos_++;
      if (depth >= kMaxDepth) return PatternError(open, "parentheses nested too deeply");
      OT_RETURN_IF_ERROR(Or(depth + 1, node));
      SkipSpace();
      if (pos_ >= end_ || t_[pos_] != ')') {
        return PatternError(
            pos_, pos_ < end_ && t_[pos_] != '}'
                      ? "expected '&&', '||' or ')'"
                      : "missing ')' for the '(' at position " + std::to_string(open + 1));
      }
      ++pos_;
      return Status::Ok();
    }
    if (pos_ < end_ && t_[pos_] == '$') return Condition_(node);
    return PatternError(pos_, "expected a selector starting with '$.' or '('");
  }

  Status ParseSelectorSteps(Selector* sel) {
    const size_t start = pos_;
    if (pos_ >= end_ || t_[pos_] != '$') return PatternError(pos_, "expected '$'");
    ++pos_;
    if (pos_ >= end_ || t_[pos_] != '.') return PatternError(pos_, "expected '.' after '$'");
    while (pos_ < end_ && (t_[pos_] == '.' || t_[pos_] == '[')) {
      Step step;
      if (t_[pos_] == '.') {
        const size_t name = ++pos_;
        while (pos_ < end_ && IsNameChar(t_[pos_])) ++pos_;
        if (pos_ == name) return PatternError(pos_, "expected a field name after '.'");
        step.name = std::string(t_.substr(name, pos_ - name));
      } else {
        const size_t digits = ++pos_;
        uint64_t index = 0;
        while (pos_ < end_ && t_[pos_] >= '0' && t_[pos_] <= '9') {
          index = index * 10 + static_cast<uint64_t>(t_[pos_] - '0');
          if (index > 0xffffffffu) return PatternError(digits, "array index too large");
          ++pos_;
        }
        if (pos_ == digits) return PatternError(pos_, "expected an array index after '['");
        if (pos_ >= end_ || t_[pos_] != ']') return PatternError(pos_, "expected ']'");
        ++pos_;
        step.is_index = true;
        step.index = static_cast<uint32_t>(index);
      }
      sel->steps.push_back(std::move(step));
    }
    sel->path = std::string(t_.substr(start, pos_ - start));
    sel->hash = Fnv1a(sel->path);
    sel->id = InternSelector(sel->path);
    return Status::Ok();
  }

  Status Selector_(uint32_t* index) {
    Selector sel;
    OT_RETURN_IF_ERROR(ParseSelectorSteps(&sel));
    for (size_t i = 0; i < out_->json_selectors.size(); ++i) {
      if (out_->json_selectors[i].path == sel.path) {
        *index = static_cast<uint32_t>(i);
        return Status::Ok();
      }
    }
    *index = static_cast<uint32_t>(out_->json_selectors.size());
    out_->selector_names.push_back(sel.path);
    out_->json_selectors.push_back(std::move(sel));
    return Status::Ok();
  }

  std::string_view Word() {
    const size_t start = pos_;
    while (pos_ < end_ && IsLetter(t_[pos_])) ++pos_;
    return t_.substr(start, pos_ - start);
  }

  // condition := selector cmp value | selector IS (NULL|TRUE|FALSE) | selector NOT EXISTS
  Status Condition_(uint32_t* node) {
    Condition cond;
    OT_RETURN_IF_ERROR(Selector_(&cond.selector));
    const std::string& path = out_->json_selectors[cond.selector].path;
    SkipSpace();
    const size_t op_at = pos_;
    if (pos_ < end_ && IsLetter(t_[pos_])) {
      const std::string_view word = Word();
      if (KeywordIs(word, "IS")) {
        SkipSpace();
        const size_t what_at = pos_;
        const std::string_view what = Word();
        if (KeywordIs(what, "NULL")) {
          cond.op = Op::kIsNull;
        } else if (KeywordIs(what, "TRUE")) {
          cond.op = Op::kIsTrue;
        } else if (KeywordIs(what, "FALSE")) {
          cond.op = Op::kIsFalse;
        } else if (KeywordIs(what, "NOT")) {
          return PatternError(what_at, "IS NOT is not supported (use NOT EXISTS or '!=')");
        } else {
          return PatternError(what_at, "expected NULL, TRUE or FALSE after IS");
        }
      } else if (KeywordIs(word, "NOT")) {
        SkipSpace();
        const size_t what_at = pos_;
        if (!KeywordIs(Word(), "EXISTS")) {
          return PatternError(what_at, "expected EXISTS after NOT");
        }
        cond.op = Op::kNotExists;
      } else if (KeywordIs(word, "EXISTS")) {
        return PatternError(op_at, "EXISTS is not supported (use NOT EXISTS, or = \"*\")");
      } else {
        return PatternError(op_at, "expected an operator after '" + path + "'");
      }
    } else {
      std::string_view op_text;
      if (At("!=")) {
        cond.op = Op::kNe, op_text = "!=";
      } else if (At("<=")) {
        cond.op = Op::kLe, op_text = "<=";
      } else if (At(">=")) {
        cond.op = Op::kGe, op_text = ">=";
      } else if (At("=")) {
        cond.op = Op::kEq, op_text = "=";
      } else if (At("<")) {
        cond.op = Op::kLt, op_text = "<";
      } else if (At(">")) {
        cond.op = Op::kGt, op_text = ">";
      } else {
        return PatternError(op_at, "expected an operator after '" + path + "'");
      }
      pos_ += op_text.size();
      OT_RETURN_IF_ERROR(ParseValue(t_, &pos_, end_, /*in_columns=*/false, op_text, out_, &cond));
    }
    out_->conditions.push_back(std::move(cond));
    Node n;
    n.condition = static_cast<uint32_t>(out_->conditions.size() - 1);
    *node = AddNode(std::move(n));
    return Status::Ok();
  }

  std::string_view t_;
  size_t pos_;
  size_t end_;
  CompiledPattern* out_;
};

}  // namespace

Status ParseJsonPattern(size_t begin, size_t end, CompiledPattern* out) {
  return JsonParser(begin, end, out).Parse();
}

Status ParseSelector(std::string_view text, Selector* out) {
  CompiledPattern scratch;
  scratch.text = std::string(text);
  return JsonParser(0, scratch.text.size(), &scratch).SelectorOnly(out);
}

}  // namespace ot::monitor::internal
