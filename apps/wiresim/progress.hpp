// A one-line progress bar on stderr, shown only on a terminal and only once a run has taken
// more than a second of wall-clock time (the simulator itself never reads the wall clock).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "sim/core/time.hpp"

namespace wiresim::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  void update(Time now, std::optional<Time> end);
  // For a sweep: `done` of `total` simulations finished.
  void update_count(std::size_t done, std::size_t total);
  void finish();  // clears the line, so what follows starts clean

 private:
  bool enabled_;
  bool due();  // enabled, a second into the run, and 100 ms since the last draw
  void draw_bar(double fraction, const char* detail);

  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_, last_draw_;
};

}  // namespace wiresim::cli
