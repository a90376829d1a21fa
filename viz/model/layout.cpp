#include "viz/model/layout.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

// Boost.Graph's Kamada-Kawai trips GCC 12's -Wmaybe-uninitialized inside its own iterators.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/circle_layout.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/kamada_kawai_spring_layout.hpp>
#include <boost/graph/topology.hpp>
#pragma GCC diagnostic pop

namespace wiresim::viz {
namespace {

using Position = boost::square_topology<>::point_type;
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double>>;

// Kamada-Kawai's own stopping rule (an energy tolerance) can oscillate forever on symmetric
// graphs such as stars; stop after a bounded number of moves as well.
struct BoundedTolerance {
  boost::layout_tolerance<double> tolerance{1e-4};
  std::shared_ptr<std::size_t> moves = std::make_shared<std::size_t>(0);
  std::size_t limit = 0;
  template <class Vertex, class G>
  bool operator()(double delta, Vertex p, const G& g, bool global) {
    if (++*moves > limit) return true;
    return tolerance(delta, p, g, global);
  }
};

// Kamada-Kawai needs a connected graph; lay each component out alone and put them side by side.
std::vector<Position> spring_layout(std::size_t count, const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
  std::vector<Position> out(count);
  if (count == 0) return out;
  Graph g(count);
  for (auto [a, b] : edges)
    if (a != b) boost::add_edge(a, b, 1.0, g);
  std::vector<int> component(count);
  const int components = boost::connected_components(g, component.data());
  double offset = 0;
  for (int c = 0; c < components; ++c) {
    std::vector<std::size_t> members;
    for (std::size_t v = 0; v < count; ++v)
      if (component[v] == c) members.push_back(v);
    std::vector<std::size_t> local(count, 0);
    for (std::size_t i = 0; i < members.size(); ++i) local[members[i]] = i;
    Graph sub(members.size());
    for (auto [a, b] : edges)
      if (a != b && component[a] == c) boost::add_edge(local[a], local[b], 1.0, sub);
    std::vector<Position> pos(members.size());
    auto map = boost::make_iterator_property_map(pos.begin(), boost::get(boost::vertex_index, sub));
    const double side = std::sqrt(static_cast<double>(members.size())) * 3.0 + 1.0;
    boost::circle_graph_layout(sub, map, side / 2);
    if (members.size() > 1)
      boost::kamada_kawai_spring_layout(sub, map, boost::get(boost::edge_weight, sub), boost::square_topology<>(side),
                                        boost::side_length(side),
                                        BoundedTolerance{{1e-4}, std::make_shared<std::size_t>(0), 200 * members.size()});
    double min_x = 1e300, max_x = -1e300;
    for (const Position& p : pos) {
      min_x = std::min(min_x, p[0]);
      max_x = std::max(max_x, p[0]);
    }
    for (std::size_t i = 0; i < members.size(); ++i) {
      out[members[i]] = pos[i];
      out[members[i]][0] += offset - min_x;
    }
    offset += (max_x - min_x) + 2.0;
  }
  return out;
}

}  // namespace

std::vector<Point> layout_nodes(const std::vector<NodeInfo>& nodes, const std::vector<LinkInfo>& links) {
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (const LinkInfo& l : links) edges.emplace_back(l.ends[0], l.ends[1]);
  const std::vector<Position> raw = spring_layout(nodes.size(), edges);
  // Fit into the canvas box, keeping the aspect ratio and a margin for names.
  double min_x = 1e300, max_x = -1e300, min_y = 1e300, max_y = -1e300;
  for (const Position& p : raw) {
    min_x = std::min(min_x, p[0]);
    max_x = std::max(max_x, p[0]);
    min_y = std::min(min_y, p[1]);
    max_y = std::max(max_y, p[1]);
  }
  const double margin = 60;
  const double span_x = std::max(max_x - min_x, 1e-9), span_y = std::max(max_y - min_y, 1e-9);
  const double scale = std::min((LayoutWidth - 2 * margin) / span_x, (LayoutHeight - 2 * margin) / span_y);
  std::vector<Point> out(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].position) {
      out[i] = {static_cast<float>((*nodes[i].position)[0]), static_cast<float>((*nodes[i].position)[1])};
    } else if (nodes.size() == 1) {
      out[i] = {LayoutWidth / 2, LayoutHeight / 2};
    } else {
      out[i] = {static_cast<float>(margin + (raw[i][0] - min_x) * scale + (LayoutWidth - 2 * margin - span_x * scale) / 2),
                static_cast<float>(margin + (raw[i][1] - min_y) * scale + (LayoutHeight - 2 * margin - span_y * scale) / 2)};
    }
  }
  return out;
}

}  // namespace wiresim::viz
