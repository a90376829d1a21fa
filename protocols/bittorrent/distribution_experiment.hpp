// The [distribution] section: the textbook's distribution-time experiment as a sweep. Every
// combination of file size, server upload, peer upload, N and mode is one simulation; the
// simulations run in parallel, then the run writes a CSV, an SVG and a PNG plot of time vs N
// (theory lines, simulated points) and checks each point against its bound.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "protocols/bittorrent/distribution_point.hpp"
#include "sim/scenario/experiment.hpp"

namespace wiresim::bittorrent {

struct DistributionSweep {
  std::string title;
  std::vector<DistributionPoint> points;  // in output order
  std::string output = "distribution";    // file names: <output>.csv, .svg, .png
  bool log_x = true, log_y = true;
  // The allowed |simulated / theory - 1| per mode; a point beyond it fails the run.
  std::map<DistributionMode, double> tolerance;
};

// Runs every point (in parallel, `threads` at once; 0: one per core) and writes the files.
Result<ExperimentOutcome> run_sweep(const DistributionSweep& sweep, const ExperimentOptions& options);

// The CSV: N,u_bps,mode,theory_s,simulated_s, then the details. One row per point.
std::string sweep_csv(const DistributionSweep& sweep, const std::vector<PointResult>& results);

// Reads a [distribution] table.
std::unique_ptr<Experiment> make_distribution_experiment(ExperimentContext& context);

}  // namespace wiresim::bittorrent
