#include "sim/net/headers.hpp"

namespace wiresim {
namespace {

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}
std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t get32(const std::uint8_t* p) { return static_cast<std::uint32_t>(get16(p)) << 16 | get16(p + 2); }

void write_ipv4(std::uint8_t* p, const Ipv4Header& ip, std::size_t total) {
  p[0] = 0x45;  // version 4, IHL 5 words
  p[1] = ip.tos;
  put16(p + 2, static_cast<std::uint16_t>(total));
  put16(p + 4, ip.identification);
  put16(p + 6, ip.dont_fragment ? 0x4000 : 0);
  p[8] = ip.ttl;
  p[9] = ip.protocol;
  put16(p + 10, 0);
  put32(p + 12, ip.source.value);
  put32(p + 16, ip.destination.value);
  put16(p + 10, checksum_finish(checksum_add(0, {p, Ipv4HeaderSize})));
}

// The pseudo-header of RFC 793 section 3.1 / RFC 768: addresses, protocol, transport length.
std::uint32_t pseudo_header_sum(const Ipv4Header& ip, std::size_t transport_length) {
  std::uint8_t pseudo[12];
  put32(pseudo, ip.source.value);
  put32(pseudo + 4, ip.destination.value);
  pseudo[8] = 0;
  pseudo[9] = ip.protocol;
  put16(pseudo + 10, static_cast<std::uint16_t>(transport_length));
  return checksum_add(0, pseudo);
}

}  // namespace

std::uint32_t checksum_add(std::uint32_t sum, std::span<const std::uint8_t> data) {
  std::uint64_t acc = sum;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) acc += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (i < data.size()) acc += static_cast<std::uint32_t>(data[i] << 8);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint32_t>(acc);
}

