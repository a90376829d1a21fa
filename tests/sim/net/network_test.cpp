#include <doctest/doctest.h>

#include "sim/net/net_events.hpp"
#include "tests/support.hpp"

using namespace wiresim;

static constexpr std::string_view Square = R"(
[[host]]
name = "a"
[[host]]
name = "b"
[[router]]
name = "r1"
[[router]]
name = "r2"
[[router]]
name = "r3"
[[link]]
between = ["a", "r1"]
[[link]]
between = ["r1", "r2"]
[[link]]
between = ["r2", "b"]
[[link]]
between = ["r1", "r3"]
cost = 5
[[link]]
between = ["r3", "r2"]
)";

TEST_CASE("routes follow the cheapest path and move when a link goes down and up") {
  auto w = test::load(Square);
  Network& net = w->net;
  const NodeId r1 = *net.find_node("r1"), b = *net.find_node("b");
  auto next_link = [&] { return net.link(net.node(r1).interfaces()[net.route(r1, b)].link).name(); };
  CHECK(next_link() == "r1-r2");
  net.set_link_up(*net.find_link("r1-r2"), false);
  CHECK(next_link() == "r1-r3");
  net.set_link_up(*net.find_link("r1-r2"), true);
  CHECK(next_link() == "r1-r2");
}

TEST_CASE("addresses are assigned per link, the router end getting .1") {
  auto w = test::load(Square);
  CHECK(w->net.node(*w->net.find_node("a")).address().to_string() == "10.0.1.2");
  CHECK(w->net.node(*w->net.find_node("r1")).interfaces()[0].address.to_string() == "10.0.1.1");
  CHECK(w->net.node(*w->net.find_node("b")).address().to_string() == "10.0.3.2");
}

TEST_CASE("a link delivers after transmission plus propagation delay, and queues drop at the tail") {
  auto w = test::load(test::hosts_a_b(R"(
rate = "10Mbps"
delay = "5ms"
queue = "2 packets"
)"));
  Network& net = w->net;
  std::vector<Time> arrivals;
  std::vector<std::string> drops;
  w->sim.trace().subscribe<PacketReceived>([&](const PacketReceived&) { arrivals.push_back(w->sim.now()); });
  w->sim.trace().subscribe<PacketDropped>([&](const PacketDropped& d) { drops.push_back(d.reason); });
  const NodeId a = *net.find_node("a");
  Ipv4Header ip;
  ip.source = net.node(a).address();
  ip.destination = net.node(*net.find_node("b")).address();
  const std::string payload(1500 - 28, 'x');
  for (int i = 0; i < 5; ++i)
    net.send(a, build_udp_packet(ip, {1000, 9}, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}));
  w->sim.run();
  // One on the wire, two queued, two dropped: 1500 bytes take 1.2 ms at 10 Mbps.
  REQUIRE(arrivals.size() == 3);
  CHECK(arrivals[0] == Time{} + microseconds(1200) + milliseconds(5));
  CHECK(arrivals[1] == Time{} + microseconds(2400) + milliseconds(5));
  CHECK(drops == std::vector<std::string>{"queue-full", "queue-full", "port-unreachable", "port-unreachable",
                                          "port-unreachable"});
  CHECK(net.link(0).stats(0).drops_queue == 2);
  CHECK(net.link(0).stats(0).queue_peak_packets == 2);
}

TEST_CASE("a packet to an address nobody has is dropped as no-route") {
  auto w = test::load(Square);
  std::vector<std::string> drops;
  w->sim.trace().subscribe<PacketDropped>([&](const PacketDropped& d) { drops.push_back(d.reason); });
  Ipv4Header ip;
  const NodeId a = *w->net.find_node("a");
  ip.source = w->net.node(a).address();
  ip.destination = *Ipv4Address::parse("192.0.2.1");
  w->net.send(a, build_udp_packet(ip, {1, 2}, {}));
  w->sim.run();
  CHECK(drops == std::vector<std::string>{"no-route"});
}

TEST_CASE("taking a link down drops what it was carrying") {
  auto w = test::load(Square);
  std::vector<std::string> drops;
  w->sim.trace().subscribe<PacketDropped>([&](const PacketDropped& d) { drops.push_back(d.reason); });
  const NodeId a = *w->net.find_node("a");
  Ipv4Header ip;
  ip.source = w->net.node(a).address();
  ip.destination = w->net.node(*w->net.find_node("b")).address();
  w->net.send(a, build_udp_packet(ip, {1, 2}, {}));
  w->sim.run_until(Time{} + microseconds(10));
  w->net.set_link_up(*w->net.find_link("a-r1"), false);
  w->sim.run();
  CHECK(drops == std::vector<std::string>{"link-down"});
}

TEST_CASE("a router drops a packet whose TTL runs out") {
  auto w = test::load(Square);
  std::vector<std::string> drops;
  w->sim.trace().subscribe<PacketDropped>([&](const PacketDropped& d) { drops.push_back(d.node->name() + " " + d.reason); });
  const NodeId a = *w->net.find_node("a");
  Ipv4Header ip;
  ip.source = w->net.node(a).address();
  ip.destination = w->net.node(*w->net.find_node("b")).address();
  ip.ttl = 2;  // r1 forwards it with TTL 1; r2 must drop it
  w->net.send(a, build_udp_packet(ip, {1, 2}, {}));
  w->sim.run();
  CHECK(drops == std::vector<std::string>{"r2 ttl-expired"});
}
