// Every TRANSACTION command of RFC 1939 5 and 7 with good and bad arguments, checked against the
// exact reply lines; each dialogue also runs one byte at a time (run_both_ways).
#include <doctest/doctest.h>

#include "protocols/mail/dot_stuffing.hpp"
#include "tests/protocols/pop3/pop3_support.hpp"

namespace wiresim::pop3::test {
namespace {

// The replies to `commands`, sent after a USER/PASS login of mrose (greeting and login replies cut).
std::string replies_to(const std::string& commands) {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), logged_in(commands));
  REQUIRE(r.output.starts_with(LoginReplies));
  return r.output.substr(LoginReplies.size());
}

}  // namespace

TEST_CASE("STAT counts the messages and their octets") { CHECK(replies_to("STAT\r\n") == "+OK 2 320\r\n"); }

TEST_CASE("LIST without an argument lists every message with its size") {
  CHECK(replies_to("LIST\r\n") == crlf({"+OK 2 messages (320 octets)", "1 120", "2 200", "."}));
}

TEST_CASE("LIST with a message number gives that message's size") {
  CHECK(replies_to("LIST 2\r\n") == "+OK 2 200\r\n");
}

TEST_CASE("LIST of a message that does not exist says how many there are") {
  CHECK(replies_to(crlf({"LIST 3", "LIST 0", "LIST 99999999999999999999999"})) ==
        crlf({"-ERR no such message, only 2 messages in maildrop", "-ERR no such message, only 2 messages in maildrop",
              "-ERR no such message, only 2 messages in maildrop"}));
}

TEST_CASE("a message number that is not a number is rejected") {
  CHECK(replies_to(crlf({"LIST abc", "RETR -1", "DELE 1x", "TOP +1 2", "UIDL 0x1"})) ==
        crlf({"-ERR invalid message number \"abc\"", "-ERR invalid message number \"-1\"",
              "-ERR invalid message number \"1x\"", "-ERR invalid message number \"+1\"",
              "-ERR invalid message number \"0x1\""}));
}

TEST_CASE("a command with the wrong number of arguments gets its usage") {
  CHECK(replies_to(crlf(
            {"LIST 1 2", "RETR", "RETR 1 2", "DELE", "TOP 1", "STAT 1", "NOOP x", "RSET x", "UIDL 1 2", "QUIT now"})) ==
        crlf({"-ERR usage: LIST [msg]", "-ERR usage: RETR msg", "-ERR usage: RETR msg", "-ERR usage: DELE msg",
              "-ERR usage: TOP msg n", "-ERR usage: STAT", "-ERR usage: NOOP", "-ERR usage: RSET",
              "-ERR usage: UIDL [msg]", "-ERR usage: QUIT"}));
}

TEST_CASE("a bad argument is a protocol error event with the state") {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), logged_in(crlf({"RETR abc", "TOP 1"})));
  std::vector<std::string> errors;
  for (const Event& e : r.events)
    if (e.kind == EventKind::ProtocolError) errors.push_back(e.text);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "pop3: expected a message number in state TRANSACTION, got \"abc\"");
  CHECK(errors[1] == "pop3: expected \"TOP msg n\" in state TRANSACTION, got \"TOP 1\"");
}

TEST_CASE("RETR sends the message byte-stuffed, preceded by its size") {
  CHECK(replies_to("RETR 1\r\n") == "+OK 120 octets\r\n" + mail::dot_stuff(Message1));
  CHECK(replies_to("RETR 3\r\n") == "-ERR no such message, only 2 messages in maildrop\r\n");
}

TEST_CASE("DELE marks a message, and a deleted message cannot be used again") {
  CHECK(replies_to(crlf({"DELE 1", "DELE 1", "RETR 1", "LIST 1", "TOP 1 0", "UIDL 1"})) ==
        crlf({"+OK message 1 deleted", "-ERR message 1 already deleted", "-ERR message 1 already deleted",
              "-ERR message 1 already deleted", "-ERR message 1 already deleted", "-ERR message 1 already deleted"}));
}

TEST_CASE("deleted messages are neither counted nor listed") {
  CHECK(replies_to(crlf({"DELE 1", "STAT", "LIST", "UIDL"})) ==
        crlf({"+OK message 1 deleted", "+OK 1 200", "+OK 1 message (200 octets)", "2 200", ".", "+OK", "2 1.2", "."}));
}

TEST_CASE("RSET unmarks every deleted message") {
  CHECK(replies_to(crlf({"DELE 1", "DELE 2", "STAT", "RSET", "STAT", "RETR 2"})) ==
        crlf({"+OK message 1 deleted", "+OK message 2 deleted", "+OK 0 0", "+OK maildrop has 2 messages (320 octets)",
              "+OK 2 320", "+OK 200 octets"}) +
            mail::dot_stuff(Message2));
}

TEST_CASE("NOOP answers +OK") { CHECK(replies_to("NOOP\r\n") == "+OK\r\n"); }

