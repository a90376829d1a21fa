#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "sim/core/simulator.hpp"
#include "sim/flow/flow_network.hpp"
#include "sim/flow/max_min.hpp"

using namespace wiresim;
using namespace wiresim::flow;

namespace {

constexpr double Mbps = 1e6;

bool same_rate(double a, double b) {
  return a == b || std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}

// Portable draws from mt19937_64: <random>'s distributions differ between standard libraries.
std::uint64_t draw(std::mt19937_64& rng, std::uint64_t n) { return rng() % n; }
double draw_unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
double draw_between(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * draw_unit(rng); }

}  // namespace

TEST_CASE("a channel runs at the smaller of its upload and download") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId up = net.add_resource(3 * Mbps, "a.up");
  const ResourceId down = net.add_resource(1 * Mbps, "b.down");
  const ChannelId ch = net.open({{up}, {down}});
  CHECK(net.rate(ch) == 0);
  CHECK_FALSE(net.is_active(ch));
  net.send(ch, 1'000'000, [] {});
  CHECK(net.is_active(ch));
  CHECK(net.rate(ch) == 1 * Mbps);
  CHECK(net.load(up) == 1 * Mbps);
  CHECK(net.load(down) == 1 * Mbps);
  CHECK(net.active_channels() == 1);
  CHECK(net.check_allocation() == "");
}

TEST_CASE("one 3 Mbps upload to downloads of 0.5, 10 and 10 Mbps gives 0.5, 1.25 and 1.25 Mbps") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId up = net.add_resource(3 * Mbps, "seed.up");
  const ChannelId slow = net.open({{up}, {net.add_resource(0.5 * Mbps, "p1.down")}});
  const ChannelId fast1 = net.open({{up}, {net.add_resource(10 * Mbps, "p2.down")}});
  const ChannelId fast2 = net.open({{up}, {net.add_resource(10 * Mbps, "p3.down")}});
  for (ChannelId ch : {slow, fast1, fast2}) net.send(ch, 1'000'000, [] {});
  CHECK(net.rate(slow) == 0.5 * Mbps);
  CHECK(net.rate(fast1) == 1.25 * Mbps);
  CHECK(net.rate(fast2) == 1.25 * Mbps);
  CHECK(net.load(up) == 3 * Mbps);
  CHECK(net.check_allocation() == "");
}

TEST_CASE("a core link is shared fairly among channels with different access limits") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId core = net.add_resource(10 * Mbps, "core");
  const ChannelId a = net.open({{net.add_resource(2 * Mbps, "a")}, {core}});
  const ChannelId b = net.open({{net.add_resource(100 * Mbps, "b")}, {core}});
  const ChannelId c = net.open({{net.add_resource(100 * Mbps, "c")}, {core}});
  for (ChannelId ch : {a, b, c}) net.send(ch, 10'000'000, [] {});
  // a is held by its access at 2; b and c split the remaining 8.
  CHECK(net.rate(a) == 2 * Mbps);
  CHECK(net.rate(b) == 4 * Mbps);
  CHECK(net.rate(c) == 4 * Mbps);
  const ChannelId d = net.open({{net.add_resource(2.5 * Mbps, "d")}, {core}});
  net.send(d, 10'000'000, [] {});
  // d is held at 2.5; b and c split 10 - 2 - 2.5.
  CHECK(net.rate(a) == 2 * Mbps);
  CHECK(net.rate(d) == 2.5 * Mbps);
  CHECK(net.rate(b) == 2.75 * Mbps);
  CHECK(net.rate(c) == 2.75 * Mbps);
  CHECK(net.check_allocation() == "");
}

