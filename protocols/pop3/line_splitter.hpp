// Splits a byte stream into CRLF lines as the bytes arrive, in pieces of any size, and bounds
// their length: RFC 2449 4 limits a command to 255 octets and a reply's status line to 512,
// CRLF included. A bare LF also ends a line (leniency towards hand-typed telnet sessions).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wiresim::pop3 {

struct Line {
  std::string text;       // without the CRLF; for a line too long, its first octets (for quoting)
  bool too_long = false;  // over the limit: the line was dropped up to its LF
};

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_octets) : max_octets_(max_octets) {}

  void append(std::string_view data) { buffer_.append(data); }
  // The next complete line, if one has arrived. A line over the limit is discarded as it
  // arrives, so the buffer never holds more than the limit between calls.
  std::optional<Line> next();
  // The bytes after the last line returned: the client hands them to a DotUnstuffer when a
  // multi-line reply begins, and gives back what the unstuffer did not use.
  std::string take_rest();
  void put_back(std::string_view data) { buffer_.insert(0, data); }

 private:
  std::size_t max_octets_;
  std::string buffer_;
  bool discarding_ = false;  // inside a line that is over the limit
  std::string head_;         // that line's first octets
};

}  // namespace wiresim::pop3
