#include "sim/net/link.hpp"

#include <algorithm>

namespace wiresim {

Link::Link(Simulator& sim, LinkId id, std::string name, NodeId a, NodeId b, LinkConfig config)
    : sim_(sim), id_(id), name_(std::move(name)), ends_{a, b}, config_(config),
      loss_random_(sim.random("loss:" + name_)) {}

void Link::drop(int from_side, const PacketPtr& packet, const char* reason) {
  if (on_drop) on_drop(from_side, packet, reason);
}

void Link::enqueue(int from_side, PacketPtr packet) {
  Direction& d = dirs_[from_side];
  if (!up_) {
    ++d.stats.drops_down;
    drop(from_side, packet, "link-down");
    return;
  }
  const std::uint64_t size = packet->bytes.size();
  // The packet being transmitted has left the queue; the limit counts only those waiting.
  const bool full = config_.queue.unit == QueueLimit::Unit::Packets
                        ? d.queue.size() >= config_.queue.amount
                        : d.queued_bytes + size > config_.queue.amount;
  if (d.busy && full) {
    ++d.stats.drops_queue;
    drop(from_side, packet, "queue-full");
    return;
  }
  d.queue.push_back({std::move(packet), sim_.now()});
  d.queued_bytes += size;
  d.stats.queue_peak_packets = std::max<std::uint64_t>(d.stats.queue_peak_packets, d.queue.size());
  d.stats.queue_peak_bytes = std::max(d.stats.queue_peak_bytes, d.queued_bytes);
  if (!d.busy) start_next(from_side);
}

void Link::start_next(int from_side) {
  Direction& d = dirs_[from_side];
  if (d.queue.empty() || !up_) {
    d.busy = false;
    return;
  }
  PacketPtr packet = std::move(d.queue.front().packet);
  const Time queued_at = d.queue.front().since;
  d.queue.pop_front();
  d.queued_bytes -= packet->bytes.size();
  d.busy = true;

  const Duration tx = transmission_time(packet->bytes.size(), config_.rate);
  const Time tx_end = sim_.now() + tx;
  const Time arrival = tx_end + config_.delay;
  // The random draw happens for every packet, so injecting a loss never shifts the pattern.
  const bool random_loss = loss_random_.bernoulli(config_.loss);
  const bool injected = d.drop_next > 0;
  if (injected) --d.drop_next;
  const bool lost = random_loss || injected;
  d.stats.packets += 1;
  d.stats.bytes += packet->bytes.size();
  d.stats.busy += tx;
  if (on_transmit) on_transmit(from_side, packet, queued_at, tx_end, arrival, lost);

  sim_.schedule_at(tx_end, [this, from_side] { start_next(from_side); });
  sim_.schedule_at(arrival, [this, from_side, packet = std::move(packet), lost, injected, epoch = epoch_] {
    if (epoch != epoch_) {
      ++dirs_[from_side].stats.drops_down;
      drop(from_side, packet, "link-down");
    } else if (injected) {
      ++dirs_[from_side].stats.drops_injected;
      drop(from_side, packet, "injected");
    } else if (lost) {
      ++dirs_[from_side].stats.drops_loss;
      drop(from_side, packet, "loss");
    } else if (on_deliver) {
      on_deliver(1 - from_side, packet);
    }
  });
}

void Link::set_up(bool up) {
  if (up == up_) return;
  up_ = up;
  if (up) return;
  ++epoch_;
  for (int side = 0; side < 2; ++side) {
    Direction& d = dirs_[side];
    while (!d.queue.empty()) {
      PacketPtr p = std::move(d.queue.front().packet);
      d.queue.pop_front();
      ++d.stats.drops_down;
      drop(side, p, "link-down");
    }
    d.queued_bytes = 0;
  }
}

}  // namespace wiresim
