// The client engine against scripted server replies: the order of its commands, multi-line
// replies, and what it does with -ERR, garbage, a closed connection and a silent server.
#include <doctest/doctest.h>

#include "protocols/mail/dot_stuffing.hpp"
#include "tests/protocols/pop3/pop3_support.hpp"

namespace wiresim::pop3::test {
namespace {

struct Scripted {
  std::string sent;  // every byte the client wrote
  std::vector<Event> events;
  bool wants_close = false;
  std::vector<RetrievedMessage> messages;
};

// Feeds `replies` to a client one by one (each after the client's last command), whole or one
// byte at a time.
Scripted run_client(const ClientConfig& config, const std::vector<std::string>& replies, bool bytewise) {
  ClientSession client(config);
  Scripted out;
  client.on_connected(Time{});
  for (const std::string& reply : replies) {
    if (bytewise) {
      for (const char c : reply) client.on_bytes(std::string_view(&c, 1), Time{});
    } else {
      client.on_bytes(reply, Time{});
    }
    out.sent += client.take_outgoing();
  }
  out.events = client.take_events();
  out.wants_close = client.wants_close();
  out.messages = client.messages();
  return out;
}

Scripted run_client_both_ways(const ClientConfig& config, const std::vector<std::string>& replies) {
  Scripted whole = run_client(config, replies, false);
  Scripted bytes = run_client(config, replies, true);
  CHECK(whole.sent == bytes.sent);
  CHECK(describe(whole.events) == describe(bytes.events));
  return whole;
}

ClientConfig mrose() {
  ClientConfig config;
  config.user = "mrose";
  config.password = "tanstaaf";
  return config;
}

std::vector<std::string> kinds(const std::vector<Event>& events, EventKind kind) {
  std::vector<std::string> out;
  for (const Event& e : events)
    if (e.kind == kind) out.push_back(e.text);
  return out;
}

const std::string Greeting = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";

}  // namespace

TEST_CASE("client runs the classic download-and-delete flow") {
  const Scripted r = run_client_both_ways(
      mrose(), {Greeting, crlf({"+OK Capability list follows", "TOP", "USER", "."}), "+OK send PASS\r\n",
                "+OK mrose's maildrop has 1 message (120 octets)\r\n", "+OK 1 120\r\n",
                crlf({"+OK 1 message (120 octets)", "1 120", "."}), "+OK 120 octets\r\n" + mail::dot_stuff(Message1),
                "+OK message 1 deleted\r\n", "+OK dewey POP3 server signing off (maildrop empty)\r\n"});
  CHECK(r.sent == crlf({"CAPA", "USER mrose", "PASS tanstaaf", "STAT", "LIST", "RETR 1", "DELE 1", "QUIT"}));
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0].bytes == Message1);  // dot-unstuffed
  CHECK(r.wants_close);
  CHECK(kinds(r.events, EventKind::Connected) ==
        std::vector<std::string>{"connected: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>"});
  CHECK(kinds(r.events, EventKind::MessageRetrieved) == std::vector<std::string>{"retrieved message 1 (120 octets)"});
  CHECK(kinds(r.events, EventKind::Deleted) == std::vector<std::string>{"message 1 marked for deletion"});
  CHECK(kinds(r.events, EventKind::Done) == std::vector<std::string>{"retrieved 1 message, deleted 1"});
  CHECK(r.events.back().retrieved == 1);
  CHECK(r.events.back().deleted == 1);
}

TEST_CASE("client reports the lines of a multi-line reply in the Reply event") {
  ClientConfig config = mrose();
  config.send_capa = false;
  const Scripted r = run_client_both_ways(config, {Greeting, "+OK send PASS\r\n", "+OK in\r\n", "+OK 2 320\r\n",
                                                   crlf({"+OK 2 messages (320 octets)", "1 120", "2 200", "."})});
  const Event& list_reply = r.events.back();
  CHECK(list_reply.kind == EventKind::Command);  // RETR 1 went out after the listing
  CHECK(list_reply.text == "RETR 1");
  const Event& reply = r.events[r.events.size() - 2];
  CHECK(reply.text == "+OK 2 messages (320 octets)");
  CHECK(reply.body == "1 120\r\n2 200\r\n");
}

