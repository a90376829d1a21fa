// ClientSession alone against scripted server bytes, and client-server pairs wired in memory:
// persistent, non-persistent and pipelined connections, early closes and reconnects.
#include <doctest/doctest.h>

#include "http_test_support.hpp"
#include "protocols/http/url.hpp"

using namespace wiresim;
using namespace wiresim::http;
using namespace wiresim::http::testing;

namespace {

ClientConfig client_config(bool persistent = true, bool pipelining = false) {
  ClientConfig config;
  config.host = "files.example.com";
  config.persistent = persistent;
  config.pipelining = pipelining;
  return config;
}

Request get(std::string target) { return Request{.method = "GET", .target = std::move(target)}; }

struct PairRun {
  std::vector<std::string> lines;  // "C request: ...", "S response: ..."
  std::vector<Event> client_events;
  std::size_t wire_bytes = 0;
  friend bool operator==(const PairRun& a, const PairRun& b) { return a.lines == b.lines && a.wire_bytes == b.wire_bytes; }
};

// Shuttles bytes between a client and a server until neither has anything to say; then the
// side that wants to close closes, and the other is told.
void run_pair(ClientSession& client, ServerSession& server, bool one_byte, PairRun& run) {
  const Time now{};
  const auto collect = [&] {
    for (Event& e : client.take_events()) {
      run.lines.push_back("C " + describe(e));
      run.client_events.push_back(std::move(e));
    }
    for (const Event& e : server.take_events()) run.lines.push_back("S " + describe(e));
  };
  const auto deliver = [&](auto& to, const std::string& bytes) {
    run.wire_bytes += bytes.size();
    if (one_byte) {
      for (const char c : bytes) to.on_bytes(std::string_view(&c, 1), now);
    } else if (!bytes.empty()) {
      to.on_bytes(bytes, now);
    }
  };
  server.on_connected(now);
  client.on_connected(now);
  collect();
  for (int rounds = 0; rounds < 100; ++rounds) {
    const std::string to_server = client.take_outgoing();
    deliver(server, to_server);
    collect();
    const std::string to_client = server.take_outgoing();
    deliver(client, to_client);
    collect();
    if (to_server.empty() && to_client.empty()) break;
  }
  if (client.wants_close()) server.on_closed(now);
  if (server.wants_close()) client.on_closed(now);
  collect();
}

PairRun pair_dialogue(const ClientConfig& client_config, const ServerConfig& server_config,
                      const std::vector<Request>& requests) {
  PairRun runs[2];
  for (int one_byte = 0; one_byte < 2; ++one_byte) {
    ClientSession client(client_config);
    ServerSession server(server_config);
    for (const Request& r : requests) client.request(r);
    run_pair(client, server, one_byte == 1, runs[one_byte]);
  }
  CHECK(runs[0] == runs[1]);
  return runs[0];
}

// Scripted server bytes fed to a client that sent `requests`, whole and one byte at a time.
Transcript client_dialogue(const ClientConfig& config, const std::vector<Request>& requests, std::string_view input,
                           bool closed_after = false) {
  Transcript runs[2];
  for (int one_byte = 0; one_byte < 2; ++one_byte) {
    ClientSession client(config);
    for (const Request& r : requests) client.request(r);
    client.on_connected(Time{});
    Transcript& t = runs[one_byte];
    t.outgoing = client.take_outgoing();
    for (const Event& e : client.take_events()) t.events.push_back(describe(e));
    feed(client, input, one_byte == 1, Time{}, t);
    if (closed_after) {
      client.on_closed(Time{});
      for (const Event& e : client.take_events()) t.events.push_back(describe(e));
      t.wants_close = client.wants_close();
    }
  }
  CHECK(runs[0] == runs[1]);
  return runs[0];
}

}  // namespace

TEST_CASE("client adds Host and sends one request at a time on a persistent connection") {
  ClientSession client(client_config());
  client.request(get("/a"));
  client.request(get("/b"));
  client.on_connected(Time{});
  CHECK(client.take_outgoing() == "GET /a HTTP/1.1\r\nHost: files.example.com\r\n\r\n");
  client.on_bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA", Time{});
  CHECK(client.take_outgoing() == "GET /b HTTP/1.1\r\nHost: files.example.com\r\n\r\n");
  CHECK(!client.wants_close());
  client.on_bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB", Time{});
  CHECK(client.wants_close());
  std::vector<std::string> events;
  for (const Event& e : client.take_events()) events.push_back(describe(e));
  CHECK(events == std::vector<std::string>{"request: GET /a HTTP/1.1", "response: HTTP/1.1 200 OK",
                                           "request: GET /b HTTP/1.1", "response: HTTP/1.1 200 OK",
                                           "closed: client closes the connection: all 2 requests answered"});
}

