// FlowNetwork's incremental max-min allocation (B&G 6.5.2) and its checker.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/flow/flow_state.hpp"

namespace wiresim::flow {

using detail::CapBottleneck;
using detail::NoBottleneck;

namespace {

// Rates come out of divisions, so a resource that the filling saturated may sum to a hair
// below its capacity: anything this close counts as full when deciding whom to take into a
// reallocation (more is only slower), and in check_allocation().
constexpr double FullWithin = 1e-9;
// The bottleneck check that ends a reallocation. Far above rounding error (1e-16 a step), far
// below check_allocation()'s 1e-9, so accepted results cannot drift towards that limit.
constexpr double VerifyWithin = 1e-12;
// A reallocation that moves a rate by less than this keeps the old rate, so the completion
// events of channels whose share only moved by rounding stay where they are.
constexpr double SameRateWithin = 1e-14;

bool saturated(double load, double capacity, double within) { return load >= capacity - capacity * within; }

std::string format_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", x);
  return text;
}

}  // namespace

// A new reallocation: nothing in the region yet, every mark of the last one out of date.
void FlowNetwork::Impl::begin_region() {
  ++epoch;
  region.clear();
  touched.clear();
  to_expand.clear();
}

void FlowNetwork::Impl::allocate_started(ChannelId c) {
  join_resources(c);
  begin_region();
  join_region(c);
  reallocate();
}

void FlowNetwork::Impl::allocate_stopped(ChannelId c) {
  begin_region();
  release(c);
  expand_released();
  reallocate();
}

// A stopped channel gives its share back. The reallocation starts from the allocation with the
// channel still in it: its resources move their fastest channels if they were saturated then.
void FlowNetwork::Impl::release(ChannelId c) {
  Channel& ch = channels[c];
  // Marked as expanded, so that expand_pending() does not test them against their loads
  // without the channel.
  for (const Hop& hop : ch.path) {
    Resource& res = resources[hop.resource];
    const bool was_saturated = saturated(res.load, res.capacity, FullWithin);
    touch(hop.resource);
    res.load = std::max(0.0, res.load - hop.weight * ch.rate);
    res.expanded_epoch = epoch;
    if (was_saturated) seed_saturated.push_back(hop.resource);
  }
  leave_resources(c);
  ch.rate = 0;
}

void FlowNetwork::Impl::expand_released() {
  for (ResourceId r : seed_saturated) expand_fastest(r);
  seed_saturated.clear();
}

void FlowNetwork::Impl::allocate_new_cap(ChannelId c) {
  begin_region();
  join_region(c);
  reallocate();
}

void FlowNetwork::Impl::join_resources(ChannelId c) {
  Channel& ch = channels[c];
  ch.bottleneck = NoBottleneck;
  for (Hop& hop : ch.path) {
    std::vector<Sharer>& sharers = resources[hop.resource].sharers;
    hop.slot = static_cast<std::uint32_t>(sharers.size());
    Sharer& added = sharers.emplace_back();
    added.channel = c;
    added.weight = hop.weight;
    added.rate = ch.rate;
    added.cap = ch.rate_cap;
    const bool two = ch.path.size() == 2;
    const Hop& other = ch.path[&hop == &ch.path[0] ? 1 : 0];
    added.other = two ? other.resource : NoResource;
    added.other_weight = two ? other.weight : 0.0;
  }
}

void FlowNetwork::Impl::leave_resources(ChannelId c) {
  for (const Hop& hop : channels[c].path) {
    Resource& res = resources[hop.resource];
    std::vector<Sharer>& sharers = res.sharers;
    if (sharers[hop.slot].holds) --res.holders;
    sharers[hop.slot] = sharers.back();
    sharers.pop_back();
    if (hop.slot == sharers.size()) continue;  // it was the last one
    // The moved channel's hop to this resource: paths are short and name a resource once.
    for (Hop& moved : channels[sharers[hop.slot].channel].path) {
      if (moved.resource == hop.resource) moved.slot = hop.slot;
    }
  }
}

