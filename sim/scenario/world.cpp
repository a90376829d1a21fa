#include "sim/scenario/world.hpp"

namespace wiresim {

void World::build_stacks(const TcpConfig& config) {
  for (NodeId id = static_cast<NodeId>(stacks_.size()); id < net.node_count(); ++id)
    stacks_.push_back(std::make_unique<TransportStack>(net, id, config));
}

}  // namespace wiresim
