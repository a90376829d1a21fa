// The packet dissector: Wireshark-style rows with exact byte ranges for IPv4, TCP, UDP and the
// applications, one-line summaries, and no field outside the packet for any input.
#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "protocols/bittorrent/wire.hpp"
#include "protocols/dns/message.hpp"
#include "sim/net/headers.hpp"
#include "viz/model/dissection.hpp"

using namespace wiresim;
using viz::Dissection;
using viz::Field;

namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Ipv4Header ip_header() {
  Ipv4Header ip;
  ip.source = *Ipv4Address::parse("10.0.0.1");
  ip.destination = *Ipv4Address::parse("10.0.0.2");
  ip.identification = 0x1c46;
  return ip;
}

Bytes tcp_packet(std::uint16_t from, std::uint16_t to, const std::string& payload,
                 std::uint8_t flags = tcp_flag::Psh | tcp_flag::Ack) {
  TcpHeader tcp;
  tcp.source_port = from;
  tcp.destination_port = to;
  tcp.seq = 1;
  tcp.ack = 1;
  tcp.flags = flags;
  tcp.window = 65535;
  return build_tcp_packet(ip_header(), tcp, bytes_of(payload));
}

Bytes udp_packet(std::uint16_t from, std::uint16_t to, std::span<const std::uint8_t> payload) {
  return build_udp_packet(ip_header(), UdpHeader{from, to}, payload);
}

// Depth-first search for the first row whose text starts with `prefix`.
const Field* find(const std::vector<Field>& rows, std::string_view prefix) {
  for (const Field& f : rows) {
    if (f.text.starts_with(prefix)) return &f;
    if (const Field* inner = find(f.children, prefix)) return inner;
  }
  return nullptr;
}

const Field& get(const Dissection& d, std::string_view prefix) {
  const Field* f = find(d.layers, prefix);
  if (!f) FAIL("no field starting with \"" << prefix << "\"");
  return *f;
}

// Every row of the tree lies inside the packet; returns how many rows there were.
std::size_t check_inside(const std::vector<Field>& rows, std::size_t size) {
  std::size_t count = 0;
  for (const Field& f : rows) {
    if (f.offset > size || f.length > size - f.offset)
      FAIL_CHECK("field \"" << f.text << "\" covers [" << f.offset << ", " << f.offset + f.length << ") of a "
                            << size << "-byte packet");
    count += 1 + check_inside(f.children, size);
  }
  return count;
}

