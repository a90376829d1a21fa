#include <doctest/doctest.h>

#include "tests/support.hpp"

using namespace wiresim;

TEST_CASE("a UDP datagram reaches the bound port with its source endpoint") {
  auto w = test::load(test::hosts_a_b());
  std::string got;
  Endpoint from;
  REQUIRE(w->stack(1).udp.bind(53, [&](Endpoint f, Endpoint, std::string_view d) {
    got = d;
    from = f;
  }).ok());
  const std::uint16_t port = w->stack(0).udp.bind_ephemeral([](Endpoint, Endpoint, std::string_view) {});
  CHECK(port == 49152);
  w->stack(0).udp.send_to(port, {w->net.node(1).address(), 53}, "query");
  w->sim.run();
  CHECK(got == "query");
  CHECK(from == Endpoint{w->net.node(0).address(), 49152});
}

TEST_CASE("binding a port twice is an error with a clear message") {
  auto w = test::load("[[host]]\nname = \"a\"\n");
  REQUIRE(w->stack(0).udp.bind(53, {}).ok());
  auto again = w->stack(0).udp.bind(53, {});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error() == "UDP port 53 on a is already bound");
  REQUIRE(w->stack(0).tcp.listen(80, {}).ok());
  CHECK(w->stack(0).tcp.listen(80, {}).error() == "TCP port 80 on a is already listening");
}
