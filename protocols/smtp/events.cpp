#include "protocols/smtp/events.hpp"

namespace wiresim::smtp {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::Command: return "command";
    case EventKind::DataLine: return "data-line";
    case EventKind::Reply: return "reply";
    case EventKind::MessageAccepted: return "message-accepted";
    case EventKind::AuthSucceeded: return "auth-succeeded";
    case EventKind::AuthFailed: return "auth-failed";
    case EventKind::ProtocolError: return "protocol-error";
    case EventKind::SessionEnded: return "session-ended";
    case EventKind::Finished: return "finished";
  }
  return "unknown";
}

}  // namespace wiresim::smtp
