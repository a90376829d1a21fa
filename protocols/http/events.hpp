// What the HTTP session engines report, for an adapter to publish on the trace bus and print as
// "C: GET /inbox HTTP/1.1" / "S: HTTP/1.1 200 OK" lines; plus the byte counters of a connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocols/http/headers.hpp"

namespace wiresim::http {

enum class EventKind {
  Request,        // a request went out (client) or came in (server); text is the request line
  Response,       // a response came in (client) or went out (server); text is the status line
  ProtocolError,  // the peer broke HTTP; text says what was expected and what arrived
  Error,          // client: requests left unanswered because the connection ended
  Closed,         // the connection ends; text says who closed it and why
};

struct Event {
  EventKind kind = EventKind::ProtocolError;
  std::string text{};            // one readable line: "GET /inbox HTTP/1.1", "HTTP/1.1 200 OK"
  std::string method{}, target{};  // the request concerned
  int status = 0;              // Response: the status code; ProtocolError on a server: the reply sent
  std::size_t request_index = 0;  // client: the index request() returned; server: 0, 1, ... per connection
  Headers headers{};           // client Response: the response's fields
  std::string body{};          // client Response: the content, chunked coding removed
  std::size_t head_bytes = 0;  // octets of start line, fields and empty line on the wire
  std::size_t body_bytes = 0;  // octets of the body on the wire, chunk framing included
};

std::string_view to_string(EventKind kind);  // "request", "response", "protocol-error", ...

// Octets a session wrote and read, split into heads and bodies (the overhead report's columns).
struct Counters {
  std::size_t requests = 0;   // requests sent (client) or received (server)
  std::size_t responses = 0;  // final responses received (client) or sent (server)
  std::size_t head_bytes_sent = 0, body_bytes_sent = 0;
  std::size_t head_bytes_received = 0, body_bytes_received = 0;
};

}  // namespace wiresim::http
