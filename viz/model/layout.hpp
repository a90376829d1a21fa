// Where the canvas draws each node: a force-directed layout of the topology (Boost.Graph's
// Kamada-Kawai spring layout, started from a circle, so the same topology always looks the
// same), then the scenario's own `position = [x, y]` for the nodes that give one.
#pragma once

#include <vector>

#include "viz/model/recording.hpp"

namespace wiresim::viz {

struct Point {
  float x = 0, y = 0;
};

// Canvas units: the laid-out nodes fill a LayoutWidth x LayoutHeight box; scenario positions
// use the same units, (0, 0) at the top left.
inline constexpr float LayoutWidth = 1000, LayoutHeight = 650;

std::vector<Point> layout_nodes(const std::vector<NodeInfo>& nodes, const std::vector<LinkInfo>& links);

}  // namespace wiresim::viz
