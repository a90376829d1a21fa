#include "protocols/http/events.hpp"

namespace wiresim::http {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::Request: return "request";
    case EventKind::Response: return "response";
    case EventKind::ProtocolError: return "protocol-error";
    case EventKind::Error: return "error";
    case EventKind::Closed: return "closed";
  }
  return "unknown";
}

}  // namespace wiresim::http