std::size_t characters(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Every packet a test dissects is also checked here: fields inside, a summary that is short
// and present, and classify agreeing with dissect.
Dissection dissect_checked(std::span<const std::uint8_t> packet) {
  Dissection d = viz::dissect(packet);
  check_inside(d.layers, packet.size());
  CHECK_FALSE(d.protocol.empty());
  CHECK(characters(d.summary) <= 100);
  const Dissection quick = viz::classify(packet);
  CHECK(quick.protocol == d.protocol);
  CHECK(quick.summary == d.summary);
  CHECK(quick.layers.empty());
  return d;
}

dns::Question question(std::string name, dns::RrType type = dns::RrType::A) { return {std::move(name), type, dns::ClassIn}; }

dns::ResourceRecord a_record(std::string name, std::array<std::uint8_t, 4> address) {
  return {std::move(name), dns::RrType::A, dns::ClassIn, 3600, dns::AData{address}};
}

dns::ResourceRecord ns_record(std::string zone, std::string server) {
  return {std::move(zone), dns::RrType::NS, dns::ClassIn, 172800, dns::NameData{std::move(server)}};
}

dns::Message query(std::string name, dns::RrType type = dns::RrType::A) {
  dns::Message m;
  m.header.id = 0x1a2b;
  m.header.rd = true;
  m.questions.push_back(question(std::move(name), type));
  return m;
}

dns::Message response_to(dns::Message m) {
  m.header.qr = true;
  m.header.ra = true;
  return m;
}

std::string bt(const bittorrent::Message& m) { return bittorrent::encode(m); }

bittorrent::Message bt_message(bittorrent::MessageType type, std::uint32_t index = 0, std::uint32_t begin = 0,
                               std::uint32_t length = 0) {
  bittorrent::Message m;
  m.type = type;
  m.index = index;
  m.begin = begin;
  m.length = length;
  return m;
}

// The packets of the tests above, for the truncation and mutation loops.
std::vector<Bytes> sample_packets() {
  std::vector<Bytes> out;
  out.push_back(tcp_packet(49152, 25, "EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\n"));
  out.push_back(tcp_packet(80, 49152, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
  TcpHeader syn;
  syn.source_port = 49152;
  syn.destination_port = 80;
  syn.flags = tcp_flag::Syn;
  syn.mss = 1460;
  syn.window_scale = 7;
  out.push_back(build_tcp_packet(ip_header(), syn, {}));
  dns::Message r = response_to(query("mail.hamburger.edu."));
  r.answers = {a_record("mail.hamburger.edu.", {128, 119, 40, 10})};
  r.authority = {ns_record("hamburger.edu.", "dns.hamburger.edu.")};
  r.additional = {a_record("dns.hamburger.edu.", {128, 119, 40, 1})};
  dns::Message soa = response_to(query("x.edu.", dns::RrType::MX));
  soa.authority = {{"edu.", dns::RrType::SOA, dns::ClassIn, 900,
                    dns::SoaData{"a.edu-servers.net.", "nstld.verisign-grs.com.", 1, 2, 3, 4, 5}}};
  soa.answers = {{"x.edu.", dns::RrType::TXT, dns::ClassIn, 60, dns::TxtData{{"v=spf1 -all", "two"}}},
                 {"x.edu.", dns::RrType::MX, dns::ClassIn, 60, dns::MxData{10, "mail.x.edu."}}};
  for (const auto& m : {r, soa}) {
    const auto wire = dns::encode(m);
    out.push_back(udp_packet(53, 33333, wire));
    std::string framed = {static_cast<char>(wire.size() >> 8), static_cast<char>(wire.size())};
    framed.append(wire.begin(), wire.end());
    out.push_back(tcp_packet(53, 49152, framed));
  }
  bittorrent::Handshake hs;
  hs.info_hash.fill(0xab);
  std::string stream = bittorrent::encode_handshake(hs) + bt(bt_message(bittorrent::MessageType::Interested));
  bittorrent::Message bitfield = bt_message(bittorrent::MessageType::Bitfield);
  bitfield.bitfield = {0xff, 0x80};
  stream += bt(bitfield) + bt(bt_message(bittorrent::MessageType::Request, 3, 16384, 16384));
  stream += bittorrent::encode_piece_header(3, 0, 16384) + std::string(100, 'x');
  out.push_back(tcp_packet(6881, 49152, stream));
  return out;
}

}  // namespace

TEST_CASE("an SMTP command shows IPv4 and TCP rows with Wireshark's texts and exact offsets") {
  const Bytes packet = tcp_packet(49152, 25, "EHLO crepes.fr\r\n");
  const Dissection d = dissect_checked(packet);
  CHECK(d.protocol == "SMTP");
  CHECK(d.summary == "EHLO crepes.fr");
  REQUIRE(d.layers.size() == 3);
  CHECK(d.layers[0].text == "Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2");
  CHECK(d.layers[0].offset == 0);
  CHECK(d.layers[0].length == 20);
  CHECK(d.layers[1].text == "Transmission Control Protocol, Src Port: 49152, Dst Port: 25, Seq: 1, Ack: 1, Len: 16");
  CHECK(d.layers[1].offset == 20);
  CHECK(d.layers[1].length == 20);
  CHECK(d.layers[2].text == "Simple Mail Transfer Protocol");

  const Field& source = get(d, "Source Address");
  CHECK(source.text == "Source Address: 10.0.0.1");
  CHECK(source.offset == 12);
  CHECK(source.length == 4);
  CHECK(get(d, "Destination Address").offset == 16);
  CHECK(get(d, "Identification").text == "Identification: 0x1c46 (7238)");
  CHECK(get(d, "Time to Live").text == "Time to Live: 64");
  CHECK(get(d, "Protocol").text == "Protocol: TCP (6)");
  CHECK(get(d, "Total Length").text == "Total Length: 56");
  CHECK(get(d, "Flags: 0x40").text == "Flags: 0x40, Don't fragment");
  const Field& header_checksum = get(d, "Header Checksum");
  CHECK(header_checksum.text.ends_with("[correct]"));
  CHECK(header_checksum.offset == 10);
  CHECK(header_checksum.length == 2);

  const Field& port = get(d, "Destination Port");
  CHECK(port.text == "Destination Port: 25");
  CHECK(port.offset == 22);
  CHECK(port.length == 2);
  CHECK(get(d, "Sequence Number").offset == 24);
  const Field& flags = get(d, "Flags: 0x018");
  CHECK(flags.text == "Flags: 0x018 (PSH, ACK)");
  CHECK(flags.offset == 32);
  CHECK(find(flags.children, "Push: Set") != nullptr);
  CHECK(find(flags.children, "Syn: Not set") != nullptr);
  CHECK(get(d, "Checksum: ").text.ends_with("[correct]"));
  CHECK(get(d, "Checksum: ").offset == 36);

  const Field& line = d.layers[2].children.at(0);
  CHECK(line.text == "EHLO crepes.fr\\r\\n");
  CHECK(line.offset == 40);
  CHECK(line.length == 16);
}

TEST_CASE("a corrupted header says its checksum is incorrect") {
  Bytes packet = tcp_packet(49152, 25, "QUIT\r\n");
  packet[8] = 3;  // TTL changed without patching the checksum
  const Dissection d = dissect_checked(packet);
  CHECK(get(d, "Header Checksum").text.ends_with("[incorrect]"));
  packet = tcp_packet(49152, 25, "QUIT\r\n");
  packet[41] ^= 0x20;  // a payload byte
  CHECK(get(dissect_checked(packet), "Checksum: ").text.ends_with("[incorrect]"));
}

TEST_CASE("text protocols summarise the first line and count the others") {
  const std::string reply = "250-mail.hamburger.edu\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n";
  const Dissection d = dissect_checked(tcp_packet(587, 49152, reply));
  CHECK(d.protocol == "SMTP");
  CHECK(d.summary == "250-mail.hamburger.edu (+2 lines)");
  const auto& lines = d.layers[2].children;
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].text == "250-PIPELINING\\r\\n");
  CHECK(lines[1].offset == 40 + 24);
  CHECK(lines[1].length == 16);

  const std::string long_line = "+OK " + std::string(100, 'm') + "\r\n";
  const Dissection pop = dissect_checked(tcp_packet(110, 49152, long_line));
  CHECK(pop.protocol == "POP3");
  CHECK(pop.layers[2].text == "Post Office Protocol");
  CHECK(characters(pop.summary) == 70);
  CHECK(pop.summary.ends_with("mmm…"));

  CHECK(dissect_checked(tcp_packet(49152, 143, "a1 LOGIN bob secret\r\n")).protocol == "IMAP");
  CHECK(dissect_checked(tcp_packet(143, 49152, "a1 OK\r\n")).layers[2].text == "Internet Message Access Protocol");
  const Dissection ftp = dissect_checked(tcp_packet(21, 49152, "227 Entering Passive Mode (203,0,113,21,195,80)\r\n"));
  CHECK(ftp.protocol == "FTP");
  CHECK(ftp.summary == "227 Entering Passive Mode (203,0,113,21,195,80)");
  CHECK(ftp.layers[2].text == "File Transfer Protocol (FTP)");
  // A line cut by the segment end keeps what arrived, without a line end.
  const Dissection cut = dissect_checked(tcp_packet(49152, 25, "DATA\r\nSubject: hel"));
  CHECK(cut.summary == "DATA (+1 line)");
  CHECK(cut.layers[2].children.at(1).text == "Subject: hel");
  CHECK(cut.layers[2].children.at(1).length == 12);
}