// Reallocation after a channel started, stopped or changed its cap (allocate_*), which put
// that channel, or the fastest channels of the resources it left, into the region. Only the
// region's channels get new rates; all others keep theirs. The region is filled progressively, each
// touched resource offering its capacity minus the load of the channels outside the region,
// then verified: an allocation is max-min fair iff it is feasible and every channel has a
// bottleneck (B&G 6.5.2), and the max-min allocation is unique, so a verified result is what a
// full recomputation gives. Channels that fail the check join the region, which is filled
// again; the region only grows, so this ends, at worst with every channel in it.
//
// Feasibility holds by construction: untouched resources keep their loads, touched ones are
// filled within capacity minus other_load. The bottlenecks to verify:
// - A region channel is frozen by its cap, or by a resource the filling saturated where no
//   region channel is faster. That is a bottleneck unless a channel outside the region is
//   faster there: those join.
// - A channel outside the region keeps its rate and its recorded bottleneck. If that resource
//   is not touched (no region channel crosses it, no stopped channel left it), nothing on it
//   changed and it still holds. Otherwise the channel looks for a bottleneck afresh, or joins.
//
// Which channels join before the first filling only decides how often it is redone. A rate
// change on a saturated resource moves the share of the channels it holds back (its fastest
// ones); slower channels are held elsewhere. So the region starts with the changed channel and
// grows through the fastest channels of each saturated resource it touches. Along such a chain
// rates never go down, so in a swarm whose downloads are mostly not full it stays within a few
// peers; taking every channel of every saturated resource instead spread through the swarm.
bool FlowNetwork::Impl::reallocate(std::size_t give_up_above) {
  expand_pending(give_up_above);
  for (;;) {
    if (region.size() > give_up_above) return false;
    fill();
    if (!add_channels_without_bottleneck()) break;
    expand_pending(give_up_above);
  }
  for (ChannelId c : region) {
    set_bottleneck(c, channels[c].frozen_by);
    set_rate(c, channels[c].new_rate);
  }
  for (ResourceId r : touched) resources[r].load = resources[r].other_load + resources[r].region_load;
  ++stats.reallocations;
  stats.channels_visited += region.size();
  return true;
}

void FlowNetwork::Impl::join_region(ChannelId c) {
  Channel& ch = channels[c];
  if (ch.region_epoch == epoch) return;
  ch.region_epoch = epoch;
  region.push_back(c);
  for (const Hop& hop : ch.path) {
    touch(hop.resource);
    Resource& res = resources[hop.resource];
    Sharer& s = res.sharers[hop.slot];
    s.region_epoch = epoch;
    res.region_old_load += hop.weight * ch.rate;
    if (s.holds) ++res.region_holders;
    if (res.expanded_epoch != epoch) to_expand.push_back(hop.resource);
  }
}

void FlowNetwork::Impl::touch(ResourceId r) {
  Resource& res = resources[r];
  if (res.touched_epoch == epoch) return;
  res.touched_epoch = epoch;
  res.region_old_load = 0;
  res.region_holders = 0;
  res.outside_below = Unlimited;
  touched.push_back(r);
}

// The fastest channels of each saturated resource in to_expand join the region.
void FlowNetwork::Impl::expand_pending(std::size_t give_up_above) {
  while (!to_expand.empty() && region.size() <= give_up_above) {
    const ResourceId r = to_expand.back();
    to_expand.pop_back();
    Resource& res = resources[r];
    if (res.expanded_epoch == epoch) continue;
    res.expanded_epoch = epoch;
    if (saturated(res.load, res.capacity, FullWithin)) expand_fastest(r);
  }
}

// Loads are kept up to date by differences (see fill()); summing one afresh where its sharers
// are read anyway keeps rounding from piling up on the saturated resources, where it matters.
void FlowNetwork::Impl::expand_fastest(ResourceId r) {
  Resource& res = resources[r];
  double fastest = 0, load = 0;
  for (const Sharer& s : res.sharers) {
    fastest = std::max(fastest, s.rate);
    load += s.weight * s.rate;
  }
  res.load = load;
  // By index: joining pushes onto to_expand, never onto this resource's sharers.
  double slower = 0;
  for (std::size_t i = 0; i < res.sharers.size(); ++i) {
    const double rate = res.sharers[i].rate;
    if (rate >= fastest - fastest * FullWithin) join_region(res.sharers[i].channel);
    else slower = std::max(slower, rate);
  }
  res.outside_below = slower;  // channels joining later only lower it
}

