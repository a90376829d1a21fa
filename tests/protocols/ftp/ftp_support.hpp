// Helpers for the FTP tests: a small file tree, dialogues fed to a server session whole and one
// byte at a time (the test plays the adapter for data connections), and a client-server pair.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "protocols/ftp/client_session.hpp"
#include "protocols/ftp/server_session.hpp"
#include "protocols/ftp/vfs.hpp"

namespace wiresim::ftp::test {

inline std::string crlf(std::initializer_list<std::string> lines) {
  std::string out;
  for (const std::string& line : lines) {
    out += line;
    out += "\r\n";
  }
  return out;
}

inline const std::string NotesText = "line one\nline two\nline three\n";  // 29 octets, 3 LF

// /home/bob (bob's) with notes.txt; /pub (root's, anonymous home) with readme.txt and a
// generated big.bin; /home/alice (alice's) with private.txt that others may not read.
inline Vfs make_vfs() {
  Vfs vfs;
  REQUIRE(vfs.add_directory("/home", "root").ok());
  REQUIRE(vfs.add_directory("/home/bob", "bob").ok());
  REQUIRE(vfs.add_file("/home/bob/notes.txt", NotesText, "bob", Time{} + seconds(3600)).ok());
  REQUIRE(vfs.add_directory("/home/alice", "alice").ok());
  REQUIRE(vfs.add_file("/home/alice/private.txt", "secret\n", "alice").ok());
  REQUIRE(vfs.set_others_can_read("/home/alice/private.txt", false).ok());
  REQUIRE(vfs.add_directory("/pub", "root").ok());
  REQUIRE(vfs.add_file("/pub/readme.txt", "Welcome\n", "root").ok());
  REQUIRE(vfs.add_generated_file("/pub/big.bin", 1000, "root").ok());
  REQUIRE(vfs.add_account("bob", "secret", "/home/bob").ok());
  REQUIRE(vfs.add_account("alice", "wonder", "/home/alice").ok());
  REQUIRE(vfs.allow_anonymous("/pub").ok());
  return vfs;
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

inline std::string describe(const std::vector<DataAction>& actions) {
  std::string out;
  for (const DataAction& a : actions) out += describe(a) + "\n";
  return out;
}

inline std::vector<std::string> of_kind(const std::vector<Event>& events, EventKind kind) {
  std::vector<std::string> out;
  for (const Event& e : events)
    if (e.kind == kind) out.push_back(e.text);
  return out;
}

// A server session driven by a test: `send` feeds control bytes, whole or one at a time, and
// everything that comes out is collected.
struct Driver {
  Vfs vfs = make_vfs();
  ServerSession session;
  bool one_byte_at_a_time;
  std::string output;
  std::vector<Event> events;
  std::vector<DataAction> actions;

  explicit Driver(bool bytewise, ServerConfig config = {})
      : session(vfs, std::move(config)), one_byte_at_a_time(bytewise) {
    session.on_connected(Time{});
    collect();
  }
  void collect() {
    output += session.take_outgoing();
    for (Event& e : session.take_events()) events.push_back(std::move(e));
    for (DataAction& a : session.take_data_actions()) actions.push_back(std::move(a));
  }
  void send(const std::string& input, Time now = {}) {
    if (one_byte_at_a_time) {
      for (const char c : input) session.on_bytes(std::string_view(&c, 1), now);
    } else {
      session.on_bytes(input, now);
    }
    collect();
  }
  // Everything output since the mark: `auto mark = d.output.size(); ...; d.since(mark)`.
  std::string since(std::size_t mark) const { return output.substr(mark); }
};

// Runs `script` (control input and data events) on a whole-feeding and a byte-feeding driver,
// checks both give the same bytes, events and data actions, and returns the whole one's output.
inline std::string run_both_ways(const std::function<void(Driver&)>& script, Driver* keep = nullptr) {
  Driver whole(false), bytes(true);
  script(whole);
  script(bytes);
  CHECK(whole.output == bytes.output);
  CHECK(describe(whole.events) == describe(bytes.events));
  CHECK(describe(whole.actions) == describe(bytes.actions));
  if (keep) {
    keep->output = whole.output;
    keep->events = whole.events;
    keep->actions = whole.actions;
  }
  return whole.output;
}

inline const std::string Greeting = "220 wiresim FTP server ready\r\n";
inline const std::string BobLogin = "USER bob\r\nPASS secret\r\n";
inline const std::string BobLoginReplies = crlf({"220 wiresim FTP server ready", "331 Please specify the password.",
                                                 "230 Login successful."});

// The replies to `commands` sent after bob's login, greeting and login replies cut; both ways.
inline std::string replies_to(const std::string& commands) {
  const std::string out = run_both_ways([&](Driver& d) { d.send(BobLogin + commands); });
  REQUIRE(out.starts_with(BobLoginReplies));
  return out.substr(BobLoginReplies.size());
}

// ---- Client and server wired together; the test is the adapter for both kinds of connection ----

struct Pair {
  Vfs vfs = make_vfs();
  ServerSession server;
  ClientSession client;
  bool one_byte_at_a_time = false;
  std::string client_to_server;
  std::string server_to_client;
  std::vector<Event> client_events;
  std::vector<Event> server_events;
  std::vector<std::string> data_log;  // "client: listen 10.0.0.2:40000", "server: connect ..."
  Time now{};

  // The data connection, as a loopback adapter would keep it.
  enum class End { None, Client, Server };
  End listener = End::None;
  std::uint32_t listen_address = 0;
  std::uint16_t listen_port = 0;
  bool connected = false;
  std::string to_client, to_server;        // bytes in flight on the data connection
  bool client_closing = false, server_closing = false;

  Pair(ClientConfig client_config, ServerConfig server_config = {})
      : server(vfs, std::move(server_config)), client(std::move(client_config)) {}

  void deliver(auto& to, const std::string& bytes, bool data) {
    if (bytes.empty()) return;
    auto feed = [&](std::string_view piece) {
      if (data) {
        to.on_data_bytes(piece, now);
      } else {
        to.on_bytes(piece, now);
      }
    };
    if (one_byte_at_a_time) {
      for (const char c : bytes) feed(std::string_view(&c, 1));
    } else {
      feed(bytes);
    }
  }

  void handle(End who, std::vector<DataAction> actions) {
    for (DataAction& a : actions) {
      data_log.push_back(std::string(who == End::Client ? "client: " : "server: ") + describe(a));
      switch (a.kind) {
        case DataAction::Kind::Listen:
          listener = who;
          listen_address = a.address;
          listen_port = a.port;
          break;
        case DataAction::Kind::Connect:
          if (listener != End::None && listener != who && a.address == listen_address && a.port == listen_port) {
            connected = true;
            listener = End::None;
            client.on_data_connected(now);
            server.on_data_connected(now);
          } else if (who == End::Client) {
            client.on_data_closed(false, now);
          } else {
            server.on_data_closed(false, now);
          }
          break;
        case DataAction::Kind::Send:
          (who == End::Client ? to_server : to_client) += a.bytes;
          break;
        case DataAction::Kind::Close:
          (who == End::Client ? client_closing : server_closing) = true;
          break;
        case DataAction::Kind::Abort:
          if (connected) {
            connected = false;
            to_client.clear();
            to_server.clear();
            if (who == End::Client) {
              server.on_data_closed(false, now);
            } else {
              client.on_data_closed(false, now);
            }
          }
          listener = End::None;
          break;
      }
    }
  }

  void run() {
    server.on_connected(now);
    client.on_connected(now);
    int idle_rounds = 0;
    for (int round = 0; round < 1000; ++round) {
      const std::string down = server.take_outgoing();
      const std::string up = client.take_outgoing();
      server_to_client += down;
      client_to_server += up;
      deliver(client, down, false);
      deliver(server, up, false);
      handle(End::Client, client.take_data_actions());
      handle(End::Server, server.take_data_actions());
      bool moved = !down.empty() || !up.empty();
      if (connected) {
        const std::string c = std::exchange(to_client, {});
        const std::string s = std::exchange(to_server, {});
        deliver(client, c, true);
        deliver(server, s, true);
        moved = moved || !c.empty() || !s.empty();
        if (client_closing || server_closing) {
          connected = false;
          client_closing = server_closing = false;
          client.on_data_closed(true, now);
          server.on_data_closed(true, now);
          moved = true;
        }
      }
      for (Event& e : client.take_events()) client_events.push_back(std::move(e));
      for (Event& e : server.take_events()) server_events.push_back(std::move(e));
      idle_rounds = moved ? 0 : idle_rounds + 1;
      if (idle_rounds == 2) break;
      now += milliseconds(10);
    }
    if (server.wants_close() && !client.wants_close()) client.on_closed(now);
    if (client.wants_close() && !server.wants_close()) server.on_closed(now);
    for (Event& e : client.take_events()) client_events.push_back(std::move(e));
    for (Event& e : server.take_events()) server_events.push_back(std::move(e));
  }

  std::string transcript() const {
    std::string out;
    for (const Event& e : client_events)
      if (e.kind == EventKind::Transcript) out += e.text + "\n";
    return out;
  }
};

}  // namespace wiresim::ftp::test
