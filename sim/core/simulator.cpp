#include "sim/core/simulator.hpp"

namespace wiresim {
namespace {

constexpr std::size_t PrefetchDistance = 8;  // events: enough to cover a cache miss

}  // namespace

Simulator::Simulator(std::uint64_t seed) : seed_(seed) {}

std::uint32_t Simulator::new_slot() {
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

void Simulator::free_slot(std::uint32_t slot) {
  slots_[slot].seq = 0;
  free_slots_.push_back(slot);
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
    // With nothing cancelled no key can be stale: skip reading its slot.
    if (cancelled_in_queue_ == 0 || slots_[k.slot].seq == k.seq) return true;
    queue_.pop();
    --cancelled_in_queue_;
  }
  return false;
}

std::optional<Time> Simulator::next_time() {
  if (!drop_stale_top()) return std::nullopt;
  return Time{queue_.top().time};
}

void Simulator::run_top() {
  // Field by field, not a copy of the whole key: see EventQueue::append.
  const Time when{queue_.top().time};
  const std::uint32_t slot = queue_.top().slot;
  queue_.pop();
  // Slots are scattered over the slab: fetch the slot of an event a few places ahead, so it is
  // in cache by the time that event runs.
  if (const EventQueue::Key* later = queue_.ahead(PrefetchDistance)) __builtin_prefetch(&slots_[later->slot], 1);
  Action action = std::move(slots_[slot].action);
  free_slot(slot);
  now_ = when;
  ++events_run_;
  action();
}

bool Simulator::step() {
  if (!drop_stale_top()) return false;
  run_top();
  return true;
}

void Simulator::run_until(Time limit) {
  stopped_ = false;
  while (!stopped_ && drop_stale_top() && queue_.top().time <= limit.ns) run_top();
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
