// An authoritative name server: answers queries from its zones (RFC 1034 4.3.2), with FORMERR
// for messages it cannot parse, NOTIMP for opcodes other than QUERY, REFUSED for names outside
// its zones, and TC when a UDP answer exceeds 512 octets. Sans-I/O: a datagram in, a reply out.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocols/dns/datagram.hpp"
#include "protocols/dns/events.hpp"
#include "protocols/dns/message.hpp"
#include "protocols/dns/resolver.hpp"
#include "protocols/dns/zone.hpp"

namespace wiresim::dns {

struct ServerAnswer {
  std::optional<Message> query;     // the query, when it parsed
  std::optional<Message> response;  // the reply; none when the datagram is dropped
  std::vector<std::uint8_t> bytes;  // the reply's wire form (truncated for UDP when too long)
  // A referral to a query with RD set: a server configured to recurse may follow it itself.
  bool referral = false;
  std::string referral_zone;
  std::vector<NameServer> referral_servers;
};

class AuthoritativeServer {
 public:
  explicit AuthoritativeServer(ZoneSet zones) : zones_(std::move(zones)) {}

  ServerAnswer answer(std::span<const std::uint8_t> datagram, Peer from, Transport transport);
  std::vector<Event> take_events() { return std::exchange(events_, {}); }
  const ZoneSet& zones() const { return zones_; }

  struct Stats {
    std::uint64_t queries = 0, answers = 0, referrals = 0, nxdomain = 0, nodata = 0, refused = 0, formerr = 0,
                  truncated = 0, dropped = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  ZoneSet zones_;
  std::vector<Event> events_;
  Stats stats_;
};

// The reply skeleton for a query: same ID, opcode, RD and question, QR set.
Message reply_to(const Message& query, Rcode rcode);

}  // namespace wiresim::dns
