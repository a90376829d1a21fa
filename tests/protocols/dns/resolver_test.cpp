// The iterative Resolver against a little in-memory hierarchy: three AuthoritativeServers
// (the root, com. and net. on one TLD server, example.com.) reached through a helper that
// hands every upstream datagram to the right server and feeds its reply back 10 ms later.
#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/dns/master_file.hpp"
#include "protocols/dns/resolver.hpp"
#include "protocols/dns/server.hpp"

using namespace wiresim;
using namespace wiresim::dns;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t RootAddress = 0xC6290004;     // 198.41.0.4, a.root-servers.net.
constexpr std::uint32_t TldAddress = 0xC005061E;      // 192.5.6.30, a.gtld-servers.net. (com. and net.)
constexpr std::uint32_t ExampleAddress = 0xC0000235;  // 192.0.2.53, ns1.example.com.
constexpr std::uint32_t DeadAddress = 0xC6290063;     // 198.41.0.99: a root server that never answers
constexpr std::uint32_t EvilAddress = 0x06060606;     // 6.6.6.6
constexpr std::uint32_t ResolverAddress = 0x0A000035; // 10.0.0.53
const Peer Client{0x0A000007, 40000};                 // 10.0.0.7

constexpr std::string_view RootZone = R"(
.                  86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
.                 518400 IN NS  a.root-servers.net.
a.root-servers.net. 518400 IN A 198.41.0.4
com.              172800 IN NS  a.gtld-servers.net.
net.              172800 IN NS  a.gtld-servers.net.
a.gtld-servers.net. 172800 IN A 192.5.6.30
)";

constexpr std::string_view TldZones = R"(
com.              900 IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
com.           172800 IN NS  a.gtld-servers.net.
example.com.   172800 IN NS  ns1.example.com.
ns1.example.com. 172800 IN A 192.0.2.53
net.              900 IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
net.           172800 IN NS  a.gtld-servers.net.
a.gtld-servers.net. 172800 IN A 192.5.6.30
www.example.net.  300 IN A   198.51.100.80
other.com.     172800 IN NS  ns.example.net.
ns.example.net.   300 IN A   192.0.2.53
)";

std::string example_zone() {
  std::string text = R"(
$ORIGIN example.com.
@      3600 IN SOA   ns1 admin 2024010101 7200 3600 1209600 300
@      3600 IN NS    ns1
ns1    3600 IN A     192.0.2.53
www     300 IN A     192.0.2.1
alias   300 IN CNAME www.example.net.
)";
  for (int i = 1; i <= 40; ++i) text += "many 60 IN A 192.0.2." + std::to_string(i) + "\n";
  // A second zone on the same server, delegated to a name server without glue.
  text += "other.com. 3600 IN SOA ns.example.net. admin.other.com. 1 7200 3600 1209600 300\n"
          "www.other.com. 300 IN A 192.0.2.88\n";
  return text;
}

AuthoritativeServer server_of(std::string_view text) {
  const MasterFile file = parse_master_file(text, ".", 3600);
  REQUIRE_MESSAGE(!file.error, file.error->message);
  ZoneSet zones;
  REQUIRE(zones.add(file.records) == "");
  return AuthoritativeServer(std::move(zones));
}

ResolverConfig default_config() {
  ResolverConfig config;
  config.root_hints = {{"a.root-servers.net.", RootAddress}};
  return config;
}

Message decoded(const Bytes& bytes) {
  DecodeResult result = decode(bytes);
  REQUIRE_MESSAGE(result.message.has_value(), result.error);
  return *result.message;
}

Bytes query_bytes(const std::string& name, RrType type, std::uint16_t id, bool rd) {
  Message q;
  q.header.id = id;
  q.header.rd = rd;
  q.questions.push_back({name, type, ClassIn});
  return encode(q);
}

ResourceRecord record(std::string name, RrType type, std::uint32_t ttl, Rdata data) {
  return {std::move(name), type, ClassIn, ttl, std::move(data)};
}

