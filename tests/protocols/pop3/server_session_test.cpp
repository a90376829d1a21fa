// The server's AUTHORIZATION state, the maildrop lock, the session snapshot, UPDATE only at
// QUIT (RFC 1939 6) and the autologout timer (RFC 1939 3).
#include <doctest/doctest.h>

#include "protocols/mail/dot_stuffing.hpp"
#include "protocols/pop3/apop.hpp"
#include "tests/protocols/pop3/pop3_support.hpp"

namespace wiresim::pop3::test {

TEST_CASE("USER and PASS log in and take the session to TRANSACTION") {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), "USER mrose\r\nPASS tanstaaf\r\n");
  CHECK(r.output == LoginReplies);
  CHECK(r.state == State::Transaction);
}

TEST_CASE("PASS is logged as sent, in the clear") {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), "USER mrose\r\nPASS tanstaaf\r\n");
  CHECK(r.events[3].kind == EventKind::Command);
  CHECK(r.events[3].text == "PASS tanstaaf");
}

TEST_CASE("a wrong password is refused with [AUTH] and the session stays in AUTHORIZATION") {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(),
                                         crlf({"USER mrose", "PASS wrong", "STAT", "USER mrose", "PASS tanstaaf"}));
  CHECK(r.output == greeting() + crlf({"+OK send PASS", "-ERR [AUTH] invalid user name or password",
                                       "-ERR STAT not allowed in AUTHORIZATION state", "+OK send PASS",
                                       "+OK mrose's maildrop has 2 messages (320 octets)"}));
  CHECK(r.state == State::Transaction);
}

TEST_CASE("an unknown user gets the same replies as a wrong password") {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), crlf({"USER frated", "PASS tanstaaf"}));
  CHECK(r.output == greeting() + crlf({"+OK send PASS", "-ERR [AUTH] invalid user name or password"}));
  CHECK(r.events[4].kind == EventKind::LoginFailed);
  CHECK(r.events[4].text == "login failed for \"frated\": invalid user name or password");
}

TEST_CASE("a password may contain spaces") {
  auto fill = [](mail::Store& store) { REQUIRE(store.add_user("ann", "two words").ok()); };
  const DialogueResult r = run_both_ways(fill, rfc_config(), crlf({"USER ann", "PASS two words"}));
  CHECK(r.output == greeting() + crlf({"+OK send PASS", "+OK ann's maildrop has 0 messages (0 octets)"}));
}

TEST_CASE("PASS must follow USER immediately") {
  const DialogueResult r =
      run_both_ways(fill_rfc_store, rfc_config(),
                    crlf({"PASS tanstaaf", "USER mrose", "NOOP", "PASS tanstaaf", "USER mrose", "PASS"}));
  CHECK(r.output ==
        greeting() + crlf({"-ERR send USER first", "+OK send PASS", "-ERR NOOP not allowed in AUTHORIZATION state",
                           "-ERR send USER first", "+OK send PASS", "-ERR usage: PASS string"}));
}

TEST_CASE("TRANSACTION commands are refused before login, login commands after") {
  const DialogueResult r = run_both_ways(
      fill_rfc_store, rfc_config(),
      crlf({"STAT", "LIST", "RETR 1", "DELE 1", "RSET", "TOP 1 1", "UIDL", "NOOP", "USER mrose", "PASS tanstaaf",
            "USER mrose", "PASS x", "APOP mrose c4c9334bac560ecc979e58001b3e22fb", "AUTH PLAIN"}));
  CHECK(r.output ==
        greeting() +
            crlf({"-ERR STAT not allowed in AUTHORIZATION state", "-ERR LIST not allowed in AUTHORIZATION state",
                  "-ERR RETR not allowed in AUTHORIZATION state", "-ERR DELE not allowed in AUTHORIZATION state",
                  "-ERR RSET not allowed in AUTHORIZATION state", "-ERR TOP not allowed in AUTHORIZATION state",
                  "-ERR UIDL not allowed in AUTHORIZATION state", "-ERR NOOP not allowed in AUTHORIZATION state",
                  "+OK send PASS", "+OK mrose's maildrop has 2 messages (320 octets)",
                  "-ERR USER not allowed in TRANSACTION state", "-ERR PASS not allowed in TRANSACTION state",
                  "-ERR APOP not allowed in TRANSACTION state", "-ERR AUTH not allowed in TRANSACTION state"}));
  CHECK(r.events[1].text == "STAT");
  CHECK(r.events[2].text == "pop3: expected USER, PASS, APOP, CAPA or QUIT in state AUTHORIZATION, got \"STAT\"");
}

TEST_CASE("AUTH is answered as unsupported") {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), crlf({"AUTH", "AUTH PLAIN"}));
  CHECK(r.output == greeting() + crlf({"-ERR AUTH not supported, use USER/PASS or APOP",
                                       "-ERR AUTH not supported, use USER/PASS or APOP"}));
}

