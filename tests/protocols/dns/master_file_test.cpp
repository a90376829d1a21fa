#include <doctest/doctest.h>

#include "protocols/dns/master_file.hpp"

using namespace wiresim::dns;

namespace {

ResourceRecord record(std::string name, RrType type, std::uint32_t ttl, Rdata data) {
  ResourceRecord rr;
  rr.name = std::move(name);
  rr.type = type;
  rr.ttl = ttl;
  rr.data = std::move(data);
  return rr;
}

// The error of parsing `text`, as "line:column: message".
std::string error_of(std::string_view text, std::string_view origin = "example.com.") {
  const auto zone = parse_master_file(text, origin);
  if (!zone.error) return "no error";
  return std::to_string(zone.error->line) + ":" + std::to_string(zone.error->column) + ": " + zone.error->message;
}

// The only record of a one-record zone.
ResourceRecord only_record(std::string_view text) {
  const auto zone = parse_master_file(text, "example.com.");
  REQUIRE_MESSAGE(!zone.error, zone.error->message);
  REQUIRE(zone.records.size() == 1);
  return zone.records[0];
}

}  // namespace

TEST_CASE("dns master file reads a whole zone with directives, @, blank owners and parentheses") {
  const auto zone = parse_master_file(R"(; example.com, as a lecture writes it
$ORIGIN example.com.
$TTL 1h
@       IN  SOA ns1 admin (
                2024010101 ; serial
                2h         ; refresh
                1h         ; retry
                2w         ; expire
                300 )      ; minimum, RFC 2308
        IN  NS  ns1
        IN  NS  ns2.example.net.
        IN  MX  10 mail
www     300 IN A 192.0.2.1
        IN 600 AAAA 2001:db8::1   ; class, then TTL
mail    a   192.0.2.25
ftp     CNAME www
note    TXT "v=spf1 -all" "with space; and \"quotes\"" plain
$ORIGIN sub
host    A 192.0.2.99
1.2.0.192.in-addr.arpa. PTR www.example.com.
)",
                                      ".", 86400);
  REQUIRE_MESSAGE(!zone.error, zone.error->message);
  const std::vector<ResourceRecord> expected = {
      record("example.com.", RrType::SOA, 3600,
             SoaData{"ns1.example.com.", "admin.example.com.", 2024010101, 7200, 3600, 1209600, 300}),
      record("example.com.", RrType::NS, 3600, NameData{"ns1.example.com."}),
      record("example.com.", RrType::NS, 3600, NameData{"ns2.example.net."}),
      record("example.com.", RrType::MX, 3600, MxData{10, "mail.example.com."}),
      record("www.example.com.", RrType::A, 300, AData{{192, 0, 2, 1}}),
      record("www.example.com.", RrType::AAAA, 600, AaaaData{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}),
      record("mail.example.com.", RrType::A, 3600, AData{{192, 0, 2, 25}}),
      record("ftp.example.com.", RrType::CNAME, 3600, NameData{"www.example.com."}),
      record("note.example.com.", RrType::TXT, 3600, TxtData{{"v=spf1 -all", "with space; and \"quotes\"", "plain"}}),
      record("host.sub.example.com.", RrType::A, 3600, AData{{192, 0, 2, 99}}),
      record("1.2.0.192.in-addr.arpa.", RrType::PTR, 3600, NameData{"www.example.com."}),
  };
  REQUIRE(zone.records.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(zone.records[i] == expected[i]);
  }
}

TEST_CASE("dns master file gives no records and no error for empty text or only comments") {
  for (const std::string_view text : {"", "\n\n", "; nothing here\n   ; nor here\n", "  \t  "}) {
    const auto zone = parse_master_file(text, "example.com.");
    CHECK(zone.records.empty());
    CHECK_FALSE(zone.error.has_value());
  }
}

TEST_CASE("dns master file uses the default TTL until $TTL sets one") {
  const auto zone = parse_master_file("a A 192.0.2.1\n$TTL 2d\nb A 192.0.2.2\nc 5 A 192.0.2.3\n", "example.com.", 120);
  REQUIRE(zone.records.size() == 3);
  CHECK(zone.records[0].ttl == 120);
  CHECK(zone.records[1].ttl == 172800);
  CHECK(zone.records[2].ttl == 5);
}

TEST_CASE("dns master file names are relative to the origin given") {
  CHECK(only_record("@ NS ns1").name == "example.com.");
  CHECK(std::get<NameData>(only_record("@ NS ns1").data).target == "ns1.example.com.");
  CHECK(only_record("www.example.org. A 192.0.2.1").name == "www.example.org.");
  CHECK(only_record("$ORIGIN org.\nwww A 192.0.2.1").name == "www.org.");
  const auto root = parse_master_file("www A 192.0.2.1");
  REQUIRE(root.records.size() == 1);
  CHECK(root.records[0].name == "www.");
}

