// IPv4 (RFC 791), TCP (RFC 793, options of RFC 7323) and UDP (RFC 768) as Wireshark shows
// them; the application layer is in dissect_app.cpp. Every read is bounds-checked: a packet
// cut short ends its tree with a note instead of a field past its end.
#include "viz/model/dissection.hpp"

#include <algorithm>
#include <cstdio>

#include "sim/net/headers.hpp"
#include "sim/net/ipv4_address.hpp"
#include "viz/model/dissect_app.hpp"

namespace wiresim::viz {
namespace {

using detail::fits;
using detail::note;
using detail::read16;
using detail::read32;
using Bytes = std::span<const std::uint8_t>;

std::string hex(std::uint32_t value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, value);
  return buf;
}

std::string address_at(Bytes p, std::size_t at) { return Ipv4Address{read32(p, at)}.to_string(); }

std::string checksum_text(std::uint16_t stored, bool verified, bool correct) {
  std::string text = "Checksum: " + hex(stored, 4);
  text += !verified ? " [unverified]" : correct ? " [correct]" : " [incorrect]";
  return text;
}

// RFC 793 3.1 / RFC 768: the transport checksum covers a pseudo-header of both addresses, the
// protocol and the transport length, then the whole segment. Zero when the segment is intact.
std::uint16_t transport_checksum(Bytes p, std::size_t start, std::size_t end) {
  std::uint8_t pseudo[12];
  std::copy(p.begin() + 12, p.begin() + 20, pseudo);
  pseudo[8] = 0;
  pseudo[9] = p[9];
  pseudo[10] = static_cast<std::uint8_t>((end - start) >> 8);
  pseudo[11] = static_cast<std::uint8_t>(end - start);
  return checksum_finish(checksum_add(checksum_add(0, pseudo), p.subspan(start, end - start)));
}

// ---------------------------------------------------------------------------------------------
// IPv4

struct Ipv4Layer {
  std::string problem;            // why nothing above IPv4 can be read; "" when it can
  std::size_t header_length = 0;  // IHL * 4
  std::size_t end = 0;            // one past the datagram's last byte present in the packet
  bool total_exceeds_packet = false;
  std::uint8_t protocol = 0;
};

Ipv4Layer read_ipv4(Bytes p) {
  Ipv4Layer ip;
  if (p.empty()) {
    ip.problem = "empty packet";
    return ip;
  }
  if ((p[0] >> 4) != 4) {
    ip.problem = "not IPv4 (version " + std::to_string(p[0] >> 4) + ")";
    return ip;
  }
  ip.header_length = static_cast<std::size_t>(p[0] & 0x0f) * 4;
  if (ip.header_length < Ipv4HeaderSize) {
    ip.problem = "bad IPv4 header length " + std::to_string(ip.header_length);
    return ip;
  }
  if (p.size() < ip.header_length) {
    ip.problem = "IPv4 header truncated (" + std::to_string(p.size()) + " of " + std::to_string(ip.header_length) + " bytes)";
    return ip;
  }
  const std::size_t total = read16(p, 2);
  if (total < ip.header_length) {
    ip.problem = "IPv4 total length " + std::to_string(total) + " is shorter than its header";
    return ip;
  }
  ip.total_exceeds_packet = total > p.size();
  ip.end = ip.total_exceeds_packet ? p.size() : total;
  ip.protocol = p[9];
  return ip;
}

std::string protocol_name(std::uint8_t protocol) {
  if (protocol == ip_protocol::Tcp) return "TCP";
  if (protocol == ip_protocol::Udp) return "UDP";
  if (protocol == 1) return "ICMP";
  return "unknown";
}

Field ipv4_tree(Bytes p, const Ipv4Layer& ip) {
  // The header rows need its 20 fixed bytes; a shorter packet only gets the problem noted.
  if (p.size() < Ipv4HeaderSize || (p[0] >> 4) != 4) {
    Field row{"Internet Protocol Version 4", 0, p.size() < Ipv4HeaderSize ? p.size() : Ipv4HeaderSize, {}};
    row.children.push_back(note("[Malformed: " + ip.problem + "]", 0));
    return row;
  }
  Field row{"Internet Protocol Version 4, Src: " + address_at(p, 12) + ", Dst: " + address_at(p, 16), 0,
            ip.problem.empty() ? ip.header_length : Ipv4HeaderSize, {}};
  auto& c = row.children;
  c.push_back({"0100 .... = Version: 4", 0, 1, {}});
  const std::size_t ihl = p[0] & 0x0f;
  c.push_back({"Header Length: " + std::to_string(ihl * 4) + " bytes (" + std::to_string(ihl) + ")", 0, 1, {}});
  c.push_back({"Differentiated Services Field: " + hex(p[1], 2), 1, 1, {}});
  c.push_back({"Total Length: " + std::to_string(read16(p, 2)), 2, 2, {}});
  const std::uint16_t id = read16(p, 4);
  c.push_back({"Identification: " + hex(id, 4) + " (" + std::to_string(id) + ")", 4, 2, {}});
  const std::uint16_t flags = read16(p, 6);
  std::string flag_text = "Flags: " + hex(flags >> 8 & 0xe0, 2);
  if (flags & 0x4000) flag_text += ", Don't fragment";
  if (flags & 0x2000) flag_text += ", More fragments";
  Field flag_row{flag_text, 6, 2, {}};
  flag_row.children.push_back({std::string("Reserved bit: ") + (flags & 0x8000 ? "Set" : "Not set"), 6, 1, {}});
  flag_row.children.push_back({std::string("Don't fragment: ") + (flags & 0x4000 ? "Set" : "Not set"), 6, 1, {}});
  flag_row.children.push_back({std::string("More fragments: ") + (flags & 0x2000 ? "Set" : "Not set"), 6, 1, {}});
  c.push_back(std::move(flag_row));
  c.push_back({"Fragment Offset: " + std::to_string((flags & 0x1fff) * 8), 6, 2, {}});
  c.push_back({"Time to Live: " + std::to_string(p[8]), 8, 1, {}});
  c.push_back({"Protocol: " + protocol_name(p[9]) + " (" + std::to_string(p[9]) + ")", 9, 1, {}});
  const bool whole_header = ip.header_length >= Ipv4HeaderSize && p.size() >= ip.header_length;
  const bool correct = whole_header && checksum_finish(checksum_add(0, p.first(ip.header_length))) == 0;
  c.push_back({"Header " + checksum_text(read16(p, 10), whole_header, correct), 10, 2, {}});
  c.push_back({"Source Address: " + address_at(p, 12), 12, 4, {}});
  c.push_back({"Destination Address: " + address_at(p, 16), 16, 4, {}});
  if (whole_header && ip.header_length > Ipv4HeaderSize)
    c.push_back({"Options: (" + std::to_string(ip.header_length - Ipv4HeaderSize) + " bytes)", Ipv4HeaderSize,
                 ip.header_length - Ipv4HeaderSize, {}});
  if (!ip.problem.empty()) c.push_back(note("[Malformed: " + ip.problem + "]", Ipv4HeaderSize));
  if (ip.total_exceeds_packet)
    c.push_back(note("[Total length " + std::to_string(read16(p, 2)) + " exceeds the " + std::to_string(p.size()) +
                         " bytes present]",
                     ip.header_length));
  if (ip.problem.empty() && ip.end > ip.header_length && (flags & 0x3fff) != 0)
    c.push_back(note("[Fragment: the transport header is not read]", ip.header_length));
  return row;
}

// ---------------------------------------------------------------------------------------------
// TCP

struct TcpLayer {
  std::string problem;  // why the segment cannot be read; "" when it can
  std::size_t start = 0, header_length = 0, end = 0;
  std::uint16_t source_port = 0, destination_port = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0;
};

TcpLayer read_tcp(Bytes p, std::size_t start, std::size_t end) {
  TcpLayer t{"", start, 0, end};
  if (end - start < TcpHeaderSize) {
    t.problem = "TCP header truncated (" + std::to_string(end - start) + " of 20 bytes)";
    return t;
  }
  t.source_port = read16(p, start);
  t.destination_port = read16(p, start + 2);
  t.seq = read32(p, start + 4);
  t.ack = read32(p, start + 8);
  t.flags = p[start + 13];
  t.header_length = static_cast<std::size_t>(p[start + 12] >> 4) * 4;
  if (t.header_length < TcpHeaderSize) t.problem = "bad TCP header length " + std::to_string(t.header_length);
  else if (t.header_length > end - start)
    t.problem = "TCP options truncated (" + std::to_string(end - start) + " of " + std::to_string(t.header_length) + " bytes)";
  return t;
}

std::string flag_names(std::uint8_t flags) {
  const std::string names = tcp_flags_text(flags);
  return names.empty() ? "<None>" : names;
}

// The 12 flag bits Wireshark shows: 3 reserved, then NS (our AE), CWR, ECE, URG, ACK, PSH,
// RST, SYN, FIN.
Field tcp_flags_tree(Bytes p, std::size_t at) {
  const std::uint16_t bits = static_cast<std::uint16_t>((p[at] & 0x0f) << 8 | p[at + 1]);
  Field row{"Flags: " + hex(bits, 3) + " (" + flag_names(p[at + 1]) + ")", at, 2, {}};
  row.children.push_back({"Reserved: " + std::to_string(bits >> 9), at, 1, {}});
  static constexpr std::pair<int, const char*> named[] = {{8, "Accurate ECN"}, {7, "Congestion Window Reduced"},
                                                          {6, "ECN-Echo"},     {5, "Urgent"},
                                                          {4, "Acknowledgment"}, {3, "Push"},
                                                          {2, "Reset"},        {1, "Syn"},
                                                          {0, "Fin"}};
  for (auto [bit, name] : named)
    row.children.push_back({std::string(name) + ": " + (bits >> bit & 1 ? "Set" : "Not set"), bit == 8 ? at : at + 1, 1, {}});
  return row;
}

// RFC 793 3.1: kind 0 ends the list, kind 1 pads; every other option is kind, length, data.
Field tcp_options_tree(Bytes p, std::size_t from, std::size_t to) {
  Field row{"Options: (" + std::to_string(to - from) + " bytes)", from, to - from, {}};
  std::string names;
  for (std::size_t i = from; i < to;) {
    const std::uint8_t kind = p[i];
    if (kind == 0) {
      row.children.push_back({"End of Option List (EOL)", i, to - i, {}});
      break;
    }
    if (kind == 1) {
      row.children.push_back({"No-Operation (NOP)", i, 1, {}});
      ++i;
      continue;
    }
    if (i + 1 >= to || p[i + 1] < 2 || p[i + 1] > to - i) {
      row.children.push_back(note("[Malformed option of kind " + std::to_string(kind) + "]", i));
      break;
    }
    const std::size_t length = p[i + 1];
    Field option{"Option kind " + std::to_string(kind) + " (" + std::to_string(length) + " bytes)", i, length, {}};
    if (kind == 2 && length == 4)
      option.text = "Maximum segment size: " + std::to_string(read16(p, i + 2)) + " bytes";
    if (kind == 3 && length == 3)
      option.text = "Window scale: " + std::to_string(p[i + 2]) + " (multiply by " +
                    std::to_string(1u << (p[i + 2] > 14 ? 14 : p[i + 2])) + ")";
    if (kind == 4 && length == 2) option.text = "SACK permitted";
    if (kind == 8 && length == 10) option.text = "Timestamps";
    option.children.push_back({"Kind: " + std::to_string(kind), i, 1, {}});
    option.children.push_back({"Length: " + std::to_string(length), i + 1, 1, {}});
    row.children.push_back(std::move(option));
    i += length;
  }
  return row;
}

Field tcp_tree(Bytes p, const TcpLayer& t, bool whole_segment) {
  if (!fits(p, t.start, TcpHeaderSize) || t.end - t.start < TcpHeaderSize) {
    Field row{"Transmission Control Protocol", t.start, t.end - t.start, {}};
    row.children.push_back(note("[Malformed: " + t.problem + "]", t.start));
    return row;
  }
  const std::size_t s = t.start;
  const std::size_t payload = t.problem.empty() ? t.end - s - t.header_length : 0;
  std::string title = "Transmission Control Protocol, Src Port: " + std::to_string(t.source_port) +
                      ", Dst Port: " + std::to_string(t.destination_port) + ", Seq: " + std::to_string(t.seq);
  if (t.flags & tcp_flag::Ack) title += ", Ack: " + std::to_string(t.ack);
  title += ", Len: " + std::to_string(payload);
  Field row{std::move(title), s, t.problem.empty() ? t.header_length : TcpHeaderSize, {}};
  auto& c = row.children;
  c.push_back({"Source Port: " + std::to_string(t.source_port), s, 2, {}});
  c.push_back({"Destination Port: " + std::to_string(t.destination_port), s + 2, 2, {}});
  c.push_back({"Sequence Number: " + std::to_string(t.seq), s + 4, 4, {}});
  std::string ack = "Acknowledgment Number: " + std::to_string(t.ack);
  if (!(t.flags & tcp_flag::Ack)) ack += " (unused: ACK not set)";
  c.push_back({std::move(ack), s + 8, 4, {}});
  c.push_back({"Header Length: " + std::to_string(t.header_length) + " bytes (" + std::to_string(t.header_length / 4) + ")",
               s + 12, 1, {}});
  c.push_back(tcp_flags_tree(p, s + 12));
  c.push_back({"Window: " + std::to_string(read16(p, s + 14)), s + 14, 2, {}});
  const bool correct = whole_segment && transport_checksum(p, s, t.end) == 0;
  c.push_back({checksum_text(read16(p, s + 16), whole_segment, correct), s + 16, 2, {}});
  c.push_back({"Urgent Pointer: " + std::to_string(read16(p, s + 18)), s + 18, 2, {}});
  if (!t.problem.empty()) {
    c.push_back(note("[Malformed: " + t.problem + "]", s + TcpHeaderSize));
    return row;
  }
  if (t.header_length > TcpHeaderSize) c.push_back(tcp_options_tree(p, s + TcpHeaderSize, s + t.header_length));
  if (payload > 0) c.push_back({"TCP payload (" + std::to_string(payload) + " bytes)", s + t.header_length, payload, {}});
  return row;
}

// ---------------------------------------------------------------------------------------------
// UDP

Field udp_tree(Bytes p, std::size_t s, std::size_t end, bool whole_datagram) {
  if (end - s < UdpHeaderSize) {
    Field row{"User Datagram Protocol", s, end - s, {}};
    row.children.push_back(
        note("[Malformed: UDP header truncated (" + std::to_string(end - s) + " of 8 bytes)]", s));
    return row;
  }
  Field row{"User Datagram Protocol, Src Port: " + std::to_string(read16(p, s)) +
                ", Dst Port: " + std::to_string(read16(p, s + 2)),
            s, UdpHeaderSize, {}};
  auto& c = row.children;
  c.push_back({"Source Port: " + std::to_string(read16(p, s)), s, 2, {}});
  c.push_back({"Destination Port: " + std::to_string(read16(p, s + 2)), s + 2, 2, {}});
  const std::uint16_t length = read16(p, s + 4);
  std::string length_text = "Length: " + std::to_string(length);
  if (length != end - s) length_text += " [bad: the datagram has " + std::to_string(end - s) + " bytes]";
  c.push_back({std::move(length_text), s + 4, 2, {}});
  const std::uint16_t stored = read16(p, s + 6);
  if (stored == 0) {
    c.push_back({"Checksum: 0x0000 [zero: not used]", s + 6, 2, {}});
  } else {
    const bool verifiable = whole_datagram && length == end - s;
    const bool correct = verifiable && transport_checksum(p, s, end) == 0;
    c.push_back({checksum_text(stored, verifiable, correct), s + 6, 2, {}});
  }
  if (end - s > UdpHeaderSize)
    c.push_back({"UDP payload (" + std::to_string(end - s - UdpHeaderSize) + " bytes)", s + UdpHeaderSize,
                 end - s - UdpHeaderSize, {}});
  return row;
}

// ---------------------------------------------------------------------------------------------

std::string bytes_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// Adds the application's verdict, or the transport's own words when none was recognised.
void add_application(Dissection& d, const detail::Payload& payload, bool with_tree) {
  detail::AppDissection app = detail::dissect_application(payload, with_tree);
  if (!app.protocol.empty()) {
    d.protocol = std::move(app.protocol);
    d.summary = std::move(app.summary);
  } else {
    d.summary = bytes_text(payload.bytes.size());
  }
  if (with_tree && app.tree) d.layers.push_back(std::move(*app.tree));
}

void dissect_tcp(Dissection& d, Bytes p, const Ipv4Layer& ip, bool with_tree) {
  const TcpLayer t = read_tcp(p, ip.header_length, ip.end);
  if (with_tree) d.layers.push_back(tcp_tree(p, t, !ip.total_exceeds_packet));
  d.protocol = "TCP";
  if (!t.problem.empty()) {
    d.summary = "malformed TCP segment: " + t.problem;
    return;
  }
  const Bytes payload = p.subspan(t.start + t.header_length, t.end - t.start - t.header_length);
  if (payload.empty()) {
    d.summary = "[" + flag_names(t.flags) + "]";
    return;
  }
  add_application(d, {payload, t.start + t.header_length, t.source_port, t.destination_port, true}, with_tree);
}

void dissect_udp(Dissection& d, Bytes p, const Ipv4Layer& ip, bool with_tree) {
  const std::size_t s = ip.header_length;
  if (with_tree) d.layers.push_back(udp_tree(p, s, ip.end, !ip.total_exceeds_packet));
  d.protocol = "UDP";
  if (ip.end - s < UdpHeaderSize) {
    d.summary = "malformed UDP datagram: header truncated";
    return;
  }
  // The bytes after the header, as far as they are present: a UDP length that disagrees is
  // noted in the tree, and the application still gets to look.
  const Bytes payload = p.subspan(s + UdpHeaderSize, ip.end - s - UdpHeaderSize);
  add_application(d, {payload, s + UdpHeaderSize, read16(p, s), read16(p, s + 2), false}, with_tree);
}

Dissection run(Bytes p, bool with_tree) {
  Dissection d;
  d.protocol = "IPv4";
  const Ipv4Layer ip = read_ipv4(p);
  if (with_tree && !p.empty()) d.layers.push_back(ipv4_tree(p, ip));
  if (!ip.problem.empty()) {
    d.summary = "malformed packet: " + ip.problem;
    return d;
  }
  const bool fragment = (read16(p, 6) & 0x3fff) != 0;
  if (!fragment && ip.protocol == ip_protocol::Tcp) {
    dissect_tcp(d, p, ip, with_tree);
  } else if (!fragment && ip.protocol == ip_protocol::Udp) {
    dissect_udp(d, p, ip, with_tree);
  } else {
    const std::size_t n = ip.end - ip.header_length;
    d.summary = protocol_name(ip.protocol) + " (" + std::to_string(ip.protocol) + "), " + bytes_text(n);
    if (with_tree && n > 0) d.layers.push_back({"Data (" + bytes_text(n) + ")", ip.header_length, n, {}});
  }
  return d;
}

}  // namespace

Dissection dissect(std::span<const std::uint8_t> packet) { return run(packet, true); }

Dissection classify(std::span<const std::uint8_t> packet) { return run(packet, false); }

}  // namespace wiresim::viz
