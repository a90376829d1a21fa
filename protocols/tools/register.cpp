#include "sim/scenario/registry.hpp"

namespace wiresim::tools {

void register_bulk(Registry& registry);
void register_echo(Registry& registry);
void register_telnet(Registry& registry);

void register_protocol(Registry& registry) {
  register_bulk(registry);
  register_echo(registry);
  register_telnet(registry);
}

}  // namespace wiresim::tools
