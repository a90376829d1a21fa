// A POP3 command line taken apart (RFC 1939 3: a keyword of three or four characters, case
// does not matter, then arguments separated by spaces, each up to 40 characters), and the
// checks on its arguments. Knows nothing of states; the server session decides what is allowed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wiresim::pop3 {

struct Command {
  std::string keyword;            // upper-cased: "RETR"
  std::string keyword_as_sent;    // for quoting back: "retr"
  std::vector<std::string> args;  // split at spaces
  std::string rest;               // everything after the keyword and one space (PASS's argument)
};

// RFC 1939 3: "each argument may be up to 40 characters long".
constexpr std::size_t MaxArgumentLength = 40;

Command parse_command(std::string_view line);

// A decimal number made only of digits; values too large for 64 bits saturate (they name no
// message anyway). Nothing for "", "-1", "1a", " 1".
std::optional<std::uint64_t> parse_number(std::string_view text);

// `text` in double quotes for an error message: at most 60 characters, control octets shown
// as '?', so a peer's bytes never break the reply line or the transcript.
std::string quote(std::string_view text);

}  // namespace wiresim::pop3
