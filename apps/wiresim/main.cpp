// The wiresim command: run, check and list scenarios, and serve a node's servers to real clients.
// Exit codes: 0 success, 1 scenario or run error, 2 usage error, 3 an expectation failed.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/wiresim/loopback.hpp"
#include "apps/wiresim/progress.hpp"
#include "protocols/bittorrent/theory.hpp"
#include "sim/core/suggest.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/runner.hpp"
#ifdef WIRESIM_VIEW
#include "viz/gui/view_app.hpp"
#endif

#ifndef WIRESIM_SCENARIO_DIR
#define WIRESIM_SCENARIO_DIR "scenarios"
#endif

namespace {

using namespace wiresim;

constexpr int ExitOk = 0, ExitScenarioError = 1, ExitUsage = 2, ExitExpectationFailed = 3;

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string until, pcap, trace, report;
  bool transcript = false, quiet = false;
  std::vector<std::string> layers;
  std::string out = ".";
  unsigned jobs = 0;
};

void print_summary(const World& world, const RunResult& result) {
  std::cout << "scenario  " << world.info.name << " (seed " << world.info.seed << ")\n";
  std::cout << "ran       " << format_time(result.end) << " s simulated, " << result.events << " events\n";
  for (NodeId id = 0; id < world.net.node_count(); ++id) {
    for (const auto& c : world.stack(id).tcp.connections()) {
      if (c->stats().bytes_sent == 0) continue;  // list each transfer once, from its sender
      const auto& s = c->stats();
      std::cout << "tcp       " << world.net.node(id).name() << " " << c->name() << "  " << s.bytes_sent
                << " bytes acked, " << counted(s.retransmissions, "retransmission") << " ("
                << counted(s.timeouts, "timeout") << ", " << s.fast_retransmits << " fast), max cwnd " << s.max_cwnd
                << ", final cwnd " << c->cwnd() << "\n";
    }
  }
  for (LinkId id = 0; id < world.net.link_count(); ++id) {
    const Link& l = world.net.link(id);
    std::uint64_t drops = 0;
    for (int side = 0; side < 2; ++side)
      drops += l.stats(side).drops();
    if (drops) std::cout << "drops     " << l.name() << ": " << counted(drops, "packet") << "\n";
  }
  for (const auto& f : result.pcap_files) std::cout << "capture   " << f << "\n";
}

// A scenario that is an experiment ([distribution]) runs its simulations and writes its files.
int run_experiment(World& world, const RunArgs& args) {
  ExperimentOptions options;
  options.out_directory = args.out;
  options.threads = args.jobs;
  cli::ProgressBar progress(!args.quiet);
  options.on_progress = [&progress](std::size_t done, std::size_t total) { progress.update_count(done, total); };
  if (!args.quiet)
    std::cout << "scenario  " << world.info.name << " (seed " << world.info.seed << ")\n"
              << "running   " << world.experiment->describe() << "\n";
  auto outcome = world.experiment->run(options);
  progress.finish();
  if (!outcome) {
    std::cerr << "wiresim: " << outcome.error() << "\n";
    return ExitScenarioError;
  }
  std::cout << outcome->table;
  if (!args.quiet)
    for (const auto& f : outcome->files) std::cout << "wrote     " << f << "\n";
  if (!args.report.empty()) {
    nlohmann::ordered_json report;
    report["scenario"] = {{"name", world.info.name}, {"file", world.info.file}, {"seed", world.info.seed}};
    report["experiment"] = outcome->report;
    std::ofstream out(args.report);
    if (!(out << report.dump(2) << "\n")) {
      std::cerr << "wiresim: cannot write " << args.report << "\n";
      return ExitScenarioError;
    }
  }
  for (const auto& f : outcome->failures) std::cout << "FAIL  " << f << "\n";
  return outcome->failures.empty() ? ExitOk : ExitExpectationFailed;
}

