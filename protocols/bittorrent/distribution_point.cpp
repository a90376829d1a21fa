#include "protocols/bittorrent/distribution_point.hpp"

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
  DistributionProblem p;
  p.file_bits = static_cast<double>(point.file_bytes) * 8;
  p.server_upload = point.server_upload;
  p.min_download = point.peer_download;
  p.peer_upload = point.peer_upload;
  p.peers = point.peers;
  return p;
}

PointResult run_flow_point(const DistributionPoint& point) {
  switch (point.mode) {
    case DistributionMode::ClientServer: return run_client_server_flow(point);
    case DistributionMode::IdealP2P: return run_ideal_p2p(point);
    case DistributionMode::BitTorrent: return run_bittorrent_flow(point);
  }
  return {};
}

}  // namespace wiresim::bittorrent
