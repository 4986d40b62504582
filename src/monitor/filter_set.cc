#include "monitor/filter_set.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "monitor/internal/compiled_pattern.h"
#include "monitor/internal/event_state.h"

namespace ot::monitor {

namespace internal {

// A node of the member trie: the union of every selector path of the set, so that one walk of
// the parsed event resolves them all.
struct TrieNode {
  int32_t selector = -1;                                  // the set's selector ending here, or -1
  std::vector<std::pair<std::string, uint32_t>> members;  // `.name` → child node
  api::MemberNames names;                                 // members' names, for FindMembers
  std::vector<std::pair<uint32_t, uint32_t>> items;       // `[index]` → child node
  // Per member, what the walk needs without touching the child node: its index, and its
  // selector when the child is a leaf (-1 otherwise: the walk descends).
  struct Child {
    uint32_t node = 0;
    int32_t leaf_selector = -1;
  };
  std::vector<Child> children;
};

// Texts → pattern lists, open addressing with a hash of the length and the first and last eight
// bytes: event names and the like are short, and a probe costs a few loads instead of a hash
// over every byte.
class TextTable {
 public:
  std::vector<uint32_t>& operator[](const std::string& text) {
    if (const std::vector<uint32_t>* found = Find(text)) {
      return const_cast<std::vector<uint32_t>&>(*found);
    }
    entries_.emplace_back(text, std::vector<uint32_t>{});
    if (entries_.size() * 2 > slots_.size()) {
      Rebuild();  // at most half full
    } else {
      Place(entries_.size() - 1);
    }
    return entries_.back().second;
  }

  const std::vector<uint32_t>* Find(std::string_view text) const {
    if (slots_.empty()) return nullptr;
    const uint64_t h = Hash(text);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.entry == 0) return nullptr;
      if (slot.hash == h && entries_[slot.entry - 1].first == text) {
        return &entries_[slot.entry - 1].second;
      }
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t entry = 0;  // 1 + index into entries_; 0 = empty
  };

  static uint64_t Hash(std::string_view s) {
    const size_t n = s.size();
    uint64_t head = 0;
    uint64_t tail = 0;
    if (n >= 8) {
      std::memcpy(&head, s.data(), 8);
      std::memcpy(&tail, s.data() + n - 8, 8);
    } else {
      for (size_t i = 0; i < n; ++i) head |= uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    }
    uint64_t h = (head ^ (n * 0x9e3779b97f4a7c15)) * 0xbf58476d1ce4e5b9;
    h = (h ^ (h >> 31) ^ tail) * 0x94d049bb133111eb;
    return h ^ (h >> 29);
  }

  void Rebuild() {
    size_t size = 8;
    while (size < entries_.size() * 2) size *= 2;
    slots_.assign(size, Slot{});
    mask_ = size - 1;
    for (size_t e = 0; e < entries_.size(); ++e) Place(e);
  }

  void Place(size_t e) {
    const uint64_t h = Hash(entries_[e].first);
    size_t i = h & mask_;
    while (slots_[i].entry != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{h, static_cast<uint32_t>(e + 1)};
  }

  std::deque<std::pair<std::string, std::vector<uint32_t>>> entries_;  // stable addresses
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

// What one selector's value says about the patterns filed under it. A pattern needs a number of
// these tests to pass (SetPlan::need) before it is worth evaluating; each passing test counts one.
struct Gate {
  uint32_t selector = 0;
  uint64_t length_mask = 0;  // bit min(len, 63) of each text in `equal`
  // The value equals the text (as `=` compares text: strings, numbers, booleans).
  TextTable equal;
  // The value's text matches the wildcard text (`prefix*`, `*infix*`, …), each tested once.
  std::vector<std::pair<Glob, std::vector<uint32_t>>> globs;
  // The value is there at all.
  std::vector<uint32_t> present;
};

// One JSON pattern as the set evaluates it.
struct SetPattern {
  const CompiledPattern* compiled = nullptr;
  std::vector<uint32_t> selectors;   // pattern selector index → set selector index
  std::vector<uint32_t> conditions;  // pattern condition index → shared condition index
};

struct SetPlan {
  std::vector<FilterPattern> patterns;
  std::vector<SetPattern> json;  // per pattern; compiled == nullptr for other kinds
  size_t selector_count = 0;
  size_t condition_count = 0;
  std::vector<TrieNode> trie;  // trie[0] is the event's root object
  std::vector<Gate> gates;
  std::vector<uint8_t> need;           // per pattern: passing gate tests before it is evaluated
  std::vector<uint32_t> ungated_json;  // JSON patterns evaluated for every JSON event
  std::vector<uint32_t> other;         // term, regex, space-delimited and empty patterns
};

}  // namespace internal

namespace {

using internal::CompiledPattern;
using internal::EventState;
using internal::FieldValue;
using internal::Node;
using internal::SetPattern;
using internal::SetPlan;
using internal::TrieNode;

uint64_t LengthBit(size_t n) { return uint64_t{1} << std::min<size_t>(n, 63); }

bool IsScalarText(const FieldValue& v) {
  return v.type == FieldValue::Type::kString || v.type == FieldValue::Type::kNumber ||
         v.type == FieldValue::Type::kBool;
}

// The key that makes two conditions the same test of the same field. Regex conditions are keyed
// by their pattern too (their compiled regex lives there).
std::string ConditionKey(const CompiledPattern& p, const internal::Condition& c, size_t pattern) {
  std::string key = std::to_string(p.json_selectors[c.selector].id);
  key += '\0';
  key += static_cast<char>(c.op);
  key += static_cast<char>(c.value_kind);
  for (const std::string& part : c.glob.parts) {
    key += std::to_string(part.size());
    key += ':';
    key += part;
  }
  key += '\0';
  key += c.number_text;
  if (c.value_kind == internal::ValueKind::kRegex) {
    key += '\0';
    key += std::to_string(pattern);
    key += '/';
    key += std::to_string(c.regex);
  }
  return key;
}

class Planner {
 public:
  explicit Planner(SetPlan* plan) : plan_(plan) { plan_->trie.emplace_back(); }

