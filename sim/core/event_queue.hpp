// The pending-event set, ordered by (time, sequence number). A two-tier calendar queue:
// the current bucket's events sit in a small binary heap, later ones in a ring of unsorted
// buckets, and the far future in an overflow heap. Bucket width adapts to how dense the
// events are, so both one-event chains and 100,000-event holds stay O(1) per event.
// The order never depends on the width: every event in the heap precedes every event in a
// bucket, which precedes every event in the overflow.
#pragma once

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

  EventQueue();
  void push(const Key& key);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const Key& top();  // precondition: !empty()
  void pop();        // removes top()
  // Counts refills of the current bucket, and shows its keys: lets the owner prefetch what
  // those events will touch before they run.
  std::uint64_t refills() const { return refills_; }
  const std::vector<Key>& current_bucket() const { return near_; }

 private:
  static constexpr std::size_t BucketCount = 16384;
  static constexpr std::size_t GrowAfterEmpty = 32;  // empty buckets scanned in one advance
  static constexpr std::size_t ShrinkAbove = 128;    // keys found in one bucket

  void place(const Key& key);
  void advance();  // refills the near heap from the next non-empty bucket or the overflow
  void migrate_far();
  void rebuild(int shift);
  std::int64_t width() const { return std::int64_t{1} << shift_; }

  std::vector<Key> near_;  // min-heap of the current bucket
  std::vector<std::vector<Key>> buckets_;
  std::vector<Key> far_;   // min-heap beyond the ring
  std::int64_t origin_ = 0;  // start time of the current bucket
  std::size_t current_ = 0;
  int shift_ = 10;           // bucket width 2^shift ns
  std::size_t wheel_count_ = 0;
  std::size_t size_ = 0;
  std::uint64_t refills_ = 0;
};

}  // namespace wiresim
