// Runs a sans-I/O stream engine (SMTP, POP3, IMAP, HTTP, FTP control) over one simulated TCP
// connection: bytes both ways, the engine's wake-up time as a kernel event, each line it writes
// as an `S:` or `C:` app.message, and its events handed to the app. No protocol logic here.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/simulator.hpp"
#include "sim/trace/app_events.hpp"
#include "sim/transport/tcp_connection.hpp"

namespace wiresim {

struct StreamSessionOptions {
  std::string node;      // the node the engine runs on, for the transcript
  std::string protocol;  // "smtp", "pop3", ...
  std::string speaker;   // "S" for a server engine, "C" for a client engine
  // A long write (a message body, a listing) shows its first lines and a count of the rest.
  std::size_t max_lines_per_write = 12;
};

// Splits a write into the transcript's dialogue lines: CRLF or LF ends a line; a write longer
// than `max_lines` lines keeps max_lines - 1 of them and a "... (n more lines)" line. Control
// octets other than tab, and bytes that are not UTF-8, show as \xNN.
std::vector<std::string> dialogue_lines(std::string_view bytes, std::size_t max_lines);

// What an app holding sessions of several protocols in one container needs to know.
class AnyStreamSession {
 public:
  virtual ~AnyStreamSession() = default;
  virtual bool finished() const = 0;
};

template <class Engine>
class StreamSession : public AnyStreamSession {
 public:
  using Event = typename decltype(std::declval<Engine&>().take_events())::value_type;
  using EventHandler = std::function<void(const Event&)>;

  // `conn` is connected already (a listener's child) or connecting; `on_event` sees every event
  // the engine reports; `on_finished` runs once when the connection is over. The engine is
  // built in place from `engine_args` (some engines hold locks and cannot move).
  template <class... Args>
  StreamSession(Simulator& sim, TcpConnection& conn, StreamSessionOptions options, EventHandler on_event,
                std::function<void()> on_finished, Args&&... engine_args)
      : sim_(sim), conn_(conn), engine_(std::forward<Args>(engine_args)...), options_(std::move(options)),
        on_event_(std::move(on_event)), on_finished_(std::move(on_finished)) {
    conn_.on_connected = [this] {
      engine_.on_connected(sim_.now());
      flush();
    };
    conn_.on_data = [this](std::string_view data) {
      engine_.on_bytes(data, sim_.now());
      flush();
    };
    conn_.on_send_space = [this] { write_pending(); };
    conn_.on_peer_closed = [this] {
      if (!closed_) engine_.on_closed(sim_.now());
      closed_ = true;
      flush();
      conn_.close();
    };
    conn_.on_closed = [this](TcpCloseReason) {
      if (!closed_) engine_.on_closed(sim_.now());
      closed_ = true;
      flush();
      finish();
    };
  }
  StreamSession(const StreamSession&) = delete;
  StreamSession& operator=(const StreamSession&) = delete;
  ~StreamSession() override {
    if (timer_) sim_.cancel(*timer_);
    // The connection outlives us (the stack keeps it for its statistics): cut it loose.
    conn_.on_connected = nullptr;
    conn_.on_data = nullptr;
    conn_.on_send_space = nullptr;
    conn_.on_peer_closed = nullptr;
    conn_.on_closed = nullptr;
  }

  // For handlers that need the session itself, set right after construction: the engine reports
  // nothing before the connection is up.
  void set_event_handler(EventHandler handler) { on_event_ = std::move(handler); }
  // Runs at the end of every flush: for an owner that drains more from the engine than bytes and
  // events (FTP's data-connection requests). It may call flush() again.
  void set_after_flush(std::function<void()> hook) { after_flush_ = std::move(hook); }

  Engine& engine() { return engine_; }
  const Engine& engine() const { return engine_; }
  TcpConnection& connection() { return conn_; }
  bool finished() const override { return finished_; }

  // A listener's child is connected before we see it: start the engine (a server's greeting).
  void start_connected() {
    engine_.on_connected(sim_.now());
    flush();
  }

  // Pushes out what the engine produced: after every input, and after the app called into the
  // engine from outside (a new request, a store change to report).
  void flush() {
    // What the engine did comes before what it says about it, as in the DNS adapter: the MDA
    // stores the message, then "250" goes out; the ftp client prints "ftp> get", then sends PORT.
    for (const Event& e : engine_.take_events())
      if (on_event_) on_event_(e);
    std::string out = engine_.take_outgoing();
    if (!out.empty() && !closed_) {
      for (std::string& line : dialogue_lines(out, options_.max_lines_per_write))
        sim_.trace().publish(AppMessage{options_.node, options_.protocol, options_.speaker, std::move(line),
                                static_cast<std::int64_t>(conn_.id())});
      unsent_ += out;
      write_pending();
    }
    if (engine_.wants_close() && !close_requested_ && !closed_) {
      close_requested_ = true;
      close_when_sent();
    }
    arm_timer();
    if (after_flush_) after_flush_();
  }

 private:
  // TCP takes what its send buffer has room for; the rest waits for on_send_space.
  void write_pending() {
    if (!unsent_.empty() && !closed_) unsent_.erase(0, conn_.send(unsent_));
    close_when_sent();
  }

  void close_when_sent() {
    if (close_requested_ && unsent_.empty() && !close_sent_ && !closed_) {
      close_sent_ = true;
      conn_.close();
    }
  }

  void arm_timer() {
    const std::optional<Time> wake = closed_ ? std::nullopt : engine_.wake_at();
    if (wake == armed_for_) return;
    if (timer_) sim_.cancel(*timer_);
    timer_.reset();
    armed_for_ = wake;
    if (!wake) return;
    timer_ = sim_.schedule_at(*wake, [this] {  // a past time runs at now()
      timer_.reset();
      armed_for_.reset();
      engine_.on_timer(sim_.now());
      flush();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    if (timer_) sim_.cancel(*timer_);
    timer_.reset();
    if (on_finished_) on_finished_();
  }

  Simulator& sim_;
  TcpConnection& conn_;
  Engine engine_;
  StreamSessionOptions options_;
  EventHandler on_event_;
  std::function<void()> on_finished_;
  std::function<void()> after_flush_;
  std::optional<EventId> timer_;
  std::optional<Time> armed_for_;
  std::string unsent_;  // written by the engine, not yet taken by TCP
  bool closed_ = false, close_requested_ = false, close_sent_ = false, finished_ = false;
};

}  // namespace wiresim
