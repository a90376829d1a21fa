// The Stub resolver: one recursive query to the configured server, retries with a doubling
// timeout, TCP after a truncated reply, and a small cache of answers and negative answers.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "protocols/dns/stub.hpp"

using namespace wiresim;
using namespace wiresim::dns;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t ServerAddress = 0xC0000235;  // 192.0.2.53
const Peer Server{ServerAddress, Port};

StubConfig default_config() {
  StubConfig config;
  config.server = ServerAddress;
  return config;
}

// A stub with its own seeded random stream.
struct Host {
  std::mt19937_64 rng{7};
  Stub stub;
  explicit Host(StubConfig config = default_config()) : stub(config, [this] { return rng(); }) {}
  Host(const Host&) = delete;
};

Message decoded(const Bytes& bytes) {
  DecodeResult result = decode(bytes);
  REQUIRE_MESSAGE(result.message.has_value(), result.error);
  return *result.message;
}

ResourceRecord record(std::string name, RrType type, std::uint32_t ttl, Rdata data) {
  return {std::move(name), type, ClassIn, ttl, std::move(data)};
}

ResourceRecord soa_record() {
  return record("example.com.", RrType::SOA, 3600,
                SoaData{"ns1.example.com.", "admin.example.com.", 1, 7200, 3600, 1209600, 300});
}

// The server's reply to `query`: same ID and question, QR, RD and RA set.
Message reply_to(const Datagram& query, Rcode rcode = Rcode::NoError) {
  Message r = decoded(query.bytes);
  r.header.qr = r.header.ra = true;
  r.header.rcode = rcode;
  return r;
}

Message answer_to(const Datagram& query) {
  Message r = reply_to(query);
  r.answers.push_back(record("www.example.com.", RrType::A, 300, AData{{192, 0, 2, 1}}));
  return r;
}

void deliver(Stub& stub, const Message& reply, const Datagram& query, Time now) {
  stub.on_datagram(encode(reply), Server, query.local_port, query.transport, now);
}

const Question Www{"www.example.com.", RrType::A, ClassIn};

}  // namespace

TEST_CASE("dns stub sends one recursive query to its configured server") {
  Host host;
  const std::uint64_t handle = host.stub.lookup(Www, Time{});
  CHECK(handle != 0);
  const std::vector<Datagram> out = host.stub.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].to == Server);
  CHECK(out[0].transport == Transport::Udp);
  CHECK(out[0].local_port >= 49152);
  const Message query = decoded(out[0].bytes);
  CHECK_FALSE(query.header.qr);
  CHECK(query.header.rd);
  CHECK(query.questions == std::vector<Question>{Www});
  CHECK(host.stub.take_results().empty());
  CHECK(host.stub.wake_at() == Time{} + seconds(1));
}

TEST_CASE("dns stub completes a lookup with the reply and caches the answer") {
  Host host;
  const std::uint64_t handle = host.stub.lookup(Www, Time{});
  const Datagram query = host.stub.take_outgoing().at(0);
  const Message reply = answer_to(query);
  deliver(host.stub, reply, query, Time{} + milliseconds(20));
  const std::vector<LookupResult> results = host.stub.take_results();
  REQUIRE(results.size() == 1);
  CHECK(results[0].handle == handle);
  REQUIRE(results[0].reply.has_value());
  CHECK(*results[0].reply == reply);
  CHECK(results[0].addresses() == std::vector<std::string>{"192.0.2.1"});
  CHECK(results[0].reply_size == encode(reply).size());
  CHECK(results[0].tries == 1);
  CHECK_FALSE(results[0].tcp);
  CHECK_FALSE(results[0].from_cache);
  CHECK(results[0].finished - results[0].started == milliseconds(20));
  CHECK(host.stub.cache().find("www.example.com.", RrType::A, Time{} + seconds(1)).status == CacheStatus::Records);
  CHECK(host.stub.take_released_ports() == std::vector<std::uint16_t>{query.local_port});
}

TEST_CASE("dns stub completes a repeat lookup from its cache at once, sending nothing") {
  Host host;
  host.stub.lookup(Www, Time{});
  const Datagram query = host.stub.take_outgoing().at(0);
  deliver(host.stub, answer_to(query), query, Time{});
  host.stub.take_results();
  host.stub.lookup(Www, Time{} + seconds(100));
  CHECK(host.stub.take_outgoing().empty());
  const std::vector<LookupResult> results = host.stub.take_results();
  REQUIRE(results.size() == 1);
  CHECK(results[0].from_cache);
  CHECK(results[0].tries == 0);
  REQUIRE(results[0].reply.has_value());
  REQUIRE(results[0].reply->answers.size() == 1);
  CHECK(results[0].reply->answers[0].ttl == 200);
}

