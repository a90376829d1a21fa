// ServerSession: greeting, CAPABILITY, LOGIN, AUTHENTICATE, LOGOUT, the state rules and bad input.
#include <doctest/doctest.h>

#include "tests/protocols/imap/imap_fixture.hpp"

using namespace imap_test;
using namespace wiresim;

TEST_CASE("server greets with its capabilities") {
  auto store = make_store();
  imap::ServerSession server(*store);
  server.on_connected(Time{});
  CHECK(server.take_outgoing() == "* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] imap.example.org IMAP4rev1 server ready\r\n");
  CHECK(server.state() == imap::ServerState::NotAuthenticated);
}

TEST_CASE("server answers CAPABILITY and NOOP in any state") {
  CHECK(converse("x CAPABILITY\r\ny NOOP\r\n") ==
        "* CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN\r\nx OK CAPABILITY completed\r\ny OK NOOP completed\r\n");
}

TEST_CASE("server logs in with LOGIN and rejects a wrong password") {
  CHECK(converse("a1 LOGIN bob wrong\r\n") == "a1 NO LOGIN failed: wrong user name or password\r\n");
  CHECK(converse(Login) == LoginOk);
  CHECK(converse("a1 LOGIN \"bob\" {6}\r\nsecret\r\n") == "+ Ready for literal data\r\n" + LoginOk);
  CHECK(converse("a1 LOGIN {3+}\r\nbob \"sec\\\\ret\"\r\n") == "a1 NO LOGIN failed: wrong user name or password\r\n");
}

TEST_CASE("server logs in with AUTHENTICATE PLAIN, with and without an initial response") {
  // base64("\0bob\0secret") = AGJvYgBzZWNyZXQ=
  CHECK(converse("a1 AUTHENTICATE PLAIN\r\nAGJvYgBzZWNyZXQ=\r\n") == "+ \r\na1 OK AUTHENTICATE completed\r\n");
  CHECK(converse("a1 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\r\n") == "a1 OK AUTHENTICATE completed\r\n");
  CHECK(converse("a1 AUTHENTICATE PLAIN\r\n*\r\n") == "+ \r\na1 BAD AUTHENTICATE cancelled by the client\r\n");
  CHECK(converse("a1 AUTHENTICATE CRAM-MD5\r\n") == "a1 NO Unsupported authentication mechanism CRAM-MD5\r\n");
}

TEST_CASE("server says BYE before the tagged OK on LOGOUT and then wants to close") {
  auto store = make_store();
  imap::ServerSession server(*store);
  server.on_connected(Time{});
  server.take_outgoing();
  server.on_bytes("a1 LOGOUT\r\n", Time{});
  CHECK(server.take_outgoing() == "* BYE IMAP4rev1 Server logging out\r\na1 OK LOGOUT completed\r\n");
  CHECK(server.wants_close());
  server.on_bytes("a2 NOOP\r\n", Time{});
  CHECK(server.take_outgoing() == "");
}

TEST_CASE("server rejects commands in the wrong state with BAD") {
  CHECK(converse("a1 SELECT INBOX\r\n") == "a1 BAD SELECT is not valid in state Not Authenticated: LOGIN first\r\n");
  CHECK(converse(Login + "a2 FETCH 1 FLAGS\r\n") ==
        LoginOk + "a2 BAD FETCH is not valid in state Authenticated: SELECT a mailbox first\r\n");
  CHECK(converse(Login + "a2 LOGIN bob secret\r\n") ==
        LoginOk + "a2 BAD LOGIN is not valid in state Authenticated: already logged in\r\n");
}

TEST_CASE("server answers garbage and unknown commands with BAD and a protocol error event") {
  auto store = make_store();
  const Output out = feed(*store, "\r\n+bad\r\na1\r\na2 FROB\r\na3 NOOP extra\r\n", false);
  CHECK(out.bytes ==
        "* BAD Empty command line\r\n"
        "* BAD Missing tag or command\r\n"
        "* BAD Missing tag or command\r\n"
        "a2 BAD Unknown command FROB\r\n"
        "a3 BAD NOOP takes no arguments\r\n");
  std::vector<std::string> errors;
  for (const auto& e : out.events)
    if (e.kind == imap::EventKind::ProtocolError) errors.push_back(e.text);
  REQUIRE(errors.size() == 5);
  CHECK(errors[1] == "imap: expected a tag and a command in state Not Authenticated, got \"+bad\"");
  CHECK(errors[3] == "imap: Unknown command FROB in state Not Authenticated (command \"a2 FROB\")");
}

TEST_CASE("server rejects bad arguments with a message naming what was expected") {
  CHECK(converse("a1 LOGIN bob\r\n") ==
        "a1 BAD LOGIN expects a user name and a password: expected a space, got the end of the command\r\n");
  CHECK(converse("a1 LOGIN \"bob secret\r\n") ==
        "a1 BAD LOGIN expects a user name and a password: expected a closing '\"', got \"\"bob secret\"\r\n");
}

TEST_CASE("server bounds lines and literals") {
  imap::ServerConfig config;
  config.max_line = 64;
  config.max_literal = 100;
  const std::string long_line = "a1 LOGIN " + std::string(100, 'x') + " y\r\n";
  CHECK(converse(long_line + "a2 NOOP\r\n", config) == "a1 BAD line longer than 64 octets\r\na2 OK NOOP completed\r\n");
  CHECK(converse("a1 LOGIN bob {500}\r\na2 NOOP\r\n", config) ==
        "a1 NO [TOOBIG] literal of 500 octets is larger than the limit of 100\r\na2 OK NOOP completed\r\n");
  // A refused non-synchronizing literal is skipped, with the rest of its command.
  CHECK(converse("a1 LOGIN bob {101+}\r\n" + std::string(101, 'z') + " rest\r\na2 NOOP\r\n", config) ==
        "a1 NO [TOOBIG] literal of 101 octets is larger than the limit of 100\r\na2 OK NOOP completed\r\n");
}

TEST_CASE("server logs out an idle client after 30 minutes") {
  auto store = make_store();
  imap::ServerSession server(*store);
  server.on_connected(Time{});
  server.take_outgoing();
  server.on_bytes(Login, Time{} + seconds(60));
  server.take_outgoing();
  REQUIRE(server.wake_at() == Time{} + seconds(60 + 1800));
  server.on_timer(Time{} + seconds(1000));
  CHECK(server.take_outgoing() == "");
  server.on_timer(Time{} + seconds(60 + 1800));
  CHECK(server.take_outgoing() == "* BYE Autologout; idle for too long\r\n");
  CHECK(server.wants_close());
  CHECK(!server.wake_at());
}