TEST_CASE("a non-persistent client sends Connection: close and closes after one response") {
  const Transcript t = client_dialogue(client_config(false), {get("/a"), get("/b")},
                                       "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nA");
  CHECK(t.outgoing == "GET /a HTTP/1.1\r\nHost: files.example.com\r\nConnection: close\r\n\r\n");
  CHECK(t.events == std::vector<std::string>{
                        "request: GET /a HTTP/1.1", "response: HTTP/1.1 200 OK",
                        "error: http: 1 request unanswered (0 sent, 1 never sent): a non-persistent connection carries one request",
                        "closed: client closes the connection after one request (non-persistent)"});
  CHECK(t.wants_close);
}

TEST_CASE("a form POST carries Content-Length and its body") {
  Request post{.method = "POST", .target = "/send",
               .headers = {{"Content-Type", "application/x-www-form-urlencoded"}},
               .body = build_form({{"to", "bob@example.com"}, {"subject", "Hi there"}})};
  const Transcript t = client_dialogue(client_config(), {post}, "HTTP/1.1 303 See Other\r\nLocation: /inbox\r\nContent-Length: 0\r\n\r\n");
  CHECK(t.outgoing == "POST /send HTTP/1.1\r\nHost: files.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: 37\r\n\r\nto=bob%40example.com&subject=Hi+there");
  CHECK(t.events[1] == "response: HTTP/1.1 303 See Other");
}

TEST_CASE("client reads chunked, HEAD and until-close responses and reports their wire sizes") {
  ClientSession client(client_config());
  client.request(get("/chunked"));
  client.request(Request{.method = "HEAD", .target = "/big"});
  client.request(get("/rest"));
  client.on_connected(Time{});
  const std::string input =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
      "HTTP/1.0 200 OK\r\n\r\nuntil the end";
  for (const char c : input) client.on_bytes(std::string_view(&c, 1), Time{});
  client.on_closed(Time{});
  std::vector<Event> responses;
  for (Event& e : client.take_events())
    if (e.kind == EventKind::Response) responses.push_back(std::move(e));
  REQUIRE(responses.size() == 3);
  CHECK(responses[0].body == "abc");
  CHECK(responses[0].head_bytes == 47);
  CHECK(responses[0].body_bytes == 13);
  CHECK(responses[1].body.empty());
  CHECK(responses[1].method == "HEAD");
  CHECK(responses[1].headers.get("Content-Length") == "100000");
  CHECK(responses[2].body == "until the end");
  CHECK(responses[2].request_index == 2);
  CHECK(client.unanswered().empty());
  CHECK(client.counters().head_bytes_received + client.counters().body_bytes_received == input.size());
}

TEST_CASE("client reports a malformed response and closes") {
  const Transcript t = client_dialogue(client_config(), {get("/a")}, "HTTP/1.1 2xx Nope\r\n\r\n");
  CHECK(t.events == std::vector<std::string>{
                        "request: GET /a HTTP/1.1",
                        "protocol-error: http: expected a status line \"HTTP/1.1 200 OK\", got \"HTTP/1.1 2xx Nope\"",
                        "error: http: 1 request unanswered (1 sent, 0 never sent): the response could not be parsed",
                        "closed: client closes the connection after a malformed response"});
  CHECK(t.wants_close);
}

TEST_CASE("client reports requests left unanswered when the server closes") {
  const Transcript t = client_dialogue(client_config(false, true), {get("/a")}, "", true);
  CHECK(t.events == std::vector<std::string>{
                        "request: GET /a HTTP/1.1",
                        "error: http: 1 request unanswered (1 sent, 0 never sent): the server closed the connection",
                        "closed: server closed the connection"});
}

TEST_CASE("five GETs share one persistent connection") {
  std::vector<Request> requests;
  for (int i = 1; i <= 5; ++i) requests.push_back(get("/file" + std::to_string(i)));
  const PairRun run = pair_dialogue(client_config(), default_server(), requests);
  std::vector<std::string> expected;
  for (int i = 1; i <= 5; ++i) {
    expected.push_back("C request: GET /file" + std::to_string(i) + " HTTP/1.1");
    expected.push_back("S request: GET /file" + std::to_string(i) + " HTTP/1.1");
    expected.push_back("S response: HTTP/1.1 200 OK");
    expected.push_back("C response: HTTP/1.1 200 OK");
  }
  expected.push_back("C closed: client closes the connection: all 5 requests answered");
  expected.push_back("S closed: client closed the connection");
  CHECK(run.lines == expected);
  for (std::size_t i = 0; i < 5; ++i) {
    const Event& response = run.client_events[2 * i + 1];
    CHECK(response.request_index == i);
    CHECK(response.body == "hello /file" + std::to_string(i + 1) + "\n");
  }
}

