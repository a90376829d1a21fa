// The token readers and writers of RFC 3501 9, shared by the server's command handlers and the
// client's response parser.
#include "protocols/imap/syntax.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "sim/core/escape.hpp"

namespace wiresim::imap {

bool is_atom_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x1f || u >= 0x7f) return false;  // CTL and 8-bit are not CHAR / are CTL
  switch (c) {
    case '(': case ')': case '{': case ' ': case '%': case '*': case '"': case '\\': case ']': return false;
    default: return true;
  }
}

bool is_astring_char(char c) { return is_atom_char(c) || c == ']'; }
bool is_tag_char(char c) { return is_astring_char(c) && c != '+'; }

namespace {
bool is_list_char(char c) { return is_astring_char(c) || c == '%' || c == '*'; }
}  // namespace

bool Cursor::fail(std::string_view expected) {
  error_ = "expected ";
  error_ += expected;
  if (at_end()) {
    error_ += ", got the end of the command";
  } else {
    error_ += ", got \"";
    error_ += quote_for_error(rest());
    error_ += '"';
  }
  return false;
}

bool Cursor::space() {
  if (peek() == ' ') {
    ++pos_;
    return true;
  }
  return fail("a space");
}

bool Cursor::consume(char c) {
  if (!at_end() && text_[pos_] == c) {
    ++pos_;
    return true;
  }
  return fail(std::string("'") + c + "'");
}

bool Cursor::consume_word(std::string_view word) {
  if (text_.size() - std::min(pos_, text_.size()) < word.size()) return false;
  if (!iequals(text_.substr(pos_, word.size()), word)) return false;
  const std::size_t after = pos_ + word.size();
  // A keyword ends where the atom ends: "UID" is not the start of "UIDNEXT".
  if (after < text_.size() && is_atom_char(text_[after]) && std::isalnum(static_cast<unsigned char>(word.back())))
    return false;
  pos_ = after;
  return true;
}

bool Cursor::end() {
  if (at_end()) return true;
  return fail("the end of the command");
}

std::optional<std::string> Cursor::token(bool (*allowed)(char), std::string_view what) {
  const std::size_t start = pos_;
  while (!at_end() && allowed(text_[pos_])) ++pos_;
  if (pos_ == start) {
    fail(what);
    return std::nullopt;
  }
  return std::string(text_.substr(start, pos_ - start));
}

std::optional<std::string> Cursor::atom() { return token(is_atom_char, "an atom"); }

std::optional<std::string> Cursor::quoted() {
  if (peek() != '"') {
    fail("a quoted string");
    return std::nullopt;
  }
  const std::size_t start = pos_;
  std::string out;
  for (++pos_; pos_ < text_.size(); ++pos_) {
    const char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      return out;
    }
    if (c == '\r' || c == '\n') break;
    if (c == '\\') {
      // RFC 3501 9: only '"' and '\' may be escaped.
      if (pos_ + 1 >= text_.size() || (text_[pos_ + 1] != '"' && text_[pos_ + 1] != '\\')) {
        fail("\\\" or \\\\ after a backslash in a quoted string");
        pos_ = start;
        return std::nullopt;
      }
      ++pos_;
    }
    out += text_[pos_];
  }
  pos_ = start;
  fail("a closing '\"'");
  return std::nullopt;
}

std::optional<std::string> Cursor::literal() {
  const std::size_t start = pos_;
  if (peek() != '{') {
    fail("a literal");
    return std::nullopt;
  }
  ++pos_;
  const std::size_t digits = pos_;
  while (!at_end() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  std::uint64_t n = 0;
  const auto [ptr, ec] = std::from_chars(text_.data() + digits, text_.data() + pos_, n);
  (void)ptr;
  if (pos_ == digits || ec != std::errc()) {
    pos_ = start;
    fail("a literal length");
    return std::nullopt;
  }
  if (peek() == '+') ++pos_;
  if (text_.substr(pos_, 3) != "}\r\n" || text_.size() - pos_ - 3 < n) {
    pos_ = start;
    fail("a literal \"{n}\" and its data");
    return std::nullopt;
  }
  pos_ += 3;
  std::string out(text_.substr(pos_, n));
  pos_ += n;
  return out;
}

std::optional<std::string> Cursor::string() {
  if (peek() == '"') return quoted();
  if (peek() == '{') return literal();
  fail("a quoted string or a literal");
  return std::nullopt;
}

std::optional<std::string> Cursor::astring() {
  if (peek() == '"' || peek() == '{') return string();
  return token(is_astring_char, "an atom, a quoted string or a literal");
}

std::optional<std::string> Cursor::nstring() {
  if (consume_word("NIL")) return std::string();
  return string();
}

std::optional<std::string> Cursor::list_mailbox() {
  if (peek() == '"' || peek() == '{') return string();
  return token(is_list_char, "a mailbox pattern");
}

std::optional<std::uint32_t> Cursor::number() {
  const std::size_t start = pos_;
  while (!at_end() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  std::uint32_t n = 0;
  const auto [ptr, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, n);
  (void)ptr;
  if (pos_ == start || ec != std::errc()) {
    pos_ = start;
    fail("a number");
    return std::nullopt;
  }
  return n;
}

std::string quote_for_error(std::string_view text) {
  std::string out;
  const std::size_t limit = 60;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c < 0x20 || c >= 0x7f) append_hex_escape(out, c);
    else out += static_cast<char>(c);
  }
  if (text.size() > limit) out += "...";
  return out;
}

std::string imap_literal(std::string_view text) {
  std::string out = "{";
  out += std::to_string(text.size());
  out += "}\r\n";
  out += text;
  return out;
}

std::string imap_string(std::string_view text) {
  // RFC 3501 4.3: a quoted string cannot hold CR, LF or 8-bit octets; those need a literal.
  const bool quotable = text.size() < 1024 && std::none_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\r' || u == '\n' || u == 0 || u >= 0x80;
  });
  if (!quotable) return imap_literal(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string imap_nstring(const std::optional<std::string>& text) { return text ? imap_string(*text) : "NIL"; }

std::string imap_astring(std::string_view text) {
  if (!text.empty() && !iequals(text, "NIL") && std::all_of(text.begin(), text.end(), is_astring_char))
    return std::string(text);
  return imap_string(text);
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

bool icontains(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char x, char y) {
    return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
  });
  return it != haystack.end() || needle.empty();
}

}  // namespace wiresim::imap
