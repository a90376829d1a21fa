// AuthoritativeServer: request handling around the zone lookup: FORMERR, NOTIMP, dropped
// datagrams, truncation for UDP and the referral flags a recursing server uses.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocols/dns/master_file.hpp"
#include "protocols/dns/server.hpp"

using namespace wiresim::dns;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t ClientAddress = 0x0A000007;  // 10.0.0.7
const Peer Client{ClientAddress, 40000};

// example.com. with a delegation (sub: one glued and one out-of-zone server) and an RRset
// too big for a 512-octet UDP message.
std::string example_com() {
  std::string text = R"(
$ORIGIN example.com.
@        3600 IN SOA   ns1 admin 2024010101 7200 3600 1209600 300
@        3600 IN NS    ns1
ns1      3600 IN A     192.0.2.53
www       300 IN A     192.0.2.1
sub     86400 IN NS    ns.sub
sub     86400 IN NS    ns.example.net.
ns.sub  86400 IN A     192.0.2.77
)";
  for (int i = 1; i <= 40; ++i) text += "many 60 IN A 192.0.2." + std::to_string(i) + "\n";
  return text;
}

AuthoritativeServer make_server(std::string_view text) {
  const MasterFile file = parse_master_file(text, ".", 3600);
  REQUIRE_MESSAGE(!file.error, file.error->message);
  ZoneSet zones;
  REQUIRE(zones.add(file.records) == "");
  return AuthoritativeServer(std::move(zones));
}

AuthoritativeServer make_server() { return make_server(example_com()); }

Message query(std::string name, RrType type = RrType::A, bool rd = false, std::uint16_t id = 0x1a2b) {
  Message q;
  q.header.id = id;
  q.header.rd = rd;
  q.questions.push_back({std::move(name), type, ClassIn});
  return q;
}

Message decoded(const Bytes& bytes) {
  DecodeResult result = decode(bytes);
  REQUIRE_MESSAGE(result.message.has_value(), result.error);
  return *result.message;
}

std::vector<std::string> texts(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.push_back(e.text);
  return out;
}

}  // namespace

TEST_CASE("dns server answers a query from its zone with AA set, echoing ID, RD and question") {
  AuthoritativeServer server = make_server();
  const ServerAnswer out = server.answer(encode(query("www.example.com.", RrType::A, true)), Client, Transport::Udp);
  REQUIRE(out.response.has_value());
  REQUIRE(out.query.has_value());
  const Message reply = decoded(out.bytes);
  CHECK(reply == *out.response);
  CHECK(reply.header.id == 0x1a2b);
  CHECK(reply.header.qr);
  CHECK(reply.header.aa);
  CHECK(reply.header.rd);
  CHECK_FALSE(reply.header.ra);
  CHECK(reply.header.rcode == Rcode::NoError);
  CHECK(reply.questions == out.query->questions);
  REQUIRE(reply.answers.size() == 1);
  CHECK(reply.answers[0].data == Rdata{AData{{192, 0, 2, 1}}});
  CHECK(server.stats().queries == 1);
  CHECK(server.stats().answers == 1);
}

TEST_CASE("dns server answers FORMERR with the query's ID when the body does not parse") {
  AuthoritativeServer server = make_server();
  Bytes bytes = encode(query("www.example.com.", RrType::A, true, 0xbeef));
  bytes.resize(bytes.size() - 3);  // cut into the question's type and class
  const ServerAnswer out = server.answer(bytes, Client, Transport::Udp);
  REQUIRE(out.response.has_value());
  CHECK_FALSE(out.query.has_value());
  const Message reply = decoded(out.bytes);
  CHECK(reply.header.id == 0xbeef);
  CHECK(reply.header.qr);
  CHECK(reply.header.rd);
  CHECK_FALSE(reply.header.aa);
  CHECK(reply.header.rcode == Rcode::FormErr);
  CHECK(reply.questions.empty());
  CHECK(server.stats().formerr == 1);
  CHECK(texts(server.take_events()) ==
        std::vector<std::string>{"malformed query from 10.0.0.7: question at offset 12 ends before its type and class; "
                                 "answered FORMERR"});
}