std::string hex_id(std::uint16_t id) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", id);
  return buf;
}

// The resolver, the three servers, and what travelled between them.
struct Lab {
  std::mt19937_64 rng{20240601};
  Resolver resolver;
  std::map<std::uint32_t, AuthoritativeServer> servers;
  std::vector<Datagram> upstream;    // every query the resolver sent to a server, in order
  std::vector<Datagram> to_clients;  // every reply it sent to a client
  Time now{};

  explicit Lab(ResolverConfig config = default_config())
      : resolver(std::move(config), [this] { return rng(); }) {
    servers.emplace(RootAddress, server_of(RootZone));
    servers.emplace(TldAddress, server_of(TldZones));
    servers.emplace(ExampleAddress, server_of(example_zone()));
  }
  Lab(const Lab&) = delete;

  // Delivers what the resolver sends until it falls quiet: a query to a known server is
  // answered 10 ms later; one to an unknown address is lost.
  void run() {
    for (std::vector<Datagram> out = resolver.take_outgoing(); !out.empty(); out = resolver.take_outgoing())
      for (const Datagram& d : out) {
        if (d.to.port != Port) {
          to_clients.push_back(d);
          continue;
        }
        upstream.push_back(d);
        auto server = servers.find(d.to.address);
        if (server == servers.end()) continue;
        now += milliseconds(10);
        const ServerAnswer answer = server->second.answer(d.bytes, {ResolverAddress, d.local_port}, d.transport);
        if (answer.response) resolver.on_datagram(answer.bytes, {d.to.address, Port}, d.local_port, d.transport, now);
      }
  }

  // A client's query, run to the end.
  void send(const std::string& name, RrType type = RrType::A, std::uint16_t id = 0x4242, bool rd = true,
            Transport transport = Transport::Udp) {
    resolver.on_datagram(query_bytes(name, type, id, rd), Client, Port, transport, now);
    run();
  }

  // A client's query and the one reply it got.
  Message ask(const std::string& name, RrType type = RrType::A, std::uint16_t id = 0x4242, bool rd = true) {
    send(name, type, id, rd);
    REQUIRE(to_clients.size() == 1);
    const Datagram reply = to_clients.front();
    to_clients.clear();
    CHECK(reply.to == Client);
    CHECK(reply.local_port == Port);
    return decoded(reply.bytes);
  }

  // The servers asked, from the `from`th upstream query on.
  std::vector<std::uint32_t> asked(std::size_t from = 0) const {
    std::vector<std::uint32_t> out;
    for (std::size_t i = from; i < upstream.size(); ++i) out.push_back(upstream[i].to.address);
    return out;
  }

  std::vector<Event> events_of(EventKind kind) {
    std::vector<Event> out;
    for (Event& e : resolver.take_events())
      if (e.kind == kind) out.push_back(std::move(e));
    return out;
  }
};

using Addresses = std::vector<std::uint32_t>;

std::string text(const std::vector<ResourceRecord>& section) {
  std::string out;
  for (const ResourceRecord& rr : section)
    out += rr.name + " " + std::to_string(rr.ttl) + " " + type_name(rr.type) + " " + rdata_text(rr) + "\n";
  return out;
}

// A response shaped for `query`: same ID and question, QR and AA set.
Message response_to(const Datagram& query) {
  Message r = decoded(query.bytes);
  r.header.qr = true;
  r.header.aa = true;
  return r;
}

// Starts a cold lookup of www.example.com. and returns the query to the root, undelivered,
// with the root's genuine reply.
std::pair<Datagram, Message> first_hop(Lab& lab) {
  lab.resolver.on_datagram(query_bytes("www.example.com.", RrType::A, 0x4242, true), Client, Port, Transport::Udp,
                           lab.now);
  std::vector<Datagram> out = lab.resolver.take_outgoing();
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].to == Peer{RootAddress, Port});
  const ServerAnswer answer =
      lab.servers.at(RootAddress).answer(out[0].bytes, {ResolverAddress, out[0].local_port}, Transport::Udp);
  REQUIRE(answer.response.has_value());
  return {out[0], *answer.response};
}

