// Parsing fetch-att (RFC 3501 9) and writing msg-att values.
#include "protocols/imap/fetch.hpp"

#include <algorithm>
#include <cctype>

#include "protocols/imap/body_structure.hpp"
#include "protocols/imap/date_time.hpp"
#include "protocols/imap/header_fields.hpp"
#include "protocols/imap/mailbox_view.hpp"
#include "protocols/mime/entity.hpp"

namespace wiresim::imap {
namespace {

// section = "[" [section-spec] "]"; the cursor is past "[".
bool parse_section(Cursor& cursor, Section& section) {
  while (std::isdigit(static_cast<unsigned char>(cursor.peek()))) {
    const auto n = cursor.number();
    if (!n || *n == 0) return cursor.fail("a part number (1 or more)");
    if (!section.part.empty()) section.part += '.';
    section.part += std::to_string(*n);
    if (cursor.peek() != '.') break;
    cursor.consume('.');
    if (!std::isdigit(static_cast<unsigned char>(cursor.peek()))) break;
  }
  if (cursor.peek() == ']') {
    if (!section.part.empty() && section.part.back() == '.') return cursor.fail("a part number after '.'");
    return cursor.consume(']');
  }
  if (cursor.consume_word("HEADER.FIELDS.NOT")) section.text = Section::Text::HeaderFieldsNot;
  else if (cursor.consume_word("HEADER.FIELDS")) section.text = Section::Text::HeaderFields;
  else if (cursor.consume_word("HEADER")) section.text = Section::Text::Header;
  else if (cursor.consume_word("TEXT")) section.text = Section::Text::Text;
  else if (!section.part.empty() && cursor.consume_word("MIME")) section.text = Section::Text::Mime;
  else return cursor.fail("a section: a part number, HEADER, HEADER.FIELDS (...), TEXT or MIME");
  if (section.text == Section::Text::HeaderFields || section.text == Section::Text::HeaderFieldsNot) {
    if (!cursor.space() || !cursor.consume('(')) return false;
    while (true) {
      auto name = cursor.astring();
      if (!name) return false;
      section.fields.push_back(upper(*name));
      if (cursor.peek() == ')') break;
      if (!cursor.space()) return false;
    }
    cursor.consume(')');
  }
  return cursor.consume(']');
}

std::optional<FetchItem> parse_item(Cursor& cursor) {
  FetchItem item;
  using K = FetchItem::Kind;
  struct Simple {
    const char* name;
    K kind;
  };
  // Longer names first, so "RFC822.SIZE" is not taken for "RFC822".
  static const Simple simple[] = {
      {"ENVELOPE", K::Envelope},         {"FLAGS", K::Flags},       {"INTERNALDATE", K::InternalDate},
      {"RFC822.HEADER", K::Rfc822Header}, {"RFC822.SIZE", K::Rfc822Size}, {"RFC822.TEXT", K::Rfc822Text},
      {"RFC822", K::Rfc822},             {"BODYSTRUCTURE", K::BodyStructure}, {"UID", K::Uid},
  };
  for (const Simple& s : simple)
    if (cursor.consume_word(s.name)) {
      item.kind = s.kind;
      return item;
    }
  if (cursor.consume_word("BODY.PEEK[")) {
    item.peek = true;
  } else if (cursor.consume_word("BODY[")) {
  } else if (cursor.consume_word("BODY")) {
    item.kind = K::Body;
    return item;
  } else {
    cursor.fail("a fetch item such as FLAGS, UID, ENVELOPE, BODY[...] or BODY.PEEK[...]");
    return std::nullopt;
  }
  item.kind = K::BodySection;
  if (!parse_section(cursor, item.section)) return std::nullopt;
  if (cursor.peek() == '<') {
    cursor.consume('<');
    const auto start = cursor.number();
    if (!start || !cursor.consume('.')) return std::nullopt;
    const auto count = cursor.number();
    if (!count || *count == 0) {
      cursor.fail("a non-zero octet count in <start.count>");
      return std::nullopt;
    }
    if (!cursor.consume('>')) return std::nullopt;
    item.partial_start = start;
    item.partial_count = count;
  }
  return item;
}

}  // namespace

bool FetchItem::sets_seen() const {
  return (kind == Kind::BodySection && !peek) || kind == Kind::Rfc822 || kind == Kind::Rfc822Text;
}

std::string Section::to_string() const {
  std::string out = part;
  auto add = [&](std::string_view word) {
    if (!out.empty()) out += '.';
    out += word;
  };
  switch (text) {
    case Text::All: break;
    case Text::Header: add("HEADER"); break;
    case Text::HeaderFields: add("HEADER.FIELDS"); break;
    case Text::HeaderFieldsNot: add("HEADER.FIELDS.NOT"); break;
    case Text::Text: add("TEXT"); break;
    case Text::Mime: add("MIME"); break;
  }
  if (text == Text::HeaderFields || text == Text::HeaderFieldsNot) {
    out += " (";
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ' ';
      out += imap_astring(fields[i]);
    }
    out += ')';
  }
  return out;
}

