// Header splitting: a field starts at a line that is not blank-led; lines starting with SP or HT
// continue it (RFC 5322 2.2.3).
#include "protocols/imap/header_fields.hpp"

#include "protocols/imap/syntax.hpp"

namespace wiresim::imap {

std::string_view header_block(std::string_view message) {
  if (message.substr(0, 2) == "\r\n") return message.substr(0, 2);
  const std::size_t end = message.find("\r\n\r\n");
  return end == std::string_view::npos ? message : message.substr(0, end + 4);
}

std::string_view body_text(std::string_view message) { return message.substr(header_block(message).size()); }

std::vector<RawField> split_fields(std::string_view header) {
  std::vector<RawField> fields;
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t eol = header.find("\r\n", pos);
    if (eol == pos) break;  // the empty line ends the header
    std::size_t end = eol == std::string_view::npos ? header.size() : eol + 2;
    while (end < header.size() && (header[end] == ' ' || header[end] == '\t')) {
      eol = header.find("\r\n", end);
      end = eol == std::string_view::npos ? header.size() : eol + 2;
    }
    const std::string_view raw = header.substr(pos, end - pos);
    pos = end;
    const std::size_t colon = raw.find(':');
    if (colon == std::string_view::npos) continue;  // not a field; ignored
    RawField field;
    field.name = std::string(raw.substr(0, colon));
    while (!field.name.empty() && (field.name.back() == ' ' || field.name.back() == '\t')) field.name.pop_back();
    for (const char c : raw.substr(colon + 1))
      if (c != '\r' && c != '\n') field.value += c;
    const std::size_t first = field.value.find_first_not_of(" \t");
    const std::size_t last = field.value.find_last_not_of(" \t");
    field.value = first == std::string::npos ? std::string() : field.value.substr(first, last - first + 1);
    field.raw = raw;
    fields.push_back(std::move(field));
  }
  return fields;
}

const RawField* find_field(const std::vector<RawField>& fields, std::string_view name) {
  for (const RawField& f : fields)
    if (iequals(f.name, name)) return &f;
  return nullptr;
}

std::string select_fields(std::string_view header, const std::vector<std::string>& names, bool exclude) {
  std::string out;
  for (const RawField& f : split_fields(header)) {
    bool listed = false;
    for (const std::string& n : names) listed = listed || iequals(n, f.name);
    if (listed != exclude) {
      out += f.raw;
      if (out.size() < 2 || out.substr(out.size() - 2) != "\r\n") out += "\r\n";
    }
  }
  out += "\r\n";
  return out;
}

}  // namespace wiresim::imap
