// Deterministic fuzzing of the DNS engines: random bytes, mutations and truncations of valid
// queries and responses fed to the AuthoritativeServer, the Resolver (on port 53 and on the
// ports of its outstanding queries) and the Stub, with timers interleaved. Nothing may throw
// or hang, every message an engine sends must decode, and every question asked must end.
#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <exception>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/dns/master_file.hpp"
#include "protocols/dns/resolver.hpp"
#include "protocols/dns/server.hpp"
#include "protocols/dns/stub.hpp"

using namespace wiresim;
using namespace wiresim::dns;

namespace {

using Bytes = std::vector<std::uint8_t>;
using Rng = std::mt19937_64;

constexpr int Rounds = 20000;

constexpr std::uint32_t RootAddress = 0xC6290004;     // 198.41.0.4
constexpr std::uint32_t TldAddress = 0xC005061E;      // 192.5.6.30
constexpr std::uint32_t ExampleAddress = 0xC0000235;  // 192.0.2.53
constexpr std::uint32_t ResolverAddress = 0x0A000035; // 10.0.0.53

constexpr std::string_view RootZone = R"(
.                  86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
.                 518400 IN NS  a.root-servers.net.
a.root-servers.net. 518400 IN A 198.41.0.4
com.              172800 IN NS  a.gtld-servers.net.
net.              172800 IN NS  a.gtld-servers.net.
org.              172800 IN NS  ns.lame.org.
a.gtld-servers.net. 172800 IN A 192.5.6.30
)";

constexpr std::string_view TldZones = R"(
com.              900 IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
com.           172800 IN NS  a.gtld-servers.net.
example.com.   172800 IN NS  ns1.example.com.
example.com.   172800 IN NS  ns2.example.org.
ns1.example.com. 172800 IN A 192.0.2.53
net.              900 IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
net.           172800 IN NS  a.gtld-servers.net.
a.gtld-servers.net. 172800 IN A 192.5.6.30
www.example.net.  300 IN A   198.51.100.80
loop.example.net. 300 IN CNAME alias.example.com.
)";

std::string example_zone() {
  std::string text = R"(
$ORIGIN example.com.
@      3600 IN SOA   ns1 admin 2024010101 7200 3600 1209600 300
@      3600 IN NS    ns1
@      3600 IN MX    10 mail
ns1    3600 IN A     192.0.2.53
mail   3600 IN A     192.0.2.25
www       5 IN A     192.0.2.1
www       5 IN AAAA  2001:db8::1
alias     5 IN CNAME www.example.net.
back      5 IN CNAME loop.example.net.
txt     300 IN TXT   "hello" "world"
host.lab 60 IN A     192.0.2.9
sub   86400 IN NS    ns.sub
ns.sub 86400 IN A    192.0.2.77
)";
  for (int i = 1; i <= 40; ++i) text += "many 60 IN A 192.0.2." + std::to_string(i) + "\n";
  return text;
}

AuthoritativeServer server_of(std::string_view text) {
  const MasterFile file = parse_master_file(text, ".", 3600);
  REQUIRE_MESSAGE(!file.error, file.error->message);
  ZoneSet zones;
  REQUIRE(zones.add(file.records) == "");
  return AuthoritativeServer(std::move(zones));
}

std::map<std::uint32_t, AuthoritativeServer> hierarchy() {
  std::map<std::uint32_t, AuthoritativeServer> servers;
  servers.emplace(RootAddress, server_of(RootZone));
  servers.emplace(TldAddress, server_of(TldZones));
  servers.emplace(ExampleAddress, server_of(example_zone()));
  return servers;
}

const std::vector<std::string> Names = {
    "www.example.com.", "alias.example.com.", "back.example.com.", "many.example.com.", "nothing.example.com.",
    "example.com.",     "ns1.example.com.",   "lab.example.com.",  "host.sub.example.com.", "txt.example.com.",
    "www.example.net.", "loop.example.net.",  "com.",              ".",                  "a.gtld-servers.net.",
    "WWW.Example.COM.", "x.y.z.example.com.", "www.example.org.",  "nothing.test.",      "ns2.example.org."};
const std::vector<RrType> Types = {RrType::A,   RrType::AAAA, RrType::MX,  RrType::NS, RrType::SOA,
                                   RrType::CNAME, RrType::TXT, RrType::ANY, RrType::PTR, static_cast<RrType>(99)};

std::size_t below(Rng& rng, std::size_t n) { return n ? static_cast<std::size_t>(rng() % n) : 0; }

