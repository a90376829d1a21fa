// RFC 5322 messages as bytes: splitting the header section from the body, unfolding header fields
// on read, folding them on write, and writing a simple message. Leaves MIME (bodies, encoded
// words) to protocols/mime/, which builds on this file; obsolete syntax is tolerated, not modelled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"

namespace wiresim::mail {

// RFC 5322 2.1.1: a line SHOULD be at most 78 characters and MUST be at most 998, CRLF excluded.
constexpr std::size_t RecommendedLineLength = 78;
constexpr std::size_t MaxLineLength = 998;

// One header field. `value` is unfolded (RFC 5322 2.2.3: each CRLF followed by WSP removed, the
// WSP kept), has the whitespace after the colon removed and is otherwise raw: encoded words
// (RFC 2047) are NOT decoded here.
struct HeaderField {
  std::string name;
  std::string value;
  friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

// Parses a header section (the lines before the empty line; the empty line itself may be
// included). Lines may end in CRLF or a bare LF. A line with no colon, with an empty field name
// or with a name holding characters outside RFC 5322 2.2's ftext (space, control, 8-bit) is
// skipped and parsing goes on; so is a continuation line before any field. Never fails.
std::vector<HeaderField> parse_header(std::string_view header_section);

struct ParsedMessage {
  std::vector<HeaderField> headers;
  // Where the body starts: just past the first empty line. With no empty line, the whole input is
  // the header section and body_offset is its size (the body is empty).
  std::size_t body_offset = 0;
};
ParsedMessage parse_message(std::string_view bytes);

// Where the header section of `bytes` ends: just past the first empty line, or bytes.size().
std::size_t find_body_offset(std::string_view bytes);

// The first field with this name (case-insensitive), or nullopt; all of them, in order.
std::optional<std::string> header_value(const std::vector<HeaderField>& fields, std::string_view name);
std::vector<std::string> header_values(const std::vector<HeaderField>& fields, std::string_view name);

bool iequals(std::string_view a, std::string_view b);  // ASCII case-insensitive
std::string to_lower(std::string_view text);           // ASCII only

// "Subject: value\r\n", folded (RFC 5322 2.2.3) by inserting CRLF before a space or tab so that
// lines stay within 78 characters where the value has whitespace to fold at. Unfolding the
// result gives `value` back exactly. The value must already be ASCII (see mime::encode_words).
std::string write_field(const HeaderField& field);
std::string write_header(const std::vector<HeaderField>& fields);  // every field, no empty line

// `header_section` (as parse_message splits it, the empty line included or not) with every field
// called `name` removed, continuation lines included, and "name: value" appended at the end.
// Ends with the empty line. Other fields keep their bytes.
std::string replace_field(std::string_view header_section, std::string_view name, std::string_view value);

// Text with every bare LF (and bare CR) turned into CRLF, as RFC 5322 2.3 requires on the wire.
std::string to_crlf(std::string_view text);

// RFC 5322 3.6.4: "<N.T@domain>" from a per-host counter and the simulated time in whole
// milliseconds, so the same run gives the same IDs.
std::string make_message_id(std::uint64_t counter, Time now, std::string_view domain);

// What a user agent fills in for a plain message. Values are ASCII (already encoded).
struct MessageHeader {
  std::string from;                     // "Alice <alice@example.com>"
  std::vector<std::string> to, cc, bcc;
  std::string subject;
  std::string date;                     // format_date(...) (date.hpp)
  std::string message_id;               // make_message_id(...)
  std::string in_reply_to;
  std::vector<HeaderField> extra;       // written after the standard fields
};

// RFC 5322 3.6: Date, From, To, Cc, Subject, Message-ID, In-Reply-To (when not empty), then the
// extra fields. Bcc is NOT written: RFC 5322 3.6.3 lets the UA remove it before transmission,
// and the recipients it lists only go into the SMTP envelope.
std::vector<HeaderField> header_fields(const MessageHeader& header);

// The header fields, the empty line, and `body` with CRLF line ends (to_crlf) ending in CRLF.
std::string write_message(const MessageHeader& header, std::string_view body);
std::string write_message(const std::vector<HeaderField>& fields, std::string_view body);

}  // namespace wiresim::mail
