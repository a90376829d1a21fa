// The discrete-event kernel: a clock, a queue of timed actions, seeded random streams and the
// trace bus. Equal-time events run in the order they were scheduled. No threads, no wall clock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/event_queue.hpp"
#include "sim/core/random.hpp"
#include "sim/core/time.hpp"
#include "sim/core/trace_bus.hpp"

namespace wiresim {

using Action = std::function<void()>;

// Names one scheduled event; stays safe to cancel after the event ran or was cancelled.
struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint64_t seq = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class Simulator {
 public:
  explicit Simulator(std::uint64_t seed);
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Time now() const { return now_; }
  std::uint64_t seed() const { return seed_; }

  EventId schedule_in(Duration delay, Action what) { return add(now_ + (delay.ns < 0 ? Duration{} : delay), what); }
  EventId schedule_at(Time when, Action what) { return add(when < now_ ? now_ : when, what); }  // past: runs at now()
  bool cancel(EventId id);                      // false if it already ran or was cancelled
  bool pending(EventId id) const;

  bool step();                 // runs one event; false when nothing is pending
  void run_until(Time limit);  // runs every event at or before limit, then sets now() = limit
  void run();                  // runs until nothing is pending
  void stop() { stopped_ = true; }  // makes the current run/run_until return after this event
  std::optional<Time> next_time();
  std::uint64_t events_run() const { return events_run_; }
  std::size_t events_pending() const { return queue_.size() - cancelled_in_queue_; }

  Random& random(std::string_view stream);
  TraceBus& trace() { return trace_; }

 private:
  // Actions live in a slab; the queue holds small keys. A key whose seq no longer matches its
  // slot's belongs to a cancelled event and is skipped when it comes up.
  // One cache line each, so that a slot never straddles two and one prefetch fetches all of it.
  struct alignas(64) Slot {
    Action action;
    std::uint64_t seq = 0;  // 0 when free
  };
  // Inline, with schedule_in/at, as scheduling is half of what an event costs: the key goes to
  // the queue from registers, and `what` (taken by reference: one move fewer) into its slot.
  EventId add(Time when, Action& what) {
    const std::uint32_t slot = free_slots_.empty() ? new_slot() : take_free_slot();
    const std::uint64_t seq = next_seq_++;
    slots_[slot].seq = seq;
    queue_.push({when.ns, seq, slot});
    slots_[slot].action.swap(what);  // a taken slot's action is empty: no temporary to destroy
    return {slot, seq};
  }
  std::uint32_t take_free_slot() {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  std::uint32_t new_slot();
  void free_slot(std::uint32_t slot);
  bool drop_stale_top();  // false when the queue is empty
  void run_top();         // precondition: drop_stale_top() returned true

  Time now_;
  std::uint64_t seed_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t events_run_ = 0;
  std::size_t cancelled_in_queue_ = 0;
  bool stopped_ = false;
  EventQueue queue_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::map<std::string, Random, std::less<>> streams_;
  TraceBus trace_{&now_};
};

}  // namespace wiresim
