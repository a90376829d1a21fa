// Bencoding against BEP 3's own examples, its strictness rules, and a deterministic fuzz loop.
#include <doctest/doctest.h>

#include <random>

#include "protocols/bittorrent/bencode.hpp"

using namespace wiresim::bittorrent;

namespace {

BencodeValue decoded_value(std::string_view input) {
  const DecodedBencode result = decode_bencode(input);
  REQUIRE_MESSAGE(result.ok(), result.error->message);
  return result.value;
}

std::string error_of(std::string_view input) {
  const DecodedBencode result = decode_bencode(input);
  return result.ok() ? std::string("(accepted)") : result.error->message;
}

}  // namespace

TEST_CASE("bencode writes BEP 3's examples") {
  CHECK(bencode(3) == "i3e");
  CHECK(bencode(-3) == "i-3e");
  CHECK(bencode(0) == "i0e");
  CHECK(bencode("spam") == "4:spam");
  CHECK(bencode("") == "0:");
  CHECK(bencode(BencodeList{"spam", "eggs"}) == "l4:spam4:eggse");
  CHECK(bencode(BencodeDict{{"cow", "moo"}, {"spam", "eggs"}}) == "d3:cow3:moo4:spam4:eggse");
  CHECK(bencode(BencodeDict{{"spam", BencodeList{"a", "b"}}}) == "d4:spaml1:a1:bee");
  CHECK(bencode(BencodeList{}) == "le");
  CHECK(bencode(BencodeDict{}) == "de");
}

TEST_CASE("bencode sorts dictionary keys as raw bytes, not as signed chars or text") {
  // 'Z' is 0x5a, 'a' 0x61, 'b' 0x62 and 0xff comes last; a signed comparison would put it first.
  const BencodeDict dict{{"b", 3}, {"\xff", 4}, {"a", 2}, {"Z", 1}};
  CHECK(bencode(dict) == "d1:Zi1e1:ai2e1:bi3e1:\xffi4ee");
  CHECK(decoded_value("d1:Zi1e1:ai2e1:bi3e1:\xffi4ee") == BencodeValue(dict));
  CHECK(error_of("d1:\xffi4e1:Zi1ee") == "bencode: dictionary keys are not in sorted order at byte 7: \"1:Zi1ee\"");
}

TEST_CASE("decode_bencode reads BEP 3's examples back") {
  CHECK(decoded_value("i3e") == BencodeValue(3));
  CHECK(decoded_value("i-3e") == BencodeValue(-3));
  CHECK(decoded_value("i0e") == BencodeValue(0));
  CHECK(decoded_value("4:spam") == BencodeValue("spam"));
  CHECK(decoded_value("0:") == BencodeValue(""));
  CHECK(decoded_value("l4:spam4:eggse") == BencodeValue(BencodeList{"spam", "eggs"}));
  CHECK(decoded_value("d3:cow3:moo4:spam4:eggse") == BencodeValue(BencodeDict{{"cow", "moo"}, {"spam", "eggs"}}));
  CHECK(decoded_value("d4:spaml1:a1:bee") == BencodeValue(BencodeDict{{"spam", BencodeList{"a", "b"}}}));
  CHECK(decoded_value(std::string("3:a\0b", 5)) == BencodeValue(std::string("a\0b", 3)));
}

TEST_CASE("decode_bencode takes the full 64-bit integer range and nothing beyond") {
  CHECK(decoded_value("i9223372036854775807e") == BencodeValue(INT64_MAX));
  CHECK(decoded_value("i-9223372036854775808e") == BencodeValue(INT64_MIN));
  CHECK(error_of("i9223372036854775808e") ==
        "bencode: integer does not fit in 64 bits at byte 0: \"i9223372036854775808...\"");
  CHECK(!decode_bencode("i-9223372036854775809e").ok());
  CHECK(!decode_bencode("i99999999999999999999999e").ok());
}

TEST_CASE("decode_bencode rejects what BEP 3 forbids, with the offset and a readable message") {
  CHECK(error_of("i03e") == "bencode: leading zero in integer at byte 0: \"i03e\"");
  CHECK(error_of("i-0e") == "bencode: negative zero at byte 0: \"i-0e\"");
  CHECK(error_of("i-03e") == "bencode: leading zero in integer at byte 0: \"i-03e\"");
  CHECK(error_of("d4:spam1:a3:cow1:be") ==
        "bencode: dictionary keys are not in sorted order at byte 10: \"3:cow1:be\"");
  CHECK(error_of("d1:ai1e1:ai2ee") == "bencode: repeated dictionary key at byte 7: \"1:ai2ee\"");
  CHECK(error_of("5:abc") == "bencode: string is longer than the rest of the input at byte 0: \"5:abc\"");
  CHECK(error_of("03:abc") == "bencode: leading zero in string length at byte 0: \"03:abc\"");
  CHECK(error_of("i3ei4e") == "bencode: unexpected bytes after the value at byte 3: \"i4e\"");
  CHECK(error_of("") == "bencode: expected a value, got the end of the input at byte 0: \"\"");
  CHECK(error_of("ie") == "bencode: integer without digits at byte 0: \"ie\"");
  CHECK(error_of("i-e") == "bencode: integer without digits at byte 0: \"i-e\"");
  CHECK(error_of("i3") == "bencode: expected 'e' to end the integer at byte 2: \"\"");
  CHECK(error_of("i3x") == "bencode: expected 'e' to end the integer at byte 2: \"x\"");
  CHECK(error_of("i+3e") == "bencode: integer without digits at byte 0: \"i+3e\"");
  CHECK(error_of("4spam") == "bencode: expected ':' after the string length at byte 1: \"spam\"");
  CHECK(error_of("di1ei2ee") == "bencode: dictionary key is not a byte string at byte 1: \"i1ei2ee\"");
  CHECK(error_of("l4:spam") == "bencode: list has no closing 'e' at byte 0: \"l4:spam\"");
  CHECK(error_of("d3:cow") == "bencode: expected a value, got the end of the input at byte 6: \"\"");
  CHECK(error_of("d3:cow3:moo") == "bencode: dictionary has no closing 'e' at byte 0: \"d3:cow3:moo\"");
  CHECK(error_of("x") == "bencode: expected 'i', 'l', 'd' or a string length at byte 0: \"x\"");
  CHECK(error_of("e") == "bencode: expected 'i', 'l', 'd' or a string length at byte 0: \"e\"");
  CHECK(error_of("\x01") == "bencode: expected 'i', 'l', 'd' or a string length at byte 0: \"\\x01\"");
  CHECK(decode_bencode("d4:spam1:a3:cow1:be").error->offset == 10);
  CHECK(!decode_bencode("99999999999999999999999999:x").ok());
}

