#include "sim/scenario/registry.hpp"

namespace wiresim::dns {

void register_server(Registry& registry);
void register_resolver(Registry& registry);
void register_tools(Registry& registry);
void register_expectations(Registry& registry);
void register_attacks(Registry& registry);
void register_client(Registry& registry);

void register_protocol(Registry& registry) {
  register_server(registry);
  register_resolver(registry);
  register_tools(registry);
  register_expectations(registry);
  register_attacks(registry);
  register_client(registry);
  registry.add_event_kind("dns.cache", "a DNS cache added, used, replaced or expired an entry");
  registry.add_event_kind("dns.lookup", "a DNS question got its final answer, with its latency");
  registry.add_event_kind("dns.error", "malformed DNS input, answered FORMERR or dropped");
  registry.add_event_kind("dns.note", "DNS timeouts, truncations, ignored responses and attack progress");
  registry.add_event_kind("dns.tool", "what nslookup, dig or ipconfig printed");
}

}  // namespace wiresim::dns
