#include "protocols/mime/encoded_word.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocols/mail/address.hpp"
#include "protocols/mail/message.hpp"
#include "protocols/mime/transfer_encoding.hpp"

namespace wiresim::mime {

namespace {

constexpr std::string_view Prefix = "=?utf-8?";  // then "B?" or "Q?"
constexpr std::size_t Overhead = 12;             // "=?utf-8?Q?" and "?="
constexpr char Hex[] = "0123456789ABCDEF";

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool is_atext(char c) {
  return is_alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// RFC 2047 5(3): in a phrase a Q-encoded word may only hold letters, digits and "!*+-/"; space
// is "_" (4.2 (2)); every other octet is "=XX".
std::size_t q_cost(unsigned char u) { return is_alnum(static_cast<char>(u)) || u == ' ' || std::string_view("!*+-/").find(static_cast<char>(u)) != std::string_view::npos ? 1 : 3; }

void q_append(std::string& out, unsigned char u) {
  if (u == ' ') {
    out += '_';
  } else if (q_cost(u) == 1) {
    out += static_cast<char>(u);
  } else {
    out += '=';
    out += Hex[u >> 4];
    out += Hex[u & 15];
  }
}

// The length of the UTF-8 character starting at `i` (1 for a stray byte).
std::size_t char_length(std::string_view text, std::size_t i) {
  const auto u = static_cast<unsigned char>(text[i]);
  std::size_t n = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : u >= 0xC0 ? 2 : 1;
  if (i + n > text.size()) n = 1;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

// RFC 2047 2 and 5: words of at most 75 characters, each an integral number of characters.
std::vector<std::string> encode_run(std::string_view text, bool base64) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    std::size_t q_length = 0;
    while (end < text.size()) {
      const std::size_t n = char_length(text, end);
      std::size_t cost = 0;
      for (std::size_t k = 0; k < n; ++k) cost += q_cost(static_cast<unsigned char>(text[end + k]));
      const std::size_t bytes = end + n - i;
      const std::size_t length = base64 ? (bytes + 2) / 3 * 4 : q_length + cost;
      if (length + Overhead > MaxEncodedWord && end > i) break;
      q_length += cost;
      end += n;
    }
    std::string word(Prefix);
    word += base64 ? "B?" : "Q?";
    const std::string_view chunk = text.substr(i, end - i);
    if (base64) {
      word += base64_encode(chunk, 0);
    } else {
      for (char c : chunk) q_append(word, static_cast<unsigned char>(c));
    }
    word += "?=";
    words.push_back(std::move(word));
    i = end;
  }
  return words;
}

std::string encode_text(std::string_view text) {
  const std::vector<std::string> q = encode_run(text, false);
  const std::vector<std::string> b = encode_run(text, true);
  std::size_t q_total = 0, b_total = 0;
  for (const std::string& w : q) q_total += w.size() + 1;
  for (const std::string& w : b) b_total += w.size() + 1;
  std::string out;
  for (const std::string& w : b_total < q_total ? b : q) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

bool needs_encoding(std::string_view word, bool phrase) {
  if (word.find("=?") != std::string_view::npos) return true;  // would read as an encoded word
  for (char c : word) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x7F || u < 0x20) return true;
    if (phrase && !is_atext(c)) return true;
  }
  return false;
}

std::string encode(std::string_view text, bool phrase) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (true) {
    const std::size_t space = text.find(' ', start);
    tokens.push_back(text.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ' ';
    if (!needs_encoding(tokens[i], phrase)) {
      out += tokens[i];
      continue;
    }
    // A run of words to encode together, across empty tokens (double spaces), since the spaces
    // between two encoded words would vanish in decoding.
    std::size_t last = i;
    for (std::size_t k = i + 1; k < tokens.size() && (tokens[k].empty() || needs_encoding(tokens[k], phrase)); ++k)
      if (!tokens[k].empty()) last = k;
    const std::size_t run_start = static_cast<std::size_t>(tokens[i].data() - text.data());
    const std::size_t run_end = static_cast<std::size_t>(tokens[last].data() - text.data()) + tokens[last].size();
    out += encode_text(text.substr(run_start, run_end - run_start));
    i = last;
  }
  return out;
}

constexpr char16_t Windows1252[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                      0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string q_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool is_ascii(std::string_view bytes) {
  for (char c : bytes)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// The decoded text of one encoded word in UTF-8, or nullopt if the charset is unknown.
std::optional<std::string> to_utf8(std::string_view charset, std::string bytes) {
  const std::size_t star = charset.find('*');  // RFC 2231 5: "utf-8*en" names a language too
  if (star != std::string_view::npos) charset = charset.substr(0, star);
  if (mail::iequals(charset, "utf-8") || mail::iequals(charset, "us-ascii") || mail::iequals(charset, "ascii"))
    return bytes;
  if (mail::iequals(charset, "iso-8859-1") || mail::iequals(charset, "latin1")) return latin1_to_utf8(bytes);
  if (mail::iequals(charset, "windows-1252") || mail::iequals(charset, "cp1252")) return latin1_to_utf8(bytes, true);
  // Every charset mail meets is ASCII-compatible: ASCII bytes mean the same in all of them.
  if (is_ascii(bytes)) return bytes;
  return std::nullopt;
}

struct Word {
  std::size_t end = 0;  // one past "?="
  std::string text;     // decoded, UTF-8
};

// The encoded word starting at `start` ("=?"), decoded, or nullopt.
std::optional<Word> read_word(std::string_view value, std::size_t start) {
  const std::size_t q1 = value.find('?', start + 2);
  if (q1 == std::string_view::npos || q1 == start + 2) return std::nullopt;
  const std::string_view charset = value.substr(start + 2, q1 - start - 2);
  for (char c : charset)
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '=') return std::nullopt;
  if (q1 + 2 >= value.size() || value[q1 + 2] != '?') return std::nullopt;
  const char encoding = value[q1 + 1];
  const std::size_t text_start = q1 + 3;
  const std::size_t close = value.find("?=", text_start);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view text = value.substr(text_start, close - text_start);
  for (char c : text)
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '?') return std::nullopt;
  std::string bytes;
  if (encoding == 'B' || encoding == 'b') bytes = base64_decode(text);
  else if (encoding == 'Q' || encoding == 'q') bytes = q_decode(text);
  else return std::nullopt;
  auto utf8 = to_utf8(charset, std::move(bytes));
  if (!utf8) return std::nullopt;
  return Word{close + 2, std::move(*utf8)};
}

bool is_whitespace(std::string_view text) {
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

}  // namespace

std::string encode_words(std::string_view utf8_text) { return encode(utf8_text, false); }

std::string encode_phrase(std::string_view utf8_name) {
  bool ascii = true;
  for (char c : utf8_name) ascii = ascii && !needs_encoding(std::string_view(&c, 1), false);
  if (ascii && utf8_name.find("=?") == std::string_view::npos) return mail::quote_phrase(utf8_name);
  return encode(utf8_name, true);
}

std::string encode_address_list(std::string_view utf8_list) {
  std::string out;
  for (const mail::Address& address : mail::parse_address_list(utf8_list)) {
    if (!out.empty()) out += ", ";
    if (address.display_name.empty()) {
      out += address.addr_spec();
      continue;
    }
    out += encode_phrase(address.display_name);
    out += " <";
    out += address.addr_spec();
    out += '>';
  }
  return out;
}

std::string decode_words(std::string_view value) {
  std::string out;
  std::size_t pos = 0;
  bool after_word = false;  // the last thing appended was a decoded encoded word
  while (pos < value.size()) {
    const std::size_t start = value.find("=?", pos);
    if (start == std::string_view::npos) break;
    const auto word = read_word(value, start);
    if (!word) {
      out += value.substr(pos, start + 2 - pos);
      pos = start + 2;
      after_word = false;
      continue;
    }
    const std::string_view between = value.substr(pos, start - pos);
    // RFC 2047 6.2: whitespace separating two encoded words is not displayed.
    if (!(after_word && is_whitespace(between))) out += between;
    out += word->text;
    pos = word->end;
    after_word = true;
  }
  out += value.substr(std::min(pos, value.size()));
  return out;
}

std::string latin1_to_utf8(std::string_view bytes, bool windows_1252) {
  std::string out;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    std::uint32_t cp = u;
    if (windows_1252 && u >= 0x80 && u < 0xA0) cp = Windows1252[u - 0x80];
    append_utf8(out, cp);
  }
  return out;
}

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (u < 0x80) n = 1, cp = u;
    else if ((u & 0xE0) == 0xC0) n = 2, cp = u & 0x1F;
    else if ((u & 0xF0) == 0xE0) n = 3, cp = u & 0x0F;
    else if ((u & 0xF8) == 0xF0) n = 4, cp = u & 0x07;
    else return false;
    if (i + n > bytes.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(bytes[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 (RFC 3629 3).
    static constexpr std::uint32_t Min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < Min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace wiresim::mime
