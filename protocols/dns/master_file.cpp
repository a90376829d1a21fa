// Reads zone data in the RFC 1035 section 5 master-file format, stopping at the first error
// with its line and column. Leaves out $INCLUDE, $GENERATE, classes other than IN and the
// RFC 3597 "\#" form for unknown types.
#include "protocols/dns/master_file.hpp"

#include "protocols/dns/name.hpp"

namespace wiresim::dns {
namespace {

constexpr std::uint32_t MaxTtl = 0x7FFFFFFF;  // RFC 2181 8: a TTL is an unsigned 31-bit number
constexpr std::string_view KnownTypes = "A, AAAA, NS, CNAME, SOA, MX, PTR, TXT";

// Scenario text in a message: at most 40 characters of it.
std::string quoted(std::string_view text) {
  std::string out = "'";
  out.append(text.substr(0, 40));
  if (text.size() > 40) out += "...";
  out += '\'';
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// Digits only, at most `max`.
std::optional<std::uint32_t> parse_number(std::string_view text, std::uint32_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > max) return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

// Seconds, or BIND's units: "1w", "2D", "1h30m". A bare number is allowed only alone, as in
// BIND ("1h30" is an error), so a forgotten unit is noticed.
std::optional<std::uint32_t> parse_duration(std::string_view text, std::uint32_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t total = 0, current = 0;
  bool digits = false, units = false;
  for (const char c : text) {
    if (is_digit(c)) {
      current = current * 10 + static_cast<std::uint64_t>(c - '0');
      if (current > max) return std::nullopt;
      digits = true;
      continue;
    }
    std::uint64_t seconds = 0;
    switch (c) {
      case 'w': case 'W': seconds = 7 * 86400; break;
      case 'd': case 'D': seconds = 86400; break;
      case 'h': case 'H': seconds = 3600; break;
      case 'm': case 'M': seconds = 60; break;
      case 's': case 'S': seconds = 1; break;
      default: return std::nullopt;
    }
    if (!digits) return std::nullopt;
    total += current * seconds;
    if (total > max) return std::nullopt;
    current = 0;
    digits = false;
    units = true;
  }
  if (digits) {
    if (units) return std::nullopt;
    total = current;
  }
  return static_cast<std::uint32_t>(total);
}

// Four decimal numbers 0..255 separated by dots.
std::optional<AData> parse_ipv4(std::string_view text) {
  AData a;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t dot = text.find('.');
    const bool last = i == 3;
    if (last != (dot == std::string_view::npos)) return std::nullopt;
    const std::string_view part = text.substr(0, dot);
    if (part.size() > 3) return std::nullopt;
    const auto value = parse_number(part, 255);
    if (!value) return std::nullopt;
    a.address[i] = static_cast<std::uint8_t>(*value);
    if (!last) text.remove_prefix(dot + 1);
  }
  return a;
}

// The groups of one side of "::": hex groups of 1..4 digits, the last of them possibly an
// IPv4 address (RFC 4291 2.2, form 3) that counts as two groups.
bool parse_ipv6_groups(std::string_view text, std::vector<std::uint16_t>& groups) {
  if (text.empty()) return true;
  for (;;) {
    const std::size_t colon = text.find(':');
    const std::string_view part = text.substr(0, colon);
    if (colon == std::string_view::npos && part.find('.') != std::string_view::npos) {
      const auto v4 = parse_ipv4(part);
      if (!v4) return false;
      groups.push_back(static_cast<std::uint16_t>(v4->address[0] << 8 | v4->address[1]));
      groups.push_back(static_cast<std::uint16_t>(v4->address[2] << 8 | v4->address[3]));
      return true;
    }
    if (part.empty() || part.size() > 4) return false;
    unsigned value = 0;
    for (const char c : part) {
      unsigned digit = 0;
      if (is_digit(c)) digit = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
      else return false;
      value = value * 16 + digit;
    }
    groups.push_back(static_cast<std::uint16_t>(value));
    if (colon == std::string_view::npos) return true;
    text.remove_prefix(colon + 1);
  }
}

// RFC 4291 2.2: eight groups, or fewer with one "::" standing for the zero groups left out.
std::optional<AaaaData> parse_ipv6(std::string_view text) {
  const std::size_t gap = text.find("::");
  if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
  std::vector<std::uint16_t> head, tail;
  if (gap == std::string_view::npos) {
    if (!parse_ipv6_groups(text, head) || head.size() != 8) return std::nullopt;
  } else {
    const std::string_view before = text.substr(0, gap);
    if (before.find('.') != std::string_view::npos) return std::nullopt;  // IPv4 only at the end
    if (!parse_ipv6_groups(before, head) || !parse_ipv6_groups(text.substr(gap + 2), tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
  }
  AaaaData aaaa;
  const auto put = [&](std::size_t group, std::uint16_t value) {
    aaaa.address[2 * group] = static_cast<std::uint8_t>(value >> 8);
    aaaa.address[2 * group + 1] = static_cast<std::uint8_t>(value & 0xFF);
  };
  for (std::size_t i = 0; i < head.size(); ++i) put(i, head[i]);
  for (std::size_t i = 0; i < tail.size(); ++i) put(8 - tail.size() + i, tail[i]);
  return aaaa;
}

// A TXT string with its escapes undone (RFC 1035 5.1: "\X" is X, "\DDD" an octet); "" when
// fine, else what is wrong.
std::string unescape(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 == text.size()) return "a string cannot end with a lone '\\'";
    if (!is_digit(text[i + 1])) {
      out += text[++i];
      continue;
    }
    const std::string_view digits = text.substr(i + 1, 3);
    const auto value = digits.size() == 3 ? parse_number(digits, 999) : std::nullopt;
    if (!value) return "escape " + quoted(text.substr(i, 4)) + " needs three decimal digits";
    if (*value > 255) return "escape " + quoted(text.substr(i, 4)) + " is over 255";
    out += static_cast<char>(*value);
    i += 3;
  }
  return "";
}

struct Token {
  std::string text;  // as written, escapes kept; without the quotes of a quoted string
  std::size_t line = 0, column = 0;
  bool quoted = false;
};

// One record or directive: the tokens of one line, or of several joined by parentheses.
struct Entry {
  std::vector<Token> tokens;
  bool blank_owner = false;  // the line began with a space or tab
  std::size_t line = 0;
};

// Splits the text into entries: comments, parentheses and quotes are handled here, so the
// parser only sees tokens.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // The next entry; false at the end of the text or on an error (then error() is set).
  bool next(Entry& entry) {
    entry = Entry{};
    bool open = false;
    std::size_t open_line = 0, open_column = 0;
    bool line_start = pos_ == line_begin_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (line_start && !open) {
        entry.blank_owner = c == ' ' || c == '\t';
        entry.line = line_;
      }
      line_start = false;
      if (c == '\n') {
        ++pos_;
        ++line_;
        line_begin_ = pos_;
        line_start = true;
        if (!open && !entry.tokens.empty()) return true;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
        continue;
      }
      if (c == ';') {  // a comment runs to the end of the line
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        continue;
      }
      if (c == '(') {
        if (open) {
          std::string message = "a second '(' before the ')' of the one on line " + std::to_string(open_line);
          return fail(line_, column(), message);
        }
        open = true;
        open_line = line_;
        open_column = column();
        ++pos_;
        continue;
      }
      if (c == ')') {
        if (!open) return fail(line_, column(), "')' without a '(' before it");
        open = false;
        ++pos_;
        continue;
      }
      Token token;
      token.line = line_;
      token.column = column();
      if (c == '"') {
        token.quoted = true;
        ++pos_;
        for (;;) {
          if (pos_ >= text_.size() || text_[pos_] == '\n') {
            return fail(token.line, token.column, "unterminated quoted string");
          }
          const char d = text_[pos_];
          if (d == '"') {
            ++pos_;
            break;
          }
          token.text += d;
          ++pos_;
          if (d == '\\' && pos_ < text_.size() && text_[pos_] != '\n') token.text += text_[pos_++];
        }
      } else {
        while (pos_ < text_.size()) {
          const char d = text_[pos_];
          if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';' || d == '(' || d == ')' || d == '"') break;
          token.text += d;
          ++pos_;
          // "\;" or "\ " belongs to the token (RFC 1035 5.1: "\X" quotes X).
          if (d == '\\' && pos_ < text_.size() && text_[pos_] != '\n') token.text += text_[pos_++];
        }
      }
      entry.tokens.push_back(std::move(token));
    }
    if (open) {
      return fail(open_line, open_column, "missing ')' to close the '(' on line " + std::to_string(open_line));
    }
    return !entry.tokens.empty();
  }

  const std::optional<MasterFileError>& error() const { return error_; }

 private:
  std::size_t column() const { return pos_ - line_begin_ + 1; }
  bool fail(std::size_t line, std::size_t column, std::string message) {
    error_ = MasterFileError{line, column, std::move(message)};
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0, line_ = 1, line_begin_ = 0;
  std::optional<MasterFileError> error_;
};

