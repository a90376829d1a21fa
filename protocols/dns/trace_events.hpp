// The DNS events on the trace bus: one type per family, so observers subscribe to what they
// need ("dns.cache" for the view's cache panel, "dns.lookup" for latency plots).
#pragma once

#include <string>

#include "protocols/dns/events.hpp"
#include "sim/core/trace_bus.hpp"

namespace wiresim::dns {

// Fills the fields every family shares.
void describe_event(const std::string& node, const Event& event, TraceRecord& r);

struct CacheTrace {  // added, hit, expired, replaced
  static constexpr std::string_view kind = "dns.cache";
  std::string node;
  Event event;
  void describe(TraceRecord& r) const;
};

struct LookupTrace {  // a question answered, with its latency
  static constexpr std::string_view kind = "dns.lookup";
  std::string node;
  Event event;
  void describe(TraceRecord& r) const;
};

struct ErrorTrace {  // malformed input: the ProtocolError of the style guide
  static constexpr std::string_view kind = "dns.error";
  std::string node;
  Event event;
  void describe(TraceRecord& r) const { describe_event(node, event, r); }
};

struct NoteTrace {  // timeouts, truncation, ignored responses, attacks' progress
  static constexpr std::string_view kind = "dns.note";
  std::string node;
  Event event;
  void describe(TraceRecord& r) const { describe_event(node, event, r); }
};


// What a tool printed (nslookup, dig, ipconfig /displaydns, a cache dump): a multi-line text.
struct ToolTrace {
  static constexpr std::string_view kind = "dns.tool";
  std::string node;
  std::string tool;
  std::string text;
  void describe(TraceRecord& r) const;
};

}  // namespace wiresim::dns
