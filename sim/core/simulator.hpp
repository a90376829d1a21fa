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

  EventId schedule_in(Duration delay, Action what);
  EventId schedule_at(Time when, Action what);  // a time in the past runs at now()
  bool cancel(EventId id);                      // false if it already ran or was cancelled
  bool pending(EventId id) const;

  bool step();                 // runs one event; false when nothing is pending
  void run_until(Time limit);  // runs every event at or before limit, then sets now() = limit
  void run();                  // runs until nothing is pending
  void stop() { stopped_ = true; }  // makes the current run/run_until return after this event
  std::optional<Time> next_time() const;
  std::uint64_t events_run() const { return events_run_; }
  std::size_t events_pending() const { return heap_.size() - cancelled_in_heap_; }

  Random& random(std::string_view stream);
  TraceBus& trace() { return trace_; }

 private:
  // The heap holds small keys; actions live in a slab so sifting never moves a std::function.
  struct Entry {
    std::int64_t time;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Slot {
    Action action;
    std::uint64_t seq = 0;  // seq of the event occupying the slot; 0 when free
  };

  static bool earlier(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  void push(Entry e);
  Entry pop();
  void drop_cancelled_top();

  Time now_;
  std::uint64_t seed_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t events_run_ = 0;
  std::size_t cancelled_in_heap_ = 0;
  bool stopped_ = false;
  std::vector<Entry> heap_;  // a 4-ary min-heap on (time, seq)
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::map<std::string, Random, std::less<>> streams_;
  TraceBus trace_{&now_};
};

}  // namespace wiresim
