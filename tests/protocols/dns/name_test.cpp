#include <doctest/doctest.h>

#include "protocols/dns/name.hpp"

using namespace wiresim::dns;

TEST_CASE("dns labels split a name most specific first and the root has none") {
  CHECK(labels("www.example.com.") == std::vector<std::string>{"www", "example", "com"});
  CHECK(labels(".").empty());
  CHECK(label_count("www.example.com.") == 3);
  CHECK(label_count(".") == 0);
}

TEST_CASE("dns labels undo the escapes of presentation form") {
  CHECK(labels("a\\.b.example.") == std::vector<std::string>{"a.b", "example"});
  CHECK(labels("back\\\\slash.") == std::vector<std::string>{"back\\slash"});
  CHECK(labels("\\065\\000z.") == std::vector<std::string>{std::string("A\0z", 3)});
  CHECK(label_count("a\\.b.example.") == 2);
}

TEST_CASE("dns from_labels escapes dots, backslashes and unprintable octets as dig does") {
  CHECK(from_labels({}) == ".");
  CHECK(from_labels({"www", "example", "com"}) == "www.example.com.");
  CHECK(from_labels({"a.b", "c\\d"}) == "a\\.b.c\\\\d.");
  CHECK(from_labels({std::string("sp ace\0\x7f\xff", 9)}) == "sp\\032ace\\000\\127\\255.");
}

TEST_CASE("dns from_labels and labels round-trip every octet") {
  std::string all;
  for (int i = 0; i < 63; ++i) all += static_cast<char>(i * 4 + 3);
  const std::vector<std::string> parts = {all, "x"};
  CHECK(labels(from_labels(parts)) == parts);
}

TEST_CASE("dns check_name accepts absolute names and the root") {
  CHECK(check_name(".") == "");
  CHECK(check_name("www.example.com.") == "");
  CHECK(check_name("*.example.com.") == "");
  CHECK(check_name("a\\.b.example.") == "");
  CHECK(check_name(std::string(63, 'x') + ".") == "");
}

TEST_CASE("dns check_name rejects empty, relative and empty-label names") {
  CHECK(check_name("") == "empty name; the root is written '.'");
  CHECK(check_name("www.example.com") == "name 'www.example.com' does not end with '.'; absolute names end with a dot");
  CHECK(check_name("a..b.") == "name 'a..b.' has an empty label");
  CHECK(check_name(".com.") == "name '.com.' has an empty label");
  CHECK(check_name("a\\.") == "name 'a\\.' does not end with '.'; absolute names end with a dot");
}

TEST_CASE("dns check_name rejects a label over 63 octets, quoting at most 60 characters") {
  const std::string label(70, 'x');
  CHECK(check_name("www." + label + ".com.") ==
        "label '" + std::string(60, 'x') + "...' is 70 octets; a label is at most 63 (RFC 1035 2.3.4)");
  // An escape counts as the one octet it stands for.
  CHECK(check_name(std::string(62, 'x') + "\\046.") == "");
}

TEST_CASE("dns check_name rejects a name over 255 octets on the wire") {
  // Four labels of 63 octets: 4 * 64 + 1 = 257 octets.
  const std::string label(63, 'a');
  const std::string name = label + "." + label + "." + label + "." + label + ".";
  CHECK(check_name(name) == "name '" + std::string(60, 'a') + "...' is 257 octets on the wire; a name is at most 255 (RFC 1035 2.3.4)");
  // 3 * 64 + 62 + 1 = 255 is still fine.
  CHECK(check_name(label + "." + label + "." + label + "." + std::string(61, 'a') + ".") == "");
}

TEST_CASE("dns check_name rejects malformed escapes") {
  CHECK(check_name("a\\") == "name 'a\\' ends inside an escape");
  CHECK(check_name("a\\1x.") == "escape '\\1x.' in name 'a\\1x.' needs three decimal digits");
  CHECK(check_name("a\\300.") == "escape '\\300' in name 'a\\300.' is over 255");
}

TEST_CASE("dns absolute completes zone file names with the origin") {
  CHECK(absolute("@", "example.com.") == "example.com.");
  CHECK(absolute("www", "example.com.") == "www.example.com.");
  CHECK(absolute("www.example.org.", "example.com.") == "www.example.org.");
  CHECK(absolute("www", ".") == "www.");
  CHECK(absolute("a\\.", "example.com.") == "a\\..example.com.");
  CHECK(absolute("a\\\\.", "example.com.") == "a\\\\.");
}

TEST_CASE("dns canonical lower-cases ASCII letters only") {
  CHECK(canonical("WWW.Example.COM.") == "www.example.com.");
  CHECK(canonical("\xC3\x84.") == "\xC3\x84.");
  CHECK(canonical("\\065.com.") == "a.com.");
}

TEST_CASE("dns same_name ignores case") {
  CHECK(same_name("WWW.example.com.", "www.EXAMPLE.com."));
  CHECK_FALSE(same_name("www.example.com.", "ww.example.com."));
}

TEST_CASE("dns in_zone compares whole labels, ignoring case") {
  CHECK(in_zone("www.example.com.", "example.com."));
  CHECK(in_zone("www.EXAMPLE.com.", "Example.COM."));
  CHECK(in_zone("example.com.", "example.com."));
  CHECK(in_zone("www.example.com.", "com."));
  CHECK(in_zone("www.example.com.", "."));
  CHECK_FALSE(in_zone("xample.com.", "example.com."));
  CHECK_FALSE(in_zone("wwwexample.com.", "example.com."));
  CHECK_FALSE(in_zone("com.", "example.com."));
}

TEST_CASE("dns parent drops the first label and the root is its own parent") {
  CHECK(parent("www.example.com.") == "example.com.");
  CHECK(parent("com.") == ".");
  CHECK(parent(".") == ".");
  CHECK(parent("a\\.b.example.") == "example.");
}
