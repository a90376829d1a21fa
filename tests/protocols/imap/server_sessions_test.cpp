// Two ServerSessions on one mailbox (two devices): each sees the other's changes as untagged
// EXPUNGE, EXISTS and FETCH (FLAGS) at its next command, with its own sequence numbers.
#include <doctest/doctest.h>

#include "tests/protocols/imap/imap_fixture.hpp"

using namespace imap_test;
using namespace wiresim;

namespace {

struct Device {
  imap::ServerSession session;
  explicit Device(mail::Store& store) : session(store) {
    session.on_connected(Time{});
    say(Login + SelectInbox);
  }
  std::string say(std::string_view input, bool bytewise = false) {
    if (bytewise) {
      for (const char c : input) session.on_bytes(std::string_view(&c, 1), Time{});
    } else {
      session.on_bytes(input, Time{});
    }
    return session.take_outgoing();
  }
};

}  // namespace

TEST_CASE("a second session sees expunges, new mail and flag changes at its next NOOP") {
  for (const bool bytewise : {false, true}) {
    auto store = make_store();
    Device laptop(*store);
    Device phone(*store);
    CHECK(laptop.say("l1 STORE 2 +FLAGS (\\Deleted)\r\nl2 EXPUNGE\r\nl3 STORE 1 +FLAGS.SILENT (\\Flagged)\r\n", bytewise) ==
          "* 2 FETCH (FLAGS (\\Deleted))\r\nl1 OK STORE completed\r\n* 2 EXPUNGE\r\nl2 OK EXPUNGE completed\r\n"
              "l3 OK STORE completed\r\n");
    CHECK(laptop.say("l4 APPEND INBOX {21}\r\nSubject: new\r\n\r\nhey\r\n\r\n", bytewise) ==
          "+ Ready for literal data\r\n* 3 EXISTS\r\n* 2 RECENT\r\nl4 OK APPEND completed\r\n");
    CHECK(phone.say("p1 NOOP\r\n", bytewise) ==
          "* 2 EXPUNGE\r\n* 3 EXISTS\r\n* 1 FETCH (FLAGS (\\Flagged \\Seen))\r\np1 OK NOOP completed\r\n");
    CHECK(phone.say("p2 FETCH 3 (UID FLAGS)\r\n", bytewise) == "* 3 FETCH (UID 4 FLAGS ())\r\np2 OK FETCH completed\r\n");
  }
}

TEST_CASE("a session answering FETCH holds back another session's EXPUNGE until NOOP") {
  auto store = make_store();
  Device laptop(*store);
  Device phone(*store);
  laptop.say("l1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\nl2 EXPUNGE\r\n");
  // RFC 3501 7.4.1: no EXPUNGE during FETCH; message 1 is gone, so it is left out.
  CHECK(phone.say("p1 FETCH 1:3 (UID)\r\n") == "* 2 FETCH (UID 2)\r\n* 3 FETCH (UID 3)\r\np1 OK FETCH completed\r\n");
  CHECK(phone.say("p2 NOOP\r\n") == "* 1 EXPUNGE\r\np2 OK NOOP completed\r\n");
  CHECK(phone.say("p3 FETCH 1:* (UID)\r\n") == "* 1 FETCH (UID 2)\r\n* 2 FETCH (UID 3)\r\np3 OK FETCH completed\r\n");
}

TEST_CASE("only the session that saw a message first reports it recent") {
  auto store = make_store();
  Device laptop(*store);
  Device phone(*store);
  CHECK(phone.say("p1 SEARCH RECENT\r\n") == "* SEARCH\r\np1 OK SEARCH completed\r\n");
  CHECK(laptop.say("l1 SEARCH RECENT\r\n") == "* SEARCH 3\r\nl1 OK SEARCH completed\r\n");
  REQUIRE(store->append("bob", "INBOX", Lunch, Time{}));  // delivery
  CHECK(phone.say("p2 NOOP\r\n") == "* 4 EXISTS\r\n* 1 RECENT\r\np2 OK NOOP completed\r\n");
  CHECK(laptop.say("l2 NOOP\r\n") == "* 4 EXISTS\r\nl2 OK NOOP completed\r\n");
}

TEST_CASE("a session whose selected mailbox is deleted by another says BYE") {
  auto store = make_store();
  imap::ServerSession a(*store), b(*store);
  a.on_connected(Time{});
  b.on_connected(Time{});
  a.on_bytes(Login + "a2 SELECT Work\r\n", Time{});
  b.on_bytes(Login + "b2 DELETE Work/Projects\r\nb3 DELETE Work\r\n", Time{});
  a.take_outgoing();
  a.on_bytes("a3 NOOP\r\n", Time{});
  CHECK(a.take_outgoing() == "* BYE Mailbox \"Work\" was deleted or renamed by another session\r\n");
  CHECK(a.wants_close());
}