TEST_CASE("segments without payload are summarised by their flags") {
  TcpHeader syn;
  syn.source_port = 49152;
  syn.destination_port = 25;
  syn.flags = tcp_flag::Syn;
  syn.mss = 1460;
  syn.window_scale = 7;
  const Dissection d = dissect_checked(build_tcp_packet(ip_header(), syn, {}));
  CHECK(d.protocol == "TCP");
  CHECK(d.summary == "[SYN]");
  CHECK(d.layers.size() == 2);
  CHECK(d.layers[1].text == "Transmission Control Protocol, Src Port: 49152, Dst Port: 25, Seq: 0, Len: 0");
  CHECK(d.layers[1].length == 28);
  CHECK(get(d, "Header Length: 28").offset == 32);
  const Field& mss = get(d, "Maximum segment size");
  CHECK(mss.text == "Maximum segment size: 1460 bytes");
  CHECK(mss.offset == 40);
  CHECK(mss.length == 4);
  CHECK(get(d, "No-Operation").offset == 44);
  const Field& scale = get(d, "Window scale");
  CHECK(scale.text == "Window scale: 7 (multiply by 128)");
  CHECK(scale.offset == 45);
  CHECK(scale.length == 3);

  CHECK(dissect_checked(tcp_packet(25, 49152, "", tcp_flag::Syn | tcp_flag::Ack)).summary == "[SYN, ACK]");
  CHECK(dissect_checked(tcp_packet(49152, 25, "", tcp_flag::Ack)).summary == "[ACK]");
  CHECK(dissect_checked(tcp_packet(49152, 25, "", tcp_flag::Fin | tcp_flag::Ack)).summary == "[FIN, ACK]");
  CHECK(dissect_checked(tcp_packet(49152, 25, "", tcp_flag::Rst)).summary == "[RST]");
}

