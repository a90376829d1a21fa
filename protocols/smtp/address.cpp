#include "protocols/smtp/address.hpp"

#include <cctype>

namespace wiresim::smtp {

namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// RFC 5322 3.2.3 atext.
bool is_atext(char c) { return is_alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos; }

bool is_dot_string(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i - 1] == '.') return false;
    } else if (!is_atext(s[i])) {
      return false;
    }
  }
  return true;
}

// RFC 5321 4.1.2 Quoted-string: qtextSMTP or a backslash pair, between double quotes.
bool is_quoted_string(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      if (i + 2 >= s.size()) return false;
      ++i;
      if (s[i] < 32 || s[i] > 126) return false;
    } else if (c < 32 || c > 126 || c == '"') {
      return false;
    }
  }
  return true;
}

// Where the local part ends: the "@" outside quotes. npos when there is none.
std::size_t find_at(std::string_view mailbox) {
  bool quoted = false;
  for (std::size_t i = 0; i < mailbox.size(); ++i) {
    if (quoted && mailbox[i] == '\\') {
      ++i;
    } else if (mailbox[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && mailbox[i] == '@') {
      return i;
    }
  }
  return std::string_view::npos;
}

// RFC 5321 4.1.2 esmtp-keyword and esmtp-value.
bool is_keyword(std::string_view s) {
  if (s.empty() || !is_alnum(s.front())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-') return false;
  return true;
}

bool is_value(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < 33 || c > 126 || c == '=') return false;
  return true;
}

}  // namespace

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_valid_domain(std::string_view domain) {
  if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
    // address-literal: IPv4, "IPv6:..." or a general literal; dcontent is %d33-90 / %d94-126.
    if (domain.size() == 2) return false;
    for (char c : domain.substr(1, domain.size() - 2))
      if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']') return false;
    return true;
  }
  // RFC 1035 2.3.4: 255 octets at most; sub-domain = Let-dig [Ldh-str], 63 octets at most.
  if (domain.empty() || domain.size() > 255) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
    for (char c : label)
      if (!is_alnum(c) && c != '-') return false;
    start = end + 1;
  }
  return true;
}

bool is_valid_mailbox(std::string_view mailbox) {
  const std::size_t at = find_at(mailbox);
  if (at == std::string_view::npos) return false;
  const std::string_view local = mailbox.substr(0, at);
  // RFC 5321 4.5.3.1.1-2: local part up to 64 octets, domain up to 255.
  if (local.empty() || local.size() > 64) return false;
  if (!is_dot_string(local) && !is_quoted_string(local)) return false;
  return is_valid_domain(mailbox.substr(at + 1));
}

std::string domain_of(std::string_view mailbox) {
  const std::size_t at = mailbox.rfind('@');
  return at == std::string_view::npos ? std::string() : to_lower(mailbox.substr(at + 1));
}

Result<PathArgument> parse_path_argument(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.empty() || text.front() != '<') return Error{"expected \"<\" before the address"};
  // The closing ">" is the first one outside a quoted local part.
  std::size_t close = std::string_view::npos;
  bool quoted = false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (quoted && text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && text[i] == '>') {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos) return Error{"expected \">\" after the address"};
  std::string_view path = text.substr(1, close - 1);
  // RFC 5321 4.1.1.3: a source route ("@relay1,@relay2:") must be accepted and may be ignored.
  if (!path.empty() && path.front() == '@') {
    const std::size_t colon = path.find(':');
    if (colon == std::string_view::npos) return Error{"expected \":\" after the source route"};
    std::string_view route = path.substr(0, colon);
    while (!route.empty()) {
      if (route.front() != '@') return Error{"expected \"@domain\" in the source route"};
      std::size_t comma = route.find(',');
      if (comma == std::string_view::npos) comma = route.size();
      if (!is_valid_domain(route.substr(1, comma - 1))) return Error{"expected a domain in the source route"};
      route.remove_prefix(comma == route.size() ? comma : comma + 1);
    }
    path.remove_prefix(colon + 1);
  }
  PathArgument out;
  // RFC 5321 4.1.1.3: "Postmaster" with no domain must be accepted as a recipient.
  if (!path.empty() && to_lower(path) != "postmaster" && !is_valid_mailbox(path))
    return Error{"expected a mailbox such as <user@example.com>, got <" + std::string(path.substr(0, 60)) + ">"};
  out.mailbox = std::string(path);
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty()) {
    if (rest.front() != ' ') return Error{"expected a space before the parameter after \">\""};
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    std::size_t end = rest.find(' ');
    if (end == std::string_view::npos) end = rest.size();
    const std::string_view param = rest.substr(0, end);
    const std::size_t eq = param.find('=');
    const std::string_view keyword = param.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    if (!is_keyword(keyword) || (eq != std::string_view::npos && !is_value(value)))
      return Error{"expected a parameter such as SIZE=1000, got \"" + std::string(param.substr(0, 60)) + "\""};
    out.parameters.emplace_back(to_upper(keyword), std::string(value));
    rest.remove_prefix(end);
  }
  return out;
}

}  // namespace wiresim::smtp
