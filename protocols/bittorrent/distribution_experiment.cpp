#include "protocols/bittorrent/distribution_experiment.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "protocols/bittorrent/distribution_plot.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim::bittorrent {
namespace {

std::string fixed(double value, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string percent(double gap) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", gap * 100);
  return buf;
}

bool within(const DistributionSweep& sweep, const DistributionPoint& point, const PointResult& r) {
  if (!r.error.empty()) return false;
  auto it = sweep.tolerance.find(point.mode);
  return it == sweep.tolerance.end() || std::abs(r.gap()) <= it->second;
}

std::string point_label(const DistributionPoint& p) {
  std::string s = "N=" + std::to_string(p.peers);
  if (is_uniform(p.peer_mix)) {
    s += " u=";
    s += rate_text(p.peer_mix.front().upload);
  } else {
    s += " mixed";
  }
  s += " ";
  s += to_string(p.mode);
  return s;
}

// One theory line per mode (client-server's does not depend on u) and one set of simulated
// points per (mode, u), for the points that share a file size and server upload; a mix of
// peer classes stands where a u would. A null result is a point still running.
std::vector<PlotSeries> plot_series(const std::vector<const DistributionPoint*>& points,
                                    const std::vector<const PointResult*>& results) {
  std::set<std::uint64_t> ns;
  std::vector<PeerMix> mixes;
  std::vector<DistributionMode> modes;
  for (const DistributionPoint* p : points) {
    ns.insert(p->peers);
    if (std::find(mixes.begin(), mixes.end(), p->peer_mix) == mixes.end()) mixes.push_back(p->peer_mix);
    if (std::find(modes.begin(), modes.end(), p->mode) == modes.end()) modes.push_back(p->mode);
  }
  const double lo = static_cast<double>(*ns.begin()), hi = static_cast<double>(*ns.rbegin());
  // Theory is drawn at every N along the axis (log-spaced), not only at the simulated ones.
  std::vector<std::uint64_t> grid;
  for (int k = 0; k <= 120; ++k) {
    const auto n = static_cast<std::uint64_t>(std::llround(lo * std::pow(hi / lo, k / 120.0)));
    if (grid.empty() || n != grid.back()) grid.push_back(n);
  }
  const DistributionPoint& base = *points.front();
  std::vector<PlotSeries> out;
  for (DistributionMode mode : modes) {
    const bool cs = mode == DistributionMode::ClientServer;
    for (std::size_t k = 0; k < (cs ? 1 : mixes.size()); ++k) {
      PlotSeries line;
      line.line = true;
      line.color = mode_color(to_string(mode), k);
      line.label = cs ? "D_cs theory" : "D_p2p theory, " + mix_label(mixes[k]);
      for (std::uint64_t n : grid) {
        DistributionPoint p = base;
        p.peers = n;
        p.peer_mix = mixes[k];
        const DistributionProblem problem = problem_of(p);
        line.points.emplace_back(static_cast<double>(n), (cs ? client_server_time(problem) : p2p_time(problem)).seconds);
      }
      // Ideal P2P and BitTorrent share the D_p2p line: draw it once per u.
      const bool drawn = std::any_of(out.begin(), out.end(), [&](const PlotSeries& s) { return s.line && s.label == line.label; });
      if (!drawn) out.push_back(std::move(line));
    }
  }
  for (DistributionMode mode : modes)
    for (std::size_t k = 0; k < mixes.size(); ++k) {
      // Client-server's points are the same for every u: one series of them.
      if (mode == DistributionMode::ClientServer && k > 0) continue;
      PlotSeries dots;
      dots.line = false;
      dots.color = mode_color(to_string(mode), k);
      dots.marker = mode_marker(to_string(mode));
      dots.label = std::string(to_string(mode)) + " simulated";
      if (mode != DistributionMode::ClientServer) dots.label += ", " + mix_label(mixes[k]);
      for (std::size_t i = 0; i < points.size(); ++i)
        if (points[i]->mode == mode && points[i]->peer_mix == mixes[k] && results[i] && results[i]->error.empty())
          dots.points.emplace_back(static_cast<double>(points[i]->peers), results[i]->simulated_s);
      if (!dots.points.empty()) out.push_back(std::move(dots));
    }
  return out;
}

// One plot per (file size, server upload): the x axis is N, the lines are per mode and u.
struct GroupPlot {
  std::string stem;  // file name without extension
  PlotOptions options;
  std::vector<PlotSeries> series;
};

std::vector<GroupPlot> group_plots(const DistributionSweep& sweep, const std::vector<PointResult>& results,
                                   const std::vector<char>& finished) {
  std::vector<std::pair<std::uint64_t, double>> groups;
  for (const DistributionPoint& p : sweep.points)
    if (std::find(groups.begin(), groups.end(), std::pair{p.file_bytes, p.server_upload}) == groups.end())
      groups.emplace_back(p.file_bytes, p.server_upload);
  std::vector<GroupPlot> out;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::vector<const DistributionPoint*> points;
    std::vector<const PointResult*> group_results;
    for (std::size_t i = 0; i < sweep.points.size(); ++i)
      if (std::pair{sweep.points[i].file_bytes, sweep.points[i].server_upload} == groups[g]) {
        points.push_back(&sweep.points[i]);
        group_results.push_back(finished[i] ? &results[i] : nullptr);
      }
    GroupPlot plot;
    const PeerMix& mix = points.front()->peer_mix;
    plot.options.title = sweep.title + ": F = " + bits_text(static_cast<double>(groups[g].first) * 8) +
                         ", us = " + rate_text(groups[g].second) +
                         (is_uniform(mix) ? ", d = " + rate_text(mix.front().download) : ", mixed peers (upload/download)");
    plot.options.log_x = sweep.log_x;
    plot.options.log_y = sweep.log_y;
    plot.series = plot_series(points, group_results);
    // A legend row per series: the canvas grows with them so the legend fits in a corner clear
    // of the curves instead of hiding points.
    plot.options.height = std::max(600, 380 + 36 * static_cast<int>(plot.series.size()));
    plot.stem = groups.size() == 1 ? sweep.output : sweep.output + "-" + std::to_string(g + 1);
    out.push_back(std::move(plot));
  }
  return out;
}