  void Add(uint32_t index) {
    const CompiledPattern& p = Compiled(plan_->patterns[index]);
    if (p.kind != PatternKind::kJson) {
      plan_->other.push_back(index);
      return;
    }
    SetPattern& sp = plan_->json[index];
    sp.compiled = &p;
    for (const internal::Selector& sel : p.json_selectors) sp.selectors.push_back(SetSelector(sel));
    for (const internal::Condition& c : p.conditions) {
      auto [it, inserted] = conditions_.try_emplace(ConditionKey(p, c, index),
                                                    static_cast<uint32_t>(conditions_.size()));
      sp.conditions.push_back(it->second);
    }
    File(index, p, sp);
  }

  void Finish() {
    for (TrieNode& node : plan_->trie) {
      std::vector<std::string> names;
      for (const auto& [name, child] : node.members) {
        names.push_back(name);
        const TrieNode& c = plan_->trie[child];
        const bool leaf = c.members.empty() && c.items.empty();
        node.children.push_back({child, leaf ? c.selector : -1});
      }
      node.names = api::MemberNames(std::move(names));
    }
    plan_->condition_count = conditions_.size();
    plan_->selector_count = selectors_.size();
  }

 private:
  // The set's index for `sel`, adding its path to the trie.
  uint32_t SetSelector(const internal::Selector& sel) {
    auto [it, inserted] =
        selectors_.try_emplace(sel.path, static_cast<uint32_t>(selectors_.size()));
    if (!inserted) return it->second;
    uint32_t node = 0;
    for (const internal::Step& step : sel.steps) {
      node = step.is_index ? ItemChild(node, step.index) : MemberChild(node, step.name);
    }
    plan_->trie[node].selector = static_cast<int32_t>(it->second);
    return it->second;
  }

  uint32_t MemberChild(uint32_t node, const std::string& name) {
    for (const auto& [n, child] : plan_->trie[node].members) {
      if (n == name) return child;
    }
    const auto child = static_cast<uint32_t>(plan_->trie.size());
    plan_->trie.emplace_back();
    plan_->trie[node].members.emplace_back(name, child);
    return child;
  }

  uint32_t ItemChild(uint32_t node, uint32_t index) {
    for (const auto& [i, child] : plan_->trie[node].items) {
      if (i == index) return child;
    }
    const auto child = static_cast<uint32_t>(plan_->trie.size());
    plan_->trie.emplace_back();
    plan_->trie[node].items.emplace_back(index, child);
    return child;
  }

  // A test of one selector's value that a pattern cannot match without.
  struct Test {
    enum class Kind : uint8_t { kEqual, kGlob, kPresent };
    Kind kind = Kind::kPresent;
    uint32_t selector = 0;           // the pattern's selector index
    std::vector<std::string> texts;  // kEqual: any of these
    internal::Glob glob;             // kGlob
  };
  using Alternatives = std::vector<Test>;  // at least one must pass

