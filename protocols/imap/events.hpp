// What the IMAP engines report, for an adapter to publish on the trace bus: commands and their
// completions, logins, selections, mailbox changes told to a client, and protocol errors.
// Plain data, no I/O. The server and the client share one event type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wiresim::imap {

enum class EventKind {
  Command,         // server: a complete command arrived ("a1 SELECT INBOX")
  Response,        // server: a tagged completion went out ("a1 OK [READ-WRITE] SELECT completed")
  LoggedIn,        // server: LOGIN or AUTHENTICATE succeeded
  Selected,        // server: SELECT or EXAMINE opened a mailbox
  MailboxChanged,  // server: a mailbox was created, deleted, renamed or appended to, or EXISTS told
  Expunged,        // server: an "* n EXPUNGE" went out
  FlagsChanged,    // server: flags were stored, or another session's change was told as FETCH (FLAGS)
  Untagged,        // client: an untagged response arrived ("* 3 EXISTS")
  Completed,       // client: a command got its tagged response
  ProtocolError,   // malformed input: answered BAD (server) or ignored (client)
  Closed,          // the session ended (LOGOUT, autologout, connection lost)
};

struct Event {
  EventKind kind = EventKind::ProtocolError;
  std::string text;      // one readable line
  std::string tag;       // Command, Response, Completed
  std::string command;   // Command/Completed: the command as sent, literals shown as {n}
  std::string status;    // Response/Completed: "OK", "NO" or "BAD"
  std::string mailbox;   // Selected, MailboxChanged, Expunged, FlagsChanged
  std::string user;      // LoggedIn
  std::uint32_t sequence = 0;  // Expunged, FlagsChanged: the message sequence number
  std::uint32_t uid = 0;       // Expunged, FlagsChanged
  std::vector<std::string> untagged;  // Completed: untagged responses during the command (literals as {n})
  std::vector<std::string> literals;  // Completed/Untagged: literal payloads, in order
};

std::string_view to_string(EventKind kind);  // "command", "protocol-error", ...

}  // namespace wiresim::imap
