// The mail-server app as real clients see it through `wiresim serve`: its RealServices, one
// session per service, fed bytes without sockets; and what it stores of a composed message.
#include <doctest/doctest.h>

#include "protocols/email/mail_server.hpp"
#include "protocols/email/mail_world.hpp"
#include "sim/scenario/runner.hpp"
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

// send-mail's `html`: the same text twice in multipart/alternative, plain first (RFC 2046
// 5.1.4: the richer one last), with or without attachments beside it.
// A PC and hamburger.edu's mail server with three accounts, for user-agent actions.
constexpr std::string_view PcAndServer = R"(
[[host]]
name = "pc"
address = "10.0.0.2"
[[host]]
name = "mail"
address = "10.0.0.25"
[[link]]
between = ["pc", "mail"]
[[app]]
type = "mail-server"
host = "mail"
domain = "hamburger.edu"
accounts = ["alice:ketchup", "bob:pickles", "carol:mustard"]
)";

TEST_CASE("send-mail with html sends multipart/alternative, plain then HTML") {
  const std::string scenario = std::string(PcAndServer) + R"(
[[action]]
at = "1s"
do = "send-mail"
host = "pc"
server = "mail"
user = "alice"
password = "ketchup"
from = "alice@hamburger.edu"
to = ["bob@hamburger.edu"]
subject = "Lunch"
body = "Do you like ketchup?"
html = "<p>Do you like <b>ketchup</b>?</p>"
)";
  // The message Bob's INBOX holds has each of `in_order`, in that order.
  auto check_message = [](const std::string& toml, const std::vector<std::string>& in_order) {
    auto world = test::load(toml);
    REQUIRE(world);
    REQUIRE(run_world(*world, {}));
    const email::MailServer* server = world->find_service<email::EmailWorld>()->server(*world->net.find_node("mail"));
    const mail::Folder* inbox = server->store().folder("bob", "INBOX");
    REQUIRE(inbox != nullptr);
    REQUIRE(inbox->messages.size() == 1);
    const std::string& data = inbox->messages[0].bytes;
    std::size_t at = 0;
    for (const std::string& s : in_order) {
      CAPTURE(s);
      at = data.find(s, at);
      REQUIRE(at != std::string::npos);
    }
  };
  check_message(scenario, {"Content-Type: multipart/alternative", "Content-Type: text/plain", "Do you like ketchup?",
                           "Content-Type: text/html", "<p>Do you like <b>ketchup</b>?</p>"});
  check_message(scenario + "attach = [\"menu.ps:1KB\"]\n",
                {"Content-Type: multipart/mixed", "Content-Type: multipart/alternative", "Content-Type: text/plain",
                 "Content-Type: text/html", "Content-Type: application/postscript"});
}