TEST_CASE("dns server drops a datagram shorter than a header without replying") {
  AuthoritativeServer server = make_server();
  const Bytes bytes = {0x1a, 0x2b, 0x01, 0x00, 0x00};
  const ServerAnswer out = server.answer(bytes, Client, Transport::Udp);
  CHECK_FALSE(out.response.has_value());
  CHECK(out.bytes.empty());
  CHECK(server.stats().dropped == 1);
  const std::vector<Event> events = server.take_events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == EventKind::ProtocolError);
  CHECK(events[0].text == "malformed message from 10.0.0.7: message is 5 octets; a DNS header is 12; dropped");
}

TEST_CASE("dns server drops a response sent to it without replying") {
  AuthoritativeServer server = make_server();
  Message response = query("www.example.com.");
  response.header.qr = true;
  const ServerAnswer out = server.answer(encode(response), Client, Transport::Udp);
  CHECK_FALSE(out.response.has_value());
  CHECK(out.bytes.empty());
  CHECK(server.stats().dropped == 1);
  CHECK(server.stats().queries == 0);
  CHECK(texts(server.take_events()) ==
        std::vector<std::string>{"a response from 10.0.0.7 reached the server port; dropped"});
}

TEST_CASE("dns server drops a malformed response rather than answering FORMERR") {
  AuthoritativeServer server = make_server();
  Message response = query("www.example.com.");
  response.header.qr = true;
  Bytes bytes = encode(response);
  bytes.resize(bytes.size() - 3);
  const ServerAnswer out = server.answer(bytes, Client, Transport::Udp);
  CHECK_FALSE(out.response.has_value());
  CHECK(out.bytes.empty());
  CHECK(server.stats().dropped == 1);
}

TEST_CASE("dns server answers NOTIMP to opcode STATUS") {
  AuthoritativeServer server = make_server();
  Message status = query("www.example.com.");
  status.header.opcode = Opcode::Status;
  const ServerAnswer out = server.answer(encode(status), Client, Transport::Udp);
  const Message reply = decoded(out.bytes);
  CHECK(reply.header.rcode == Rcode::NotImp);
  CHECK(reply.header.opcode == Opcode::Status);
  CHECK(reply.header.id == 0x1a2b);
  CHECK(reply.answers.empty());
}

TEST_CASE("dns server answers NOTIMP to a class other than IN") {
  AuthoritativeServer server = make_server();
  Message chaos = query("version.bind.", RrType::TXT);
  chaos.questions[0].klass = 3;
  const Message reply = decoded(server.answer(encode(chaos), Client, Transport::Udp).bytes);
  CHECK(reply.header.rcode == Rcode::NotImp);
}

TEST_CASE("dns server answers FORMERR to a query with two questions") {
  AuthoritativeServer server = make_server();
  Message two = query("www.example.com.");
  two.questions.push_back({"ns1.example.com.", RrType::A, ClassIn});
  const ServerAnswer out = server.answer(encode(two), Client, Transport::Udp);
  const Message reply = decoded(out.bytes);
  CHECK(reply.header.rcode == Rcode::FormErr);
  CHECK(reply.header.id == 0x1a2b);
  CHECK(reply.answers.empty());
  CHECK(server.stats().formerr == 1);
  CHECK(texts(server.take_events()) ==
        std::vector<std::string>{"a query must carry exactly one question; this one from 10.0.0.7 has 2; answered FORMERR"});
}

TEST_CASE("dns server answers REFUSED for a name outside its zones") {
  AuthoritativeServer server = make_server();
  const Message reply = decoded(server.answer(encode(query("www.example.net.")), Client, Transport::Udp).bytes);
  CHECK(reply.header.rcode == Rcode::Refused);
  CHECK_FALSE(reply.header.aa);
  CHECK(server.stats().refused == 1);
}

