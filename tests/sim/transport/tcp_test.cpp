#include <doctest/doctest.h>

#include "protocols/tools/tools.hpp"
#include "sim/transport/tcp_events.hpp"
#include "tests/support.hpp"

using namespace wiresim;

namespace {

std::string two_hosts(std::string_view link_extra = "", std::string_view tcp = "") {
  return std::string("[tcp]\n") + std::string(tcp) + R"(
[[host]]
name = "client"
[[host]]
name = "server"
[[link]]
name = "wire"
between = ["client", "server"]
rate = "10Mbps"
delay = "10ms"
)" + std::string(link_extra);
}

// A server that records what arrives and closes when the client does; a client that sends
// `data` and closes.
struct Pair {
  std::unique_ptr<World> world;
  std::string received;
  std::vector<std::string> client_states, server_states;
  TcpConnection* client = nullptr;
  std::optional<TcpCloseReason> client_closed;

  explicit Pair(const std::string& scenario) : world(test::load(scenario)) {
    auto& net = world->net;
    world->sim.trace().subscribe<TcpStateChanged>([this](const TcpStateChanged& e) {
      (*e.node == "client" ? client_states : server_states).push_back(std::string(to_string(e.to)));
    });
    auto ok = world->stack(*net.find_node("server")).tcp.listen(80, [this](TcpConnection& c) {
      c.on_data = [this](std::string_view d) { received += d; };
      c.on_peer_closed = [&c] { c.close(); };
    });
    REQUIRE(ok.ok());
  }
  void send(std::string data, bool close = true) {
    auto& net = world->net;
    client = &world->stack(*net.find_node("client")).tcp.connect({net.node(*net.find_node("server")).address(), 80});
    client->on_connected = [this, data, close] {
      REQUIRE(client->send(data) == data.size());
      if (close) client->close();
    };
    client->on_closed = [this](TcpCloseReason r) { client_closed = r; };
  }
};

// The client (node 0) sends `size` bytes of the bulk pattern once connected, in one call, so
// `size` must fit its send buffer; the server (node 1) keeps what arrives.
struct Transfer {
  std::string data, received;
  TcpConnection* client = nullptr;

  Transfer(World& w, std::size_t size) {
    tools::bulk_pattern(0, size, data);
    REQUIRE(w.stack(1).tcp.listen(80, [this](TcpConnection& c) {
      c.on_data = [this](std::string_view d) { received += d; };
    }).ok());
    client = &w.stack(0).tcp.connect({w.net.node(1).address(), 80});
    client->on_connected = [this] { REQUIRE(client->send(data) == data.size()); };
  }
};

}  // namespace

TEST_CASE("TCP opens with a three-way handshake and walks the RFC 793 states to CLOSED") {
  Pair p(two_hosts());
  p.send("hello");
  p.world->sim.run();
  CHECK(p.received == "hello");
  CHECK(p.client_states ==
        std::vector<std::string>{"SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED"});
  CHECK(p.server_states == std::vector<std::string>{"SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"});
  REQUIRE(p.client_closed.has_value());
  CHECK(*p.client_closed == TcpCloseReason::Normal);
  // TIME-WAIT lasts 2 x MSL (30 s by default) after the last ACK.
  CHECK(p.world->sim.now() > Time{} + seconds(60));
  CHECK(p.world->sim.now() < Time{} + seconds(61));
}

TEST_CASE("the server may close first, and then it is the one in TIME-WAIT") {
  auto w = test::load(two_hosts());
  auto& net = w->net;
  std::vector<std::string> server_states;
  w->sim.trace().subscribe<TcpStateChanged>([&](const TcpStateChanged& e) {
    if (*e.node == "server") server_states.push_back(std::string(to_string(e.to)));
  });
  REQUIRE(w->stack(1).tcp.listen(80, [](TcpConnection& c) {
    c.send("bye");
    c.close();
  }).ok());
  std::string got;
  TcpConnection& c = w->stack(0).tcp.connect({net.node(1).address(), 80});
  c.on_data = [&](std::string_view d) { got += d; };
  c.on_peer_closed = [&] { c.close(); };
  w->sim.run();
  CHECK(got == "bye");
  CHECK(server_states == std::vector<std::string>{"SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
                                                  "TIME-WAIT", "CLOSED"});
}

