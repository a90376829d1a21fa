// The "dot-stuffing" that SMTP's DATA (RFC 5321 4.5.2) and POP3's multi-line responses
// (RFC 1939 3) share: a line that begins with "." gets another "." in front on the wire, and
// a line holding only "." ends the text.
#pragma once

#include <string>
#include <string_view>

namespace wiresim::mail {

// The wire form of `text`: lines starting with "." doubled, CRLF line ends (a bare LF becomes
// CRLF), a final CRLF added if missing, then the terminating ".\r\n".
std::string dot_stuff(std::string_view text);

// One complete line of a dot-stuffed text, its LF included: what it holds and how it ended.
struct TextLine {
  std::string_view content;  // without the CRLF or bare LF
  bool crlf = false;         // it ended in CRLF
};
TextLine split_line_end(std::string_view line);

// RFC 5321 4.1.1.4: the line that ends the text, "." alone between two CRLFs (`after_crlf`: the
// line before it ended in CRLF; the text starts after one). With a bare LF on either side it is
// text: ending there is what "SMTP smuggling" exploits. The SMTP server and DotUnstuffer both
// decide the end with this.
bool ends_text(const TextLine& line, bool after_crlf);

// Reads a dot-stuffed text incrementally, as its bytes arrive in pieces of any size.
class DotUnstuffer {
 public:
  // Consumes bytes up to and including the terminating ".\r\n"; returns how many it used, so
  // that what follows (a pipelined command) stays with the caller.
  std::size_t feed(std::string_view data);
  bool done() const { return done_; }
  // The text with the dots removed and the terminator dropped, CRLF line ends kept.
  const std::string& text() const { return text_; }
  std::string take_text();
  // Octets held so far, the unfinished line included: callers bound the message size with it
  // (SMTP's 552, RFC 5321 4.5.3.1.10).
  std::size_t size() const { return text_.size() + line_.size(); }
  void reset();

 private:
  std::string text_;
  std::string line_;  // the current line, until its LF arrives
  bool done_ = false;
  bool after_crlf_ = true;  // the last line ended in CRLF (the text starts after one)
};

}  // namespace wiresim::mail