int run_command(const RunArgs& args) {
  LoadOptions load;
  load.seed = args.seed;
  RunOptions options;
  if (!args.until.empty()) {
    auto d = parse_duration(args.until);
    if (!d) {
      std::cerr << "wiresim: --until: " << d.error() << "\n";
      return ExitUsage;
    }
    options.until = *d;
  }
  auto world = load_scenario_file(args.file, load);
  if (!world) {
    std::cerr << world.error() << "\n";
    return ExitScenarioError;
  }
  if ((*world)->experiment) {
    // An experiment runs flow-level simulations of its own: no packets, no transcript.
    if (!args.pcap.empty() || !args.trace.empty() || args.transcript || !args.layers.empty()) {
      std::cerr << "wiresim: " << args.file
                << " is an experiment ([distribution]): it writes a CSV and plots (--out DIR) and a report "
                   "(--report FILE), not captures, traces or a transcript; drop --pcap, --trace, --transcript "
                   "and --layers\n";
      return ExitUsage;
    }
    return run_experiment(**world, args);
  }
  options.pcap_directory = args.pcap;
  options.trace_path = args.trace;
  options.report_path = args.report;
  if (args.transcript || !args.layers.empty()) options.transcript = &std::cout;
  options.transcript_layers = std::set<std::string>(args.layers.begin(), args.layers.end());
  cli::ProgressBar progress(!args.quiet);
  options.on_progress = [&progress](Time now, std::optional<Time> end) { progress.update(now, end); };
  auto result = run_world(**world, options);
  progress.finish();
  if (!result) {
    std::cerr << "wiresim: " << result.error() << "\n";
    return ExitScenarioError;
  }
  if (!args.quiet) print_summary(**world, *result);
  for (const auto& e : result->expectations)
    std::cout << (e.verdict.passed ? "PASS  " : "FAIL  ") << e.where << "  " << e.description << " ("
              << e.verdict.detail << ")\n";
  return result->all_passed() ? ExitOk : ExitExpectationFailed;
}

int check_command(const std::string& file) {
  auto world = load_scenario_file(file);
  if (!world) {
    std::cerr << world.error() << "\n";
    return ExitScenarioError;
  }
  const World& w = **world;
  if (w.experiment) {
    std::cout << file << ": ok (an experiment: " << w.experiment->describe() << ")\n";
    return ExitOk;
  }
  std::cout << file << ": ok (" << counted(w.net.node_count(), "node") << ", " << counted(w.net.link_count(), "link")
            << ", " << counted(w.apps.size(), "app") << ", " << counted(w.expectations.size(), "expectation") << ")\n";
  return ExitOk;
}

// The text on one line, cut at a word boundary to at most `limit` characters.
std::string one_line(const std::string& text, std::size_t limit) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\t') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() <= limit) return out;
  out.resize(limit);
  if (auto space = out.rfind(' '); space != std::string::npos) out.resize(space);
  return out + " ...";
}

int list_command() {
  namespace fs = std::filesystem;
  const char* env = std::getenv("WIRESIM_SCENARIOS");
  const fs::path root = env ? env : WIRESIM_SCENARIO_DIR;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    std::cerr << "wiresim: no scenario directory at " << root.string() << " (set WIRESIM_SCENARIOS)\n";
    return ExitScenarioError;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::size_t width = 0;
  for (const auto& f : files) width = std::max(width, fs::relative(f, root).string().size());
  for (const auto& f : files) {
    std::string relative = fs::relative(f, root).string();
    relative.resize(width, ' ');
    auto world = load_scenario_file(f.string());
    std::string summary = world ? (*world)->info.name : "(does not load: " + world.error() + ")";
    if (world && !(*world)->info.description.empty()) summary += " — " + one_line((*world)->info.description, 100);
    std::cout << relative << "  " << summary << "\n";
  }
  return ExitOk;
}

struct TheoryArgs {
  std::string file_size, server_upload, download;
  std::vector<std::string> uploads, peers, classes;
  bool csv = false;
};

