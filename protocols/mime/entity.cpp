#include "protocols/mime/entity.hpp"

#include <algorithm>
#include <vector>

#include "protocols/mime/transfer_encoding.hpp"

namespace wiresim::mime {

namespace {

std::size_t count_lines(std::string_view body) {
  std::size_t lines = 0;
  for (char c : body)
    if (c == '\n') ++lines;
  if (!body.empty() && body.back() != '\n') ++lines;
  return lines;
}

// What a structure we cannot parse further becomes: opaque bytes, which every reader handles.
void make_opaque(Entity& e) {
  e.content_type = ContentType{"application", "octet-stream", {}};
  e.parts.clear();
}

// A delimiter line of a multipart body (RFC 2046 5.1.1).
struct Delimiter {
  std::size_t line_start = 0;  // where "--boundary" begins
  std::size_t next = 0;        // where the line after it begins
  bool close = false;          // "--boundary--"
};

// RFC 2046 5.1.1: a delimiter is "--" boundary at the start of a line, then "--" for the close
// delimiter, then only transport padding (spaces, tabs) up to the line end. Requiring that keeps
// "--b" from matching the line "--b2" of a nested multipart.
std::vector<Delimiter> find_delimiters(std::string_view message, std::size_t begin, std::size_t end,
                                       std::string_view boundary) {
  std::vector<Delimiter> found;
  std::size_t line = begin;
  while (line < end) {
    std::size_t lf = message.find('\n', line);
    if (lf == std::string_view::npos || lf >= end) lf = end;
    const std::size_t next = lf < end ? lf + 1 : end;
    std::string_view text = message.substr(line, lf - line);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.size() >= boundary.size() + 2 && text.substr(0, 2) == "--" && text.substr(2, boundary.size()) == boundary) {
      std::string_view rest = text.substr(boundary.size() + 2);
      const bool close = rest.substr(0, 2) == "--";
      if (close) rest.remove_prefix(2);
      bool padding = true;
      for (char c : rest) padding = padding && (c == ' ' || c == '\t');
      if (padding) {
        found.push_back({line, next, close});
        if (close) break;  // what follows is the epilogue
      }
    }
    line = next;
  }
  return found;
}

// The end of a part's body: the CRLF before the next delimiter belongs to the delimiter.
std::size_t part_end(std::string_view message, std::size_t part_start, std::size_t delimiter_start) {
  std::size_t end = delimiter_start;
  if (end > part_start && message[end - 1] == '\n') --end;
  if (end > part_start && message[end - 1] == '\r') --end;
  return end;
}

struct Parser {
  std::string_view message;
  std::size_t entities = 0;

  Entity parse_entity(std::size_t start, std::size_t end, std::size_t depth, bool in_digest) {
    ++entities;
    Entity e;
    const std::string_view bytes = message.substr(start, end - start);
    const mail::ParsedMessage parsed = mail::parse_message(bytes);
    e.headers = parsed.headers;
    e.header_offset = start;
    e.body_offset = start + parsed.body_offset;
    e.end_offset = end;
    read_fields(e, in_digest);
    e.body_lines = count_lines(e.body(message));
    if (e.is_multipart()) split_multipart(e, depth);
    else if (e.is_message()) parse_encapsulated(e, depth);
    return e;
  }

  static void read_fields(Entity& e, bool in_digest) {
    // RFC 2046 5.1.5: in a digest, a part without Content-Type is a message/rfc822.
    e.content_type = in_digest ? ContentType{"message", "rfc822", {}} : default_content_type();
    if (auto value = mail::header_value(e.headers, "Content-Type")) {
      // RFC 2045 5.2: an invalid Content-Type counts as text/plain; charset=us-ascii.
      auto parsed = parse_content_type(*value);
      e.content_type = parsed ? std::move(*parsed) : default_content_type();
    }
    if (auto value = mail::header_value(e.headers, "Content-Transfer-Encoding")) {
      std::string token = simple_token(*value);
      if (!token.empty()) e.transfer_encoding = std::move(token);
    }
    e.id = mail::header_value(e.headers, "Content-ID").value_or("");
    e.description = mail::header_value(e.headers, "Content-Description").value_or("");
    e.md5 = mail::header_value(e.headers, "Content-MD5").value_or("");
    e.language = mail::header_value(e.headers, "Content-Language").value_or("");
    e.location = mail::header_value(e.headers, "Content-Location").value_or("");
    if (auto value = mail::header_value(e.headers, "Content-Disposition")) {
      if (auto disposition = parse_disposition(*value)) {
        e.disposition = std::move(disposition->type);
        e.disposition_params = std::move(disposition->params);
      }
    }
  }

