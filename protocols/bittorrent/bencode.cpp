#include "protocols/bittorrent/bencode.hpp"

#include "protocols/bittorrent/types.hpp"

#include <limits>

namespace wiresim::bittorrent {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void encode_into(const BencodeValue& value, std::string& out) {
  if (const auto* integer = std::get_if<std::int64_t>(&value.data)) {
    out += 'i';
    out += std::to_string(*integer);
    out += 'e';
  } else if (const auto* bytes = std::get_if<std::string>(&value.data)) {
    out += std::to_string(bytes->size());
    out += ':';
    out += *bytes;
  } else if (const auto* list = std::get_if<BencodeList>(&value.data)) {
    out += 'l';
    for (const BencodeValue& item : *list) encode_into(item, out);
    out += 'e';
  } else if (const auto* dict = std::get_if<BencodeDict>(&value.data)) {
    out += 'd';
    for (const auto& [key, item] : *dict) {  // the map is already in raw byte order
      out += std::to_string(key.size());
      out += ':';
      out += key;
      encode_into(item, out);
    }
    out += 'e';
  }
}

// A recursive-descent reader over the whole input; the recursion is bounded by
// MaxBencodeDepth, not by the input.
class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input) {}

  std::size_t position() const { return pos_; }
  bool at_end() const { return pos_ >= input_.size(); }
  char peek() const { return input_[pos_]; }
  void advance() { ++pos_; }
  const std::optional<BencodeError>& error() const { return error_; }

  // The value that starts at the current position; false (and error()) when it is malformed.
  bool value(BencodeValue& out, std::size_t depth) {
    if (at_end()) return fail(pos_, "expected a value, got the end of the input");
    const char c = peek();
    if (c == 'i') return integer(out);
    if (is_digit(c)) {
      std::string bytes;
      if (!string(bytes)) return false;
      out.data = std::move(bytes);
      return true;
    }
    if (c == 'l' || c == 'd') {
      if (depth >= MaxBencodeDepth) return fail(pos_, "nesting deeper than 64 lists and dictionaries");
      return c == 'l' ? list(out, depth + 1) : dict(out, depth + 1);
    }
    return fail(pos_, "expected 'i', 'l', 'd' or a string length");
  }

  // BEP 3: "A byte string ... is encoded as its length in base ten followed by a colon and
  // the string." A length with a leading zero would make a second encoding of the same string.
  bool string(std::string& out) {
    const std::size_t start = pos_;
    if (at_end() || !is_digit(peek())) return fail(pos_, "expected a string length");
    std::uint64_t length = 0;
    bool longer_than_input = false;
    while (!at_end() && is_digit(peek())) {
      if (pos_ > start && input_[start] == '0') return fail(start, "leading zero in string length");
      length = length * 10 + static_cast<std::uint64_t>(peek() - '0');
      if (length > input_.size()) {  // keep counting digits, but without overflowing
        longer_than_input = true;
        length = input_.size() + 1;
      }
      advance();
    }
    if (at_end() || peek() != ':') return fail(pos_, "expected ':' after the string length");
    advance();
    if (longer_than_input || length > input_.size() - pos_)
      return fail(start, "string is longer than the rest of the input");
    out.assign(input_.substr(pos_, length));
    pos_ += length;
    return true;
  }

 private:
  // BEP 3: "i-0e is invalid. All encodings with a leading zero, such as i03e, are invalid,
  // other than i0e".
  bool integer(BencodeValue& out) {
    const std::size_t start = pos_;
    advance();  // 'i'
    const bool negative = !at_end() && peek() == '-';
    if (negative) advance();
    const std::size_t digits = pos_;
    // The magnitude of INT64_MIN is one more than INT64_MAX.
    const std::uint64_t limit = std::uint64_t{std::numeric_limits<std::int64_t>::max()} + (negative ? 1 : 0);
    std::uint64_t magnitude = 0;
    while (!at_end() && is_digit(peek())) {
      const auto digit = static_cast<std::uint64_t>(peek() - '0');
      if (magnitude > (limit - digit) / 10) return fail(start, "integer does not fit in 64 bits");
      magnitude = magnitude * 10 + digit;
      advance();
    }
    if (pos_ == digits) return fail(start, "integer without digits");
    if (input_[digits] == '0' && pos_ - digits > 1) return fail(start, "leading zero in integer");
    if (negative && magnitude == 0) return fail(start, "negative zero");
    if (at_end() || peek() != 'e') return fail(pos_, "expected 'e' to end the integer");
    advance();
    out.data = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
    return true;
  }

  bool list(BencodeValue& out, std::size_t depth) {
    const std::size_t start = pos_;
    advance();  // 'l'
    BencodeList items;
    while (true) {
      if (at_end()) return fail(start, "list has no closing 'e'");
      if (peek() == 'e') break;
      BencodeValue item;
      if (!value(item, depth)) return false;
      items.push_back(std::move(item));
    }
    advance();
    out.data = std::move(items);
    return true;
  }

  bool dict(BencodeValue& out, std::size_t depth) {
    const std::size_t start = pos_;
    advance();  // 'd'
    BencodeDict entries;
    while (true) {
      if (at_end()) return fail(start, "dictionary has no closing 'e'");
      if (peek() == 'e') break;
      const std::size_t key_start = pos_;
      if (!is_digit(peek())) return fail(pos_, "dictionary key is not a byte string");
      std::string key;
      if (!string(key)) return false;
      if (!entries.empty()) {
        const std::string& previous = entries.rbegin()->first;
        if (key == previous) return fail(key_start, "repeated dictionary key");
        if (key < previous) return fail(key_start, "dictionary keys are not in sorted order");
      }
      BencodeValue item;
      if (!value(item, depth)) return false;
      entries.emplace_hint(entries.end(), std::move(key), std::move(item));
    }
    advance();
    out.data = std::move(entries);
    return true;
  }

  bool fail(std::size_t offset, std::string_view what) {
    std::string message = "bencode: ";
    message += what;
    message += " at byte ";
    message += std::to_string(offset);
    message += ": ";
    message += quote_bytes(input_.substr(std::min(offset, input_.size())), 20);
    error_ = BencodeError{offset, std::move(message)};
    return false;
  }

  std::string_view input_;
  std::size_t pos_ = 0;
  std::optional<BencodeError> error_;
};

}  // namespace

