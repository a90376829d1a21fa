// The flow-level model (ARCHITECTURE decision 5): bulk transfers as fluid flows that share the
// capacity of resources (a host's upload, a host's download, a core link) max-min fairly.
//
// A channel is an in-order stream over a path of resources, like a TCP connection seen from
// far away: messages queued on it cross the path one after another at the channel's current
// rate, then arrive after the path's latency. A channel takes part in the sharing only while
// it has bytes queued, so a peer that pipelines requests keeps one flow alive across many
// pieces and the allocation changes only when a channel starts or stops sending. Each change
// recomputes the allocation incrementally: only the channels whose share can change (those
// that meet the changed channel through saturated resources) are visited, which keeps a swarm
// of 10,000 peers, each uploading to a handful of others, cheap.
//
// Max-min fairness (Bertsekas & Gallager 6.5.2): no channel's rate can grow without lowering
// the rate of a channel that is no faster. Every active channel has a bottleneck: a saturated
// resource on its path where no other channel is faster (or its own rate cap).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "sim/core/simulator.hpp"

namespace wiresim::flow {

using ResourceId = std::uint32_t;
using ChannelId = std::uint32_t;

inline constexpr double Unlimited = std::numeric_limits<double>::infinity();
// What open() returns for a path it cannot use; every call with it does nothing.
inline constexpr ChannelId NoChannel = std::numeric_limits<ChannelId>::max();

// One resource on a channel's path. A channel sending at rate r loads the resource with
// weight * r: weight 1 for an ordinary transfer, k for one stream copied to k receivers
// through the same upload (the idealized P2P scheme's relays).
struct PathHop {
  ResourceId resource = 0;
  double weight = 1.0;
};

struct FlowStats {
  std::uint64_t reallocations = 0;    // allocations computed (one per change, or per interval)
  std::uint64_t channels_visited = 0; // summed over reallocations: the incremental region sizes
  std::uint64_t fresh_reallocations = 0;  // of those, filled afresh (with an interval, when the
                                          // changes reached many channels)
  std::uint64_t messages_delivered = 0;
};

class FlowNetwork {
 public:
  explicit FlowNetwork(Simulator& sim);
  FlowNetwork(const FlowNetwork&) = delete;
  FlowNetwork& operator=(const FlowNetwork&) = delete;
  ~FlowNetwork();

  // Reallocate at most once per `interval` (0, the default: at every start and stop). Changes
  // then take effect at the next multiple of the interval, all together: a new channel sends
  // nothing until then; one whose queue runs dry keeps its share, idle, and sends at it again
  // at once if a message comes before then; a new cap waits as well. Rates stay feasible at
  // all times and are max-min fair at each reallocation. The point is speed: in a swarm whose
  // uploads and downloads are all full, any one start or stop moves the rate of nearly every
  // channel of the swarm, so reallocating for each costs the whole swarm each time (see
  // docs/performance.md); per interval it costs the swarm once: incrementally while the
  // changes reach few channels, else by a progressive filling afresh over compact arrays.
  // Set it before opening channels.
  void set_reallocation_interval(Duration interval);

  // A capacity in bits per second (> 0). A negative or NaN capacity counts as 0 (nothing
  // crosses); an infinite one bounds nothing, so open() leaves it out of paths.
  ResourceId add_resource(double capacity_bps, std::string name);

  // A channel over `path` (resources may repeat: their weights add up). Messages arrive
  // `latency` after their last bit crossed the path. `rate_cap_bps` bounds the channel's rate
  // on its own (TCP's window, or an explicit allocation). Returns NoChannel when a hop names an
  // unknown resource or has a weight that is not finite and >= 0 (weight 0 hops are left out).
  // A channel bounded by nothing sends at an infinite rate: its messages take only `latency`.
  ChannelId open(std::vector<PathHop> path, Duration latency = {}, double rate_cap_bps = Unlimited);
  // Drops whatever is queued (never delivered) and frees the channel; its id may be reused.
  // Messages whose last bit was already sent but which have not arrived yet are dropped too:
  // their `delivered` never runs, so nothing is delivered on a channel after it was closed.
  void close(ChannelId channel);
  // A negative cap counts as 0 (the channel stalls); a NaN cap is ignored.
  void set_rate_cap(ChannelId channel, double rate_cap_bps);

  // Queues a message of `bytes` bytes; `delivered` runs once it has arrived. Messages on
  // one channel arrive in the order they were sent. An empty message takes only the latency,
  // once those before it are sent.
  void send(ChannelId channel, std::uint64_t bytes, std::function<void()> delivered);

  // Shortens the message being sent (the oldest one not fully sent) to `bytes`, or to what it
  // has sent so far if that is more, and returns its length now (0: none is being sent). It
  // arrives as usual, its `delivered` run: what a sender does when it stops a stream
  // part-way (a BitTorrent choke ends a piece at the block on its way).
  std::uint64_t cut_head(ChannelId channel, std::uint64_t bytes);

  bool is_open(ChannelId channel) const;
  bool is_active(ChannelId channel) const;               // has bytes queued: takes a share
  // Has a message queued, being sent, or sent and not arrived yet. Without one, an empty
  // message sent now arrives after just the latency, behind nothing.
  bool has_messages(ChannelId channel) const;
  double rate(ChannelId channel) const;                  // bits per second now; 0 when idle
  std::uint64_t queued_bytes(ChannelId channel) const;   // not yet fully sent, as of now
  std::uint64_t sent_bytes(ChannelId channel) const;     // fully sent since open, as of now
  double capacity(ResourceId resource) const;
  double load(ResourceId resource) const;                // sum of weight * rate of its channels
  const std::string& name(ResourceId resource) const;
  std::size_t resource_count() const;
  std::size_t active_channels() const;
  const FlowStats& stats() const;

  // For tests: "" when the allocation is feasible (no resource above capacity, no channel
  // above its cap, within a relative 1e-9) and max-min fair (every active channel has a
  // bottleneck; not checked while a reallocation is due), else the first violation.
  std::string check_allocation() const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace wiresim::flow
