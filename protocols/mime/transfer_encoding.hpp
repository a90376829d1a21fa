// Content-Transfer-Encoding (RFC 2045 6): base64 and quoted-printable, each way. Encoding then
// decoding gives back the exact bytes. Leaves out x-uuencode and other non-standard encodings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wiresim::mime {

// RFC 2045 6.8: encoded lines are at most 76 characters.
constexpr std::size_t MaxEncodedLine = 76;

// Base64 in lines of `line_length` characters separated by CRLF, no CRLF after the last line;
// line_length 0 gives one line (for encoded words).
std::string base64_encode(std::string_view data, std::size_t line_length = MaxEncodedLine);
// RFC 2045 6.8: characters outside the alphabet (line breaks, junk) are ignored; "=" ends the
// data. Truncated input gives the whole bytes it holds.
std::string base64_decode(std::string_view text);
// RFC 4648 4, strict: nullopt unless `text` is whole 4-character groups of the alphabet with
// padding only at the end. For SASL (RFC 4954 4: malformed base64 in AUTH gets 501), not bodies.
std::optional<std::string> base64_decode_strict(std::string_view text);

// RFC 2045 6.7 quoted-printable, lines of at most 76 characters with "=" soft line breaks, "=",
// control and 8-bit octets as "=XX", a space or tab before a line end encoded. In `text` mode a
// CRLF is a hard line break and is written as CRLF; a lone CR or LF (and every CR and LF when
// not `text`) is encoded, so decoding gives back the same bytes.
std::string qp_encode(std::string_view data, bool text = true);
// Tolerant decoder: lowercase hex accepted, "=" not followed by two hex digits kept as is,
// whitespace at the end of an encoded line removed (RFC 2045 6.7 rule 3), bare LF line ends
// taken as CRLF.
std::string qp_decode(std::string_view text);

// Undoes an encoding by name ("base64", "quoted-printable", case-insensitive); any other name
// gives the data unchanged.
std::string decode(std::string_view data, std::string_view encoding);

// Facts about content that decide its encoding.
bool has_8bit(std::string_view data);  // any octet >= 0x80
// RFC 2045 2.7/2.8: 7bit or 8bit data is CRLF lines of at most 998 octets without NUL (and
// without lone CR or LF).
bool is_line_data(std::string_view data);

}  // namespace wiresim::mime