  // What node `n` needs of the event to be true (empty optional: nothing usable).
  static std::optional<Alternatives> Needs(const CompiledPattern& p, uint32_t n) {
    const Node& node = p.nodes[n];
    switch (node.kind) {
      case Node::Kind::kInSet:
        return Alternatives{{Test::Kind::kEqual, node.selector, node.set, {}}};
      case Node::Kind::kCondition: {
        const internal::Condition& c = p.conditions[node.condition];
        if (c.op == internal::Op::kEq && c.value_kind == internal::ValueKind::kText) {
          if (c.glob.parts.size() == 1) {
            return Alternatives{{Test::Kind::kEqual, c.selector, {c.glob.parts[0]}, {}}};
          }
          return Alternatives{{Test::Kind::kGlob, c.selector, {}, c.glob}};
        }
        // A condition that a missing field fails makes the field's presence necessary.
        if (internal::Evaluate(p, c, FieldValue{})) return std::nullopt;
        return Alternatives{{Test::Kind::kPresent, c.selector, {}, {}}};
      }
      case Node::Kind::kOr: {
        Alternatives all;
        for (uint32_t child : node.children) {
          std::optional<Alternatives> need = Needs(p, child);
          if (!need) return std::nullopt;
          for (Test& t : *need) {
            // Equalities on one selector merge into one test (`a = x || a = y`).
            auto same = std::find_if(all.begin(), all.end(), [&t](const Test& u) {
              return u.kind == Test::Kind::kEqual && t.kind == Test::Kind::kEqual &&
                     u.selector == t.selector;
            });
            if (same != all.end()) {
              same->texts.insert(same->texts.end(), t.texts.begin(), t.texts.end());
            } else {
              all.push_back(std::move(t));
            }
          }
        }
        return all;
      }
      case Node::Kind::kAnd: {
        // Any operand's needs are the whole And's; a single test serves best.
        std::optional<Alternatives> best;
        for (uint32_t child : node.children) {
          std::optional<Alternatives> need = Needs(p, child);
          if (need && (!best || need->size() < best->size())) best = std::move(need);
        }
        return best;
      }
    }
    return std::nullopt;
  }

  // Files pattern `index` under the tests it needs. Every single test an operand of its top And
  // needs counts (the pattern runs once all passed); failing those, one set of alternatives
  // (the pattern runs when any passes); failing that, it runs for every JSON event.
  void File(uint32_t index, const CompiledPattern& p, const SetPattern& sp) {
    const Node& root = p.nodes[p.root];
    const std::vector<uint32_t> operands =
        root.kind == Node::Kind::kAnd ? root.children : std::vector<uint32_t>{p.root};
    std::vector<Test> singles;
    std::optional<Alternatives> fewest;
    for (uint32_t n : operands) {
      std::optional<Alternatives> need = Needs(p, n);
      if (!need) continue;
      if (need->size() == 1) {
        singles.push_back(std::move(need->front()));
      } else if (!fewest || need->size() < fewest->size()) {
        fewest = std::move(need);
      }
    }
    if (singles.size() > 255) singles.resize(255);
    if (!singles.empty()) {
      for (const Test& t : singles) FileTest(index, sp, t);
      plan_->need[index] = static_cast<uint8_t>(singles.size());
    } else if (fewest) {
      for (const Test& t : *fewest) FileTest(index, sp, t);
      plan_->need[index] = 1;
    } else {
      plan_->ungated_json.push_back(index);
    }
  }

  void FileTest(uint32_t index, const SetPattern& sp, const Test& t) {
    internal::Gate& gate = GateFor(sp.selectors[t.selector]);
    switch (t.kind) {
      case Test::Kind::kEqual: {
        // Each distinct text once: a value passes one test once, whatever the pattern's repeats.
        std::vector<std::string> texts = t.texts;
        std::sort(texts.begin(), texts.end());
        texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
        for (const std::string& text : texts) {
          gate.equal[text].push_back(index);
          gate.length_mask |= LengthBit(text.size());
        }
        return;
      }
      case Test::Kind::kGlob:
        for (auto& [glob, list] : gate.globs) {
          if (glob.parts == t.glob.parts) {
            list.push_back(index);
            return;
          }
        }
        gate.globs.emplace_back(t.glob, std::vector<uint32_t>{index});
        return;
      case Test::Kind::kPresent:
        gate.present.push_back(index);
        return;
    }
  }

  internal::Gate& GateFor(uint32_t selector) {
    for (internal::Gate& g : plan_->gates) {
      if (g.selector == selector) return g;
    }
    plan_->gates.emplace_back().selector = selector;
    return plan_->gates.back();
  }

  SetPlan* plan_;
  std::unordered_map<std::string, uint32_t> selectors_;
  std::unordered_map<std::string, uint32_t> conditions_;
};

// One event's walk of the member trie, filling the set's selector values.
struct Walk {
  const SetPlan& plan;
  EventState& event;
  EventState::SetScratch& scratch;