// Feeds a response that must be ignored, then the genuine one, which must move the lookup on.
void check_ignored_then_accepted(Lab& lab, const Datagram& query, const Message& genuine, const Bytes& wrong,
                                 Peer from, std::uint16_t port) {
  lab.now += milliseconds(10);
  lab.resolver.on_datagram(wrong, from, port, Transport::Udp, lab.now);
  CHECK(lab.resolver.stats().ignored_responses == 1);
  CHECK(lab.resolver.take_outgoing().empty());
  lab.resolver.on_datagram(encode(genuine), {RootAddress, Port}, query.local_port, Transport::Udp, lab.now);
  CHECK(lab.resolver.stats().ignored_responses == 1);
  const std::vector<Datagram> next = lab.resolver.take_outgoing();
  REQUIRE(next.size() == 1);
  CHECK(next[0].to == Peer{TldAddress, Port});
}

}  // namespace

TEST_CASE("dns resolver resolves a cold name by asking the root, then com., then example.com.") {
  Lab lab;
  const Message reply = lab.ask("www.example.com.");
  CHECK(lab.asked() == Addresses{RootAddress, TldAddress, ExampleAddress});
  for (const Datagram& d : lab.upstream) {
    const Message q = decoded(d.bytes);
    CHECK_FALSE(q.header.rd);  // iterative: each server answers from its own data
    CHECK(q.questions == std::vector<Question>{{"www.example.com.", RrType::A, ClassIn}});
    CHECK(d.transport == Transport::Udp);
  }
  CHECK(reply.header.id == 0x4242);
  CHECK(reply.header.qr);
  CHECK(reply.header.ra);
  CHECK(reply.header.rd);
  CHECK_FALSE(reply.header.aa);
  CHECK(reply.header.rcode == Rcode::NoError);
  CHECK(text(reply.answers) == "www.example.com. 300 A 192.0.2.1\n");
  CHECK(lab.resolver.stats().upstream_queries == 3);
  const std::vector<Event> resolved = lab.events_of(EventKind::Resolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].text == "resolved www.example.com. A: NOERROR, 1 record in 30 ms after 3 queries");
}

TEST_CASE("dns resolver answers a repeat from its cache without asking upstream") {
  Lab lab;
  lab.ask("www.example.com.");
  lab.now += seconds(100);
  const Message reply = lab.ask("www.example.com.", RrType::A, 0x0007);
  CHECK(lab.upstream.size() == 3);
  CHECK(reply.header.id == 0x0007);
  CHECK(reply.header.rcode == Rcode::NoError);
  CHECK(text(reply.answers) == "www.example.com. 200 A 192.0.2.1\n");
  CHECK(lab.resolver.stats().answered_from_cache == 1);
}

TEST_CASE("dns resolver asks only example.com.'s server once the answer's TTL has run out") {
  Lab lab;
  lab.ask("www.example.com.");
  lab.now += seconds(301);
  const Message reply = lab.ask("www.example.com.");
  CHECK(lab.asked(3) == Addresses{ExampleAddress});
  CHECK(text(reply.answers) == "www.example.com. 300 A 192.0.2.1\n");
}

TEST_CASE("dns resolver chases a CNAME into another zone and lists the CNAME first") {
  Lab lab;
  const Message reply = lab.ask("alias.example.com.");
  CHECK(lab.asked() == Addresses{RootAddress, TldAddress, ExampleAddress, RootAddress, TldAddress});
  CHECK(decoded(lab.upstream[3].bytes).questions[0].name == "www.example.net.");
  CHECK(reply.header.rcode == Rcode::NoError);
  CHECK(reply.questions[0].name == "alias.example.com.");
  CHECK(text(reply.answers) == "alias.example.com. 300 CNAME www.example.net.\nwww.example.net. 300 A 198.51.100.80\n");
}