// Progressive filling of the region (B&G 6.5.2): all unfrozen region channels rise together;
// the lowest level at which a resource fills or a cap is met freezes the channels held there.
// Sorted candidate levels make it O((channels + hops) log) in the region's size. A resource's
// level only rises as its channels freeze elsewhere (they freeze below it), so its candidate
// is a lower bound, brought up to date when it comes first (and put in a heap if it rose).
void FlowNetwork::Impl::fill() {
  ++round;
  for (ResourceId r : touched) {
    Resource& res = resources[r];
    // By difference: summing the outside channels would read every sharer of every touched
    // resource, most of a reallocation's time.
    res.other_load = std::max(0.0, res.load - res.region_old_load);
    res.available = std::max(0.0, res.capacity - res.other_load);
    res.region_load = 0;
    res.unfrozen_weight = 0;
    res.unfrozen = 0;
    res.slowest_frozen = Unlimited;
  }
  for (ChannelId c : region) {
    for (const Hop& hop : channels[c].path) {
      resources[hop.resource].unfrozen_weight += hop.weight;
      ++resources[hop.resource].unfrozen;
    }
  }
  candidates.clear();
  for (ResourceId r : touched) {
    if (resources[r].unfrozen > 0) candidates.add(fill_level(r), r, false);
  }
  for (ChannelId c : region) {
    const Channel& ch = channels[c];
    if (!std::isinf(ch.rate_cap)) candidates.add(ch.rate_cap, c, true);
    else if (ch.path.empty()) freeze(c, Unlimited, NoBottleneck);
  }
  candidates.start();
  double level = 0;
  Candidate next(0, 0, false);
  while (candidates.pop(next)) {
    if (next.is_cap()) {
      if (channels[next.id()].frozen_round == round) continue;
      level = std::max(level, next.level());
      freeze(next.id(), level, CapBottleneck);
      continue;
    }
    Resource& res = resources[next.id()];
    if (res.unfrozen == 0) continue;
    const double current = fill_level(next.id());
    if (current > next.level()) {
      candidates.raise({current, next.id(), false});
      continue;
    }
    level = std::max(level, current);  // rounding must not let levels go back
    for (const Sharer& s : res.sharers) {
      if (s.region_epoch == epoch && s.frozen_round != round) freeze(s.channel, level, next.id());
    }
  }
}

// The level at which the resource would fill if its unfrozen channels rose alone.
double FlowNetwork::Impl::fill_level(ResourceId r) {
  Resource& res = resources[r];
  if (!(res.unfrozen_weight > 0)) res.unfrozen_weight = unfrozen_weight_summed(r);  // rounding ate it
  return std::max(0.0, res.available - res.region_load) / res.unfrozen_weight;
}

double FlowNetwork::Impl::unfrozen_weight_summed(ResourceId r) const {
  double sum = 0;
  for (const Sharer& s : resources[r].sharers) {
    if (s.region_epoch == epoch && s.frozen_round != round) sum += s.weight;
  }
  return sum;
}

// `by` is the resource being saturated, or the cap.
void FlowNetwork::Impl::freeze(ChannelId c, double level, std::uint32_t by) {
  Channel& ch = channels[c];
  ch.new_rate = level;
  ch.frozen_round = round;
  ch.frozen_by = by;
  for (const Hop& hop : ch.path) {
    Resource& res = resources[hop.resource];
    Sharer& s = res.sharers[hop.slot];
    s.frozen_round = round;
    s.new_rate = level;
    if (hop.resource == by) res.slowest_frozen = std::min(res.slowest_frozen, level);
    res.region_load += hop.weight * level;
    res.unfrozen_weight -= hop.weight;
    --res.unfrozen;
  }
}

// Verifies the filling (see reallocate); returns true if channels joined the region. Only
// resources that froze region channels, or that outside channels record as their bottleneck,
// can hold a channel without one.
bool FlowNetwork::Impl::add_channels_without_bottleneck() {
  joining.clear();
  for (ResourceId r : touched) {
    const Resource& res = resources[r];
    // Region channels frozen here need every outside channel here to be no faster.
    const double limit = res.slowest_frozen + res.slowest_frozen * VerifyWithin;
    const bool froze = res.slowest_frozen < Unlimited && res.outside_below > limit;
    if (!froze && res.holders == res.region_holders) continue;
    for (const Sharer& s : res.sharers) {
      if (s.region_epoch == epoch) continue;
      if (froze && s.rate > limit) {
        joining.push_back(s.channel);
      } else if (s.holds) {
        const std::uint32_t found = find_bottleneck(s.channel);
        if (found == NoBottleneck) joining.push_back(s.channel);
        else set_bottleneck(s.channel, found);
      }
    }
  }
  for (ChannelId c : joining) join_region(c);
  return !joining.empty();
}

// A bottleneck of channel c after the filling, or NoBottleneck.
std::uint32_t FlowNetwork::Impl::find_bottleneck(ChannelId c) const {
  const Channel& ch = channels[c];
  const double rate = ch.region_epoch == epoch ? ch.new_rate : ch.rate;
  if (rate >= ch.rate_cap - ch.rate_cap * VerifyWithin) return CapBottleneck;
  for (const Hop& hop : ch.path) {
    if (!saturated(filled_load(hop.resource), resources[hop.resource].capacity, VerifyWithin)) continue;
    const double fastest = fastest_rate(hop.resource);
    if (rate >= fastest - fastest * VerifyWithin) return hop.resource;
  }
  return NoBottleneck;
}

double FlowNetwork::Impl::fastest_rate(ResourceId r) const {
  double fastest = 0;
  for (const Sharer& s : resources[r].sharers) fastest = std::max(fastest, s.region_epoch == epoch ? s.new_rate : s.rate);
  return fastest;
}