TEST_CASE("unknown ports give the transport protocol and a byte count") {
  const Dissection bulk = dissect_checked(tcp_packet(49152, 5001, std::string(64, 'b')));
  CHECK(bulk.protocol == "TCP");
  CHECK(bulk.summary == "64 bytes");
  CHECK(bulk.layers.at(2).text == "Data (64 bytes)");
  CHECK(bulk.layers.at(2).offset == 40);
  const std::string payload = "hi";
  const Dissection udp = dissect_checked(udp_packet(40000, 40001, bytes_of(payload)));
  CHECK(udp.protocol == "UDP");
  CHECK(udp.summary == "2 bytes");
  CHECK(udp.layers[1].text == "User Datagram Protocol, Src Port: 40000, Dst Port: 40001");
  CHECK(get(udp, "Length: 10").offset == 24);
  CHECK(get(udp, "Checksum").text.ends_with("[correct]"));
}

TEST_CASE("echo, the bulk tool's port and FTP data connections are recognised") {
  const std::string line = "echo line 1\n";
  const Dissection echo = dissect_checked(udp_packet(49152, 7, bytes_of(line)));
  CHECK(echo.protocol == "ECHO");
  CHECK(echo.summary == "echo line 1");
  CHECK(echo.layers[2].children.at(0).text == "echo line 1\\n");

  const Dissection active = dissect_checked(tcp_packet(20, 40000, std::string(1000, '\x01')));
  CHECK(active.protocol == "FTP-DATA");
  CHECK(active.summary == "1000 bytes of data");
  CHECK(active.layers[2].text == "FTP Data (1000 bytes)");
  CHECK(active.layers[2].length == 1000);
  const Dissection passive = dissect_checked(tcp_packet(49155, 50000, "-rw-r--r-- 1 ftp ftp 42 notes.txt\r\n"));
  CHECK(passive.protocol == "FTP-DATA");
  CHECK(passive.layers[2].children.size() == 1);
}