TEST_CASE("dns stub retries with a doubled timeout, then completes without a reply") {
  Host host;
  host.stub.lookup(Www, Time{});
  std::vector<Time> sent = {Time{}};
  std::vector<std::uint16_t> ids = {decoded(host.stub.take_outgoing().at(0).bytes).header.id};
  for (int i = 0; i < 3; ++i) {
    REQUIRE(host.stub.wake_at().has_value());
    const Time now = *host.stub.wake_at();
    host.stub.on_timer(now);
    for (const Datagram& d : host.stub.take_outgoing()) {
      sent.push_back(now);
      ids.push_back(decoded(d.bytes).header.id);
    }
  }
  CHECK_FALSE(host.stub.wake_at().has_value());
  CHECK(sent == std::vector<Time>{Time{}, Time{} + seconds(1), Time{} + seconds(3)});
  CHECK(ids.size() == 3);
  std::vector<std::string> timeouts;
  for (const Event& e : host.stub.take_events())
    if (e.kind == EventKind::Timeout) timeouts.push_back(e.text);
  CHECK(timeouts == std::vector<std::string>{"no reply from 192.0.2.53 for www.example.com. A within 1000 ms",
                                             "no reply from 192.0.2.53 for www.example.com. A within 2000 ms",
                                             "no reply from 192.0.2.53 for www.example.com. A within 4000 ms"});
}

TEST_CASE("dns stub reports a lookup that timed out with no reply after its attempts") {
  Host host;
  const std::uint64_t handle = host.stub.lookup(Www, Time{});
  for (const std::int64_t s : {1, 3, 7}) host.stub.on_timer(Time{} + seconds(s));
  const std::vector<LookupResult> results = host.stub.take_results();
  REQUIRE(results.size() == 1);
  CHECK(results[0].handle == handle);
  CHECK_FALSE(results[0].reply.has_value());
  CHECK(results[0].tries == 3);
  CHECK(results[0].finished == Time{} + seconds(7));
  CHECK_FALSE(host.stub.wake_at().has_value());
}

TEST_CASE("dns stub ignores a late reply to an attempt it has already retried") {
  Host host;
  host.stub.lookup(Www, Time{});
  const Datagram first = host.stub.take_outgoing().at(0);
  host.stub.on_timer(Time{} + seconds(1));
  const Datagram second = host.stub.take_outgoing().at(0);
  deliver(host.stub, answer_to(first), first, Time{} + milliseconds(1100));
  CHECK(host.stub.take_results().empty());
  deliver(host.stub, answer_to(second), second, Time{} + milliseconds(1200));
  const std::vector<LookupResult> results = host.stub.take_results();
  REQUIRE(results.size() == 1);
  CHECK(results[0].tries == 2);
}

TEST_CASE("dns stub asks again over TCP after a truncated reply") {
  Host host;
  host.stub.lookup(Www, Time{});
  const Datagram udp = host.stub.take_outgoing().at(0);
  Message truncated = reply_to(udp);
  truncated.header.tc = true;
  deliver(host.stub, truncated, udp, Time{} + milliseconds(10));
  CHECK(host.stub.take_results().empty());
  const std::vector<Datagram> out = host.stub.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].transport == Transport::Tcp);
  CHECK(out[0].to == Server);
  CHECK(decoded(out[0].bytes).questions == std::vector<Question>{Www});
  deliver(host.stub, answer_to(out[0]), out[0], Time{} + milliseconds(30));
  const std::vector<LookupResult> results = host.stub.take_results();
  REQUIRE(results.size() == 1);
  CHECK(results[0].tcp);
  CHECK(results[0].tries == 2);
  CHECK(results[0].addresses() == std::vector<std::string>{"192.0.2.1"});
}

TEST_CASE("dns stub without a server completes at once with no reply and a protocol error") {
  Host host(StubConfig{});
  const std::uint64_t handle = host.stub.lookup(Www, Time{});
  CHECK(host.stub.take_outgoing().empty());
  const std::vector<LookupResult> results = host.stub.take_results();
  REQUIRE(results.size() == 1);
  CHECK(results[0].handle == handle);
  CHECK_FALSE(results[0].reply.has_value());
  CHECK(results[0].tries == 0);
  const std::vector<Event> events = host.stub.take_events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == EventKind::ProtocolError);
  CHECK(events[0].text == "no DNS server configured; www.example.com. A cannot be resolved");
  CHECK_FALSE(host.stub.wake_at().has_value());
}