std::vector<Chart> charts_of(const std::vector<GroupPlot>& plots) {
  std::vector<Chart> charts;
  for (const GroupPlot& g : plots) {
    Chart c{g.options.title, g.options.x_label, g.options.y_label, g.options.log_x, g.options.log_y, {}};
    for (const PlotSeries& s : g.series)
      c.series.push_back({s.label, s.line, s.color, static_cast<int>(s.marker), s.points});
    charts.push_back(std::move(c));
  }
  return charts;
}

Result<std::string> write_file(const std::string& directory, const std::string& name, const std::string& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  const std::string path = (std::filesystem::path(directory) / name).string();
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    return Error{"cannot write " + path};
  return path;
}

}  // namespace

std::string sweep_csv(const DistributionSweep& sweep, const std::vector<PointResult>& results) {
  std::string csv =
      "N,u_bps,mode,theory_s,simulated_s,gap,bottleneck,us_bps,d_bps,F_bits,first_done_s,median_done_s,"
      "server_bytes,peer_bytes,wasted_bytes,events,class_done_s,error\n";
  for (std::size_t i = 0; i < sweep.points.size(); ++i) {
    const DistributionPoint& p = sweep.points[i];
    const PointResult& r = results[i];
    const DistributionProblem problem = problem_of(p);  // u: the peers' mean upload; d: dmin
    csv += std::to_string(p.peers) + "," + fixed(problem.peer_upload, 0) + "," + to_string(p.mode) + ",";
    csv += fixed(r.theory.seconds, 3) + "," + (r.error.empty() ? fixed(r.simulated_s, 3) : "") + ",";
    csv += (r.error.empty() ? fixed(r.gap(), 5) : "") + "," + r.theory.term + ",";
    csv += fixed(p.server_upload, 0) + "," + fixed(problem.min_download, 0) + "," + fixed(static_cast<double>(p.file_bytes) * 8, 0) + ",";
    csv += fixed(r.first_done_s, 3) + "," + fixed(r.median_done_s, 3) + ",";
    csv += std::to_string(r.server_bytes) + "," + std::to_string(r.peer_bytes) + "," + std::to_string(r.wasted_bytes) + ",";
    csv += std::to_string(r.events) + ",";
    for (std::size_t k = 0; k < r.class_done_s.size(); ++k) {
      if (k > 0) csv += ';';
      if (r.class_done_s[k] >= 0) csv += fixed(r.class_done_s[k], 3);
    }
    csv += "," + r.error + "\n";
  }
  return csv;
}

