// A host or a router: its interfaces and addresses, its forwarding table (filled by routing),
// and the transport handlers that the node's stack registers. Routers forward; hosts do not.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/net/headers.hpp"
#include "sim/net/packet.hpp"

namespace wiresim {

using NodeId = std::uint32_t;
using LinkId = std::uint32_t;
inline constexpr int NoRoute = -1;

enum class NodeKind { Host, Router };

struct Interface {
  std::string name;  // "eth0", "eth1", ... in the order links were declared
  Ipv4Address address;
  LinkId link = 0;
  int side = 0;  // which end of the link this interface is
};

struct NodeStats {
  std::uint64_t packets_sent = 0, bytes_sent = 0;          // originated here
  std::uint64_t packets_received = 0, bytes_received = 0;  // delivered to this node's stack
  std::uint64_t packets_forwarded = 0;
  std::uint64_t packets_dropped = 0;                       // dropped by this node (no route, TTL)
};

class Node {
 public:
  using Handler = std::function<void(const PacketPtr&, const ParsedPacket&)>;

  Node(NodeId id, std::string name, NodeKind kind) : id_(id), name_(std::move(name)), kind_(kind) {}

  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  NodeKind kind() const { return kind_; }
  bool is_router() const { return kind_ == NodeKind::Router; }
  const std::vector<Interface>& interfaces() const { return interfaces_; }
  // The address of the first interface: what "alice" resolves to.
  Ipv4Address address() const { return interfaces_.empty() ? Ipv4Address{} : interfaces_.front().address; }
  bool owns(Ipv4Address a) const;
  const NodeStats& stats() const { return stats_; }

  void set_handler(std::uint8_t protocol, Handler h);

 private:
  friend class Network;
  NodeId id_;
  std::string name_;
  NodeKind kind_;
  std::vector<Interface> interfaces_;
  std::vector<int> route_;  // destination node -> outgoing interface index, or NoRoute
  std::array<Handler, 2> handlers_;  // TCP, UDP
  std::uint16_t next_ip_id_ = 1;
  NodeStats stats_;
};

}  // namespace wiresim
