#include "protocols/mail/address.hpp"

namespace wiresim::mail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 5322 3.2.3: atext.
bool is_atext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x80) return true;  // RFC 6532 lets UTF-8 through; harmless for parsing
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

std::string collapse_space(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// One mailbox's text, with quoted strings unquoted (for the display name) and comments set
// aside; the comment is kept as a display name for the old "addr (Name)" form.
struct Mailbox {
  std::string phrase;   // text before '<', unquoted
  std::string angle;    // text between '<' and '>'
  std::string bare;     // the text when there are no angle brackets (quotes kept)
  std::string comment;  // the last comment's text
  bool has_angle = false;
};

Mailbox scan_mailbox(std::string_view text) {
  Mailbox m;
  std::string* target = &m.phrase;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      // Quoted string: the phrase gets its content, the bare form keeps the quotes.
      std::string content;
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        content += text[i++];
      }
      if (target == &m.phrase) {
        m.phrase += content;
        m.bare += '"';
        m.bare += content;
        m.bare += '"';
      } else {
        *target += '"';
        *target += content;
        *target += '"';
      }
    } else if (c == '(') {
      int level = 1;
      std::string comment;
      while (++i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          comment += text[++i];
          continue;
        }
        if (text[i] == '(') ++level;
        if (text[i] == ')' && --level == 0) break;
        comment += text[i];
      }
      m.comment = collapse_space(comment);
      if (target == &m.phrase) m.phrase += ' ';
    } else if (c == '<' && target == &m.phrase) {
      m.has_angle = true;
      target = &m.angle;
    } else if (c == '>' && target == &m.angle) {
      target = &m.bare;  // anything after '>' is ignored
      m.bare.clear();
    } else {
      *target += c;
      if (target == &m.phrase) m.bare += c;
    }
  }
  return m;
}

// The text without whitespace outside quoted strings (CFWS between the tokens of an addr-spec).
std::string strip_space(std::string_view text) {
  std::string out;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted || !is_space(c)) out += c;
  }
  return out;
}

bool fill_address(std::string_view spec, Address& address) {
  std::string clean = strip_space(spec);
  // RFC 5322 4.4 obs-route: "@a.example,@b.example:user@c.example" keeps the last part.
  if (!clean.empty() && clean.front() == '@') {
    const std::size_t colon = clean.find(':');
    if (colon != std::string::npos) clean.erase(0, colon + 1);
  }
  if (clean.empty()) return false;
  const std::size_t at = clean.rfind('@');
  if (at == std::string::npos) {
    address.local_part = clean;
  } else {
    address.local_part = clean.substr(0, at);
    address.domain = clean.substr(at + 1);
    // A domain literal keeps its brackets; nothing else to do.
  }
  return !address.local_part.empty();
}

}  // namespace

std::string Address::addr_spec() const {
  if (domain.empty()) return local_part;
  std::string out = local_part;
  out += '@';
  out += domain;
  return out;
}

std::string Address::to_string() const {
  if (display_name.empty()) return addr_spec();
  std::string out = quote_phrase(display_name);
  out += " <";
  out += addr_spec();
  out += '>';
  return out;
}

std::string quote_phrase(std::string_view name) {
  bool atoms = !name.empty();
  bool last_space = true;
  for (char c : name) {
    if (c == ' ') {
      if (last_space) atoms = false;  // leading or double spaces need quoting to survive
      last_space = true;
      continue;
    }
    last_space = false;
    if (!is_atext(c)) atoms = false;
  }
  if (last_space) atoms = false;
  if (atoms) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::vector<Address> parse_address_list(std::string_view text) {
  std::vector<Address> out;
  std::string group;
  std::size_t start = 0;
  bool in_quote = false;
  int comment = 0;
  bool in_angle = false;
  auto finish = [&](std::size_t end) {
    const std::string_view piece = text.substr(start, end - start);
    start = end + 1;
    const Mailbox m = scan_mailbox(piece);
    Address address;
    address.group = group;
    const std::string_view spec = m.has_angle ? std::string_view(m.angle) : std::string_view(m.bare);
    if (!fill_address(spec, address)) return;
    address.display_name = collapse_space(m.has_angle ? m.phrase : m.comment);
    out.push_back(std::move(address));
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quote) {
      if (c == '\\') ++i;
      else if (c == '"') in_quote = false;
      continue;
    }
    if (comment > 0) {
      if (c == '\\') ++i;
      else if (c == '(') ++comment;
      else if (c == ')') --comment;
      continue;
    }
    if (c == '"') in_quote = true;
    else if (c == '(') comment = 1;
    else if (c == '<') in_angle = true;
    else if (c == '>') in_angle = false;
    else if (c == ',' && !in_angle) finish(i);
    else if (c == ':' && !in_angle) {
      // RFC 5322 3.4: group = display-name ":" [group-list] ";"
      group = collapse_space(scan_mailbox(text.substr(start, i - start)).phrase);
      start = i + 1;
    } else if (c == ';' && !in_angle) {
      finish(i);
      group.clear();
    }
  }
  if (start < text.size()) finish(text.size());
  return out;
}

Address parse_address(std::string_view text) {
  std::vector<Address> list = parse_address_list(text);
  return list.empty() ? Address{} : list.front();
}

std::string domain_of(std::string_view address) { return parse_address(address).domain; }

std::string local_part(std::string_view address) { return parse_address(address).local_part; }

}  // namespace wiresim::mail
