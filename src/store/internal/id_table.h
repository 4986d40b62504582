#pragma once

#include <cstdint>
#include <vector>

namespace ot::store::internal {

// Event id hash → (chunk, local index): an open-addressing table (linear probing) of 12-byte
// slots holding 48 bits of the id's hash. Matches are candidates only; the caller confirms by
// reading the record. Not thread-safe: the history index's lock guards it.
class IdTable {
 public:
  IdTable() : slots_(kMinCapacity) {}

  void Insert(uint64_t hash, uint32_t chunk, uint16_t local) {
    if ((size_ + 1) * 5 > slots_.size() * 4) Grow(slots_.size() * 2);
    Place(Tag(hash), chunk, local);
    ++size_;
  }

  // Calls fn(chunk, local) for every entry whose tag matches `hash`.
  template <typename Fn>
  void ForEach(uint64_t hash, Fn&& fn) const {
    uint64_t tag = Tag(hash);
    for (size_t i = Home(tag);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.chunk == kEmpty) return;
      if (s.Tag() == tag) fn(s.chunk, s.Local());
    }
  }

  // Keeps only the entries for which keep(chunk) is true, then resizes to fit.
  template <typename Keep>
  void Retain(Keep&& keep) {
    std::vector<Slot> old;
    old.swap(slots_);
    size_t kept = 0;
    for (const Slot& s : old) kept += s.chunk != kEmpty && keep(s.chunk);
    size_t capacity = kMinCapacity;
    while (kept * 5 > capacity * 3) capacity *= 2;  // leave room to grow before doubling
    slots_.assign(capacity, Slot{});
    size_ = kept;
    for (const Slot& s : old) {
      if (s.chunk != kEmpty && keep(s.chunk)) Place(s.Tag(), s.chunk, s.Local());
    }
  }

  size_t size() const { return size_; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr size_t kMinCapacity = 1024;
  struct Slot {
    uint32_t tag_lo = 0;
    uint32_t tag_hi_local = 0;  // tag bits 32..47 in the high half, the local index in the low
    uint32_t chunk = kEmpty;
    uint64_t Tag() const { return (uint64_t{tag_hi_local >> 16} << 32) | tag_lo; }
    uint16_t Local() const { return static_cast<uint16_t>(tag_hi_local & 0xffff); }
  };

  static uint64_t Tag(uint64_t hash) { return hash & 0xffffffffffffULL; }
  size_t Home(uint64_t tag) const {
    return static_cast<size_t>((tag * 0x9e3779b97f4a7c15ULL) >> 20) & (slots_.size() - 1);
  }
  void Place(uint64_t tag, uint32_t chunk, uint16_t local) {
    size_t i = Home(tag);
    while (slots_[i].chunk != kEmpty) i = (i + 1) & (slots_.size() - 1);
    slots_[i].tag_lo = static_cast<uint32_t>(tag);
    slots_[i].tag_hi_local = static_cast<uint32_t>((tag >> 32) << 16) | local;
    slots_[i].chunk = chunk;
  }
  void Grow(size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.chunk != kEmpty) Place(s.Tag(), s.chunk, s.Local());
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace ot::store::internal
