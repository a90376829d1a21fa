// ClientSession alone and wired to a ServerSession in memory: tagging, one command at a time,
// waiting for "+" before literal data, literals in responses and the mailbox view it keeps.
#include <doctest/doctest.h>

#include "protocols/imap/client_session.hpp"
#include "tests/protocols/imap/imap_fixture.hpp"

using namespace imap_test;
using namespace wiresim;

namespace {

// Shuttles bytes between the two engines until neither has anything to say; the server's
// bytes go to the client whole or one byte at a time.
void pump(imap::ClientSession& client, imap::ServerSession& server, bool bytewise) {
  for (int round = 0; round < 100; ++round) {
    const std::string up = client.take_outgoing();
    const std::string down = server.take_outgoing();
    if (up.empty() && down.empty()) return;
    if (!up.empty()) server.on_bytes(up, Time{});
    if (bytewise) {
      for (const char c : down) client.on_bytes(std::string_view(&c, 1), Time{});
    } else if (!down.empty()) {
      client.on_bytes(down, Time{});
    }
  }
  FAIL("the engines kept talking");
}

std::vector<imap::Event> completions(imap::ClientSession& client) {
  std::vector<imap::Event> out;
  for (imap::Event& e : client.take_events())
    if (e.kind == imap::EventKind::Completed) out.push_back(std::move(e));
  return out;
}

}  // namespace

TEST_CASE("client waits for the greeting, then sends tagged commands one at a time") {
  imap::ClientSession client;
  client.on_connected(Time{});
  CHECK(client.request("LOGIN bob secret") == "a1");
  CHECK(client.request("SELECT INBOX") == "a2");
  CHECK(client.take_outgoing() == "");
  client.on_bytes("* OK ready\r\n", Time{});
  CHECK(client.take_outgoing() == "a1 LOGIN bob secret\r\n");
  client.on_bytes("a1 OK done\r\n", Time{});
  CHECK(client.take_outgoing() == "a2 SELECT INBOX\r\n");
}

TEST_CASE("client sends literal data only after the continuation request") {
  imap::ClientSession client;
  client.on_connected(Time{});
  client.on_bytes("* OK ready\r\n", Time{});
  client.request("APPEND Sent", "hello");
  CHECK(client.take_outgoing() == "a1 APPEND Sent {5}\r\n");
  client.on_bytes("+ Ready for literal data\r\n", Time{});
  CHECK(client.take_outgoing() == "hello\r\n");
  client.on_bytes("a1 OK APPEND completed\r\n", Time{});
  const auto done = completions(client);
  REQUIRE(done.size() == 1);
  CHECK(done[0].command == "APPEND Sent {5}");
  CHECK(done[0].status == "OK");
}

TEST_CASE("client reports unexpected tags as a protocol error") {
  imap::ClientSession client;
  client.on_connected(Time{});
  client.on_bytes("* OK ready\r\nzz OK what\r\n", Time{});
  const auto events = client.take_events();
  REQUIRE(events.size() == 2);
  CHECK(events[1].kind == imap::EventKind::ProtocolError);
  CHECK(events[1].text == "imap client: expected an untagged response or the completion of no command, got \"zz OK what\"");
}

TEST_CASE("client and server log in, select, fetch with literals and append") {
  for (const bool bytewise : {false, true}) {
    auto store = make_store();
    imap::ServerSession server(*store);
    imap::ClientSession client;
    server.on_connected(Time{});
    client.on_connected(Time{});
    client.request("LOGIN bob \"secret\"");
    client.request("SELECT INBOX");
    client.request("UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
    client.request("APPEND INBOX (\\Seen)", "Subject: note\r\n\r\nremember\r\n");
    client.request("NOOP");
    client.request("LOGOUT");
    pump(client, server, bytewise);
    const auto done = completions(client);
    REQUIRE(done.size() == 6);
    CHECK(done[0].text == "a1 OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] LOGIN completed");
    CHECK(done[1].text == "a2 OK [READ-WRITE] SELECT completed");
    CHECK(done[1].untagged.size() == 7);
    REQUIRE(done[2].untagged.size() == 3);
    CHECK(done[2].untagged[0] == "* 1 FETCH (UID 1 FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {18})");
    CHECK(done[2].literals == std::vector<std::string>{"Subject: Lunch\r\n\r\n", "Subject: Quarterly report\r\n\r\n",
                                                        "Subject: Re: Lunch\r\n\r\n"});
    CHECK(done[3].text == "a4 OK APPEND completed");
    CHECK(done[3].untagged == std::vector<std::string>{"* 4 EXISTS", "* 2 RECENT"});
    CHECK(done[5].untagged == std::vector<std::string>{"* BYE IMAP4rev1 Server logging out"});
    CHECK(client.mailbox().name == "INBOX");
    CHECK(client.mailbox().exists == 4);
    CHECK(client.mailbox().uid_next == 4);
    CHECK(client.mailbox().uid_validity == 1);
    CHECK(client.mailbox().flags.at(1) == "(\\Seen)");
    CHECK(server.wants_close());
    CHECK(client.wants_close());
  }
}

TEST_CASE("client view follows another device's expunge and flag change") {
  auto store = make_store();
  imap::ServerSession laptop(*store), phone_server(*store);
  imap::ClientSession phone;
  laptop.on_connected(Time{});
  laptop.on_bytes(Login + SelectInbox, Time{});
  phone_server.on_connected(Time{});
  phone.on_connected(Time{});
  phone.request("LOGIN bob secret");
  phone.request("SELECT INBOX");
  phone.request("FETCH 1:* FLAGS");
  pump(phone, phone_server, false);
  CHECK(phone.mailbox().exists == 3);
  CHECK(phone.mailbox().flags.at(3) == "()");
  laptop.on_bytes("l1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\nl2 EXPUNGE\r\nl3 STORE 2 +FLAGS (\\Answered)\r\n", Time{});
  phone.take_events();
  phone.request("NOOP");
  pump(phone, phone_server, false);
  const auto done = completions(phone);
  REQUIRE(done.size() == 1);
  CHECK(done[0].untagged == std::vector<std::string>{"* 1 EXPUNGE", "* 2 FETCH (FLAGS (\\Answered))"});
  CHECK(phone.mailbox().exists == 2);
  CHECK(phone.mailbox().flags.at(1) == "()");
  CHECK(phone.mailbox().flags.at(2) == "(\\Answered)");
}