  void Visit(uint32_t node_index, const api::JsonValue& value) {
    const TrieNode& node = plan.trie[node_index];
    if (node.selector >= 0)
      scratch.values[static_cast<size_t>(node.selector)] = event.Describe(value);
    if (!node.members.empty()) {
      struct Ctx {
        Walk* walk;
        const TrieNode* node;
      } ctx{this, &node};
      value.FindMembers(
          node.names,
          [](void* c, size_t i, const api::JsonValue& v) {
            auto* x = static_cast<Ctx*>(c);
            const TrieNode::Child& child = x->node->children[i];
            if (child.leaf_selector >= 0) {  // most selectors end at a member
              x->walk->scratch.values[static_cast<size_t>(child.leaf_selector)] =
                  x->walk->event.Describe(v);
              return;
            }
            x->walk->Visit(child.node, v);
          },
          &ctx);
    }
    for (const auto& [index, child] : node.items) {
      if (std::optional<api::JsonValue> item = value.At(index)) Visit(child, *item);
    }
  }
};

// A JSON pattern's expression over the walked values, with shared conditions memoized.
class Evaluator {
 public:
  Evaluator(EventState::SetScratch& scratch) : scratch_(scratch) {}

  bool Eval(const SetPattern& sp, uint32_t index) {
    const CompiledPattern& p = *sp.compiled;
    const Node& node = p.nodes[index];
    switch (node.kind) {
      case Node::Kind::kCondition: {
        uint8_t& memo = scratch_.memo[sp.conditions[node.condition]];
        if (memo == 0) {
          const internal::Condition& c = p.conditions[node.condition];
          memo = internal::Evaluate(p, c, scratch_.values[sp.selectors[c.selector]]) ? 2 : 1;
        }
        return memo == 2;
      }
      case Node::Kind::kAnd:
        for (uint32_t child : node.children) {
          if (!Eval(sp, child)) return false;
        }
        return true;
      case Node::Kind::kOr:
        for (uint32_t child : node.children) {
          if (Eval(sp, child)) return true;
        }
        return false;
      case Node::Kind::kInSet: {
        const FieldValue& v = scratch_.values[sp.selectors[node.selector]];
        if (!IsScalarText(v) || (node.length_mask & LengthBit(v.text.size())) == 0) return false;
        return std::binary_search(node.set.begin(), node.set.end(), v.text,
                                  [](std::string_view a, std::string_view b) { return a < b; });
      }
    }
    return false;
  }

 private:
  EventState::SetScratch& scratch_;
};

}  // namespace

FilterSet::FilterSet() : plan_(std::make_shared<SetPlan>()) {}

FilterSet::FilterSet(std::span<const FilterPattern> patterns) {
  auto plan = std::make_shared<SetPlan>();
  plan->patterns.assign(patterns.begin(), patterns.end());
  plan->json.resize(patterns.size());
  plan->need.assign(patterns.size(), 0);
  Planner planner(plan.get());
  for (size_t i = 0; i < patterns.size(); ++i) planner.Add(static_cast<uint32_t>(i));
  planner.Finish();
  plan_ = std::move(plan);
}

size_t FilterSet::size() const { return plan_->patterns.size(); }

void FilterSet::Match(const EventFields& event, std::vector<uint8_t>* matched) const {
  const SetPlan& plan = *plan_;
  matched->assign(plan.patterns.size(), 0);
  for (uint32_t i : plan.other) (*matched)[i] = Matches(plan.patterns[i], event) ? 1 : 0;
  if (plan.selector_count == 0 && plan.ungated_json.empty()) return;
  EventState& state = State(event);
  if (!state.IsJson()) return;  // JSON patterns never match anything else

  EventState::SetScratch& scratch = state.set_scratch();
  scratch.values.assign(plan.selector_count, FieldValue{});
  scratch.memo.assign(plan.condition_count, 0);
  Walk{plan, state, scratch}.Visit(0, state.Root());

  Evaluator eval(scratch);
  scratch.hits.assign(plan.patterns.size(), 0);
  auto run = [&](uint32_t i) {
    const SetPattern& sp = plan.json[i];
    (*matched)[i] = eval.Eval(sp, sp.compiled->root) ? 1 : 0;
  };
  auto hit = [&](const std::vector<uint32_t>& patterns) {
    for (uint32_t i : patterns) {
      if (++scratch.hits[i] == plan.need[i]) run(i);
    }
  };
  for (const internal::Gate& gate : plan.gates) {
    const FieldValue& v = scratch.values[gate.selector];
    if (v.type == FieldValue::Type::kMissing) continue;
    hit(gate.present);
    if (!IsScalarText(v)) continue;
    if ((gate.length_mask & LengthBit(v.text.size())) != 0) {
      if (const std::vector<uint32_t>* patterns = gate.equal.Find(v.text)) hit(*patterns);
    }
    for (const auto& [glob, patterns] : gate.globs) {
      if (glob.Match(v.text)) hit(patterns);
    }
  }
  for (uint32_t i : plan.ungated_json) run(i);
}

}  // namespace ot::monitor
