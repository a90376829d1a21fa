#include "protocols/ftp/events.hpp"

namespace wiresim::ftp {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::Command:
      return "command";
    case EventKind::Reply:
      return "reply";
    case EventKind::LoggedIn:
      return "logged-in";
    case EventKind::LoginFailed:
      return "login-failed";
    case EventKind::TransferStarted:
      return "transfer-started";
    case EventKind::TransferCompleted:
      return "transfer-completed";
    case EventKind::TransferAborted:
      return "transfer-aborted";
    case EventKind::FileChanged:
      return "file-changed";
    case EventKind::Transcript:
      return "transcript";
    case EventKind::FileReceived:
      return "file-received";
    case EventKind::SessionEnded:
      return "session-ended";
    case EventKind::Error:
      return "error";
    case EventKind::ProtocolError:
      return "protocol-error";
  }
  return "protocol-error";
}

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::None:
      return "none";
    case Direction::Download:
      return "download";
    case Direction::Upload:
      return "upload";
    case Direction::Listing:
      return "listing";
  }
  return "none";
}

std::string_view to_string(DataMode mode) {
  switch (mode) {
    case DataMode::None:
      return "none";
    case DataMode::Active:
      return "active";
    case DataMode::Passive:
      return "passive";
  }
  return "none";
}

}  // namespace wiresim::ftp
