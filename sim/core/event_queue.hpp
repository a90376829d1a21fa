// The pending-event set, ordered by (time, sequence number). A calendar queue that sorts late:
// a new event is appended, unsorted, to one of a ring of wide buckets (few enough that every
// bucket's tail stays in cache), and a bucket is sorted only when it comes up, in one pass that
// reads and writes memory in order. Events pushed into the bucket being run go to a small heap,
// the far future to an overflow heap. Bucket width adapts to how dense the events are.
// The order never depends on the width: every event in the current bucket (run or heap)
// precedes every event in a later bucket, which precedes every event in the overflow.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace wiresim {

class EventQueue {
 public:
  struct Key {
    std::int64_t time;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  static bool earlier(const Key& a, const Key& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }

  EventQueue();
  // Inline because the kernel calls these once per event: the key then stays in registers.
  void push(Key key) {
    ++size_;
    if (key.time >= run_end_) {
      place(key);
    } else if (run_.empty() || !earlier(key, run_.back())) {
      append(run_, key);  // still sorted: a chain of events never needs the heap
    } else {
      append(soon_, key);
      std::push_heap(soon_.begin(), soon_.end(), Later{});
    }
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const Key& top() {  // precondition: !empty()
    if (run_.empty() && soon_.empty()) advance();
    return soon_first() ? soon_.front() : run_[head_];
  }
  void pop() {  // removes top()
    if (run_.empty() && soon_.empty()) advance();
    if (soon_first()) {
      std::pop_heap(soon_.begin(), soon_.end(), Later{});
      soon_.pop_back();
    } else if (++head_ == run_.size()) {
      run_.clear();  // keeps "run_ is empty" the one test for a used-up run
      head_ = 0;
    }
    --size_;
  }
  // A key that will come up about `distance` pops from now, or null: lets the owner prefetch
  // what that event will touch while the ones before it run.
  const Key* ahead(std::size_t distance) const {
    return head_ + distance < run_.size() ? &run_[head_ + distance] : nullptr;
  }

 private:
  // std heaps are max-heaps: "later" as the comparison puts the earliest event on top.
  struct Later {
    bool operator()(const Key& a, const Key& b) const { return earlier(b, a); }
  };
  // Copies field by field: a block copy of a key the caller has just built field by field
  // would wait for those stores to reach memory (a failed store-to-load forward).
  static void append(std::vector<Key>& keys, Key key) {
    Key& k = keys.emplace_back();
    k.time = key.time;
    k.seq = key.seq;
    k.slot = key.slot;
  }
  // Few enough that every tail stays in cache: of 64 to 2048, 256 ran the hold benchmark fastest.
  static constexpr std::size_t BucketCount = 256;
  static constexpr std::size_t GrowAfterEmpty = 32;  // empty buckets scanned in one advance
  static constexpr std::size_t ShrinkAbove = 4096;   // keys found in one bucket

  bool soon_first() const {
    return !soon_.empty() && (run_.empty() || earlier(soon_.front(), run_[head_]));
  }
  void place(const Key& key);  // into the ring or the overflow, never the current bucket's run
  void advance();              // moves to the next non-empty bucket and sorts it into run_
  void load(std::vector<Key>& bucket);
  void migrate_far();
  void rebuild(int shift);
  std::int64_t width() const { return std::int64_t{1} << shift_; }

  std::vector<Key> run_;   // the current bucket, sorted; run_[head_] is next, empty when used up
  std::size_t head_ = 0;
  std::vector<Key> soon_;  // min-heap of keys pushed into the current bucket out of order
  std::vector<std::vector<Key>> buckets_;  // unsorted; buckets_[current_] is the one in run_
  std::vector<Key> far_;   // min-heap beyond the ring
  std::vector<std::uint32_t> counts_;  // scratch for sorting a bucket
  std::int64_t origin_ = 0;   // start time of the current bucket
  std::int64_t run_end_ = 0;  // origin_ + width(): keys before it belong to the current bucket
  std::size_t current_ = 0;
  int shift_ = 10;            // bucket width 2^shift ns
  std::size_t ring_count_ = 0;
  std::size_t size_ = 0;
};

}  // namespace wiresim
