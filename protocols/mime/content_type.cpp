#include "protocols/mime/content_type.hpp"

#include "protocols/mail/cfws.hpp"
#include "protocols/mail/message.hpp"

namespace wiresim::mime {

namespace {

// RFC 2045 5.1: tspecials, which a token may not contain and a quoted value may.
bool is_tspecial(char c) { return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos; }

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 32 && u < 127 && !is_tspecial(c);
}

// Reads tokens, quoted strings and single special characters, skipping whitespace and
// (nested) comments between them, as RFC 822 structured fields allow.
struct Lexer {
  std::string_view text;
  std::size_t pos = 0;

  void skip_cfws() { pos = mail::skip_cfws(text, pos); }
  bool at_end() {
    skip_cfws();
    return pos >= text.size();
  }
  bool special(char c) {
    skip_cfws();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  std::optional<std::string> token() {
    skip_cfws();
    const std::size_t start = pos;
    while (pos < text.size() && is_token_char(text[pos])) ++pos;
    if (pos == start) return std::nullopt;
    return std::string(text.substr(start, pos - start));
  }
  std::optional<std::string> value() {
    skip_cfws();
    if (pos < text.size() && text[pos] == '"') {
      std::string out;
      ++pos;
      while (pos < text.size() && text[pos] != '"') {
        if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
        // RFC 5322 2.2.3: a folded quoted string unfolds to its content without the CRLF.
        if (text[pos] != '\r' && text[pos] != '\n') out += text[pos];
        ++pos;
      }
      if (pos < text.size()) ++pos;  // an unterminated string runs to the end
      return out;
    }
    return token();
  }
  void skip_to(char c) {
    // Past the next `c` outside quotes, for recovering from a malformed parameter.
    bool quoted = false;
    while (pos < text.size()) {
      const char x = text[pos];
      if (x == '"') quoted = !quoted;
      if (x == '\\') ++pos;
      if (!quoted && x == c) return;
      ++pos;
    }
  }
};

Params parse_params(Lexer& lex) {
  Params params;
  while (!lex.at_end()) {
    if (!lex.special(';')) {
      lex.skip_to(';');
      continue;
    }
    if (lex.at_end()) break;
    auto name = lex.token();
    if (!name || !lex.special('=')) {
      lex.skip_to(';');
      continue;
    }
    auto value = lex.value();
    if (!value) {
      lex.skip_to(';');
      continue;
    }
    params.emplace_back(mail::to_lower(*name), std::move(*value));
  }
  return params;
}

std::string find_param(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params)
    if (mail::iequals(key, name)) return value;
  return "";
}

}  // namespace

std::string ContentType::param(std::string_view name) const { return find_param(params, name); }

void ContentType::set_param(std::string_view name, std::string value) {
  for (auto& [key, old] : params) {
    if (mail::iequals(key, name)) {
      old = std::move(value);
      return;
    }
  }
  params.emplace_back(mail::to_lower(name), std::move(value));
}

std::string ContentType::mime_type() const {
  std::string out = type;
  out += '/';
  out += subtype;
  return out;
}

std::string ContentType::to_string() const {
  std::string out = mime_type();
  out += write_params(params);
  return out;
}

ContentType default_content_type() {
  ContentType ct;
  ct.params.emplace_back("charset", "us-ascii");
  return ct;
}

std::optional<ContentType> parse_content_type(std::string_view value) {
  Lexer lex{value};
  auto type = lex.token();
  if (!type || !lex.special('/')) return std::nullopt;
  auto subtype = lex.token();
  if (!subtype) return std::nullopt;
  ContentType ct;
  ct.type = mail::to_lower(*type);
  ct.subtype = mail::to_lower(*subtype);
  ct.params = parse_params(lex);
  return ct;
}

std::optional<Disposition> parse_disposition(std::string_view value) {
  Lexer lex{value};
  auto type = lex.token();
  if (!type) return std::nullopt;
  Disposition d;
  d.type = mail::to_lower(*type);
  d.params = parse_params(lex);
  return d;
}

std::string quote_value(std::string_view value) {
  bool token = !value.empty();
  for (char c : value) token = token && is_token_char(c);
  if (token) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string write_params(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    out += "; ";
    out += name;
    out += '=';
    out += quote_value(value);
  }
  return out;
}

std::string simple_token(std::string_view value) {
  Lexer lex{value};
  lex.skip_cfws();
  std::string out;
  while (lex.pos < value.size() && value[lex.pos] != '(' && value[lex.pos] != ' ' && value[lex.pos] != '\t')
    out += value[lex.pos++];
  return mail::to_lower(out);
}

}  // namespace wiresim::mime
