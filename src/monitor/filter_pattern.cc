#include "monitor/filter_pattern.h"

#include <algorithm>
#include <map>

#include "monitor/internal/compiled_pattern.h"
#include "monitor/internal/event_state.h"

namespace ot::monitor {
namespace {

using internal::CompiledPattern;
using internal::EventState;
using internal::FieldValue;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

// Evaluates a JSON pattern's expression. `handles` caches, per selector of the pattern, its
// EventState handle (kUnresolved until first needed): patterns such as CIS 4.4 test one
// selector sixteen times, and this keeps that to one cache lookup.
constexpr uint32_t kUnresolved = 0xffffffff;

bool EvalNode(const CompiledPattern& p, uint32_t index, EventState& event, uint32_t* handles) {
  const internal::Node& node = p.nodes[index];
  switch (node.kind) {
    case internal::Node::Kind::kCondition: {
      const internal::Condition& cond = p.conditions[node.condition];
      uint32_t& handle = handles[cond.selector];
      if (handle == kUnresolved) handle = event.ResolveHandle(p.json_selectors[cond.selector]);
      return internal::Evaluate(p, cond, event.Value(handle));
    }
    case internal::Node::Kind::kAnd:
      for (uint32_t child : node.children) {
        if (!EvalNode(p, child, event, handles)) return false;
      }
      return true;
    case internal::Node::Kind::kOr:
      for (uint32_t child : node.children) {
        if (EvalNode(p, child, event, handles)) return true;
      }
      return false;
    case internal::Node::Kind::kInSet: {
      uint32_t& handle = handles[node.selector];
      if (handle == kUnresolved) handle = event.ResolveHandle(p.json_selectors[node.selector]);
      const FieldValue& v = event.Value(handle);
      // As `=` with a text value: strings, numbers and booleans compare by their text.
      if (v.type != FieldValue::Type::kString && v.type != FieldValue::Type::kNumber &&
          v.type != FieldValue::Type::kBool) {
        return false;
      }
      if ((node.length_mask & (uint64_t{1} << std::min<size_t>(v.text.size(), 63))) == 0) {
        return false;
      }
      return std::binary_search(node.set.begin(), node.set.end(), v.text,
                                [](std::string_view a, std::string_view b) { return a < b; });
    }
  }
  return false;
}

// Folds the plain-text equalities on one selector under each Or node into one kInSet node
// (same result: `=` with a text value without wildcards is exact text equality).
void FoldEqualitySets(CompiledPattern* p) {
  const size_t original = p->nodes.size();
  for (size_t n = 0; n < original; ++n) {
    if (p->nodes[n].kind != internal::Node::Kind::kOr) continue;
    std::map<uint32_t, std::vector<uint32_t>> by_selector;  // selector → child nodes
    for (uint32_t child : p->nodes[n].children) {
      const internal::Node& c = p->nodes[child];
      if (c.kind != internal::Node::Kind::kCondition) continue;
      const internal::Condition& cond = p->conditions[c.condition];
      if (cond.op == internal::Op::kEq && cond.value_kind == internal::ValueKind::kText &&
          cond.glob.parts.size() == 1) {
        by_selector[cond.selector].push_back(child);
      }
    }
    for (auto& [selector, members] : by_selector) {
      if (members.size() < 3) continue;
      internal::Node set;
      set.kind = internal::Node::Kind::kInSet;
      set.selector = selector;
      for (uint32_t m : members) {
        const std::string& text = p->conditions[p->nodes[m].condition].glob.parts[0];
        set.set.push_back(text);
        set.length_mask |= uint64_t{1} << std::min<size_t>(text.size(), 63);
      }
      std::sort(set.set.begin(), set.set.end());
      std::vector<uint32_t>& children = p->nodes[n].children;
      // The set takes the place of the first member; the others go.
      const uint32_t set_index = static_cast<uint32_t>(p->nodes.size());
      for (uint32_t& c : children) {
        if (c == members.front()) c = set_index;
      }
      // (clang 14 cannot capture a structured binding: name it first.)
      const std::vector<uint32_t>& folded = members;
      std::erase_if(children, [&folded](uint32_t c) {
        return std::find(folded.begin() + 1, folded.end(), c) != folded.end();
      });
      p->nodes.push_back(std::move(set));
    }
  }
}

bool JsonMatches(const CompiledPattern& p, EventState& event) {
  if (!event.IsJson()) return false;
  constexpr size_t kInline = 32;
  const size_t n = p.json_selectors.size();
  if (n <= kInline) {
    uint32_t handles[kInline];
    std::fill(handles, handles + n, kUnresolved);
    return EvalNode(p, p.root, event, handles);
  }
  std::vector<uint32_t> handles(n, kUnresolved);
  return EvalNode(p, p.root, event, handles.data());
}

// A message field as a condition sees it: a number when its text is one, else a string.
FieldValue ColumnValue(std::string_view text) {
  FieldValue v;
  v.text = text;
  v.type = internal::ParseNumber(text, &v.number) ? FieldValue::Type::kNumber
                                                  : FieldValue::Type::kString;
  return v;
}

bool ColumnMatches(const CompiledPattern& p, const internal::Column& column,
                   std::string_view text) {
  if (column.any_of.empty()) return true;
  const FieldValue value = ColumnValue(text);
  for (const std::vector<uint32_t>& group : column.any_of) {
    bool all = true;
    for (uint32_t c : group) all = all && internal::Evaluate(p, p.conditions[c], value);
    if (all) return true;
  }
  return false;
}

// Columns [first, last) of the pattern against message fields starting at `at`.
bool SegmentMatches(const CompiledPattern& p, size_t first, size_t last,
                    const std::vector<std::string_view>& fields, size_t at) {
  for (size_t i = first; i < last; ++i) {
    if (!ColumnMatches(p, p.columns[i], fields[at + i - first])) return false;
  }
  return true;
}

bool TermsMatch(const CompiledPattern& p, EventState& event) {
  bool any_seen = false;
  bool any_found = false;
  for (const internal::Term& term : p.terms) {
    const bool found = event.ContainsTerm(term.id, term.text, term.anchors);
    switch (term.mode) {
      case internal::Term::Mode::kRequired:
        if (!found) return false;
        break;
      case internal::Term::Mode::kExcluded:
        if (found) return false;
        break;
      case internal::Term::Mode::kAny:
        any_seen = true;
        any_found = any_found || found;
        break;
    }
  }
  return !any_seen || any_found;
}

}  // namespace

namespace internal {

bool BindColumns(const CompiledPattern& p, EventState& event, std::vector<int>* binding) {
  const std::vector<std::string_view>& fields = event.Columns();
  const size_t k = p.columns.size();
  const size_t n = fields.size();
  binding->assign(k, -1);
  // Runs of non-ellipsis columns. The first run is pinned to the start and the last to the end
  // unless an ellipsis precedes / follows them; middle runs take their leftmost fit, which leaves
  // the most room for the runs after them.
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = 0; i < k;) {
    if (p.columns[i].ellipsis) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < k && !p.columns[j].ellipsis) ++j;
    runs.emplace_back(i, j);
    i = j;
  }
  auto bind = [&](std::pair<size_t, size_t> run, size_t at) {
    for (size_t i = run.first; i < run.second; ++i)
      (*binding)[i] = static_cast<int>(at + i - run.first);
  };
  if (runs.size() == 1 && runs[0].first == 0 && runs[0].second == k) {
    if (n != k || !SegmentMatches(p, 0, k, fields, 0)) return false;
    bind(runs[0], 0);
    return true;
  }
  size_t lo = 0;
  size_t hi = n;
  size_t r_begin = 0;
  size_t r_end = runs.size();
  if (!runs.empty() && runs.front().first == 0) {
    const size_t len = runs.front().second;
    if (len > n || !SegmentMatches(p, 0, len, fields, 0)) return false;
    bind(runs.front(), 0);
    lo = len;
    ++r_begin;
  }
  if (r_begin < r_end && runs.back().second == k) {
    const size_t len = k - runs.back().first;
    if (len > hi - lo || !SegmentMatches(p, runs.back().first, k, fields, n - len)) return false;
    bind(runs.back(), n - len);
    hi = n - len;
    --r_end;
  }
  for (size_t r = r_begin; r < r_end; ++r) {
    const size_t len = runs[r].second - runs[r].first;
    bool placed = false;
    for (size_t at = lo; at + len <= hi; ++at) {
      if (SegmentMatches(p, runs[r].first, runs[r].second, fields, at)) {
        bind(runs[r], at);
        lo = at + len;
        placed = true;
        break;
      }
    }
    if (!placed) return false;
  }
  return true;
}

}  // namespace internal

