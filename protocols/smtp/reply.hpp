// SMTP replies (RFC 5321 4.2): a three-digit code and one or more text lines, the last one
// "250 text", the ones before it "250-text". Formats them for the server and reads them back,
// incrementally, for the client. Leaves out the meaning of codes (the sessions decide).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/smtp/line_assembler.hpp"

namespace wiresim::smtp {

struct Reply {
  int code = 0;
  std::vector<std::string> lines;  // the texts after "250-" / "250 ", in order

  // The lines joined with " / ", for results and messages.
  std::string text() const;
  bool positive() const { return code >= 200 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }  // 4yz: try again later
  bool permanent() const { return code >= 500; }                 // 5yz: do not repeat as is
};

// RFC 5321 4.2.2-4.2.3: the usual wording for a code ("Requested mail action not taken: mailbox
// unavailable" for 550); "" for codes that have none.
std::string standard_text(int code);

// The wire form, CRLF after every line. An empty `lines` gives "250\r\n"-style bare codes.
std::string format_reply(const Reply& reply);
// Each wire line without its CRLF: "250-hamburger.edu", "250 HELP".
std::vector<std::string> reply_lines(const Reply& reply);

// Reads replies from the server's bytes, one byte at a time.
class ReplyReader {
 public:
  // RFC 5321 4.5.3.1.5: a reply line is at most 512 octets, CRLF included.
  static constexpr std::size_t MaxLine = 512;
  // Bounds a multi-line reply (an EHLO reply lists a dozen extensions at most in practice).
  static constexpr std::size_t MaxLines = 100;

  struct Output {
    std::optional<std::string> line;   // a complete line, for the transcript
    std::optional<Reply> reply;        // set once the last line of a reply arrived
    std::optional<std::string> error;  // a malformed line: what was expected and what came
  };
  // Takes one byte; most bytes give an empty Output.
  Output push(char c);

 private:
  LineAssembler lines_{MaxLine};
  Reply partial_;
};

}  // namespace wiresim::smtp