double FlowNetwork::Impl::filled_load(ResourceId r) const {
  const Resource& res = resources[r];
  return res.touched_epoch == epoch ? res.other_load + res.region_load : res.load;
}

void FlowNetwork::Impl::set_bottleneck(ChannelId c, std::uint32_t bottleneck) {
  Channel& ch = channels[c];
  if (ch.bottleneck == bottleneck) return;
  ch.bottleneck = bottleneck;
  for (const Hop& hop : ch.path) {
    Resource& res = resources[hop.resource];
    Sharer& s = res.sharers[hop.slot];
    const bool holds = hop.resource == bottleneck;
    if (s.holds == holds) continue;
    s.holds = holds;
    if (holds) ++res.holders;
    else --res.holders;
  }
}

void FlowNetwork::Impl::set_rate(ChannelId c, double rate) {
  if (!change_rate(c, rate)) return;
  for (const Hop& hop : channels[c].path) sharer_of(hop).rate = rate;
}

// Returns false when the rate stays as it was.
bool FlowNetwork::Impl::change_rate(ChannelId c, double rate) {
  Channel& ch = channels[c];
  if (rate == ch.rate || (std::isfinite(ch.rate) && std::abs(rate - ch.rate) <= SameRateWithin * ch.rate)) return false;
  settle(ch);
  const bool slower = rate < ch.rate;
  ch.rate = rate;
  // Slower, the head ends later than the completion event, which then waits for the rest.
  if (!slower || !ch.completion.valid()) schedule_completion(c);
  return true;
}

std::string FlowNetwork::Impl::check() const {
  std::vector<double> load(resources.size(), 0.0), fastest(resources.size(), 0.0);
  std::size_t active_seen = 0;
  const bool due = tick.valid();  // changes wait for a reallocation
  for (ChannelId c = 0; c < channels.size(); ++c) {
    const Channel& ch = channels[c];
    const bool holds_share = ch.pending == Pending::Stop;  // idle or closed, until the reallocation
    if (!ch.open && !holds_share) continue;
    std::string message = "channel " + std::to_string(c);
    if (!ch.active && !holds_share) {
      if (ch.rate == 0) continue;
      message += " is idle but has rate ";
      message += format_number(ch.rate);
      return message;
    }
    active_seen += ch.active;
    const bool over_cap = ch.rate > ch.rate_cap + ch.rate_cap * FullWithin && ch.pending != Pending::Cap;
    if (std::isnan(ch.rate) || ch.rate < 0 || over_cap) {
      message += " has rate ";
      message += format_number(ch.rate);
      message += ", outside 0 to its cap ";
      message += format_number(ch.rate_cap);
      return message;
    }
    if (ch.pending == Pending::Start) {  // not on its resources yet
      if (ch.rate == 0) continue;
      message += " waits for its first share but has rate ";
      message += format_number(ch.rate);
      return message;
    }
    for (const Hop& hop : ch.path) {
      const Sharer& s = resources[hop.resource].sharers[hop.slot];
      if (s.channel != c || s.rate != ch.rate) {
        message += " is recorded wrongly on resource ";
        message += resource_names[hop.resource];
        return message;
      }
      load[hop.resource] += hop.weight * ch.rate;
      fastest[hop.resource] = std::max(fastest[hop.resource], ch.rate);
    }
  }
  if (active_seen != active_count) return "the count of active channels is off";
  for (ResourceId r = 0; r < resources.size(); ++r) {
    const Resource& res = resources[r];
    std::string message = "resource " + resource_names[r];
    if (load[r] > res.capacity + res.capacity * FullWithin) {
      message += " carries ";
      message += format_number(load[r]);
      message += " bit/s, above its capacity ";
      message += format_number(res.capacity);
      return message;
    }
    if (std::abs(load[r] - res.load) > res.capacity * FullWithin) {
      message += " records a load of ";
      message += format_number(res.load);
      message += " bit/s, but its channels add up to ";
      message += format_number(load[r]);
      return message;
    }
  }
  for (ChannelId c = 0; c < channels.size() && !due; ++c) {
    const Channel& ch = channels[c];
    if (!ch.open || !ch.active) continue;
    bool held = ch.rate >= ch.rate_cap - ch.rate_cap * FullWithin || (std::isinf(ch.rate) && ch.path.empty());
    for (const Hop& hop : ch.path) {
      const double top = fastest[hop.resource];
      held = held || (saturated(load[hop.resource], resources[hop.resource].capacity, FullWithin) &&
                      ch.rate >= top - top * FullWithin);
    }
    if (held) continue;
    std::string message = "channel " + std::to_string(c);
    message += " at ";
    message += format_number(ch.rate);
    message += " bit/s has no bottleneck: it could go faster without slowing a slower channel";
    return message;
  }
  return "";
}

}  // namespace wiresim::flow