// Turns entries into records, keeping $ORIGIN, $TTL and the previous owner between them.
class Parser {
 public:
  Parser(std::string_view origin, std::uint32_t default_ttl) : origin_(origin), default_ttl_(default_ttl) {}

  // Adds the entry's record to `out`; false with error() set when the entry is wrong.
  bool entry(const Entry& e, std::vector<ResourceRecord>& out) {
    tokens_ = &e.tokens;
    next_ = 0;
    if (!e.tokens.empty() && !e.tokens[0].quoted && e.tokens[0].text.starts_with('$')) return directive();
    ResourceRecord rr;
    if (e.blank_owner) {
      if (previous_owner_.empty()) {
        return fail(e.line, 1, "a line that starts with a space repeats the previous owner, but there is none yet");
      }
      rr.name = previous_owner_;
    } else if (!name(*take(), rr.name)) {
      return false;
    }
    previous_owner_ = rr.name;

    // RFC 1035 5.1: "[<TTL>] [<class>] <type> <RDATA>" or "[<class>] [<TTL>] <type> <RDATA>".
    std::optional<std::uint32_t> ttl;
    bool has_class = false;
    while (const Token* t = peek()) {
      if (!ttl && !t->quoted && !t->text.empty() && is_digit(t->text[0])) {
        ttl = parse_ttl(t->text);
        if (!ttl) {
          std::string message = "TTL must be seconds or a duration like 1h30m, at most 2147483647 (RFC 2181 8), got ";
          return fail(*t, message + quoted(t->text));
        }
        take();
      } else if (!has_class && is_class(t->text)) {
        if (upper(t->text) != "IN") return fail(*t, "only class IN is supported, got " + quoted(t->text));
        has_class = true;
        take();
      } else {
        break;
      }
    }
    // RFC 2308 4: without a TTL of its own a record takes $TTL, here else the caller's default
    // (not RFC 1035's "last TTL written", which RFC 2308 replaced).
    rr.ttl = ttl.value_or(zone_ttl_.value_or(default_ttl_));

    const Token* type_token = take();
    if (!type_token) {
      const Token& last = tokens_->back();
      return fail(last, "expected a record type such as A or MX after " + quoted(last.text) + ", got nothing");
    }
    const auto type = parse_type(type_token->text);
    if (!type || !supported(*type)) {
      std::string message = "unknown record type " + quoted(type_token->text) + "; known types: ";
      message += KnownTypes;
      return fail(*type_token, message);
    }
    rr.type = *type;
    rr.klass = ClassIn;
    if (!rdata(*type_token, rr)) return false;
    out.push_back(std::move(rr));
    return true;
  }

