// Bencoding (BEP 3, section "bencoding"): integers, byte strings, lists and dictionaries. The
// decoder is strict, so it accepts only the one canonical encoding of each value and
// bencode(decode(b)) == b byte for byte. Integers are limited to 64 bits; BEP 3 sets no limit.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wiresim::bittorrent {

struct BencodeValue;
using BencodeList = std::vector<BencodeValue>;
// BEP 3: "Keys must be strings and appear in sorted order (sorted as raw strings, not
// alphanumerics)". std::string compares as unsigned char, which is raw byte order; std::less<>
// lets find() take a string_view.
using BencodeDict = std::map<std::string, BencodeValue, std::less<>>;

struct BencodeValue {
  std::variant<std::int64_t, std::string, BencodeList, BencodeDict> data;

  BencodeValue() = default;  // the integer 0
  BencodeValue(std::integral auto integer) : data(static_cast<std::int64_t>(integer)) {}
  BencodeValue(std::string bytes) : data(std::move(bytes)) {}
  BencodeValue(std::string_view bytes) : data(std::string(bytes)) {}
  BencodeValue(const char* bytes) : data(std::string(bytes)) {}
  BencodeValue(BencodeList list) : data(std::move(list)) {}
  BencodeValue(BencodeDict dict) : data(std::move(dict)) {}

  friend bool operator==(const BencodeValue&, const BencodeValue&) = default;
};

// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
constexpr std::size_t MaxBencodeDepth = 64;

struct BencodeError {
  std::size_t offset = 0;  // the byte of the input where the problem was found
  std::string message;     // "bencode: leading zero in integer at byte 0: \"i03e\""
};

struct DecodedBencode {
  BencodeValue value;                // meaningful only when ok()
  std::optional<BencodeError> error;
  bool ok() const { return !error; }
};

// The canonical encoding: "i-3e", "4:spam", "l4:spam4:eggse", "d3:cow3:moo4:spam4:eggse".
std::string bencode(const BencodeValue& value);

// Exactly one value that spans the whole input. Never throws; every violation of BEP 3 is an
// error: leading zeros, "-0", unsorted or repeated keys, a string longer than the input, a
// non-string key, nesting deeper than MaxBencodeDepth, an integer beyond 64 bits, bytes after
// the value.
DecodedBencode decode_bencode(std::string_view input);

// The exact bytes of `key`'s value in the dictionary that is the whole of `input`, without
// decoding it into a value; nothing when `input` is not a valid dictionary or lacks the key.
// A .torrent's info_hash is the SHA-1 of such a span (BEP 3, "metainfo files").
std::optional<std::string_view> raw_dict_value(std::string_view input, std::string_view key);

// Field access that stays short at the call site: each accepts nullptr and gives
// nullptr/nothing when the value is missing or of another kind, so
// `as_string(find(info, "name"))` is one null check.
const BencodeValue* find(const BencodeDict& dict, std::string_view key);
const BencodeValue* find(const BencodeValue* dict, std::string_view key);
std::optional<std::int64_t> as_int(const BencodeValue* value);
const std::string* as_string(const BencodeValue* value);
const BencodeList* as_list(const BencodeValue* value);
const BencodeDict* as_dict(const BencodeValue* value);

}  // namespace wiresim::bittorrent
