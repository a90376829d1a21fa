// StreamSession drives toy line engines over simulated TCP: greeting, request/reply, close,
// timers and transcript lines all pass through it unchanged.
#include <doctest/doctest.h>

#include <memory>
#include <sstream>

#include "sim/scenario/stream_session.hpp"
#include "tests/support.hpp"

using namespace wiresim;

namespace {

struct ToyEvent {
  std::string text;
};

// Server: greets, answers each line with "OK <line>", says bye and closes on "QUIT", and says
// "idle" once after 5 s of silence.
struct ToyServer {
  std::string out, in;
  std::vector<ToyEvent> events;
  bool close = false;
  std::optional<Time> deadline;
  void on_connected(Time now) {
    out += "+ hello\r\n";
    deadline = now + seconds(5);
  }
  void on_bytes(std::string_view data, Time now) {
    in += data;
    for (std::size_t nl; (nl = in.find("\r\n")) != std::string::npos;) {
      const std::string line = in.substr(0, nl);
      in.erase(0, nl + 2);
      events.push_back({"got " + line});
      if (line == "BIG") {
        out += std::string(1 << 20, 'x') + "\r\n";  // far more than TCP's send buffer
        continue;
      }
      if (line == "QUIT") {
        out += "+ bye\r\n";
        close = true;
      } else {
        out += "OK " + line + "\r\n";
      }
    }
    deadline = now + seconds(5);
  }
  void on_closed(Time) { events.push_back({"closed"}); }
  void on_timer(Time) {
    out += "+ idle\r\n";
    deadline.reset();
  }
  std::string take_outgoing() { return std::exchange(out, {}); }
  std::vector<ToyEvent> take_events() { return std::exchange(events, {}); }
  std::optional<Time> wake_at() const { return deadline; }
  bool wants_close() const { return close; }
};

// Client: sends its script one line per reply after the greeting.
struct ToyClient {
  explicit ToyClient(std::vector<std::string> lines) : script(std::move(lines)) {}
  std::vector<std::string> script;
  std::size_t next = 0;
  std::string out, in;
  std::vector<ToyEvent> events;
  std::size_t received = 0;
  void on_connected(Time) {}
  void on_bytes(std::string_view data, Time) {
    received += data.size();
    in += data;
    for (std::size_t nl; (nl = in.find("\r\n")) != std::string::npos;) {
      events.push_back({"reply " + in.substr(0, std::min<std::size_t>(nl, 40))});
      in.erase(0, nl + 2);
      if (next < script.size()) out += script[next++] + "\r\n";
    }
  }
  void on_closed(Time) { events.push_back({"closed"}); }
  void on_timer(Time) {}
  std::string take_outgoing() { return std::exchange(out, {}); }
  std::vector<ToyEvent> take_events() { return std::exchange(events, {}); }
  std::optional<Time> wake_at() const { return std::nullopt; }
  bool wants_close() const { return false; }
};

struct Pair {
  std::unique_ptr<World> world = test::load(test::hosts_a_b("delay = \"10ms\"\n"));
  std::unique_ptr<StreamSession<ToyServer>> server;
  std::unique_ptr<StreamSession<ToyClient>> client;
  std::vector<std::string> server_events, client_events;
  std::ostringstream transcript;

  explicit Pair(std::vector<std::string> script) {
    World& w = *world;
    const NodeId a = *w.net.find_node("a"), b = *w.net.find_node("b");
    REQUIRE(w.stack(b).tcp.listen(25, [&, this](TcpConnection& conn) {
      server = std::make_unique<StreamSession<ToyServer>>(
          w.sim, conn, StreamSessionOptions{"b", "toy", "S"},
          [this](const ToyEvent& e) { server_events.push_back(e.text); }, nullptr, ToyServer{});
      server->start_connected();
    }));
    const Endpoint to{w.net.node(b).address(), 25};
    TcpConnection& conn = w.stack(a).tcp.connect(to);
    client = std::make_unique<StreamSession<ToyClient>>(
        w.sim, conn, StreamSessionOptions{"a", "toy", "C"},
        [this](const ToyEvent& e) { client_events.push_back(e.text); }, nullptr, ToyClient{std::move(script)});
  }

  std::string run() { return test::run_transcript(*world); }
};

}  // namespace

TEST_CASE("dialogue_lines splits on CRLF and LF and shortens long writes") {
  CHECK(dialogue_lines("220 hi\r\n", 12) == std::vector<std::string>{"220 hi"});
  CHECK(dialogue_lines("a\nb\r\nc", 12) == std::vector<std::string>{"a", "b", "c"});
  CHECK(dialogue_lines("1\r\n2\r\n3\r\n4\r\n", 3) == std::vector<std::string>{"1", "2", "... (2 more lines)"});
  CHECK(dialogue_lines("", 12).empty());
  // A compact peer list's bytes: a transcript grep reads as text.
  CHECK(dialogue_lines(std::string("5:peers6:\x0b\x00\x00\x02\x1a\xe1\tx\x7f\r\n", 19), 12) ==
        std::vector<std::string>{"5:peers6:\\x0b\\x00\\x00\\x02\\x1a\\xe1\tx\\x7f"});
  // UTF-8 stays; a byte that is not UTF-8 (a PNG's first) is escaped.
  CHECK(dialogue_lines("Subject: cr\xc3\xaapes \xe2\x82\xac\r\n\x89PNG\r\n", 12) ==
        std::vector<std::string>{"Subject: cr\xc3\xaapes \xe2\x82\xac", "\\x89PNG"});
  CHECK(dialogue_lines("\xc3(\xed\xa0\x80\xf4\x90\x80\x80", 12) ==
        std::vector<std::string>{"\\xc3(\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80"});
}

TEST_CASE("a stream session carries a dialogue both ways and closes when the engine asks") {
  Pair p({"HELO a", "QUIT"});
  const std::string transcript = p.run();
  CHECK(p.server_events == std::vector<std::string>{"got HELO a", "got QUIT", "closed"});
  CHECK(p.client_events == std::vector<std::string>{"reply + hello", "reply OK HELO a", "reply + bye", "closed"});
  CHECK(transcript.find("b toy: S: + hello") != std::string::npos);
  CHECK(transcript.find("a toy: C: HELO a") != std::string::npos);
  CHECK(transcript.find("b toy: S: + bye") != std::string::npos);
  CHECK(p.server->finished());
  CHECK(p.client->finished());
}

TEST_CASE("a stream session turns the engine's wake-up time into a timer") {
  Pair p({"HELO a"});  // then silence: the server's idle timer fires 5 s later
  const std::string transcript = p.run();
  const auto idle = transcript.find("S: + idle");
  REQUIRE(idle != std::string::npos);
  CHECK(transcript.find("[   5.0", idle - 30) != std::string::npos);
}

TEST_CASE("a stream session holds what TCP cannot take yet and sends it as the buffer drains") {
  Pair p({"BIG", "QUIT"});
  const std::string transcript = p.run();
  CHECK(p.client->engine().received == std::string("+ hello\r\n").size() + (1 << 20) + 2 + std::string("+ bye\r\n").size());
  CHECK(p.server_events == std::vector<std::string>{"got BIG", "got QUIT", "closed"});
  CHECK(transcript.find("S: xxxx") != std::string::npos);
}
