// Runs a loaded World with the outputs a user asked for (pcap, JSONL trace, transcript,
// report), then checks its expectations.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "sim/core/result.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim {

// Without a duration, a run stops when nothing is left to do, or at this bound.
inline constexpr Duration MaxOpenEndedRun = seconds(3600);

struct RunOptions {
  std::optional<Duration> until;  // overrides the scenario's duration
  std::string pcap_directory;     // "" = no captures
  std::string trace_path;         // "" = no JSONL trace
  std::string report_path;        // "" = no JSON report
  std::ostream* transcript = nullptr;
  std::set<std::string> transcript_layers;  // only these layers in the transcript; empty: all
  // Called now and then with the simulated time reached and the end, when known.
  std::function<void(Time now, std::optional<Time> end)> on_progress;
};

struct ExpectationOutcome {
  std::string where;
  std::string description;
  Verdict verdict;
};

struct RunResult {
  Time end;
  std::uint64_t events = 0;
  std::vector<ExpectationOutcome> expectations;
  std::vector<std::string> pcap_files;
  bool all_passed() const;
};

Result<RunResult> run_world(World& world, const RunOptions& options);

// The JSON report: scenario, per connection, per link, per node, expectations.
std::string report_json(const World& world, const RunResult& result);

}  // namespace wiresim
