// The core's timeline actions for [[action]]: taking links down and bringing them back up.
#include "sim/core/suggest.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"
#include "sim/scenario/world.hpp"

namespace wiresim {

LinkId read_link(TableReader& r, const Network& net, std::string_view key) {
  const std::string name = r.string(key);
  if (auto id = net.find_link(name)) return *id;
  std::vector<std::string> names;
  for (LinkId i = 0; i < net.link_count(); ++i) names.push_back(net.link(i).name());
  r.fail(key, "unknown link '" + name + "'" + did_you_mean_or_list(name, names, "links are named", true));
}

void register_core_actions(Registry& registry) {
  registry.add_action("drop-packets",
                      {"lose the next `count` packets sent from `from` on a link (from each end when `from` is not given)",
                       [](ActionContext& c) -> std::function<void()> {
                         const LinkId id = read_link(c.table, c.world.net, "link");
                         Link* link = &c.world.net.link(id);
                         const auto count = static_cast<std::uint32_t>(c.table.integer_or("count", 1, 1'000'000, 1));
                         int side = -1;
                         if (c.table.has("from")) {
                           const NodeId from = c.table.node("from");
                           if (from != link->end(0) && from != link->end(1))
                             c.table.fail("from", "'" + c.world.net.node(from).name() + "' is not an end of link '" +
                                                      link->name() + "'");
                           side = from == link->end(0) ? 0 : 1;
                         }
                         return [link, side, count] {
                           for (int s = 0; s < 2; ++s)
                             if (side < 0 || side == s) link->drop_next(s, count);
                         };
                       }});
  for (bool up : {false, true}) {
    registry.add_action(up ? "link-up" : "link-down",
                        {up ? "bring a link back up (routes are recomputed)" : "take a link down (routes are recomputed)",
                         [up](ActionContext& c) -> std::function<void()> {
                           const LinkId id = read_link(c.table, c.world.net, "link");
                           Network* net = &c.world.net;
                           return [net, id, up] { net->set_link_up(id, up); };
                         }});
  }
}

}  // namespace wiresim