TEST_CASE("five non-persistent connections carry one GET each, with more header octets") {
  std::size_t persistent_heads = 0;
  {
    ClientSession client(client_config());
    ServerSession server(default_server());
    for (int i = 1; i <= 5; ++i) client.request(get("/file" + std::to_string(i)));
    PairRun run;
    run_pair(client, server, false, run);
    persistent_heads = client.counters().head_bytes_sent + client.counters().head_bytes_received;
  }
  std::size_t connections = 0;
  std::size_t heads = 0;
  std::vector<std::string> pending;
  for (int i = 1; i <= 5; ++i) pending.push_back("/file" + std::to_string(i));
  while (!pending.empty()) {
    ++connections;
    ClientSession client(client_config(false));
    ServerSession server(default_server());
    for (const std::string& target : pending) client.request(get(target));
    PairRun run;
    run_pair(client, server, connections % 2 == 0, run);
    CHECK(run.lines[0] == "C request: GET " + pending.front() + " HTTP/1.1");
    CHECK(run.lines[3] == "S closed: server closes the connection after the response (the client asked to close)");
    CHECK(run.lines.back() == "C closed: client closes the connection after one request (non-persistent)");
    CHECK(run.client_events[1].headers.get("Connection") == "close");
    std::vector<std::string> left;
    for (const std::size_t index : client.unanswered()) left.push_back(client.request_at(index).target);
    CHECK(left.size() + 1 == pending.size());
    pending = std::move(left);
    heads += client.counters().head_bytes_sent + client.counters().head_bytes_received;
  }
  CHECK(connections == 5);
  // Each exchange carries "Connection: close" both ways (19 octets each).
  CHECK(heads == persistent_heads + 5 * 2 * 19);
}

TEST_CASE("a pipelining client writes every request before the first response") {
  ClientSession client(client_config(true, true));
  for (int i = 1; i <= 3; ++i) client.request(get("/p" + std::to_string(i)));
  client.on_connected(Time{});
  const std::string sent = client.take_outgoing();
  CHECK(sent == "GET /p1 HTTP/1.1\r\nHost: files.example.com\r\n\r\nGET /p2 HTTP/1.1\r\nHost: files.example.com\r\n\r\n"
                "GET /p3 HTTP/1.1\r\nHost: files.example.com\r\n\r\n");
  std::vector<Request> requests{get("/p1"), get("/p2"), get("/p3")};
  const PairRun run = pair_dialogue(client_config(true, true), default_server(), requests);
  CHECK(run.lines[0] == "C request: GET /p1 HTTP/1.1");
  CHECK(run.lines[1] == "C request: GET /p2 HTTP/1.1");
  CHECK(run.lines[2] == "C request: GET /p3 HTTP/1.1");
  CHECK(run.lines[9] == "C response: HTTP/1.1 200 OK");  // six server lines, then the client reads all three
  CHECK(run.lines[11] == "C response: HTTP/1.1 200 OK");
}

TEST_CASE("a client learns which requests to resend when the server closes early, and reconnects") {
  ServerConfig server_config = default_server();
  server_config.max_requests = 2;
  std::vector<Request> requests;
  for (int i = 1; i <= 5; ++i) requests.push_back(get("/f" + std::to_string(i)));
  ClientSession first(client_config(true, true));
  ServerSession first_server(server_config);
  for (const Request& r : requests) first.request(r);
  PairRun run;
  run_pair(first, first_server, false, run);
  CHECK(first.unanswered() == std::vector<std::size_t>{2, 3, 4});
  CHECK(first.unsent().empty());
  bool reported = false;
  for (const Event& e : run.client_events)
    if (e.kind == EventKind::Error) {
      reported = true;
      CHECK(e.text == "http: 3 requests unanswered (3 sent, 0 never sent): the server closes the connection");
    }
  CHECK(reported);

  ClientSession second(client_config(true, true));
  ServerSession second_server(server_config);
  for (const std::size_t index : first.unanswered()) second.request(first.request_at(index));
  PairRun again;
  run_pair(second, second_server, true, again);
  CHECK(second.unanswered() == std::vector<std::size_t>{2});
  CHECK(second.counters().responses == 2);
}

TEST_CASE("the tracker's binary info_hash travels in a query and arrives intact") {
  std::string info_hash;
  for (int i = 0; i < 20; ++i) info_hash += static_cast<char>(i * 13 + 7);
  ServerConfig config = default_server();
  std::string seen;
  config.handler = [&](const Request& request, Time) {
    const Result<QueryPairs> query = parse_query(split_target(request.target).query);
    if (query.ok() && find_value(*query, "info_hash")) seen = *find_value(*query, "info_hash");
    return Response{.headers = {{"Content-Type", "text/plain"}}, .body = "d8:intervali1800e5:peerslee"};
  };
  const std::string target = "/announce?" + build_query({{"info_hash", info_hash}, {"peer_id", "-WS0001-000000000001"}});
  const PairRun run = pair_dialogue(client_config(), config, {get(target)});
  CHECK(seen == info_hash);
  CHECK(run.client_events[1].body == "d8:intervali1800e5:peerslee");
}
