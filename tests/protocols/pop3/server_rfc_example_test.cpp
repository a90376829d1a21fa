// RFC 1939 10's example session, reproduced byte for byte, and the APOP digest of RFC 1939 7.
#include <doctest/doctest.h>

#include "protocols/mail/dot_stuffing.hpp"
#include "protocols/pop3/apop.hpp"
#include "tests/protocols/pop3/pop3_support.hpp"

namespace wiresim::pop3::test {

TEST_CASE("the RFC 1939 example messages have 120 and 200 octets") {
  CHECK(Message1.size() == 120);
  CHECK(Message2.size() == 200);
}

TEST_CASE("APOP digest matches the RFC 1939 example") {
  CHECK(apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf") == "c4c9334bac560ecc979e58001b3e22fb");
}

TEST_CASE("the APOP timestamp is found in a greeting") {
  CHECK(find_apop_timestamp("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>") ==
        "<1896.697170952@dbc.mtview.ca.us>");
  CHECK_FALSE(find_apop_timestamp("+OK POP3 server ready").has_value());
  CHECK_FALSE(find_apop_timestamp("+OK POP3 server ready <unterminated").has_value());
}

TEST_CASE("server reproduces the RFC 1939 section 10 example session") {
  const std::string input = crlf(
      {"APOP mrose c4c9334bac560ecc979e58001b3e22fb", "STAT", "LIST", "RETR 1", "DELE 1", "RETR 2", "DELE 2", "QUIT"});
  mail::Store store;
  fill_rfc_store(store);
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), input);
  const std::string expected = crlf({"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
                                     "+OK mrose's maildrop has 2 messages (320 octets)", "+OK 2 320",
                                     "+OK 2 messages (320 octets)", "1 120", "2 200", ".", "+OK 120 octets"}) +
                               mail::dot_stuff(Message1) + crlf({"+OK message 1 deleted", "+OK 200 octets"}) +
                               mail::dot_stuff(Message2) +
                               crlf({"+OK message 2 deleted", "+OK dewey POP3 server signing off (maildrop empty)"});
  CHECK(r.output == expected);
  // Message 1's ".signature follows" line went out with its dot doubled.
  CHECK(r.output.find("\r\n..signature follows\r\n") != std::string::npos);
  CHECK(r.wants_close);
  CHECK(r.state == State::Closed);
}

TEST_CASE("server's events for the RFC 1939 example tell the story of the session") {
  const std::string input = crlf({"APOP mrose c4c9334bac560ecc979e58001b3e22fb", "RETR 1", "DELE 1", "QUIT"});
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), input);
  CHECK(describe(r.events) ==
        "reply: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\n"
        "command: APOP mrose c4c9334bac560ecc979e58001b3e22fb\n"
        "logged-in: mrose logged in; maildrop has 2 messages (320 octets)\n"
        "reply: +OK mrose's maildrop has 2 messages (320 octets)\n"
        "command: RETR 1\n"
        "message-retrieved: message 1 retrieved (120 octets)\n"
        "reply: +OK 120 octets\n"
        "command: DELE 1\n"
        "reply: +OK message 1 deleted\n"
        "command: QUIT\n"
        "message-deleted: UPDATE: message 1 removed\n"
        "reply: +OK dewey POP3 server signing off (1 message left)\n"
        "session-ended: QUIT: UPDATE removed 1 message\n");
  CHECK(r.events[6].body == Message1);
  CHECK(r.events[10].number == 1);
  CHECK(r.events[10].bytes == 120);
  CHECK(r.events[10].uidl == "1.1");
}

TEST_CASE("UPDATE removes the deleted messages from the store") {
  mail::Store store;
  fill_rfc_store(store);
  const std::string input = crlf({"APOP mrose c4c9334bac560ecc979e58001b3e22fb", "DELE 1", "DELE 2", "QUIT"});
  run_server(store, rfc_config(), input, false);
  CHECK(store.folder("mrose", "INBOX")->messages.empty());
  CHECK_FALSE(store.locked("mrose"));
}

// The textbook's session (Kurose & Ross 2.3.4) with its texts: no APOP timestamp in the greeting,
// a bare +OK to USER. The lines the textbook leaves out stay, as RFC 1939 requires them.
TEST_CASE("with the textbook's texts, the server answers as the textbook's session does") {
  ServerConfig config = rfc_config();
  config.textbook_texts = true;
  const std::string input = crlf({"user mrose", "pass tanstaaf", "list", "dele 1", "quit"});
  const DialogueResult r = run_both_ways(fill_rfc_store, config, input);
  CHECK(r.output == crlf({"+OK POP3 server ready", "+OK", "+OK user successfully logged on", "+OK 2 messages (320 octets)",
                          "1 120", "2 200", ".", "+OK message 1 deleted", "+OK POP3 server signing off"}));
  // No timestamp, so no APOP.
  const DialogueResult apop = run_both_ways(fill_rfc_store, config, crlf({"APOP mrose c4c9334bac560ecc979e58001b3e22fb"}));
  CHECK(apop.output == crlf({"+OK POP3 server ready", "-ERR APOP not supported"}));
}

}  // namespace wiresim::pop3::test
