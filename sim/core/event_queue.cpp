#include "sim/core/event_queue.hpp"

#include <algorithm>
#include <cassert>

namespace wiresim {
namespace {

// std heaps are max-heaps: "later" as the comparison puts the earliest event on top.
struct Later {
  bool operator()(const EventQueue::Key& a, const EventQueue::Key& b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};

}  // namespace

EventQueue::EventQueue() : buckets_(BucketCount) {}

void EventQueue::place(const Key& key) {
  if (key.time < origin_ + width()) {
    near_.push_back(key);
    if (near_.size() > 1) std::push_heap(near_.begin(), near_.end(), Later{});
    return;
  }
  const std::uint64_t offset = static_cast<std::uint64_t>(key.time - origin_) >> shift_;
  if (offset < BucketCount) {
    buckets_[(current_ + offset) & (BucketCount - 1)].push_back(key);
    ++wheel_count_;
  } else {
    far_.push_back(key);
    std::push_heap(far_.begin(), far_.end(), Later{});
  }
}

void EventQueue::push(const Key& key) {
  ++size_;
  place(key);
}

void EventQueue::migrate_far() {
  const std::int64_t window_end = origin_ + static_cast<std::int64_t>(BucketCount) * width();
  while (!far_.empty() && far_.front().time < window_end) {
    std::pop_heap(far_.begin(), far_.end(), Later{});
    const Key k = far_.back();
    far_.pop_back();
    place(k);
  }
}

void EventQueue::advance() {
  assert(near_.empty() && size_ > 0);
  if (wheel_count_ == 0) {
    // Nothing in the ring: jump straight to the overflow's earliest event.
    origin_ = far_.front().time & ~(width() - 1);
    current_ = 0;
    migrate_far();
    if (!near_.empty()) return;
  }
  std::size_t scanned = 0;
  for (;;) {
    current_ = (current_ + 1) & (BucketCount - 1);
    origin_ += width();
    migrate_far();
    std::vector<Key>& bucket = buckets_[current_];
    if (!bucket.empty()) {
      wheel_count_ -= bucket.size();
      near_.swap(bucket);
      std::make_heap(near_.begin(), near_.end(), Later{});
      ++refills_;
      // Too many in one bucket: halve the width, unless they share (nearly) one instant and
      // no width would split them.
      if (near_.size() > ShrinkAbove && shift_ > 0) {
        std::int64_t latest = near_.front().time;
        for (const Key& k : near_) latest = std::max(latest, k.time);
        if (latest - near_.front().time > width() / 2) return rebuild(shift_ - 1);
      }
      if (scanned > GrowAfterEmpty && shift_ < 40) rebuild(shift_ + 1);
      else if (scanned > GrowAfterEmpty && shift_ < 40) rebuild(shift_ + 1);
      return;
    }
    if (!near_.empty()) return;  // migrate_far() may have fed the current bucket
    ++scanned;
  }
}

void EventQueue::rebuild(int shift) {
  std::vector<Key> all;
  all.reserve(near_.size() + wheel_count_);
  all.insert(all.end(), near_.begin(), near_.end());
  near_.clear();
  for (auto& b : buckets_) {
    all.insert(all.end(), b.begin(), b.end());
    b.clear();
  }
  wheel_count_ = 0;
  shift_ = shift;
  std::int64_t earliest = far_.empty() ? origin_ : far_.front().time;
  for (const Key& k : all) earliest = std::min(earliest, k.time);
  origin_ = earliest & ~(width() - 1);
  current_ = 0;
  for (const Key& k : all) place(k);
  migrate_far();
}

const EventQueue::Key& EventQueue::top() {
  if (near_.empty()) advance();
  return near_.front();
}

void EventQueue::pop() {
  if (near_.empty()) advance();
  if (near_.size() > 1) std::pop_heap(near_.begin(), near_.end(), Later{});
  near_.pop_back();
  --size_;
}

}  // namespace wiresim