TEST_CASE("dns master file reads TXT escapes and Windows line ends") {
  const auto rr = only_record("t TXT \"a\\\\b\\065\\\"\" unquoted\\;semi\r\n");
  CHECK(std::get<TxtData>(rr.data).strings == std::vector<std::string>{"a\\bA\"", "unquoted;semi"});
}

TEST_CASE("dns master file reads IPv6 addresses in every RFC 4291 form") {
  const auto address = [](std::string_view text) {
    return std::get<AaaaData>(only_record("h AAAA " + std::string(text)).data).address;
  };
  CHECK(address("::") == std::array<std::uint8_t, 16>{});
  CHECK(address("::1") == std::array<std::uint8_t, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  CHECK(address("FE80::") == std::array<std::uint8_t, 16>{0xfe, 0x80});
  CHECK(address("1:2:3:4:5:6:7:8") == std::array<std::uint8_t, 16>{0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8});
  CHECK(address("::ffff:192.0.2.1") ==
        std::array<std::uint8_t, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1});
  CHECK(address("2001:db8:0:0:0:0:192.0.2.1") ==
        std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1});
}

TEST_CASE("dns master file rejects malformed IPv6 addresses") {
  for (const std::string_view bad : {"1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", ":1::", "1::2:",
                                     "g::", "1:2:3:4:5:6:7::8", "1.2.3.4::", "::1.2.3"}) {
    CAPTURE(bad);
    CHECK(error_of("h AAAA " + std::string(bad)) ==
          "1:8: AAAA record needs an IPv6 address such as 2001:db8::1, got '" + std::string(bad) + "'");
  }
}

TEST_CASE("dns parse_ttl reads seconds and BIND units up to 31 bits") {
  CHECK(parse_ttl("300") == 300u);
  CHECK(parse_ttl("0") == 0u);
  CHECK(parse_ttl("1h30m") == 5400u);
  CHECK(parse_ttl("2D") == 172800u);
  CHECK(parse_ttl("1w2d3h4m5s") == 788645u);
  CHECK(parse_ttl("2147483647") == 2147483647u);
  CHECK_FALSE(parse_ttl("2147483648").has_value());
  CHECK_FALSE(parse_ttl("99999999999999999999").has_value());
  CHECK_FALSE(parse_ttl("3551w").has_value());
  CHECK_FALSE(parse_ttl("").has_value());
  CHECK_FALSE(parse_ttl("h").has_value());
  CHECK_FALSE(parse_ttl("1h30").has_value());
  CHECK_FALSE(parse_ttl("-1").has_value());
  CHECK_FALSE(parse_ttl("1x").has_value());
}

TEST_CASE("dns master file keeps the records before the first error") {
  const auto zone = parse_master_file("a A 192.0.2.1\nb A 192.0.2.2\nc A nowhere\nd A 192.0.2.4\n", "example.com.");
  CHECK(zone.records.size() == 2);
  REQUIRE(zone.error.has_value());
  CHECK(zone.error->line == 3);
}

TEST_CASE("dns master file errors say what was expected, where, and what arrived") {
  CHECK(error_of("www IN MXX 10 mail") ==
        "1:8: unknown record type 'MXX'; known types: A, AAAA, NS, CNAME, SOA, MX, PTR, TXT");
  CHECK(error_of("www ANY 1") == "1:5: unknown record type 'ANY'; known types: A, AAAA, NS, CNAME, SOA, MX, PTR, TXT");
  CHECK(error_of("www 300") == "1:5: expected a record type such as A or MX after '300', got nothing");
  CHECK(error_of("\nwww A 300.1.1.1") == "2:7: A record needs an IPv4 address such as 192.0.2.1, got '300.1.1.1'");
  CHECK(error_of("www A 1.2.3") == "1:7: A record needs an IPv4 address such as 192.0.2.1, got '1.2.3'");
  CHECK(error_of("www A") == "1:5: A record needs an IPv4 address such as 192.0.2.1, got nothing");
  CHECK(error_of("www A 192.0.2.1 foo") == "1:17: unexpected 'foo' after the A record's address");
  CHECK(error_of("www CNAME a b") == "1:13: unexpected 'b' after the CNAME record's name");
  CHECK(error_of("www NS") == "1:5: NS record needs a domain name such as host.example.com., got nothing");
  CHECK(error_of("@ MX 10") == "1:3: MX record needs a preference and a mail server name, as in \"10 mail.example.com.\"");
  CHECK(error_of("@ MX 70000 mail") == "1:6: MX preference must be a number from 0 to 65535, got '70000'");
  CHECK(error_of("@ MX 10 mail x") == "1:14: unexpected 'x' after the MX record's mail server name");
  CHECK(error_of("t TXT") == "1:3: TXT record needs at least one string, as in \"v=spf1 -all\"");
  CHECK(error_of("t TXT " + std::string(256, 'x')) == "1:7: TXT string of 256 octets; a string is at most 255 (RFC 1035 3.3)");
  CHECK(error_of("t TXT \"\\300\"") == "1:7: escape '\\300' is over 255");
  CHECK(error_of("t TXT \"\\3x\"") == "1:7: escape '\\3x' needs three decimal digits");
}