TEST_CASE("decode_bencode refuses deep nesting without exhausting the stack") {
  const std::string deep = std::string(10000, 'l') + std::string(10000, 'e');
  const DecodedBencode result = decode_bencode(deep);
  REQUIRE(!result.ok());
  CHECK(result.error->offset == 64);  // the 65th list
  CHECK(result.error->message.starts_with("bencode: nesting deeper than 64 lists and dictionaries at byte 64"));
  CHECK(!decode_bencode(std::string(10000, 'l')).ok());
  CHECK(!decode_bencode(std::string(5000, 'd')).ok());

  CHECK(decode_bencode(std::string(64, 'l') + std::string(64, 'e')).ok());
  CHECK(!decode_bencode(std::string(65, 'l') + std::string(65, 'e')).ok());
}

TEST_CASE("a decoded value re-encodes to the same bytes") {
  for (std::string_view input : {"d3:cow3:moo4:spam4:eggse", "li1ei-2e0:le1:xdee", "d1:ad1:bd1:cli0eeeee"})
    CHECK(bencode(decoded_value(input)) == input);
}

TEST_CASE("field helpers find keys and check kinds") {
  const BencodeValue value = decoded_value("d3:agei42e4:name3:bob4:tagsl1:a1:bee");
  CHECK(as_int(find(&value, "age")) == 42);
  CHECK(*as_string(find(&value, "name")) == "bob");
  CHECK(as_list(find(&value, "tags"))->size() == 2);
  CHECK(as_dict(&value)->size() == 3);
  // A missing key and a wrong kind both give nothing, and nullptr is accepted everywhere.
  CHECK(find(&value, "missing") == nullptr);
  CHECK(!as_int(find(&value, "name")));
  CHECK(as_string(find(&value, "age")) == nullptr);
  CHECK(find(find(&value, "age"), "x") == nullptr);
  CHECK(as_dict(nullptr) == nullptr);
  CHECK(as_list(nullptr) == nullptr);
}

TEST_CASE("raw_dict_value gives the exact bytes of one entry's value") {
  const std::string input = "d8:announce3:url4:infod6:lengthi8ee5:otheri1ee";
  CHECK(raw_dict_value(input, "info") == std::optional<std::string_view>("d6:lengthi8ee"));
  CHECK(raw_dict_value(input, "announce") == std::optional<std::string_view>("3:url"));
  CHECK(raw_dict_value(input, "other") == std::optional<std::string_view>("i1e"));
  CHECK(!raw_dict_value(input, "missing"));
  CHECK(!raw_dict_value("l4:infoe", "info"));
  CHECK(!raw_dict_value("d4:infoi1e", "info"));  // not a valid dictionary
}

TEST_CASE("decode_bencode survives random and mutated input, and accepts only canonical bytes") {
  std::mt19937 random(20240601);
  const std::vector<std::string> samples = {
      "d3:cow3:moo4:spam4:eggse", "l4:spam4:eggsi-42ee", "d4:infod6:lengthi100e4:name1:x12:piece lengthi16ee4:listlleee",
      "i9223372036854775807e", "10:0123456789"};
  const auto byte = [&] { return static_cast<char>(random() & 0xff); };
  const std::string alphabet = "ilde0123456789:-";
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    switch (round % 3) {
      case 0:  // random bytes
        for (int i = 0, n = static_cast<int>(random() % 24); i < n; ++i) input += byte();
        break;
      case 1:  // random bencode-looking tokens
        for (int i = 0, n = static_cast<int>(random() % 24); i < n; ++i) input += alphabet[random() % alphabet.size()];
        break;
      default: {  // a valid sample with a few bytes changed, inserted, removed or cut off
        input = samples[random() % samples.size()];
        for (int edits = 1 + static_cast<int>(random() % 3); edits > 0 && !input.empty(); --edits) {
          const std::size_t at = random() % input.size();
          switch (random() % 4) {
            case 0: input[at] = byte(); break;
            case 1: input.insert(at, 1, alphabet[random() % alphabet.size()]); break;
            case 2: input.erase(at, 1); break;
            default: input.resize(at); break;
          }
        }
      }
    }
    const DecodedBencode result = decode_bencode(input);
    if (result.ok()) {
      ++accepted;
      CHECK(bencode(result.value) == input);
    } else {
      CHECK(result.error->offset <= input.size());
      CHECK(result.error->message.starts_with("bencode: "));
    }
  }
  CHECK(accepted > 100);  // the loop exercises both outcomes
}
