#include "protocols/mail/message.hpp"

#include <algorithm>

namespace wiresim::mail {

namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

// RFC 5322 2.2: a field name is printable US-ASCII except the colon.
bool is_ftext(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 33 && u <= 126 && c != ':';
}

// The line starting at `pos` without its line end, and where the next line starts.
struct Line {
  std::string_view text;
  std::size_t next = 0;
};

Line line_at(std::string_view bytes, std::size_t pos) {
  const std::size_t lf = bytes.find('\n', pos);
  if (lf == std::string_view::npos) return {bytes.substr(pos), bytes.size()};
  std::size_t end = lf;
  if (end > pos && bytes[end - 1] == '\r') --end;
  return {bytes.substr(pos, end - pos), lf + 1};
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::size_t find_body_offset(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const Line line = line_at(bytes, pos);
    // A last line without its line end is not an empty line: the header just stops there.
    if (line.text.empty() && line.next > pos) return line.next;
    pos = line.next;
  }
  return bytes.size();
}

std::vector<HeaderField> parse_header(std::string_view header_section) {
  std::vector<HeaderField> fields;
  bool last_valid = false;  // whether a continuation line belongs to a field we kept
  std::size_t pos = 0;
  while (pos < header_section.size()) {
    const Line line = line_at(header_section, pos);
    pos = line.next;
    if (line.text.empty()) break;  // the empty line ends the header section
    if (is_wsp(line.text.front())) {
      // RFC 5322 2.2.3: unfolding removes the CRLF only; the WSP stays in the value.
      if (last_valid) fields.back().value += line.text;
      continue;
    }
    const std::size_t colon = line.text.find(':');
    last_valid = false;
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.text.substr(0, colon);
    // RFC 5322 4.5.3 (obsolete syntax): WSP may come between the name and the colon.
    while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
    bool valid = !name.empty();
    for (char c : name) valid = valid && is_ftext(c);
    if (!valid) continue;
    std::string_view value = line.text.substr(colon + 1);
    while (!value.empty() && is_wsp(value.front())) value.remove_prefix(1);
    fields.push_back({std::string(name), std::string(value)});
    last_valid = true;
  }
  // A value that began on a continuation line ("Subject:\r\n  text") keeps no leading WSP.
  for (HeaderField& field : fields) {
    std::size_t skip = 0;
    while (skip < field.value.size() && is_wsp(field.value[skip])) ++skip;
    field.value.erase(0, skip);
  }
  return fields;
}

ParsedMessage parse_message(std::string_view bytes) {
  ParsedMessage parsed;
  parsed.body_offset = find_body_offset(bytes);
  parsed.headers = parse_header(bytes.substr(0, parsed.body_offset));
  return parsed;
}

std::optional<std::string> header_value(const std::vector<HeaderField>& fields, std::string_view name) {
  for (const HeaderField& field : fields)
    if (iequals(field.name, name)) return field.value;
  return std::nullopt;
}

std::vector<std::string> header_values(const std::vector<HeaderField>& fields, std::string_view name) {
  std::vector<std::string> values;
  for (const HeaderField& field : fields)
    if (iequals(field.name, name)) values.push_back(field.value);
  return values;
}

std::string write_field(const HeaderField& field) {
  std::string line = field.name;
  line += ": ";
  line += field.value;
  std::string out;
  std::size_t start = 0;
  const std::size_t first_fold = field.name.size() + 2;  // never fold inside "Name: "
  while (line.size() - start > RecommendedLineLength) {
    // The last WSP that keeps this line within 78 characters and leaves something before it.
    std::size_t fold = std::string::npos;
    const std::size_t limit = start + RecommendedLineLength;
    for (std::size_t i = limit; i > start && i >= first_fold; --i) {
      if (is_wsp(line[i]) && !is_wsp(line[i - 1])) {
        fold = i;
        break;
      }
    }
    // No such WSP: fold at the first one after the limit; the line is long but legal if < 998.
    if (fold == std::string::npos) {
      for (std::size_t i = std::max(limit + 1, first_fold); i < line.size(); ++i) {
        if (is_wsp(line[i]) && !is_wsp(line[i - 1])) {
          fold = i;
          break;
        }
      }
    }
    if (fold == std::string::npos) break;
    out.append(line, start, fold - start);
    out += "\r\n";
    start = fold;
  }
  out.append(line, start);
  out += "\r\n";
  return out;
}

std::string write_header(const std::vector<HeaderField>& fields) {
  std::string out;
  for (const HeaderField& field : fields) out += write_field(field);
  return out;
}

std::string replace_field(std::string_view header_section, std::string_view name, std::string_view value) {
  std::string out;
  bool dropping = false;
  std::size_t pos = 0;
  while (pos < header_section.size()) {
    const Line line = line_at(header_section, pos);
    const std::string_view raw = header_section.substr(pos, line.next - pos);
    pos = line.next;
    if (line.text.empty()) break;
    if (is_wsp(line.text.front())) {
      if (!dropping) out += raw;
      continue;
    }
    const std::size_t colon = line.text.find(':');
    std::string_view field_name = colon == std::string_view::npos ? std::string_view{} : line.text.substr(0, colon);
    while (!field_name.empty() && is_wsp(field_name.back())) field_name.remove_suffix(1);
    dropping = colon != std::string_view::npos && iequals(field_name, name);
    if (dropping) continue;
    out += raw;
    if (raw.back() != '\n') out += "\r\n";  // a last line that had no line end
  }
  out += write_field({std::string(name), std::string(value)});
  out += "\r\n";
  return out;
}

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string make_message_id(std::uint64_t counter, Time now, std::string_view domain) {
  std::string id = "<";
  id += std::to_string(counter);
  id += '.';
  id += std::to_string(now.ns / 1'000'000);
  id += '@';
  id += domain;
  id += '>';
  return id;
}

namespace {

std::string join_addresses(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& address : list) {
    if (!out.empty()) out += ", ";
    out += address;
  }
  return out;
}

}  // namespace

std::vector<HeaderField> header_fields(const MessageHeader& header) {
  std::vector<HeaderField> fields;
  if (!header.date.empty()) fields.push_back({"Date", header.date});
  if (!header.from.empty()) fields.push_back({"From", header.from});
  if (!header.to.empty()) fields.push_back({"To", join_addresses(header.to)});
  if (!header.cc.empty()) fields.push_back({"Cc", join_addresses(header.cc)});
  fields.push_back({"Subject", header.subject});
  if (!header.message_id.empty()) fields.push_back({"Message-ID", header.message_id});
  if (!header.in_reply_to.empty()) fields.push_back({"In-Reply-To", header.in_reply_to});
  for (const HeaderField& field : header.extra) fields.push_back(field);
  return fields;
}

std::string write_message(const std::vector<HeaderField>& fields, std::string_view body) {
  std::string out = write_header(fields);
  out += "\r\n";
  out += to_crlf(body);
  if (!body.empty() && out.back() != '\n') out += "\r\n";
  return out;
}

std::string write_message(const MessageHeader& header, std::string_view body) {
  return write_message(header_fields(header), body);
}

}  // namespace wiresim::mail