  const std::optional<MasterFileError>& error() const { return error_; }

 private:
  static bool supported(RrType type) {
    switch (type) {
      case RrType::A: case RrType::AAAA: case RrType::NS: case RrType::CNAME:
      case RrType::SOA: case RrType::MX: case RrType::PTR: case RrType::TXT: return true;
      default: return false;
    }
  }

  // RFC 1035 3.2.4 mnemonics and RFC 3597 5's "CLASSnn": anything that looks like a class.
  static bool is_class(std::string_view text) {
    const std::string u = upper(text);
    if (u == "IN" || u == "CH" || u == "CS" || u == "HS" || u == "CHAOS" || u == "HESIOD") return true;
    return u.size() > 5 && u.starts_with("CLASS") && parse_number(std::string_view(u).substr(5), 0xFFFF).has_value();
  }

  const Token* peek() const { return next_ < tokens_->size() ? &(*tokens_)[next_] : nullptr; }
  const Token* take() { return next_ < tokens_->size() ? &(*tokens_)[next_++] : nullptr; }
  static std::string got(const Token* t) { return t ? quoted(t->text) : "nothing"; }

  bool fail(std::size_t line, std::size_t column, std::string message) {
    error_ = MasterFileError{line, column, std::move(message)};
    return false;
  }
  bool fail(const Token& t, std::string message) { return fail(t.line, t.column, std::move(message)); }

