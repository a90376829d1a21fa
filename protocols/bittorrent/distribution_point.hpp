// One point of the distribution-time experiment (Kurose & Ross 2.5): a server holding a file of
// F bits, N peers with download d and upload u (or a mix of such classes), and one way of
// getting the file to all of them.
// The point is simulated and compared with the textbook's bound for the same mode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/bittorrent/theory.hpp"
#include "sim/core/time.hpp"

namespace wiresim::bittorrent {

enum class DistributionMode {
  ClientServer,  // the server sends the whole file to each peer; peers upload nothing
  IdealP2P,      // the rate allocation of the textbook's proof that D_p2p is reachable
  BitTorrent,    // a real swarm: tracker, peer wire protocol, rarest first, tit-for-tat
};
const char* to_string(DistributionMode mode);  // "client-server", "p2p-ideal", "bittorrent"
std::optional<DistributionMode> parse_distribution_mode(std::string_view text);

struct DistributionPoint {
  DistributionMode mode = DistributionMode::ClientServer;
  std::uint64_t peers = 10;                     // N
  std::uint64_t file_bytes = 0;                 // F / 8
  std::uint32_t piece_length = 4 * 1024 * 1024;  // BitTorrent's pieces
  double server_upload = 0;                     // us, bits per second
  PeerMix peer_mix;                             // the peers' upload and download rates
  Duration latency = milliseconds(10);          // one way between any two hosts
  std::uint64_t seed = 1;
  // BitTorrent only:
  std::uint32_t max_connections = 30;  // a peer's neighbours; real clients use 30-80
  bool seed_after_completion = true;   // false: a peer leaves once it has the file
  // Carry every piece's bytes through the flows and check them against the SHA-1s, as the
  // packet-level swarm does (a small file only: every peer keeps a copy).
  bool carry_bytes = false;
};

struct PointResult {
  double simulated_s = 0;  // when the last peer had the whole file
  Bound theory;            // the textbook's bound for this mode (client-server: D_cs, else D_p2p)
  double first_done_s = 0, median_done_s = 0;
  std::uint64_t events = 0;
  std::uint64_t server_bytes = 0;  // payload bytes the server uploaded
  std::uint64_t peer_bytes = 0;    // payload bytes all peers uploaded
  std::uint64_t wasted_bytes = 0;  // duplicates (end game) and failed pieces
  std::uint64_t pieces_cut = 0;    // BitTorrent at flow level: pieces a choke cut short
  std::uint64_t useful_bytes = 0;    // received by the peers and kept: N F when all is well
  std::uint64_t verified_peers = 0;  // carry_bytes: peers whose every piece equals the file's
  // A mix of peer classes: when each class's last peer had the file, in the mix's order (-1:
  // the class has no peer at this N). Empty for peers all alike.
  std::vector<double> class_done_s;
  std::string error;               // non-empty: the point could not finish (and why)
  double gap() const { return theory.seconds > 0 ? simulated_s / theory.seconds - 1 : 0; }
};

// The textbook's problem for this point: dmin and the sum of ui of its peers.
DistributionProblem problem_of(const DistributionPoint& point);
// Each peer's rates, peer 1 first (host 0 is the server): the mix's classes in order.
struct PeerRates {
  double upload = 0, download = 0;
};
std::vector<PeerRates> peer_rates(const DistributionPoint& point);

// Fills in the first, median and last peers' times and each class's last, from when each peer
// (peer 1 first) had the whole file.
void record_done_times(PointResult& result, const DistributionPoint& point, const std::vector<double>& done_by_peer);

// Runs the point at flow level. Deterministic: the same point gives the same result.
PointResult run_flow_point(const DistributionPoint& point);

// The modes' own simulations, used by run_flow_point.
PointResult run_client_server_flow(const DistributionPoint& point);
PointResult run_ideal_p2p(const DistributionPoint& point);
PointResult run_bittorrent_flow(const DistributionPoint& point);

}  // namespace wiresim::bittorrent