TEST_CASE("a weighted channel loads its resource with weight times its rate") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId up = net.add_resource(4 * Mbps, "up");
  const ChannelId relay = net.open({{up, 4.0}});
  net.send(relay, 1'000'000, [] {});
  CHECK(net.rate(relay) == 1 * Mbps);
  CHECK(net.load(up) == 4 * Mbps);

  // Fairness is in rates: a weight-1 channel joining a 5 Mbps upload next to a weight-4 one
  // gets the same rate, 1 Mbps each (4 + 1 = 5).
  const ResourceId up5 = net.add_resource(5 * Mbps, "up5");
  const ChannelId heavy = net.open({{up5, 4.0}});
  const ChannelId light = net.open({{up5, 1.0}});
  net.send(heavy, 1'000'000, [] {});
  net.send(light, 1'000'000, [] {});
  CHECK(net.rate(heavy) == 1 * Mbps);
  CHECK(net.rate(light) == 1 * Mbps);

  // A resource named twice on a path adds its weights: 2 + 2 on 4 Mbps is 1 Mbps.
  const ResourceId twice = net.add_resource(4 * Mbps, "twice");
  const ChannelId doubled = net.open({{twice, 2.0}, {twice, 2.0}});
  net.send(doubled, 1'000'000, [] {});
  CHECK(net.rate(doubled) == 1 * Mbps);
  CHECK(net.check_allocation() == "");
}

TEST_CASE("a rate cap holds a channel like a private resource and can be changed") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId up = net.add_resource(3 * Mbps, "up");
  const ChannelId capped = net.open({{up}}, {}, 0.5 * Mbps);
  const ChannelId free = net.open({{up}});
  net.send(capped, 1'000'000, [] {});
  net.send(free, 1'000'000, [] {});
  CHECK(net.rate(capped) == 0.5 * Mbps);
  CHECK(net.rate(free) == 2.5 * Mbps);
  CHECK(net.check_allocation() == "");

  net.set_rate_cap(capped, 10 * Mbps);
  CHECK(net.rate(capped) == 1.5 * Mbps);
  CHECK(net.rate(free) == 1.5 * Mbps);

  net.set_rate_cap(capped, 0);  // stalls: the other takes everything
  CHECK(net.rate(capped) == 0);
  CHECK(net.rate(free) == 3 * Mbps);
  CHECK(net.check_allocation() == "");

  const ChannelId alone = net.open({}, {}, 2 * Mbps);  // bounded by its cap only
  net.send(alone, 1'000'000, [] {});
  CHECK(net.rate(alone) == 2 * Mbps);
}

