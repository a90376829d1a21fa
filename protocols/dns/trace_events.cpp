#include "protocols/dns/trace_events.hpp"

namespace wiresim::dns {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::CacheAdded: return "cache-added";
    case EventKind::CacheHit: return "cache-hit";
    case EventKind::CacheExpired: return "cache-expired";
    case EventKind::CacheReplaced: return "cache-replaced";
    case EventKind::Ignored: return "ignored";
    case EventKind::Timeout: return "timeout";
    case EventKind::Truncated: return "truncated";
    case EventKind::ProtocolError: return "protocol-error";
    case EventKind::Resolved: return "resolved";
    case EventKind::Note: return "note";
  }
  return "note";
}

void describe_event(const std::string& node, const Event& event, TraceRecord& r) {
  r.node = node;
  r.layer = "dns";
  r.text = event.text;
  r.add("event", std::string(to_string(event.kind)));
  if (!event.name.empty()) {
    r.add("name", event.name);
    r.add("type", type_name(event.type));
  }
}

void CacheTrace::describe(TraceRecord& r) const {
  describe_event(node, event, r);
  r.add("ttl", static_cast<std::int64_t>(event.ttl));
}

void LookupTrace::describe(TraceRecord& r) const {
  describe_event(node, event, r);
  r.add("rcode", rcode_name(event.rcode));
  r.add("took_s", event.took.seconds());
  r.add("from_cache", event.from_cache);
}

void ToolTrace::describe(TraceRecord& r) const {
  r.node = node;
  r.layer = tool;
  r.text = text;
  r.add("tool", tool);
}

}  // namespace wiresim::dns