std::uint16_t checksum_finish(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

Bytes build_tcp_packet(const Ipv4Header& ip_in, const TcpHeader& tcp, std::span<const std::uint8_t> payload) {
  std::size_t options = 0;
  if (tcp.mss) options += 4;
  if (tcp.window_scale) options += 4;  // NOP + kind 3 length 3 shift
  const std::size_t tcp_length = TcpHeaderSize + options + payload.size();
  Bytes out(Ipv4HeaderSize + tcp_length);
  Ipv4Header ip = ip_in;
  ip.protocol = ip_protocol::Tcp;
  write_ipv4(out.data(), ip, out.size());

  std::uint8_t* t = out.data() + Ipv4HeaderSize;
  put16(t, tcp.source_port);
  put16(t + 2, tcp.destination_port);
  put32(t + 4, tcp.seq);
  put32(t + 8, tcp.ack);
  t[12] = static_cast<std::uint8_t>(((TcpHeaderSize + options) / 4) << 4);
  t[13] = tcp.flags;
  put16(t + 14, tcp.window);
  put16(t + 16, 0);
  put16(t + 18, 0);
  std::uint8_t* o = t + TcpHeaderSize;
  if (tcp.mss) {
    o[0] = 2;
    o[1] = 4;
    put16(o + 2, *tcp.mss);
    o += 4;
  }
  if (tcp.window_scale) {
    o[0] = 1;  // NOP keeps the next option aligned, as real stacks do
    o[1] = 3;
    o[2] = 3;
    o[3] = *tcp.window_scale;
    o += 4;
  }
  if (!payload.empty()) std::copy(payload.begin(), payload.end(), o);
  const std::uint32_t sum = checksum_add(pseudo_header_sum(ip, tcp_length), {t, tcp_length});
  put16(t + 16, checksum_finish(sum));
  return out;
}

Bytes build_udp_packet(const Ipv4Header& ip_in, const UdpHeader& udp, std::span<const std::uint8_t> payload) {
  const std::size_t udp_length = UdpHeaderSize + payload.size();
  Bytes out(Ipv4HeaderSize + udp_length);
  Ipv4Header ip = ip_in;
  ip.protocol = ip_protocol::Udp;
  write_ipv4(out.data(), ip, out.size());
  std::uint8_t* u = out.data() + Ipv4HeaderSize;
  put16(u, udp.source_port);
  put16(u + 2, udp.destination_port);
  put16(u + 4, static_cast<std::uint16_t>(udp_length));
  put16(u + 6, 0);
  if (!payload.empty()) std::copy(payload.begin(), payload.end(), u + UdpHeaderSize);
  std::uint16_t sum = checksum_finish(checksum_add(pseudo_header_sum(ip, udp_length), {u, udp_length}));
  put16(u + 6, sum == 0 ? 0xffff : sum);  // RFC 768: a computed zero is sent as all ones
  return out;
}

std::optional<Ipv4Header> parse_ipv4(std::span<const std::uint8_t> p) {
  if (p.size() < Ipv4HeaderSize || (p[0] >> 4) != 4 || (p[0] & 0x0f) != 5) return std::nullopt;
  Ipv4Header ip;
  ip.tos = p[1];
  ip.total_length = get16(&p[2]);
  if (ip.total_length < Ipv4HeaderSize || ip.total_length > p.size()) return std::nullopt;
  ip.identification = get16(&p[4]);
  ip.dont_fragment = (p[6] & 0x40) != 0;
  ip.ttl = p[8];
  ip.protocol = p[9];
  ip.source.value = get32(&p[12]);
  ip.destination.value = get32(&p[16]);
  return ip;
}

std::optional<ParsedPacket> parse_packet(std::span<const std::uint8_t> p) {
  auto ip = parse_ipv4(p);
  if (!ip) return std::nullopt;
  ParsedPacket out;
  out.ip = *ip;
  auto t = p.subspan(Ipv4HeaderSize, ip->total_length - Ipv4HeaderSize);
  if (ip->protocol == ip_protocol::Tcp) {
    if (t.size() < TcpHeaderSize) return std::nullopt;
    const std::size_t header_length = static_cast<std::size_t>(t[12] >> 4) * 4;
    if (header_length < TcpHeaderSize || header_length > t.size()) return std::nullopt;
    TcpHeader h;
    h.source_port = get16(&t[0]);
    h.destination_port = get16(&t[2]);
    h.seq = get32(&t[4]);
    h.ack = get32(&t[8]);
    h.flags = t[13];
    h.window = get16(&t[14]);
    for (std::size_t i = TcpHeaderSize; i < header_length;) {
      const std::uint8_t kind = t[i];
      if (kind == 0) break;  // end of option list
      if (kind == 1) {
        ++i;
        continue;
      }
      if (i + 1 >= header_length || t[i + 1] < 2 || i + t[i + 1] > header_length) return std::nullopt;
      if (kind == 2 && t[i + 1] == 4) h.mss = get16(&t[i + 2]);
      if (kind == 3 && t[i + 1] == 3) h.window_scale = t[i + 2];
      i += t[i + 1];
    }
    out.tcp = h;
    out.payload = t.subspan(header_length);
  } else if (ip->protocol == ip_protocol::Udp) {
    if (t.size() < UdpHeaderSize) return std::nullopt;
    const std::uint16_t length = get16(&t[4]);
    if (length < UdpHeaderSize || length > t.size()) return std::nullopt;
    out.udp = UdpHeader{get16(&t[0]), get16(&t[2])};
    out.payload = t.subspan(UdpHeaderSize, length - UdpHeaderSize);
  } else {
    out.payload = t;
  }
  return out;
}

void decrement_ttl(Bytes& p) {
  // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), with m the 16-bit word holding TTL and protocol.
  const std::uint16_t old_word = get16(&p[8]);
  p[8] = static_cast<std::uint8_t>(p[8] - 1);
  const std::uint16_t new_word = get16(&p[8]);
  std::uint32_t sum = static_cast<std::uint16_t>(~get16(&p[10]));
  sum += static_cast<std::uint16_t>(~old_word);
  sum += new_word;
  put16(&p[10], checksum_finish(sum));
}

bool checksums_valid(std::span<const std::uint8_t> p) {
  auto ip = parse_ipv4(p);
  if (!ip || checksum_finish(checksum_add(0, p.first(Ipv4HeaderSize))) != 0) return false;
  auto t = p.subspan(Ipv4HeaderSize, ip->total_length - Ipv4HeaderSize);
  if (ip->protocol != ip_protocol::Tcp && ip->protocol != ip_protocol::Udp) return true;
  return checksum_finish(checksum_add(pseudo_header_sum(*ip, t.size()), t)) == 0;
}

std::string tcp_flags_text(std::uint8_t flags) {
  static constexpr std::pair<std::uint8_t, const char*> names[] = {
      {tcp_flag::Fin, "FIN"}, {tcp_flag::Syn, "SYN"}, {tcp_flag::Rst, "RST"}, {tcp_flag::Psh, "PSH"}, {tcp_flag::Ack, "ACK"}};
  std::string out;
  for (auto [bit, name] : names) {
    if (!(flags & bit)) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string summarize(std::span<const std::uint8_t> packet) {
  auto p = parse_packet(packet);
  if (!p) return "malformed packet (" + std::to_string(packet.size()) + " bytes)";
  std::string s = p->ip.source.to_string() + " → " + p->ip.destination.to_string();
  if (p->tcp) {
    s += " TCP " + std::to_string(p->tcp->source_port) + " → " + std::to_string(p->tcp->destination_port) + " [" +
         tcp_flags_text(p->tcp->flags) + "] Seq=" + std::to_string(p->tcp->seq);
    if (p->tcp->has(tcp_flag::Ack)) s += " Ack=" + std::to_string(p->tcp->ack);
    s += " Win=" + std::to_string(p->tcp->window) + " Len=" + std::to_string(p->payload.size());
  } else if (p->udp) {
    s += " UDP " + std::to_string(p->udp->source_port) + " → " + std::to_string(p->udp->destination_port) +
         " Len=" + std::to_string(p->payload.size());
  } else {
    s += " proto " + std::to_string(p->ip.protocol);
  }
  return s;
}

}  // namespace wiresim
