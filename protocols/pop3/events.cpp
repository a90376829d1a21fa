#include "protocols/pop3/events.hpp"

namespace wiresim::pop3 {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::Connected:
      return "connected";
    case EventKind::Command:
      return "command";
    case EventKind::Reply:
      return "reply";
    case EventKind::LoggedIn:
      return "logged-in";
    case EventKind::LoginFailed:
      return "login-failed";
    case EventKind::MessageRetrieved:
      return "message-retrieved";
    case EventKind::Deleted:
      return "deleted";
    case EventKind::MessageDeleted:
      return "message-deleted";
    case EventKind::Done:
      return "done";
    case EventKind::SessionEnded:
      return "session-ended";
    case EventKind::Error:
      return "error";
    case EventKind::ProtocolError:
      return "protocol-error";
  }
  return "protocol-error";
}

}  // namespace wiresim::pop3
