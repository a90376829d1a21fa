// Splits a byte stream into CRLF-terminated lines, one byte at a time, with a bound on the line
// length (RFC 5321 4.5.3.1.4-5: 512 octets for a command or reply line, CRLF included).
// A bare LF also ends a line, leniently. Leaves out nothing else: it knows no commands.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace wiresim::smtp {

struct Line {
  std::string text;       // without the CRLF; cut short when too_long
  bool too_long = false;  // the line passed the limit; its rest was discarded
  std::size_t length = 0; // octets on the wire, line end included
};

class LineAssembler {
 public:
  explicit LineAssembler(std::size_t limit) : limit_(limit) {}

  // The limit counts the CRLF. AUTH raises it while a SASL exchange runs (RFC 4954 4).
  void set_limit(std::size_t limit) { limit_ = limit; }
  // Takes one byte; returns the line it completes, if any.
  std::optional<Line> push(char c);
  const std::string& partial() const { return text_; }
  void clear();

 private:
  std::size_t limit_;
  std::size_t length_ = 0;  // octets of the current line so far, counting the ones discarded
  std::string text_;
};

// `text` in double quotes for an error message, cut to `max` characters with "..." after.
std::string quote(std::string_view text, std::size_t max = 60);

}  // namespace wiresim::smtp
