// Helpers for the POP3 tests: the RFC 1939 10 maildrop, dialogues fed to a server session whole
// and one byte at a time, and a client wired to a server in memory.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "protocols/mail/store.hpp"
#include "protocols/pop3/client_session.hpp"
#include "protocols/pop3/server_session.hpp"

namespace wiresim::pop3::test {

// Lines joined with CRLF, each one ended by it.
inline std::string crlf(std::initializer_list<std::string> lines) {
  std::string out;
  for (const std::string& line : lines) {
    out += line;
    out += "\r\n";
  }
  return out;
}

// A message of exactly `size` octets: a header, a blank line, `first_body_line`, then filler.
inline std::string message_of_size(const std::string& subject, const std::string& first_body_line, std::size_t size) {
  // Used for static data, before doctest runs: the sizes are checked by a test instead.
  std::string m = "From: dewey@example.com\r\nSubject: " + subject + "\r\n\r\n" + first_body_line + "\r\n";
  if (m.size() + 3 <= size) m += std::string(size - m.size() - 2, 'x');
  m += "\r\n";
  return m;
}

// RFC 1939 10: mrose's maildrop, 2 messages of 120 and 200 octets. Message 1 has a body line
// starting with "." so RETR must byte-stuff it; its secret is the RFC's "tanstaaf".
inline const std::string Message1 = message_of_size("one", ".signature follows", 120);
inline const std::string Message2 = message_of_size("two", "second message", 200);

inline void fill_rfc_store(mail::Store& store) {
  REQUIRE(store.add_user("mrose", "tanstaaf").ok());
  REQUIRE(store.add_user("dewey", "secret").ok());
  REQUIRE(store.append("mrose", "INBOX", Message1, Time{}).ok());
  REQUIRE(store.append("mrose", "INBOX", Message2, Time{}).ok());
}

inline ServerConfig rfc_config() {
  ServerConfig config;
  config.host_name = "dewey";
  config.apop_timestamp = "<1896.697170952@dbc.mtview.ca.us>";
  return config;
}

inline std::string describe(const std::vector<Event>& events) {
  std::string out;
  for (const Event& e : events) {
    out += to_string(e.kind);
    out += ": ";
    out += e.text;
    out += "\n";
  }
  return out;
}

struct DialogueResult {
  std::string output;  // every byte the server sent
  std::vector<Event> events;
  State state = State::Authorization;
  bool wants_close = false;
};

// Connects a fresh session to `store` and sends `input`, whole or one byte at a time.
inline DialogueResult run_server(mail::Store& store, const ServerConfig& config, const std::string& input,
                                 bool one_byte_at_a_time, bool close_after = false) {
  ServerSession session(store, config);
  DialogueResult result;
  session.on_connected(Time{});
  if (one_byte_at_a_time) {
    for (const char c : input) session.on_bytes(std::string_view(&c, 1), Time{});
  } else {
    session.on_bytes(input, Time{});
  }
  if (close_after) session.on_closed(Time{});
  result.output = session.take_outgoing();
  result.events = session.take_events();
  result.state = session.state();
  result.wants_close = session.wants_close();
  return result;
}

// Runs `input` whole and byte by byte, each on a fresh store; checks both give the same bytes
// and events, and returns the first run.
inline DialogueResult run_both_ways(const std::function<void(mail::Store&)>& fill, const ServerConfig& config,
                                    const std::string& input, bool close_after = false) {
  mail::Store whole_store, bytes_store;
  fill(whole_store);
  fill(bytes_store);
  DialogueResult whole = run_server(whole_store, config, input, false, close_after);
  DialogueResult bytes = run_server(bytes_store, config, input, true, close_after);
  CHECK(whole.output == bytes.output);
  CHECK(describe(whole.events) == describe(bytes.events));
  return whole;
}

// The greeting of rfc_config(), then the replies.
inline std::string greeting() { return crlf({"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>"}); }

// The server's replies after the greeting and login of a USER/PASS session for mrose.
inline std::string logged_in(const std::string& commands) { return "USER mrose\r\nPASS tanstaaf\r\n" + commands; }
inline const std::string LoginReplies = crlf({"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
                                              "+OK send PASS", "+OK mrose's maildrop has 2 messages (320 octets)"});

// Wires a client to a server in memory and runs until both are done or nothing moves.
struct Pair {
  std::string client_to_server;  // every byte, for checking the dialogue
  std::string server_to_client;
  std::vector<Event> client_events;
  std::vector<Event> server_events;
};

inline Pair run_pair(ClientSession& client, ServerSession& server, bool one_byte_at_a_time = false) {
  Pair pair;
  Time now{};
  server.on_connected(now);
  client.on_connected(now);
  auto deliver = [&](auto& to, const std::string& bytes) {
    if (one_byte_at_a_time) {
      for (const char c : bytes) to.on_bytes(std::string_view(&c, 1), now);
    } else if (!bytes.empty()) {
      to.on_bytes(bytes, now);
    }
  };
  for (int round = 0; round < 1000; ++round) {
    const std::string down = server.take_outgoing();
    const std::string up = client.take_outgoing();
    pair.server_to_client += down;
    pair.client_to_server += up;
    deliver(client, down);
    deliver(server, up);
    for (Event& e : client.take_events()) pair.client_events.push_back(std::move(e));
    for (Event& e : server.take_events()) pair.server_events.push_back(std::move(e));
    if (down.empty() && up.empty()) break;
    now += milliseconds(10);
  }
  // Whoever wants to close closes; the other side sees the connection end.
  if (server.wants_close() && !client.wants_close()) client.on_closed(now);
  if (client.wants_close() && !server.wants_close()) server.on_closed(now);
  for (Event& e : client.take_events()) pair.client_events.push_back(std::move(e));
  for (Event& e : server.take_events()) pair.server_events.push_back(std::move(e));
  return pair;
}

}  // namespace wiresim::pop3::test
