#include "sim/net/net_events.hpp"

namespace wiresim {
namespace {

void packet_fields(TraceRecord& r, const PacketPtr& p) {
  r.add("uid", static_cast<std::int64_t>(p->uid));
  r.add("size", static_cast<std::int64_t>(p->bytes.size()));
  r.add("summary", summarize(p->bytes));
}

}  // namespace

void PacketTransmitted::describe(TraceRecord& r) const {
  r.node = node->name();
  r.layer = "link";
  r.text = "tx " + interface->name + " " + summarize(packet->bytes) + (lost ? " (will be lost)" : "");
  r.add("interface", interface->name);
  r.add("link", link->name());
  packet_fields(r, packet);
  r.add("tx_end_ns", tx_end.ns);
  r.add("arrival_ns", arrival.ns);
  r.add("lost", lost);
}

void PacketReceived::describe(TraceRecord& r) const {
  r.node = node->name();
  r.layer = "link";
  r.text = "rx " + interface->name + " " + summarize(packet->bytes);
  r.add("interface", interface->name);
  r.add("link", link->name());
  packet_fields(r, packet);
}

void PacketDropped::describe(TraceRecord& r) const {
  r.node = node->name();
  r.layer = link ? "link" : "ip";
  r.text = "drop (" + reason + ") " + (link ? "on " + link->name() + " " : std::string()) + summarize(packet->bytes);
  r.add("reason", reason);
  if (link) r.add("link", link->name());
  packet_fields(r, packet);
}

void LinkStateChanged::describe(TraceRecord& r) const {
  r.layer = "link";
  r.text = "link " + link->name() + (up ? " up" : " down");
  r.add("link", link->name());
  r.add("up", up);
}

void RoutesChanged::describe(TraceRecord& r) const {
  r.layer = "ip";
  r.text = cause == "start" ? "routes computed: " + std::to_string(changed) + " next hops"
                             : "routes recomputed (" + cause + "): " + std::to_string(changed) + " next hops changed";
  if (unreachable) r.text += ", " + std::to_string(unreachable) + " host pairs unreachable";
  r.add("cause", cause);
  r.add("changed", static_cast<std::int64_t>(changed));
  r.add("unreachable", static_cast<std::int64_t>(unreachable));
}

}  // namespace wiresim
