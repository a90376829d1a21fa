#include "sim/core/event_queue.hpp"

#include <cassert>
#include <limits>

namespace wiresim {
namespace {

constexpr int MaxShift = 40;        // widest bucket: 2^40 ns, about 18 minutes
constexpr std::size_t DirectSort = 16;  // buckets up to this size skip the counting sort
// A bucket keeps its room for the next turn, unless it is past this: thousands of events at one
// instant (a p2p-ideal run of 100,000 peers has 300,000) would otherwise leave every one of the
// 256 buckets that room, 1.2 GB, as the instant moves round the ring.
constexpr std::size_t MaxKeptRoom = 2 * 4096;

void empty_bucket(std::vector<EventQueue::Key>& bucket) {
  if (bucket.capacity() > MaxKeptRoom) std::vector<EventQueue::Key>().swap(bucket);
  else bucket.clear();
}

}  // namespace

EventQueue::EventQueue() : buckets_(BucketCount) { run_end_ = origin_ + width(); }

void EventQueue::place(const Key& key) {
  const std::uint64_t offset = static_cast<std::uint64_t>(key.time - origin_) >> shift_;
  if (offset < BucketCount) {
    append(buckets_[(current_ + offset) & (BucketCount - 1)], key);
    ++ring_count_;
  } else {
    far_.push_back(key);
    std::push_heap(far_.begin(), far_.end(), Later{});
  }
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

void EventQueue::load(std::vector<Key>& bucket) {
  const std::size_t n = bucket.size();
  head_ = 0;
  if (n <= DirectSort) {
    run_.swap(bucket);
    empty_bucket(bucket);
    return std::sort(run_.begin(), run_.end(), earlier);
  }
  // A counting sort by time spreads the bucket over about one sub-bucket per key, reading and
  // writing memory in order. A key then sits at most a few places from where it belongs, inside
  // its sub-bucket, and insertion sort finishes in about linear time. Many keys packed into one
  // sub-bucket could make that quadratic, so past a budget of moves std::sort takes over.
  int bits = 1;
  while ((std::size_t{1} << bits) < n && bits < 12) ++bits;
  bits = std::min(bits, shift_);
  const int sub_shift = shift_ - bits;
  auto sub_bucket = [&](const Key& k) { return static_cast<std::uint64_t>(k.time - origin_) >> sub_shift; };
  counts_.assign((std::size_t{1} << bits) + 1, 0);
  for (const Key& k : bucket) ++counts_[sub_bucket(k) + 1];
  for (std::size_t i = 1; i < counts_.size(); ++i) counts_[i] += counts_[i - 1];
  run_.resize(n);
  for (const Key& k : bucket) run_[counts_[sub_bucket(k)]++] = k;
  empty_bucket(bucket);
  std::size_t moves = 0;
  for (std::size_t i = 1; i < n; ++i) {
    if (!earlier(run_[i], run_[i - 1])) continue;
    const Key k = run_[i];
    std::size_t j = i;
    do {
      run_[j] = run_[j - 1];
      --j;
    } while (j > 0 && earlier(k, run_[j - 1]));
    run_[j] = k;
    moves += i - j;
    if (moves > 4 * n) return std::sort(run_.begin(), run_.end(), earlier);
  }
}

void EventQueue::advance() {
  assert(run_.empty() && soon_.empty() && size_ > 0);
  if (ring_count_ == 0) {
    // Nothing in the ring: jump to just before the bucket of the overflow's earliest event.
    origin_ = (far_.front().time & ~(width() - 1)) - width();
  }
  std::size_t scanned = 0;
  for (;;) {
    current_ = (current_ + 1) & (BucketCount - 1);
    origin_ += width();
    run_end_ = origin_ + width();
    migrate_far();
    std::vector<Key>& bucket = buckets_[current_];
    if (bucket.empty()) {
      ++scanned;
      continue;
    }
    ring_count_ -= bucket.size();
    load(bucket);
    // Too many in one bucket: halve the width, unless they share (nearly) one instant and no
    // width would split them. Too many empty buckets, or too much left beyond the ring while
    // buckets are small: double it.
    const bool crowded = run_.size() > ShrinkAbove;
    if (crowded && shift_ > 0 && run_.back().time - run_.front().time > width() / 2) {
      rebuild(shift_ - 1);
    } else if (shift_ < MaxShift && (scanned > GrowAfterEmpty || (far_.size() > 32 && far_.size() > ring_count_ / 32 &&
                                                                     run_.size() < ShrinkAbove / 4))) {
      rebuild(shift_ + 1);
    }
    return;
  }
}

void EventQueue::rebuild(int shift) {
  std::vector<Key> all(run_.begin() + static_cast<std::ptrdiff_t>(head_), run_.end());
  all.insert(all.end(), soon_.begin(), soon_.end());
  run_.clear();
  soon_.clear();
  for (auto& b : buckets_) {
    all.insert(all.end(), b.begin(), b.end());
    b.clear();
  }
  ring_count_ = 0;
  shift_ = shift;
  std::int64_t earliest = far_.empty() ? std::numeric_limits<std::int64_t>::max() : far_.front().time;
  for (const Key& k : all) earliest = std::min(earliest, k.time);
  origin_ = earliest & ~(width() - 1);
  run_end_ = origin_ + width();
  current_ = 0;
  for (const Key& k : all) place(k);
  migrate_far();
  ring_count_ -= buckets_[current_].size();
  load(buckets_[current_]);
}

}  // namespace wiresim
