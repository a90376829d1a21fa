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
#include <functional>
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
  const DistributionProblem problem = problem_of(point);
  result.theory = p2p_time(problem);
  const std::vector<PeerRates> peers = peer_rates(point);
  const std::uint64_t n = peers.size();
  if (n == 0 || point.file_bytes == 0) {
    result.error = "needs at least one peer and a file";
    return result;
  }
  const double us = point.server_upload, nd = static_cast<double>(n);
  const double u_sum = problem.peer_upload * nd, d_min = problem.min_download;
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
  bool fits = relay_sum + spare * nd <= us * (1 + 1e-9) && relay_sum + spare <= d_min * (1 + 1e-9);
  for (std::uint64_t i = 0; i < n; ++i) fits = fits && relay[i] * (nd - 1) <= peers[i].upload * (1 + 1e-9);
  if (!fits) {
    result.error = "the allocation exceeds a capacity";
    return result;
  }
  std::vector<Stream> relay_out(n);  // peer i to all the others
  for (std::uint64_t i = 0; i < n; ++i) relay_out[i] = Stream{relay[i], Time{}};
  // The file splits into each peer's share to relay, in proportion to its relay rate, and the
  // part the server sends to all directly; each part is cut into the same number of pieces, so
  // that every piece takes the same time on its stream, however slow. A piece has to arrive
  // before it is relayed, at the rate it came: the last one arrives one piece time late, 1/400
  // of the time (0.25 %).
  const double total = relay_sum + spare;
  static constexpr std::uint64_t PiecesPerPart = 400;
  struct Part {
    std::uint64_t bytes = 0, pieces = 0, sent = 0;
    Stream stream;
    std::uint64_t next_size() const { return bytes / pieces + (sent < bytes % pieces ? 1 : 0); }
  };
  std::vector<Part> parts(n + 1);  // part i goes to peer i to relay; part n to every peer directly
  for (std::uint64_t i = 0; i < n; ++i) parts[i].stream = Stream{relay[i], Time{}};
  parts[n].stream = Stream{spare, Time{}};
  // Each part's exact share of the file rounded down, and the octets that leaves one each to the
  // parts with the largest remainders: a part's octets then take the same time on its stream,
  // within one octet's. (Given all to the direct stream, the slowest at 100,000 peers, they
  // cost 2%.)
  std::vector<double> remainders(n + 1);
  std::uint64_t assigned = 0;
  for (std::uint64_t k = 0; k <= n; ++k) {
    const double exact = static_cast<double>(point.file_bytes) * parts[k].stream.rate / total;
    parts[k].bytes = std::min(point.file_bytes, static_cast<std::uint64_t>(std::floor(exact)));
    remainders[k] = parts[k].stream.rate > 0 ? exact - std::floor(exact) : -1;  // no octet to a stopped stream
    assigned += parts[k].bytes;
  }
  std::vector<std::uint64_t> order(n + 1);
  for (std::uint64_t k = 0; k <= n; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) { return remainders[a] > remainders[b]; });
  for (std::uint64_t i = 0; assigned < point.file_bytes; i = (i + 1) % order.size())
    if (remainders[order[i]] >= 0) ++parts[order[i]].bytes, ++assigned;
  for (Part& p : parts) p.pieces = std::min(p.bytes, PiecesPerPart);

  Simulator sim(point.seed);
  std::vector<Time> last_from_server(n), last_relayed_by(n);
  Time last_direct;
  const Time start = Time{} + point.latency;  // the peers' requests reach the server
  // A part's pieces leave one after another; each is scheduled when the one before it arrives,
  // so a part has one piece pending, not all 400 (N = 100,000 peers are 40 million pieces).
  std::function<void(std::uint64_t)> send_next = [&](std::uint64_t k) {
    Part& part = parts[k];
    if (part.sent == part.pieces) return;
    const std::uint64_t bytes = part.next_size();
    ++part.sent;
    const Time arrives = part.stream.send(start, bytes) + point.latency;
    sim.schedule_at(arrives, [&, k, bytes, arrives] {
      if (k == n) {
        last_direct = arrives;
        result.server_bytes += bytes * n;
      } else {
        last_from_server[k] = arrives;
        result.server_bytes += bytes;
        if (n > 1) {
          const Time at_others = relay_out[k].send(arrives, bytes) + point.latency;
          sim.schedule_at(at_others, [&, k, bytes, at_others] {
            last_relayed_by[k] = at_others;
            result.peer_bytes += bytes * (n - 1);
          });
        }
      }
      send_next(k);
    });
  };
  for (std::uint64_t k = 0; k <= n; ++k) send_next(k);
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