TEST_CASE("HTTP shows its header lines, its body and body continuations") {
  const std::string request = "GET /announce?info_hash=%12&port=6881 HTTP/1.1\r\nHost: tracker\r\n\r\n";
  const Dissection get_request = dissect_checked(tcp_packet(49152, 6969, request));
  CHECK(get_request.protocol == "HTTP");
  CHECK(get_request.summary == "GET /announce?info_hash=%12&port=6881 HTTP/1.1 (+1 line)");
  CHECK(get_request.layers[2].text == "Hypertext Transfer Protocol");

  const Dissection reply = dissect_checked(tcp_packet(80, 49152, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
  CHECK(reply.summary == "HTTP/1.1 200 OK (+1 line)");
  const Field& body = get(reply, "Message body");
  CHECK(body.text == "Message body (5 bytes)");
  CHECK(body.offset == 40 + 17 + 19 + 2);
  CHECK(body.length == 5);

  const Dissection more = dissect_checked(tcp_packet(8080, 49152, std::string(1460, '\xff')));
  CHECK(more.protocol == "HTTP");
  CHECK(more.summary == "continuation (1460 bytes)");
}

TEST_CASE("DNS queries and answers are summarised compactly with exact name ranges") {
  const auto wire = dns::encode(query("mail.hamburger.edu."));
  const Dissection q = dissect_checked(udp_packet(33333, 53, wire));
  CHECK(q.protocol == "DNS");
  CHECK(q.summary == "A? mail.hamburger.edu");
  CHECK(q.layers.at(2).text == "Domain Name System");
  CHECK(get(q, "Transaction ID").text == "Transaction ID: 0x1a2b");
  CHECK(get(q, "Transaction ID").offset == 28);
  const Field& flags = get(q, "Flags: 0x0100");
  CHECK(flags.offset == 30);
  CHECK(find(flags.children, "Recursion desired: Do query recursively") != nullptr);
  CHECK(find(flags.children, "Response: Message is a query") != nullptr);
  CHECK(get(q, "Questions: 1").offset == 32);
  CHECK(get(q, "Additional RRs: 0").offset == 38);
  const Field& queries = get(q, "Queries");
  CHECK(queries.offset == 40);
  CHECK(queries.length == 24);
  const Field& name = get(q, "Name: mail.hamburger.edu");
  CHECK(name.offset == 40);
  CHECK(name.length == 20);  // 4 mail 9 hamburger 3 edu 0
  CHECK(get(q, "Type: A (1)").offset == 60);

  dns::Message r = response_to(query("mail.hamburger.edu."));
  r.answers = {a_record("mail.hamburger.edu.", {128, 119, 40, 10})};
  const Dissection one = dissect_checked(udp_packet(53, 33333, dns::encode(r)));
  CHECK(one.summary == "A mail.hamburger.edu = 128.119.40.10");
  CHECK(get(one, "Flags: 0x8180").text == "Flags: 0x8180 Standard query response, NOERROR");
  const Field& answer = get(one, "mail.hamburger.edu: type A, class IN, addr 128.119.40.10");
  CHECK(answer.offset == 64);
  CHECK(answer.length == 16);
  const Field* answer_name = find(answer.children, "Name:");
  REQUIRE(answer_name != nullptr);
  CHECK(answer_name->offset == 64);  // the compression pointer in place, not the question's bytes
  CHECK(answer_name->length == 2);
  const Field* address = find(answer.children, "Address:");
  REQUIRE(address != nullptr);
  CHECK(address->text == "Address: 128.119.40.10");
  CHECK(address->offset == 76);
  CHECK(address->length == 4);

  r.answers.push_back(a_record("mail.hamburger.edu.", {128, 119, 40, 11}));
  r.answers.push_back(a_record("mail.hamburger.edu.", {128, 119, 40, 12}));
  CHECK(dissect_checked(udp_packet(53, 33333, dns::encode(r))).summary == "A mail.hamburger.edu = 128.119.40.10 +2 more");

  CHECK(dissect_checked(udp_packet(33333, 53, dns::encode(query("hamburger.edu.", dns::RrType::MX)))).summary ==
        "MX? hamburger.edu");
  dns::Message mx = response_to(query("hamburger.edu.", dns::RrType::MX));
  mx.answers = {{"hamburger.edu.", dns::RrType::MX, dns::ClassIn, 60, dns::MxData{10, "mail.hamburger.edu."}}};
  const Dissection mx_answer = dissect_checked(udp_packet(53, 33333, dns::encode(mx)));
  CHECK(mx_answer.summary == "MX hamburger.edu = 10 mail.hamburger.edu");
  CHECK(get(mx_answer, "Preference: 10").length == 2);
  CHECK(get(mx_answer, "Mail Exchange: mail.hamburger.edu").length == 7);  // 4 mail + pointer
}

TEST_CASE("DNS referrals, NXDOMAIN and empty answers read as such") {
  dns::Message referral = response_to(query("mail.hamburger.edu."));
  referral.header.ra = false;
  referral.authority = {ns_record("edu.", "a.edu-servers.net."), ns_record("edu.", "b.edu-servers.net.")};
  referral.additional = {a_record("a.edu-servers.net.", {192, 5, 6, 30})};
  const Dissection d = dissect_checked(udp_packet(53, 33333, dns::encode(referral)));
  CHECK(d.summary == "NS edu → a.edu-servers.net +1 more");
  CHECK(get(d, "Authoritative nameservers").children.size() == 2);
  CHECK(get(d, "Additional records").children.size() == 1);
  CHECK(get(d, "edu: type NS, class IN, ns a.edu-servers.net").offset > 40);

  dns::Message nx = response_to(query("mail.x.edu."));
  nx.header.rcode = dns::Rcode::NXDomain;
  const dns::SoaData soa{"a.edu-servers.net.", "hostmaster.edu.", 1, 2, 3, 4, 5};
  nx.authority = {{"edu.", dns::RrType::SOA, dns::ClassIn, 900, soa}};
  const Dissection nxd = dissect_checked(udp_packet(53, 33333, dns::encode(nx)));
  CHECK(nxd.summary == "NXDOMAIN mail.x.edu");
  CHECK(get(nxd, "Reply code: NXDOMAIN (3)").length == 2);
  CHECK(get(nxd, "Minimum TTL: 5").length == 4);

  nx.header.rcode = dns::Rcode::NoError;
  CHECK(dissect_checked(udp_packet(53, 33333, dns::encode(nx))).summary == "no A record for mail.x.edu");
}

TEST_CASE("DNS over TCP reads the two-byte length prefix first") {
  const auto wire = dns::encode(query("big.example.com.", dns::RrType::TXT));
  std::string framed = {static_cast<char>(wire.size() >> 8), static_cast<char>(wire.size())};
  framed.append(wire.begin(), wire.end());
  const Dissection d = dissect_checked(tcp_packet(49152, 53, framed));
  CHECK(d.protocol == "DNS");
  CHECK(d.summary == "TXT? big.example.com");
  const Field& length = get(d, "Length: " + std::to_string(wire.size()));
  CHECK(length.offset == 40);
  CHECK(length.length == 2);
  CHECK(get(d, "Transaction ID").offset == 42);
  CHECK(get(d, "Name: big.example.com").offset == 54);

  const Dissection partial = dissect_checked(tcp_packet(49152, 53, framed.substr(0, 10)));
  CHECK(partial.summary == "partial DNS message (8 of " + std::to_string(wire.size()) + " bytes)");
}

TEST_CASE("a malformed DNS message is named so, and its tree stops with a note") {
  const std::string junk = "\x12\x34\x01";
  CHECK(dissect_checked(udp_packet(33333, 53, bytes_of(junk))).summary == "malformed DNS message");
  // A question whose name is a pointer to itself.
  std::vector<std::uint8_t> loop = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};
  const Dissection d = dissect_checked(udp_packet(33333, 53, loop));
  CHECK(d.summary == "malformed DNS message");
  CHECK(get(d, "[Malformed: compression pointer at offset 12").length == 0);
  // Counts larger than the data.
  auto wire = dns::encode(query("a.example."));
  wire[7] = 5;  // five answers promised, none sent
  const Dissection counts = dissect_checked(udp_packet(33333, 53, wire));
  CHECK(counts.summary == "malformed DNS message");
  CHECK(find(counts.layers, "[Malformed:") != nullptr);
}

TEST_CASE("BitTorrent handshakes and messages are decoded while they fit") {
  bittorrent::Handshake hs;
  hs.info_hash.fill(0xab);
  const Dissection handshake = dissect_checked(tcp_packet(49152, 6881, bittorrent::encode_handshake(hs)));
  CHECK(handshake.protocol == "BitTorrent");
  CHECK(handshake.summary == "handshake");
  CHECK(get(handshake, "Protocol Name: BitTorrent protocol").offset == 41);
  CHECK(get(handshake, "SHA1 Hash of info dictionary: abab").offset == 40 + 28);
  CHECK(get(handshake, "Peer ID").length == 20);

  using bittorrent::MessageType;
  const std::string several = bt(bt_message(MessageType::Interested)) + bt(bt_message(MessageType::Have, 17)) +
                              bt(bt_message(MessageType::Request, 17, 16384, 16384));
  const Dissection d = dissect_checked(tcp_packet(49152, 6881, several));
  CHECK(d.summary == "interested, have 17, request 17 @16384 (16384 B)");
  const Field& have = get(d, "Message: have 17");
  CHECK(have.offset == 45);
  CHECK(have.length == 9);
  CHECK(get(d, "Piece index: 17").offset == 50);
  CHECK(get(d, "Requested length: 16384").offset == 54 + 13);

  CHECK(dissect_checked(tcp_packet(6881, 49152, bt(bt_message(MessageType::Choke)) + bt(bt_message(MessageType::Unchoke))))
            .summary == "choke, unchoke");
  const std::string bored = bt(bt_message(MessageType::NotInterested)) + bt(bt_message(MessageType::KeepAlive));
  CHECK(dissect_checked(tcp_packet(6881, 49152, bored)).summary == "not interested, keep-alive");
  CHECK(dissect_checked(tcp_packet(6881, 49152, bt(bt_message(MessageType::Cancel, 17, 16384, 16384)))).summary ==
        "cancel 17 @16384");
  bittorrent::Message bitfield = bt_message(MessageType::Bitfield);
  bitfield.bitfield = {0xf0, 0x01};
  const Dissection bits = dissect_checked(tcp_packet(6881, 49152, bt(bitfield)));
  CHECK(bits.summary == "bitfield");
  CHECK(get(bits, "Bitfield data").text == "Bitfield data: 2 bytes, 5 pieces set (f001)");
}

TEST_CASE("a piece split over segments shows its header, then continuation data") {
  const std::string first = bittorrent::encode_piece_header(17, 0, 16384) + std::string(1447, 'd');
  const Dissection d = dissect_checked(tcp_packet(6881, 49152, first));
  CHECK(d.summary == "piece 17 @0");
  CHECK(get(d, "Message Length: 16393").offset == 40);
  CHECK(get(d, "Begin offset of piece: 0").offset == 49);
  const Field& block = get(d, "Block:");
  CHECK(block.text == "Block: 1447 bytes of 16384 in this segment");
  CHECK(block.offset == 53);
  CHECK(block.length == 1447);
  CHECK(get(d, "[Message continues").length == 0);

  const Dissection next = dissect_checked(tcp_packet(6881, 49152, std::string(1460, '\xc7')));
  CHECK(next.protocol == "BitTorrent");
  CHECK(next.summary == "piece data (continued)");
  CHECK(get(next, "Continuation data").length == 1460);
}

TEST_CASE("many BitTorrent messages stop at the summary length") {
  std::string haves;
  for (std::uint32_t i = 0; i < 40; ++i) haves += bt(bt_message(bittorrent::MessageType::Have, 1000 + i));
  const Dissection d = dissect_checked(tcp_packet(6881, 49152, haves));
  CHECK(d.summary.starts_with("have 1000, have 1001, "));
  CHECK(d.summary.ends_with(" more"));
  CHECK(characters(d.summary) <= 90);
  CHECK(get(d, "BitTorrent").children.size() == 40);
}

TEST_CASE("truncated and malformed network headers give notes, not fields past the end") {
  CHECK(dissect_checked({}).summary == "malformed packet: empty packet");
  const Bytes packet = tcp_packet(49152, 25, "EHLO x\r\n");
  const Dissection short_ip = dissect_checked(std::span(packet).first(12));
  CHECK(short_ip.protocol == "IPv4");
  CHECK(short_ip.summary == "malformed packet: IPv4 header truncated (12 of 20 bytes)");
  const Dissection short_tcp = dissect_checked(std::span(packet).first(30));
  CHECK(short_tcp.protocol == "TCP");
  CHECK(short_tcp.summary == "malformed TCP segment: TCP header truncated (10 of 20 bytes)");
  CHECK(get(short_tcp, "[Total length 48 exceeds the 30 bytes present]").offset == 20);
  Bytes v6 = packet;
  v6[0] = 0x60;
  CHECK(dissect_checked(v6).summary == "malformed packet: not IPv4 (version 6)");
}

TEST_CASE("every truncation of every sample packet stays inside the packet") {
  std::size_t rows = 0;
  for (const Bytes& packet : sample_packets()) {
    const Dissection whole = dissect_checked(packet);
    CHECK(find(whole.layers, "[Malformed") == nullptr);
    for (std::size_t n = 0; n <= packet.size(); ++n) rows += check_inside(viz::dissect(std::span(packet).first(n)).layers, n);
  }
  CHECK(rows > 1000);
}

TEST_CASE("random and mutated packets never crash nor give fields outside the packet") {
  std::mt19937 random(20240601);  // fixed seed: the same 2000 buffers on every run
  const auto samples = sample_packets();
  const std::uint16_t ports[] = {25, 110, 143, 21, 20, 80, 6969, 6881, 53, 7, 50000, 5001};
  std::size_t recognised = 0;
  for (int i = 0; i < 2000; ++i) {
    Bytes buffer;
    switch (i % 4) {
      case 0:  // pure noise
        buffer.resize(random() % 200);
        for (auto& b : buffer) b = static_cast<std::uint8_t>(random());
        break;
      case 1: {  // valid headers around noise on a port that is dissected
        std::string payload(random() % 300, '\0');
        for (auto& c : payload) c = static_cast<char>(random());
        const std::uint16_t port = ports[random() % std::size(ports)];
        buffer = random() % 3 == 0 ? udp_packet(49152, port, bytes_of(payload)) : tcp_packet(49152, port, payload);
        break;
      }
      default: {  // a valid packet with a few bytes changed
        buffer = samples[random() % samples.size()];
        for (unsigned k = 1 + random() % 6; k > 0; --k) buffer[random() % buffer.size()] = static_cast<std::uint8_t>(random());
        if (random() % 2) buffer.resize(random() % (buffer.size() + 1));
        break;
      }
    }
    const Dissection d = viz::dissect(buffer);
    check_inside(d.layers, buffer.size());
    CHECK(characters(d.summary) <= 100);
    if (d.protocol != "IPv4" && d.protocol != "TCP" && d.protocol != "UDP") ++recognised;
    const Dissection quick = viz::classify(buffer);
    if (quick.protocol != d.protocol || quick.summary != d.summary) FAIL_CHECK("classify disagrees on buffer " << i);
  }
  CHECK(recognised > 500);  // the loop did reach the application dissectors
}
