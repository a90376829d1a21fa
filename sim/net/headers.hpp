// The real wire formats of IPv4 (RFC 791), TCP (RFC 793, options of RFC 7323) and UDP (RFC 768):
// serialise with valid checksums, parse with bounds checks. Packets carry these exact bytes.
// Not modelled: IP options, fragmentation (DF is always set), TCP SACK and timestamps.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/net/ipv4_address.hpp"

namespace wiresim {

using Bytes = std::vector<std::uint8_t>;

namespace ip_protocol {
inline constexpr std::uint8_t Tcp = 6;
inline constexpr std::uint8_t Udp = 17;
}  // namespace ip_protocol

inline constexpr std::size_t Ipv4HeaderSize = 20;
inline constexpr std::size_t TcpHeaderSize = 20;
inline constexpr std::size_t UdpHeaderSize = 8;

struct Ipv4Header {
  std::uint8_t tos = 0;
  std::uint16_t total_length = 0;
  std::uint16_t identification = 0;
  bool dont_fragment = true;
  std::uint8_t ttl = 64;
  std::uint8_t protocol = 0;
  Ipv4Address source;
  Ipv4Address destination;
};

namespace tcp_flag {
inline constexpr std::uint8_t Fin = 0x01;
inline constexpr std::uint8_t Syn = 0x02;
inline constexpr std::uint8_t Rst = 0x04;
inline constexpr std::uint8_t Psh = 0x08;
inline constexpr std::uint8_t Ack = 0x10;
}  // namespace tcp_flag

struct TcpHeader {
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::optional<std::uint16_t> mss;           // option kind 2, SYN only
  std::optional<std::uint8_t> window_scale;   // option kind 3, SYN only (RFC 7323)
  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
};

struct UdpHeader {
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
};

// A parsed view into a packet's bytes; payload points into the packet.
struct ParsedPacket {
  Ipv4Header ip;
  std::optional<TcpHeader> tcp;
  std::optional<UdpHeader> udp;
  std::span<const std::uint8_t> payload;
};

Bytes build_tcp_packet(const Ipv4Header& ip, const TcpHeader& tcp, std::span<const std::uint8_t> payload);
Bytes build_udp_packet(const Ipv4Header& ip, const UdpHeader& udp, std::span<const std::uint8_t> payload);

// Reads only the IPv4 header: what a router needs to forward.
std::optional<Ipv4Header> parse_ipv4(std::span<const std::uint8_t> packet);
// Reads IPv4 and the transport header; nullopt for a malformed or truncated packet.
std::optional<ParsedPacket> parse_packet(std::span<const std::uint8_t> packet);

// A router's hop: TTL minus one and the header checksum patched (RFC 1624), in place.
void decrement_ttl(Bytes& packet);

// RFC 1071 ones'-complement sum, folded, not inverted.
std::uint32_t checksum_add(std::uint32_t sum, std::span<const std::uint8_t> data);
std::uint16_t checksum_finish(std::uint32_t sum);
// True when the IPv4 header and the TCP/UDP checksum are both correct.
bool checksums_valid(std::span<const std::uint8_t> packet);

// One line in the style of tshark's summary: "10.0.0.1 → 10.0.0.2 TCP 49152 → 80 [SYN] Seq=0 Len=0".
std::string summarize(std::span<const std::uint8_t> packet);
std::string tcp_flags_text(std::uint8_t flags);  // "SYN, ACK"

}  // namespace wiresim