const internal::CompiledPattern& Compiled(const FilterPattern& pattern) { return *pattern.impl_; }

FilterPattern::FilterPattern(std::shared_ptr<const internal::CompiledPattern> impl)
    : impl_(std::move(impl)) {}
PatternKind FilterPattern::kind() const { return impl_->kind; }
const std::string& FilterPattern::text() const { return impl_->text; }
size_t FilterPattern::regex_count() const { return impl_->regexes.size(); }
const std::vector<std::string>& FilterPattern::selectors() const { return impl_->selector_names; }

Result<FilterPattern> CompileFilterPattern(std::string_view text) {
  if (CountCodePoints(text) > kMaxFilterPatternLength) {
    return Status(Error::kInvalidParameter, "Invalid filter pattern: longer than " +
                                                std::to_string(kMaxFilterPatternLength) +
                                                " characters");
  }
  auto out = std::make_shared<CompiledPattern>();
  out->text = std::string(text);
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  if (begin == end) {
    out->kind = PatternKind::kEmpty;
  } else if (text[begin] == '{') {
    out->kind = PatternKind::kJson;
    OT_RETURN_IF_ERROR(internal::ParseJsonPattern(begin, end, out.get()));
    FoldEqualitySets(out.get());
  } else if (text[begin] == '[') {
    out->kind = PatternKind::kSpaceDelimited;
    OT_RETURN_IF_ERROR(internal::ParseSpaceDelimitedPattern(begin, end, out.get()));
  } else if (text[begin] == '%' && end - begin >= 2 && text[end - 1] == '%') {
    out->kind = PatternKind::kRegex;
    internal::Regex re;
    std::string error;
    size_t error_offset = 0;
    if (!internal::Regex::Compile(text.substr(begin + 1, end - begin - 2), &re, &error,
                                  &error_offset)) {
      return internal::PatternError(begin + 1 + error_offset, error);
    }
    out->regexes.push_back(std::move(re));
  } else {
    out->kind = PatternKind::kTerms;
    OT_RETURN_IF_ERROR(internal::ParseTermsPattern(begin, end, out.get()));
  }
  return FilterPattern(std::move(out));
}

