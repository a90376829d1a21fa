#include "protocols/mime/builder.hpp"

#include "protocols/mime/downgrade.hpp"
#include "protocols/mime/encoded_word.hpp"
#include "protocols/mime/media_types.hpp"
#include "protocols/mime/transfer_encoding.hpp"

namespace wiresim::mime {

namespace {

struct Written {
  std::vector<mail::HeaderField> fields;  // the MIME fields of the entity
  std::string body;                       // encoded
  std::string encoding;                   // the transfer encoding used
};

bool is_seven_bit(std::string_view data) { return !has_8bit(data) && is_line_data(data); }

std::string choose_encoding(const Part& part, const BuildOptions& options) {
  if (!part.transfer_encoding.empty()) return mail::to_lower(part.transfer_encoding);
  if (part.content_type.type != "text") return "base64";
  if (is_seven_bit(part.content)) return "7bit";
  if (options.allow_8bit && is_line_data(part.content)) return "8bit";
  return "quoted-printable";
}

std::string encode_body(std::string_view content, std::string_view encoding, bool text) {
  if (encoding == "base64") return base64_encode(content);
  if (encoding == "quoted-printable") return qp_encode(content, text);
  return std::string(content);
}

std::string entity_text(const Written& w) {
  std::string out = mail::write_header(w.fields);
  out += "\r\n";
  out += w.body;
  return out;
}

struct Writer {
  const BuildOptions& options;
  std::uint64_t counter = 0;

  Written write(const Part& part, bool in_digest) {
    Written w;
    const bool multipart = part.content_type.type == "multipart";
    const bool message = part.content_type.type == "message" && part.content_type.subtype == "rfc822";
    ContentType type = part.content_type;
    if (multipart) {
      w.encoding = "7bit";
      const std::uint64_t number = ++counter;  // the parent's boundary counts before its parts'
      std::vector<std::string> children;
      for (const Part& child : part.parts) {
        Written c = write(child, part.content_type.subtype == "digest");
        if (c.encoding == "8bit" || c.encoding == "binary") w.encoding = "8bit";
        children.push_back(entity_text(c));
      }
      std::string boundary = options.boundary_prefix + std::to_string(number);
      // RFC 2046 5.1.1: the boundary must not occur in any encapsulated part.
      auto occurs = [&](const std::string& b) {
        for (const std::string& c : children)
          if (c.find(b) != std::string::npos) return true;
        return false;
      };
      while (occurs(boundary)) boundary = options.boundary_prefix + std::to_string(++counter);
      type.set_param("boundary", boundary);
      for (const std::string& c : children) {
        w.body += "--";
        w.body += boundary;
        w.body += "\r\n";
        w.body += c;
        w.body += "\r\n";  // RFC 2046 5.1.1: this CRLF belongs to the delimiter, not the part
      }
      w.body += "--";
      w.body += boundary;
      w.body += "--\r\n";
    } else if (message) {
      // RFC 2046 5.2.1: message/rfc822 may only be 7bit, 8bit or binary.
      if (has_8bit(part.content) && options.allow_8bit) {
        w.encoding = "8bit";
        w.body = part.content;
      } else {
        w.encoding = "7bit";
        w.body = to_7bit(part.content);
      }
    } else {
      w.encoding = choose_encoding(part, options);
      w.body = encode_body(part.content, w.encoding, part.content_type.type == "text");
    }
    // RFC 2046 5.1.5: in a digest message/rfc822 is the default, so its field can go.
    if (!(in_digest && message && type.params.empty())) w.fields.push_back({"Content-Type", type.to_string()});
    if (!(multipart || message) || w.encoding != "7bit")
      w.fields.push_back({"Content-Transfer-Encoding", w.encoding});
    if (!part.id.empty()) w.fields.push_back({"Content-ID", part.id});
    if (!part.description.empty()) w.fields.push_back({"Content-Description", encode_words(part.description)});
    if (!part.disposition.empty())
      w.fields.push_back({"Content-Disposition", part.disposition + write_params(part.disposition_params)});
    return w;
  }
};

bool is_ascii(std::string_view text) { return !has_8bit(text); }

}  // namespace

Part text_part(std::string_view utf8_text, std::string_view subtype) {
  Part part;
  part.content_type = ContentType{"text", mail::to_lower(subtype), {{"charset", "utf-8"}}};
  part.content = mail::to_crlf(utf8_text);
  return part;
}

Part attachment(std::string_view filename, std::string data, std::string_view mime_type) {
  Part part;
  std::string type = mime_type.empty() ? std::string(media_type_for(filename)) : mail::to_lower(mime_type);
  if (auto parsed = parse_content_type(type)) part.content_type = *parsed;
  else part.content_type = ContentType{"application", "octet-stream", {}};
  // Quoted encoded words in a filename are not RFC 2047 (5: not inside a quoted string), but
  // they are what most mail programs read; RFC 2231 is not modelled.
  const std::string name = is_ascii(filename) ? std::string(filename) : encode_words(filename);
  part.content_type.set_param("name", name);
  part.disposition = "attachment";
  part.disposition_params = {{"filename", name}};
  part.transfer_encoding = "base64";
  part.content = std::move(data);
  return part;
}

Part message_part(std::string message_bytes) {
  Part part;
  part.content_type = ContentType{"message", "rfc822", {}};
  part.content = std::move(message_bytes);
  return part;
}

Part multipart(std::string_view subtype, std::vector<Part> parts) {
  Part part;
  part.content_type = ContentType{"multipart", mail::to_lower(subtype), {}};
  part.parts = std::move(parts);
  return part;
}

std::string write_part(const Part& part, const BuildOptions& options) {
  Writer writer{options};
  return entity_text(writer.write(part, false));
}

std::string build_message(const mail::MessageHeader& header, const Part& body, const BuildOptions& options) {
  mail::MessageHeader ascii = header;
  auto list = [](std::vector<std::string>& addresses) {
    for (std::string& a : addresses)
      if (!is_ascii(a)) a = encode_address_list(a);
  };
  if (!is_ascii(ascii.from)) ascii.from = encode_address_list(ascii.from);
  list(ascii.to);
  list(ascii.cc);
  ascii.subject = encode_words(ascii.subject);
  for (mail::HeaderField& field : ascii.extra)
    if (!is_ascii(field.value)) field.value = encode_words(field.value);
  std::vector<mail::HeaderField> fields = mail::header_fields(ascii);
  fields.push_back({"MIME-Version", "1.0"});
  Writer writer{options};
  Written w = writer.write(body, false);
  for (mail::HeaderField& field : w.fields) fields.push_back(std::move(field));
  std::string out = mail::write_header(fields);
  out += "\r\n";
  out += w.body;
  return out;
}

}  // namespace wiresim::mime