TEST_CASE("dns master file SOA errors name the field") {
  CHECK(error_of("@ SOA ns1 admin 1 2 3 4") ==
        "1:3: SOA record needs mname, rname, serial, refresh, retry, expire and minimum, as in "
        "\"ns1.example.com. admin.example.com. 1 7200 3600 1209600 300\"");
  CHECK(error_of("@ SOA ns1 admin x 2 3 4 5") == "1:17: SOA serial must be a number such as 2024010101, got 'x'");
  CHECK(error_of("@ SOA ns1 admin 1 2 3 4y 5") == "1:23: SOA expire must be seconds or a duration like 1h, got '4y'");
  CHECK(error_of("@ SOA ns1 admin 1 2 3 4 5 6") == "1:27: unexpected '6' after the SOA record's minimum");
  CHECK(only_record("@ SOA ns1 admin 4294967295 1 1 1 1").ttl == 3600);
}

TEST_CASE("dns master file errors for TTL and class columns") {
  CHECK(error_of("www 1x A 192.0.2.1") ==
        "1:5: TTL must be seconds or a duration like 1h30m, at most 2147483647 (RFC 2181 8), got '1x'");
  CHECK(error_of("www CH A 192.0.2.1") == "1:5: only class IN is supported, got 'CH'");
  CHECK(error_of("www 30 CLASS3 A 192.0.2.1") == "1:8: only class IN is supported, got 'CLASS3'");
  CHECK(error_of("www IN IN A 192.0.2.1") ==
        "1:8: unknown record type 'IN'; known types: A, AAAA, NS, CNAME, SOA, MX, PTR, TXT");
}

TEST_CASE("dns master file errors for directives") {
  CHECK(error_of("$INCLUDE other.zone") == "1:1: '$INCLUDE' is not supported; put the records here");
  CHECK(error_of("$GENERATE 1-9 h$ A 10.0.0.$") == "1:1: '$GENERATE' is not supported; write the records out");
  CHECK(error_of("$FOO bar") == "1:1: unknown directive '$FOO'; known: $ORIGIN, $TTL");
  CHECK(error_of("$TTL soon") == "1:6: $TTL needs a TTL such as 3600 or 1h, got 'soon'");
  CHECK(error_of("$TTL") == "1:1: $TTL needs a TTL such as 3600 or 1h, got nothing");
  CHECK(error_of("$TTL 1h 2h") == "1:9: unexpected '2h' after $TTL's value");
  CHECK(error_of("$ORIGIN") == "1:1: $ORIGIN needs a domain name such as example.com., got nothing");
  CHECK(error_of("$ORIGIN a..b.") == "1:9: name 'a..b.' has an empty label");
}

TEST_CASE("dns master file errors for a blank owner with no previous owner") {
  CHECK(error_of("  A 192.0.2.1") ==
        "1:1: a line that starts with a space repeats the previous owner, but there is none yet");
  CHECK(error_of("; comment first\n\tA 192.0.2.1") ==
        "2:1: a line that starts with a space repeats the previous owner, but there is none yet");
}

TEST_CASE("dns master file errors for parentheses and quotes") {
  CHECK(error_of("a A 192.0.2.1\n\n@ SOA ns1 admin (\n 1 2 3\n 4 5") == "3:17: missing ')' to close the '(' on line 3");
  CHECK(error_of("@ SOA ns1 admin ( 1 ( 2 3 4 5 ) )") == "1:21: a second '(' before the ')' of the one on line 1");
  CHECK(error_of("@ A 192.0.2.1 )") == "1:15: ')' without a '(' before it");
  CHECK(error_of("t TXT \"open\nu TXT x") == "1:7: unterminated quoted string");
  CHECK(error_of("t TXT \"open") == "1:7: unterminated quoted string");
}

TEST_CASE("dns master file checks every name and quotes long tokens shortened") {
  const std::string label(70, 'x');
  CHECK(error_of("www CNAME " + label) ==
        "1:11: label '" + std::string(60, 'x') + "...' is 70 octets; a label is at most 63 (RFC 1035 2.3.4)");
  CHECK(error_of("a..b A 192.0.2.1") == "1:1: name 'a..b.example.com.' has an empty label");
  CHECK(error_of("www A " + std::string(50, '9')) ==
        "1:7: A record needs an IPv4 address such as 192.0.2.1, got '" + std::string(40, '9') + "...'");
}
