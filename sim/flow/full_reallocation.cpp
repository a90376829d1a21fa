// FlowNetwork's reallocation with an interval: every change of the interval at once,
// incrementally while few channels are concerned, else the whole allocation afresh.
//
// Why afresh? A second's worth of starts and stops in a swarm whose uploads and downloads are
// all full touches most of it, and the incremental region then costs more than the whole: it
// jumps from channel to resource to channel, each a cache miss, and marks and checks what it
// visits. Here the progressive filling (B&G 6.5.2) runs over copies of what it reads, side by
// side: the channels' caps and paths, and one small record per resource. The result is the
// same max-min allocation, up to rounding. Where downloads are not full, each change stays
// among a few peers, and the incremental region is far cheaper than the whole.
#include <algorithm>
#include <cmath>

#include "sim/flow/flow_state.hpp"

namespace wiresim::flow {

using detail::CapBottleneck;
using detail::NoBottleneck;

namespace {
// The incremental region, grown past this fraction of the active channels, gives way to a
// filling afresh.
constexpr std::size_t GiveUpFraction = 8;
}  // namespace

void FlowNetwork::Impl::allocate_pending() {
  begin_region();
  for (ChannelId c : pending_stops) {
    Channel& ch = channels[c];
    if (ch.pending != Pending::Stop) continue;  // started again, or listed twice
    ch.pending = Pending::None;
    release(c);
    if (!ch.open) free_channel(c);
  }
  expand_released();
  for (ChannelId c : pending_starts) {
    if (channels[c].pending != Pending::Start) continue;
    channels[c].pending = Pending::None;
    join_resources(c);
    join_region(c);
  }
  for (ChannelId c : pending_caps) {
    if (channels[c].pending != Pending::Cap) continue;
    channels[c].pending = Pending::None;
    join_region(c);
  }
  pending_stops.clear();
  pending_starts.clear();
  pending_caps.clear();
  if (region.empty() && touched.empty()) return;  // every change was undone in time
  // Incrementally while the region stays small (a swarm whose downloads are not full: each
  // change stays among a few peers), afresh once it has grown past an eighth of the channels
  // (u = 300 kbps and 2 Mbps at N = 300: faster than a half, a quarter or a sixteenth).
  if (reallocate(active_count / GiveUpFraction)) return;
  // A channel that crosses nothing is on no resource, so the filling does not see it: only its
  // cap holds it back.
  for (ChannelId c : region) {
    if (!channels[c].path.empty()) continue;
    set_bottleneck(c, std::isinf(channels[c].rate_cap) ? NoBottleneck : CapBottleneck);
    set_rate(c, channels[c].rate_cap);
  }
  reallocate_all();
}

// The channels on the resources, in the order their first resource lists them.
void FlowNetwork::Impl::collect_parts() {
  parts.clear();
  part_hops.clear();
  if (part_of.size() < channels.size()) part_of.resize(channels.size(), NoPart);
  for (ResourceId r = 0; r < resources.size(); ++r) {
    for (const Sharer& s : resources[r].sharers) {
      if (part_of[s.channel] != NoPart) continue;
      const Channel& ch = channels[s.channel];
      part_of[s.channel] = static_cast<std::uint32_t>(parts.size());
      Part& p = parts.emplace_back();
      p.channel = s.channel;
      p.cap = ch.rate_cap;
      p.first_hop = static_cast<std::uint32_t>(part_hops.size());
      for (const Hop& hop : ch.path) part_hops.push_back({hop.resource, hop.weight});
      p.last_hop = static_cast<std::uint32_t>(part_hops.size());
    }
  }
}

void FlowNetwork::Impl::reallocate_all() {
  collect_parts();
  levels.assign(resources.size(), Level{});
  for (ResourceId r = 0; r < resources.size(); ++r) levels[r].available = resources[r].capacity;
  for (const PartHop& hop : part_hops) {
    levels[hop.resource].weight += hop.weight;
    ++levels[hop.resource].unfrozen;
  }
  candidates.clear();
  for (ResourceId r = 0; r < resources.size(); ++r) {
    if (levels[r].unfrozen > 0) candidates.emplace_back(part_level(r), r, false);
  }
  for (const Part& p : parts) {
    if (!std::isinf(p.cap)) candidates.emplace_back(p.cap, p.channel, true);
  }
  // As in fill(): the first levels in sorted order, those that rose since in a heap.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return Candidate::Later{}(b, a);
  });
  raised.clear();
  std::size_t sorted_next = 0;
  double level = 0;
  for (;;) {
    Candidate next(0, 0, false);
    const bool from_sorted = sorted_next < candidates.size();
    if (!raised.empty() && (!from_sorted || Candidate::Later{}(candidates[sorted_next], raised.front()))) {
      std::pop_heap(raised.begin(), raised.end(), Candidate::Later{});
      next = raised.back();
      raised.pop_back();
    } else if (from_sorted) {
      next = candidates[sorted_next++];
    } else {
      break;
    }
    if (next.is_cap()) {
      Part& p = parts[part_of[next.id()]];
      if (p.by != NoBottleneck) continue;
      level = std::max(level, next.level());
      freeze_part(p, level, CapBottleneck);
      continue;
    }
    const ResourceId r = next.id();
    if (levels[r].unfrozen == 0) continue;
    const double current = part_level(r);
    if (current > next.level()) {
      raised.push_back({current, r, false});
      std::push_heap(raised.begin(), raised.end(), Candidate::Later{});
      continue;
    }
    level = std::max(level, current);  // rounding must not let levels go back
    for (const Sharer& s : resources[r].sharers) {
      Part& p = parts[part_of[s.channel]];
      if (p.by == NoBottleneck) freeze_part(p, level, r);
    }
  }
  for (const Part& p : parts) {
    part_of[p.channel] = NoPart;
    set_bottleneck(p.channel, p.by);
    set_rate(p.channel, p.rate);
  }
  // Loads summed afresh, so that rounding never piles up.
  for (ResourceId r = 0; r < resources.size(); ++r) {
    Resource& res = resources[r];
    double load = 0;
    for (const Sharer& s : res.sharers) load += s.weight * s.rate;
    res.load = load;
  }
  ++stats.reallocations;
  stats.channels_visited += parts.size();
}

// The level at which resource r would fill if its unfrozen channels rose alone.
double FlowNetwork::Impl::part_level(ResourceId r) {
  Level& l = levels[r];
  if (!(l.weight > 0)) {  // rounding ate it: sum it afresh
    l.weight = 0;
    for (const Sharer& s : resources[r].sharers)
      if (parts[part_of[s.channel]].by == NoBottleneck) l.weight += s.weight;
    if (!(l.weight > 0)) return Unlimited;
  }
  return std::max(0.0, l.available - l.load) / l.weight;
}

void FlowNetwork::Impl::freeze_part(Part& p, double level, std::uint32_t by) {
  p.rate = level;
  p.by = by;
  for (std::uint32_t h = p.first_hop; h < p.last_hop; ++h) {
    Level& l = levels[part_hops[h].resource];
    l.load += part_hops[h].weight * level;
    l.weight -= part_hops[h].weight;
    --l.unfrozen;
  }
}

}  // namespace wiresim::flow
