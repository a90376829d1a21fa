#include "protocols/bittorrent/distribution_point.hpp"

#include <algorithm>

namespace wiresim::bittorrent {

const char* to_string(DistributionMode mode) {
  switch (mode) {
    case DistributionMode::ClientServer: return "client-server";
    case DistributionMode::IdealP2P: return "p2p-ideal";
    case DistributionMode::BitTorrent: return "bittorrent";
  }
  return "?";
}

std::optional<DistributionMode> parse_distribution_mode(std::string_view text) {
  for (DistributionMode m : {DistributionMode::ClientServer, DistributionMode::IdealP2P, DistributionMode::BitTorrent})
    if (text == to_string(m)) return m;
  return std::nullopt;
}

DistributionProblem problem_of(const DistributionPoint& point) {
  return problem_for(static_cast<double>(point.file_bytes) * 8, point.server_upload, point.peer_mix, point.peers);
}

std::vector<PeerRates> peer_rates(const DistributionPoint& point) {
  std::vector<PeerRates> out;
  out.reserve(point.peers);
  for (const PeerGroup& g : peer_groups(point.peer_mix, point.peers)) out.insert(out.end(), g.count, {g.upload, g.download});
  return out;
}

void record_done_times(PointResult& result, const DistributionPoint& point, const std::vector<double>& done_by_peer) {
  if (done_by_peer.empty()) return;
  std::vector<double> sorted = done_by_peer;
  std::sort(sorted.begin(), sorted.end());
  result.first_done_s = sorted.front();
  result.median_done_s = sorted[sorted.size() / 2];
  result.simulated_s = sorted.back();
  if (is_uniform(point.peer_mix)) return;
  result.class_done_s.assign(point.peer_mix.size(), -1);
  auto from = done_by_peer.begin();
  for (const PeerGroup& g : peer_groups(point.peer_mix, point.peers)) {
    const auto count = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(g.count, done_by_peer.end() - from));
    if (count > 0) result.class_done_s[g.class_index] = *std::max_element(from, from + count);
    from += count;
  }
}

PointResult run_flow_point(const DistributionPoint& point) {
  if (auto why = check_mix(point.peer_mix); why || (why = check_mix_fits(point.peer_mix, point.peers))) {
    PointResult r;
    r.error = *why;
    return r;
  }
  switch (point.mode) {
    case DistributionMode::ClientServer: return run_client_server_flow(point);
    case DistributionMode::IdealP2P: return run_ideal_p2p(point);
    case DistributionMode::BitTorrent: return run_bittorrent_flow(point);
  }
  return {};
}

}  // namespace wiresim::bittorrent
