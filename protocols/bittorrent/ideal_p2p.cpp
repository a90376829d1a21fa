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
// - When that receive rate exceeds d, every rate shrinks by the same factor: D = F / d.
// A piece has to arrive before it is relayed, so the last piece arrives one piece time late;
// the file is cut into enough small pieces (many more than N) to keep that under 0.5 %.
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
  const std::uint64_t n = point.peers;
  const double us = point.server_upload, d = point.peer_download;
  const double u_sum = point.peer_upload * static_cast<double>(n);
  if (n == 0 || point.file_bytes == 0) {
    result.error = "needs at least one peer and a file";
    return result;
  }
  // The allocation (all peers alike, so one relay rate and one spare rate).
  double relay = 0, spare = 0;
  if (n == 1) {
    spare = us;
  } else if (us <= u_sum / static_cast<double>(n - 1)) {
    relay = us / static_cast<double>(n);
  } else {
    relay = point.peer_upload / static_cast<double>(n - 1);
    spare = (us - u_sum / static_cast<double>(n - 1)) / static_cast<double>(n);
  }
  const double receive = relay * static_cast<double>(n) + spare;
  if (receive > d) {
    relay *= d / receive;
    spare *= d / receive;
  }
  // Check the allocation against every capacity, as the flow model would.
  const double server_load = relay * static_cast<double>(n) + spare * static_cast<double>(n);
  const double peer_load = relay * static_cast<double>(n - 1);
  if (server_load > us * (1 + 1e-9) || peer_load > point.peer_upload * (1 + 1e-9) ||
      relay * static_cast<double>(n) + spare > d * (1 + 1e-9)) {
    result.error = "the allocation exceeds a capacity";
    return result;
  }
  const double total = relay * static_cast<double>(n) + spare;
  const double relay_share = relay * static_cast<double>(n) / total;
  // Enough pieces that the last one's lag (a piece time on the server's stream and one on the
  // relay's, or one on the direct stream) stays under 0.5 % of F / total.
  double lag_per_bit = 0;  // seconds of lag per bit of piece, over the slower path
  if (relay > 0) lag_per_bit = std::max(lag_per_bit, 2 / relay);
  if (spare > 0) lag_per_bit = std::max(lag_per_bit, 1 / spare);
  const double wanted = 200 * total * lag_per_bit;
  const std::uint64_t pieces = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::ceil(wanted)), 1,
                                                         std::min<std::uint64_t>(point.file_bytes, 1'000'000));
  const std::uint64_t piece_bytes = (point.file_bytes + pieces - 1) / pieces;
  const std::uint64_t count = (point.file_bytes + piece_bytes - 1) / piece_bytes;
  auto size_of = [&](std::uint64_t k) { return k + 1 < count ? piece_bytes : point.file_bytes - piece_bytes * (count - 1); };

  Simulator sim(point.seed);
  // Pieces [0, relayed) go to the peers to relay, round robin; the rest to all peers directly.
  const std::uint64_t relayed = static_cast<std::uint64_t>(std::llround(relay_share * static_cast<double>(count)));
  std::vector<Stream> to_peer(n, Stream{relay, Time{}}), relay_out(n, Stream{relay, Time{}});
  Stream direct{spare, Time{}};
  std::vector<Time> last_from_server(n), last_relayed_by(n);
  Time last_direct;
  const Time start = Time{} + point.latency;  // the peers' requests reach the server
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t bytes = size_of(k);
    if (k < relayed) {
      const std::uint64_t i = k % n;
      const Time at_peer = to_peer[i].send(start, bytes) + point.latency;
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
    } else {
      const Time at_peers = direct.send(start, bytes) + point.latency;
      sim.schedule_at(at_peers, [&, bytes, at_peers] {
        last_direct = at_peers;
        result.server_bytes += bytes * n;
      });
    }
  }
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
  std::sort(done.begin(), done.end());
  result.first_done_s = done.front();
  result.median_done_s = done[n / 2];
  result.simulated_s = done.back();
  return result;
}

}  // namespace wiresim::bittorrent
