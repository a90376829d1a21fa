#include "sim/transport/udp.hpp"

#include "sim/net/net_events.hpp"

namespace wiresim {

Udp::Udp(Network& net, NodeId node) : net_(net), node_(node) {
  net_.node(node).set_handler(ip_protocol::Udp, [this](const PacketPtr& packet, const ParsedPacket& p) {
    auto it = bound_.find(p.udp->destination_port);
    if (it == bound_.end()) return net_.drop(net_.node(node_), packet, "port-unreachable");
    it->second({p.ip.source, p.udp->source_port}, {p.ip.destination, p.udp->destination_port},
               {reinterpret_cast<const char*>(p.payload.data()), p.payload.size()});
  });
}

Result<bool> Udp::bind(std::uint16_t port, Receive on_receive) {
  if (port == 0) return Error{"cannot bind UDP port 0"};
  if (bound_.count(port))
    return Error{"UDP port " + std::to_string(port) + " on " + net_.node(node_).name() + " is already bound"};
  bound_.emplace(port, std::move(on_receive));
  return true;
}

void Udp::unbind(std::uint16_t port) { bound_.erase(port); }

std::uint16_t Udp::bind_ephemeral(Receive on_receive) {
  for (int tries = 0; tries < 16384; ++tries) {
    const std::uint16_t port = next_ephemeral_;
    next_ephemeral_ = next_ephemeral_ == 65535 ? 49152 : next_ephemeral_ + 1;
    if (!bound_.count(port)) {
      bound_.emplace(port, std::move(on_receive));
      return port;
    }
  }
  return 0;
}

void Udp::send_to(std::uint16_t local_port, Endpoint to, std::string_view payload) {
  Node& self = net_.node(node_);
  Ipv4Address source = self.address();
  if (auto dest = net_.node_by_address(to.address)) {
    const int out = net_.route(node_, *dest);
    if (out != NoRoute) source = self.interfaces()[out].address;
  }
  Ipv4Header ip;
  ip.identification = net_.next_ip_id(node_);
  ip.source = source;
  ip.destination = to.address;
  const UdpHeader h{local_port, to.port};
  net_.send(node_, build_udp_packet(ip, h, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}));
}

}  // namespace wiresim
