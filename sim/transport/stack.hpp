// A node's transport stack: what an application on that node gets to use.
#pragma once

#include "sim/transport/tcp.hpp"
#include "sim/transport/udp.hpp"

namespace wiresim {

struct TransportStack {
  TransportStack(Network& net, NodeId node, const TcpConfig& tcp_config)
      : tcp(net, node, tcp_config), udp(net, node) {}
  Tcp tcp;
  Udp udp;
};

}  // namespace wiresim
