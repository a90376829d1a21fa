// What the SMTP sessions report, for an adapter to publish on the trace bus: every command and
// reply line as a transcript ("C: ..." / "S: ..."), accepted messages, authentication, the end
// of a client's job, and protocol errors. Plain data, no I/O.
#pragma once

#include <string>
#include <string_view>

#include "protocols/smtp/envelope.hpp"

namespace wiresim::smtp {

enum class EventKind {
  Command,          // a command line from the client: "C: MAIL FROM:<alice@crepes.fr>"
  DataLine,         // a line of message text as it crossed the wire, the final "." included
  Reply,            // one reply line from the server: "S: 250 OK" (code set)
  MessageAccepted,  // server: a message was taken for delivery (envelope, data)
  AuthSucceeded,    // server: AUTH ended with 235 (user)
  AuthFailed,       // server: AUTH ended with 535 or was cancelled (user when known)
  ProtocolError,    // malformed or out-of-sequence input; the session answered and goes on
  SessionEnded,     // server: the session is over (QUIT, 421, timeout or connection lost)
  Finished,         // client: the job has an outcome; see ClientSession::result()
};

struct Event {
  EventKind kind = EventKind::ProtocolError;
  std::string text;   // one readable line
  int code = 0;       // Reply, Finished: the reply code concerned
  Envelope envelope;  // MessageAccepted
  std::string data;   // MessageAccepted: the message, Received: header first, CRLF line ends
  std::string user;   // AuthSucceeded, AuthFailed
};

std::string_view to_string(EventKind kind);  // "command", "data-line", ...

}  // namespace wiresim::smtp