std::optional<std::vector<FetchItem>> parse_fetch_items(Cursor& cursor) {
  std::vector<FetchItem> items;
  using K = FetchItem::Kind;
  // RFC 3501 6.4.5: the macros.
  auto macro = [](std::initializer_list<K> kinds) {
    std::vector<FetchItem> out;
    for (const K k : kinds) {
      FetchItem item;
      item.kind = k;
      out.push_back(item);
    }
    return out;
  };
  if (cursor.consume_word("ALL")) return macro({K::Flags, K::InternalDate, K::Rfc822Size, K::Envelope});
  if (cursor.consume_word("FAST")) return macro({K::Flags, K::InternalDate, K::Rfc822Size});
  if (cursor.consume_word("FULL")) return macro({K::Flags, K::InternalDate, K::Rfc822Size, K::Envelope, K::Body});
  if (cursor.peek() != '(') {
    auto item = parse_item(cursor);
    if (!item) return std::nullopt;
    items.push_back(std::move(*item));
    return items;
  }
  cursor.consume('(');
  while (true) {
    auto item = parse_item(cursor);
    if (!item) return std::nullopt;
    items.push_back(std::move(*item));
    if (cursor.peek() == ')') break;
    if (!cursor.space()) return std::nullopt;
  }
  cursor.consume(')');
  return items;
}

std::optional<std::string> section_bytes(const std::string& message, const Section& section) {
  std::string_view whole = message;
  if (section.part.empty()) {
    switch (section.text) {
      case Section::Text::All: return message;
      case Section::Text::Header: return std::string(header_block(whole));
      case Section::Text::HeaderFields: return select_fields(header_block(whole), section.fields, false);
      case Section::Text::HeaderFieldsNot: return select_fields(header_block(whole), section.fields, true);
      case Section::Text::Text: return std::string(body_text(whole));
      case Section::Text::Mime: return std::nullopt;
    }
  }
  const mime::Entity root = mime::parse(whole);
  const mime::Entity* entity = mime::part(root, section.part);
  if (!entity) return std::nullopt;
  if (section.text == Section::Text::All) return std::string(entity->body(whole));
  if (section.text == Section::Text::Mime) return std::string(entity->header_bytes(whole));
  // RFC 3501 6.4.5: HEADER and TEXT after a part number apply to a message/rfc822 part.
  if (!entity->is_message() || entity->parts.empty()) return std::nullopt;
  const std::string_view inner = entity->body(whole);
  switch (section.text) {
    case Section::Text::Header: return std::string(header_block(inner));
    case Section::Text::HeaderFields: return select_fields(header_block(inner), section.fields, false);
    case Section::Text::HeaderFieldsNot: return select_fields(header_block(inner), section.fields, true);
    case Section::Text::Text: return std::string(body_text(inner));
    default: return std::nullopt;
  }
}

std::string format_fetch_item(const FetchItem& item, const FetchContext& context) {
  const std::string& bytes = context.message.bytes;
  using K = FetchItem::Kind;
  switch (item.kind) {
    case K::Envelope: return "ENVELOPE " + envelope(bytes);
    case K::Flags: return "FLAGS " + format_flags(context.flags);
    case K::InternalDate: return "INTERNALDATE \"" + format_date_time(context.message.internal_date, context.epoch) + "\"";
    case K::Rfc822: return "RFC822 " + imap_literal(bytes);
    case K::Rfc822Header: return "RFC822.HEADER " + imap_literal(header_block(bytes));
    case K::Rfc822Size: return "RFC822.SIZE " + std::to_string(bytes.size());
    case K::Rfc822Text: return "RFC822.TEXT " + imap_literal(body_text(bytes));
    case K::Body: return "BODY " + body_structure(bytes, false);
    case K::BodyStructure: return "BODYSTRUCTURE " + body_structure(bytes, true);
    case K::Uid: return "UID " + std::to_string(context.message.uid);
    case K::BodySection: break;
  }
  // RFC 3501 7.4.2: the response names the section as asked, never ".PEEK", and a partial
  // fetch shows only its origin octet: BODY[]<0>.
  std::string out = "BODY[" + item.section.to_string() + "]";
  const auto data = section_bytes(bytes, item.section);
  if (!data) return out + " NIL";
  std::string_view text = *data;
  if (item.partial_start) {
    out += "<" + std::to_string(*item.partial_start) + ">";
    text = *item.partial_start >= text.size() ? std::string_view() : text.substr(*item.partial_start, *item.partial_count);
  }
  out += ' ';
  out += imap_literal(text);
  return out;
}

}  // namespace wiresim::imap
