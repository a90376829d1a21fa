// Cuts the byte stream into complete IMAP commands or responses: CRLF lines joined by the
// literals they announce ("{n}" / "{n+}", RFC 3501 4.3 and 7.5, LITERAL+ RFC 7888). Input may
// arrive split anywhere. Bounds every line and literal. Knows nothing of the grammar beyond that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wiresim::imap {

struct Frame {
  enum class Kind {
    Complete,          // text: the command / response, literals inline, without the final CRLF
    NeedContinuation,  // a synchronizing literal was announced; text: the command so far
    LineTooLong,       // text: the start of the line; the rest of the line is skipped
    LiteralTooLarge,   // text: the command so far; a synchronizing literal is never sent, a
                       // non-synchronizing one is skipped
  };
  Kind kind = Kind::Complete;
  std::string text;
  std::uint64_t literal_size = 0;  // LiteralTooLarge / NeedContinuation: the announced size
};

class Framer {
 public:
  // continuation_requests: report NeedContinuation for "{n}" (a server does, a client does not).
  Framer(std::size_t max_line, std::uint64_t max_literal, bool continuation_requests)
      : max_line_(max_line), max_literal_(max_literal), continuation_requests_(continuation_requests) {}

  void feed(std::string_view data) { buffer_ += data; }
  std::optional<Frame> next();
  // Drops a half-assembled command, e.g. after the server refused its literal.
  void reset() { assembled_.clear(); literal_left_ = 0; }
  bool idle() const { return assembled_.empty() && literal_left_ == 0 && pos_ >= buffer_.size(); }

 private:
  void compact();

  std::size_t max_line_;
  std::uint64_t max_literal_;
  bool continuation_requests_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::string assembled_;
  std::uint64_t literal_left_ = 0;
  std::uint64_t discard_left_ = 0;  // octets of a refused non-synchronizing literal still to skip
  bool discarding_line_ = false;    // skipping the rest of an over-long line
};

// A Complete frame's text with every literal's data left out (its "{n}" stays), and the data
// appended to `literals` if given: "a1 APPEND Sent {310}". Every CRLF inside an assembled frame
// follows a literal marker.
std::string split_literals(std::string_view text, std::vector<std::string>* literals = nullptr);

}  // namespace wiresim::imap
