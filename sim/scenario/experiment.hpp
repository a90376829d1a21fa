// An experiment: a scenario section that runs many simulations instead of one world, such as
// the distribution-time sweep ([distribution]). The section is read and checked at load time,
// like an [[app]], and run by `wiresim run` in place of the (empty) world.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/result.hpp"

namespace wiresim {

class World;
class TableReader;

// A chart of an experiment's results, for the desktop view to draw while the experiment runs.
struct ChartSeries {
  std::string label;
  bool line = true;        // a polyline (theory) or markers (simulated points)
  std::uint32_t color = 0; // 0xRRGGBB
  int marker = 0;          // 0 circle, 1 square, 2 triangle
  std::vector<std::pair<double, double>> points;
};
struct Chart {
  std::string title, x_label, y_label;
  bool log_x = false, log_y = false;
  std::vector<ChartSeries> series;
};

struct ExperimentOptions {
  std::string out_directory = ".";  // where the CSV and plots go
  unsigned threads = 0;             // simulations at once; 0: one per core
  // Called from the running thread after each simulation: (finished, total).
  std::function<void(std::size_t done, std::size_t total)> on_progress;
  // Called like on_progress, with the charts of the results so far (theory complete, points
  // filling in).
  std::function<void(const std::vector<Chart>& charts)> on_charts;
  bool write_files = true;  // the desktop view only draws
  // Set by another thread to stop starting new simulations (those running finish).
  const std::atomic<bool>* cancel = nullptr;
};

struct ExperimentOutcome {
  std::string table;                    // what the terminal shows: one line per simulation
  std::vector<std::string> files;       // written, in order
  std::vector<std::string> failures;    // checks that failed ("N=100 bittorrent: 31% over D_p2p")
  nlohmann::ordered_json report;        // the same numbers for --report
};

class Experiment {
 public:
  virtual ~Experiment() = default;
  virtual std::string describe() const = 0;  // "27 simulations: 3 modes x 3 u x 3 N, flow level"
  virtual Result<ExperimentOutcome> run(const ExperimentOptions& options) = 0;
};

struct ExperimentContext {
  World& world;
  TableReader& table;
};

}  // namespace wiresim
