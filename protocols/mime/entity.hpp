// The MIME entity tree of a message (RFC 2045, RFC 2046): each entity's header fields, content
// type, transfer encoding and byte offsets into the message, with multipart bodies split at their
// boundaries and message/rfc822 bodies parsed again. The IMAP server builds BODYSTRUCTURE and
// BODY[section] on it. Parsing never fails: malformed structures degrade as the README says.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/mail/message.hpp"
#include "protocols/mime/content_type.hpp"

namespace wiresim::mime {

// Nesting deeper than this is not parsed: the entity at the limit is a leaf.
constexpr std::size_t MaxDepth = 32;
// A message with more entities than this keeps the rest of each multipart in its last part.
constexpr std::size_t MaxEntities = 10000;

struct Entity {
  std::vector<mail::HeaderField> headers;  // this entity's own header fields
  ContentType content_type;                // RFC 2045 5.2 defaults when absent or invalid
  std::string transfer_encoding = "7bit";  // lower case, as written ("x-uuencode" is kept)
  std::string id, description;             // Content-ID, Content-Description ("" if absent)
  std::string disposition;                 // "attachment", "inline" or "" (lower case)
  std::vector<std::pair<std::string, std::string>> disposition_params;  // filename=...
  std::string md5, language, location;     // Content-MD5, -Language, -Location ("" if absent)
  std::size_t header_offset = 0;  // offsets into the whole message's bytes
  std::size_t body_offset = 0;
  std::size_t end_offset = 0;     // one past the last body byte (before the CRLF that precedes the next boundary)
  std::size_t body_lines = 0;     // lines in the body (a last line without CRLF counts)
  std::vector<Entity> parts;      // multipart/*: the body parts; message/rfc822: exactly one, the encapsulated message

  std::string_view body(std::string_view message) const;          // the raw (still encoded) body
  std::string_view header_bytes(std::string_view message) const;  // the raw header section incl. the blank line
  std::size_t body_size() const { return end_offset - body_offset; }
  bool is_multipart() const { return content_type.type == "multipart"; }
  bool is_message() const { return content_type.type == "message" && content_type.subtype == "rfc822"; }
  std::string disposition_param(std::string_view name) const;  // "" if absent
};

Entity parse(std::string_view message);  // never fails or throws

// The body with its Content-Transfer-Encoding undone (base64, quoted-printable); other encodings
// give the raw body.
std::string decoded_body(const Entity& e, std::string_view message);

// RFC 3501 6.4.5 section numbers: "" is the root, "1" the first part of a multipart (or the body
// of a non-multipart message), "2.1" the first part inside part 2 (inside the message it
// encapsulates, for message/rfc822). nullptr if there is no such part or the text is not a
// section number.
const Entity* part(const Entity& root, std::string_view section);

}  // namespace wiresim::mime
