// An experiment (a [distribution] sweep) running in the background while the view draws its
// chart: theory lines at once, simulated points as each simulation finishes.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/scenario/experiment.hpp"

namespace wiresim {
class World;
}

namespace wiresim::viz {

class DistributionRun {
 public:
  explicit DistributionRun(std::unique_ptr<World> world);
  ~DistributionRun();  // stops starting simulations and waits for the running ones

  void poll();  // takes the latest charts from the sweep's thread
  bool finished() const { return finished_; }
  const std::vector<Chart>& charts() const { return charts_; }
  std::size_t done() const { return done_; }
  std::size_t total() const { return total_; }
  const std::string& description() const { return description_; }
  const std::string& error() const { return error_; }

 private:
  std::unique_ptr<World> world_;
  std::string description_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Chart> latest_;  // guarded by mutex_
  bool fresh_ = false;         // guarded by mutex_
  std::string error_;
  std::vector<Chart> charts_;  // the view's copy
  std::atomic<std::size_t> done_{0}, total_{0};
  std::atomic<bool> finished_{false}, cancel_{false};
};

}  // namespace wiresim::viz
