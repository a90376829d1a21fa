// A one-line progress bar on stderr, shown only on a terminal and only once a run has taken
// more than a second of wall-clock time (the simulator itself never reads the wall clock).
#pragma once

#include <chrono>
#include <optional>

#include "sim/core/time.hpp"

namespace wiresim::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  void update(Time now, std::optional<Time> end);
  void finish();  // clears the line, so what follows starts clean

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_, last_draw_;
};

}  // namespace wiresim::cli
