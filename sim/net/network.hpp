// The network: nodes, links, addresses and static shortest-path routing (Boost.Graph), plus the
// IPv4 forwarding that moves a packet from its source's stack, hop by hop, to its destination's.
// Not modelled: ICMP (a packet without a route is dropped and traced), ARP, fragmentation.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/core/result.hpp"
#include "sim/core/simulator.hpp"
#include "sim/net/link.hpp"
#include "sim/net/net_events.hpp"
#include "sim/net/node.hpp"

namespace wiresim {

class Network {
 public:
  explicit Network(Simulator& sim) : sim_(sim) {}
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  Result<NodeId> add_node(std::string name, NodeKind kind);
  Result<LinkId> add_link(NodeId a, NodeId b, Ipv4Address address_a, Ipv4Address address_b, LinkConfig config,
                          std::string name = {});

  // Shortest paths by link cost over the links that are up; ties go to the link declared first.
  // Publishes a RoutesChanged event unless told not to; returns it either way.
  RoutesChanged compute_routes(const std::string& cause, bool publish = true);
  void set_link_up(LinkId id, bool up);

  // Sends a packet built by `from`'s own stack. Fills in the IP identification field.
  void send(NodeId from, Bytes packet);
  std::uint16_t next_ip_id(NodeId from) { return nodes_[from]->next_ip_id_++; }

  Node& node(NodeId id) { return *nodes_[id]; }
  const Node& node(NodeId id) const { return *nodes_[id]; }
  Link& link(LinkId id) { return *links_[id]; }
  const Link& link(LinkId id) const { return *links_[id]; }
  std::size_t node_count() const { return nodes_.size(); }
  std::size_t link_count() const { return links_.size(); }
  std::optional<NodeId> find_node(std::string_view name) const;
  std::optional<LinkId> find_link(std::string_view name) const;
  std::optional<NodeId> node_by_address(Ipv4Address a) const;
  // The interface `from` would send on toward `to`, or NoRoute.
  int route(NodeId from, NodeId to) const { return nodes_[from]->route_[to]; }
  Simulator& simulator() { return sim_; }

 // Counts and traces a packet that a node's own layers refuse (no route, no port, ...).
  void drop(const Node& at, const PacketPtr& packet, const char* reason);

 private:
  void receive(NodeId at, int interface, const PacketPtr& packet);
  void transmit(NodeId from, int interface, PacketPtr packet);

  Simulator& sim_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Link>> links_;
  std::unordered_map<std::uint32_t, NodeId> by_address_;
  std::map<std::string, NodeId, std::less<>> by_name_;
  std::map<std::string, LinkId, std::less<>> links_by_name_;
  std::uint64_t next_packet_uid_ = 1;
};

}  // namespace wiresim