  void split_multipart(Entity& e, std::size_t depth) {
    const std::string boundary = e.content_type.param("boundary");
    if (boundary.empty() || depth >= MaxDepth) {
      make_opaque(e);
      return;
    }
    const std::vector<Delimiter> delimiters = find_delimiters(message, e.body_offset, e.end_offset, boundary);
    const bool digest = e.content_type.subtype == "digest";
    // Where the last part may end: before the close delimiter, or (none) at the end of the body.
    const std::size_t last_end =
        !delimiters.empty() && delimiters.back().close ? delimiters.back().line_start : e.end_offset;
    for (std::size_t i = 0; i < delimiters.size() && !delimiters[i].close; ++i) {
      const std::size_t start = delimiters[i].next;
      const bool last_open = i + 1 == delimiters.size();
      // A message cut off right after a delimiter line: no part follows it.
      if (last_open && start >= e.end_offset && !e.parts.empty()) break;
      std::size_t end = last_open ? e.end_offset : part_end(message, start, delimiters[i + 1].line_start);
      const bool out_of_budget = entities + 1 >= MaxEntities;
      if (out_of_budget) end = delimiters.back().close ? part_end(message, start, last_end) : last_end;
      e.parts.push_back(parse_entity(start, std::max(start, end), depth + 1, digest));
      if (out_of_budget) break;
    }
    if (e.parts.empty()) make_opaque(e);
  }

  void parse_encapsulated(Entity& e, std::size_t depth) {
    // RFC 2046 5.2.1: a message/rfc822 body is never base64 or quoted-printable encoded.
    const std::string& cte = e.transfer_encoding;
    if (depth >= MaxDepth || !(cte == "7bit" || cte == "8bit" || cte == "binary")) {
      make_opaque(e);
      return;
    }
    e.parts.push_back(parse_entity(e.body_offset, e.end_offset, depth + 1, false));
  }
};

bool parse_number(std::string_view text, std::size_t& n) {
  if (text.empty() || text.size() > 9 || text.front() == '0') return false;
  n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return true;
}

}  // namespace

std::string_view Entity::body(std::string_view message) const {
  if (body_offset >= message.size() || end_offset <= body_offset) return {};
  return message.substr(body_offset, std::min(end_offset, message.size()) - body_offset);
}

std::string_view Entity::header_bytes(std::string_view message) const {
  if (header_offset >= message.size() || body_offset <= header_offset) return {};
  return message.substr(header_offset, std::min(body_offset, message.size()) - header_offset);
}

std::string Entity::disposition_param(std::string_view name) const {
  for (const auto& [key, value] : disposition_params)
    if (mail::iequals(key, name)) return value;
  return "";
}

Entity parse(std::string_view message) {
  Parser parser{message};
  return parser.parse_entity(0, message.size(), 0, false);
}

std::string decoded_body(const Entity& e, std::string_view message) {
  return decode(e.body(message), e.transfer_encoding);
}

const Entity* part(const Entity& root, std::string_view section) {
  const Entity* e = &root;
  bool first = true;
  while (!section.empty()) {
    const std::size_t dot = section.find('.');
    std::size_t n = 0;
    if (!parse_number(section.substr(0, dot), n)) return nullptr;
    section = dot == std::string_view::npos ? std::string_view{} : section.substr(dot + 1);
    if (dot != std::string_view::npos && section.empty()) return nullptr;  // "1." is no section
    // RFC 3501 6.4.5: below a message/rfc822 part, numbers index the message it encapsulates.
    const Entity* container = e;
    if (!first) {
      if (e->is_message() && !e->parts.empty()) container = &e->parts.front();
      else if (!e->is_multipart()) return nullptr;
    }
    first = false;
    if (container->is_multipart()) {
      if (n > container->parts.size()) return nullptr;
      e = &container->parts[n - 1];
    } else {
      // A non-multipart message has one part, its body: part 1 is the entity itself.
      if (n != 1) return nullptr;
      e = container;
    }
  }
  return e;
}

}  // namespace wiresim::mime
