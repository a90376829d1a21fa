// The world itself at any instant of the run, for the state panels: loaded fresh from the
// scenario and run forward to the instant. Going back means loading it again: same scenario,
// same seed, same run (decision 1), so the state shown at t is exactly the state the run had.
#pragma once

#include <memory>
#include <string>

#include "sim/core/result.hpp"
#include "sim/scenario/loader.hpp"

namespace wiresim::viz {

class Replay {
 public:
  Replay(std::string path, LoadOptions options) : path_(std::move(path)), options_(options) {}

  // Runs every event at or before `t`; reloads first when `t` is behind the world's clock.
  Result<bool> seek(Time t);
  // Null until the first seek.
  const World* world() const { return world_.get(); }
  Time now() const;
  int reloads() const { return reloads_; }  // how often it went back (for tests)

 private:
  std::string path_;
  LoadOptions options_;
  std::unique_ptr<World> world_;
  int reloads_ = 0;
};

}  // namespace wiresim::viz
