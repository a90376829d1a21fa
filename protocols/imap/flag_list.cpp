// Reading flags: a backslash flag must be one of the five system flags a client may set.
#include "protocols/imap/flag_list.hpp"

namespace wiresim::imap {
namespace {

bool parse_flag(Cursor& cursor, mail::Flags& flags) {
  const std::size_t start = cursor.position();
  const bool system = cursor.peek() == '\\';
  if (system) cursor.consume('\\');
  auto name = cursor.atom();
  if (!name) return false;
  if (!system) {
    flags.insert(*name);
    return true;
  }
  for (const std::string* f : {&mail::Seen, &mail::Answered, &mail::Flagged, &mail::Deleted, &mail::Draft})
    if (iequals(f->substr(1), *name)) {
      flags.insert(*f);
      return true;
    }
  cursor.set_position(start);
  return cursor.fail("one of \\Seen \\Answered \\Flagged \\Deleted \\Draft or a keyword");
}

}  // namespace

std::optional<mail::Flags> parse_flag_list(Cursor& cursor, bool bare_allowed) {
  mail::Flags flags;
  if (cursor.peek() != '(') {
    if (!bare_allowed) {
      cursor.fail("a flag list such as (\\Seen \\Flagged)");
      return std::nullopt;
    }
    do {
      if (!parse_flag(cursor, flags)) return std::nullopt;
    } while (cursor.peek() == ' ' && cursor.space());
    return flags;
  }
  cursor.consume('(');
  bool first = true;
  while (cursor.peek() != ')') {
    if (!first && !cursor.space()) return std::nullopt;
    first = false;
    if (!parse_flag(cursor, flags)) return std::nullopt;
  }
  cursor.consume(')');
  return flags;
}

}  // namespace wiresim::imap