TEST_CASE("dns stub caches an NXDOMAIN answer and completes a repeat from it") {
  Host host;
  const Question nothing{"nothing.example.com.", RrType::A, ClassIn};
  host.stub.lookup(nothing, Time{});
  const Datagram query = host.stub.take_outgoing().at(0);
  Message nx = reply_to(query, Rcode::NXDomain);
  nx.authority.push_back(soa_record());
  deliver(host.stub, nx, query, Time{});
  host.stub.take_results();
  CHECK(host.stub.cache().find("nothing.example.com.", RrType::MX, Time{}).status == CacheStatus::NxDomain);
  host.stub.lookup(nothing, Time{} + seconds(10));
  CHECK(host.stub.take_outgoing().empty());
  const std::vector<LookupResult> results = host.stub.take_results();
  REQUIRE(results.size() == 1);
  CHECK(results[0].from_cache);
  REQUIRE(results[0].reply.has_value());
  CHECK(results[0].reply->header.rcode == Rcode::NXDomain);
  REQUIRE(results[0].reply->authority.size() == 1);
  CHECK(results[0].reply->authority[0].ttl == 290);
}

TEST_CASE("dns stub caches a NODATA answer for its type only") {
  Host host;
  const Question mx{"www.example.com.", RrType::MX, ClassIn};
  host.stub.lookup(mx, Time{});
  const Datagram query = host.stub.take_outgoing().at(0);
  Message nodata = reply_to(query);
  nodata.authority.push_back(soa_record());
  deliver(host.stub, nodata, query, Time{});
  CHECK(host.stub.cache().find("www.example.com.", RrType::MX, Time{}).status == CacheStatus::NoData);
  CHECK(host.stub.cache().find("www.example.com.", RrType::A, Time{}).status == CacheStatus::Miss);
}

TEST_CASE("dns stub follows a cached CNAME to the cached answer") {
  Host host;
  const Question alias{"alias.example.com.", RrType::A, ClassIn};
  host.stub.lookup(alias, Time{});
  const Datagram query = host.stub.take_outgoing().at(0);
  Message reply = reply_to(query);
  reply.answers.push_back(record("alias.example.com.", RrType::CNAME, 300, NameData{"www.example.com."}));
  reply.answers.push_back(record("www.example.com.", RrType::A, 300, AData{{192, 0, 2, 1}}));
  deliver(host.stub, reply, query, Time{});
  host.stub.take_results();
  host.stub.lookup(alias, Time{} + seconds(1));
  CHECK(host.stub.take_outgoing().empty());
  const std::vector<LookupResult> results = host.stub.take_results();
  REQUIRE(results.size() == 1);
  REQUIRE(results[0].reply.has_value());
  REQUIRE(results[0].reply->answers.size() == 2);
  CHECK(results[0].reply->answers[0].type == RrType::CNAME);
  CHECK(results[0].addresses() == std::vector<std::string>{"192.0.2.1"});
}

TEST_CASE("dns stub without a cache asks every time") {
  StubConfig config = default_config();
  config.cache_size = 0;
  Host host(config);
  host.stub.lookup(Www, Time{});
  const Datagram query = host.stub.take_outgoing().at(0);
  deliver(host.stub, answer_to(query), query, Time{});
  host.stub.lookup(Www, Time{} + seconds(1));
  CHECK(host.stub.take_outgoing().size() == 1);
}

TEST_CASE("dns stub ignores a reply with the wrong ID, port or source") {
  Host host;
  host.stub.lookup(Www, Time{});
  const Datagram query = host.stub.take_outgoing().at(0);
  Message wrong_id = answer_to(query);
  wrong_id.header.id = static_cast<std::uint16_t>(wrong_id.header.id + 1);
  host.stub.on_datagram(encode(wrong_id), Server, query.local_port, Transport::Udp, Time{});
  host.stub.on_datagram(encode(answer_to(query)), Server, static_cast<std::uint16_t>(query.local_port ^ 1),
                        Transport::Udp, Time{});
  host.stub.on_datagram(encode(answer_to(query)), {0x06060606, Port}, query.local_port, Transport::Udp, Time{});
  CHECK(host.stub.take_results().empty());
  std::size_t ignored = 0;
  for (const Event& e : host.stub.take_events()) ignored += e.kind == EventKind::Ignored;
  CHECK(ignored == 3);
  deliver(host.stub, answer_to(query), query, Time{});
  CHECK(host.stub.take_results().size() == 1);
}

TEST_CASE("dns stub survives a CNAME record of another class in a reply") {
  Host host;
  host.stub.lookup(Www, Time{});
  const Datagram query = host.stub.take_outgoing().at(0);
  Message reply = reply_to(query);
  ResourceRecord chaos = record("www.example.com.", RrType::CNAME, 300, RawData{{3, 'w', 'e', 'b', 0}});
  chaos.klass = 3;
  reply.answers.push_back(chaos);
  CHECK_NOTHROW(deliver(host.stub, reply, query, Time{}));
  CHECK(host.stub.take_results().size() == 1);
}
