#include "sim/flow/max_min.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

namespace wiresim::flow {

Result<std::vector<double>> max_min_rates(const std::vector<double>& capacities,
                                          const std::vector<MaxMinChannel>& channels) {
  for (std::size_t r = 0; r < capacities.size(); ++r) {
    if (!(capacities[r] >= 0)) {
      std::string message = "max_min_rates: resource ";
      message += std::to_string(r);
      message += " has a negative or NaN capacity";
      return Error{message};
    }
  }
  for (std::size_t c = 0; c < channels.size(); ++c) {
    const MaxMinChannel& channel = channels[c];
    if (std::isnan(channel.rate_cap) || channel.rate_cap < 0) {
      std::string message = "max_min_rates: channel ";
      message += std::to_string(c);
      message += " has a negative or NaN rate cap";
      return Error{message};
    }
    for (const PathHop& hop : channel.path) {
      if (hop.resource >= capacities.size() || !(hop.weight >= 0) || std::isinf(hop.weight)) {
        std::string message = "max_min_rates: channel ";
        message += std::to_string(c);
        message += " has a hop to an unknown resource or with a weight that is not finite and >= 0";
        return Error{message};
      }
    }
  }

  // Every unfrozen channel runs at the common `level`. Each round finds the lowest level at
  // which a resource fills up or a cap is reached, and freezes the channels held there.
  const std::size_t n = channels.size();
  std::vector<double> rates(n, 0.0);
  std::vector<bool> frozen(n, false);
  std::vector<double> frozen_load(capacities.size());
  std::vector<double> unfrozen_weight(capacities.size());
  std::size_t unfrozen_count = n;
  auto constrains = [&](const PathHop& hop) { return hop.weight > 0 && !std::isinf(capacities[hop.resource]); };
  while (unfrozen_count > 0) {
    std::fill(frozen_load.begin(), frozen_load.end(), 0.0);
    std::fill(unfrozen_weight.begin(), unfrozen_weight.end(), 0.0);
    for (std::size_t c = 0; c < n; ++c) {
      for (const PathHop& hop : channels[c].path) {
        if (!constrains(hop)) continue;
        if (frozen[c]) frozen_load[hop.resource] += hop.weight * rates[c];
        else unfrozen_weight[hop.resource] += hop.weight;
      }
    }
    double next = Unlimited;
    std::size_t bottleneck = capacities.size();  // none: a cap (or nothing) sets the level
    for (std::size_t r = 0; r < capacities.size(); ++r) {
      if (unfrozen_weight[r] <= 0) continue;
      const double level = std::max(0.0, capacities[r] - frozen_load[r]) / unfrozen_weight[r];
      if (level < next) {
        next = level;
        bottleneck = r;
      }
    }
    for (std::size_t c = 0; c < n; ++c) {
      if (!frozen[c] && channels[c].rate_cap < next) {
        next = channels[c].rate_cap;
        bottleneck = capacities.size();
      }
    }
    for (std::size_t c = 0; c < n; ++c) {
      if (frozen[c]) continue;
      bool held = channels[c].rate_cap <= next || std::isinf(next);
      for (const PathHop& hop : channels[c].path) held = held || (constrains(hop) && hop.resource == bottleneck);
      if (!held) continue;
      rates[c] = next;
      frozen[c] = true;
      --unfrozen_count;
    }
  }
  return rates;
}

}  // namespace wiresim::flow