TEST_CASE("QUIT in AUTHORIZATION signs off without UPDATE") {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), crlf({"QUIT"}));
  CHECK(r.output == greeting() + crlf({"+OK dewey POP3 server signing off"}));
  CHECK(r.wants_close);
  CHECK(r.events.back().text == "QUIT in AUTHORIZATION state");
}

TEST_CASE("APOP with a wrong digest is refused; an upper-case digest is accepted") {
  const DialogueResult r =
      run_both_ways(fill_rfc_store, rfc_config(),
                    crlf({"APOP mrose 00000000000000000000000000000000", "APOP frated c4c9334bac560ecc979e58001b3e22fb",
                          "APOP mrose", "APOP mrose C4C9334BAC560ECC979E58001B3E22FB"}));
  CHECK(r.output ==
        greeting() + crlf({"-ERR [AUTH] invalid user name or password", "-ERR [AUTH] invalid user name or password",
                           "-ERR usage: APOP name digest", "+OK mrose's maildrop has 2 messages (320 octets)"}));
}

TEST_CASE("the APOP timestamp comes from the connection number, the time and the host name") {
  mail::Store store;
  fill_rfc_store(store);
  ServerConfig config;
  config.host_name = "pop.example.com";
  config.connection_number = 7;
  ServerSession session(store, config);
  session.on_connected(Time{} + seconds(12));
  CHECK(session.take_outgoing() == "+OK POP3 server ready <7.12@pop.example.com>\r\n");
  const std::string digest = apop_digest("<7.12@pop.example.com>", "tanstaaf");
  session.on_bytes("APOP mrose " + digest + "\r\n", Time{} + seconds(13));
  CHECK(session.take_outgoing() == "+OK mrose's maildrop has 2 messages (320 octets)\r\n");
}

TEST_CASE("without APOP the greeting has no timestamp and APOP is refused") {
  ServerConfig config = rfc_config();
  config.allow_apop = false;
  const DialogueResult r = run_both_ways(fill_rfc_store, config, crlf({"APOP mrose c4c9334bac560ecc979e58001b3e22fb"}));
  CHECK(r.output == crlf({"+OK POP3 server ready", "-ERR APOP not supported"}));
}

TEST_CASE("without USER/PASS, USER is refused and CAPA does not list it") {
  ServerConfig config = rfc_config();
  config.allow_user_pass = false;
  const DialogueResult r = run_both_ways(fill_rfc_store, config, crlf({"USER mrose", "CAPA"}));
  CHECK(r.output ==
        greeting() + crlf({"-ERR USER/PASS not allowed here, use APOP", "+OK Capability list follows", "TOP", "UIDL",
                           "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION wiresim", "."}));
}

TEST_CASE("a second session for a locked maildrop gets [IN-USE]") {
  mail::Store store;
  fill_rfc_store(store);
  ServerSession first(store, rfc_config());
  first.on_connected(Time{});
  first.on_bytes("USER mrose\r\nPASS tanstaaf\r\n", Time{});
  CHECK(store.locked("mrose"));
  for (const bool bytewise : {false, true}) {
    const DialogueResult second = run_server(store, rfc_config(), crlf({"USER mrose", "PASS tanstaaf"}), bytewise);
    CHECK(second.output == greeting() + crlf({"+OK send PASS", "-ERR [IN-USE] maildrop already locked"}));
    CHECK(second.state == State::Authorization);
    CHECK(describe(second.events).find("login-failed: login failed for \"mrose\": maildrop already locked\n") !=
          std::string::npos);
  }
  // The refused session must not have released the first one's lock.
  CHECK(store.locked("mrose"));
  first.on_bytes("QUIT\r\n", Time{});
  CHECK_FALSE(store.locked("mrose"));
  const DialogueResult third = run_server(store, rfc_config(), crlf({"USER mrose", "PASS tanstaaf"}), false);
  CHECK(third.state == State::Transaction);
}

TEST_CASE("a lost connection in TRANSACTION deletes nothing and releases the lock") {
  mail::Store store;
  fill_rfc_store(store);
  const DialogueResult r = run_server(store, rfc_config(), logged_in(crlf({"DELE 1", "DELE 2"})), false, true);
  CHECK(store.folder("mrose", "INBOX")->messages.size() == 2);
  CHECK_FALSE(store.locked("mrose"));
  CHECK(r.state == State::Closed);
  CHECK(r.events.back().kind == EventKind::SessionEnded);
  CHECK(r.events.back().text ==
        "connection lost in TRANSACTION state: no UPDATE, 2 messages marked for deletion kept (RFC 1939 6)");
}

