// The textbook's minimum distribution times for a file of F bits to N peers (Kurose & Ross 2.5):
// client-server D_cs = max{N F / us, F / dmin} and P2P D_p2p = max{F / us, F / dmin,
// N F / (us + sum of ui)}, with the term that decides each one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocols/bittorrent/peer_mix.hpp"

namespace wiresim::bittorrent {

struct DistributionProblem {
  double file_bits = 0;        // F
  double server_upload = 0;    // us, bits per second
  double min_download = 0;     // dmin, bits per second
  double peer_upload = 0;      // u of every peer, or their mean (sum of ui / N), bits per second
  std::uint64_t peers = 0;     // N
  bool mixed = false;          // the peers' rates differ: the terms say "sum ui", not "N u"
};

// The problem for n peers of a mix: dmin and the mean upload of the peers it has at n.
DistributionProblem problem_for(double file_bits, double server_upload, const PeerMix& mix, std::uint64_t n);

// A lower bound on the distribution time and the term it comes from.
struct Bound {
  double seconds = 0;
  std::string term;  // "N F / us", "F / dmin", "F / us", "N F / (us + N u)" or "N F / (us + sum ui)"
};

// "30 Mbps", "700 kbps", "15 Gbit": the chart's spelling of rates and sizes.
std::string rate_text(double bits_per_second);
std::string bits_text(double bits);

Bound client_server_time(const DistributionProblem& p);
Bound p2p_time(const DistributionProblem& p);

// The chart of the textbook's problem, a column per N, each cell "7500 s  F / dmin", for
// `populations` of peers: all alike with one d and each u of a list (uniform_populations), then
// one client-server row (it does not depend on u) and one P2P row per u; or one mix, then its
// client-server and P2P rows and the dmin and sum of ui that each N gives them.
std::string distribution_table(double file_bits, double server_upload, const std::vector<PeerMix>& populations,
                               const std::vector<std::uint64_t>& peers);

// The same numbers as CSV: N,u_bps,mode,theory_s,bottleneck (u_bps: the mean upload of a mix).
std::string distribution_csv(double file_bits, double server_upload, const std::vector<PeerMix>& populations,
                             const std::vector<std::uint64_t>& peers);

}  // namespace wiresim::bittorrent