TEST_CASE("dns resolver looks up a name server's address first when a referral has no glue") {
  Lab lab;
  const Message reply = lab.ask("www.other.com.");
  // root and com. for www.other.com., then root and net. for ns.example.net., then the server itself
  CHECK(lab.asked() == Addresses{RootAddress, TldAddress, RootAddress, TldAddress, ExampleAddress});
  CHECK(decoded(lab.upstream[2].bytes).questions[0].name == "ns.example.net.");
  CHECK(reply.header.rcode == Rcode::NoError);
  CHECK(text(reply.answers) == "www.other.com. 300 A 192.0.2.88\n");
}

TEST_CASE("dns resolver caches NXDOMAIN and answers a repeat, of any type, without asking") {
  Lab lab;
  const Message first = lab.ask("nothing.example.com.");
  CHECK(first.header.rcode == Rcode::NXDomain);
  CHECK(first.answers.empty());
  REQUIRE(first.authority.size() == 1);
  CHECK(first.authority[0].type == RrType::SOA);
  CHECK(first.authority[0].ttl == 300);
  const std::size_t sent = lab.upstream.size();
  lab.now += seconds(10);
  const Message repeat = lab.ask("nothing.example.com.", RrType::MX);
  CHECK(lab.upstream.size() == sent);
  CHECK(repeat.header.rcode == Rcode::NXDomain);
  REQUIRE(repeat.authority.size() == 1);
  CHECK(repeat.authority[0].ttl == 290);
}

TEST_CASE("dns resolver caches NODATA for the type asked") {
  Lab lab;
  const Message first = lab.ask("www.example.com.", RrType::MX);
  CHECK(first.header.rcode == Rcode::NoError);
  CHECK(first.answers.empty());
  CHECK(first.authority.size() == 1);
  const std::size_t sent = lab.upstream.size();
  const Message repeat = lab.ask("www.example.com.", RrType::MX);
  CHECK(lab.upstream.size() == sent);
  CHECK(repeat.header.rcode == Rcode::NoError);
  CHECK(repeat.answers.empty());
}

TEST_CASE("dns resolver ignores a response with the wrong ID and accepts the genuine one") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  Message wrong = genuine;
  wrong.header.id = static_cast<std::uint16_t>(genuine.header.id + 1);
  check_ignored_then_accepted(lab, query, genuine, encode(wrong), {RootAddress, Port}, query.local_port);
  const std::vector<Event> ignored = lab.events_of(EventKind::Ignored);
  REQUIRE(ignored.size() == 1);
  CHECK(ignored[0].text == "ignored a response from 198.41.0.4 to port " + std::to_string(query.local_port) +
                               " with ID " + hex_id(wrong.header.id) + ": it matches no outstanding query");
}

TEST_CASE("dns resolver ignores a response to the wrong port and accepts the genuine one") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  check_ignored_then_accepted(lab, query, genuine, encode(genuine), {RootAddress, Port},
                              static_cast<std::uint16_t>(query.local_port ^ 1));
}

TEST_CASE("dns resolver ignores a response from the wrong address and accepts the genuine one") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  check_ignored_then_accepted(lab, query, genuine, encode(genuine), {EvilAddress, Port}, query.local_port);
}

TEST_CASE("dns resolver ignores a response from the wrong source port and accepts the genuine one") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  check_ignored_then_accepted(lab, query, genuine, encode(genuine), {RootAddress, 5353}, query.local_port);
}

TEST_CASE("dns resolver ignores a response for another question and accepts the genuine one") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  Message wrong = genuine;
  wrong.questions[0].name = "evil.example.com.";
  check_ignored_then_accepted(lab, query, genuine, encode(wrong), {RootAddress, Port}, query.local_port);
}