  // Nothing may follow the data a record needs.
  bool at_end(std::string_view what) {
    const Token* extra = peek();
    if (!extra) return true;
    std::string message = "unexpected " + quoted(extra->text) + " after ";
    message += what;
    return fail(*extra, message);
  }

  // A name as written in the file, completed with the origin and checked.
  bool name(const Token& t, std::string& out) {
    out = absolute(t.text, origin_);
    if (const std::string why = check_name(out); !why.empty()) return fail(t, why);
    return true;
  }

  bool directive() {
    const Token& word = *take();
    const std::string keyword = upper(word.text);
    const Token* value = take();
    if (keyword == "$ORIGIN") {
      // RFC 1035 5.1: a relative $ORIGIN is completed with the current one.
      if (!value) return fail(word, "$ORIGIN needs a domain name such as example.com., got nothing");
      std::string origin;
      if (!name(*value, origin)) return false;
      origin_ = origin;
      return at_end("$ORIGIN's name");
    }
    if (keyword == "$TTL") {
      // RFC 2308 4: the TTL of the records that do not give one.
      const auto ttl = value ? parse_ttl(value->text) : std::nullopt;
      if (!ttl) return fail(value ? *value : word, "$TTL needs a TTL such as 3600 or 1h, got " + got(value));
      zone_ttl_ = ttl;
      return at_end("$TTL's value");
    }
    if (keyword == "$INCLUDE") return fail(word, "'$INCLUDE' is not supported; put the records here");
    if (keyword == "$GENERATE") return fail(word, "'$GENERATE' is not supported; write the records out");
    return fail(word, "unknown directive " + quoted(word.text) + "; known: $ORIGIN, $TTL");
  }

  bool rdata(const Token& type_token, ResourceRecord& rr) {
    const Token* t = nullptr;
    switch (rr.type) {
      case RrType::A: {
        t = take();
        const auto a = t ? parse_ipv4(t->text) : std::nullopt;
        if (!a) return fail(t ? *t : type_token, "A record needs an IPv4 address such as 192.0.2.1, got " + got(t));
        rr.data = *a;
        return at_end("the A record's address");
      }
      case RrType::AAAA: {
        t = take();
        const auto aaaa = t ? parse_ipv6(t->text) : std::nullopt;
        if (!aaaa) {
          return fail(t ? *t : type_token, "AAAA record needs an IPv6 address such as 2001:db8::1, got " + got(t));
        }
        rr.data = *aaaa;
        return at_end("the AAAA record's address");
      }
      case RrType::NS:
      case RrType::CNAME:
      case RrType::PTR: {
        const std::string type = type_name(rr.type);
        t = take();
        if (!t) return fail(type_token, type + " record needs a domain name such as host.example.com., got nothing");
        NameData n;
        if (!name(*t, n.target)) return false;
        rr.data = std::move(n);
        return at_end("the " + type + " record's name");
      }
      case RrType::MX: {
        const Token* preference = take();
        t = take();
        if (!preference || !t) {
          return fail(type_token,
                      "MX record needs a preference and a mail server name, as in \"10 mail.example.com.\"");
        }
        const auto value = parse_number(preference->text, 0xFFFF);
        if (!value) {
          return fail(*preference, "MX preference must be a number from 0 to 65535, got " + quoted(preference->text));
        }
        MxData mx;
        mx.preference = static_cast<std::uint16_t>(*value);
        if (!name(*t, mx.exchange)) return false;
        rr.data = std::move(mx);
        return at_end("the MX record's mail server name");
      }
      case RrType::SOA: return soa(type_token, rr);
      case RrType::TXT: return txt(type_token, rr);
      default: return false;  // supported() let only the types above through
    }
  }