// `wiresim theory distribution`: the textbook's minimum distribution times, no simulation.
int theory_command(const TheoryArgs& args) {
  auto fail = [](const std::string& option, const std::string& message) {
    std::cerr << "wiresim: theory distribution: " << option << ": " << message << "\n";
    return ExitUsage;
  };
  auto file_bits = parse_bits(args.file_size);
  if (!file_bits) return fail("--F", file_bits.error());
  auto us = parse_rate(args.server_upload);
  if (!us) return fail("--us", us.error());
  // The peers: all alike (--d and one or more --u), or one mix of classes (--class).
  if (args.classes.empty() == (args.download.empty() && args.uploads.empty()))
    return fail("--class", args.classes.empty() ? "give --d and --u (every peer alike), or --class (a mix of peers)"
                                                : "give --d and --u, or --class, not both");
  bittorrent::PeerMix mix;
  for (const std::string& text : args.classes) {
    auto c = bittorrent::parse_peer_class(text);
    if (!c) return fail("--class", c.error());
    mix.push_back(*c);
  }
  if (!mix.empty())
    if (auto why = bittorrent::check_mix(mix)) return fail("--class", *why);
  double d_bps = 0;
  if (mix.empty()) {
    if (args.download.empty()) return fail("--d", "every peer's download rate is required with --u, e.g. 2Mbps");
    if (args.uploads.empty()) return fail("--u", "the peers' upload rates are required with --d, e.g. 300kbps,2Mbps");
    auto d = parse_rate(args.download);
    if (!d) return fail("--d", d.error());
    d_bps = static_cast<double>(d->bits_per_second);
  }
  std::vector<double> uploads;
  for (const std::string& text : args.uploads) {
    auto u = parse_rate(text);
    if (!u) return fail("--u", u.error());
    uploads.push_back(static_cast<double>(u->bits_per_second));
  }
  std::vector<std::uint64_t> peers;
  for (const std::string& text : args.peers) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    // A trillion is far past any swarm, and keeps N F and N u exact in doubles.
    if (ec != std::errc{} || end != text.data() + text.size() || n == 0 || n > 1'000'000'000'000)
      return fail("--N", "expected whole numbers of peers from 1 to 1000000000000, such as 10,100,1000; got \"" + text +
                             "\"");
    if (!mix.empty())
      if (auto why = bittorrent::check_mix_fits(mix, n)) return fail("--N", *why);
    peers.push_back(n);
  }
  const auto us_bps = static_cast<double>(us->bits_per_second);
  const std::vector<bittorrent::PeerMix> populations =
      mix.empty() ? bittorrent::uniform_populations(d_bps, uploads) : std::vector<bittorrent::PeerMix>{mix};
  std::cout << (args.csv ? bittorrent::distribution_csv(*file_bits, us_bps, populations, peers)
                         : bittorrent::distribution_table(*file_bits, us_bps, populations, peers));
  return ExitOk;
}

std::atomic<bool> serve_stop{false};

struct ServeArgs {
  std::string file, node;
  int port_offset = 10000;
  bool any_port = false;
  bool quiet = false;
};

// Runs a node's server engines on 127.0.0.1 for real clients, with the scenario's accounts and
// mailboxes, until interrupted. Simulated time does not advance: nothing else in the world runs.
int serve_command(const ServeArgs& args) {
  auto world = load_scenario_file(args.file);
  if (!world) {
    std::cerr << world.error() << "\n";
    return ExitScenarioError;
  }
  World& w = **world;
  const auto node = w.net.find_node(args.node);
  if (!node) {
    std::vector<std::string> names;
    for (NodeId id = 0; id < w.net.node_count(); ++id) names.push_back(w.net.node(id).name());
    std::cerr << "wiresim: serve: no node '" << args.node << "' in " << args.file
              << did_you_mean_or_list(args.node, names, "its nodes are") << "\n";
    return ExitUsage;
  }
  std::vector<RealService> services;
  for (std::size_t i = 0; i < w.apps.size(); ++i)
    if (w.app_hosts[i] == *node)
      for (RealService& s : w.apps[i]->real_services()) services.push_back(std::move(s));
  if (services.empty()) {
    std::cerr << "wiresim: serve: '" << args.node << "' runs no server that real clients can use\n";
    return ExitUsage;
  }
  std::signal(SIGINT, [](int) { serve_stop = true; });
  std::signal(SIGTERM, [](int) { serve_stop = true; });
  loopback::Callbacks callbacks;
  callbacks.listening = [&](const std::vector<loopback::Listening>& open) {
    for (const auto& l : open) std::cout << l.name << " on 127.0.0.1:" << l.port << "\n";
    std::cout << "serving " << args.node << " until interrupted (Ctrl-C)" << std::endl;
  };
  if (!args.quiet)
    callbacks.line = [](const std::string& service, const std::string& speaker, const std::string& line) {
      std::cout << service << " " << speaker << ": " << line << std::endl;
    };
  const std::string error = loopback::serve(services, args.port_offset, args.any_port, serve_stop, callbacks);
  if (!error.empty()) {
    std::cerr << "wiresim: serve: " << error << "\n";
    return ExitScenarioError;
  }
  return ExitOk;
}

