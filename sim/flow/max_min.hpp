// The reference max-min allocation: progressive filling over every channel at once, as in
// Bertsekas & Gallager 6.5.2. FlowNetwork reaches the same rates incrementally; tests compare
// the two. It visits everything on every round, so it is for checking, not for simulating.
#pragma once

#include <vector>

#include "sim/core/result.hpp"
#include "sim/flow/flow_network.hpp"

namespace wiresim::flow {

// One active channel: the resources it crosses (repeats add up) and its own rate bound.
struct MaxMinChannel {
  std::vector<PathHop> path;
  double rate_cap = Unlimited;
};

// The weighted max-min fair rates of `channels` over resources of `capacities` bits/s, in the
// order of `channels`. A resource of infinite capacity bounds nothing; a channel bounded by
// nothing gets an infinite rate. An error names the first hop or capacity that makes no sense.
Result<std::vector<double>> max_min_rates(const std::vector<double>& capacities,
                                          const std::vector<MaxMinChannel>& channels);

}  // namespace wiresim::flow
