// The inside of FlowNetwork, shared by its two halves: flow_network.cpp moves messages through
// channels over time, reallocation.cpp keeps the rates max-min fair. Not for other users.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sim/flow/flow_network.hpp"

namespace wiresim::flow {

namespace detail {
inline constexpr std::uint32_t NoMessage = std::numeric_limits<std::uint32_t>::max();
// Channel bottlenecks that are not resources.
inline constexpr std::uint32_t NoBottleneck = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint32_t CapBottleneck = NoBottleneck - 1;
}  // namespace detail

struct FlowNetwork::Impl {
  // A channel's place on one resource of its path; `slot` is where it sits in that resource's
  // sharers while it is active, so leaving costs O(1).
  struct Hop {
    ResourceId resource;
    std::uint32_t slot;
    double weight;
  };
  // A channel's path. Two hops (an upload and a download) live inside the channel, so reading
  // them costs no cache miss of its own; longer paths go to the heap.
  class HopList {
   public:
    Hop* begin() { return size_ <= Inline ? inline_ : spill_.data(); }
    Hop* end() { return begin() + size_; }
    const Hop* begin() const { return size_ <= Inline ? inline_ : spill_.data(); }
    const Hop* end() const { return begin() + size_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    Hop& operator[](std::size_t i) { return begin()[i]; }
    const Hop& operator[](std::size_t i) const { return begin()[i]; }
    void push_back(const Hop& hop) {
      if (size_ < Inline) {
        inline_[size_++] = hop;
        return;
      }
      if (size_ == Inline) spill_.assign(inline_, inline_ + Inline);
      spill_.push_back(hop);
      ++size_;
    }
    void clear() {
      size_ = 0;
      spill_.clear();
    }

   private:
    static constexpr std::uint32_t Inline = 2;
    std::uint32_t size_ = 0;
    Hop inline_[Inline];
    std::vector<Hop> spill_;
  };
  // An active channel crossing a resource. It mirrors what a reallocation reads about the
  // channel while walking the resource, so that the walk reads memory in order instead of
  // jumping to each channel: those cache misses were most of a reallocation's time.
  struct Sharer {
    ChannelId channel;
    bool holds = false;               // this resource is the channel's recorded bottleneck
    double weight;
    double rate;                      // = the channel's rate
    double cap;                       // = the channel's rate cap
    // A two-hop channel's other resource (NoResource otherwise), so that an afresh filling
    // that freezes the channel here need not read its path (reallocate_all).
    ResourceId other;
    double other_weight;
    double new_rate = 0;              // its rate in the filling under way, once frozen
    std::uint64_t region_epoch = 0;   // = Impl::epoch while the channel is in the region
    std::uint64_t frozen_round = 0;   // = Impl::round once frozen in the filling under way
  };
  // Fields in the order a reallocation first reads them.
  struct Resource {
    // Scratch of one reallocation, valid while *_epoch == Impl::epoch.
    std::uint64_t touched_epoch = 0;
    std::uint64_t expanded_epoch = 0;  // its fastest channels are in the region
    double capacity = 0;
    double load = 0;  // of the current allocation, kept up to date by differences (see fill())
    std::vector<Sharer> sharers;
    std::uint32_t holders = 0;  // sharers whose recorded bottleneck this is
    std::uint32_t region_holders = 0;
    double region_old_load = 0;  // of the region channels (and the stopped one) at their old rates
    double other_load = 0;       // of the sharers outside the region, which keep their rates
    double available = 0;        // capacity - other_load
    double region_load = 0;      // of the region channels frozen so far
    double unfrozen_weight = 0;
    std::uint32_t unfrozen = 0;
    double slowest_frozen = 0;  // of the region channels this resource froze
    double outside_below = 0;   // no sharer outside the region is faster (Unlimited: unknown)
    // Scratch of open(): merging repeated hops.
    std::uint64_t merge_epoch = 0;
    std::uint32_t merge_index = 0;
  };
  // Messages form one list per channel, oldest first: those sent and waiting for their
  // delivery event, then, from first_unsent on, those still queued.
  struct Message {
    std::uint64_t bytes = 0;
    std::function<void()> delivered;
    EventId delivery;
    std::uint32_t next = detail::NoMessage;
  };
  // A change waiting for the next reallocation (with a reallocation interval).
  enum class Pending : std::uint8_t { None, Start, Stop, Cap };
  // A cache line (64 bytes) for each group of fields read together. Line 0: where the channel's
  // messages stand, which sent_bytes() reads whole (a BitTorrent swarm asks it for every piece
  // on its way to a peer at each of the peer's choking rounds: over four lines, with the head
  // message's own, it was 5% of a 1,000-peer run). Line 1: what a reallocation works on, with
  // the rate in line 0 and the path in line 2.
  struct alignas(64) Channel {
    // line 0
    bool open = false;
    bool active = false;
    // Stop: idle (or closed) but still holding its share on its resources until the next
    // reallocation. Start: active with rate 0 until then.
    Pending pending = Pending::None;
    std::uint32_t first_unsent = detail::NoMessage;
    double rate = 0;
    double remaining_bits = 0;  // of the head message, as of `updated`
    Time updated;
    std::uint64_t sent_bytes = 0;    // whole messages before first_unsent, since open
    std::uint64_t head_bytes = 0;    // messages[first_unsent].bytes, kept here for sent_bytes()
    std::uint64_t unsent_bytes = 0;  // whole messages from first_unsent on
    std::uint32_t first = detail::NoMessage, last = detail::NoMessage;
    // line 1: scratch of one reallocation
    std::uint64_t region_epoch = 0;
    std::uint64_t frozen_round = 0;
    double new_rate = 0;
    std::uint32_t frozen_by = detail::NoBottleneck;
    // A resource (or CapBottleneck) that holds it back in the current allocation.
    std::uint32_t bottleneck = detail::NoBottleneck;
    double rate_cap = Unlimited;
    Duration latency;
    // Fires when the head's last bit leaves, or earlier: a rate cut leaves it in place (moving
    // it costs the kernel a cancel and a schedule) and it then waits for the rest.
    EventId completion;
    // line 2
    HopList path;
    // line 3
    Time completion_at;
  };
  // A level at which a resource fills up, or a channel reaches its cap, in progressive filling.
  // Compared as integers: the bits of a double >= 0 order like its value. Ties go to resources
  // before caps, then by id, never by address.
  struct Candidate {
    std::uint64_t level_bits;
    std::uint64_t tie;  // is_cap << 32 | id
    Candidate(double level, std::uint32_t id, bool is_cap)
        : level_bits(std::bit_cast<std::uint64_t>(level)), tie(std::uint64_t{is_cap} << 32 | id) {}
    double level() const { return std::bit_cast<double>(level_bits); }
    std::uint32_t id() const { return static_cast<std::uint32_t>(tie); }
    bool is_cap() const { return (tie >> 32) != 0; }
    // The earliest level comes first (on top of a std heap).
    struct Later {
      bool operator()(const Candidate& a, const Candidate& b) const {
        return a.level_bits != b.level_bits ? a.level_bits > b.level_bits : a.tie > b.tie;
      }
    };
  };

