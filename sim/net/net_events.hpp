// Trace events of the network layer: packets on the wire, delivered, dropped; links and routes.
#pragma once

#include <string>

#include "sim/core/trace_bus.hpp"
#include "sim/net/link.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet.hpp"

namespace wiresim {

// A packet starts transmission on an interface (a capture point sees it here, as tcpdump does).
struct PacketTransmitted {
  static constexpr std::string_view kind = "packet.tx";
  const Node* node;
  const Interface* interface;
  const Link* link;
  PacketPtr packet;
  Time queued_at;  // when it joined the link's queue (typed subscribers only: the view's queues)
  Time tx_end, arrival;
  bool lost;  // will be lost on the wire (random loss)
  void describe(TraceRecord& r) const;
};

// A packet arrives whole at an interface.
struct PacketReceived {
  static constexpr std::string_view kind = "packet.rx";
  const Node* node;
  const Interface* interface;
  const Link* link;
  PacketPtr packet;
  void describe(TraceRecord& r) const;
};

struct PacketDropped {
  static constexpr std::string_view kind = "packet.drop";
  const Node* node;   // where it was dropped (the sender's side for link drops)
  const Link* link;   // null for drops inside a node
  PacketPtr packet;
  // On links: queue-full, loss, injected, link-down. In nodes: no-route, ttl-expired, not-for-me,
  // malformed, no-transport, port-unreachable.
  std::string reason;
  void describe(TraceRecord& r) const;
};

struct LinkStateChanged {
  static constexpr std::string_view kind = "link.state";
  const Link* link;
  bool up;
  void describe(TraceRecord& r) const;
};

struct RoutesChanged {
  static constexpr std::string_view kind = "ip.routes";
  std::string cause;
  std::size_t changed = 0;      // (node, destination) next hops that differ from before
  std::size_t unreachable = 0;  // (host, host) pairs with no path
  void describe(TraceRecord& r) const;
};

}  // namespace wiresim
