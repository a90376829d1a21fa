// FlowNetwork's reallocation with an interval: every change of the interval at once,
// incrementally while few channels are concerned, else the whole allocation afresh.
//
// Why afresh? A second's worth of starts and stops in a swarm whose uploads and downloads are
// all full touches most of it, and the incremental region then costs more than the whole: it
// jumps from channel to resource to channel, each a cache miss, and marks and checks what it
// visits. Here the progressive filling (B&G 6.5.2) reads the resources' sharer arrays in
// order (each sharer holds its channel's cap, and a two-hop channel's other resource) and one
// small record per resource, and never the channels until it writes their rates back. The
// result is the same max-min allocation, up to rounding. Where downloads are not full, each
// change stays among a few peers, and the incremental region is far cheaper than the whole.
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

// The channels on the resources, in the order their first resource lists them; each
// resource's filling record and first candidate level, with every channel unfrozen.
void FlowNetwork::Impl::collect_taking() {
  if (fill_by.size() < channels.size()) {
    fill_by.resize(channels.size(), NotTaking);
    fill_rate.resize(channels.size(), 0.0);
  }
  taking.clear();
  candidates.clear();
  levels.resize(resources.size());
  for (ResourceId r = 0; r < resources.size(); ++r) {
    const Resource& res = resources[r];
    Level& l = levels[r];
    l = {res.capacity, 0.0, 0.0, static_cast<std::uint32_t>(res.sharers.size())};
    for (const Sharer& s : res.sharers) {
      l.weight += s.weight;
      if (fill_by[s.channel] != NotTaking) continue;
      fill_by[s.channel] = NoBottleneck;
      taking.push_back(s.channel);
      if (!std::isinf(s.cap)) candidates.add(s.cap, s.channel, true);
    }
    if (l.unfrozen > 0) candidates.add(level_of(r), r, false);
  }
}

// The level at which resource r would fill if its unfrozen channels rose alone.
double FlowNetwork::Impl::level_of(ResourceId r) {
  Level& l = levels[r];
  if (!(l.weight > 0)) {  // rounding ate it: sum it afresh
    l.weight = 0;
    for (const Sharer& s : resources[r].sharers)
      if (fill_by[s.channel] == NoBottleneck) l.weight += s.weight;
    if (!(l.weight > 0)) return Unlimited;
  }
  return std::max(0.0, l.capacity - l.load) / l.weight;
}

// Freezes the channel of sharer s of resource r and takes it out of the filling of every
// resource on its path: a two-hop channel's sharer names its other resource, a longer path is
// read from the channel.
void FlowNetwork::Impl::freeze_taking(const Sharer& s, ResourceId r, double level, std::uint32_t by) {
  fill_by[s.channel] = by;
  fill_rate[s.channel] = level;
  const auto leave = [this, level](ResourceId resource, double weight) {
    Level& l = levels[resource];
    l.load += weight * level;
    l.weight -= weight;
    --l.unfrozen;
  };
  if (s.other != NoResource) {
    leave(r, s.weight);
    leave(s.other, s.other_weight);
    return;
  }
  for (const Hop& hop : channels[s.channel].path) leave(hop.resource, hop.weight);
}

void FlowNetwork::Impl::reallocate_all() {
  collect_taking();
  // A resource's level only rises as its channels freeze elsewhere (they freeze below it), so
  // its candidate is a lower bound, brought up to date when it comes first (as in fill()).
  candidates.start();
  double level = 0;
  Candidate next(0, 0, false);
  while (candidates.pop(next)) {
    if (next.is_cap()) {
      if (fill_by[next.id()] != NoBottleneck) continue;
      level = std::max(level, next.level());
      const Hop& first = channels[next.id()].path[0];  // caps are rare: read the channel
      freeze_taking(resources[first.resource].sharers[first.slot], first.resource, level, CapBottleneck);
      continue;
    }
    const ResourceId r = next.id();
    if (levels[r].unfrozen == 0) continue;
    const double current = level_of(r);
    if (current > next.level()) {
      candidates.raise({current, r, false});
      continue;
    }
    level = std::max(level, current);  // rounding must not let levels go back
    for (const Sharer& s : resources[r].sharers)
      if (fill_by[s.channel] == NoBottleneck) freeze_taking(s, r, level, r);
  }
  write_back_all();
  ++stats.reallocations;
  ++stats.fresh_reallocations;
  stats.channels_visited += taking.size();
}

// The channels first, each once (their rates, bottlenecks and completion events), then the
// resources, their sharers in order: the copies of rates and bottlenecks, and loads summed
// afresh, so that rounding never piles up.
void FlowNetwork::Impl::write_back_all() {
  for (ChannelId c : taking) {
    channels[c].bottleneck = fill_by[c];
    change_rate(c, fill_rate[c]);
    fill_rate[c] = channels[c].rate;  // kept as it was if it moved by rounding only
  }
  for (ResourceId r = 0; r < resources.size(); ++r) {
    Resource& res = resources[r];
    double load = 0;
    res.holders = 0;
    for (Sharer& s : res.sharers) {
      s.rate = fill_rate[s.channel];
      s.holds = fill_by[s.channel] == r;
      res.holders += s.holds;
      load += s.weight * s.rate;
    }
    res.load = load;
  }
  for (ChannelId c : taking) fill_by[c] = NotTaking;
}

}  // namespace wiresim::flow