TEST_CASE("dns resolver ignores a response for another type and accepts the genuine one") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  Message wrong = genuine;
  wrong.questions[0].type = RrType::AAAA;
  check_ignored_then_accepted(lab, query, genuine, encode(wrong), {RootAddress, Port}, query.local_port);
}

TEST_CASE("dns resolver matches a response's question without regard to case") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  Message upper = genuine;
  upper.questions[0].name = "WWW.Example.COM.";
  lab.resolver.on_datagram(encode(upper), {RootAddress, Port}, query.local_port, Transport::Udp, lab.now);
  CHECK(lab.resolver.stats().ignored_responses == 0);
  CHECK(lab.resolver.take_outgoing().size() == 1);
}

TEST_CASE("dns resolver moves on to the next server when one times out") {
  ResolverConfig config = default_config();
  config.root_hints = {{"dead.root-servers.net.", DeadAddress}, {"a.root-servers.net.", RootAddress}};
  Lab lab(config);
  lab.send("www.example.com.");
  CHECK(lab.asked() == Addresses{DeadAddress});
  CHECK(lab.to_clients.empty());
  REQUIRE(lab.resolver.wake_at() == Time{} + seconds(2));
  lab.resolver.on_timer(Time{} + seconds(2) - nanoseconds(1));
  CHECK(lab.resolver.take_outgoing().empty());
  lab.now = *lab.resolver.wake_at();
  lab.resolver.on_timer(lab.now);
  lab.run();
  CHECK(lab.asked() == Addresses{DeadAddress, RootAddress, TldAddress, ExampleAddress});
  REQUIRE(lab.to_clients.size() == 1);
  CHECK(decoded(lab.to_clients[0].bytes).header.rcode == Rcode::NoError);
  CHECK(lab.resolver.stats().timeouts == 1);
  const std::vector<Event> timeouts = lab.events_of(EventKind::Timeout);
  REQUIRE(timeouts.size() == 1);
  CHECK(timeouts[0].text ==
        "no answer from 198.41.0.99 for www.example.com. A within 2000 ms; trying another server");
}

TEST_CASE("dns resolver answers SERVFAIL once every server has timed out") {
  ResolverConfig config = default_config();
  config.root_hints = {{"dead.root-servers.net.", DeadAddress}, {"also-dead.root-servers.net.", DeadAddress + 1}};
  Lab lab(config);
  lab.send("www.example.com.", RrType::A, 0x5151);
  while (lab.to_clients.empty()) {
    REQUIRE(lab.resolver.wake_at().has_value());
    REQUIRE(lab.upstream.size() <= 2);
    lab.now = *lab.resolver.wake_at();
    lab.resolver.on_timer(lab.now);
    lab.run();
  }
  CHECK(lab.asked() == Addresses{DeadAddress, DeadAddress + 1});
  REQUIRE(lab.to_clients.size() == 1);
  const Message reply = decoded(lab.to_clients[0].bytes);
  CHECK(reply.header.id == 0x5151);
  CHECK(reply.header.rcode == Rcode::ServFail);
  CHECK(lab.now == Time{} + seconds(4));
  CHECK(lab.resolver.stats().timeouts == 2);
  CHECK(lab.resolver.stats().servfails == 1);
  CHECK_FALSE(lab.resolver.wake_at().has_value());
}

TEST_CASE("dns resolver sends every upstream query from the fixed port when one is configured") {
  ResolverConfig config = default_config();
  config.fixed_port = 33333;
  Lab lab(config);
  lab.ask("www.example.com.");
  REQUIRE(lab.upstream.size() == 3);
  for (const Datagram& d : lab.upstream) CHECK(d.local_port == 33333);
  CHECK(lab.resolver.take_released_ports().empty());
}

