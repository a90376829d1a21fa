// The client side of one HTTP/1.1 connection: queued requests sent one after another on a
// persistent connection, all at once when pipelining (RFC 9112 9.3.2), or one per connection
// (non-persistent, "Connection: close"). No redirects, cookies, caching or retries of its own:
// the caller learns which requests went unanswered and opens a new connection for them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/http/events.hpp"
#include "protocols/http/message.hpp"
#include "protocols/http/parser.hpp"
#include "sim/core/time.hpp"

namespace wiresim::http {

struct ClientConfig {
  std::string host;              // the Host field (RFC 9112 3.2), "mail.example.com"; added when missing
  bool persistent = true;        // false: one request with "Connection: close", then the client closes
  bool pipelining = false;       // persistent only: write every queued request without waiting
  bool close_when_done = true;   // close once every queued request is answered
  std::string user_agent;        // the User-Agent field; empty: none
  Limits limits;
};

class ClientSession {
 public:
  explicit ClientSession(ClientConfig config);

  // Queues a request and returns its index, used in events and unanswered(). The session adds
  // Host, User-Agent, Content-Length and Connection as needed and sends it when its turn comes.
  std::size_t request(Request request);
  // Close now: nothing more is sent or read; outstanding requests are reported unanswered.
  void close();

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now) { (void)now; }
  std::string take_outgoing();
  std::vector<Event> take_events();
  std::optional<Time> wake_at() const { return std::nullopt; }
  bool wants_close() const { return closing_ || closed_; }

  // Requests with no response, oldest first: those sent but unanswered and those never sent. A
  // caller that reconnects sends these again (re-sending a POST is the caller's decision).
  std::vector<std::size_t> unanswered() const;
  std::vector<std::size_t> unsent() const;
  const Request& request_at(std::size_t index) const { return entries_[index].request; }
  const Counters& counters() const { return counters_; }

 private:
  struct Entry {
    Request request;
    bool sent = false;
    bool answered = false;
  };

  void send_ready();
  void take_responses();
  void on_response(ParsedResponse parsed);
  void on_parse_error();
  void finish(std::string text);  // the client decides to close
  void report_unanswered(std::string_view why);
  void emit(Event event) { events_.push_back(std::move(event)); }

  ClientConfig config_;
  ResponseParser parser_;
  std::vector<Entry> entries_;
  std::size_t next_to_send_ = 0;
  std::size_t next_to_answer_ = 0;
  std::string outgoing_;
  std::vector<Event> events_;
  Counters counters_;
  bool connected_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool reported_ = false;  // the Error about unanswered requests went out
};

}  // namespace wiresim::http
