// What the command-line tools print, as pure functions of a DNS reply: dig (BIND 9 layout),
// nslookup (Windows layout, as the lecture slides show it, or the BIND 9 layout of Linux), and
// Windows' `ipconfig /displaydns` for a stub resolver's cache. Time is simulated time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/dns/message.hpp"

namespace wiresim::dns {

struct DigRun {
  std::string server_address;        // "10.0.0.53"
  std::string qname;                 // as typed: "flex.nu.edu.pk"
  RrType qtype = RrType::A;
  bool recurse = true;               // false for +norecurse
  bool tcp = false;                  // the reply came over TCP (+tcp, or a retry after TC)
  std::optional<Message> reply;      // none: timed out
  std::uint64_t query_time_ms = 0;   // from sending to the reply
  std::size_t reply_size = 0;        // octets of the reply
  double when_s = 0;                 // simulated time the query was sent
  int tries = 1;                     // how many times the query was sent before giving up
};
std::string format_dig(const DigRun& run);

enum class NslookupStyle { Windows, Unix };
struct NslookupRun {
  NslookupStyle style = NslookupStyle::Windows;
  std::string server_address;        // "10.0.0.53"
  std::string server_name;           // from the PTR lookup of the server; "" when it failed
  std::string qname;                 // as typed
  RrType qtype = RrType::A;
  std::optional<Message> reply;      // none: timed out
  int timeout_s = 2;
  bool interactive = false;          // typed at the "> " prompt: the session did the PTR lookup
};
std::string format_nslookup(const NslookupRun& run);
// What interactive nslookup prints when it starts: Windows names its default server ("Default
// Server:", after the PTR lookup of its address; "UnKnown" when that failed, after its
// timeout), Unix prints nothing. `ptr_answered`: the PTR lookup got a reply.
std::string format_nslookup_start(NslookupStyle style, const std::string& server_name,
                                  const std::string& server_address, bool ptr_answered, int timeout_s);

struct CacheLine {                   // one record in a stub resolver's cache
  ResourceRecord record;             // ttl = the time left
  std::string section = "Answer";    // "Answer", "Authority" or "Additional"
  bool negative = false;             // a cached "name does not exist" (record = the query's name and type)
};
std::string format_displaydns(const std::vector<CacheLine>& lines);

}  // namespace wiresim::dns