#ifdef WIRESIM_VIEW
struct GuiArgs {
  std::string file, at, size = "1600x900", tab = "inspector", select;
  std::optional<std::uint64_t> seed;
  std::string screenshot;
  int bench_frames = 0;
  float scale = 1.0f;
  bool light = false, messages_only = false;
  std::optional<std::uint32_t> conversation;
  double speed = 0;
  std::string describe;
  double max_wait = -1;
  std::vector<std::string> visits;
  std::string host, exchange;
};

int gui_command(const GuiArgs& args) {
  viz::ViewOptions options;
  options.path = args.file;
  options.seed = args.seed;
  options.screenshot = args.screenshot;
  options.bench_frames = args.bench_frames;
  options.text_scale = args.scale;
  options.light = args.light;
  options.tab = args.tab;
  options.select = args.select;
  options.conversation = args.conversation;
  options.messages_only = args.messages_only;
  options.speed = args.speed;
  options.describe = args.describe;
  options.host = args.host;
  options.exchange = args.exchange;
  options.max_wait_s = args.max_wait;
  // An instant of the run given on the command line ("1.5s"); nullopt after saying why not.
  auto instant = [](const char* option, const std::string& text) -> std::optional<Time> {
    auto d = parse_duration(text);
    if (!d) {
      std::cerr << "wiresim: " << option << ": " << d.error() << "\n";
      return std::nullopt;
    }
    return Time{} + *d;
  };
  if (!args.at.empty() && !(options.at = instant("--at", args.at))) return ExitUsage;
  for (const std::string& visit : args.visits) {
    auto t = instant("--visit", visit);
    if (!t) return ExitUsage;
    options.visits.push_back(*t);
  }
  if (std::sscanf(args.size.c_str(), "%dx%d", &options.width, &options.height) != 2 || options.width < 320 ||
      options.height < 240 || options.width > 8192 || options.height > 8192) {
    std::cerr << "wiresim: --size: expected WIDTHxHEIGHT such as 1600x900, got " << args.size << "\n";
    return ExitUsage;
  }
  return viz::run_view(options);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wiresim: a discrete-event simulator of the Internet's application layer, for teaching"};
  app.require_subcommand(1);
  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "run a scenario");
  run_cmd->add_option("file", run.file, "scenario file (.toml)")->required();
  run_cmd->add_option("--seed", run.seed, "seed for every random stream (overrides the scenario's)");
  run_cmd->add_option("--until", run.until, "stop at this simulated time, e.g. 30s (overrides the scenario's duration)");
  run_cmd->add_option("--pcap", run.pcap, "write one pcap file per capture point into DIR");
  run_cmd->add_option("--trace", run.trace, "write every event as JSON lines to FILE");
  run_cmd->add_option("--report", run.report, "write the JSON report to FILE");
  run_cmd->add_flag("--transcript", run.transcript, "print the run's transcript ([t] node layer: text)");
  run_cmd->add_option("--layers", run.layers, "transcript of these layers only, e.g. --layers smtp,dns (implies --transcript)")
      ->delimiter(',');
  run_cmd->add_flag("-q,--quiet", run.quiet, "print only expectation results and errors");
  run_cmd->add_option("--out", run.out, "experiments ([distribution]): write the CSV and plots into DIR (default .)");
  run_cmd->add_option("-j,--jobs", run.jobs, "experiments: simulations at once (default: one per core)");
  std::string check_file;
  CLI::App* check_cmd = app.add_subcommand("check", "validate a scenario without running it");
  check_cmd->add_option("file", check_file, "scenario file (.toml)")->required();
  CLI::App* list_cmd = app.add_subcommand("list", "list the bundled scenarios");
  TheoryArgs theory;
  CLI::App* theory_cmd = app.add_subcommand("theory", "the textbook's formulas, computed");
  theory_cmd->require_subcommand(1);
  CLI::App* distribution_cmd = theory_cmd->add_subcommand(
      "distribution", "minimum time to distribute a file to N peers: client-server vs P2P (D_cs, D_p2p)");
  distribution_cmd->add_option("--F", theory.file_size, "file size, e.g. 15Gbit or 2GB")->required();
  distribution_cmd->add_option("--us", theory.server_upload, "server upload rate, e.g. 30Mbps")->required();
  distribution_cmd->add_option("--d", theory.download, "every peer's download rate (dmin), e.g. 2Mbps");
  distribution_cmd->add_option("--u", theory.uploads, "peer upload rates, e.g. 300kbps,700kbps,2Mbps")->delimiter(',');
  distribution_cmd->add_option("--class", theory.classes,
                               "instead of --d and --u, a class of peers WHO:UPLOAD/DOWNLOAD, repeated for a mix, "
                               "e.g. --class 1:300kbps/500kbps --class rest:2Mbps/10Mbps (WHO: a number, 20%, or rest)");
  distribution_cmd->add_option("--N", theory.peers, "numbers of peers, e.g. 10,100,1000")->required()->delimiter(',');
  distribution_cmd->add_flag("--csv", theory.csv, "print N,u_bps,mode,theory_s,bottleneck rows instead of the chart");
  ServeArgs serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "let real clients (telnet, curl, smtplib) talk to a node's servers on 127.0.0.1");
  serve_cmd->add_option("file", serve.file, "scenario file (.toml)")->required();
  serve_cmd->add_option("node", serve.node, "the node whose servers to run, e.g. hamburger-mail")->required();
  serve_cmd->add_option("--port-offset", serve.port_offset, "listen on each simulated port plus this (25 -> 10025)");
  serve_cmd->add_flag("--any-port", serve.any_port, "let the system pick free ports (printed at start)");
  serve_cmd->add_flag("-q,--quiet", serve.quiet, "do not print the dialogues");

