// Building MIME messages for the user agent and the bundled scenarios: text parts, attachments,
// multipart/mixed, alternative, parallel and digest, message/rfc822, with deterministic
// boundaries. Leaves out RFC 2231 parameter encoding (non-ASCII filenames become encoded words).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/message.hpp"
#include "protocols/mime/content_type.hpp"

namespace wiresim::mime {

// One entity to write. Leaves hold their content as it is (not yet encoded).
struct Part {
  ContentType content_type;
  std::string transfer_encoding;  // "" = chosen when written (see write_part)
  std::string disposition;        // "attachment", "inline" or "" (no field)
  Params disposition_params;
  std::string id, description;    // Content-ID, Content-Description ("" = no field)
  std::string content;            // a leaf's bytes; message/rfc822: the whole message
  std::vector<Part> parts;        // multipart/*
};

// text/<subtype>; charset=utf-8, line ends made CRLF (RFC 2046 4.1.1).
Part text_part(std::string_view utf8_text, std::string_view subtype = "plain");
// An attachment: Content-Disposition: attachment; filename=..., base64, the type from the file
// name's extension (media_types.hpp) when `mime_type` is empty.
Part attachment(std::string_view filename, std::string data, std::string_view mime_type = "");
// A message/rfc822 entity around a whole message (a forwarded message, a digest entry).
Part message_part(std::string message_bytes);
// multipart/<subtype> ("mixed", "alternative", "parallel", "digest") of these parts.
Part multipart(std::string_view subtype, std::vector<Part> parts);

struct BuildOptions {
  // Whether the server takes 8-bit data (SMTP 8BITMIME, RFC 6152): text with non-ASCII octets
  // goes as 8bit instead of quoted-printable.
  bool allow_8bit = false;
  // Boundaries are this plus a counter: "=_wiresim_1". "=_" never occurs in quoted-printable or
  // base64 output, and each is checked against the content anyway.
  std::string boundary_prefix = "=_wiresim_";
};

// The entity as bytes: its MIME header fields, the empty line, its encoded body. Transfer
// encoding when not set: text is 7bit if it is ASCII lines, else 8bit when allowed and it is
// lines (RFC 2045 2.8), else quoted-printable; other leaves are base64; message/rfc822 is 7bit
// (made so with to_7bit) or 8bit; multiparts are 7bit or 8bit after their parts.
std::string write_part(const Part& part, const BuildOptions& options = {});

// A whole message: the header (non-ASCII Subject, display names and extra field values made
// encoded words), MIME-Version: 1.0, then the body entity's fields and body.
std::string build_message(const mail::MessageHeader& header, const Part& body, const BuildOptions& options = {});

}  // namespace wiresim::mime