Question random_question(Rng& rng) {
  return {Names[below(rng, Names.size())], Types[below(rng, Types.size())], ClassIn};
}

Bytes random_bytes(Rng& rng) {
  Bytes b(below(rng, 601));
  for (std::uint8_t& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

// One to four edits: bit flips, random or structural octets (pointers, long labels), inserts,
// deletes and counts set high.
Bytes mutate(Rng& rng, Bytes b) {
  const std::size_t edits = 1 + below(rng, 4);
  for (std::size_t i = 0; i < edits; ++i) {
    const std::size_t at = below(rng, b.size() + 1);
    switch (below(rng, 6)) {
      case 0:
        if (at < b.size()) b[at] ^= static_cast<std::uint8_t>(1u << below(rng, 8));
        break;
      case 1:
        if (at < b.size()) b[at] = static_cast<std::uint8_t>(rng());
        break;
      case 2:
        if (b.size() < 700) b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng()));
        break;
      case 3:
        if (at < b.size()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      case 4: {
        static constexpr std::uint8_t Structural[] = {0xC0, 0xC0, 0x3F, 0x40, 0x00, 0xFF, 0x0C};
        if (at < b.size()) b[at] = Structural[below(rng, std::size(Structural))];
        break;
      }
      default:
        if (b.size() >= 12) b[4 + 2 * below(rng, 4) + below(rng, 2)] = static_cast<std::uint8_t>(rng());
        break;
    }
  }
  return b;
}

// Random bytes, a truncation or a mutation of `valid`, or `valid` itself.
Bytes variant_of(Rng& rng, const Bytes& valid) {
  switch (below(rng, 8)) {
    case 0:
    case 1:
      return random_bytes(rng);
    case 2: {
      Bytes b = valid;
      b.resize(below(rng, b.size()));
      return b;
    }
    case 3:
      return valid;
    default:
      return mutate(rng, valid);
  }
}

Bytes query_bytes(const Question& q, std::uint16_t id, bool rd) {
  Message m;
  m.header.id = id;
  m.header.rd = rd;
  m.questions.push_back(q);
  return encode(m);
}

// Valid messages to start mutations from: queries of every kind, and the servers' replies.
std::vector<Bytes> samples(Rng& rng, std::map<std::uint32_t, AuthoritativeServer>& servers) {
  std::vector<Bytes> out;
  for (int i = 0; i < 40; ++i) {
    Message m;
    m.header.id = static_cast<std::uint16_t>(rng());
    m.header.rd = rng() % 2;
    m.questions.push_back(random_question(rng));
    if (i % 10 == 0) m.header.opcode = Opcode::Status;
    if (i % 10 == 1) m.questions.push_back(random_question(rng));
    if (i % 10 == 2) m.questions[0].klass = 3;
    out.push_back(encode(m));
    for (auto& [address, server] : servers) {
      const ServerAnswer answer = server.answer(out.back(), {ResolverAddress, 1234}, Transport::Tcp);
      if (answer.response) out.push_back(answer.bytes);
    }
  }
  return out;
}

// Whether the resolver owes a reply to a datagram that reached its port 53.
bool owes_reply(const Bytes& bytes) {
  const DecodeResult d = decode(bytes);
  if (d.message) return !d.message->header.qr;
  return d.header && !d.header->qr;
}

struct Problems {
  std::size_t count = 0;
  std::string first;
  void add(const std::string& what) {
    if (count++ == 0) first = what;
  }
};

// ---------------------------------------------------------------------------------------------
// The resolver, wired to the real hierarchy, with hostile traffic mixed in.

struct ResolverRun {
  Problems exceptions, bad_output, bad_state;
  std::uint64_t client_queries = 0, answered = 0, max_outstanding = 0, upstream = 0;
};

ResolverRun fuzz_resolver() {
  ResolverRun run;
  Rng rng{0xD15EA5E};
  Rng resolver_rng{42};
  std::map<std::uint32_t, AuthoritativeServer> servers = hierarchy();
  const std::vector<Bytes> valid = samples(rng, servers);

  ResolverConfig config;
  config.root_hints = {{"a.root-servers.net.", RootAddress}};
  config.cache_size = 64;
  Resolver resolver(config, [&] { return resolver_rng(); });

  Time now{};
  std::deque<Datagram> unanswered;  // upstream queries not yet delivered
  std::vector<Datagram> recent;     // the latest upstream queries, for responses aimed at their ports
  std::set<std::uint32_t> owed;     // clients (one address each) owed exactly one reply
  std::map<std::uint32_t, int> replies;
  std::uint64_t waiting = 0;        // owed clients without a reply yet
  std::uint64_t released = 0;
  std::uint32_t next_client = 0x0A010000;

  auto guarded = [&](auto&& call) {
    try {
      call();
    } catch (const std::exception& e) {
      run.exceptions.add(e.what());
    }
  };
  auto feed = [&](const Bytes& bytes, Peer from, std::uint16_t port, Transport transport) {
    guarded([&] { resolver.on_datagram(bytes, from, port, transport, now); });
  };
  auto pump = [&] {
    for (const Datagram& d : resolver.take_outgoing()) {
      const DecodeResult decoded = decode(d.bytes);
      if (!decoded.message) run.bad_output.add("the resolver sent a message that does not decode: " + decoded.error);
      if (d.to.port == Port) {
        unanswered.push_back(d);
        recent.push_back(d);
        if (recent.size() > 32) recent.erase(recent.begin());
        continue;
      }
      if (d.transport == Transport::Udp && d.bytes.size() > MaxUdpSize)
        run.bad_output.add("a UDP reply of " + std::to_string(d.bytes.size()) + " octets");
      if (replies[d.to.address]++ == 0 && owed.count(d.to.address)) --waiting;
    }
    released += resolver.take_released_ports().size();
    resolver.take_events();
    const std::uint64_t sent = resolver.stats().upstream_queries;
    if (released > sent) run.bad_state.add("more ports released than queries sent");
    const std::uint64_t outstanding = sent - std::min(sent, released);
    run.max_outstanding = std::max(run.max_outstanding, outstanding);
    if (outstanding > waiting)
      run.bad_state.add(std::to_string(outstanding) + " upstream queries outstanding for " + std::to_string(waiting) +
                        " waiting clients");
  };
  auto client_datagram = [&](const Bytes& bytes) {
    const std::uint32_t client = next_client++;
    if (owes_reply(bytes)) {
      owed.insert(client);
      ++waiting;
    }
    feed(bytes, {client, 40000}, Port, rng() % 8 ? Transport::Udp : Transport::Tcp);
  };

  for (int round = 0; round < Rounds; ++round) {
    now += milliseconds(static_cast<std::int64_t>(below(rng, 40)));
    if (const auto wake = resolver.wake_at(); (wake && *wake <= now) || rng() % 64 == 0)
      guarded([&] { resolver.on_timer(now); });
    switch (below(rng, 10)) {
      case 0:
      case 1:
        ++run.client_queries;
        client_datagram(query_bytes(random_question(rng), static_cast<std::uint16_t>(rng()), rng() % 8 != 0));
        break;
      case 2:
      case 3:
        client_datagram(variant_of(rng, valid[below(rng, valid.size())]));
        break;
      case 4:
      case 5:
      case 6: {
        if (recent.empty()) break;
        const Datagram& q = recent[below(rng, recent.size())];
        Bytes genuine = valid[below(rng, valid.size())];
        if (auto server = servers.find(q.to.address); server != servers.end()) {
          const ServerAnswer answer = server->second.answer(q.bytes, {ResolverAddress, q.local_port}, q.transport);
          if (answer.response) genuine = answer.bytes;
        }
        Peer from{q.to.address, Port};
        if (rng() % 8 == 0) from.address = static_cast<std::uint32_t>(rng());
        Transport transport = q.transport;
        if (rng() % 8 == 0) transport = transport == Transport::Udp ? Transport::Tcp : Transport::Udp;
        feed(variant_of(rng, genuine), from, q.local_port, transport);
        break;
      }
      default:
        while (!unanswered.empty()) {
          const Datagram q = unanswered.front();
          unanswered.pop_front();
          auto server = servers.find(q.to.address);
          if (server == servers.end() || rng() % 4 == 0) continue;  // lost
          const ServerAnswer answer = server->second.answer(q.bytes, {ResolverAddress, q.local_port}, q.transport);
          if (!answer.response) continue;
          feed(rng() % 8 ? answer.bytes : mutate(rng, answer.bytes), {q.to.address, Port}, q.local_port, q.transport);
        }
        break;
    }
    pump();
  }

  // Drain: nothing more is answered; every outstanding query must time out and every client
  // owed a reply must get one.
  unanswered.clear();
  for (int step = 0; step < 100000; ++step) {
    const std::uint64_t sent = resolver.stats().upstream_queries;
    if (released >= sent) break;
    const auto wake = resolver.wake_at();
    if (!wake) {
      run.bad_state.add("queries outstanding but no wake-up time");
      break;
    }
    now = std::max(now, *wake);
    guarded([&] { resolver.on_timer(now); });
    pump();
  }
  if (released != resolver.stats().upstream_queries)
    run.bad_state.add("after draining, " + std::to_string(resolver.stats().upstream_queries - released) +
                      " upstream queries are still outstanding");
  for (const auto& [client, count] : replies)
    if (count != (owed.count(client) ? 1 : 0))
      run.bad_state.add("client " + address_string(client) + " got " + std::to_string(count) + " replies");
  for (const std::uint32_t client : owed) {
    if (!replies.count(client)) run.bad_state.add("client " + address_string(client) + " never got a reply");
    else ++run.answered;
  }
  resolver.cache().clear();
  if (resolver.wake_at()) run.bad_state.add("a wake-up time remains with an empty cache and nothing outstanding");
  run.upstream = resolver.stats().upstream_queries;
  return run;
}

// ---------------------------------------------------------------------------------------------
// The stub, against a server that answers with whatever the fuzzer makes of a plausible reply.

struct StubRun {
  Problems exceptions, bad_output, bad_state;
  std::uint64_t lookups = 0, results = 0;
};

Bytes plausible_reply(Rng& rng, const Datagram& query) {
  DecodeResult d = decode(query.bytes);
  if (!d.message) return query.bytes;
  Message r = *d.message;
  r.header.qr = r.header.ra = true;
  const std::string name = r.questions.empty() ? "." : r.questions[0].name;
  const ResourceRecord soa{"example.com.", RrType::SOA, ClassIn, 60,
                           SoaData{"ns1.example.com.", "admin.example.com.", 1, 7200, 3600, 1209600, 30}};
  switch (below(rng, 5)) {
    case 0:
      r.answers.push_back({name, RrType::A, ClassIn, static_cast<std::uint32_t>(below(rng, 10)), AData{{192, 0, 2, 1}}});
      break;
    case 1:
      r.answers.push_back({name, RrType::CNAME, ClassIn, 30, NameData{"www.example.com."}});
      r.answers.push_back({"www.example.com.", RrType::A, ClassIn, 30, AData{{192, 0, 2, 1}}});
      break;
    case 2:
      r.header.rcode = Rcode::NXDomain;
      r.authority.push_back(soa);
      break;
    case 3:
      r.authority.push_back(soa);
      break;
    default:
      r.header.tc = query.transport == Transport::Udp;
      break;
  }
  return encode(r);
}

StubRun fuzz_stub() {
  StubRun run;
  Rng rng{0x57AB};
  Rng stub_rng{7};
  StubConfig config;
  config.server = ExampleAddress;
  config.cache_size = 16;
  Stub stub(config, [&] { return stub_rng(); });
  Time now{};
  std::vector<Datagram> recent;
  std::set<std::uint64_t> handles;

  auto guarded = [&](auto&& call) {
    try {
      call();
    } catch (const std::exception& e) {
      run.exceptions.add(e.what());
    }
  };
  auto pump = [&] {
    for (const Datagram& d : stub.take_outgoing()) {
      const DecodeResult decoded = decode(d.bytes);
      if (!decoded.message) run.bad_output.add("the stub sent a message that does not decode: " + decoded.error);
      if (d.to != Peer{ExampleAddress, Port}) run.bad_output.add("the stub sent to another server");
      recent.push_back(d);
      if (recent.size() > 16) recent.erase(recent.begin());
    }
    for (const LookupResult& r : stub.take_results()) {
      ++run.results;
      if (!handles.erase(r.handle)) run.bad_state.add("a result for an unknown or finished lookup");
    }
    stub.take_events();
    stub.take_released_ports();
  };

  for (int round = 0; round < Rounds; ++round) {
    now += milliseconds(static_cast<std::int64_t>(below(rng, 40)));
    if (const auto wake = stub.wake_at(); (wake && *wake <= now) || rng() % 64 == 0) guarded([&] { stub.on_timer(now); });
    switch (below(rng, 10)) {
      case 0:
      case 1:
        ++run.lookups;
        guarded([&] { handles.insert(stub.lookup(random_question(rng), now)); });
        break;
      case 2:
      case 3:
        guarded([&] {
          stub.on_datagram(random_bytes(rng), {ExampleAddress, Port}, static_cast<std::uint16_t>(rng()), Transport::Udp,
                           now);
        });
        break;
      default: {
        if (recent.empty()) break;
        const Datagram& q = recent[below(rng, recent.size())];
        const Bytes bytes = variant_of(rng, plausible_reply(rng, q));
        Peer from{ExampleAddress, Port};
        if (rng() % 16 == 0) from.port = static_cast<std::uint16_t>(rng());
        guarded([&] { stub.on_datagram(bytes, from, q.local_port, q.transport, now); });
        break;
      }
    }
    pump();
  }
  for (int step = 0; step < 1000 && !handles.empty(); ++step) {
    const auto wake = stub.wake_at();
    if (!wake) break;
    now = std::max(now, *wake);
    guarded([&] { stub.on_timer(now); });
    pump();
  }
  if (!handles.empty()) run.bad_state.add(std::to_string(handles.size()) + " lookups never completed");
  if (run.results != run.lookups) run.bad_state.add("results and lookups differ");
  stub.cache().clear();
  if (stub.wake_at()) run.bad_state.add("a wake-up time remains with an empty cache and nothing pending");
  return run;
}

}  // namespace

