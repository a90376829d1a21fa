// Static routing: one Dijkstra per destination over the links that are up (Boost.Graph).
// The shortest-path tree rooted at a destination gives every node its next hop toward it.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include "sim/net/net_events.hpp"
#include "sim/net/network.hpp"

namespace wiresim {

RoutesChanged Network::compute_routes(const std::string& cause, bool publish) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, std::uint64_t>>;
  const std::size_t n = nodes_.size();
  Graph g(n);
  for (const auto& l : links_)
    if (l->up()) boost::add_edge(l->end(0), l->end(1), l->config().cost, g);

  std::size_t changed = 0, unreachable = 0;
  std::vector<std::uint64_t> distance(n);
  std::vector<Graph::vertex_descriptor> parent(n);
  for (NodeId destination = 0; destination < n; ++destination) {
    boost::dijkstra_shortest_paths(g, destination,
                                   boost::predecessor_map(parent.data()).distance_map(distance.data()));
    for (NodeId from = 0; from < n; ++from) {
      Node& node = *nodes_[from];
      int out = NoRoute;
      if (from != destination && parent[from] != from) {
        // Among parallel links to the next hop, the cheapest up link declared first wins.
        std::uint64_t best_cost = UINT64_MAX;
        for (std::size_t i = 0; i < node.interfaces_.size(); ++i) {
          const Link& l = *links_[node.interfaces_[i].link];
          if (!l.up() || l.end(1 - node.interfaces_[i].side) != parent[from]) continue;
          if (l.config().cost < best_cost) {
            best_cost = l.config().cost;
            out = static_cast<int>(i);
          }
        }
      }
      if (from != destination && out == NoRoute && !node.is_router() && !nodes_[destination]->is_router())
        ++unreachable;
      if (node.route_[destination] != out) {
        ++changed;
        node.route_[destination] = out;
      }
    }
  }
  const RoutesChanged event{cause, changed, unreachable};
  if (publish) sim_.trace().publish(event);
  return event;
}

}  // namespace wiresim