  // reallocate_all()'s mark of a channel that takes no part (by channel, in fill_by).
  static constexpr std::uint32_t NotTaking = detail::NoBottleneck - 2;
  static constexpr ResourceId NoResource = std::numeric_limits<ResourceId>::max();
  // reallocate_all()'s record of a resource's filling.
  struct Level {
    double capacity = 0;
    double load = 0;    // of its frozen channels
    double weight = 0;  // of its unfrozen ones
    std::uint32_t unfrozen = 0;
  };

  // The candidates of a filling, lowest level first: those known when it starts, sorted, then
  // those that rose since, in a heap. Most resources are passed over once their channels have
  // all frozen elsewhere, which costs nothing in sorted order.
  class CandidateQueue {
   public:
    void clear() { sorted_.clear(); }
    template <class... Args>
    void add(Args&&... args) { sorted_.emplace_back(std::forward<Args>(args)...); }
    void start() {
      std::sort(sorted_.begin(), sorted_.end(), [](const Candidate& a, const Candidate& b) { return Candidate::Later{}(b, a); });
      raised_.clear();
      next_ = 0;
    }
    bool pop(Candidate& out) {
      const bool from_sorted = next_ < sorted_.size();
      if (!raised_.empty() && (!from_sorted || Candidate::Later{}(sorted_[next_], raised_.front()))) {
        std::pop_heap(raised_.begin(), raised_.end(), Candidate::Later{});
        out = raised_.back();
        raised_.pop_back();
        return true;
      }
      if (!from_sorted) return false;
      out = sorted_[next_++];
      return true;
    }
    void raise(const Candidate& c) {
      raised_.push_back(c);
      std::push_heap(raised_.begin(), raised_.end(), Candidate::Later{});
    }

