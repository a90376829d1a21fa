#include "sim/core/simulator.hpp"

namespace wiresim {

Simulator::Simulator(std::uint64_t seed) : seed_(seed) {}

std::uint32_t Simulator::take_slot() {
  if (free_slots_.empty()) {
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  const std::uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  return slot;
}

void Simulator::free_slot(std::uint32_t slot) {
  slots_[slot].seq = 0;
  free_slots_.push_back(slot);
}

EventId Simulator::schedule_in(Duration delay, Action what) {
  return schedule_at(now_ + (delay.ns < 0 ? Duration{} : delay), std::move(what));
}

EventId Simulator::schedule_at(Time when, Action what) {
  if (when < now_) when = now_;
  const std::uint32_t slot = take_slot();
  const std::uint64_t seq = next_seq_++;
  slots_[slot].action = std::move(what);
  slots_[slot].seq = seq;
  queue_.push({when.ns, seq, slot});
  return {slot, seq};
}

bool Simulator::pending(EventId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].seq == id.seq;
}

bool Simulator::cancel(EventId id) {
  if (!pending(id)) return false;
  slots_[id.slot].action = nullptr;
  free_slot(id.slot);
  ++cancelled_in_queue_;
  return true;
}

bool Simulator::drop_stale_top() {
  while (!queue_.empty()) {
    const EventQueue::Key& k = queue_.top();
    if (queue_.refills() != refills_seen_) {
      // A new bucket came up: fetch its events' slots into cache while the first ones run.
      refills_seen_ = queue_.refills();
      for (const EventQueue::Key& next : queue_.current_bucket()) __builtin_prefetch(&slots_[next.slot]);
    }
    if (slots_[k.slot].seq == k.seq) return true;
    queue_.pop();
    --cancelled_in_queue_;
  }
  return false;
}

std::optional<Time> Simulator::next_time() {
  if (!drop_stale_top()) return std::nullopt;
  return Time{queue_.top().time};
}

bool Simulator::step() {
  if (!drop_stale_top()) return false;
  const EventQueue::Key k = queue_.top();
  queue_.pop();
  Action action = std::move(slots_[k.slot].action);
  free_slot(k.slot);
  now_ = Time{k.time};
  ++events_run_;
  action();
  return true;
}

void Simulator::run_until(Time limit) {
  stopped_ = false;
  while (!stopped_) {
    auto next = next_time();
    if (!next || *next > limit) break;
    step();
  }
  if (!stopped_ && now_ < limit) now_ = limit;
}

void Simulator::run() {
  stopped_ = false;
  while (!stopped_ && step()) {
  }
}

Random& Simulator::random(std::string_view stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end()) it = streams_.emplace(std::string(stream), Random(seed_, stream)).first;
  return it->second;
}

}  // namespace wiresim
