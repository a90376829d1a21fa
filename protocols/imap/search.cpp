// Search keys: one recursive-descent parser over RFC 3501 9 search-key, one matcher.
#include "protocols/imap/search.hpp"

#include <cctype>

#include "protocols/imap/date_time.hpp"
#include "protocols/imap/header_fields.hpp"
#include "protocols/mail/date.hpp"

namespace wiresim::imap {
namespace {

constexpr int MaxDepth = 64;  // bounds recursion on "NOT NOT NOT ..." and nested parentheses

using K = SearchKey::Kind;

std::optional<SearchKey> parse_key(Cursor& cursor, int depth);

std::optional<SearchKey> parse_date_key(Cursor& cursor, K kind) {
  if (!cursor.space()) return std::nullopt;
  const std::size_t start = cursor.position();
  std::optional<std::string> text = cursor.peek() == '"' ? cursor.quoted() : cursor.atom();
  std::optional<std::int64_t> day = text ? parse_date(*text) : std::nullopt;
  if (!day) {
    cursor.set_position(start);
    cursor.fail("a date such as 1-Feb-2024");
    return std::nullopt;
  }
  SearchKey key;
  key.kind = kind;
  key.day = *day;
  return key;
}

std::optional<SearchKey> parse_string_key(Cursor& cursor, K kind, std::string header = {}) {
  if (!cursor.space()) return std::nullopt;
  auto text = cursor.astring();
  if (!text) return std::nullopt;
  SearchKey key;
  key.kind = kind;
  key.header = std::move(header);
  key.text = std::move(*text);
  return key;
}

std::optional<SearchKey> parse_set_key(Cursor& cursor, K kind) {
  const std::size_t start = cursor.position();
  auto text = cursor.token(is_sequence_set_char, "a sequence set");
  if (!text) return std::nullopt;
  std::string error;
  auto set = parse_sequence_set(*text, &error);
  if (!set) {
    cursor.set_position(start);
    cursor.fail("a sequence set such as 1:* or 2,4:7");
    return std::nullopt;
  }
  SearchKey key;
  key.kind = kind;
  key.set = std::move(*set);
  return key;
}

std::optional<SearchKey> parse_group(Cursor& cursor, int depth, char close) {
  SearchKey group;
  group.kind = K::And;
  while (true) {
    auto key = parse_key(cursor, depth + 1);
    if (!key) return std::nullopt;
    group.children.push_back(std::move(*key));
    if (close ? cursor.peek() == close : cursor.at_end()) break;
    if (!cursor.space()) return std::nullopt;
  }
  if (close) cursor.consume(close);
  return group;
}

std::optional<SearchKey> parse_key(Cursor& cursor, int depth) {
  if (depth > MaxDepth) {
    cursor.fail("search keys nested less deeply");
    return std::nullopt;
  }
  if (cursor.peek() == '(') {
    cursor.consume('(');
    return parse_group(cursor, depth, ')');
  }
  if (std::isdigit(static_cast<unsigned char>(cursor.peek())) || cursor.peek() == '*')
    return parse_set_key(cursor, K::Sequence);
  struct Flagish {
    const char* name;
    K kind;
  };
  static const Flagish simple[] = {
      {"ALL", K::All},         {"ANSWERED", K::Answered},     {"DELETED", K::Deleted},   {"DRAFT", K::Draft},
      {"FLAGGED", K::Flagged}, {"NEW", K::New},               {"OLD", K::Old},           {"RECENT", K::Recent},
      {"SEEN", K::Seen},       {"UNANSWERED", K::Unanswered}, {"UNDELETED", K::Undeleted}, {"UNDRAFT", K::Undraft},
      {"UNFLAGGED", K::Unflagged}, {"UNSEEN", K::Unseen},
  };
  for (const Flagish& f : simple)
    if (cursor.consume_word(f.name)) {
      SearchKey key;
      key.kind = f.kind;
      return key;
    }
  static const char* headers[] = {"FROM", "TO", "CC", "BCC", "SUBJECT"};
  for (const char* h : headers)
    if (cursor.consume_word(h)) return parse_string_key(cursor, K::Header, h);
  if (cursor.consume_word("HEADER")) {
    if (!cursor.space()) return std::nullopt;
    auto name = cursor.astring();
    if (!name) return std::nullopt;
    return parse_string_key(cursor, K::Header, *name);
  }
  if (cursor.consume_word("BODY")) return parse_string_key(cursor, K::Body);
  if (cursor.consume_word("TEXT")) return parse_string_key(cursor, K::Text);
  if (cursor.consume_word("KEYWORD")) return parse_string_key(cursor, K::Keyword);
  if (cursor.consume_word("UNKEYWORD")) return parse_string_key(cursor, K::Unkeyword);
  if (cursor.consume_word("BEFORE")) return parse_date_key(cursor, K::Before);
  if (cursor.consume_word("ON")) return parse_date_key(cursor, K::On);
  if (cursor.consume_word("SINCE")) return parse_date_key(cursor, K::Since);
  if (cursor.consume_word("SENTBEFORE")) return parse_date_key(cursor, K::SentBefore);
  if (cursor.consume_word("SENTON")) return parse_date_key(cursor, K::SentOn);
  if (cursor.consume_word("SENTSINCE")) return parse_date_key(cursor, K::SentSince);
  const bool larger = cursor.consume_word("LARGER");
  if (larger || cursor.consume_word("SMALLER")) {
    if (!cursor.space()) return std::nullopt;
    auto n = cursor.number();
    if (!n) return std::nullopt;
    SearchKey key;
    key.kind = larger ? K::Larger : K::Smaller;
    key.size = *n;
    return key;
  }
  if (cursor.consume_word("UID")) {
    if (!cursor.space()) return std::nullopt;
    return parse_set_key(cursor, K::Uid);
  }
  if (cursor.consume_word("NOT")) {
    if (!cursor.space()) return std::nullopt;
    auto inner = parse_key(cursor, depth + 1);
    if (!inner) return std::nullopt;
    SearchKey key;
    key.kind = K::Not;
    key.children.push_back(std::move(*inner));
    return key;
  }
  if (cursor.consume_word("OR")) {
    SearchKey key;
    key.kind = K::Or;
    for (int i = 0; i < 2; ++i) {
      if (!cursor.space()) return std::nullopt;
      auto inner = parse_key(cursor, depth + 1);
      if (!inner) return std::nullopt;
      key.children.push_back(std::move(*inner));
    }
    return key;
  }
  cursor.fail("a search key such as ALL, UNSEEN, FROM \"x\", SINCE 1-Feb-2024 or a sequence set");
  return std::nullopt;
}

bool has(const SearchContext& c, const std::string& flag) { return c.flags.count(flag) > 0; }

bool has_keyword(const SearchContext& c, const std::string& keyword) {
  for (const std::string& f : c.flags)
    if (iequals(f, keyword)) return true;
  return false;
}

std::optional<std::int64_t> sent_day(const SearchContext& c) {
  const auto fields = split_fields(header_block(c.message.bytes));
  const RawField* date = find_field(fields, "Date");
  return date ? mail::parse_day(date->value) : std::nullopt;  // the zone is ignored, as RFC 3501 6.4.4 allows
}

}  // namespace

std::optional<SearchKey> parse_search(Cursor& cursor, bool* bad_charset) {
  if (cursor.consume_word("CHARSET")) {
    if (!cursor.space()) return std::nullopt;
    auto charset = cursor.astring();
    if (!charset) return std::nullopt;
    // RFC 3501 6.4.4: US-ASCII must be supported; UTF-8 matches bytewise here.
    if (!iequals(*charset, "US-ASCII") && !iequals(*charset, "UTF-8")) {
      if (bad_charset) *bad_charset = true;
      return std::nullopt;
    }
    if (!cursor.space()) return std::nullopt;
  }
  return parse_group(cursor, 0, '\0');
}

bool matches(const SearchKey& key, const SearchContext& c) {
  const std::int64_t day = mail::day_number(c.message.internal_date, c.epoch);
  switch (key.kind) {
    case K::And:
      for (const SearchKey& k : key.children)
        if (!matches(k, c)) return false;
      return true;
    case K::Or: return matches(key.children[0], c) || matches(key.children[1], c);
    case K::Not: return !matches(key.children[0], c);
    case K::All: return true;
    case K::Answered: return has(c, mail::Answered);
    case K::Deleted: return has(c, mail::Deleted);
    case K::Draft: return has(c, mail::Draft);
    case K::Flagged: return has(c, mail::Flagged);
    case K::New: return has(c, mail::Recent) && !has(c, mail::Seen);
    case K::Old: return !has(c, mail::Recent);
    case K::Recent: return has(c, mail::Recent);
    case K::Seen: return has(c, mail::Seen);
    case K::Unanswered: return !has(c, mail::Answered);
    case K::Undeleted: return !has(c, mail::Deleted);
    case K::Undraft: return !has(c, mail::Draft);
    case K::Unflagged: return !has(c, mail::Flagged);
    case K::Unseen: return !has(c, mail::Seen);
    case K::Keyword: return has_keyword(c, key.text);
    case K::Unkeyword: return !has_keyword(c, key.text);
    case K::Header: {
      // RFC 3501 6.4.4: HEADER with an empty string matches every message having the field.
      for (const RawField& f : split_fields(header_block(c.message.bytes)))
        if (iequals(f.name, key.header) && icontains(f.value, key.text)) return true;
      return false;
    }
    case K::Body: return icontains(body_text(c.message.bytes), key.text);
    case K::Text: return icontains(c.message.bytes, key.text);
    case K::Before: return day < key.day;
    case K::On: return day == key.day;
    case K::Since: return day >= key.day;
    case K::SentBefore: { auto d = sent_day(c); return d && *d < key.day; }
    case K::SentOn: { auto d = sent_day(c); return d && *d == key.day; }
    case K::SentSince: { auto d = sent_day(c); return d && *d >= key.day; }
    case K::Larger: return c.message.bytes.size() > key.size;
    case K::Smaller: return c.message.bytes.size() < key.size;
    case K::Uid: return key.set.contains(c.message.uid, c.largest_uid);
    case K::Sequence: return key.set.contains(c.sequence, c.exists);
  }
  return false;
}

}  // namespace wiresim::imap