TEST_CASE("deletions take effect only at QUIT") {
  mail::Store store;
  fill_rfc_store(store);
  ServerSession session(store, rfc_config());
  session.on_connected(Time{});
  session.on_bytes(logged_in("DELE 1\r\n"), Time{});
  CHECK(store.folder("mrose", "INBOX")->messages.size() == 2);
  session.on_bytes("QUIT\r\n", Time{});
  REQUIRE(store.folder("mrose", "INBOX")->messages.size() == 1);
  CHECK(store.folder("mrose", "INBOX")->messages[0].bytes == Message2);
}

TEST_CASE("dropping a session releases its lock") {
  mail::Store store;
  fill_rfc_store(store);
  {
    ServerSession session(store, rfc_config());
    session.on_connected(Time{});
    session.on_bytes(logged_in(""), Time{});
    CHECK(store.locked("mrose"));
  }
  CHECK_FALSE(store.locked("mrose"));
}

TEST_CASE("the autologout closes an idle session without UPDATE") {
  mail::Store store;
  fill_rfc_store(store);
  ServerSession session(store, rfc_config());
  session.on_connected(Time{});
  CHECK(session.wake_at() == Time{} + seconds(600));
  session.on_bytes(logged_in("DELE 1\r\n"), Time{} + seconds(100));
  CHECK(session.wake_at() == Time{} + seconds(700));
  session.take_events();
  session.take_outgoing();
  session.on_timer(Time{} + seconds(699));  // early: nothing happens
  CHECK_FALSE(session.wants_close());
  session.on_timer(Time{} + seconds(700));
  CHECK(session.wants_close());
  CHECK_FALSE(session.wake_at().has_value());
  CHECK(store.folder("mrose", "INBOX")->messages.size() == 2);
  CHECK_FALSE(store.locked("mrose"));
  const std::vector<Event> events = session.take_events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].text == "autologout after 600s idle in TRANSACTION state: no UPDATE (RFC 1939 3)");
  session.on_bytes("STAT\r\n", Time{} + seconds(701));
  CHECK(session.take_outgoing().empty());
}

TEST_CASE("message numbers stay fixed for the session; new mail waits for the next one") {
  mail::Store store;
  fill_rfc_store(store);
  ServerSession session(store, rfc_config());
  session.on_connected(Time{});
  session.on_bytes(logged_in(""), Time{});
  session.take_outgoing();
  REQUIRE(store.append("mrose", "INBOX", "Subject: late\r\n\r\nhi\r\n", Time{}).ok());
  session.on_bytes("STAT\r\nLIST 3\r\n", Time{});
  CHECK(session.take_outgoing() == crlf({"+OK 2 320", "-ERR no such message, only 2 messages in maildrop"}));
  session.on_bytes("QUIT\r\n", Time{});
  CHECK(session.take_outgoing() == "+OK dewey POP3 server signing off (3 messages left)\r\n");
}

TEST_CASE("UIDLs stay the same across sessions while message numbers change") {
  mail::Store store;
  fill_rfc_store(store);
  const DialogueResult first = run_server(store, rfc_config(), logged_in(crlf({"UIDL", "DELE 1", "QUIT"})), false);
  CHECK(first.output.find(crlf({"+OK", "1 1.1", "2 1.2", "."})) != std::string::npos);
  const DialogueResult second = run_server(store, rfc_config(), logged_in(crlf({"UIDL"})), false);
  CHECK(second.output.ends_with(crlf({"+OK", "1 1.2", "."})));
}

TEST_CASE("a message stored with bare LFs is sized and sent with CRLF") {
  auto fill = [](mail::Store& store) {
    REQUIRE(store.add_user("ann", "pw").ok());
    REQUIRE(store.append("ann", "INBOX", "Subject: lf\n\n.dot\nend", Time{}).ok());
  };
  const DialogueResult r = run_both_ways(fill, rfc_config(), crlf({"USER ann", "PASS pw", "LIST", "RETR 1"}));
  CHECK(r.output.ends_with(
      crlf({"+OK 1 message (26 octets)", "1 26", ".", "+OK 26 octets", "Subject: lf", "", "..dot", "end", "."})));
}

TEST_CASE("a message expunged by another client meanwhile cannot be retrieved") {
  mail::Store store;
  fill_rfc_store(store);
  ServerSession session(store, rfc_config());
  session.on_connected(Time{});
  session.on_bytes(logged_in(""), Time{});
  session.take_outgoing();
  store.remove("mrose", "INBOX", {1});
  session.on_bytes("RETR 1\r\nTOP 1 0\r\n", Time{});
  CHECK(session.take_outgoing() ==
        crlf({"-ERR message 1 is no longer in the maildrop", "-ERR message 1 is no longer in the maildrop"}));
}

}  // namespace wiresim::pop3::test