TEST_CASE("dns resolver sends each upstream query from a fresh random port without a fixed port") {
  Lab lab;
  lab.ask("www.example.com.");
  REQUIRE(lab.upstream.size() == 3);
  std::set<std::uint16_t> ports;
  for (const Datagram& d : lab.upstream) {
    CHECK(d.local_port >= 1024);
    CHECK(d.local_port != Port);
    ports.insert(d.local_port);
  }
  CHECK(ports.size() == 3);
  const std::vector<std::uint16_t> released = lab.resolver.take_released_ports();
  CHECK(std::set<std::uint16_t>(released.begin(), released.end()) == ports);
}

TEST_CASE("dns resolver asks again over TCP after a truncated UDP answer and takes the TCP answer") {
  Lab lab;
  const std::uint64_t handle = lab.resolver.resolve({"many.example.com.", RrType::A, ClassIn}, lab.now);
  lab.run();
  CHECK(lab.asked() == Addresses{RootAddress, TldAddress, ExampleAddress, ExampleAddress});
  REQUIRE(lab.upstream.size() == 4);
  CHECK(lab.upstream[2].transport == Transport::Udp);
  CHECK(lab.upstream[3].transport == Transport::Tcp);
  CHECK(lab.upstream[3].bytes == lab.upstream[2].bytes);
  CHECK(lab.upstream[3].local_port == lab.upstream[2].local_port);
  const std::vector<Event> truncated = lab.events_of(EventKind::Truncated);
  REQUIRE(truncated.size() == 1);
  CHECK(truncated[0].text == "truncated answer from 192.0.2.53 for many.example.com. A; asking again over TCP");
  const std::vector<Completion> done = lab.resolver.take_completions();
  REQUIRE(done.size() == 1);
  CHECK(done[0].handle == handle);
  CHECK(done[0].reply.header.rcode == Rcode::NoError);
  CHECK(done[0].reply.answers.size() == 40);
}

TEST_CASE("dns resolver truncates a reply too long for its UDP client") {
  Lab lab;
  const Message reply = lab.ask("many.example.com.");
  CHECK(reply.header.tc);
  CHECK(reply.answers.empty());
  CHECK(reply.questions.size() == 1);
}

TEST_CASE("dns resolver answers from its local data without asking upstream") {
  ResolverConfig config = default_config();
  config.local_data = {record("www.example.com.", RrType::A, 60, AData{{10, 66, 66, 66}})};
  Lab lab(config);
  const Message reply = lab.ask("www.example.com.");
  CHECK(lab.upstream.empty());
  CHECK(reply.header.rcode == Rcode::NoError);
  CHECK(text(reply.answers) == "www.example.com. 60 A 10.66.66.66\n");
}

TEST_CASE("dns resolver refuses a query without RD when nothing is cached") {
  Lab lab;
  const Message reply = lab.ask("www.example.com.", RrType::A, 0x0101, false);
  CHECK(lab.upstream.empty());
  CHECK(reply.header.id == 0x0101);
  CHECK(reply.header.rcode == Rcode::Refused);
  CHECK_FALSE(reply.header.rd);
  CHECK(reply.answers.empty());
}

TEST_CASE("dns resolver answers a query without RD from its cache") {
  Lab lab;
  lab.ask("www.example.com.");
  const Message reply = lab.ask("www.example.com.", RrType::A, 0x0102, false);
  CHECK(lab.upstream.size() == 3);
  CHECK(reply.header.rcode == Rcode::NoError);
  CHECK(reply.answers.size() == 1);
}

TEST_CASE("dns resolver answers FORMERR to a query with two questions") {
  Lab lab;
  Message two;
  two.header.id = 0x2222;
  two.header.rd = true;
  two.questions = {{"www.example.com.", RrType::A, ClassIn}, {"www.example.net.", RrType::A, ClassIn}};
  lab.resolver.on_datagram(encode(two), Client, Port, Transport::Udp, lab.now);
  lab.run();
  CHECK(lab.upstream.empty());
  REQUIRE(lab.to_clients.size() == 1);
  const Message reply = decoded(lab.to_clients[0].bytes);
  CHECK(reply.header.id == 0x2222);
  CHECK(reply.header.rcode == Rcode::FormErr);
  const std::vector<Event> errors = lab.events_of(EventKind::ProtocolError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].text == "answered FORMERR to 10.0.0.7: a query must carry exactly one question, this one has 2");
}