TEST_CASE("an active open may come from a chosen local port, as FTP's data connection from port 20") {
  auto w = test::load(two_hosts());
  std::optional<Endpoint> seen;
  REQUIRE(w->stack(1).tcp.listen(40000, [&](TcpConnection& c) { seen = c.remote(); }).ok());
  TcpConnection& c = w->stack(0).tcp.connect({w->net.node(1).address(), 40000}, 20);
  w->sim.run();
  CHECK(c.local().port == 20);
  REQUIRE(seen.has_value());
  CHECK(seen->port == 20);
}

TEST_CASE("a SYN to a closed port is answered with RST and the connection is refused") {
  auto w = test::load(two_hosts());
  std::optional<TcpCloseReason> reason;
  TcpConnection& c = w->stack(0).tcp.connect({w->net.node(1).address(), 81});
  c.on_closed = [&](TcpCloseReason r) { reason = r; };
  w->sim.run();
  REQUIRE(reason.has_value());
  CHECK(*reason == TcpCloseReason::Refused);
  CHECK(w->sim.now() < Time{} + milliseconds(25));  // one round trip, no retries
}

TEST_CASE("a SYN into the void is retried with exponential backoff, then times out") {
  auto w = test::load(two_hosts(R"(
[[action]]
at = "0s"
do = "link-down"
link = "wire"
)"));
  std::optional<TcpCloseReason> reason;
  std::vector<Time> syns;
  w->sim.trace().subscribe<TcpRetransmitted>([&](const TcpRetransmitted&) { syns.push_back(w->sim.now()); });
  w->sim.run_until(Time{1});
  TcpConnection& c = w->stack(0).tcp.connect({w->net.node(1).address(), 80});
  c.on_closed = [&](TcpCloseReason r) { reason = r; };
  w->sim.run();
  REQUIRE(reason.has_value());
  CHECK(*reason == TcpCloseReason::TimedOut);
  REQUIRE(syns.size() == 5);
  CHECK(syns[1] - syns[0] == seconds(2));
  CHECK(syns[2] - syns[1] == seconds(4));
  CHECK(c.stats().timeouts == 5);
}

TEST_CASE("a megabyte arrives intact and in order over a lossy link") {
  std::string data;
  tools::bulk_pattern(0, 1'000'000, data);
  Pair p(two_hosts("loss = 0.02\n"));
  // The client's send buffer holds 256 KB: feed the rest as room appears.
  std::size_t queued = 0;
  p.client = &p.world->stack(0).tcp.connect({p.world->net.node(1).address(), 80});
  auto feed = [&] {
    while (queued < data.size()) {
      const std::size_t n = p.client->send(std::string_view(data).substr(queued));
      if (n == 0) return;
      queued += n;
    }
    p.client->close();
  };
  p.client->on_connected = feed;
  p.client->on_send_space = feed;
  p.world->sim.run();
  CHECK(p.received.size() == 1'000'000);
  CHECK((p.received == data));
  const auto& s = p.client->stats();
  CHECK(s.retransmissions > 0);
  CHECK(s.bytes_sent == 1'000'000);
}

TEST_CASE("one lost segment is repaired by fast retransmit, halving the window") {
  auto w = test::load(two_hosts(R"(
[[action]]
at = "100ms"
do = "drop-packets"
link = "wire"
from = "client"
)"));
  std::vector<std::string> causes;
  w->sim.trace().subscribe<TcpCongestion>([&](const TcpCongestion& e) { causes.push_back(e.cause); });
  Transfer t(*w, 200'000);
  w->sim.run_until(Time{} + seconds(5));
  CHECK((t.received == t.data));
  CHECK(t.client->stats().fast_retransmits == 1);
  CHECK(t.client->stats().timeouts == 0);
  CHECK(t.client->stats().retransmissions == 1);
  CHECK(causes == std::vector<std::string>{"fast-retransmit", "recovery-end"});
}

TEST_CASE("the retransmission timer backs off while a link is down and the transfer resumes after") {
  auto w = test::load(two_hosts(R"(
[[action]]
at = "300ms"
do = "link-down"
link = "wire"
[[action]]
at = "5s"
do = "link-up"
link = "wire"
)"));
  Transfer t(*w, 200'000);
  w->sim.run_until(Time{} + seconds(10));
  CHECK((t.received == t.data));
  // Retransmissions at 1.3 s, 3.3 s and 7.3 s: the last, after the link is back, gets through.
  CHECK(t.client->stats().timeouts == 3);
  // Karn's algorithm: every later segment is a retransmission, so no sample undoes the backoff.
  CHECK(t.client->rto() == seconds(8));
}

TEST_CASE("window scaling lets one connection fill a long fat pipe") {
  auto w = test::load(R"(
[tcp]
send_buffer = "1MB"
receive_buffer = "1MB"
[[host]]
name = "client"
[[host]]
name = "server"
[[link]]
between = ["client", "server"]
rate = "100Mbps"
delay = "20ms"
queue = "1000 packets"
[[app]]
type = "bulk-sink"
host = "server"
[[app]]
type = "bulk-send"
host = "client"
to = "server:5001"
bytes = "20MB"
)");
  test::run_transcript(*w);
  const auto& s = test::connection(*w, "client").stats();
  CHECK(s.bytes_sent == 20'000'000);
  // 20 MB at 100 Mbps is 1.6 s; a 64 KB window would need 5 s over a 40 ms round trip.
  // (The window is scaled: 1 MB does not fit the 16-bit field.)
  CHECK((s.closed - s.established) < seconds(3));
}

TEST_CASE("sequence numbers compare modulo 2^32") {
  CHECK(seq_lt(0xfffffff0u, 0x10u));
  CHECK(seq_gt(0x10u, 0xfffffff0u));
  CHECK(seq_le(5u, 5u));
}

TEST_CASE("an abort sends RST and the peer's connection ends as reset") {
  auto w = test::load(two_hosts());
  REQUIRE(w->stack(1).tcp.listen(80, [](TcpConnection& c) { c.abort(); }).ok());
  std::optional<TcpCloseReason> reason;
  TcpConnection& c = w->stack(0).tcp.connect({w->net.node(1).address(), 80});
  c.on_closed = [&](TcpCloseReason r) { reason = r; };
  w->sim.run();
  REQUIRE(reason.has_value());
  CHECK(*reason == TcpCloseReason::Reset);
  CHECK(test::connection(*w, "server").stats().close_reason == TcpCloseReason::Aborted);
}

TEST_CASE("random and forged segments never break a listener or an open connection") {
  auto w = test::load(two_hosts());
  Network& net = w->net;
  std::string received;
  REQUIRE(w->stack(1).tcp.listen(80, [&](TcpConnection& c) { c.on_data = [&](std::string_view d) { received += d; }; }).ok());
  TcpConnection& c = w->stack(0).tcp.connect({net.node(1).address(), 80});
  c.on_connected = [&] { c.send("before"); };
  w->sim.run_until(Time{} + milliseconds(100));
  REQUIRE(received == "before");
  // Throw a thousand random segments at the server: at its listening port and at the open
  // connection's 4-tuple, with random flags, sequence numbers, options bytes and payloads.
  Random& random = w->sim.random("fuzz");
  for (int i = 0; i < 1000; ++i) {
    Ipv4Header ip;
    ip.source = net.node(0).address();
    ip.destination = net.node(1).address();
    TcpHeader h;
    h.source_port = i % 2 ? c.local().port : static_cast<std::uint16_t>(random.uniform_int(1, 65535));
    h.destination_port = i % 3 ? 80 : static_cast<std::uint16_t>(random.uniform_int(1, 65535));
    h.seq = static_cast<std::uint32_t>(random.next_u64());
    h.ack = static_cast<std::uint32_t>(random.next_u64());
    h.flags = static_cast<std::uint8_t>(random.uniform_int(0, 63)) & ~tcp_flag::Rst;  // RSTs would end the test early
    h.window = static_cast<std::uint16_t>(random.next_u64());
    std::string payload(random.uniform_int(0, 100), 'x');
    Bytes packet = build_tcp_packet(ip, h, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
    if (i % 7 == 0) packet[Ipv4HeaderSize + 12] = static_cast<std::uint8_t>(random.uniform_int(0, 255));  // data offset
    net.send(0, std::move(packet));
  }
  w->sim.run_until(Time{} + seconds(2));
  // Forged segments land outside the window (RFC 793 answers them with an ACK), so the
  // connection is still open and still delivers in order.
  REQUIRE(c.state() == TcpState::Established);
  c.send(" after");
  w->sim.run_until(Time{} + seconds(4));
  CHECK(received == "before after");
  CHECK(w->sim.events_pending() < 100);  // nothing runs away
}
