// Kebab-case names of the IMAP event kinds, as the trace shows them.
#include "protocols/imap/events.hpp"

namespace wiresim::imap {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::Command: return "command";
    case EventKind::Response: return "response";
    case EventKind::LoggedIn: return "logged-in";
    case EventKind::Selected: return "selected";
    case EventKind::MailboxChanged: return "mailbox-changed";
    case EventKind::Expunged: return "expunged";
    case EventKind::FlagsChanged: return "flags-changed";
    case EventKind::Untagged: return "untagged";
    case EventKind::Completed: return "completed";
    case EventKind::ProtocolError: return "protocol-error";
    case EventKind::Closed: return "closed";
  }
  return "unknown";
}

}  // namespace wiresim::imap
