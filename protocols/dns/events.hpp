// What the DNS engines report, for the sim adapter to publish on the trace bus: messages sent
// and received, cache changes, finished lookups and protocol errors. Plain data, no I/O.
#pragma once

#include <cstdint>
#include <string>

#include "protocols/dns/message.hpp"
#include "sim/core/time.hpp"

namespace wiresim::dns {

enum class EventKind {
  CacheAdded,     // an RRset or a negative answer entered a cache
  CacheHit,       // a question was answered from a cache
  CacheExpired,   // an entry's TTL ran out
  CacheReplaced,  // newer, more credible data replaced an entry (RFC 2181 5.4.1)
  Ignored,        // a response that matched no outstanding query (wrong ID, port or question)
  Timeout,        // an upstream query got no answer in time
  Truncated,      // a reply came with TC set; asking again over TCP
  ProtocolError,  // malformed input: answered FORMERR or dropped
  Resolved,       // a client's question got its final answer
  Note,           // anything else worth a line in the transcript
};

struct Event {
  EventKind kind = EventKind::ProtocolError;
  std::string text;  // one readable line: "cache: added www.example.com. A (TTL 300)"
  std::string name;  // the name concerned, when there is one
  RrType type = RrType::A;
  std::uint32_t ttl = 0;
  Rcode rcode = Rcode::NoError;
  Duration took{};   // Resolved: from the client's question to the answer
  bool from_cache = false;  // Resolved: no upstream query was needed
};

std::string_view to_string(EventKind kind);  // "cache-added", ...

}  // namespace wiresim::dns
