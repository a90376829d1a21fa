// Bytes per second over a sliding window (Cohen 2003, 3.1: "a rolling 20-second average"),
// kept in five buckets of a fifth of the window each, so a connection pays a few words for it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "sim/core/time.hpp"

namespace wiresim::bittorrent {

class RateMeter {
 public:
  static constexpr std::int64_t Buckets = 5;

  // `now` cut into buckets of a window, once for all the meters a choking round reads (two
  // 64-bit divisions each, otherwise).
  struct Clock {
    Clock(Time now, Duration window) : now(now), width(RateMeter::width(window)), epoch(now.ns / width) {}
    Time now;
    std::int64_t width;
    std::int64_t epoch;
  };

  void add(Time now, std::uint64_t bytes, Duration window) {
    const std::int64_t epoch = now.ns / width(window);
    advance(epoch);
    bytes_[static_cast<std::size_t>(epoch % Buckets)] += bytes;
  }

  // True when bytes added no later than `last_add` are all out of the window at `clock`: the
  // rate is then 0, without reading the buckets. (A whole window after the last add, the
  // current bucket is at least Buckets past the last one added to.)
  static bool empty_at(const Clock& clock, Time last_add) {
    return clock.now.ns - last_add.ns >= Buckets * clock.width;
  }

  // Bytes per second counted from the start of the oldest bucket still in the window, or from
  // `since` (when the connection began) if that is later; at least one second, so that a few
  // bytes in the first instant do not look like a fast peer.
  double rate(Time now, Time since, Duration window) const { return rate(Clock(now, window), since); }
  double rate(const Clock& clock, Time since) const {
    const std::int64_t epoch = clock.epoch;
    const std::int64_t oldest = std::max(epoch - Buckets + 1, last_epoch_ - Buckets + 1);
    std::uint64_t sum = 0;
    const std::int64_t first = std::max<std::int64_t>(oldest, 0);
    if (last_epoch_ - first + 1 >= Buckets) {
      for (std::uint64_t b : bytes_) sum += b;  // the whole window: every bucket
    } else {
      for (std::int64_t e = first; e <= last_epoch_; ++e) sum += bytes_[static_cast<std::size_t>(e % Buckets)];
    }
    const std::int64_t from = std::max((epoch - Buckets + 1) * clock.width, since.ns);
    const std::int64_t span = std::max<std::int64_t>(clock.now.ns - from, 1'000'000'000);
    return static_cast<double>(sum) * 1e9 / static_cast<double>(span);
  }

 private:
  static std::int64_t width(Duration window) { return std::max<std::int64_t>(window.ns / Buckets, 1); }

  // Empties the buckets that fell out of the window since the last add.
  void advance(std::int64_t epoch) {
    if (epoch <= last_epoch_) return;
    for (std::int64_t e = std::max(last_epoch_ + 1, epoch - Buckets + 1); e <= epoch; ++e)
      bytes_[static_cast<std::size_t>(e % Buckets)] = 0;
    last_epoch_ = epoch;
  }

  std::array<std::uint64_t, Buckets> bytes_{};
  std::int64_t last_epoch_ = 0;
};

}  // namespace wiresim::bittorrent
