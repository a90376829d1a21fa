// How the DNS engines talk to the outside without doing I/O: they are handed datagrams and
// hand back the datagrams to send. A "datagram" over TCP is one length-prefixed message
// (RFC 1035 4.2.2); the adapter owns the connection.
#pragma once

#include <cstdint>

#include "protocols/dns/message.hpp"
#include <string>
#include <vector>

namespace wiresim::dns {

enum class Transport { Udp, Tcp };

struct Peer {
  std::uint32_t address = 0;  // IPv4, host byte order
  std::uint16_t port = 0;
  friend bool operator==(const Peer&, const Peer&) = default;
};

struct Datagram {
  Peer to;
  std::uint16_t local_port = 0;  // the port it leaves from (53 for a server's replies)
  std::vector<std::uint8_t> bytes;
  Transport transport = Transport::Udp;
};

// "192.0.2.1" for an address in host byte order.
std::string address_string(std::uint32_t address);
// An A record's address in host byte order, and back.
std::uint32_t address_of(const AData& a);
AData a_data(std::uint32_t address);

}  // namespace wiresim::dns
