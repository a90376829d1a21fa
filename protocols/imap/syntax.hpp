// RFC 3501 9 syntax pieces: a cursor that reads atoms, quoted strings, literals, astrings and
// numbers out of one complete command, and the writers for strings, nstrings and flag lists
// in responses. Knows no commands; the handlers decide which piece comes next.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wiresim::imap {

// RFC 3501 9: ATOM-CHAR is any CHAR except atom-specials ( ) { SP CTL % * " \ ].
bool is_atom_char(char c);
// astring allows ']' as well (ASTRING-CHAR = ATOM-CHAR / resp-specials).
bool is_astring_char(char c);
// A tag is any ASTRING-CHAR except '+'.
bool is_tag_char(char c);

// Reads one command's arguments. The text holds literals inline as "{n}\r\n" and n octets
// (or "{n+}\r\n" for LITERAL+), exactly as the framer assembled them. Every reader returns
// nullopt / false on a mismatch and leaves a readable reason in error().
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::size_t position() const { return pos_; }
  void set_position(std::size_t pos) { pos_ = pos; }
  std::string_view rest() const { return text_.substr(pos_ < text_.size() ? pos_ : text_.size()); }

  bool space();                                // exactly one SP
  bool consume(char c);                        // that character
  bool consume_word(std::string_view word);    // case-insensitive, not followed by an atom char
  bool end();                                  // nothing left; else error "unexpected ..."

  std::optional<std::string> atom();           // 1*ATOM-CHAR
  std::optional<std::string> quoted();         // DQUOTE *QUOTED-CHAR DQUOTE
  std::optional<std::string> literal();        // "{" number ["+"] "}" CRLF *CHAR8
  std::optional<std::string> string();         // quoted / literal
  std::optional<std::string> astring();        // 1*ASTRING-CHAR / string
  std::optional<std::string> nstring();        // NIL / string
  std::optional<std::string> list_mailbox();   // 1*list-char / string (list-char adds % and *)
  std::optional<std::uint32_t> number();       // 1*DIGIT fitting 32 bits
  std::optional<std::string> token(bool (*allowed)(char), std::string_view what);

  // Records a reason for the caller's BAD reply ("expected a mailbox name, got \"(\"").
  bool fail(std::string_view expected);
  const std::string& error() const { return error_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

// Up to 60 characters of text, control characters shown as \r, \n or \xNN, for error messages.
std::string quote_for_error(std::string_view text);

// Response writers (RFC 3501 4.3): a quoted string when it can be one, a literal otherwise.
std::string imap_string(std::string_view text);
std::string imap_literal(std::string_view text);           // always "{n}\r\n" + text
std::string imap_nstring(const std::optional<std::string>& text);
std::string imap_astring(std::string_view text);           // an atom when it can be one (mailbox names)
std::string upper(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);  // case-insensitive substring

}  // namespace wiresim::imap
