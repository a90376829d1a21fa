// How many times something may happen, as [[expect]] tables write it: at_least / at_most.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/core/units.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim {

struct Bounds {
  std::uint64_t at_least = 1;
  std::optional<std::uint64_t> at_most;
  static Bounds read(TableReader& r, std::uint64_t default_at_least) {
    Bounds b;
    b.at_least = static_cast<std::uint64_t>(r.integer_or("at_least", 0, INT64_MAX, static_cast<std::int64_t>(default_at_least)));
    if (r.has("at_most")) {
      b.at_most = static_cast<std::uint64_t>(r.integer("at_most", 0, INT64_MAX));
      if (!r.has("at_least")) b.at_least = 0;
      if (*b.at_most < b.at_least) r.fail("at_most", "'at_most' is below 'at_least'");
    }
    return b;
  }
  bool holds(std::uint64_t n) const { return n >= at_least && (!at_most || n <= *at_most); }
  // "at least 1 packet", "from 2 to 5 packets"; the noun is singular only for exactly one.
  std::string text(const std::string& noun) const {
    if (at_most && *at_most == at_least) return "exactly " + counted(at_least, noun);
    if (at_most && at_least == 0) return "at most " + counted(*at_most, noun);
    if (at_most) return "from " + std::to_string(at_least) + " to " + counted(*at_most, noun);
    return "at least " + counted(at_least, noun);
  }
};

}  // namespace wiresim
