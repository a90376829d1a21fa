// Helpers the HTTP tests share: feeding input whole or one byte at a time, and a default server.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocols/http/client_session.hpp"
#include "protocols/http/parser.hpp"
#include "protocols/http/server_session.hpp"

namespace wiresim::http::testing {

inline std::string describe(const Event& e) { return std::string(to_string(e.kind)) + ": " + e.text; }

struct Transcript {
  std::string outgoing;
  std::vector<std::string> events;
  bool wants_close = false;
  friend bool operator==(const Transcript&, const Transcript&) = default;
};

// Feeds `input` to `engine` whole or one byte at a time, collecting output after each piece.
template <class Engine>
void feed(Engine& engine, std::string_view input, bool one_byte, Time now, Transcript& out) {
  const auto collect = [&] {
    out.outgoing += engine.take_outgoing();
    for (const Event& e : engine.take_events()) out.events.push_back(describe(e));
  };
  if (one_byte) {
    for (const char c : input) {
      engine.on_bytes(std::string_view(&c, 1), now);
      collect();
    }
  } else {
    engine.on_bytes(input, now);
    collect();
  }
  out.wants_close = engine.wants_close();
}

// A handler that answers "hello <target>" and echoes a request body.
inline Response hello_handler(const Request& request, Time) {
  Response response;
  response.headers.add("Content-Type", "text/plain");
  response.body = request.body.empty() ? "hello " + request.target + "\n" : request.body;
  return response;
}

inline ServerConfig default_server() {
  ServerConfig config;
  config.server_name = "wiresim";
  config.handler = hello_handler;
  config.date = [](Time now) { return imf_fixdate(784111777 + now.ns / 1'000'000'000); };
  return config;
}

// A server fed `input` after connecting, whole and one byte at a time; both must agree.
inline Transcript server_dialogue(const ServerConfig& config, std::string_view input, bool closed_after = false) {
  Transcript runs[2];
  for (int one_byte = 0; one_byte < 2; ++one_byte) {
    ServerSession server(config);
    server.on_connected(Time{});
    feed(server, input, one_byte == 1, Time{}, runs[one_byte]);
    if (closed_after) {
      server.on_closed(Time{});
      for (const Event& e : server.take_events()) runs[one_byte].events.push_back(describe(e));
      runs[one_byte].wants_close = server.wants_close();
    }
  }
  CHECK(runs[0] == runs[1]);
  return runs[0];
}

// The date default_server() writes at time zero.
constexpr std::string_view Date0 = "Sun, 06 Nov 1994 08:49:37 GMT";

}  // namespace wiresim::http::testing