TEST_CASE("dns server truncates a UDP answer over 512 octets to header and question with TC") {
  AuthoritativeServer server = make_server();
  const ServerAnswer out = server.answer(encode(query("many.example.com.")), Client, Transport::Udp);
  CHECK(out.bytes.size() <= MaxUdpSize);
  const Message reply = decoded(out.bytes);
  CHECK(reply.header.tc);
  CHECK(reply.header.aa);
  CHECK(reply.header.rcode == Rcode::NoError);
  CHECK(reply.questions.size() == 1);
  CHECK(reply.answers.empty());
  CHECK(reply.authority.empty());
  CHECK(reply.additional.empty());
  CHECK(server.stats().truncated == 1);
}

TEST_CASE("dns server sends the whole long answer over TCP") {
  AuthoritativeServer server = make_server();
  const ServerAnswer out = server.answer(encode(query("many.example.com.")), Client, Transport::Tcp);
  CHECK(out.bytes.size() > MaxUdpSize);
  const Message reply = decoded(out.bytes);
  CHECK_FALSE(reply.header.tc);
  CHECK(reply.answers.size() == 40);
  CHECK(server.stats().truncated == 0);
}

TEST_CASE("dns server marks a referral to a query with RD, listing the servers with their glue") {
  AuthoritativeServer server = make_server();
  const ServerAnswer out = server.answer(encode(query("host.sub.example.com.", RrType::A, true)), Client, Transport::Udp);
  const Message reply = decoded(out.bytes);
  CHECK_FALSE(reply.header.aa);
  CHECK(reply.answers.empty());
  CHECK(reply.authority.size() == 2);
  CHECK(out.referral);
  CHECK(out.referral_zone == "sub.example.com.");
  REQUIRE(out.referral_servers.size() == 2);
  CHECK(out.referral_servers[0].name == "ns.sub.example.com.");
  CHECK(out.referral_servers[0].address == 0xC000024D);  // 192.0.2.77, from the glue
  CHECK(out.referral_servers[1].name == "ns.example.net.");
  CHECK(out.referral_servers[1].address == 0);  // no glue for a name outside the zone
  CHECK(server.stats().referrals == 1);
}

TEST_CASE("dns server does not mark a referral to a query without RD") {
  AuthoritativeServer server = make_server();
  const ServerAnswer out = server.answer(encode(query("host.sub.example.com.", RrType::A, false)), Client, Transport::Udp);
  const Message reply = decoded(out.bytes);
  CHECK(reply.authority.size() == 2);
  CHECK_FALSE(out.referral);
  CHECK(server.stats().referrals == 1);
}

TEST_CASE("dns server matches glue to a referral's servers without regard to case") {
  AuthoritativeServer server = make_server("example.com. 3600 IN SOA ns1.example.com. admin.example.com. 1 2 3 4 5\n"
                                           "sub.example.com. 3600 IN NS NS.Sub.Example.com.\n"
                                           "ns.sub.example.com. 3600 IN A 192.0.2.77\n");
  const ServerAnswer out = server.answer(encode(query("host.sub.example.com.", RrType::A, true)), Client, Transport::Udp);
  const Message reply = decoded(out.bytes);
  CHECK(reply.additional.size() == 1);  // the zone lookup found the glue
  REQUIRE(out.referral_servers.size() == 1);
  CHECK(out.referral_servers[0].address == 0xC000024D);
}

TEST_CASE("dns server does not mark a non-referral answer as a referral") {
  AuthoritativeServer server = make_server();
  const ServerAnswer nxdomain = server.answer(encode(query("nothing.example.com.", RrType::A, true)), Client, Transport::Udp);
  CHECK(decoded(nxdomain.bytes).header.rcode == Rcode::NXDomain);
  CHECK_FALSE(nxdomain.referral);
  CHECK(nxdomain.referral_servers.empty());
  const ServerAnswer refused = server.answer(encode(query("www.example.net.", RrType::A, true)), Client, Transport::Udp);
  CHECK_FALSE(refused.referral);
  CHECK(server.stats().nxdomain == 1);
  CHECK(server.stats().referrals == 0);
}