#ifdef WIRESIM_VIEW
  GuiArgs gui;
  CLI::App* gui_cmd = app.add_subcommand("gui", "open the desktop view: animated traffic, time control, packet inspector");
  gui_cmd->add_option("file", gui.file, "scenario file (.toml)")->required();
  gui_cmd->add_option("--seed", gui.seed, "seed for every random stream (overrides the scenario's)");
  gui_cmd->add_option("--at", gui.at, "start with the cursor at this simulated time, e.g. 1.5s");
  gui_cmd->add_option("--screenshot", gui.screenshot, "render the view at --at into this PNG file and exit");
  gui_cmd->add_option("--bench-frames", gui.bench_frames, "play and render N frames, then print frame times");
  gui_cmd->add_option("--size", gui.size, "window size, e.g. 1920x1080 (default 1600x900)");
  gui_cmd->add_option("--scale", gui.scale, "text size for the lecture hall, e.g. 1.5 or 2");
  gui_cmd->add_flag("--light", gui.light, "light theme (bright rooms, projectors)");
  gui_cmd->add_option("--tab", gui.tab, "panel shown first: inspector, dialogue, state, tcp, help")
      ->check(CLI::IsMember({"inspector", "dialogue", "state", "tcp", "help"}));
  gui_cmd->add_option("--select", gui.select, "select the first packet whose summary contains TEXT, e.g. 'MAIL FROM'");
  gui_cmd->add_option("--conversation", gui.conversation, "the dialogue view's conversation (its number in the list)");
  gui_cmd->add_option("--host", gui.host, "show only this host's events, packets and state (a name or part of one)");
  gui_cmd->add_option("--exchange", gui.exchange, "dialogue view: every message of this protocol, e.g. DNS (one lane per host)");
  gui_cmd->add_flag("--messages-only", gui.messages_only, "draw only packets that carry application data");
  gui_cmd->add_option("--visit", gui.visits, "with --screenshot: go to these instants first, e.g. --visit 6s (then seek back to --at)")
      ->delimiter(',');
  gui_cmd->add_option("--describe", gui.describe, "with --screenshot: write what the frame drew (panels, counts) as JSON");
  gui_cmd->add_option("--max-wait", gui.max_wait, "with --screenshot of an experiment: wait at most this many seconds for the sweep");
  gui_cmd->add_option("--speed", gui.speed, "simulated seconds per real second (default: fits the run in 20 s)");
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return ExitUsage;
  }
  if (run_cmd->parsed()) return run_command(run);
  if (check_cmd->parsed()) return check_command(check_file);
  if (list_cmd->parsed()) return list_command();
  if (serve_cmd->parsed()) return serve_command(serve);
  if (distribution_cmd->parsed()) return theory_command(theory);
#ifdef WIRESIM_VIEW
  if (gui_cmd->parsed()) return gui_command(gui);
#endif
  return ExitUsage;
}