TEST_CASE("client reports a refused password and quits") {
  const Scripted r = run_client_both_ways(
      mrose(), {Greeting, "-ERR unknown command \"CAPA\"\r\n", "+OK send PASS\r\n",
                "-ERR [AUTH] invalid user name or password\r\n", "+OK dewey POP3 server signing off\r\n"});
  CHECK(r.sent == crlf({"CAPA", "USER mrose", "PASS tanstaaf", "QUIT"}));
  CHECK(kinds(r.events, EventKind::LoginFailed) ==
        std::vector<std::string>{"login refused: -ERR [AUTH] invalid user name or password"});
  CHECK(kinds(r.events, EventKind::LoggedIn).empty());
  CHECK(kinds(r.events, EventKind::Done) == std::vector<std::string>{"retrieved 0 messages, deleted 0"});
  CHECK(r.wants_close);
}

TEST_CASE("client reports a refused USER and quits") {
  ClientConfig config = mrose();
  config.send_capa = false;
  const Scripted r =
      run_client_both_ways(config, {Greeting, "-ERR USER/PASS not allowed here, use APOP\r\n", "+OK bye\r\n"});
  CHECK(r.sent == crlf({"USER mrose", "QUIT"}));
  CHECK(kinds(r.events, EventKind::LoginFailed) ==
        std::vector<std::string>{"USER refused: -ERR USER/PASS not allowed here, use APOP"});
}

TEST_CASE("client logs in with APOP using the greeting's timestamp") {
  ClientConfig config = mrose();
  config.use_apop = true;
  config.send_capa = false;
  const Scripted r = run_client_both_ways(config, {Greeting});
  CHECK(r.sent == "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
}

TEST_CASE("client wanting APOP gives up when the greeting has no timestamp") {
  ClientConfig config = mrose();
  config.use_apop = true;
  config.send_capa = false;
  const Scripted r = run_client_both_ways(config, {"+OK POP3 server ready\r\n", "+OK bye\r\n"});
  CHECK(r.sent == "QUIT\r\n");
  CHECK(kinds(r.events, EventKind::LoginFailed) ==
        std::vector<std::string>{"the server offers no APOP (no timestamp in its greeting)"});
}

TEST_CASE("client closes at once when the greeting is -ERR") {
  const Scripted r = run_client_both_ways(mrose(), {"-ERR go away\r\n"});
  CHECK(r.sent.empty());
  CHECK(kinds(r.events, EventKind::Error) == std::vector<std::string>{"the server refused the session: -ERR go away"});
  CHECK(r.wants_close);
}

TEST_CASE("client skips a message whose RETR fails and goes on") {
  ClientConfig config = mrose();
  config.send_capa = false;
  const Scripted r = run_client_both_ways(
      config, {Greeting, "+OK\r\n", "+OK\r\n", "+OK 2 320\r\n", crlf({"+OK", "1 120", "2 200", "."}),
               "-ERR message 1 is no longer in the maildrop\r\n", "+OK 200 octets\r\n" + mail::dot_stuff(Message2),
               "+OK message 2 deleted\r\n", "+OK bye\r\n"});
  CHECK(r.sent == crlf({"USER mrose", "PASS tanstaaf", "STAT", "LIST", "RETR 1", "RETR 2", "DELE 2", "QUIT"}));
  CHECK(kinds(r.events, EventKind::Error) ==
        std::vector<std::string>{"RETR 1 failed: -ERR message 1 is no longer in the maildrop"});
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0].number == 2);
}

TEST_CASE("client treats a reply that is neither +OK nor -ERR as a failure") {
  ClientConfig config = mrose();
  config.send_capa = false;
  const Scripted r = run_client_both_ways(config, {Greeting, "hello there\r\n", "+OK bye\r\n"});
  CHECK(r.sent == crlf({"USER mrose", "QUIT"}));
  CHECK(kinds(r.events, EventKind::ProtocolError) ==
        std::vector<std::string>{"pop3: expected +OK or -ERR in reply to USER, got \"hello there\""});
}

