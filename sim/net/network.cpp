#include "sim/net/network.hpp"

#include <array>

#include "sim/net/net_events.hpp"

namespace wiresim {

bool Node::owns(Ipv4Address a) const {
  for (const auto& i : interfaces_)
    if (i.address == a) return true;
  return false;
}

void Node::set_handler(std::uint8_t protocol, Handler h) {
  if (protocol == ip_protocol::Tcp) handlers_[0] = std::move(h);
  if (protocol == ip_protocol::Udp) handlers_[1] = std::move(h);
}

Result<NodeId> Network::add_node(std::string name, NodeKind kind) {
  if (by_name_.count(name)) return Error{"a node named '" + name + "' already exists"};
  const auto id = static_cast<NodeId>(nodes_.size());
  by_name_.emplace(name, id);
  nodes_.push_back(std::make_unique<Node>(id, std::move(name), kind));
  for (auto& n : nodes_) n->route_.resize(nodes_.size(), NoRoute);
  return id;
}

Result<LinkId> Network::add_link(NodeId a, NodeId b, Ipv4Address address_a, Ipv4Address address_b, LinkConfig config,
                                 std::string name) {
  if (a >= nodes_.size() || b >= nodes_.size()) return Error{"link end is not a node"};
  if (a == b) return Error{"a link must join two different nodes"};
  for (Ipv4Address addr : {address_a, address_b})
    if (by_address_.count(addr.value))
      return Error{"address " + addr.to_string() + " is already used by " + nodes_[by_address_[addr.value]]->name()};
  if (address_a == address_b) return Error{"both ends of a link have address " + address_a.to_string()};
  if (name.empty()) name = nodes_[a]->name() + "-" + nodes_[b]->name();
  if (links_by_name_.count(name)) return Error{"a link named '" + name + "' already exists"};

  const auto id = static_cast<LinkId>(links_.size());
  links_.push_back(std::make_unique<Link>(sim_, id, name, a, b, config));
  links_by_name_.emplace(name, id);
  Link& link = *links_.back();
  struct End {
    NodeId node;
    int interface;
  };
  std::array<End, 2> ends{{{a, 0}, {b, 0}}};
  const Ipv4Address addresses[2] = {address_a, address_b};
  for (int side = 0; side < 2; ++side) {
    Node& n = *nodes_[ends[side].node];
    ends[side].interface = static_cast<int>(n.interfaces_.size());
    n.interfaces_.push_back({"eth" + std::to_string(n.interfaces_.size()), addresses[side], id, side});
    by_address_.emplace(addresses[side].value, ends[side].node);
  }
  link.on_deliver = [this, ends](int side, const PacketPtr& p) { receive(ends[side].node, ends[side].interface, p); };
  link.on_transmit = [this, &link, ends](int from, const PacketPtr& p, Time queued_at, Time tx_end, Time arrival,
                                         bool lost) {
    if (!sim_.trace().wanted<PacketTransmitted>()) return;
    const Node& n = *nodes_[ends[from].node];
    sim_.trace().publish(PacketTransmitted{&n, &n.interfaces_[ends[from].interface], &link, p, queued_at, tx_end, arrival, lost});
  };
  link.on_drop = [this, &link, ends](int from, const PacketPtr& p, const char* reason) {
    if (sim_.trace().wanted<PacketDropped>())
      sim_.trace().publish(PacketDropped{nodes_[ends[from].node].get(), &link, p, reason});
  };
  return id;
}

std::optional<NodeId> Network::find_node(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<LinkId> Network::find_link(std::string_view name) const {
  auto it = links_by_name_.find(name);
  if (it == links_by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<NodeId> Network::node_by_address(Ipv4Address a) const {
  auto it = by_address_.find(a.value);
  if (it == by_address_.end()) return std::nullopt;
  return it->second;
}

void Network::set_link_up(LinkId id, bool up) {
  Link& l = *links_[id];
  if (l.up() == up) return;
  l.set_up(up);
  sim_.trace().publish(LinkStateChanged{&l, up});
  compute_routes(l.name() + (up ? " came up" : " went down"));
}

void Network::drop(const Node& at, const PacketPtr& packet, const char* reason) {
  ++nodes_[at.id()]->stats_.packets_dropped;
  if (sim_.trace().wanted<PacketDropped>()) sim_.trace().publish(PacketDropped{&at, nullptr, packet, reason});
}

void Network::send(NodeId from, Bytes bytes) {
  Node& n = *nodes_[from];
  auto packet = std::make_shared<Packet>(Packet{std::move(bytes), next_packet_uid_++});
  n.stats_.packets_sent += 1;
  n.stats_.bytes_sent += packet->bytes.size();
  const auto ip = parse_ipv4(packet->bytes);
  if (!ip) return drop(n, packet, "malformed");
  if (n.owns(ip->destination)) {
    // To itself: delivered through the stack at once, as over a loopback interface.
    sim_.schedule_in({}, [this, from, packet] { receive(from, -1, packet); });
    return;
  }
  auto to = node_by_address(ip->destination);
  const int out = to ? n.route_[*to] : NoRoute;
  if (out == NoRoute) return drop(n, packet, "no-route");
  transmit(from, out, std::move(packet));
}

void Network::transmit(NodeId from, int interface, PacketPtr packet) {
  const Interface& i = nodes_[from]->interfaces_[interface];
  links_[i.link]->enqueue(i.side, std::move(packet));
}

void Network::receive(NodeId at, int interface, const PacketPtr& packet) {
  Node& n = *nodes_[at];
  if (interface >= 0 && sim_.trace().wanted<PacketReceived>()) {
    const Interface& i = n.interfaces_[interface];
    sim_.trace().publish(PacketReceived{&n, &i, links_[i.link].get(), packet});
  }
  const auto ip = parse_ipv4(packet->bytes);
  if (!ip) return drop(n, packet, "malformed");
  if (n.owns(ip->destination)) {
    auto parsed = parse_packet(packet->bytes);
    if (!parsed) return drop(n, packet, "malformed");
    n.stats_.packets_received += 1;
    n.stats_.bytes_received += packet->bytes.size();
    const int slot = ip->protocol == ip_protocol::Tcp ? 0 : ip->protocol == ip_protocol::Udp ? 1 : -1;
    if (slot < 0 || !n.handlers_[slot]) return drop(n, packet, "no-transport");
    n.handlers_[slot](packet, *parsed);
    return;
  }
  if (!n.is_router()) return drop(n, packet, "not-for-me");
  if (ip->ttl <= 1) return drop(n, packet, "ttl-expired");
  auto to = node_by_address(ip->destination);
  const int out = to ? n.route_[*to] : NoRoute;
  if (out == NoRoute) return drop(n, packet, "no-route");
  auto forwarded = std::make_shared<Packet>(*packet);
  decrement_ttl(forwarded->bytes);
  n.stats_.packets_forwarded += 1;
  transmit(at, out, std::move(forwarded));
}

}  // namespace wiresim