TEST_CASE("TOP sends the header and the first n lines of the body") {
  const std::string header = "From: dewey@example.com\r\nSubject: one\r\n\r\n";
  CHECK(replies_to("TOP 1 0\r\n") == "+OK\r\n" + mail::dot_stuff(header));
  CHECK(replies_to("TOP 1 1\r\n") == "+OK\r\n" + header + "..signature follows\r\n.\r\n");
  CHECK(replies_to("TOP 1 100\r\n") == "+OK\r\n" + mail::dot_stuff(Message1));
  CHECK(replies_to("TOP 1 99999999999999999999999\r\n") == "+OK\r\n" + mail::dot_stuff(Message1));
}

TEST_CASE("TOP rejects a bad line count or message number") {
  CHECK(replies_to(crlf({"TOP 1 x", "TOP 1 -1", "TOP 3 1"})) ==
        crlf({"-ERR invalid number of lines \"x\"", "-ERR invalid number of lines \"-1\"",
              "-ERR no such message, only 2 messages in maildrop"}));
}

TEST_CASE("UIDL lists unique-ids made of UIDVALIDITY and UID") {
  CHECK(replies_to("UIDL\r\n") == crlf({"+OK", "1 1.1", "2 1.2", "."}));
  CHECK(replies_to(crlf({"UIDL 2", "UIDL 3"})) ==
        crlf({"+OK 2 1.2", "-ERR no such message, only 2 messages in maildrop"}));
}

TEST_CASE("CAPA lists the capabilities in both states") {
  const std::string capa = crlf({"+OK Capability list follows", "TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE",
                                 "PIPELINING", "IMPLEMENTATION wiresim", "."});
  CHECK(replies_to("CAPA\r\n") == capa);
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), "CAPA\r\n");
  CHECK(r.output == greeting() + capa);
}

TEST_CASE("commands are case-insensitive") {
  CHECK(replies_to(crlf({"stat", "List 2", "noop"})) == crlf({"+OK 2 320", "+OK 2 200", "+OK"}));
}

TEST_CASE("an unknown command is named in the -ERR") {
  CHECK(replies_to(crlf({"XYZ", "LAST", "xyz 1 2"})) ==
        crlf({"-ERR unknown command \"XYZ\"", "-ERR unknown command \"LAST\"", "-ERR unknown command \"xyz\""}));
}

TEST_CASE("an unknown command is a protocol error event quoting the line") {
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), "XYZ 1\r\n");
  REQUIRE(r.events.size() == 4);
  CHECK(r.events[2].kind == EventKind::ProtocolError);
  CHECK(r.events[2].text == "pop3: expected a POP3 command in state AUTHORIZATION, got \"XYZ 1\"");
  CHECK(r.events[3].text == "-ERR unknown command \"XYZ\"");
}

TEST_CASE("an empty line or one without a keyword is rejected") {
  CHECK(replies_to("\r\n") == "-ERR empty command\r\n");
  CHECK(replies_to(" STAT\r\n") == "-ERR a command line starts with its keyword\r\n");
}

TEST_CASE("a command line of 255 octets is read, one of 256 is rejected") {
  const std::string fits(253, 'X');  // with CRLF, 255 octets (RFC 2449 4)
  const std::string too_long(254, 'X');
  const std::string quoted = "\"" + std::string(60, 'X') + "...\"";
  CHECK(replies_to(fits + "\r\n" + too_long + "\r\nNOOP\r\n") ==
        crlf({"-ERR unknown command " + quoted, "-ERR command line too long (over 255 octets)", "+OK"}));
}

TEST_CASE("a very long line is discarded as it arrives and answered once") {
  const std::string flood(100'000, 'A');
  const DialogueResult r = run_both_ways(fill_rfc_store, rfc_config(), flood + "\r\nCAPA\r\n");
  CHECK(r.output.starts_with(greeting() + "-ERR command line too long (over 255 octets)\r\n+OK Capability"));
  bool found = false;
  for (const Event& e : r.events)
    if (e.kind == EventKind::ProtocolError)
      found = e.text == "pop3: expected a command line of at most 255 octets in state AUTHORIZATION, got \"" +
                            std::string(60, 'A') + "...\"";
  CHECK(found);
}

TEST_CASE("an argument over 40 characters is rejected") {
  CHECK(replies_to("RETR " + std::string(41, '1') + "\r\n") == "-ERR argument too long (over 40 characters)\r\n");
}

TEST_CASE("a bare LF ends a command too") { CHECK(replies_to("STAT\nNOOP\n") == crlf({"+OK 2 320", "+OK"})); }

TEST_CASE("control characters in an unknown command are not echoed") {
  CHECK(replies_to(std::string("X\x01Y\x7f", 4) + "\r\n") == "-ERR unknown command \"X?Y?\"\r\n");
}

TEST_CASE("pipelined commands are answered in order and nothing after QUIT") {
  const DialogueResult r =
      run_both_ways(fill_rfc_store, rfc_config(), logged_in(crlf({"STAT", "DELE 2", "QUIT", "STAT", "RSET"})));
  CHECK(r.output == LoginReplies + crlf({"+OK 2 320", "+OK message 2 deleted",
                                         "+OK dewey POP3 server signing off (1 message left)"}));
  CHECK(r.wants_close);
}

}  // namespace wiresim::pop3::test
