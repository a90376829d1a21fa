// The small pieces: path parsing and reply reading; and both
// engines fed random bytes without crashing or growing without bound.
#include <doctest/doctest.h>

#include <random>

#include "protocols/smtp/address.hpp"
#include "tests/protocols/smtp/smtp_test_support.hpp"

using namespace wiresim;
using namespace wiresim::smtp;
using namespace wiresim::smtp::test;

TEST_CASE("path parsing gives the mailbox and the parameters") {
  const Result<PathArgument> path = parse_path_argument(" <alice@crepes.fr> size=100 BODY=8BITMIME");
  REQUIRE(path.ok());
  CHECK(path->mailbox == "alice@crepes.fr");
  CHECK(path->parameters == std::vector<std::pair<std::string, std::string>>{{"SIZE", "100"}, {"BODY", "8BITMIME"}});
  CHECK(parse_path_argument("<>")->mailbox.empty());
  CHECK(parse_path_argument("<\"a>b\"@crepes.fr>")->mailbox == "\"a>b\"@crepes.fr");
  CHECK(parse_path_argument("<alice@crepes.fr").error() == "expected \">\" after the address");
  CHECK(parse_path_argument("<alice@crepes.fr> =x").error() == "expected a parameter such as SIZE=1000, got \"=x\"");
  CHECK_FALSE(is_valid_mailbox(std::string(65, 'a') + "@crepes.fr"));
  CHECK_FALSE(is_valid_domain(std::string(64, 'a') + ".fr"));
  CHECK(domain_of("Bob@Hamburger.EDU") == "hamburger.edu");
}

TEST_CASE("reply reader rejects lines over 512 octets") {
  ReplyReader reader;
  ReplyReader::Output last;
  const std::string line = "250 " + std::string(600, 'x') + "\r\n";
  for (char c : line) last = reader.push(c);
  REQUIRE(last.error);
  CHECK(last.error->rfind("expected a reply line of at most 512 octets, got \"250 xxx", 0) == 0);
}

TEST_CASE("server and client survive random bytes") {
  std::mt19937 random(5321);
  const std::string alphabet = "HELOMAIRCPTDQUSNX:<>@. \r\n\r\n.0123456789-*=\x80";
  for (int round = 0; round < 200; ++round) {
    std::string input;
    const std::size_t length = random() % 400;
    for (std::size_t i = 0; i < length; ++i) input += alphabet[random() % alphabet.size()];
    ServerConfig config;
    config.offer_auth = true;
    ServerSession server(config);
    server.on_connected(at(0));
    server.on_bytes("EHLO x\r\n" + input, at(1));
    server.on_timer(at(1000));
    CHECK(server.wants_close());
    ClientSession client(ClientJob{});
    client.on_connected(at(0));
    client.on_bytes(input, at(1));
    client.on_closed(at(2));
    CHECK(client.finished());
  }
}
