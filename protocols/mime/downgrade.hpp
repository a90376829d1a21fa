// Making a message 7-bit for an SMTP server without 8BITMIME (RFC 6152 3, RFC 1652 3): every
// 8bit or binary leaf is re-encoded quoted-printable (text) or base64 (the rest). Leaves out
// 8-bit octets in header fields (RFC 6532), which are passed through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace wiresim::mime {

// Whether a body that is not base64 or quoted-printable has an octet >= 0x80 or NUL, or a line
// over 998 octets: whether the message needs to_7bit before a 7-bit server takes it.
bool needs_7bit_downgrade(std::string_view message);

// The message with each leaf that is not 7-bit data re-encoded and its Content-Transfer-Encoding
// field replaced; message/rfc822 and multipart entities marked 8bit become 7bit. A message with
// no MIME-Version gets "MIME-Version: 1.0" and, without Content-Type, "text/plain;
// charset=utf-8" (or unknown-8bit, RFC 1428, when the body is not UTF-8). Everything else keeps
// its bytes. A message that is already 7-bit comes back unchanged. Decoding gives the same content.
std::string to_7bit(std::string_view message);

}  // namespace wiresim::mime
