// The choker and the rate meter alone (Cohen 2003 3.1-3.3): tit-for-tat slots by rate, one
// optimistic unchoke that rotates every 30 s, free slots filled between rounds.
#include <doctest/doctest.h>

#include <set>

#include "protocols/bittorrent/choker.hpp"
#include "protocols/bittorrent/peer_rate_meter.hpp"

using namespace wiresim;
using namespace wiresim::bittorrent;

namespace {

// Connections 1..6, all interested, connection k giving k KB/s.
std::vector<ChokeCandidate> six_by_rate() {
  std::vector<ChokeCandidate> out;
  for (ConnectionId k = 1; k <= 6; ++k) out.push_back({k, true, 1000.0 * k, false});
  return out;
}

std::set<ConnectionId> as_set(const std::vector<ConnectionId>& ids) { return {ids.begin(), ids.end()}; }

}  // namespace

TEST_CASE("choker unchokes the four fastest and one optimistic peer that rotates after 30 s") {
  Choker choker(4, seconds(30), 5);
  const Time t0 = Time{} + seconds(10);
  const std::vector<ConnectionId> first = choker.rechoke(six_by_rate(), t0);
  CHECK(as_set(choker.regular()) == std::set<ConnectionId>{3, 4, 5, 6});
  REQUIRE(choker.optimistic());
  const ConnectionId optimistic = *choker.optimistic();
  CHECK((optimistic == 1 || optimistic == 2));
  std::set<ConnectionId> expected{3, 4, 5, 6, optimistic};
  CHECK(as_set(first) == expected);
  // Two more rounds: nothing changes.
  CHECK(as_set(choker.rechoke(six_by_rate(), t0 + seconds(10))) == expected);
  CHECK(as_set(choker.rechoke(six_by_rate(), t0 + seconds(20))) == expected);
  // The third round after it was chosen: the other slow peer gets its turn.
  const ConnectionId other = optimistic == 1 ? 2 : 1;
  CHECK(as_set(choker.rechoke(six_by_rate(), t0 + seconds(30))) == std::set<ConnectionId>{3, 4, 5, 6, other});
  CHECK(choker.optimistic() == other);
}

TEST_CASE("choker leaves uninterested peers choked and follows changing rates") {
  Choker choker(4, seconds(30), 5);
  std::vector<ChokeCandidate> c = six_by_rate();
  c[5].interested = false;  // the fastest one wants nothing
  choker.rechoke(c, Time{});
  CHECK(as_set(choker.regular()) == std::set<ConnectionId>{2, 3, 4, 5});
  CHECK(choker.optimistic() == 1);
  c[5].interested = true;
  c[0].rate = 10000;  // the optimistic one turned out fastest: it earns a regular slot
  const std::vector<ConnectionId> next = choker.rechoke(c, Time{} + seconds(10));
  CHECK(as_set(choker.regular()) == std::set<ConnectionId>{1, 4, 5, 6});
  REQUIRE(choker.optimistic());
  CHECK((*choker.optimistic() == 2 || *choker.optimistic() == 3));
  CHECK(next.size() == 5);
}

TEST_CASE("choker with few interested peers unchokes them all and has no optimistic one") {
  Choker choker(4, seconds(30), 5);
  std::vector<ChokeCandidate> c = six_by_rate();
  c.resize(3);
  CHECK(choker.rechoke(c, Time{}) == std::vector<ConnectionId>{1, 2, 3});
  CHECK_FALSE(choker.optimistic());
  CHECK(choker.rechoke({}, Time{}).empty());
}

TEST_CASE("choker fills free slots between rounds, then the optimistic one") {
  Choker choker(2, seconds(30), 5);
  CHECK(choker.fill_free_slots({{7, true, 0, true}}, Time{}) == std::vector<ConnectionId>{7});
  CHECK(choker.fill_free_slots({{7, true, 0, true}, {8, false, 0, true}}, Time{}).empty());  // 8 is not interested
  CHECK(choker.fill_free_slots({{7, true, 0, true}, {8, true, 0, true}}, Time{}) == std::vector<ConnectionId>{8});
  CHECK(choker.fill_free_slots({{9, true, 0, true}}, Time{}) == std::vector<ConnectionId>{9});
  CHECK(choker.optimistic() == 9);
  CHECK(choker.fill_free_slots({{10, true, 0, true}}, Time{}).empty());
  choker.forget(8);
  CHECK_FALSE(choker.is_unchoked(8));
  CHECK(choker.fill_free_slots({{10, true, 0, true}}, Time{}) == std::vector<ConnectionId>{10});
  CHECK(choker.is_unchoked(10));
  choker.forget(9);
  CHECK_FALSE(choker.optimistic());
}

