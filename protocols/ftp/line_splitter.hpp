// Splits the control connection's byte stream into lines as the bytes arrive, in pieces of any
// size, and bounds their length. Telnet commands (RFC 959 4.1.3: ABOR comes after IAC IP and
// IAC DM) are dropped; a bare LF also ends a line (leniency towards hand-typed sessions).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wiresim::ftp {

struct Line {
  std::string text;       // without the CRLF; for a line too long, its first octets (for quoting)
  bool too_long = false;  // over the limit: the line was dropped up to its LF
};

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_octets) : max_octets_(max_octets) {}

  void append(std::string_view data);
  // The next complete line, if one has arrived. A line over the limit is discarded as it
  // arrives, so the buffer never holds more than the limit between calls.
  std::optional<Line> next();

 private:
  std::size_t max_octets_;
  std::string buffer_;
  bool discarding_ = false;  // inside a line that is over the limit
  std::string head_;         // that line's first octets
  int telnet_ = 0;           // octets of a Telnet command still to drop (RFC 854)
};

}  // namespace wiresim::ftp
