// Who the N peers of the distribution-time problem are. The textbook's bound names each peer's
// rates (D_p2p = max{F / us, F / dmin, N F / (us + sum of ui)}), but its worked problem gives
// every peer the same u and d; a mix of classes lets a class see the sum and the minimum at
// work: one peer on a slow line, a fifth of the swarm on DSL, the rest on fibre.
//
// A class is written WHO:UPLOAD/DOWNLOAD, where WHO is a number of peers ("1"), a percentage of
// N ("20%") or "rest" (the peers the other classes leave): "20%:300kbps/2Mbps". A uniform swarm
// is the one class "rest:u/d".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/result.hpp"

namespace wiresim::bittorrent {

struct PeerClass {
  enum class Size : std::uint8_t { Count, Percent, Rest };
  Size size = Size::Rest;
  double amount = 0;  // Count: peers; Percent: percent of N; Rest: unused
  double upload = 0, download = 0;  // bits per second
  bool operator==(const PeerClass&) const = default;
};
using PeerMix = std::vector<PeerClass>;

// Every peer alike: the textbook problem's population.
PeerMix uniform_peers(double upload, double download);
// Whether every class has the same rates (whoever is in them): the textbook's case, with N u.
bool is_uniform(const PeerMix& mix);
// One uniform mix per upload rate, all with the same download: the textbook's chart's rows.
std::vector<PeerMix> uniform_populations(double download, const std::vector<double>& uploads);

Result<PeerClass> parse_peer_class(std::string_view text);
// What a mix as a whole must be, whatever N: at most one "rest"; without one, either
// percentages that add up to 100% or numbers only (whose sum is then N).
std::optional<std::string> check_mix(const PeerMix& mix);
// Whether the mix has room in n peers (its numbers and percentages leave "rest" >= 0, or add
// up to n); nullopt when it does, else why not.
std::optional<std::string> check_mix_fits(const PeerMix& mix, std::uint64_t n);

// The classes resolved for n peers, in the mix's order, leaving out those with no peer.
// A percentage is rounded down (largest remainders fill a mix without "rest" up to n).
struct PeerGroup {
  std::size_t class_index = 0;  // in the mix
  std::uint64_t count = 0;
  double upload = 0, download = 0;
};
std::vector<PeerGroup> peer_groups(const PeerMix& mix, std::uint64_t n);

// "u = 2 Mbps" for a uniform mix, else "1 at 300 kbps/500 kbps + rest at 2 Mbps/10 Mbps"
// (upload/download).
std::string mix_label(const PeerMix& mix);
// Who a class is: "1", "20%" or "rest".
std::string class_who(const PeerClass& c);

}  // namespace wiresim::bittorrent
