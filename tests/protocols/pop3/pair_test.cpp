// Client engine and server engine wired together in memory over one store: download and
// delete empties the maildrop, download and keep fetches only new mail the next time.
#include <doctest/doctest.h>

#include "tests/protocols/pop3/pop3_support.hpp"

namespace wiresim::pop3::test {
namespace {

ClientConfig mrose(Mode mode) {
  ClientConfig config;
  config.user = "mrose";
  config.password = "tanstaaf";
  config.mode = mode;
  return config;
}

std::size_t count(const std::vector<Event>& events, EventKind kind) {
  std::size_t n = 0;
  for (const Event& e : events) n += e.kind == kind ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("client and server in delete mode leave the maildrop empty") {
  for (const bool bytewise : {false, true}) {
    CAPTURE(bytewise);
    mail::Store store;
    fill_rfc_store(store);
    ClientSession client(mrose(Mode::DownloadAndDelete));
    ServerSession server(store, rfc_config());
    const Pair pair = run_pair(client, server, bytewise);
    CHECK(pair.client_to_server == crlf({"CAPA", "USER mrose", "PASS tanstaaf", "STAT", "LIST", "RETR 1", "DELE 1",
                                         "RETR 2", "DELE 2", "QUIT"}));
    CHECK(pair.server_to_client.ends_with("+OK dewey POP3 server signing off (maildrop empty)\r\n"));
    REQUIRE(client.messages().size() == 2);
    CHECK(client.messages()[0].bytes == Message1);
    CHECK(client.messages()[1].bytes == Message2);
    CHECK(store.folder("mrose", "INBOX")->messages.empty());
    CHECK_FALSE(store.locked("mrose"));
    CHECK(client.wants_close());
    CHECK(server.wants_close());
    CHECK(pair.client_events.back().kind == EventKind::Done);
    CHECK(pair.client_events.back().text == "retrieved 2 messages, deleted 2");
    CHECK(count(pair.server_events, EventKind::MessageDeleted) == 2);
    CHECK(count(pair.server_events, EventKind::ProtocolError) == 0);
    CHECK(count(pair.client_events, EventKind::ProtocolError) == 0);
    CHECK(client.capabilities() == std::vector<std::string>{"TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE",
                                                            "PIPELINING", "IMPLEMENTATION wiresim"});
  }
}

TEST_CASE("client and server agree on APOP") {
  mail::Store store;
  fill_rfc_store(store);
  ClientConfig config = mrose(Mode::DownloadAndDelete);
  config.use_apop = true;
  config.send_capa = false;
  ClientSession client(config);
  ServerSession server(store, rfc_config());
  const Pair pair = run_pair(client, server);
  CHECK(pair.client_to_server.starts_with("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\nSTAT\r\n"));
  CHECK(client.retrieved() == 2);
  CHECK(store.folder("mrose", "INBOX")->messages.empty());
}

TEST_CASE("client in keep mode retrieves only new mail in the next session") {
  mail::Store store;
  fill_rfc_store(store);
  std::set<std::string> seen;
  {
    ClientSession client(mrose(Mode::DownloadAndKeep));
    ServerSession server(store, rfc_config());
    const Pair pair = run_pair(client, server);
    CHECK(pair.client_to_server ==
          crlf({"CAPA", "USER mrose", "PASS tanstaaf", "STAT", "LIST", "UIDL", "RETR 1", "RETR 2", "QUIT"}));
    CHECK(client.retrieved() == 2);
    CHECK(client.messages()[0].uidl == "1.1");
    seen = client.seen_uidls();
  }
  CHECK(seen == std::set<std::string>{"1.1", "1.2"});
  CHECK(store.folder("mrose", "INBOX")->messages.size() == 2);
  REQUIRE(store.append("mrose", "INBOX", "Subject: three\r\n\r\nnew mail\r\n", Time{}).ok());

  for (const bool bytewise : {false, true}) {
    ClientConfig config = mrose(Mode::DownloadAndKeep);
    config.already_seen_uidls = seen;
    ClientSession client(config);
    ServerSession server(store, rfc_config());
    const Pair pair = run_pair(client, server, bytewise);
    CHECK(pair.client_to_server ==
          crlf({"CAPA", "USER mrose", "PASS tanstaaf", "STAT", "LIST", "UIDL", "RETR 3", "QUIT"}));
    REQUIRE(client.messages().size() == 1);
    CHECK(client.messages()[0].bytes == "Subject: three\r\n\r\nnew mail\r\n");
    CHECK(client.seen_uidls() == std::set<std::string>{"1.1", "1.2", "1.3"});
    CHECK(pair.client_events.back().text == "retrieved 1 message, deleted 0");
  }
  CHECK(store.folder("mrose", "INBOX")->messages.size() == 3);
}

TEST_CASE("client previews headers with TOP and deletes nothing") {
  mail::Store store;
  fill_rfc_store(store);
  ClientConfig config = mrose(Mode::DownloadAndDelete);
  config.top_lines = 0;
  config.send_capa = false;
  ClientSession client(config);
  ServerSession server(store, rfc_config());
  const Pair pair = run_pair(client, server);
  CHECK(pair.client_to_server == crlf({"USER mrose", "PASS tanstaaf", "STAT", "LIST", "TOP 1 0", "TOP 2 0", "QUIT"}));
  REQUIRE(client.messages().size() == 2);
  CHECK(client.messages()[0].headers_only);
  CHECK(client.messages()[0].bytes == "From: dewey@example.com\r\nSubject: one\r\n\r\n");
  CHECK(store.folder("mrose", "INBOX")->messages.size() == 2);
}

TEST_CASE("client with a wrong password fails to log in and the maildrop is untouched") {
  mail::Store store;
  fill_rfc_store(store);
  ClientConfig config = mrose(Mode::DownloadAndDelete);
  config.password = "wrong";
  ClientSession client(config);
  ServerSession server(store, rfc_config());
  const Pair pair = run_pair(client, server);
  CHECK(pair.client_to_server == crlf({"CAPA", "USER mrose", "PASS wrong", "QUIT"}));
  CHECK(count(pair.client_events, EventKind::LoginFailed) == 1);
  CHECK(count(pair.server_events, EventKind::LoginFailed) == 1);
  CHECK(store.folder("mrose", "INBOX")->messages.size() == 2);
  CHECK_FALSE(store.locked("mrose"));
  CHECK(client.wants_close());
}

TEST_CASE("a second client finds the maildrop locked") {
  mail::Store store;
  fill_rfc_store(store);
  ServerSession holder(store, rfc_config());
  holder.on_connected(Time{});
  holder.on_bytes("USER mrose\r\nPASS tanstaaf\r\n", Time{});
  ClientSession client(mrose(Mode::DownloadAndDelete));
  ServerSession server(store, rfc_config());
  const Pair pair = run_pair(client, server);
  bool saw = false;
  for (const Event& e : pair.client_events)
    saw |= e.kind == EventKind::LoginFailed && e.text == "login refused: -ERR [IN-USE] maildrop already locked";
  CHECK(saw);
  CHECK(store.folder("mrose", "INBOX")->messages.size() == 2);
  CHECK(store.locked("mrose"));  // still the holder's
}

TEST_CASE("an empty maildrop gives a short session") {
  mail::Store store;
  fill_rfc_store(store);
  ClientConfig config = mrose(Mode::DownloadAndDelete);
  config.user = "dewey";
  config.password = "secret";
  config.send_capa = false;
  ClientSession client(config);
  ServerSession server(store, rfc_config());
  const Pair pair = run_pair(client, server);
  CHECK(pair.client_to_server == crlf({"USER dewey", "PASS secret", "STAT", "LIST", "QUIT"}));
  CHECK(pair.server_to_client ==
        crlf({"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "+OK send PASS",
              "+OK dewey's maildrop has 0 messages (0 octets)", "+OK 0 0", "+OK 0 messages (0 octets)", ".",
              "+OK dewey POP3 server signing off (maildrop empty)"}));
}

}  // namespace wiresim::pop3::test
