#include <doctest/doctest.h>

#include <map>
#include <utility>

#include "sim/core/event_queue.hpp"
#include "sim/core/random.hpp"

using namespace wiresim;

// Every pattern must give exactly the order of a sorted (time, seq) reference, whatever bucket
// widths the queue adapts to on the way.
static void check_against_reference(double mean_delay_ns, std::size_t pending, std::size_t total, bool bursts) {
  EventQueue q;
  std::map<std::pair<std::int64_t, std::uint64_t>, std::uint32_t> reference;
  Random random(7, "queue");
  std::uint64_t seq = 0;
  std::int64_t now = 0;
  auto add = [&](std::int64_t t) {
    ++seq;
    q.push({t, seq, static_cast<std::uint32_t>(seq)});
    reference.emplace(std::make_pair(t, seq), static_cast<std::uint32_t>(seq));
  };
  for (std::size_t i = 0; i < pending; ++i) add(static_cast<std::int64_t>(random.exponential(mean_delay_ns)));
  for (std::size_t n = 0; n < total && !reference.empty(); ++n) {
    REQUIRE(q.size() == reference.size());
    const auto expected = reference.begin();
    const EventQueue::Key k = q.top();
    REQUIRE(k.time == expected->first.first);
    REQUIRE(k.seq == expected->first.second);
    q.pop();
    reference.erase(expected);
    now = k.time;
    const int children = bursts && n % 97 == 0 ? 300 : 1;  // bursts of simultaneous events
    for (int c = 0; c < children; ++c)
      add(now + (bursts && c > 0 ? 0 : static_cast<std::int64_t>(random.exponential(mean_delay_ns))));
    if (n % 5 == 0 && reference.size() > pending) {
      // Let the population shrink now and then, so the queue also widens its buckets.
      const auto e = reference.begin();
      q.pop();
      reference.erase(e);
    }
  }
}

TEST_CASE("the event queue pops in (time, seq) order for a dense hold") {
  check_against_reference(1e6, 20'000, 200'000, false);
}

TEST_CASE("the event queue pops in (time, seq) order for sparse events far apart") {
  check_against_reference(5e9, 50, 20'000, false);
}

TEST_CASE("the event queue keeps order through bursts of simultaneous events") {
  check_against_reference(1e4, 100, 50'000, true);
}

TEST_CASE("the event queue handles a chain one nanosecond apart") {
  EventQueue q;
  q.push({0, 1, 0});
  for (std::uint64_t i = 1; i < 100'000; ++i) {
    REQUIRE(q.top().time == static_cast<std::int64_t>(i - 1));
    q.pop();
    q.push({static_cast<std::int64_t>(i), i + 1, 0});
  }
  CHECK(q.size() == 1);
}