TEST_CASE("dns resolver answers FORMERR with the query's ID to a malformed query") {
  Lab lab;
  Bytes bytes = query_bytes("www.example.com.", RrType::A, 0x3333, true);
  bytes.resize(bytes.size() - 3);
  lab.resolver.on_datagram(bytes, Client, Port, Transport::Udp, lab.now);
  lab.run();
  CHECK(lab.upstream.empty());
  REQUIRE(lab.to_clients.size() == 1);
  CHECK(lab.to_clients[0].to == Client);
  const Message reply = decoded(lab.to_clients[0].bytes);
  CHECK(reply.header.id == 0x3333);
  CHECK(reply.header.qr);
  CHECK(reply.header.rcode == Rcode::FormErr);
  const std::vector<Event> errors = lab.events_of(EventKind::ProtocolError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].text ==
        "malformed message from 10.0.0.7: question at offset 12 ends before its type and class; answered FORMERR");
}

TEST_CASE("dns resolver drops a malformed datagram on an upstream port without replying") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  Bytes bytes = encode(genuine);
  bytes.resize(bytes.size() - 3);
  lab.resolver.on_datagram(bytes, {RootAddress, Port}, query.local_port, Transport::Udp, lab.now);
  CHECK(lab.resolver.take_outgoing().empty());
  CHECK(lab.events_of(EventKind::ProtocolError).size() == 1);
}

TEST_CASE("dns resolver lets an accepted authoritative answer replace the zone's NS set (the Kaminsky pattern)") {
  Lab lab;
  lab.ask("www.example.com.");
  lab.resolver.on_datagram(query_bytes("w1.example.com.", RrType::A, 0x4343, true), Client, Port, Transport::Udp,
                           lab.now);
  std::vector<Datagram> out = lab.resolver.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].to == Peer{ExampleAddress, Port});
  // The forgery that won the race: right ID, port and question, "from" example.com.'s server.
  Message forged = response_to(out[0]);
  forged.answers.push_back(record("w1.example.com.", RrType::A, 300, AData{{6, 6, 6, 6}}));
  forged.authority.push_back(record("example.com.", RrType::NS, 86400, NameData{"ns.evil.example.com."}));
  forged.additional.push_back(record("ns.evil.example.com.", RrType::A, 86400, AData{{6, 6, 6, 6}}));
  lab.resolver.on_datagram(encode(forged), {ExampleAddress, Port}, out[0].local_port, Transport::Udp, lab.now);
  lab.run();
  REQUIRE(lab.to_clients.size() == 1);
  CHECK(text(decoded(lab.to_clients[0].bytes).answers) == "w1.example.com. 300 A 6.6.6.6\n");
  const CacheResult ns = lab.resolver.cache().find("example.com.", RrType::NS, lab.now);
  CHECK(text(ns.records) == "example.com. 86400 NS ns.evil.example.com.\n");
  // From now on the whole zone is asked of the attacker.
  lab.resolver.on_datagram(query_bytes("w2.example.com.", RrType::A, 0x4444, true), Client, Port, Transport::Udp,
                           lab.now);
  out = lab.resolver.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].to == Peer{EvilAddress, Port});
}

