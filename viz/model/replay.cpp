#include "viz/model/replay.hpp"

namespace wiresim::viz {

Result<bool> Replay::seek(Time t) {
  if (!world_ || t < world_->sim.now()) {
    auto loaded = load_scenario_file(path_, options_);
    if (!loaded) return Error{loaded.error()};
    if (world_) ++reloads_;
    world_ = std::move(*loaded);
  }
  world_->sim.run_until(t);
  return true;
}

Time Replay::now() const { return world_ ? world_->sim.now() : Time{}; }

}  // namespace wiresim::viz
