#include "sim/scenario/world.hpp"

namespace wiresim {

World::~World() {
  apps.clear();
  expectations.clear();
  service_order_.clear();
  services_.clear();
}

void World::build_stacks(const TcpConfig& config) {
  for (NodeId id = static_cast<NodeId>(stacks_.size()); id < net.node_count(); ++id)
    stacks_.push_back(std::make_unique<TransportStack>(net, id, config));
}

std::string World::claim_port(NodeId node, const std::string& protocol, std::uint16_t port) {
  if (claimed_ports_.insert({node, protocol, port}).second) return "";
  return protocol + " port " + std::to_string(port) + " on " + net.node(node).name() + " is already used by another app";
}

}  // namespace wiresim
