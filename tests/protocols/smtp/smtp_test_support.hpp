// Helpers for the SMTP tests: run a server over a script (whole and one byte at a time, checking
// both agree) and wire a client session to a server session in memory.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocols/smtp/client_session.hpp"
#include "protocols/smtp/server_session.hpp"

namespace wiresim::smtp::test {

inline Time at(std::int64_t s) { return Time{} + seconds(s); }

inline std::vector<std::string> texts(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.push_back(e.text);
  return out;
}

inline std::vector<std::string> texts_of(const std::vector<Event>& events, EventKind kind) {
  std::vector<std::string> out;
  for (const Event& e : events)
    if (e.kind == kind) out.push_back(e.text);
  return out;
}

// The wire transcript a session's events give: "C: ..." and "S: ..." lines.
inline std::vector<std::string> transcript(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events)
    if (e.kind == EventKind::Command || e.kind == EventKind::DataLine || e.kind == EventKind::Reply)
      out.push_back(e.text);
  return out;
}

// Splits CRLF-terminated bytes into lines without the CRLF.
inline std::vector<std::string> lines(std::string_view bytes) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t end = bytes.find("\r\n", start);
    if (end == std::string_view::npos) {
      out.emplace_back(bytes.substr(start));
      break;
    }
    out.emplace_back(bytes.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

struct ServerRun {
  std::string out;            // everything the server wrote, greeting included
  std::vector<Event> events;
  bool closed = false;
};

// Runs a fresh server over `input` twice, whole and one byte at a time, and checks that both
// runs write the same bytes and report the same events. Returns the whole run.
inline ServerRun run_server(const ServerConfig& config, std::string_view input) {
  ServerRun runs[2];
  for (int pass = 0; pass < 2; ++pass) {
    ServerSession server(config);
    server.on_connected(at(0));
    if (pass == 0) {
      server.on_bytes(input, at(1));
    } else {
      for (char c : input) server.on_bytes(std::string_view(&c, 1), at(1));
    }
    runs[pass].out = server.take_outgoing();
    runs[pass].events = server.take_events();
    runs[pass].closed = server.wants_close();
  }
  CHECK(runs[0].out == runs[1].out);
  CHECK(texts(runs[0].events) == texts(runs[1].events));
  CHECK(runs[0].closed == runs[1].closed);
  return runs[0];
}

// The reply lines a script gets, greeting first.
inline std::vector<std::string> replies(const ServerConfig& config, std::string_view input) {
  return lines(run_server(config, input).out);
}

struct PairRun {
  ClientResult result;                  // the first message's
  std::vector<ClientResult> results;    // every message's
  std::vector<Event> server_events;
  std::vector<Event> client_events;
  std::vector<std::string> client_to_server;  // each chunk the client wrote, in order
};

// Wires a client to a server in memory until both are quiet; byte_at_a_time splits every
// chunk into single bytes on delivery.
inline PairRun run_pair(const ServerConfig& config, const ClientJob& job, bool byte_at_a_time = false) {
  ServerSession server(config);
  ClientSession client(job);
  PairRun run;
  const Time now = at(1);
  server.on_connected(now);
  client.on_connected(now);
  auto deliver = [&](auto& to, const std::string& bytes) {
    if (!byte_at_a_time) {
      to.on_bytes(bytes, now);
    } else {
      for (char c : bytes) to.on_bytes(std::string_view(&c, 1), now);
    }
  };
  bool server_closed = false;
  bool client_closed = false;
  for (int round = 0; round < 100; ++round) {
    const std::string from_server = server.take_outgoing();
    if (!from_server.empty() && !client_closed) deliver(client, from_server);
    if (server.wants_close() && !server_closed) {
      server_closed = true;
      if (!client.wants_close()) client.on_closed(now);
    }
    const std::string from_client = client.take_outgoing();
    if (!from_client.empty()) run.client_to_server.push_back(from_client);
    if (!from_client.empty() && !server_closed) deliver(server, from_client);
    if (client.wants_close() && !client_closed) {
      client_closed = true;
      if (!server.wants_close()) server.on_closed(now);
    }
    if (from_server.empty() && from_client.empty() && (server_closed || client_closed)) break;
  }
  run.result = client.result();
  run.results = client.results();
  run.server_events = server.take_events();
  run.client_events = client.take_events();
  return run;
}

}  // namespace wiresim::smtp::test
