// The flow-level BitTorrent swarm at scale (see docs/performance.md): a server seeding a file of
// F = 15 Gbit in 4 MiB pieces (448 pieces) to N peers, us = 30 Mbps, d = 2 Mbps, u = 2 Mbps,
// with the same PeerEngine as the packet-level swarm, until every peer has the file.
// Usage: swarm_bench [u=BPS] [N...]   (default: u=2e6, N = 1000 10000; u=300e3 and u=700e3 are
// the textbook's other two peer uploads)
// Prints: swarm N=<n> wall_s=<s> simulated_s=<t> bound_s=<b> gap=<g> events=<e> peak_rss_mib=<m>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "protocols/bittorrent/distribution_point.hpp"

using namespace wiresim;

namespace {

// The process's peak resident set (VmHWM), in MiB.
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::uint64_t> sizes;
  double upload = 2e6;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("u=", 0) == 0) upload = std::strtod(arg.c_str() + 2, nullptr);
    else sizes.push_back(std::strtoull(arg.c_str(), nullptr, 10));
  }
  if (sizes.empty()) sizes = {1000, 10000};
  for (std::uint64_t n : sizes) {
    bittorrent::DistributionPoint point;
    point.mode = bittorrent::DistributionMode::BitTorrent;
    point.peers = n;
    point.file_bytes = 15'000'000'000ull / 8;
    point.piece_length = 4 * 1024 * 1024;
    point.server_upload = 30e6;
    point.peer_mix = bittorrent::uniform_peers(upload, 2e6);
    const auto start = std::chrono::steady_clock::now();
    const bittorrent::PointResult r = bittorrent::run_bittorrent_flow(point);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("swarm N=%llu u=%.0f wall_s=%.2f simulated_s=%.1f bound_s=%.1f gap=%+.1f%% events=%llu peak_rss_mib=%.0f%s%s\n",
                static_cast<unsigned long long>(n), upload, wall, r.simulated_s, r.theory.seconds, r.gap() * 100,
                static_cast<unsigned long long>(r.events), peak_rss_mib(), r.error.empty() ? "" : " error=",
                r.error.c_str());
    std::printf("  first_s=%.0f median_s=%.0f server_GB=%.2f peer_GB=%.2f wasted_GB=%.2f pieces_cut=%llu\n", r.first_done_s,
                r.median_done_s, r.server_bytes / 1e9, r.peer_bytes / 1e9, r.wasted_bytes / 1e9,
                static_cast<unsigned long long>(r.pieces_cut));
    std::fflush(stdout);
  }
  return 0;
}
