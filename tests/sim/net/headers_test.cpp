#include <doctest/doctest.h>

#include <string>

#include "sim/net/headers.hpp"

using namespace wiresim;

static std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST_CASE("a TCP packet round-trips through build and parse with valid checksums") {
  Ipv4Header ip;
  ip.source = *Ipv4Address::parse("10.0.1.2");
  ip.destination = *Ipv4Address::parse("10.0.2.2");
  ip.identification = 7;
  TcpHeader tcp;
  tcp.source_port = 49152;
  tcp.destination_port = 80;
  tcp.seq = 0xfffffff0;
  tcp.ack = 12345;
  tcp.flags = tcp_flag::Syn | tcp_flag::Ack;
  tcp.window = 65535;
  tcp.mss = 1460;
  tcp.window_scale = 7;
  const std::string payload = "odd length payload!";
  const Bytes packet = build_tcp_packet(ip, tcp, bytes_of(payload));
  CHECK(packet.size() == 20 + 28 + payload.size());
  CHECK(checksums_valid(packet));
  auto p = parse_packet(packet);
  REQUIRE(p.has_value());
  CHECK(p->ip.source == ip.source);
  CHECK(p->ip.ttl == 64);
  REQUIRE(p->tcp.has_value());
  CHECK(p->tcp->seq == 0xfffffff0);
  CHECK(p->tcp->mss == 1460);
  CHECK(p->tcp->window_scale == 7);
  CHECK(std::string(p->payload.begin(), p->payload.end()) == payload);
}

TEST_CASE("a known IPv4 header gets the textbook checksum") {
  // The example header of RFC 1071-style worked examples: 4500 0073 0000 4000 4011 .... c0a8 0001 c0a8 00c7
  Ipv4Header ip;
  ip.identification = 0;
  ip.ttl = 64;
  ip.source = *Ipv4Address::parse("192.168.0.1");
  ip.destination = *Ipv4Address::parse("192.168.0.199");
  const std::string payload(0x73 - 28, 'x');
  const Bytes packet = build_udp_packet(ip, {1, 2}, bytes_of(payload));
  CHECK(packet[10] == 0xb8);
  CHECK(packet[11] == 0x61);
}

TEST_CASE("decrementing TTL keeps the header checksum valid") {
  Ipv4Header ip;
  ip.source = *Ipv4Address::parse("10.0.0.1");
  ip.destination = *Ipv4Address::parse("10.0.0.2");
  Bytes packet = build_udp_packet(ip, {5000, 7}, bytes_of(std::string("ping")));
  for (int hop = 0; hop < 63; ++hop) {
    decrement_ttl(packet);
    REQUIRE(checksums_valid(packet));
  }
  CHECK(parse_ipv4(packet)->ttl == 1);
}

TEST_CASE("truncated and malformed packets are refused, not read past their end") {
  Ipv4Header ip;
  ip.source = *Ipv4Address::parse("10.0.0.1");
  ip.destination = *Ipv4Address::parse("10.0.0.2");
  Bytes packet = build_tcp_packet(ip, TcpHeader{}, {});
  for (std::size_t n = 0; n < packet.size(); ++n) CHECK_FALSE(parse_packet(std::span(packet).first(n)).has_value());
  Bytes bad = packet;
  bad[20 + 12] = 0xf0;  // data offset 60 bytes: beyond the packet
  CHECK_FALSE(parse_packet(bad).has_value());
}

TEST_CASE("addresses parse strictly") {
  CHECK(Ipv4Address::parse("10.0.0.1")->to_string() == "10.0.0.1");
  CHECK_FALSE(Ipv4Address::parse("10.0.0").has_value());
  CHECK_FALSE(Ipv4Address::parse("10.0.0.256").has_value());
  CHECK_FALSE(Ipv4Address::parse("10.0.0.01").has_value());
  CHECK_FALSE(Ipv4Address::parse("10.0.0.1x").has_value());
}

TEST_CASE("the one-line summary reads like tshark's") {
  Ipv4Header ip;
  ip.source = *Ipv4Address::parse("10.0.0.1");
  ip.destination = *Ipv4Address::parse("10.0.0.2");
  TcpHeader tcp;
  tcp.source_port = 49152;
  tcp.destination_port = 5001;
  tcp.flags = tcp_flag::Syn;
  tcp.window = 65535;
  CHECK(summarize(build_tcp_packet(ip, tcp, {})) == "10.0.0.1 → 10.0.0.2 TCP 49152 → 5001 [SYN] Seq=0 Win=65535 Len=0");
}
