// The mail-server app as real clients see it through `wiresim serve`: its RealServices, one
// session per service, fed bytes without sockets.
#include <doctest/doctest.h>

#include "tests/support.hpp"

using namespace wiresim;

namespace {

constexpr std::string_view OneMailServer = R"(
[[host]]
name = "mail"
[[app]]
type = "mail-server"
host = "mail"
domain = "hamburger.edu"
accounts = ["bob:pickles"]
)";

// Runs one session of `service` on `input`, all at simulated time 0, and returns what it said.
std::string talk(World& world, const std::string& service, std::string_view input) {
  for (auto& app : world.apps)
    for (RealService& s : app->real_services()) {
      if (s.name != service) continue;
      std::unique_ptr<RealSession> session = s.make_session();
      session->on_connected(Time{});
      session->on_bytes(input, Time{});
      session->drain_events();
      return session->take_outgoing();
    }
  FAIL("no service " << service);
  return "";
}

}  // namespace

TEST_CASE("mail server's IMAP INTERNALDATE is the delivery time its Received field shows") {
  // RFC 3501 2.3.3: for mail delivered by SMTP, INTERNALDATE is the time of final delivery.
  auto world = test::load(OneMailServer);
  const std::string smtp = talk(*world, "smtp",
                                "EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\n"
                                "DATA\r\nSubject: Lunch\r\n\r\nHi\r\n.\r\n");
  REQUIRE(smtp.find("250 Message accepted for delivery") != std::string::npos);
  const std::string imap = talk(*world, "imap",
                                "a1 LOGIN bob pickles\r\na2 SELECT INBOX\r\n"
                                "a3 FETCH 1 (INTERNALDATE BODY.PEEK[HEADER.FIELDS (RECEIVED)])\r\n");
  CHECK(imap.find("INTERNALDATE \" 1-Jan-2024 09:00:00 +0000\"") != std::string::npos);
  CHECK(imap.find("id 1; Mon, 01 Jan 2024 09:00:00 +0000\r\n") != std::string::npos);
}
