// An FTP command line taken apart (RFC 959 5.3: a keyword of three or four letters, case does
// not matter, a space, then the argument to the end of the line), and the parsers for the
// arguments that carry an address: PORT/PASV (RFC 959 4.1.2) and EPRT/EPSV (RFC 2428).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wiresim::ftp {

struct Command {
  std::string keyword;          // upper-cased: "RETR"
  std::string keyword_as_sent;  // for quoting back: "retr"
  std::string argument;         // everything after the first space: path names may hold spaces
};

Command parse_command(std::string_view line);

struct HostPort {
  std::uint32_t address = 0;  // host order: 192.168.1.2 is 0xC0A80102
  std::uint16_t port = 0;
};

// "h1,h2,h3,h4,p1,p2" (PORT's argument): six decimal numbers 0..255; port = p1 * 256 + p2.
std::optional<HostPort> parse_host_port(std::string_view text);
// The same six numbers back: "10,0,0,1,195,80".
std::string format_host_port(const HostPort& host_port);
// The "(h1,h2,h3,h4,p1,p2)" in a 227 reply, found anywhere in its text.
std::optional<HostPort> parse_pasv_reply(std::string_view text);

// RFC 2428 2: "|1|132.235.1.2|6275|" with any delimiter from 33 to 126. Only protocol 1 (IPv4).
// `protocol_supported` tells a well-formed request for another protocol (reply 522) apart.
std::optional<HostPort> parse_eprt(std::string_view text, bool* protocol_supported);
// RFC 2428 3: the port in a 229 reply's "(|||6446|)".
std::optional<std::uint16_t> parse_epsv_reply(std::string_view text);

// A decimal number made only of digits; nullopt for anything else, or one past 64 bits.
std::optional<std::uint64_t> parse_number(std::string_view text);

// `text` in double quotes for an error message: at most 60 characters, control octets shown as
// '?', so a peer's bytes never break the reply line or the transcript.
std::string quote(std::string_view text);

}  // namespace wiresim::ftp