TEST_CASE("a transfer is delivered after its bits cross the path plus the latency, to the nanosecond") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ChannelId ch = net.open({{net.add_resource(8 * Mbps, "up")}}, milliseconds(5));
  Time delivered_at{-1};
  net.send(ch, 1'000'000, [&] { delivered_at = sim.now(); });  // 8e6 bits at 8 Mbps: 1 s
  sim.run_until(Time{500'000'000});
  CHECK(net.sent_bytes(ch) == 500'000);
  CHECK(net.queued_bytes(ch) == 500'000);
  sim.run();
  CHECK(delivered_at == Time{1'005'000'000});
  CHECK(net.sent_bytes(ch) == 1'000'000);
  CHECK(net.queued_bytes(ch) == 0);
  CHECK_FALSE(net.is_active(ch));
  CHECK(net.stats().messages_delivered == 1);
}

TEST_CASE("the last bit's time is rounded up to the next nanosecond") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ChannelId ch = net.open({{net.add_resource(3, "slow")}});
  Time delivered_at{-1};
  net.send(ch, 1, [&] { delivered_at = sim.now(); });  // 8 bits at 3 bit/s: 2.666...67 s
  sim.run();
  CHECK(delivered_at == Time{2'666'666'667});
}

TEST_CASE("messages on a channel follow each other without a reallocation and arrive in order") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ChannelId ch = net.open({{net.add_resource(8 * Mbps, "up")}}, milliseconds(10));
  std::vector<std::pair<int, Time>> arrivals;
  for (int i = 0; i < 3; ++i) net.send(ch, 1000, [&, i] { arrivals.push_back({i, sim.now()}); });  // 1 ms each
  sim.run();
  REQUIRE(arrivals.size() == 3);
  CHECK(arrivals[0] == std::pair{0, Time{11'000'000}});
  CHECK(arrivals[1] == std::pair{1, Time{12'000'000}});
  CHECK(arrivals[2] == std::pair{2, Time{13'000'000}});
  CHECK(net.stats().reallocations == 2);  // one start, one stop
  CHECK(net.sent_bytes(ch) == 3000);
}

TEST_CASE("an empty message takes only the latency, behind the messages before it") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ChannelId ch = net.open({{net.add_resource(8 * Mbps, "up")}}, milliseconds(10));
  std::vector<std::pair<int, Time>> arrivals;
  net.send(ch, 0, [&] { arrivals.push_back({0, sim.now()}); });
  net.send(ch, 1000, [&] { arrivals.push_back({1, sim.now()}); });
  net.send(ch, 0, [&] { arrivals.push_back({2, sim.now()}); });
  sim.run();
  REQUIRE(arrivals.size() == 3);
  CHECK(arrivals[0] == std::pair{0, Time{10'000'000}});
  CHECK(arrivals[1] == std::pair{1, Time{11'000'000}});
  CHECK(arrivals[2] == std::pair{2, Time{11'000'000}});
}

TEST_CASE("a channel has messages from the send until the last one arrives") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ChannelId ch = net.open({{net.add_resource(8 * Mbps, "up")}}, milliseconds(10));
  CHECK_FALSE(net.has_messages(ch));
  bool arrived = false;
  net.send(ch, 1000, [&] { arrived = true; });
  CHECK(net.has_messages(ch));
  sim.run_until(Time{5'000'000});  // its last bit left at 1 ms; it arrives at 11 ms
  CHECK_FALSE(net.is_active(ch));
  CHECK(net.has_messages(ch));
  sim.run();
  CHECK(arrived);
  CHECK_FALSE(net.has_messages(ch));
  net.close(ch);
  CHECK_FALSE(net.has_messages(ch));
}

TEST_CASE("a message whose rate changes midway arrives when its remaining bits are sent at the new rate") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId up = net.add_resource(8 * Mbps, "up");
  const ChannelId a = net.open({{up}, {net.add_resource(100 * Mbps, "a.down")}}, milliseconds(5));
  const ChannelId b = net.open({{up}, {net.add_resource(100 * Mbps, "b.down")}}, milliseconds(5));
  Time a_at{-1}, b_at{-1};
  net.send(a, 1'000'000, [&] { a_at = sim.now(); });
  sim.schedule_at(Time{500'000'000}, [&] { net.send(b, 1'000'000, [&] { b_at = sim.now(); }); });
  sim.run();
  // a: 4e6 bits alone at 8 Mbps by 0.5 s, the other 4e6 at 4 Mbps take 1 s: last bit at 1.5 s.
  CHECK(a_at == Time{1'505'000'000});
  // b: 4e6 bits at 4 Mbps from 0.5 s to 1.5 s, the other 4e6 alone at 8 Mbps: last bit at 2 s.
  CHECK(b_at == Time{2'005'000'000});
}

TEST_CASE("cutting the message being sent ends it sooner, never below what it has sent") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ChannelId ch = net.open({{net.add_resource(8 * Mbps, "up")}}, milliseconds(10));
  std::vector<std::pair<int, Time>> arrivals;
  net.send(ch, 1'000'000, [&] { arrivals.push_back({0, sim.now()}); });  // 1 s at 8 Mbps
  net.send(ch, 0, [&] { arrivals.push_back({1, sim.now()}); });          // behind it
  std::uint64_t kept_early = 0, kept_late = 0, kept_again = 0;
  // At 0.25 s, 250,000 bytes are sent: cut to 400,000, it ends at 0.4 s.
  sim.schedule_at(Time{250'000'000}, [&] { kept_early = net.cut_head(ch, 400'000); });
  // At 0.3 s, 300,000 are sent: a cut to 100,000 keeps them.
  sim.schedule_at(Time{300'000'000}, [&] { kept_late = net.cut_head(ch, 100'000); });
  sim.schedule_at(Time{260'000'000}, [&] { kept_again = net.cut_head(ch, 2'000'000); });  // longer: no change
  sim.run();
  CHECK(kept_early == 400'000);
  CHECK(kept_again == 400'000);
  CHECK(kept_late == 300'000);
  REQUIRE(arrivals.size() == 2);
  CHECK(arrivals[0] == std::pair{0, Time{310'000'000}});
  CHECK(arrivals[1] == std::pair{1, Time{310'000'000}});
  CHECK(net.sent_bytes(ch) == 300'000);
  CHECK(net.cut_head(ch, 0) == 0);  // nothing is being sent
  CHECK(net.check_allocation() == "");
}

TEST_CASE("close drops queued and in-flight messages and gives the share back") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId up = net.add_resource(8 * Mbps, "up");
  const ChannelId keep = net.open({{up}}, milliseconds(5));
  const ChannelId drop = net.open({{up}}, seconds(10));
  int kept = 0, dropped = 0;
  net.send(keep, 10'000'000, [&] { ++kept; });
  net.send(drop, 1000, [&] { ++dropped; });       // all sent after 2 ms, arrives after 10 s
  net.send(drop, 10'000'000, [&] { ++dropped; });  // still queued at close
  CHECK(net.rate(keep) == 4 * Mbps);
  sim.run_until(Time{1'000'000'000});
  CHECK(net.sent_bytes(drop) >= 1000);
  net.close(drop);
  CHECK_FALSE(net.is_open(drop));
  CHECK(net.rate(keep) == 8 * Mbps);
  CHECK(net.active_channels() == 1);
  CHECK(net.check_allocation() == "");
  sim.run();
  CHECK(kept == 1);
  CHECK(dropped == 0);
  // Its id is reused, and calls on a closed id do nothing.
  net.send(drop, 1000, [&] { ++dropped; });
  CHECK(net.open({{up}}) == drop);
  CHECK(net.rate(drop) == 0);
}

TEST_CASE("with a reallocation interval, changes take effect together at its next multiple") {
  Simulator sim(1);
  FlowNetwork net(sim);
  net.set_reallocation_interval(seconds(1));
  const ResourceId up = net.add_resource(8 * Mbps, "up");
  const ChannelId a = net.open({{up}}, milliseconds(5));
  const ChannelId b = net.open({{up}}, milliseconds(5));
  Time a_at{-1}, b_at{-1};
  sim.schedule_at(Time{200'000'000}, [&] { net.send(a, 1'000'000, [&] { a_at = sim.now(); }); });
  sim.schedule_at(Time{700'000'000}, [&] { net.send(b, 1'500'000, [&] { b_at = sim.now(); }); });
  sim.run_until(Time{900'000'000});
  // Both wait for the reallocation at 1 s, sending nothing; the allocation is feasible but due.
  CHECK(net.is_active(a));
  CHECK(net.rate(a) == 0);
  CHECK(net.rate(b) == 0);
  CHECK(net.stats().reallocations == 0);
  CHECK(net.check_allocation() == "");
  sim.run_until(Time{1'000'000'000});
  CHECK(net.rate(a) == 4 * Mbps);
  CHECK(net.rate(b) == 4 * Mbps);
  CHECK(net.stats().reallocations == 1);
  CHECK(net.check_allocation() == "");
  sim.run();
  // a: 8e6 bits at 4 Mbps from 1 s: last bit at 3 s. Its share idles until the reallocation at
  // 3 s (a multiple, so at once); b: 8e6 bits sent by 3 s, the last 4e6 alone at 8 Mbps.
  CHECK(a_at == Time{3'005'000'000});
  CHECK(b_at == Time{3'505'000'000});
  CHECK(net.stats().reallocations == 3);  // at 1 s, 3 s (a stops), 4 s (b stopped at 3.5 s)
  CHECK(net.active_channels() == 0);
  CHECK(net.load(up) == 0);
}

TEST_CASE("with a reallocation interval, a channel that pauses briefly keeps its share") {
  Simulator sim(1);
  FlowNetwork net(sim);
  net.set_reallocation_interval(seconds(1));
  const ResourceId up = net.add_resource(8 * Mbps, "up");
  const ChannelId ch = net.open({{up}}, milliseconds(10));
  // Each message is asked for when the one before arrives: the channel idles 10 ms between.
  int arrived = 0;
  std::function<void()> next = [&] {
    if (++arrived < 5) net.send(ch, 500'000, next);
  };
  net.send(ch, 500'000, next);  // 0.5 s each at 8 Mbps
  sim.run_until(Time{1'000'000'000});
  CHECK(net.rate(ch) == 8 * Mbps);
  const std::uint64_t after_start = net.stats().reallocations;
  sim.run();
  CHECK(arrived == 5);
  // Every pause ends before the next multiple of the interval: the channel resumes at once at
  // the same rate, and the only reallocation after the start gives the share back at 3 s.
  CHECK(net.stats().reallocations - after_start == 1);
  CHECK(net.load(up) == 0);
  CHECK(net.check_allocation() == "");
}

TEST_CASE("with a reallocation interval, a cap lowered while a channel idles applies at the next multiple") {
  Simulator sim(1);
  FlowNetwork net(sim);
  net.set_reallocation_interval(seconds(1));
  const ChannelId ch = net.open({{net.add_resource(8 * Mbps, "up")}});
  net.send(ch, 500'000, [] {});  // 0.5 s at 8 Mbps from 0 s
  sim.run_until(Time{600'000'000});
  CHECK_FALSE(net.is_active(ch));  // idle, its share held until 1 s
  net.set_rate_cap(ch, 2 * Mbps);
  net.send(ch, 1'000'000, [] {});
  CHECK(net.rate(ch) == 8 * Mbps);  // resumed at its share; the cap waits for 1 s
  CHECK(net.check_allocation() == "");
  sim.run_until(Time{1'000'000'000});
  CHECK(net.rate(ch) == 2 * Mbps);
  CHECK(net.check_allocation() == "");
}

TEST_CASE("with a reallocation interval, a closed channel's share is given back at the next multiple") {
  Simulator sim(1);
  FlowNetwork net(sim);
  net.set_reallocation_interval(milliseconds(100));
  const ResourceId up = net.add_resource(8 * Mbps, "up");
  const ChannelId keep = net.open({{up}});
  const ChannelId drop = net.open({{up}});
  int dropped = 0;
  net.send(keep, 10'000'000, [] {});
  net.send(drop, 10'000'000, [&] { ++dropped; });
  sim.run_until(Time{150'000'000});
  CHECK(net.rate(keep) == 4 * Mbps);
  net.close(drop);
  CHECK_FALSE(net.is_open(drop));
  CHECK(net.rate(keep) == 4 * Mbps);  // until 200 ms
  CHECK(net.load(up) == 8 * Mbps);    // the closed channel's share still counts
  CHECK(net.check_allocation() == "");
  const ChannelId other = net.open({{up}});
  CHECK(other != drop);  // not reused before its share is given back
  sim.run_until(Time{200'000'000});
  CHECK(net.rate(keep) == 8 * Mbps);
  CHECK(net.load(up) == 8 * Mbps);
  CHECK(net.check_allocation() == "");
  sim.run();
  CHECK(dropped == 0);
}

TEST_CASE("bad arguments are refused without harm") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId up = net.add_resource(1 * Mbps, "up");
  CHECK(net.open({{up + 1}}) == NoChannel);
  CHECK(net.open({{up, -1.0}}) == NoChannel);
  CHECK(net.open({{up, std::nan("")}}) == NoChannel);
  CHECK(net.open({{up, Unlimited}}) == NoChannel);
  int ran = 0;
  net.send(NoChannel, 10, [&] { ++ran; });
  net.close(NoChannel);
  net.set_rate_cap(NoChannel, 1);
  CHECK(net.rate(NoChannel) == 0);
  CHECK(net.queued_bytes(12345) == 0);
  CHECK(net.capacity(99) == 0);
  CHECK(net.name(99) == "");
  const ResourceId broken = net.add_resource(std::nan(""), "broken");
  CHECK(net.capacity(broken) == 0);
  const ChannelId stuck = net.open({{broken}});
  net.send(stuck, 10, [&] { ++ran; });
  CHECK(net.rate(stuck) == 0);
  CHECK(net.check_allocation() == "");
  sim.run();
  CHECK(ran == 0);
}

TEST_CASE("a channel bounded by nothing delivers after its latency alone") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ResourceId endless = net.add_resource(Unlimited, "endless");
  const ChannelId ch = net.open({{endless}}, milliseconds(3));
  std::vector<Time> arrivals;
  net.send(ch, 1'000'000, [&] { arrivals.push_back(sim.now()); });
  net.send(ch, 1'000'000, [&] { arrivals.push_back(sim.now()); });
  CHECK(std::isinf(net.rate(ch)));
  sim.run();
  CHECK(arrivals == std::vector<Time>{Time{3'000'000}, Time{3'000'000}});
  CHECK(net.check_allocation() == "");
}

TEST_CASE("capping an unbounded channel brings it down to its cap") {
  Simulator sim(1);
  FlowNetwork net(sim);
  const ChannelId ch = net.open({});
  Time delivered_at{-1};
  net.send(ch, 1'000'000, [&] { delivered_at = sim.now(); });
  CHECK(std::isinf(net.rate(ch)));
  net.set_rate_cap(ch, 8 * Mbps);  // before the zero-time completion runs: 8e6 bits take 1 s
  CHECK(net.rate(ch) == 8 * Mbps);
  sim.run();
  CHECK(delivered_at == Time{1'000'000'000});
}

TEST_CASE("the reference computation finds the textbook allocation") {
  // Three resources in a line (B&G's example shape): a long channel over all three, short
  // ones over one each; the middle resource is half as wide.
  const std::vector<double> capacities{1.0, 0.5, 1.0};
  const std::vector<MaxMinChannel> channels{
      {{{0}, {1}, {2}}, Unlimited}, {{{0}}, Unlimited}, {{{1}}, Unlimited}, {{{2}}, 0.1}};
  const auto rates = max_min_rates(capacities, channels);
  REQUIRE(rates.ok());
  CHECK(*rates == std::vector<double>{0.25, 0.75, 0.25, 0.1});
  CHECK(max_min_rates({1.0}, {{{{3}}, Unlimited}}).error() ==
        "max_min_rates: channel 0 has a hop to an unknown resource or with a weight that is not finite and >= 0");
}

namespace {

// Random topologies and operations, checked after every operation and every kernel event
// against the reference computation, with every byte accounted for.
struct RandomWorld {
  struct Opened {
    ChannelId id;
    MaxMinChannel shape;
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_delivered = 0;
    std::size_t next_message = 0;  // no message sent before this one may still arrive
    bool closed = false;
  };

  explicit RandomWorld(std::uint64_t seed, Duration interval = {}) : rng(seed), sim(seed), net(sim) {
    net.set_reallocation_interval(interval);
    const std::size_t resource_count = 50 + draw(rng, 151);
    for (std::size_t r = 0; r < resource_count; ++r) {
      // A few narrow resources make saturation common; a few are unbounded.
      const double capacity = draw(rng, 40) == 0 ? Unlimited : draw_between(rng, 0.1, draw(rng, 4) == 0 ? 1.0 : 20.0) * Mbps;
      capacities.push_back(capacity);
      std::string name = "r";  // not "r" + ...: GCC 12 warns wrongly (-Wrestrict) about that
      name += std::to_string(r);
      net.add_resource(capacity, std::move(name));
    }
  }

  void open_one() {
    MaxMinChannel shape;
    // Now and then a channel crossing nothing, or a hop that weighs nothing.
    const std::size_t hops = draw(rng, 30) == 0 ? 0 : 1 + draw(rng, 3);
    for (std::size_t h = 0; h < hops; ++h) {
      const double weight = draw(rng, 30) == 0  ? 0.0
                            : draw(rng, 5) == 0 ? draw_between(rng, 0.5, 3.0)
                                                : static_cast<double>(1 + draw(rng, 3));
      // A third of the hops go to ten shared resources (a core), so that channels meet.
      const std::size_t resource = draw(rng, 3) == 0 ? draw(rng, 10) : draw(rng, capacities.size());
      shape.path.push_back({static_cast<ResourceId>(resource), weight});
    }
    if (draw(rng, 5) == 0) shape.rate_cap = draw_between(rng, 0.05, 5.0) * Mbps;
    const ChannelId id = net.open(shape.path, microseconds(static_cast<std::int64_t>(draw(rng, 20'000))), shape.rate_cap);
    REQUIRE(id != NoChannel);
    live[id] = opened.size();
    opened.push_back({id, shape});
  }

  void send_one(std::size_t index) {
    const std::uint64_t bytes = draw(rng, 10) == 0 ? 0 : 1 + draw(rng, 2'000'000);
    opened[index].bytes_sent += bytes;
    const std::size_t message = arrived.size();
    arrived.push_back(false);
    net.send(opened[index].id, bytes, [this, index, bytes, message] {
      CHECK_FALSE(opened[index].closed);
      CHECK_FALSE(arrived[message]);
      // Messages of one channel arrive in the order they were sent.
      CHECK(message >= opened[index].next_message);
      opened[index].next_message = message + 1;
      arrived[message] = true;
      opened[index].bytes_delivered += bytes;
      CHECK(opened[index].bytes_delivered <= opened[index].bytes_sent);
    });
  }

  void close_one(std::size_t index) {
    opened[index].closed = true;
    live.erase(opened[index].id);
    net.close(opened[index].id);
  }

  std::size_t random_live() {
    auto it = live.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(draw(rng, live.size())));
    return it->second;
  }

  void random_operation() {
    const std::uint64_t what = draw(rng, 100);
    if (live.size() < 60 || what < 10) {
      open_one();
    } else if (what < 80) {
      send_one(random_live());
    } else if (what < 92) {
      close_one(random_live());
    } else {
      const std::size_t index = random_live();
      const double cap = draw(rng, 2) == 0 ? Unlimited : draw_between(rng, 0.05, 5.0) * Mbps;
      opened[index].shape.rate_cap = cap;
      net.set_rate_cap(opened[index].id, cap);
    }
  }

  // With a reallocation interval, rates are checked where they were last computed: right
  // after a reallocation (between two, check_allocation() still checks feasibility).
  void check_rates() {
    REQUIRE(net.check_allocation() == "");
    if (net.stats().reallocations == checked_reallocations) return;
    checked_reallocations = net.stats().reallocations;
    std::vector<MaxMinChannel> active;
    std::vector<ChannelId> ids;
    for (const auto& [id, index] : live) {
      if (!net.is_active(id)) {
        REQUIRE(net.rate(id) == 0);
        continue;
      }
      active.push_back(opened[index].shape);
      ids.push_back(id);
    }
    const auto expected = max_min_rates(capacities, active);
    REQUIRE(expected.ok());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      INFO("channel " << ids[i]);
      REQUIRE(same_rate(net.rate(ids[i]), (*expected)[i]));
    }
  }

  std::mt19937_64 rng;
  Simulator sim;
  FlowNetwork net;
  std::vector<double> capacities;
  std::vector<Opened> opened;
  std::vector<bool> arrived;  // by message, over all channels
  std::map<ChannelId, std::size_t> live;  // ordered: the draws must not depend on hashing
  std::uint64_t checked_reallocations = UINT64_MAX;
};

// Operations, events and a drain, each checked; every byte sent arrives unless closed.
void run_random_world(RandomWorld& world) {
  Time next_operation{};
  for (int operation = 0; operation < 800; ++operation) {
    world.random_operation();
    world.check_rates();
    next_operation += microseconds(static_cast<std::int64_t>(draw(world.rng, 50'000)));
    while (world.sim.next_time() && *world.sim.next_time() <= next_operation) {
      world.sim.step();
      world.check_rates();
    }
    world.sim.run_until(next_operation);
  }
  // Drain: no capacity or cap is 0 here, so everything queued arrives.
  world.sim.run();
  world.check_rates();
  for (const auto& o : world.opened) {
    if (o.closed) {
      CHECK(o.bytes_delivered <= o.bytes_sent);
      continue;
    }
    CHECK(o.bytes_delivered == o.bytes_sent);
    CHECK(world.net.sent_bytes(o.id) == o.bytes_sent);
    CHECK(world.net.queued_bytes(o.id) == 0);
  }
  CHECK(world.net.active_channels() == 0);
}

}  // namespace

TEST_CASE("random operations keep the incremental allocation equal to a full recomputation") {
  for (std::uint64_t seed : {1, 2, 3}) {
    INFO("seed " << seed);
    RandomWorld world(seed);
    run_random_world(world);
  }
}

TEST_CASE("with a reallocation interval, rates stay feasible and each reallocation is a full recomputation's") {
  for (std::uint64_t seed : {4, 5, 6}) {
    INFO("seed " << seed);
    RandomWorld world(seed, milliseconds(20));
    run_random_world(world);
    CHECK(world.net.stats().reallocations > 100);
    // Both ways are checked: incremental (few channels concerned) and afresh (many).
    CHECK(world.net.stats().fresh_reallocations > 20);
    CHECK(world.net.stats().reallocations - world.net.stats().fresh_reallocations > 20);
  }
}

TEST_CASE("a swarm of 1000 peers reallocates by visiting few channels") {
  std::mt19937_64 rng(42);
  Simulator sim(42);
  FlowNetwork net(sim);
  constexpr std::size_t Peers = 1000;
  constexpr std::uint64_t Piece = 4 * 1024 * 1024;
  std::vector<ResourceId> up, down;
  for (std::size_t p = 0; p < Peers; ++p) {
    up.push_back(net.add_resource(draw_between(rng, 0.3, 2.0) * Mbps, "up" + std::to_string(p)));
    down.push_back(net.add_resource(2 * Mbps, "down" + std::to_string(p)));
  }
  // Each channel sends one piece at a time: between two pieces it stops, for the latency.
  std::vector<ChannelId> channels;
  std::function<void(ChannelId)> send_piece = [&](ChannelId ch) { net.send(ch, Piece, [&, ch] { send_piece(ch); }); };
  for (std::size_t p = 0; p < Peers; ++p) {
    const std::size_t count = 4 + draw(rng, 2);
    for (std::size_t k = 0; k < count; ++k) {
      std::size_t to = draw(rng, Peers - 1);
      if (to >= p) ++to;
      channels.push_back(net.open({{up[p]}, {down[to]}}, milliseconds(20 + static_cast<std::int64_t>(draw(rng, 80)))));
    }
  }
  for (ChannelId ch : channels) send_piece(ch);
  CHECK(net.check_allocation() == "");
  const FlowStats before = net.stats();
  sim.run_until(Time{} + seconds(400));
  const FlowStats& after = net.stats();
  const double reallocations = static_cast<double>(after.reallocations - before.reallocations);
  const double visited = static_cast<double>(after.channels_visited - before.channels_visited);
  CHECK(after.messages_delivered > channels.size());  // more than a piece per channel
  CHECK(reallocations > 2.0 * static_cast<double>(channels.size()));
  CHECK(visited / reallocations < 50);
  CHECK(net.check_allocation() == "");
  MESSAGE("reallocations " << reallocations << ", channels visited per reallocation " << visited / reallocations);
}
