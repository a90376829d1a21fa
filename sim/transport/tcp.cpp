#include "sim/transport/tcp.hpp"

namespace wiresim {

Tcp::Tcp(Network& net, NodeId node, TcpConfig config)
    : net_(net), node_(node), config_(config),
      isn_random_(net.simulator().random("tcp-isn:" + net.node(node).name())),
      next_ephemeral_(49152) {
  net_.node(node).set_handler(ip_protocol::Tcp,
                              [this](const PacketPtr& p, const ParsedPacket& parsed) { segment_arrived(p, parsed); });
}

Result<bool> Tcp::listen(std::uint16_t port, AcceptHandler on_accept) {
  if (port == 0) return Error{"cannot listen on TCP port 0"};
  if (listeners_.count(port))
    return Error{"TCP port " + std::to_string(port) + " on " + net_.node(node_).name() + " is already listening"};
  listeners_.emplace(port, std::move(on_accept));
  return true;
}

void Tcp::stop_listening(std::uint16_t port) { listeners_.erase(port); }

std::uint16_t Tcp::ephemeral_port(Endpoint remote) {
  // IANA's dynamic range 49152-65535 (RFC 6335), handed out in order so captures read easily.
  for (int tries = 0; tries < 16384; ++tries) {
    const std::uint16_t port = next_ephemeral_;
    next_ephemeral_ = next_ephemeral_ == 65535 ? 49152 : next_ephemeral_ + 1;
    if (!active_.count(key(port, remote)) && !listeners_.count(port)) return port;
  }
  return next_ephemeral_;
}

TcpConnection& Tcp::connect(Endpoint remote, std::uint16_t local_port) {
  Node& self = net_.node(node_);
  Ipv4Address local_address = self.address();
  if (auto to = net_.node_by_address(remote.address)) {
    const int out = net_.route(node_, *to);
    if (out != NoRoute) local_address = self.interfaces()[out].address;
  }
  const Endpoint local{local_address, local_port ? local_port : ephemeral_port(remote)};
  const std::uint64_t id = connections_.size();
  connections_.push_back(std::make_unique<TcpConnection>(*this, id, local, remote, config_));
  TcpConnection& c = *connections_.back();
  active_[key(local.port, remote)] = &c;
  c.open_active();  // no callback can fire before the caller has set them: replies come later
  return c;
}

void Tcp::segment_arrived(const PacketPtr&, const ParsedPacket& p) {
  const TcpHeader& h = *p.tcp;
  const Endpoint remote{p.ip.source, h.source_port};
  if (auto it = active_.find(key(h.destination_port, remote)); it != active_.end()) {
    it->second->segment_arrived(h, p.payload);
    return;
  }
  if (listeners_.count(h.destination_port)) {
    // RFC 793 3.9, LISTEN state: ignore RST, reset an ACK, open a connection for a SYN.
    if (h.has(tcp_flag::Rst)) return;
    if (h.has(tcp_flag::Ack)) return send_reset_for(p);
    if (!h.has(tcp_flag::Syn)) return;
    const std::uint64_t id = connections_.size();
    connections_.push_back(
        std::make_unique<TcpConnection>(*this, id, Endpoint{p.ip.destination, h.destination_port}, remote, config_));
    TcpConnection& c = *connections_.back();
    active_[key(h.destination_port, remote)] = &c;
    c.open_passive(h);
    return;
  }
  send_reset_for(p);
}

void Tcp::accepted(TcpConnection& c) {
  auto it = listeners_.find(c.local().port);
  if (it != listeners_.end() && it->second) it->second(c);
}

void Tcp::send_reset_for(const ParsedPacket& p) {
  // RFC 793 3.4, "Reset Generation", case 1: no connection exists.
  const TcpHeader& in = *p.tcp;
  if (in.has(tcp_flag::Rst)) return;
  TcpHeader h;
  h.source_port = in.destination_port;
  h.destination_port = in.source_port;
  if (in.has(tcp_flag::Ack)) {
    h.seq = in.ack;
    h.flags = tcp_flag::Rst;
  } else {
    h.seq = 0;
    h.ack = in.seq + static_cast<std::uint32_t>(p.payload.size()) + (in.has(tcp_flag::Syn) ? 1 : 0) +
            (in.has(tcp_flag::Fin) ? 1 : 0);
    h.flags = tcp_flag::Rst | tcp_flag::Ack;
  }
  Ipv4Header ip;
  ip.identification = net_.next_ip_id(node_);
  ip.source = p.ip.destination;
  ip.destination = p.ip.source;
  net_.send(node_, build_tcp_packet(ip, h, {}));
}

void Tcp::send_reset_for_connection(const TcpConnection& c, std::uint32_t seq) {
  TcpHeader h;
  h.source_port = c.local().port;
  h.destination_port = c.remote().port;
  h.seq = seq;
  h.flags = tcp_flag::Rst;
  transmit(c, h, {});
}

void Tcp::transmit(const TcpConnection& c, const TcpHeader& h, std::span<const std::uint8_t> payload) {
  Ipv4Header ip;
  ip.identification = net_.next_ip_id(node_);
  ip.source = c.local().address;
  ip.destination = c.remote().address;
  net_.send(node_, build_tcp_packet(ip, h, payload));
}

void Tcp::connection_closed(TcpConnection& c) {
  auto it = active_.find(key(c.local().port, c.remote()));
  if (it != active_.end() && it->second == &c) active_.erase(it);
}

}  // namespace wiresim
