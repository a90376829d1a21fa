#include "sim/scenario/runner.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sim/trace/jsonl_writer.hpp"
#include "sim/trace/pcap_writer.hpp"
#include "sim/trace/transcript.hpp"

namespace wiresim {

bool RunResult::all_passed() const {
  return std::all_of(expectations.begin(), expectations.end(), [](const auto& e) { return e.verdict.passed; });
}

Result<RunResult> run_world(World& world, const RunOptions& options) {
  Simulator& sim = world.sim;
  RunResult result;

  std::unique_ptr<CaptureSet> captures;
  if (!options.pcap_directory.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.pcap_directory, ec);
    if (ec) return Error{"cannot create " + options.pcap_directory + ": " + ec.message()};
    auto c = CaptureSet::open(world.net, world.capture_points, options.pcap_directory);
    if (!c) return Error{c.error()};
    captures = std::move(*c);
    result.pcap_files = captures->paths();
    std::sort(result.pcap_files.begin(), result.pcap_files.end());
  }
  std::unique_ptr<JsonlWriter> trace;
  if (!options.trace_path.empty()) {
    auto t = JsonlWriter::open(sim, options.trace_path);
    if (!t) return Error{t.error()};
    trace = std::move(*t);
  }
  std::optional<TranscriptWriter> transcript;
  if (options.transcript) transcript.emplace(sim, *options.transcript, false, options.transcript_layers);

  const std::optional<Duration> duration = options.until ? options.until : world.info.duration;
  const Time limit = Time{} + duration.value_or(MaxOpenEndedRun);
  const std::optional<Time> end = duration ? std::optional<Time>(limit) : std::nullopt;
  const Duration slice{std::max<std::int64_t>(limit.ns / 500, 1'000'000)};
  // Runs in slices of simulated time so the caller can show progress; the clock only moves
  // with events here, so an open-ended run ends at its last event.
  for (auto next = sim.next_time(); next && *next <= limit; next = sim.next_time()) {
    const Time slice_end = std::min(limit, *next + slice);
    while (next && *next <= slice_end) {
      sim.step();
      next = sim.next_time();
    }
    if (options.on_progress) options.on_progress(sim.now(), end);
  }
  // A run with a duration ends exactly there; an open-ended one ends with its last event.
  if (duration) sim.run_until(limit);
  result.end = sim.now();
  result.events = sim.events_run();

  for (const auto& placed : world.expectations)
    result.expectations.push_back({placed.where, placed.expectation->describe(), placed.expectation->check(world)});

  if (captures) captures->flush();
  if (trace) trace->flush();
  if (!options.report_path.empty()) {
    std::ofstream out(options.report_path, std::ios::binary);
    if (!out) return Error{"cannot write " + options.report_path + ": " + std::strerror(errno)};
    out << report_json(world, result) << '\n';
  }
  return result;
}

}  // namespace wiresim
