#include "sim/core/simulator.hpp"

#include <cassert>

namespace wiresim {

Simulator::Simulator(std::uint64_t seed) : seed_(seed) {}

EventId Simulator::schedule_in(Duration delay, Action what) {
  return schedule_at(now_ + (delay.ns < 0 ? Duration{} : delay), std::move(what));
}

EventId Simulator::schedule_at(Time when, Action what) {
  if (when < now_) when = now_;
  std::uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  const std::uint64_t seq = next_seq_++;
  slots_[slot].action = std::move(what);
  slots_[slot].seq = seq;
  push({when.ns, seq, slot});
  return {slot, seq};
}

bool Simulator::pending(EventId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].seq == id.seq;
}

bool Simulator::cancel(EventId id) {
  if (!pending(id)) return false;
  // The heap entry stays until it reaches the top; its seq no longer matches the slot's.
  Slot& s = slots_[id.slot];
  s.action = nullptr;
  s.seq = 0;
  free_slots_.push_back(id.slot);
  ++cancelled_in_heap_;
  return true;
}

void Simulator::drop_cancelled_top() {
  while (!heap_.empty() && slots_[heap_[0].slot].seq != heap_[0].seq) {
    pop();
    --cancelled_in_heap_;
  }
}

std::optional<Time> Simulator::next_time() const {
  // const: walk past cancelled entries without removing them.
  if (heap_.empty()) return std::nullopt;
  if (slots_[heap_[0].slot].seq == heap_[0].seq) return Time{heap_[0].time};
  auto* self = const_cast<Simulator*>(this);
  self->drop_cancelled_top();
  if (heap_.empty()) return std::nullopt;
  return Time{heap_[0].time};
}

bool Simulator::step() {
  drop_cancelled_top();
  if (heap_.empty()) return false;
  const Entry e = pop();
  Slot& s = slots_[e.slot];
  Action action = std::move(s.action);
  s.action = nullptr;
  s.seq = 0;
  free_slots_.push_back(e.slot);
  now_ = Time{e.time};
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

// A 4-ary heap: half the depth of a binary heap and children share a cache line or two.
void Simulator::push(Entry e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!earlier(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

Simulator::Entry Simulator::pop() {
  assert(!heap_.empty());
  const Entry top = heap_[0];
  const Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return top;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < end; ++c)
      if (earlier(heap_[c], heap_[best])) best = c;
    if (!earlier(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
  return top;
}

}  // namespace wiresim