   private:
    std::vector<Candidate> sorted_, raised_;
    std::size_t next_ = 0;
  };

  explicit Impl(Simulator& s) : sim(s) {}

  Simulator& sim;
  std::vector<Resource> resources;
  std::vector<std::string> resource_names;  // apart: a reallocation never reads them
  std::vector<Channel> channels;
  std::vector<ChannelId> free_channels;
  std::vector<Message> messages;
  std::vector<std::uint32_t> free_messages;
  std::size_t active_count = 0;
  FlowStats stats;

  Duration interval;  // between reallocations; 0: at every change
  std::vector<ChannelId> pending_starts, pending_stops, pending_caps;  // may hold stale entries
  EventId tick;       // the next reallocation, while changes wait for it

  std::uint64_t epoch = 0;  // one per reallocation (and per open(), for merging)
  std::uint64_t round = 0;  // one per filling
  std::vector<ChannelId> region;
  std::vector<ResourceId> touched;    // resources of region channels and of a stopped one
  std::vector<ResourceId> to_expand;  // whose fastest channels join if it is saturated
  std::vector<ResourceId> seed_saturated;  // a stopped channel's resources that were full
  std::vector<ChannelId> joining;     // found without a bottleneck after a filling
  CandidateQueue candidates;
  // reallocate_all()'s scratch, by channel id: what froze it (NoBottleneck: nothing yet,
  // NotTaking: not on any resource) and its rate then.
  std::vector<std::uint32_t> fill_by;
  std::vector<double> fill_rate;
  std::vector<ChannelId> taking;      // the channels on resources, in the order first seen
  std::vector<Level> levels;          // by resource

  bool valid(ChannelId c) const { return c < channels.size() && channels[c].open; }
  Sharer& sharer_of(const Hop& hop) { return resources[hop.resource].sharers[hop.slot]; }

  // flow_network.cpp: messages and time.
  std::uint32_t new_message(std::uint64_t bytes, std::function<void()> delivered);
  void free_message(std::uint32_t m);
  bool hand_head_to_delivery(ChannelId c);
  void deliver(ChannelId c);
  void settle(Channel& ch);
  std::uint64_t head_bytes_sent_now(const Channel& ch) const;
  void schedule_completion(ChannelId c);
  void on_head_sent(ChannelId c);
  void start(ChannelId c);
  void stop(ChannelId c);
  void defer(ChannelId c, Pending change, std::vector<ChannelId>& list);
  void on_tick();
  void free_channel(ChannelId c);

  // full_reallocation.cpp: the allocation with an interval, afresh when the region grows.
  void allocate_pending();
  void reallocate_all();
  void collect_taking();
  double level_of(ResourceId r);
  void freeze_taking(const Sharer& s, ResourceId r, double level, std::uint32_t by);
  void write_back_all();

  // reallocation.cpp: the max-min allocation at every change, incrementally.
  void begin_region();
  void allocate_started(ChannelId c);
  void allocate_stopped(ChannelId c);
  void allocate_new_cap(ChannelId c);
  void release(ChannelId c);
  void expand_released();
  void join_resources(ChannelId c);
  void leave_resources(ChannelId c);
  // false: it gave up, the region having grown past give_up_above channels.
  bool reallocate(std::size_t give_up_above = SIZE_MAX);
  void join_region(ChannelId c);
  void touch(ResourceId r);
  void expand_pending(std::size_t give_up_above = SIZE_MAX);
  void expand_fastest(ResourceId r);
  void fill();
  double fill_level(ResourceId r);
  double unfrozen_weight_summed(ResourceId r) const;
  void freeze(ChannelId c, double level, std::uint32_t by);
  bool add_channels_without_bottleneck();
  std::uint32_t find_bottleneck(ChannelId c) const;
  double fastest_rate(ResourceId r) const;
  double filled_load(ResourceId r) const;
  void set_bottleneck(ChannelId c, std::uint32_t bottleneck);
  void set_rate(ChannelId c, double rate);
  bool change_rate(ChannelId c, double rate);  // the channel's side of set_rate
  std::string check() const;
};

}  // namespace wiresim::flow
