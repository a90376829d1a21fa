#include "protocols/http/url.hpp"

#include "protocols/http/parser.hpp"

namespace wiresim::http {

namespace {

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string encode(std::string_view bytes, bool space_as_plus) {
  static constexpr char Hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (const char c : bytes) {
    if (is_unreserved(c)) {
      out += c;
    } else if (c == ' ' && space_as_plus) {
      out += '+';
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += Hex[byte >> 4];
      out += Hex[byte & 0x0F];
    }
  }
  return out;
}

Result<QueryPairs> parse_pairs(std::string_view text, bool plus_as_space) {
  QueryPairs pairs;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view part = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    Result<std::string> name = percent_decode(part.substr(0, eq), plus_as_space);
    if (!name) return Error{name.error()};
    Result<std::string> value =
        percent_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), plus_as_space);
    if (!value) return Error{value.error()};
    pairs.emplace_back(std::move(*name), std::move(*value));
  }
  return pairs;
}

std::string build_pairs(const QueryPairs& pairs, bool space_as_plus) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += encode(name, space_as_plus);
    out += '=';
    out += encode(value, space_as_plus);
  }
  return out;
}

}  // namespace

std::string percent_encode(std::string_view bytes) { return encode(bytes, false); }

Result<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
      if (high < 0 || low < 0)
        return Error{"http: expected two hex digits after \"%\", got " + quote(text.substr(i, 3)) + " in " + quote(text)};
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<QueryPairs> parse_query(std::string_view query) { return parse_pairs(query, false); }
Result<QueryPairs> parse_form(std::string_view body) { return parse_pairs(body, true); }
std::string build_query(const QueryPairs& pairs) { return build_pairs(pairs, false); }
std::string build_form(const QueryPairs& pairs) { return build_pairs(pairs, true); }

Target split_target(std::string_view target) {
  target = target.substr(0, target.find('#'));
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return {std::string(target), ""};
  return {std::string(target.substr(0, question)), std::string(target.substr(question + 1))};
}

const std::string* find_value(const QueryPairs& pairs, std::string_view name) {
  for (const auto& [n, v] : pairs)
    if (n == name) return &v;
  return nullptr;
}

}  // namespace wiresim::http
