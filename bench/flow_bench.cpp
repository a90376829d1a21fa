// Flow model throughput on a BitTorrent-shaped swarm (see docs/performance.md): N peers, each
// with an upload of 300 kbit/s to 2 Mbit/s and a download of 2 Mbit/s, uploads 4 MiB pieces to
// 5 random peers, one piece at a time per channel. When a piece arrives, with probability 0.2
// the channel is closed and replaced by one to another random peer (like choking), otherwise
// the next piece is queued. Runs until the given number of pieces has arrived.
// With --pipeline each channel keeps two pieces queued, as a peer pipelining its requests does,
// so that a channel stops sending only when it is replaced.
// Usage: flow_bench [--pipeline] [messages [peers...]]
//        (default: 2000000 messages, 1000 then 10000 peers)
// Prints: queued=<pieces per channel> peers=<n> channels=<n> messages=<n> simulated_seconds=<s> seconds=<s>
//         messages_per_second=<r> reallocations=<n> channels_per_reallocation=<r>
//         events=<n> peak_rss_mib=<r>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "sim/core/simulator.hpp"
#include "sim/flow/flow_network.hpp"

using namespace wiresim;
using namespace wiresim::flow;

namespace {

constexpr std::size_t UploadsPerPeer = 5;
constexpr std::uint64_t Piece = 4 * 1024 * 1024;
constexpr double ChurnProbability = 0.2;

// VmHWM: the peak resident set of this process so far.
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

class Swarm {
 public:
  Swarm(std::size_t peers, std::uint64_t target, std::size_t queued, std::uint64_t seed)
      : rng_(seed), sim_(seed), net_(sim_), target_(target), queued_(queued) {
    for (std::size_t p = 0; p < peers; ++p) {
      up_.push_back(net_.add_resource(between(0.3e6, 2e6), "up" + std::to_string(p)));
      down_.push_back(net_.add_resource(2e6, "down" + std::to_string(p)));
    }
    slots_.resize(peers * UploadsPerPeer);
    for (std::size_t s = 0; s < slots_.size(); ++s) connect(s);
    for (std::size_t s = 0; s < slots_.size(); ++s) send_pieces(s);
  }

  void run() {
    const auto start = std::chrono::steady_clock::now();
    sim_.run();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const FlowStats& stats = net_.stats();
    std::printf(
        "queued=%zu peers=%zu channels=%zu messages=%llu simulated_seconds=%.0f seconds=%.3f messages_per_second=%.0f "
        "reallocations=%llu channels_per_reallocation=%.2f events=%llu peak_rss_mib=%.1f\n",
        queued_, up_.size(), slots_.size(), static_cast<unsigned long long>(delivered_), sim_.now().seconds(), seconds,
        static_cast<double>(delivered_) / seconds, static_cast<unsigned long long>(stats.reallocations),
        static_cast<double>(stats.channels_visited) / static_cast<double>(stats.reallocations),
        static_cast<unsigned long long>(sim_.events_run()), peak_rss_mib());
    const std::string problem = net_.check_allocation();
    if (!problem.empty()) std::printf("allocation check failed: %s\n", problem.c_str());
  }

 private:
  struct Slot {
    ChannelId channel = NoChannel;
    std::size_t receiver = 0;
  };
  // One pointer and an index: small enough for std::function to keep inline.
  struct Delivered {
    Swarm* swarm;
    std::size_t slot;
    void operator()() const { swarm->on_delivered(slot); }
  };

  double between(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

  std::size_t uploader(std::size_t slot) const { return slot / UploadsPerPeer; }

  // A random receiver that is neither the uploader nor one it already uploads to.
  void connect(std::size_t slot) {
    const std::size_t from = uploader(slot);
    const std::size_t peers = up_.size();
    std::size_t to;
    bool taken;
    do {
      to = static_cast<std::size_t>(rng_() % peers);
      taken = to == from;
      for (std::size_t k = from * UploadsPerPeer; k < (from + 1) * UploadsPerPeer; ++k) {
        taken = taken || (k != slot && slots_[k].channel != NoChannel && slots_[k].receiver == to);
      }
    } while (taken);
    const Duration latency = milliseconds(20) + microseconds(static_cast<std::int64_t>(rng_() % 80'000));
    slots_[slot].receiver = to;
    slots_[slot].channel = net_.open({{up_[from]}, {down_[to]}}, latency);
  }

  void send_piece(std::size_t slot) { net_.send(slots_[slot].channel, Piece, Delivered{this, slot}); }
  void send_pieces(std::size_t slot) {
    for (std::size_t k = 0; k < queued_; ++k) send_piece(slot);
  }

  void on_delivered(std::size_t slot) {
    if (++delivered_ >= target_) {
      sim_.stop();
      return;
    }
    if (between(0, 1) < ChurnProbability) {
      net_.close(slots_[slot].channel);
      slots_[slot].channel = NoChannel;
      connect(slot);
      send_pieces(slot);
      return;
    }
    send_piece(slot);
  }

  std::mt19937_64 rng_;
  Simulator sim_;
  FlowNetwork net_;
  std::uint64_t target_;
  std::size_t queued_;  // pieces each channel keeps queued
  std::uint64_t delivered_ = 0;
  std::vector<ResourceId> up_, down_;
  std::vector<Slot> slots_;
};

}  // namespace

int main(int argc, char** argv) {
  int next = 1;
  const bool pipeline = argc > next && std::string(argv[next]) == "--pipeline";
  if (pipeline) ++next;
  const std::uint64_t messages = argc > next ? std::strtoull(argv[next++], nullptr, 10) : 2'000'000;
  std::vector<std::size_t> sizes;
  for (int i = next; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {1'000, 10'000};
  for (std::size_t peers : sizes) {
    if (peers < UploadsPerPeer + 1 || messages == 0) {
      std::fprintf(stderr, "flow_bench: need more than %zu peers and at least one message\n", UploadsPerPeer);
      return 1;
    }
    Swarm swarm(peers, messages, pipeline ? 2 : 1, 1);
    swarm.run();
  }
}