bool Matches(const FilterPattern& pattern, const EventFields& event) {
  const CompiledPattern& p = Compiled(pattern);
  EventState& state = State(event);
  switch (p.kind) {
    case PatternKind::kEmpty:
      return true;
    case PatternKind::kJson:
      return JsonMatches(p, state);
    case PatternKind::kSpaceDelimited: {
      std::vector<int> binding;
      return internal::BindColumns(p, state, &binding);
    }
    case PatternKind::kRegex:
      return p.regexes[0].Search(state.message());
    case PatternKind::kTerms:
      return TermsMatch(p, state);
  }
  return false;
}

std::vector<ExtractedValue> ExtractValues(const FilterPattern& pattern, const EventFields& event) {
  const CompiledPattern& p = Compiled(pattern);
  EventState& state = State(event);
  std::vector<ExtractedValue> out;
  switch (p.kind) {
    case PatternKind::kJson:
      for (const internal::Selector& sel : p.json_selectors) {
        if (std::optional<std::string> v = state.Render(sel)) {
          out.push_back(ExtractedValue{sel.path, std::move(*v)});
        }
      }
      break;
    case PatternKind::kSpaceDelimited: {
      std::vector<int> binding;
      if (!internal::BindColumns(p, state, &binding)) break;
      const std::vector<std::string_view>& fields = state.Columns();
      for (size_t i = 0; i < p.columns.size(); ++i) {
        if (p.columns[i].ellipsis) continue;
        out.push_back(ExtractedValue{"$" + p.columns[i].name,
                                     std::string(fields[static_cast<size_t>(binding[i])])});
      }
      break;
    }
    case PatternKind::kEmpty:
    case PatternKind::kRegex:
    case PatternKind::kTerms:
      break;
  }
  return out;
}

}  // namespace ot::monitor