TEST_CASE("client rejects a status line over 512 octets") {
  ClientConfig config = mrose();
  config.send_capa = false;
  const Scripted r = run_client_both_ways(config, {Greeting, "+OK " + std::string(600, 'a') + "\r\n", "+OK bye\r\n"});
  CHECK(r.sent == crlf({"USER mrose", "QUIT"}));
  CHECK(kinds(r.events, EventKind::ProtocolError) ==
        std::vector<std::string>{"pop3: expected a reply line of at most 512 octets in reply to USER, got \"+OK " +
                                 std::string(56, 'a') + "...\""});
}

TEST_CASE("client abandons a message larger than its limit") {
  ClientConfig config = mrose();
  config.send_capa = false;
  config.max_message_size = 100;
  const Scripted r = run_client_both_ways(config, {Greeting, "+OK\r\n", "+OK\r\n", "+OK 1 120\r\n",
                                                   crlf({"+OK", "1 120", "."}), "+OK 120 octets\r\n" + Message1});
  CHECK(kinds(r.events, EventKind::ProtocolError) ==
        std::vector<std::string>{"pop3: expected a reply of at most 100 octets in reply to RETR, got more"});
  CHECK(r.wants_close);
}

TEST_CASE("client reports a bad listing line and keeps the good ones") {
  ClientConfig config = mrose();
  config.send_capa = false;
  const Scripted r = run_client_both_ways(
      config, {Greeting, "+OK\r\n", "+OK\r\n", "+OK 2 320\r\n", crlf({"+OK", "one 120", "2 200", "."})});
  CHECK(r.sent.ends_with("RETR 2\r\n"));
  CHECK(kinds(r.events, EventKind::ProtocolError) ==
        std::vector<std::string>{"pop3: expected \"msg octets\" lines in reply to LIST, got \"one 120\""});
}

TEST_CASE("client in keep mode retrieves everything when UIDL fails") {
  ClientConfig config = mrose();
  config.send_capa = false;
  config.mode = Mode::DownloadAndKeep;
  const Scripted r = run_client_both_ways(config, {Greeting, "+OK\r\n", "+OK\r\n", "+OK 1 120\r\n",
                                                   crlf({"+OK", "1 120", "."}), "-ERR unknown command \"UIDL\"\r\n"});
  CHECK(r.sent.ends_with(crlf({"UIDL", "RETR 1"})));
  CHECK(kinds(r.events, EventKind::Error) ==
        std::vector<std::string>{"UIDL failed (-ERR unknown command \"UIDL\"): every message counts as new"});
}

TEST_CASE("client gives up on a server silent for 60 seconds") {
  ClientSession client(mrose());
  client.on_connected(Time{});
  CHECK(client.wake_at() == Time{} + seconds(60));
  client.on_bytes(Greeting, Time{} + seconds(1));
  CHECK(client.take_outgoing() == "CAPA\r\n");
  CHECK(client.wake_at() == Time{} + seconds(61));
  client.on_timer(Time{} + seconds(60));
  CHECK_FALSE(client.wants_close());
  client.on_timer(Time{} + seconds(61));
  CHECK(client.wants_close());
  CHECK_FALSE(client.wake_at().has_value());
  const std::vector<Event> events = client.take_events();
  CHECK(kinds(events, EventKind::Error) ==
        std::vector<std::string>{"no reply from the server within 60s (waiting for the reply to CAPA)"});
  CHECK(events.back().kind == EventKind::Done);
}

TEST_CASE("client reports a connection closed in the middle of the session") {
  ClientSession client(mrose());
  client.on_connected(Time{});
  client.on_bytes(Greeting, Time{});
  client.on_closed(Time{});
  CHECK(client.wants_close());
  CHECK(kinds(client.take_events(), EventKind::Error) ==
        std::vector<std::string>{"connection closed by the server while waiting for the reply to CAPA"});
}

}  // namespace wiresim::pop3::test
