// Writing the envelope and body structure. RFC 3501 7.4.2: sender and reply-to default to from;
// groups appear as (NIL NIL "group" NIL) ... (NIL NIL NIL NIL).
#include "protocols/imap/body_structure.hpp"

#include <optional>

#include "protocols/imap/header_fields.hpp"
#include "protocols/imap/syntax.hpp"
#include "protocols/mail/address.hpp"
#include "protocols/mime/entity.hpp"

namespace wiresim::imap {
namespace {

std::string nstring_or_nil(std::string_view text) { return text.empty() ? "NIL" : imap_string(text); }

std::string address_list(const RawField* field) {
  if (!field) return "NIL";
  const std::vector<mail::Address> addresses = mail::parse_address_list(field->value);
  if (addresses.empty()) return "NIL";
  std::string out = "(";
  std::string group;
  for (const mail::Address& a : addresses) {
    if (a.group != group) {
      if (!group.empty()) out += "(NIL NIL NIL NIL)";
      if (!a.group.empty()) {
        out += "(NIL NIL ";
        out += imap_string(a.group);
        out += " NIL)";
      }
      group = a.group;
    }
    // Appended piece by piece here and below: GCC 12 warns falsely (-Wrestrict) about
    // "(" + a temporary string.
    out += '(';
    out += nstring_or_nil(a.display_name);
    out += " NIL ";
    out += imap_string(a.local_part);
    out += ' ';
    out += nstring_or_nil(a.domain);
    out += ')';
  }
  if (!group.empty()) out += "(NIL NIL NIL NIL)";
  out += ")";
  return out;
}

std::string params_list(const std::vector<std::pair<std::string, std::string>>& params) {
  if (params.empty()) return "NIL";
  std::string out = "(";
  for (const auto& [name, value] : params) {
    if (out.size() > 1) out += ' ';
    out += imap_string(upper(name));
    out += ' ';
    out += imap_string(value);
  }
  out += ')';
  return out;
}

std::string disposition(const mime::Entity& e) {
  if (e.disposition.empty()) return "NIL";
  std::string out = "(";
  out += imap_string(upper(e.disposition));
  out += ' ';
  out += params_list(e.disposition_params);
  out += ')';
  return out;
}

std::string structure(const mime::Entity& e, std::string_view message, bool extended) {
  std::string out = "(";
  if (e.is_multipart() && !e.parts.empty()) {
    for (const mime::Entity& part : e.parts) out += structure(part, message, extended);
    out += ' ';
    out += imap_string(upper(e.content_type.subtype));
    if (extended) {
      // body-ext-mpart: parameters, disposition, language, location
      out += ' ' + params_list(e.content_type.params) + ' ' + disposition(e) + ' ' + nstring_or_nil(e.language) + ' ' +
             nstring_or_nil(e.location);
    }
    return out + ")";
  }
  out += imap_string(upper(e.content_type.type)) + ' ' + imap_string(upper(e.content_type.subtype)) + ' ';
  out += params_list(e.content_type.params) + ' ' + nstring_or_nil(e.id) + ' ' + nstring_or_nil(e.description) + ' ';
  out += imap_string(upper(e.transfer_encoding)) + ' ' + std::to_string(e.body_size());
  if (e.is_message() && !e.parts.empty()) {
    // body-type-msg: the encapsulated message's envelope, its structure and the line count.
    const std::string_view inner = e.body(message);
    out += ' ' + envelope(inner) + ' ';
    out += structure(e.parts.front(), message, extended);
    out += ' ' + std::to_string(e.body_lines);
  } else if (e.content_type.type == "text") {
    out += ' ' + std::to_string(e.body_lines);
  }
  if (extended) {
    // body-ext-1part: MD5, disposition, language, location
    out += ' ' + nstring_or_nil(e.md5) + ' ' + disposition(e) + ' ' + nstring_or_nil(e.language) + ' ' +
           nstring_or_nil(e.location);
  }
  return out + ")";
}

}  // namespace

std::string envelope(std::string_view message) {
  const std::vector<RawField> fields = split_fields(header_block(message));
  auto text = [&](std::string_view name) {
    const RawField* f = find_field(fields, name);
    return f ? imap_string(f->value) : std::string("NIL");
  };
  const RawField* from = find_field(fields, "From");
  const RawField* sender = find_field(fields, "Sender");
  const RawField* reply_to = find_field(fields, "Reply-To");
  std::string out = "(";
  out += text("Date");
  out += ' ';
  out += text("Subject");
  out += ' ';
  out += address_list(from) + " ";
  out += address_list(sender ? sender : from) + " ";
  out += address_list(reply_to ? reply_to : from) + " ";
  out += address_list(find_field(fields, "To")) + " ";
  out += address_list(find_field(fields, "Cc")) + " ";
  out += address_list(find_field(fields, "Bcc")) + " ";
  out += text("In-Reply-To") + " " + text("Message-ID") + ")";
  return out;
}

std::string body_structure(std::string_view message, bool extended) {
  return structure(mime::parse(message), message, extended);
}

}  // namespace wiresim::imap