std::string bencode(const BencodeValue& value) {
  std::string out;
  encode_into(value, out);
  return out;
}

DecodedBencode decode_bencode(std::string_view input) {
  Parser parser(input);
  DecodedBencode result;
  if (!parser.value(result.value, 0)) {
    result.error = parser.error();
    result.value = BencodeValue{};
    return result;
  }
  if (!parser.at_end()) {
    std::string message = "bencode: unexpected bytes after the value at byte ";
    message += std::to_string(parser.position());
    message += ": ";
    message += quote_bytes(input.substr(std::min(parser.position(), input.size())), 20);
    result.error = BencodeError{parser.position(), std::move(message)};
    result.value = BencodeValue{};
  }
  return result;
}

std::optional<std::string_view> raw_dict_value(std::string_view input, std::string_view key) {
  const DecodedBencode whole = decode_bencode(input);
  if (!whole.ok() || !as_dict(&whole.value)) return std::nullopt;
  // The input is a valid dictionary, so this walk over its entries cannot fail.
  Parser parser(input);
  parser.advance();  // 'd'
  while (!parser.at_end() && parser.peek() != 'e') {
    std::string entry_key;
    BencodeValue ignored;
    if (!parser.string(entry_key)) return std::nullopt;
    const std::size_t start = parser.position();
    if (!parser.value(ignored, 1)) return std::nullopt;
    if (entry_key == key) return input.substr(start, parser.position() - start);
  }
  return std::nullopt;
}

const BencodeValue* find(const BencodeDict& dict, std::string_view key) {
  const auto it = dict.find(key);
  return it == dict.end() ? nullptr : &it->second;
}

const BencodeValue* find(const BencodeValue* dict, std::string_view key) {
  const BencodeDict* entries = as_dict(dict);
  return entries ? find(*entries, key) : nullptr;
}

std::optional<std::int64_t> as_int(const BencodeValue* value) {
  if (!value) return std::nullopt;
  if (const auto* integer = std::get_if<std::int64_t>(&value->data)) return *integer;
  return std::nullopt;
}

const std::string* as_string(const BencodeValue* value) {
  return value ? std::get_if<std::string>(&value->data) : nullptr;
}

const BencodeList* as_list(const BencodeValue* value) {
  return value ? std::get_if<BencodeList>(&value->data) : nullptr;
}

const BencodeDict* as_dict(const BencodeValue* value) {
  return value ? std::get_if<BencodeDict>(&value->data) : nullptr;
}

}  // namespace wiresim::bittorrent
