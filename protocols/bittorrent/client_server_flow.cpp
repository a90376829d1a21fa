// Client-server at flow level: each peer asks the server for the file (one request, one way
// across the network) and the server sends it to every peer at once, the N transfers sharing
// the server's upload max-min fairly, each also bounded by its peer's download. So each gets
// min{us / N, d}, and the last byte arrives at max{N F / us, F / d}: the textbook's D_cs. When
// the peers' downloads differ, the slow ones take less than us / N and the others share what
// they leave; the server stays busy until the last fast peer is done, and the slowest peer
// ends at F / dmin at best: again D_cs.
#include <algorithm>
#include <vector>

#include "protocols/bittorrent/distribution_point.hpp"
#include "sim/flow/flow_network.hpp"

namespace wiresim::bittorrent {

PointResult run_client_server_flow(const DistributionPoint& point) {
  PointResult result;
  result.theory = client_server_time(problem_of(point));
  Simulator sim(point.seed);
  flow::FlowNetwork net(sim);
  // The N transfers start in one instant (and end in one): allocated together, once, at the
  // end of that instant, not N times over a growing set of channels (N = 20,000 took 28 s).
  // A nanosecond's interval changes no rate at any moment that lasts.
  net.set_reallocation_interval(nanoseconds(1));
  const flow::ResourceId server_up = net.add_resource(point.server_upload, "server upload");
  const std::vector<PeerRates> peers = peer_rates(point);
  std::vector<double> done(peers.size(), -1);
  std::uint64_t finished = 0;
  for (std::uint64_t i = 0; i < peers.size(); ++i) {
    const flow::ResourceId down = net.add_resource(peers[i].download, "peer " + std::to_string(i + 1) + " download");
    const flow::ChannelId channel = net.open({{server_up, 1.0}, {down, 1.0}}, point.latency);
    // The request reaches the server one latency after the start; then the file flows.
    sim.schedule_in(point.latency, [&net, &sim, &done, &finished, i, channel, bytes = point.file_bytes] {
      net.send(channel, bytes, [&sim, &done, &finished, i] {
        done[i] = sim.now().seconds();
        ++finished;
      });
    });
  }
  sim.run();
  result.events = sim.events_run();
  result.server_bytes = point.file_bytes * point.peers;
  if (finished != point.peers) {
    result.error = "only " + std::to_string(finished) + " of " + std::to_string(point.peers) + " peers got the file";
    return result;
  }
  record_done_times(result, point, done);
  return result;
}

}  // namespace wiresim::bittorrent
