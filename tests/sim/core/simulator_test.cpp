#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/core/simulator.hpp"

using namespace wiresim;

TEST_CASE("events at the same time run in the order they were scheduled") {
  Simulator sim(1);
  std::string order;
  sim.schedule_at(Time{5}, [&] { order += 'a'; });
  sim.schedule_at(Time{3}, [&] { order += 'b'; });
  sim.schedule_at(Time{5}, [&] { order += 'c'; });
  sim.schedule_at(Time{5}, [&] { order += 'd'; });
  sim.run();
  CHECK(order == "bacd");
  CHECK(sim.now() == Time{5});
}

TEST_CASE("an event scheduled from an event at the same time runs after those already waiting") {
  Simulator sim(1);
  std::string order;
  sim.schedule_at(Time{1}, [&] {
    order += 'a';
    sim.schedule_in({}, [&] { order += 'c'; });
  });
  sim.schedule_at(Time{1}, [&] { order += 'b'; });
  sim.run();
  CHECK(order == "abc");
}

TEST_CASE("a cancelled event never runs and cancelling twice reports false") {
  Simulator sim(1);
  int ran = 0;
  EventId id = sim.schedule_in(milliseconds(1), [&] { ++ran; });
  sim.schedule_in(milliseconds(2), [&] { ran += 10; });
  CHECK(sim.pending(id));
  CHECK(sim.cancel(id));
  CHECK_FALSE(sim.pending(id));
  CHECK_FALSE(sim.cancel(id));
  CHECK(sim.events_pending() == 1);
  sim.run();
  CHECK(ran == 10);
}

TEST_CASE("cancelling an event that already ran is harmless, even after its slot is reused") {
  Simulator sim(1);
  int ran = 0;
  EventId first = sim.schedule_in(nanoseconds(1), [&] { ++ran; });
  sim.run();
  EventId second = sim.schedule_in(nanoseconds(1), [&] { ran += 10; });
  CHECK_FALSE(sim.cancel(first));
  CHECK(sim.pending(second));
  sim.run();
  CHECK(ran == 11);
}

TEST_CASE("run_until runs events up to and at the limit, then sets the clock to the limit") {
  Simulator sim(1);
  std::vector<std::int64_t> seen;
  for (std::int64_t t : {10, 20, 30}) sim.schedule_at(Time{t}, [&, t] { seen.push_back(t); });
  sim.run_until(Time{20});
  CHECK(seen == std::vector<std::int64_t>{10, 20});
  CHECK(sim.now() == Time{20});
  sim.run_until(Time{25});
  CHECK(sim.now() == Time{25});
  CHECK(sim.next_time() == Time{30});
}

TEST_CASE("step runs exactly one event and reports when idle") {
  Simulator sim(1);
  int ran = 0;
  sim.schedule_in(seconds(1), [&] { ++ran; });
  sim.schedule_in(seconds(2), [&] { ++ran; });
  CHECK(sim.step());
  CHECK(ran == 1);
  CHECK(sim.now() == Time{} + seconds(1));
  CHECK(sim.step());
  CHECK_FALSE(sim.step());
  CHECK(sim.events_run() == 2);
}

TEST_CASE("a time in the past is clamped to now") {
  Simulator sim(1);
  sim.schedule_at(Time{100}, [&] {
    sim.schedule_at(Time{50}, [&] { CHECK(sim.now() == Time{100}); });
  });
  sim.run();
  CHECK(sim.events_run() == 2);
}

TEST_CASE("stop makes run return after the current event") {
  Simulator sim(1);
  int ran = 0;
  sim.schedule_in(nanoseconds(1), [&] { ++ran; sim.stop(); });
  sim.schedule_in(nanoseconds(2), [&] { ++ran; });
  sim.run();
  CHECK(ran == 1);
  sim.run();
  CHECK(ran == 2);
}

TEST_CASE("time formatting is exact") {
  CHECK(format_time(Time{1'500'000'001}) == "1.500000001");
  CHECK(format_duration(milliseconds(5)) == "5ms");
  CHECK(format_duration(microseconds(1500)) == "1.5ms");
  CHECK(format_duration(seconds(2)) == "2s");
  CHECK(format_duration(Duration{}) == "0ns");
}