Result<ExperimentOutcome> run_sweep(const DistributionSweep& sweep, const ExperimentOptions& options) {
  const std::size_t total = sweep.points.size();
  std::vector<PointResult> results(total);
  // Each point is its own simulation with its own kernel: threads share nothing but the index.
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, total));
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex progress;
  std::vector<char> finished(total, 0);  // guarded by `progress`
  auto work = [&] {
    for (std::size_t i = next++; i < total; i = next++) {
      if (options.cancel && *options.cancel) return;
      PointResult r = run_flow_point(sweep.points[i]);
      std::lock_guard lock(progress);
      results[i] = std::move(r);
      finished[i] = 1;
      const std::size_t count = ++done;
      if (options.on_progress) options.on_progress(count, total);
      if (options.on_charts) options.on_charts(charts_of(group_plots(sweep, results, finished)));
    }
  };
  // The theory lines first: a view draws them before any simulation is done.
  if (options.on_charts) options.on_charts(charts_of(group_plots(sweep, results, finished)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  ExperimentOutcome outcome;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < total; ++i) {
    const DistributionPoint& p = sweep.points[i];
    const PointResult& r = results[i];
    const bool ok = within(sweep, p, r);
    std::string line = point_label(p);
    line.resize(std::max<std::size_t>(line.size(), 36), ' ');
    if (r.error.empty()) {
      line += "simulated " + fixed(r.simulated_s, 1) + " s   theory " + fixed(r.theory.seconds, 1) + " s (" +
              r.theory.term + ")   " + percent(r.gap());
      // Which class of a mix finished last, and how far behind the others.
      for (std::size_t k = 0; k < r.class_done_s.size(); ++k) {
        if (r.class_done_s[k] < 0) continue;
        line += k == 0 ? "   last of " : ", of ";
        line += class_who(p.peer_mix[k]);
        line += ": ";
        line += fixed(r.class_done_s[k], 0);
        line += " s";
      }
    } else {
      line += "did not finish: " + r.error;
    }
    if (auto it = sweep.tolerance.find(p.mode); it != sweep.tolerance.end())
      line += ok ? "   ok" : "   FAIL (allowed " + fixed(it->second * 100, 0) + "%)";
    outcome.table += line + "\n";
    if (!ok) outcome.failures.push_back(point_label(p) + ": " + (r.error.empty() ? percent(r.gap()) + " from theory" : r.error));
    nlohmann::ordered_json row;
    row["N"] = p.peers;
    row["u_bps"] = problem_of(p).peer_upload;
    row["mode"] = to_string(p.mode);
    row["theory_s"] = r.theory.seconds;
    row["bottleneck"] = r.theory.term;
    if (r.error.empty()) {
      row["simulated_s"] = r.simulated_s;
      row["gap"] = r.gap();
      if (!r.class_done_s.empty()) {
        nlohmann::ordered_json classes = nlohmann::ordered_json::array();
        for (double t : r.class_done_s) classes.push_back(t >= 0 ? nlohmann::ordered_json(t) : nullptr);  // null: no peer
        row["class_done_s"] = std::move(classes);
      }
    } else {
      row["error"] = r.error;
    }
    row["passed"] = ok;
    rows.push_back(std::move(row));
  }
  outcome.report["points"] = std::move(rows);

  if (options.cancel && *options.cancel) return Error{"cancelled"};
  if (!options.write_files) return outcome;
  auto csv = write_file(options.out_directory, sweep.output + ".csv", sweep_csv(sweep, results));
  if (!csv) return Error{csv.error()};
  outcome.files.push_back(*csv);
  for (const GroupPlot& g : group_plots(sweep, results, finished)) {  // every point is finished here
    for (auto [ext, bytes] : {std::pair{".svg", plot_svg(g.series, g.options)}, std::pair{".png", plot_png(g.series, g.options)}}) {
      if (!bytes) return Error{bytes.error()};
      auto path = write_file(options.out_directory, g.stem + ext, *bytes);
      if (!path) return Error{path.error()};
      outcome.files.push_back(*path);
    }
  }
  return outcome;
}