TEST_CASE("choker ranks negative rates last and ties -0.0 with 0.0") {
  // A seed's round robin ranks peers by minus what they were served: -0.0 for one served
  // nothing, which must tie with a leecher-style 0.0 and not rank below it.
  std::set<ConnectionId> second;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    Choker choker(2, seconds(30), seed);
    choker.rechoke({{1, true, -5.0, false}, {2, true, -0.0, false}, {3, true, 0.0, false}, {4, true, 3.0, false}},
                   Time{});
    REQUIRE(choker.regular().size() == 2);
    CHECK(choker.regular()[0] == 4);
    CHECK(choker.regular()[1] != 1);
    second.insert(choker.regular()[1]);
  }
  CHECK(second == std::set<ConnectionId>{2, 3});  // the tie goes either way
}

TEST_CASE("choker draws newcomers as optimistic three times as often as old peers") {
  int newcomer = 0;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    Choker choker(0, seconds(30), seed);
    choker.rechoke({{1, true, 0, false}, {2, true, 0, true}}, Time{});
    newcomer += choker.optimistic() == 2;
  }
  // Expected 300 of 400; 3 standard deviations are about 26.
  CHECK(newcomer > 270);
  CHECK(newcomer < 330);
}

TEST_CASE("rate meter averages over the last window and forgets older bytes") {
  const Duration window = seconds(20);  // five buckets of 4 s
  RateMeter meter;
  meter.add(Time{} + seconds(1), 4000, window);
  CHECK(meter.rate(Time{} + seconds(2), Time{}, window) == doctest::Approx(2000));
  // Connected at 1.5 s: counted from then, but over one second at least.
  CHECK(meter.rate(Time{} + seconds(2), Time{} + milliseconds(1500), window) == doctest::Approx(4000));
  // At 30 s the window starts at 12 s (bucket 3 of 4 s): the 4000 bytes of 1 s are gone.
  CHECK(meter.rate(Time{} + seconds(30), Time{}, window) == 0);
  meter.add(Time{} + seconds(25), 9000, window);
  CHECK(meter.rate(Time{} + seconds(30), Time{}, window) == doctest::Approx(500));
  meter.add(Time{} + seconds(26), 9000, window);
  CHECK(meter.rate(Time{} + seconds(30), Time{}, window) == doctest::Approx(1000));
  CHECK(meter.rate(Time{} + seconds(60), Time{}, window) == 0);
}

TEST_CASE("a rate meter is empty a whole window after its last add, and its rate is then 0") {
  // Windows that cut evenly into buckets and ones that do not; adds and reads anywhere in a bucket.
  for (const Duration window : {seconds(20), milliseconds(20'003), nanoseconds(7)}) {
    RateMeter meter;
    Time last{};
    std::uint64_t x = 12345;
    for (int i = 0; i < 2'000; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const Time now = last + nanoseconds(static_cast<std::int64_t>((x >> 33) % (3 * window.ns / 2 + 1)));
      const RateMeter::Clock clock(now, window);
      if (RateMeter::empty_at(clock, last)) {
        REQUIRE(meter.rate(clock, Time{}) == 0);
      }
      if (x & 1) {
        meter.add(now, 1 + (x >> 40) % 5000, window);
        last = now;
      }
    }
    // Five whole buckets after it (the window, when it cuts evenly; 5 ns of a 7 ns window).
    const Duration five = nanoseconds(RateMeter::Buckets * RateMeter::Clock(last, window).width);
    CHECK_FALSE(RateMeter::empty_at(RateMeter::Clock(last + five - nanoseconds(1), window), last));
    CHECK(RateMeter::empty_at(RateMeter::Clock(last + five, window), last));
  }
}