  bool soa(const Token& type_token, ResourceRecord& rr) {
    std::array<const Token*, 7> fields{};
    for (auto& field : fields) field = take();
    if (!fields[6]) {
      return fail(type_token,
                  "SOA record needs mname, rname, serial, refresh, retry, expire and minimum, as in "
                  "\"ns1.example.com. admin.example.com. 1 7200 3600 1209600 300\"");
    }
    SoaData soa;
    if (!name(*fields[0], soa.mname) || !name(*fields[1], soa.rname)) return false;
    const auto serial = parse_duration(fields[2]->text, 0xFFFFFFFF);
    if (!serial) {
      return fail(*fields[2], "SOA serial must be a number such as 2024010101, got " + quoted(fields[2]->text));
    }
    soa.serial = *serial;
    const std::array<const char*, 4> names = {"refresh", "retry", "expire", "minimum"};
    const std::array<std::uint32_t*, 4> values = {&soa.refresh, &soa.retry, &soa.expire, &soa.minimum};
    for (std::size_t i = 0; i < 4; ++i) {
      const Token& field = *fields[3 + i];
      const auto value = parse_ttl(field.text);
      if (!value) {
        std::string message = "SOA ";
        message += names[i];
        message += " must be seconds or a duration like 1h, got " + quoted(field.text);
        return fail(field, message);
      }
      *values[i] = *value;
    }
    rr.data = std::move(soa);
    return at_end("the SOA record's minimum");
  }

  bool txt(const Token& type_token, ResourceRecord& rr) {
    TxtData txt;
    while (const Token* t = take()) {
      std::string s;
      if (const std::string why = unescape(t->text, s); !why.empty()) return fail(*t, why);
      // RFC 1035 3.3: a <character-string> has a one-octet length.
      if (s.size() > 255) {
        std::string message = "TXT string of " + std::to_string(s.size());
        message += " octets; a string is at most 255 (RFC 1035 3.3)";
        return fail(*t, message);
      }
      txt.strings.push_back(std::move(s));
    }
    if (txt.strings.empty()) return fail(type_token, "TXT record needs at least one string, as in \"v=spf1 -all\"");
    rr.data = std::move(txt);
    return true;
  }

  std::string origin_;
  std::uint32_t default_ttl_;
  std::optional<std::uint32_t> zone_ttl_;  // from $TTL
  std::string previous_owner_;
  const std::vector<Token>* tokens_ = nullptr;
  std::size_t next_ = 0;
  std::optional<MasterFileError> error_;
};

}  // namespace

std::optional<std::uint32_t> parse_ttl(std::string_view text) { return parse_duration(text, MaxTtl); }

MasterFile parse_master_file(std::string_view text, std::string_view origin, std::uint32_t default_ttl) {
  MasterFile result;
  if (const std::string why = check_name(origin); !why.empty()) {
    result.error = MasterFileError{1, 1, "the origin is not a valid name: " + why};
    return result;
  }
  Lexer lexer(text);
  Parser parser(origin, default_ttl);
  Entry entry;
  while (lexer.next(entry)) {
    if (!parser.entry(entry, result.records)) {
      result.error = parser.error();
      return result;
    }
  }
  result.error = lexer.error();
  return result;
}

}  // namespace wiresim::dns