TEST_CASE("dns server fuzz: every datagram is answered with a reply that decodes, or dropped") {
  Rng rng{0x5EED};
  std::map<std::uint32_t, AuthoritativeServer> servers = hierarchy();
  const std::vector<Bytes> valid = samples(rng, servers);
  std::vector<AuthoritativeServer*> list;
  for (auto& [address, server] : servers) list.push_back(&server);
  Problems problems;
  std::size_t replies = 0;
  for (int round = 0; round < Rounds; ++round) {
    const Bytes bytes = round % 4 == 0 ? random_bytes(rng) : variant_of(rng, valid[below(rng, valid.size())]);
    const Transport transport = rng() % 4 ? Transport::Udp : Transport::Tcp;
    AuthoritativeServer& server = *list[below(rng, list.size())];
    ServerAnswer out;
    try {
      out = server.answer(bytes, {0x0A000007, 40000}, transport);
    } catch (const std::exception& e) {
      problems.add(std::string("answer threw: ") + e.what());
      continue;
    }
    if (!out.response) {
      if (!out.bytes.empty()) problems.add("bytes without a response");
      continue;
    }
    ++replies;
    const DecodeResult decoded = decode(out.bytes);
    if (!decoded.message) {
      problems.add("a reply that does not decode: " + decoded.error);
      continue;
    }
    const Message& reply = *decoded.message;
    if (bytes.size() < 12) problems.add("a reply to a datagram shorter than a header");
    else if (reply.header.id != (bytes[0] << 8 | bytes[1])) problems.add("a reply with another ID");
    if (!reply.header.qr) problems.add("a reply without QR");
    if (transport == Transport::Udp && out.bytes.size() > MaxUdpSize)
      problems.add("a UDP reply of " + std::to_string(out.bytes.size()) + " octets");
    if (reply.header != out.response->header || reply.answers.size() != out.response->answers.size() ||
        reply.authority.size() != out.response->authority.size() ||
        reply.additional.size() != out.response->additional.size())
      problems.add("the reply's bytes and its message differ");
    server.take_events();
  }
  CHECK_MESSAGE(problems.count == 0, problems.first);
  CHECK(replies > Rounds / 4);
}

TEST_CASE("dns resolver fuzz: never throws, outstanding state stays bounded, every client gets one reply") {
  const ResolverRun run = fuzz_resolver();
  CHECK_MESSAGE(run.exceptions.count == 0, run.exceptions.count, " exceptions; the first: ", run.exceptions.first);
  CHECK_MESSAGE(run.bad_output.count == 0, run.bad_output.first);
  CHECK_MESSAGE(run.bad_state.count == 0, run.bad_state.first);
  CHECK(run.answered > 0);
  CHECK(run.upstream > 1000);
}

TEST_CASE("dns stub fuzz: never throws, every lookup completes exactly once") {
  const StubRun run = fuzz_stub();
  CHECK_MESSAGE(run.exceptions.count == 0, run.exceptions.count, " exceptions; the first: ", run.exceptions.first);
  CHECK_MESSAGE(run.bad_output.count == 0, run.bad_output.first);
  CHECK_MESSAGE(run.bad_state.count == 0, run.bad_state.first);
  CHECK(run.lookups > 1000);
}