namespace {

class DistributionExperiment : public Experiment {
 public:
  explicit DistributionExperiment(DistributionSweep sweep) : sweep_(std::move(sweep)) {}
  std::string describe() const override { return counted(sweep_.points.size(), "simulation") + " at flow level"; }
  Result<ExperimentOutcome> run(const ExperimentOptions& options) override { return run_sweep(sweep_, options); }

 private:
  DistributionSweep sweep_;
};

// A required rate or list of rates, such as "30Mbps" or ["300kbps", "2Mbps"].
std::vector<double> rates(TableReader& r, std::string_view key) {
  const auto texts = r.string_list(key);
  std::vector<double> out;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto rate = parse_rate(texts[i]);
    if (!rate) r.fail_element(key, i, rate.error());
    out.push_back(static_cast<double>(rate->bits_per_second));
  }
  return out;
}

}  // namespace

std::unique_ptr<Experiment> make_distribution_experiment(ExperimentContext& context) {
  TableReader& r = context.table;
  DistributionSweep sweep;
  sweep.title = context.world.info.name;
  std::vector<std::uint64_t> files;
  const auto file_texts = r.string_list("file");
  for (std::size_t i = 0; i < file_texts.size(); ++i) {
    auto bits = parse_bits(file_texts[i]);
    if (!bits) r.fail_element("file", i, bits.error() + " (a file size such as \"15Gbit\" or \"100MB\")");
    if (*bits < 8) r.fail_element("file", i, "the file must hold at least one byte");
    files.push_back(static_cast<std::uint64_t>(std::ceil(*bits / 8)));
  }
  const std::uint64_t piece_length = r.bytes_or("piece_length", 4 * 1024 * 1024);
  if (piece_length < 1024 || piece_length > (1u << 30)) r.fail("piece_length", "'piece_length' must be from 1KiB to 1GiB");
  const auto server_uploads = rates(r, "server_upload");
  // The peers: all alike (one d, and a u or a list of u to sweep), or one mix of classes.
  std::vector<PeerMix> mixes;
  if (r.has("peer_classes")) {
    for (const char* key : {"download", "peer_upload"})
      if (r.has(key))
        r.fail(key, "give the peers' rates either as 'download' and 'peer_upload' or as 'peer_classes', not both");
    const auto texts = r.string_list("peer_classes");
    PeerMix mix;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto c = parse_peer_class(texts[i]);
      if (!c) r.fail_element("peer_classes", i, c.error());
      mix.push_back(*c);
    }
    if (auto why = check_mix(mix)) r.fail("peer_classes", *why);
    mixes.push_back(std::move(mix));
  } else {
    if (!r.has("download") && !r.has("peer_upload"))
      r.fail_table("the peers need rates: 'download' and 'peer_upload' (every peer alike), or 'peer_classes' such as "
                   "[\"20%:300kbps/2Mbps\", \"rest:2Mbps/10Mbps\"]");
    const auto downloads = rates(r, "download");
    if (downloads.size() != 1) r.fail("download", "give one download rate d (every peer has the same; 'peer_classes' mixes them)");
    for (double u : rates(r, "peer_upload")) mixes.push_back(uniform_peers(u, downloads.front()));
  }
  const auto peers = r.integer_list("peers", 1, 100'000);
  for (std::size_t i = 0; i < peers.size(); ++i)
    for (const PeerMix& mix : mixes)
      if (auto why = check_mix_fits(mix, static_cast<std::uint64_t>(peers[i]))) r.fail_element("peers", i, *why);
  std::vector<DistributionMode> modes;
  const auto mode_texts = r.string_list_or("modes", {"client-server", "p2p-ideal", "bittorrent"});
  for (std::size_t i = 0; i < mode_texts.size(); ++i) {
    auto m = parse_distribution_mode(mode_texts[i]);
    if (!m) r.fail_element("modes", i, "unknown mode \"" + mode_texts[i] + "\"; the modes are client-server, p2p-ideal and bittorrent");
    modes.push_back(*m);
  }
  r.choice("fidelity", {"flow"}, "flow");
  const Duration latency = r.duration_or("latency", milliseconds(10));
  const auto max_connections = static_cast<std::uint32_t>(r.integer_or("max_connections", 1, 1000, 30));
  const bool seed_after = r.boolean_or("seed_after_completion", true);
  sweep.output = r.string_or("output", "distribution");
  if (sweep.output.empty() || sweep.output.find('/') != std::string::npos)
    r.fail("output", "'output' is a file name without a directory (use --out DIR for the directory)");
  const std::string axes = r.choice("axes", {"log", "linear", "log-x", "log-y"}, "log");
  sweep.log_x = axes == "log" || axes == "log-x";
  sweep.log_y = axes == "log" || axes == "log-y";
  if (auto t = r.subtable("tolerance")) {
    for (const std::string& key : t->keys()) {
      auto m = parse_distribution_mode(key);
      if (!m) t->fail(key, "unknown mode \"" + key + "\"; the modes are client-server, p2p-ideal and bittorrent");
      const double share = t->probability_or(key, 0);
      sweep.tolerance[*m] = share;
    }
  }
  const std::pair<const char*, std::size_t> lists[] = {{"file", files.size()},
                                                       {"server_upload", server_uploads.size()},
                                                       {"peer_upload", mixes.size()},
                                                       {"peers", peers.size()},
                                                       {"modes", modes.size()}};
  for (const auto& [key, size] : lists)
    if (size == 0) r.fail(key, "'" + std::string(key) + "' is empty: give at least one value, or the sweep has nothing to run");
  const std::uint64_t total = files.size() * server_uploads.size() * mixes.size() * peers.size() * modes.size();
  if (total > 10'000) r.fail_table("the sweep has " + std::to_string(total) + " simulations; keep it under 10,000");
  for (std::uint64_t f : files)
    for (double us : server_uploads)
      for (const PeerMix& mix : mixes)
        for (DistributionMode mode : modes) {
          // Client-server does not depend on u; it is simulated for every u all the same, so
          // that each row of the CSV is a complete case of the textbook's chart.
          for (std::int64_t n : peers) {
            DistributionPoint p;
            p.mode = mode;
            p.peers = static_cast<std::uint64_t>(n);
            p.file_bytes = f;
            p.piece_length = static_cast<std::uint32_t>(piece_length);
            p.server_upload = us;
            p.peer_mix = mix;
            p.latency = latency;
            p.seed = context.world.info.seed;
            p.max_connections = max_connections;
            p.seed_after_completion = seed_after;
            sweep.points.push_back(p);
          }
        }
  return std::make_unique<DistributionExperiment>(std::move(sweep));
}

}  // namespace wiresim::bittorrent
