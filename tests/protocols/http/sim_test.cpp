// The http-server app and the http-get action over simulated TCP, from scenario text: files
// served with their Content-Type, 404, HEAD, and the connections persistent and non-persistent
// fetches open.
#include <doctest/doctest.h>

#include "protocols/ftp/vfs.hpp"
#include "protocols/http/file_server_app.hpp"
#include "protocols/http/http_world.hpp"
#include "tests/support.hpp"

namespace wiresim::http::test {
namespace {

// Client "a" (10.0.1.1) and server "b" (10.0.1.2) on one 10 ms link; `actions` are http-get keys.
std::string scenario(const std::string& actions) {
  return wiresim::test::hosts_a_b("rate = \"10Mbps\"\ndelay = \"10ms\"\n",
                                  "[[app]]\ntype = \"http-server\"\nhost = \"b\"\n"
                                  "files = [\"/index.html:<h1>Hello</h1>\\n\", \"/big.bin:20KB\", \"/notes.txt:1500B\"]\n" +
                                      actions);
}

std::string get(const std::string& keys, const std::string& at = "1s") {
  return "[[action]]\nat = \"" + at + "\"\ndo = \"http-get\"\nhost = \"a\"\nserver = \"b\"\n" + keys;
}

const FetchRecord& fetch(const World& w, std::size_t index = 0) {
  const HttpWorld* http = w.find_service<HttpWorld>();
  REQUIRE(http != nullptr);
  REQUIRE(index < http->fetches().size());
  return *http->fetches()[index];
}

// Connections on `node` to or from port 80.
std::size_t port_80_connections(const World& w, std::string_view node) {
  std::size_t n = 0;
  for (const auto& c : w.stack(*w.net.find_node(node)).tcp.connections())
    if (c->remote().port == 80 || c->local().port == 80) ++n;
  return n;
}

}  // namespace

TEST_CASE("http-server serves a file's text with its Content-Type") {
  auto w = wiresim::test::load(scenario(get("paths = [\"/index.html\"]\n")));
  const std::string t = wiresim::test::run_transcript(*w);
  CHECK(t.find("a http: C: GET /index.html HTTP/1.1") != std::string::npos);
  CHECK(t.find("b http: S: HTTP/1.1 200 OK") != std::string::npos);
  CHECK(t.find("b http: S: Content-Type: text/html") != std::string::npos);
  CHECK(t.find("b http: S: Content-Length: 15") != std::string::npos);
  CHECK(t.find("b http: S: <h1>Hello</h1>") != std::string::npos);
  const FetchRecord& r = fetch(*w);
  CHECK(r.statuses == std::vector<int>{200});
  CHECK(r.files == 1);
  CHECK(r.body_bytes == 15);
}

TEST_CASE("http-server generates a file given by its size, the same bytes as ftp-server") {
  auto w = wiresim::test::load(scenario(get("paths = [\"/big.bin\", \"/notes.txt\"]\n")));
  const std::string t = wiresim::test::run_transcript(*w);
  CHECK(t.find("b http: S: Content-Length: 20000") != std::string::npos);
  CHECK(t.find("b http: S: Content-Type: application/octet-stream") != std::string::npos);
  CHECK(t.find("b http: S: Content-Type: text/plain") != std::string::npos);
  CHECK(fetch(*w).body_bytes == 21500);
  CHECK(generated_content(130).starts_with("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0\n"
                                           "bcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01\ncd"));
  CHECK(generated_content(200000) == ftp::generated_content(200000));
}

TEST_CASE("http-server answers 404 for a path it does not hold, on the same connection") {
  auto w = wiresim::test::load(scenario(get("paths = [\"/missing.html\", \"/index.html\"]\n")));
  const std::string t = wiresim::test::run_transcript(*w);
  CHECK(t.find("b http: S: HTTP/1.1 404 Not Found") != std::string::npos);
  const FetchRecord& r = fetch(*w);
  CHECK(r.statuses == std::vector<int>{404, 200});
  CHECK(r.files == 1);
  CHECK(r.connections == 1);
  CHECK(t.find("a http: http-get summary: 1 file of 2, 1 connection,") != std::string::npos);
}

TEST_CASE("http-server answers HEAD with the fields of GET and no body") {
  auto w = wiresim::test::load(scenario(""));
  auto& world = *w;
  FileServerApp* app = nullptr;
  for (auto& a : world.apps)
    if (auto* f = dynamic_cast<FileServerApp*>(a.get())) app = f;
  REQUIRE(app != nullptr);
  const Response head = app->answer({.method = "HEAD", .target = "/big.bin"});
  CHECK(head.status == 200);
  CHECK(head.body.size() == 20000);  // the engine drops it and keeps Content-Length (its own tests)
  CHECK(app->answer({.method = "POST", .target = "/big.bin"}).status == 405);
  CHECK(app->answer({.method = "POST", .target = "/big.bin"}).headers.get("Allow") == "GET, HEAD");
  CHECK(app->answer({.method = "BREW", .target = "/big.bin"}).status == 501);
  CHECK(app->answer({.method = "GET", .target = "/index%2Ehtml?x=1"}).status == 200);

  // Over the wire: a HEAD on a raw connection gets the head only.
  ServerConfig config;
  config.handler = [app](const Request& r, Time) { return app->answer(r); };
  ServerSession session(config);
  session.on_connected(Time{});
  session.on_bytes("HEAD /big.bin HTTP/1.1\r\nHost: b\r\n\r\n", Time{});
  const std::string out = session.take_outgoing();
  CHECK(out.find("HTTP/1.1 200 OK\r\n") == 0);
  CHECK(out.find("Content-Length: 20000\r\n") != std::string::npos);
  CHECK(out.ends_with("\r\n\r\n"));
}

TEST_CASE("a persistent http-get fetches every path on one connection") {
  auto w = wiresim::test::load(scenario(get("paths = [\"/index.html\", \"/big.bin\", \"/notes.txt\"]\n")));
  const std::string t = wiresim::test::run_transcript(*w);
  const FetchRecord& r = fetch(*w);
  CHECK(r.files == 3);
  CHECK(r.connections == 1);
  CHECK(port_80_connections(*w, "a") == 1);
  CHECK(t.find("Connection: close") == std::string::npos);
  CHECK(r.head_bytes > 0);
  CHECK(r.end > r.start);
  CHECK(t.find("a http: http-get summary: 3 files, 1 connection, ") != std::string::npos);
}

TEST_CASE("a non-persistent http-get opens one connection per path") {
  auto w = wiresim::test::load(scenario(get("paths = [\"/index.html\", \"/big.bin\", \"/notes.txt\"]\npersistent = false\n")));
  const std::string t = wiresim::test::run_transcript(*w);
  const FetchRecord& r = fetch(*w);
  CHECK(r.files == 3);
  CHECK(r.connections == 3);
  CHECK(port_80_connections(*w, "a") == 3);
  CHECK(port_80_connections(*w, "b") == 3);
  CHECK(t.find("a http: C: Connection: close") != std::string::npos);
  CHECK(t.find("a http: http-get summary: 3 files, 3 connections, ") != std::string::npos);
}

TEST_CASE("a non-persistent fetch takes longer than a persistent one and sends more head bytes") {
  auto w = wiresim::test::load(scenario(get("paths = [\"/index.html\", \"/notes.txt\"]\n") +
                                        get("paths = [\"/index.html\", \"/notes.txt\"]\npersistent = false\n", "5s")));
  wiresim::test::run_transcript(*w);
  const FetchRecord& persistent = fetch(*w, 0);
  const FetchRecord& separate = fetch(*w, 1);
  CHECK((separate.end - separate.start) > (persistent.end - persistent.start));
  CHECK(separate.head_bytes > persistent.head_bytes);
}

TEST_CASE("a pipelined http-get writes every request before the first response") {
  auto w = wiresim::test::load(scenario(get("paths = [\"/index.html\", \"/notes.txt\"]\npipelined = true\n")));
  const std::string t = wiresim::test::run_transcript(*w);
  CHECK(t.find("GET /notes.txt") < t.find("S: HTTP/1.1 200 OK"));
  CHECK(fetch(*w).files == 2);
}

TEST_CASE("http-fetch checks the files and connections of a fetch") {
  auto w = wiresim::test::load(scenario(get("paths = [\"/index.html\", \"/notes.txt\"]\npersistent = false\n") +
                                        "[[expect]]\ntype = \"http-fetch\"\nhost = \"a\"\nfiles = 2\nconnections = 2\n"
                                        "[[expect]]\ntype = \"http-fetch\"\nhost = \"a\"\nconnections = 1\n"));
  wiresim::test::run_transcript(*w);
  REQUIRE(w->expectations.size() == 2);
  CHECK(w->expectations[0].expectation->check(*w).passed);
  const Verdict wrong = w->expectations[1].expectation->check(*w);
  CHECK_FALSE(wrong.passed);
  CHECK(wrong.detail.find("0 of 1 fetches match") == 0);
}

TEST_CASE("http-get and http-server reject bad keys with a clear message") {
  CHECK(wiresim::test::load_error(scenario(get("paths = [\"index.html\"]\n"))).find("a path starts with /") != std::string::npos);
  CHECK(wiresim::test::load_error(scenario(get("paths = [\"/a\"]\npersistent = false\npipelined = true\n")))
            .find("pipelining needs a persistent connection") != std::string::npos);
  CHECK(wiresim::test::load_error(wiresim::test::hosts_a_b("", "[[app]]\ntype = \"http-server\"\nhost = \"b\"\nfiles = [\"x:1KB\"]\n"))
            .find("a file starts with its absolute path") != std::string::npos);
}

}  // namespace wiresim::http::test
