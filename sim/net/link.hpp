// A point-to-point link: two independent directions, each with a transmitter of a given rate,
// a drop-tail queue (limited in packets or bytes), a propagation delay and random loss.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "sim/core/simulator.hpp"
#include "sim/core/units.hpp"
#include "sim/net/node.hpp"

namespace wiresim {

struct LinkConfig {
  Rate rate{10'000'000};
  Duration delay = milliseconds(1);
  QueueLimit queue{QueueLimit::Unit::Packets, 100};
  double loss = 0.0;       // probability that a packet is lost on the wire
  std::uint32_t cost = 1;  // routing metric
};

struct LinkDirectionStats {
  std::uint64_t packets = 0, bytes = 0;  // put on the wire
  Duration busy;                         // time spent transmitting
  std::uint64_t queue_peak_packets = 0, queue_peak_bytes = 0;
  std::uint64_t drops_queue = 0, drops_loss = 0, drops_down = 0, drops_injected = 0;
  std::uint64_t drops() const { return drops_queue + drops_loss + drops_down + drops_injected; }
};

class Link {
 public:
  // Called when a packet reaches the far end: (arriving side, packet).
  using Deliver = std::function<void(int side, const PacketPtr&)>;
  // Called when the transmitter starts sending a packet and when one is dropped.
  // queued_at: when the packet joined the queue (== now when the link was idle).
  using OnTransmit = std::function<void(int from_side, const PacketPtr&, Time queued_at, Time tx_end, Time arrival, bool lost)>;
  using OnDrop = std::function<void(int from_side, const PacketPtr&, const char* reason)>;

  Link(Simulator& sim, LinkId id, std::string name, NodeId a, NodeId b, LinkConfig config);

  LinkId id() const { return id_; }
  const std::string& name() const { return name_; }
  NodeId end(int side) const { return ends_[side]; }
  const LinkConfig& config() const { return config_; }
  bool up() const { return up_; }
  const LinkDirectionStats& stats(int from_side) const { return dirs_[from_side].stats; }
  std::size_t queued_packets(int from_side) const { return dirs_[from_side].queue.size(); }

  void enqueue(int from_side, PacketPtr packet);
  // Going down drops every queued packet and every packet still on the wire.
  void set_up(bool up);
  // Loses the next `count` packets that start transmission from `from_side`: one exact loss,
  // for demonstrating what TCP does about it.
  void drop_next(int from_side, std::uint32_t count) { dirs_[from_side].drop_next += count; }

  Deliver on_deliver;
  OnTransmit on_transmit;
  OnDrop on_drop;

 private:
  struct Direction {
    struct Waiting {
      PacketPtr packet;
      Time since;  // when it joined the queue, for the desktop view's queue stacks
    };
    std::deque<Waiting> queue;
    std::uint64_t queued_bytes = 0;
    bool busy = false;
    std::uint32_t drop_next = 0;
    LinkDirectionStats stats;
  };
  void start_next(int from_side);
  void drop(int from_side, const PacketPtr& packet, const char* reason);

  Simulator& sim_;
  LinkId id_;
  std::string name_;
  NodeId ends_[2];
  LinkConfig config_;
  Random& loss_random_;
  bool up_ = true;
  std::uint32_t epoch_ = 0;  // bumped when the link goes down: packets of an older epoch are lost
  Direction dirs_[2];
};

}  // namespace wiresim
