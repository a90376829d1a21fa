// The desktop view's packet dissector: a packet's bytes (IPv4 first, no Ethernet) as a layer
// tree with exact byte ranges, as in Wireshark's details pane, and a one-line summary.
// Stateless: no stream reassembly and no relative sequence numbers; applications by port.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace wiresim::viz {

// One row of a packet's layer tree, as in Wireshark's details pane.
struct Field {
  std::string text;          // "Source Address: 10.0.0.1", "Flags: 0x018 (PSH, ACK)"
  std::size_t offset = 0;    // first byte it covers, counted from the IPv4 header's first byte
  std::size_t length = 0;    // bytes it covers (0 = a note that covers no bytes)
  std::vector<Field> children;
};

struct Dissection {
  std::string protocol;  // the highest protocol recognised, for colours and filters:
                         // "SMTP","POP3","IMAP","FTP","FTP-DATA","HTTP","DNS","BitTorrent","ECHO",
                         // "TCP","UDP","IPv4"
  std::string summary;   // the application's words, short (<= ~70 chars): "A? mail.hamburger.edu"
  std::vector<Field> layers;  // top level rows: IPv4, then TCP/UDP, then the application
};

// Untrusted bytes welcome: a truncated or malformed packet gives a shorter tree with notes,
// never a field outside the packet, a crash or an exception.
Dissection dissect(std::span<const std::uint8_t> packet);
// Cheap variant for labelling thousands of packets: protocol + summary only, no field tree.
Dissection classify(std::span<const std::uint8_t> packet);

}  // namespace wiresim::viz
