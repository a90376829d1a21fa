// What the POP3 engines report, for an adapter to publish on the trace bus: the dialogue line by
// line (Command, Reply), logins, retrievals, deletions and protocol errors. Plain data, no I/O.
// One list for both ends: the server and the client each use the kinds that fit them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace wiresim::pop3 {

enum class EventKind {
  Connected,         // client: the server's greeting arrived
  Command,           // a command line, as sent (PASS too: the lecture point is that it travels in the clear)
  Reply,             // a reply's status line; `body` holds a multi-line reply's text
  LoggedIn,          // PASS or APOP accepted; the maildrop is locked
  LoginFailed,       // PASS or APOP refused (wrong password, unknown user, maildrop locked)
  MessageRetrieved,  // RETR (or, on the client, TOP) delivered a message
  Deleted,           // client: the server marked a message for deletion (DELE answered +OK)
  MessageDeleted,    // server: UPDATE removed a message from the maildrop
  Done,              // client: the session is over; `retrieved` and `deleted` count what it did
  SessionEnded,      // server: the connection ends (QUIT, lost connection, idle timeout)
  Error,             // client: a step failed (-ERR where +OK was needed, a silent server)
  ProtocolError,     // the peer broke the protocol; the reply or the text says how
};

struct Event {
  EventKind kind = EventKind::ProtocolError;
  std::string text;           // one readable line: "RETR 1", "+OK 120 octets", "message 1 deleted"
  std::string user;           // LoggedIn, LoginFailed, SessionEnded
  std::size_t number = 0;     // the message number, for events about one message
  std::string uidl;           // its unique-id listing (RFC 1939 7), when known
  std::size_t bytes = 0;      // its size in octets
  std::size_t retrieved = 0;  // Done and SessionEnded: messages retrieved in the session
  std::size_t deleted = 0;    // Done and SessionEnded: messages deleted
  std::string body;           // Reply: the text of a multi-line reply, dot-unstuffed, CRLF line ends
};

// An event with the fields every kind has; the rest are set by the caller where they apply.
inline Event make_event(EventKind kind, std::string text, std::string user = {}) {
  Event event;
  event.kind = kind;
  event.text = std::move(text);
  event.user = std::move(user);
  return event;
}

std::string_view to_string(EventKind kind);  // "message-retrieved", ...

}  // namespace wiresim::pop3
