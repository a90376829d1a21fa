// The idealized P2P scheme of the textbook's proof that D_p2p is reachable (Kurose & Ross,
// chapter 2, problem 26), simulated piece by piece. The rates are allocated explicitly, as the
// proof does; plain max-min sharing of naive forwarding misses the bound badly when u is small.
//
// With u_sum = the peers' total upload:
// - us <= u_sum / (N - 1): the server sends peer i a share r_i = us * u_i / u_sum of the file
//   and peer i forwards every bit of it to each of the N - 1 others at r_i. Every peer then
//   receives at us: D = F / us.
// - us > u_sum / (N - 1): peer i gets r_i = u_i / (N - 1) to relay, which fills its upload, and
//   the server's spare rate s = (us - u_sum / (N - 1)) / N goes to every peer directly. Every
//   peer receives at sum r_j + s = (us + u_sum) / N: D = N F / (us + u_sum).
// - When that receive rate exceeds dmin, every rate shrinks by the same factor: D = F / dmin.
// Peers may differ (a mix of classes): each relays in proportion to its own u_i, and every peer
// still receives at the same rate.
#include <algorithm>
#include <cmath>
#include <vector>

#include "protocols/bittorrent/distribution_point.hpp"
#include "sim/core/simulator.hpp"

namespace wiresim::bittorrent {
namespace {

// A stream at a fixed rate: pieces leave one after another, each as soon as it is available
// and the previous one is out.
struct Stream {
  double rate = 0;  // bits per second
  Time free;        // when the previous piece has left
  Time send(Time ready, std::uint64_t bytes) {
    const Time start = std::max(ready, free);
    free = start + nanoseconds(static_cast<std::int64_t>(std::ceil(static_cast<double>(bytes) * 8e9 / rate)));
    return free;
  }
};

}  // namespace

PointResult run_ideal_p2p(const DistributionPoint& point) {
  PointResult result;
  result.theory = p2p_time(problem_of(point));
  const std::vector<PeerRates> peers = peer_rates(point);
  const std::uint64_t n = peers.size();
  if (n == 0 || point.file_bytes == 0) {
    result.error = "needs at least one peer and a file";
    return result;
  }
  const double us = point.server_upload, nd = static_cast<double>(n);
  double u_sum = 0, d_min = peers.front().download;
  for (const PeerRates& p : peers) {
    u_sum += p.upload;
    d_min = std::min(d_min, p.download);
  }
  // The allocation: what the server sends each peer to relay, and its spare rate to all.
  std::vector<double> relay(n, 0);
  double spare = 0;
  if (n == 1) {
    spare = us;
  } else if (us <= u_sum / (nd - 1)) {
    for (std::uint64_t i = 0; i < n; ++i) relay[i] = us * peers[i].upload / u_sum;
  } else {
    for (std::uint64_t i = 0; i < n; ++i) relay[i] = peers[i].upload / (nd - 1);
    spare = (us - u_sum / (nd - 1)) / nd;
  }
  // Every peer receives the same: all the relays and the spare rate.
  double relay_sum = 0;
  for (double r : relay) relay_sum += r;
  const double receive = relay_sum + spare;
  if (receive > d_min) {
    for (double& r : relay) r *= d_min / receive;
    relay_sum *= d_min / receive;
    spare *= d_min / receive;
  }
  // Check the allocation against every capacity, as the flow model would.
  std::vector<Stream> relay_out(n);  // peer i to all the others
  for (std::uint64_t i = 0; i < n; ++i) relay_out[i] = Stream{relay[i], Time{}};
  bool fits = relay_sum + spare * nd <= us * (1 + 1e-9) && relay_sum + spare <= d_min * (1 + 1e-9);
  for (std::uint64_t i = 0; i < n; ++i) fits = fits && relay[i] * (nd - 1) <= peers[i].upload * (1 + 1e-9);
  if (!fits) {
    result.error = "the allocation exceeds a capacity";
    return result;
  }
  // The file splits into each peer's share to relay, in proportion to its relay rate, and the
  // part the server sends to all directly; each part is cut into the same number of pieces, so
  // that every piece takes the same time on its stream, however slow. A piece has to arrive
  // before it is relayed: the last one arrives about two piece times late, which 400 pieces a
  // part keep under 0.5 % of the time.
  const double total = relay_sum + spare;
  static constexpr std::uint64_t PiecesPerPart = 400;
  std::vector<std::uint64_t> share(n, 0);
  std::uint64_t relayed = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    share[i] = static_cast<std::uint64_t>(std::floor(static_cast<double>(point.file_bytes) * relay[i] / total));
    relayed += share[i];
  }
  // What rounding down left goes direct, or, with no direct stream, to the fastest relay.
  std::uint64_t direct_bytes = point.file_bytes - relayed;
  if (spare == 0) {
    share[std::max_element(relay.begin(), relay.end()) - relay.begin()] += direct_bytes;
    direct_bytes = 0;
  }
  // A part of `bytes` as PiecesPerPart pieces (fewer if it has fewer bytes), in order.
  auto for_each_piece = [](std::uint64_t bytes, auto&& piece) {
    const std::uint64_t count = std::min(bytes, PiecesPerPart);
    for (std::uint64_t k = 0; k < count; ++k) piece(bytes / count + (k < bytes % count ? 1 : 0));
  };

  Simulator sim(point.seed);
  std::vector<Time> last_from_server(n), last_relayed_by(n);
  Time last_direct;
  const Time start = Time{} + point.latency;  // the peers' requests reach the server
  for (std::uint64_t i = 0; i < n; ++i) {
    Stream to_peer{relay[i], Time{}};
    for_each_piece(share[i], [&](std::uint64_t bytes) {
      const Time at_peer = to_peer.send(start, bytes) + point.latency;
      sim.schedule_at(at_peer, [&, i, bytes, at_peer] {
        last_from_server[i] = at_peer;
        result.server_bytes += bytes;
        if (n > 1) {
          const Time at_others = relay_out[i].send(at_peer, bytes) + point.latency;
          sim.schedule_at(at_others, [&, i, bytes, at_others] {
            last_relayed_by[i] = at_others;
            result.peer_bytes += bytes * (n - 1);
          });
        }
      });
    });
  }
  Stream direct{spare, Time{}};
  for_each_piece(direct_bytes, [&](std::uint64_t bytes) {
    const Time at_peers = direct.send(start, bytes) + point.latency;
    sim.schedule_at(at_peers, [&, bytes, at_peers] {
      last_direct = at_peers;
      result.server_bytes += bytes * n;
    });
  });
  sim.run();
  result.events = sim.events_run();
  // Peer i is done when its own pieces, the direct ones and every other peer's relays are in.
  Time top, second;  // the two latest relay ends
  for (Time t : last_relayed_by) {
    if (t > top) {
      second = top;
      top = t;
    } else if (t > second) {
      second = t;
    }
  }
  std::vector<double> done(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    const Time others = last_relayed_by[i] == top ? second : top;
    done[i] = std::max({last_from_server[i], last_direct, others}).seconds();
  }
  record_done_times(result, point, done);
  return result;
}

}  // namespace wiresim::bittorrent