// send-mail's `reply` and `forward` (by the subject of a message the user's agent downloaded):
// a reply threads (RFC 5322 3.6.4) and quotes, a forward attaches the message whole.
TEST_CASE("send-mail replies to and forwards a downloaded message") {
  const std::string scenario = std::string(PcAndServer) + R"(
[[action]]
at = "1s"
do = "send-mail"
host = "pc"
server = "mail"
user = "alice"
password = "ketchup"
from = "Alice <alice@hamburger.edu>"
to = ["bob@hamburger.edu"]
subject = "Lunch"
body = "Do you like ketchup?\nHow about pickles?"
[[action]]
at = "4s"
do = "pop3-fetch"
host = "pc"
server = "mail"
user = "bob"
password = "pickles"
[[action]]
at = "5s"
do = "send-mail"
host = "pc"
server = "mail"
user = "bob"
password = "pickles"
from = "bob@hamburger.edu"
reply = "Lunch"
body = "Yes to both."
[[action]]
at = "6s"
do = "send-mail"
host = "pc"
server = "mail"
user = "bob"
password = "pickles"
from = "bob@hamburger.edu"
to = ["carol@hamburger.edu"]
forward = "Lunch"
body = "See below."
[[action]]
at = "7s"
do = "send-mail"
host = "pc"
server = "mail"
user = "bob"
password = "pickles"
from = "bob@hamburger.edu"
reply = "Dinner"
body = "Nothing to answer."
# A message that answers another but has no References: its reply's References start with the
# In-Reply-To (RFC 5322 3.6.4). Bob answers with only a Cc: the To is still its author.
[[action]]
at = "1s"
do = "telnet"
host = "pc"
to = "mail:25"
protocol = "smtp"
lines = ["HELO pc", "MAIL FROM:<carol@hamburger.edu>", "RCPT TO:<bob@hamburger.edu>", "DATA",
         "From: Carol <carol@hamburger.edu>", "Subject: Party", "Message-ID: <party.1@hamburger.edu>",
         "In-Reply-To: <invite.1@hamburger.edu>", "", "Bring cake.", ".", "QUIT"]
[[action]]
at = "8s"
do = "send-mail"
host = "pc"
server = "mail"
user = "bob"
password = "pickles"
from = "bob@hamburger.edu"
cc = ["alice@hamburger.edu"]
reply = "Party"
body = "I will."
)";
  auto world = test::load(scenario);
  REQUIRE(world);
  const std::string transcript = test::run_transcript(*world);
  const email::MailServer* server = world->find_service<email::EmailWorld>()->server(*world->net.find_node("mail"));
  // The one message in `user`'s INBOX whose subject line is `subject`.
  auto only = [&](const std::string& user, const std::string& subject) {
    const mail::Folder* inbox = server->store().folder(user, "INBOX");
    REQUIRE(inbox != nullptr);
    std::vector<std::string> found;
    for (const auto& m : inbox->messages)
      if (m.bytes.find("\r\nSubject: " + subject + "\r\n") != std::string::npos) found.push_back(m.bytes);
    REQUIRE(found.size() == 1);
    return found[0];
  };
  const std::string reply = only("alice", "Re: Lunch");  // to the original's From
  const std::string original_id = "<1.1000@hamburger.edu>";
  CHECK(reply.find("To: Alice <alice@hamburger.edu>\r\n") != std::string::npos);
  CHECK(reply.find("Subject: Re: Lunch\r\n") != std::string::npos);
  CHECK(reply.find("In-Reply-To: " + original_id + "\r\n") != std::string::npos);
  CHECK(reply.find("References: " + original_id + "\r\n") != std::string::npos);
  CHECK(reply.find("Yes to both.\r\n\r\nOn Mon, 01 Jan 2024 09:00:01 +0000, Alice <alice@hamburger.edu> wrote:\r\n"
                   "> Do you like ketchup?\r\n> How about pickles?\r\n") != std::string::npos);
  const std::string forward = only("carol", "Fwd: Lunch");
  CHECK(forward.find("Subject: Fwd: Lunch\r\n") != std::string::npos);
  const std::size_t part = forward.find("Content-Type: message/rfc822");
  REQUIRE(part != std::string::npos);
  CHECK(forward.find("Message-ID: " + original_id, part) != std::string::npos);  // the original, whole
  // Only a Cc given: To is the author still, and both get the reply; References start with the
  // parent's In-Reply-To, as it had no References.
  const std::string party = only("carol", "Re: Party");
  CHECK(party.find("To: Carol <carol@hamburger.edu>\r\nCc: alice@hamburger.edu\r\n") != std::string::npos);
  CHECK(party.find("References: <invite.1@hamburger.edu> <party.1@hamburger.edu>\r\n") != std::string::npos);
  CHECK(only("alice", "Re: Party") == party);
  // Bob downloaded nothing called Dinner: nothing is sent, and the transcript says why.
  CHECK(transcript.find("pc smtp: user agent: nothing to reply to: no message downloaded with a subject containing "
                        "\"Dinner\"") != std::string::npos);
}
