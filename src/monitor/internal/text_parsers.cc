// Term patterns and space-delimited patterns (spec §4).

#include "monitor/internal/compiled_pattern.h"

namespace ot::monitor::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsColumnNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// The unescaped contents of a quoted term starting at text[*pos] == '"'.
Status QuotedTerm(std::string_view text, size_t* pos, size_t end, std::string* out) {
  const size_t open = *pos;
  size_t p = open + 1;
  for (; p < end && text[p] != '"'; ++p) {
    if (text[p] == '\\' && p + 1 < end && (text[p + 1] == '"' || text[p + 1] == '\\')) ++p;
    out->push_back(text[p]);
  }
  if (p >= end) return PatternError(open, "missing closing '\"' of the term");
  *pos = p + 1;
  return Status::Ok();
}

}  // namespace

Status ParseTermsPattern(size_t begin, size_t end, CompiledPattern* out) {
  const std::string_view t = out->text;
  size_t pos = begin;
  while (true) {
    while (pos < end && IsSpace(t[pos])) ++pos;
    if (pos >= end) return Status::Ok();
    Term term;
    if (t[pos] == '?' || t[pos] == '-') {
      term.mode = t[pos] == '?' ? Term::Mode::kAny : Term::Mode::kExcluded;
      if (pos + 1 >= end || IsSpace(t[pos + 1])) {
        return PatternError(pos, std::string("expected a term after '") + t[pos] + "'");
      }
      ++pos;
    }
    if (t[pos] == '"') {
      OT_RETURN_IF_ERROR(QuotedTerm(t, &pos, end, &term.text));
      // `" "` is the documented way to match every event: a blank phrase constrains nothing.
      bool blank = true;
      for (char c : term.text) blank = blank && IsSpace(c);
      if (blank) term.text.clear();
    } else {
      const size_t start = pos;
      while (pos < end && !IsSpace(t[pos])) ++pos;
      term.text = std::string(t.substr(start, pos - start));
    }
    // Terms share ids with selectors' table under a prefix no selector has (they start "$").
    term.id = InternSelector("term:" + term.text);
    term.anchors = RareAnchors(term.text);
    out->terms.push_back(std::move(term));
  }
}

Status ParseSpaceDelimitedPattern(size_t begin, size_t end, CompiledPattern* out) {
  const std::string_view t = out->text;
  size_t pos = begin + 1;  // '['
  auto skip = [&] {
    while (pos < end && IsSpace(t[pos])) ++pos;
  };
  while (true) {
    skip();
    Column column;
    if (t.substr(pos, 3) == "...") {
      column.ellipsis = true;
      pos += 3;
    } else {
      const size_t name_at = pos;
      while (pos < end && IsColumnNameChar(t[pos])) ++pos;
      if (pos == name_at) return PatternError(pos, "expected a field name or '...'");
      column.name = std::string(t.substr(name_at, pos - name_at));
      for (const Column& other : out->columns) {
        if (other.name == column.name) {
          return PatternError(name_at, "duplicate field name '" + column.name + "'");
        }
      }
      skip();
      // name op value { (&& | ||) name op value }, every name the column's own.
      std::vector<uint32_t> group;
      bool first = true;
      while (pos < end && t[pos] != ',' && t[pos] != ']') {
        if (!first) {
          const bool is_or = t.substr(pos, 2) == "||";
          if (!is_or && t.substr(pos, 2) != "&&") {
            return PatternError(pos, "expected '&&', '||', ',' or ']'");
          }
          pos += 2;
          if (is_or) {
            column.any_of.push_back(std::move(group));
            group.clear();
          }
          skip();
          const size_t again_at = pos;
          while (pos < end && IsColumnNameChar(t[pos])) ++pos;
          if (t.substr(again_at, pos - again_at) != column.name) {
            return PatternError(
                again_at, "expected '" + column.name + "': conditions in a field name that field");
          }
          skip();
        }
        first = false;
        Condition cond;
        std::string_view op_text;
        if (t.substr(pos, 2) == "!=") {
          cond.op = Op::kNe, op_text = "!=";
        } else if (t.substr(pos, 2) == "<=") {
          cond.op = Op::kLe, op_text = "<=";
        } else if (t.substr(pos, 2) == ">=") {
          cond.op = Op::kGe, op_text = ">=";
        } else if (t.substr(pos, 1) == "=") {
          cond.op = Op::kEq, op_text = "=";
        } else if (t.substr(pos, 1) == "<") {
          cond.op = Op::kLt, op_text = "<";
        } else if (t.substr(pos, 1) == ">") {
          cond.op = Op::kGt, op_text = ">";
        } else {
          return PatternError(pos, "expected an operator, ',' or ']' after '" + column.name + "'");
        }
        pos += op_text.size();
        OT_RETURN_IF_ERROR(ParseValue(t, &pos, end, /*in_columns=*/true, op_text, out, &cond));
        out->conditions.push_back(std::move(cond));
        group.push_back(static_cast<uint32_t>(out->conditions.size() - 1));
        skip();
      }
      if (!group.empty()) column.any_of.push_back(std::move(group));
      out->selector_names.push_back("$" + column.name);
    }
    out->columns.push_back(std::move(column));
    skip();
    if (pos >= end) return PatternError(pos, "expected ']' at the end of the pattern");
    if (t[pos] == ',') {
      ++pos;
      continue;
    }
    if (t[pos] != ']') return PatternError(pos, "expected ',' or ']'");
    ++pos;
    skip();
    if (pos < end) return PatternError(pos, "unexpected text after ']'");
    return Status::Ok();
  }
}

}  // namespace ot::monitor::internal