TEST_CASE("dns resolver does not cache an NS set or glue outside the zone it asked about") {
  Lab lab;
  lab.ask("www.example.com.");
  lab.resolver.on_datagram(query_bytes("w1.example.com.", RrType::A, 0x4343, true), Client, Port, Transport::Udp,
                           lab.now);
  const std::vector<Datagram> out = lab.resolver.take_outgoing();
  REQUIRE(out.size() == 1);
  Message forged = response_to(out[0]);
  forged.answers.push_back(record("w1.example.com.", RrType::A, 300, AData{{6, 6, 6, 6}}));
  forged.authority.push_back(record("bank.net.", RrType::NS, 86400, NameData{"ns.evil.bank.net."}));
  forged.additional.push_back(record("ns.evil.bank.net.", RrType::A, 86400, AData{{6, 6, 6, 6}}));
  lab.resolver.on_datagram(encode(forged), {ExampleAddress, Port}, out[0].local_port, Transport::Udp, lab.now);
  CHECK(lab.resolver.cache().find("bank.net.", RrType::NS, lab.now).status == CacheStatus::Miss);
  CHECK(lab.resolver.cache().find("ns.evil.bank.net.", RrType::A, lab.now).status == CacheStatus::Miss);
  const CacheResult ns = lab.resolver.cache().find("example.com.", RrType::NS, lab.now);
  REQUIRE(ns.records.size() == 1);
  CHECK(ns.records[0].data == Rdata{NameData{"ns1.example.com."}});
}

TEST_CASE("dns resolver does not take an address outside the asked zone from behind a CNAME") {
  Lab lab;
  lab.ask("www.example.com.");
  lab.resolver.on_datagram(query_bytes("w1.example.com.", RrType::A, 0x4343, true), Client, Port, Transport::Udp,
                           lab.now);
  const std::vector<Datagram> out = lab.resolver.take_outgoing();
  REQUIRE(out.size() == 1);
  // example.com.'s server may say where its alias points, but not what www.bank.net. is.
  Message forged = response_to(out[0]);
  forged.answers.push_back(record("w1.example.com.", RrType::CNAME, 300, NameData{"www.bank.net."}));
  forged.answers.push_back(record("www.bank.net.", RrType::A, 86400, AData{{6, 6, 6, 6}}));
  lab.resolver.on_datagram(encode(forged), {ExampleAddress, Port}, out[0].local_port, Transport::Udp, lab.now);
  lab.run();
  // The target was asked of its own servers instead (here the lab's net. says NXDOMAIN).
  CHECK(lab.resolver.cache().find("www.bank.net.", RrType::A, lab.now).status == CacheStatus::NxDomain);
  for (const Datagram& d : lab.to_clients)
    for (const ResourceRecord& rr : decoded(d.bytes).answers) CHECK(rdata_text(rr) != "6.6.6.6");
}

TEST_CASE("dns resolver survives a CNAME record of another class in a matching response") {
  Lab lab;
  lab.ask("www.example.com.");
  lab.resolver.on_datagram(query_bytes("w1.example.com.", RrType::A, 0x4343, true), Client, Port, Transport::Udp,
                           lab.now);
  const std::vector<Datagram> out = lab.resolver.take_outgoing();
  REQUIRE(out.size() == 1);
  Message response = response_to(out[0]);
  // Class CH (3): decoded as raw bytes, since only class IN gives CNAME its meaning.
  ResourceRecord chaos = record("w1.example.com.", RrType::CNAME, 300, RawData{{3, 'w', 'w', 'w', 0}});
  chaos.klass = 3;
  response.answers.push_back(chaos);
  CHECK_NOTHROW(lab.resolver.on_datagram(encode(response), {ExampleAddress, Port}, out[0].local_port, Transport::Udp,
                                         lab.now));
  CHECK_NOTHROW(lab.run());
  CHECK(lab.to_clients.size() == 1);
}

TEST_CASE("dns resolver survives a referral NS record of another class in a matching response") {
  Lab lab;
  const auto [query, genuine] = first_hop(lab);
  Message response = genuine;
  for (ResourceRecord& rr : response.authority) {
    REQUIRE(rr.type == RrType::NS);
    rr.klass = 3;
    rr.data = RawData{{1, 'a', 0}};
  }
  CHECK_NOTHROW(lab.resolver.on_datagram(encode(response), {RootAddress, Port}, query.local_port, Transport::Udp,
                                         lab.now));
}
