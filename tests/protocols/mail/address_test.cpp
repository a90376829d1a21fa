// RFC 5322 3.4 addresses: mailboxes with and without display names, quoted names, comments,
// lists and groups.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocols/mail/address.hpp"

using namespace wiresim::mail;

TEST_CASE("mail address with a display name in angle brackets") {
  const Address a = parse_address("Alice Smith <alice@example.com>");
  CHECK(a.display_name == "Alice Smith");
  CHECK(a.local_part == "alice");
  CHECK(a.domain == "example.com");
  CHECK(a.addr_spec() == "alice@example.com");
}

TEST_CASE("mail address without a display name") {
  const Address a = parse_address("  bob@example.org ");
  CHECK(a.display_name.empty());
  CHECK(a.addr_spec() == "bob@example.org");
  CHECK(parse_address("<carol@example.net>").addr_spec() == "carol@example.net");
}

TEST_CASE("mail address with a quoted display name holding a comma and escapes") {
  const auto list = parse_address_list("\"Smith, John \\\"JJ\\\"\" <john@example.com>, jane@example.com");
  REQUIRE(list.size() == 2);
  CHECK(list[0].display_name == "Smith, John \"JJ\"");
  CHECK(list[0].addr_spec() == "john@example.com");
  CHECK(list[1].addr_spec() == "jane@example.com");
  CHECK(list[0].to_string() == "\"Smith, John \\\"JJ\\\"\" <john@example.com>");
}

TEST_CASE("mail address takes an old-style comment as the display name") {
  const Address a = parse_address("pete@example.com (Pete Resnick)");
  CHECK(a.display_name == "Pete Resnick");
  CHECK(a.addr_spec() == "pete@example.com");
}

TEST_CASE("mail address list flattens groups and skips empty ones") {
  const auto list = parse_address_list("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Mary <mary@x.test>");
  REQUIRE(list.size() == 4);
  CHECK(list[0].group == "A Group");
  CHECK(list[0].display_name == "Ed Jones");
  CHECK(list[1].addr_spec() == "joe@where.test");
  CHECK(list[2].group == "A Group");
  CHECK(list[3].group.empty());
  CHECK(list[3].display_name == "Mary");
  CHECK(parse_address_list("undisclosed-recipients:;").empty());
}

TEST_CASE("mail address drops an obsolete route and keeps a quoted local part") {
  CHECK(parse_address("<@relay.test,@other.test:user@final.test>").addr_spec() == "user@final.test");
  const Address a = parse_address("\"john doe\"@example.com");
  CHECK(a.local_part == "\"john doe\"");
  CHECK(a.domain == "example.com");
}

TEST_CASE("mail domain_of and local_part read any address form") {
  CHECK(domain_of("Alice <alice@Example.COM>") == "Example.COM");
  CHECK(local_part("Alice <alice@example.com>") == "alice");
  CHECK(domain_of("<>") == "");
  CHECK(domain_of("postmaster") == "");
  CHECK(local_part("postmaster") == "postmaster");
}

TEST_CASE("mail quote_phrase quotes only when a name is not atoms") {
  CHECK(quote_phrase("Alice Smith") == "Alice Smith");
  CHECK(quote_phrase("Smith, Alice") == "\"Smith, Alice\"");
  CHECK(quote_phrase("A. Smith") == "\"A. Smith\"");
  CHECK(Address{"", "x", "y.test", ""}.to_string() == "x@y.test");
}

TEST_CASE("mail address parsing survives malformed input") {
  CHECK(parse_address_list("").empty());
  CHECK(parse_address_list(",,,;;:").empty());
  CHECK(parse_address_list("\"unterminated <a@b").size() <= 1);
  CHECK(parse_address_list("(unterminated comment a@b").empty());
  CHECK(parse_address_list("<a@b").size() == 1);
  CHECK(parse_address_list("x <>").empty());
}
